/* The window's own keys: the help overlay, quitting, a screenshot (taken by the front
 * after the frame is drawn, so the picture is what the user sees) and saving the models
 * (while training the trainer thread saves its live models; with --no-train the
 * snapshot holds whole checkpoints and is saved here). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "save.h"
#include "tool.h"

static void screenshot_key(AppState *s) {
    char err[256];
    if (app_ensure_dir("screenshots", err, sizeof err) != 0) {
        app_toast(s, 1, "%s", err);
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    snprintf(s->screenshot, sizeof s->screenshot,
             "screenshots/vae-explorer-%04d%02d%02d-%02d%02d%02d-%ld.png", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, s->frame);
}

static void save_key(AppState *s) {
    const AppSnapshot *snap = s->snap;
    if (!snap) return;
    if (!snap->encoders && !s->session->trainer) { /* a replay's decoders only */
        app_toast(s, 1, "a replay holds no encoders to save (Shift+S saves the recording)");
        return;
    }
    if (!snap->encoders) { /* a trainer's snapshot: the trainer saves */
        app_trainer_save(s->session->trainer);
        return;
    }
    const VaeModel *models[APP_MAX_MODELS];
    for (int m = 0; m < snap->n_models; m++)
        models[m] = &snap->model[m];
    AppSaveInfo info = {s->session->ds.name, snap->step, snap->epoch, {0}, s->opt->tc.seed};
    for (int m = 0; m < snap->n_models; m++)
        info.beta[m] = snap->info[m].beta;
    char msg[VAE_ERR_LEN + 320];
    int rc = app_save_models(models, snap->n_models, &info, msg, (int)sizeof msg);
    app_toast(s, rc != 0, "%s", msg);
}

static int input(void *self, AppState *s, const AppInput *in) {
    (void)self;
    if (in->kind != APP_IN_KEY) return 0;
    switch (in->key) {
    case 'q': s->quit = 1; return 1;
    case APP_KEY_ESCAPE:
        if (s->help)
            s->help = 0;
        else
            s->quit = 1;
        return 1;
    case 'h':
    case APP_KEY_F1: s->help = !s->help; return 1;
    case 'p': screenshot_key(s); return 1;
    case 's': save_key(s); return 1;
    default: return 0;
    }
}

static const AppHelpLine help[] = {
    {"S", "save the models to models/*.safetensors"},
    {"P", "screenshot to screenshots/*.png"},
    {"H  F1", "this help"},
    {"Q  Esc", "quit"},
};

const AppTool app_tool_window = {
    .name = "window",
    .title = "Window",
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .input = input,
};
