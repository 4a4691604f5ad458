/* The replay tool's exports: the recording (Shift+S) and its animation (Shift+P, a GIF
 * through vae_animate_gif), written atomically on the tools' worker. The worker waits
 * for the recording's lock as long as the write takes; the trainer and the render thread
 * only try it meanwhile, so neither waits on the export. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "replay.h"
#include "save.h"
#include "state.h"

static void run_job(void *arg) {
    AppReplayJob *j = arg;
    VaeRecording *r = app_recorder_wait(j->rec);
    if (!r) {
        j->rc = VAE_ERR_ARG;
        snprintf(j->err, sizeof j->err, "nothing recorded yet");
        return;
    }
    if (j->gif) {
        VaeAnimateOptions o = vae_animate_defaults();
        j->rc = vae_animate_resolve(r, &o, j->err);
        if (j->rc == VAE_OK) j->rc = vae_animate_gif(r, &o, j->path, &j->info, j->err);
    } else {
        j->rc = vae_recording_save(r, j->path, j->err);
    }
    app_recorder_release(j->rec);
}

/* "screenshots/vae-explorer-run-20261202-134501.gif" */
static int job_path(AppReplayJob *j, AppState *s) {
    const char *dir = j->gif ? "screenshots" : "recordings";
    char err[256];
    if (app_ensure_dir(dir, err, sizeof err) != 0) {
        app_toast(s, 1, "%s", err);
        return -1;
    }
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    snprintf(j->path, sizeof j->path, "%s/vae-explorer-run-%04d%02d%02d-%02d%02d%02d-%ld.%s", dir,
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             s->frame, j->gif ? "gif" : "safetensors");
    return 0;
}

static void submit(AppReplay *r, AppState *s) {
    AppReplayJob *j = &r->job;
    j->gif = r->job_wanted == 2;
    j->rec = &s->session->recorder;
    j->rc = VAE_OK, j->err[0] = 0;
    memset(&j->info, 0, sizeof j->info);
    if (job_path(j, s) != 0) {
        r->job_wanted = 0;
        return;
    }
    if (!app_worker_submit(s->worker, run_job, j)) return; /* busy: a later frame */
    r->job_wanted = 0;
    r->job_running = 1;
    app_toast(s, 0, "writing %s ...", j->path);
}

void app_replay_export(AppReplay *r, AppState *s, int gif) {
    if (!s->session->recording) {
        app_toast(s, 1, "nothing is recorded (--no-record, --no-train)");
        return;
    }
    r->job_wanted = gif ? 2 : 1; /* after the one being written, if any */
    if (!r->job_running) submit(r, s);
}

void app_replay_export_poll(AppReplay *r, AppState *s) {
    if (r->job_wanted && !r->job_running) submit(r, s);
    if (!r->job_running || !app_worker_done(s->worker, &r->job)) return;
    r->job_running = 0;
    const AppReplayJob *j = &r->job;
    if (j->rc != VAE_OK)
        app_toast(s, 1, "%s", j->err);
    else if (j->gif)
        app_toast(s, 0, "wrote %s: %d frames, %dx%d, %.0f KB", j->path, j->info.frames,
                  j->info.width, j->info.height, j->info.bytes / 1024.0);
    else
        app_toast(s, 0, "wrote %s", j->path);
}
