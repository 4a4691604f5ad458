/* Replay (the timeline under the planes): drag it to see the run at any recorded step:
 * the planes, the cursor's decode (with the decoder recorded nearest), the grid, the
 * curves and the panel all show a past snapshot built from the recording (replay.h);
 * play it forward at a few speeds; back to live shows the present again. Point trails
 * draw where a chosen image, or its class's mean, travelled over the run. The recording
 * is the trainer's (recorder.h) or --replay's file; this tool only ever tries its lock:
 * a frame that cannot have it shows what it showed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "tool.h"

#define BAND_PT 40 /* the band's height */
#define LIVE_PT 52 /* the live button's width */
#define PAD_PT 12

double app_replay_fps(int speed) {
    static const double fps[APP_REPLAY_SPEEDS] = {10, 20, 40, 5};
    return fps[speed >= 0 && speed < APP_REPLAY_SPEEDS ? speed : 0];
}

AppTimeline app_timeline_layout(AppRect band, float u) {
    AppTimeline t;
    int live_w = (int)(LIVE_PT * u), pad = (int)(PAD_PT * u);
    t.live = (AppRect){band.x + band.w - live_w - pad / 2, band.y + (int)(8 * u), live_w,
                       band.h - (int)(16 * u)};
    t.x0 = band.x + pad + (int)(44 * u); /* room for the step label on the left */
    t.x1 = t.live.x - pad;
    t.y = band.y + band.h / 2;
    if (t.x1 <= t.x0) t.x1 = t.x0 + 1;
    return t;
}

double app_timeline_x(const AppReplay *r, int64_t step) {
    int64_t last = r->n_frames ? r->frame_step[r->n_frames - 1] : 0;
    return last > 0 ? log1p((double)step) / log1p((double)last) : 0;
}

int app_timeline_frame_at(const AppReplay *r, double x) {
    int best = -1;
    double best_d = 1e30;
    for (int i = 0; i < r->n_frames; i++) { /* a few hundred: a scan per drag event */
        double d = fabs(app_timeline_x(r, r->frame_step[i]) - x);
        if (d < best_d) best_d = d, best = i;
    }
    return best;
}

/* ---- the timeline's copy ---------------------------------------------------------------- */

static int grow(int64_t **a, int *cap, int n) {
    if (n <= *cap) return 0;
    int64_t *p = realloc(*a, (size_t)n * sizeof *p);
    if (!p) return -1;
    *a = p, *cap = n;
    return 0;
}

static void copy_steps(AppReplay *r, const VaeRecording *rec) {
    int nf = vae_recording_n_frames(rec), nd = vae_recording_n_decoders(rec);
    if (grow(&r->frame_step, &r->cap_frames, nf) != 0 || grow(&r->dec_step, &r->cap_dec, nd) != 0)
        return;
    for (int i = 0; i < nf; i++)
        r->frame_step[i] = vae_recording_frame_step(rec, i);
    for (int i = 0; i < nd; i++)
        r->dec_step[i] = vae_recording_decoder_step(rec, i);
    r->n_frames = nf, r->n_dec = nd, r->n_events = 0;
    for (int i = 0; i < vae_recording_n_events(rec) && r->n_events < APP_TIMELINE_EVENTS; i++) {
        const VaeRecordEvent *e = vae_recording_event(rec, i);
        if (e->step == 0 && e->kind != VAE_EVENT_PAUSE) continue;  /* the settings at the start */
        if (e->kind == VAE_EVENT_PAUSE && e->value == 0) continue; /* resumed */
        r->event_step[r->n_events] = e->step;
        r->event_kind[r->n_events++] = (uint8_t)e->kind;
    }
}

/* Copy the recording's steps when it grew or was replaced: a few hundred steps, under a
 * lock the trainer only tries, at most once per snapshot. A new recording (a reset, a
 * fork) ends a replay of the old one. */
static void refresh_timeline(AppReplay *r, AppState *s, AppRecorder *rec) {
    unsigned gen = atomic_load_explicit(&rec->gen, memory_order_acquire);
    int changes = atomic_load_explicit(&rec->changes, memory_order_relaxed);
    int replaced = gen != r->gen;
    if (!replaced && changes == r->changes_seen) return;
    VaeRecording *locked = app_recorder_try(rec);
    if (!locked) return;
    gen = atomic_load_explicit(&rec->gen, memory_order_acquire); /* (stable while locked) */
    copy_steps(r, locked);
    app_recorder_release(rec);
    if (gen != r->gen && r->past) r->past = 0, r->playing = 0;
    r->gen = gen, r->changes_seen = changes;
    app_redraw_rect(s, s->band);
}

/* ---- what is shown ------------------------------------------------------------------------ */

static void go_live(AppReplay *r, AppState *s) {
    r->past = r->playing = r->dragging = 0;
    s->redraw |= APP_REDRAW_ALL;
}

static void scrub_to(AppReplay *r, AppState *s, int frame) {
    if (frame < 0 || r->n_frames == 0) return;
    r->past = 1;
    r->want = frame < r->n_frames ? frame : r->n_frames - 1;
    s->redraw |= APP_REDRAW_ALL;
}

/* The past state of the frame wanted, when the recording can be read now. */
static void show_wanted(AppReplay *r, AppState *s, AppRecorder *rec) {
    if (!r->past) {
        if (s->past) app_state_show(s, NULL);
        return;
    }
    if (r->built.snap && s->past == r->built.snap && r->built.frame == r->want &&
        r->built.gen == r->gen)
        return;
    VaeRecording *locked = app_recorder_try(rec);
    if (!locked) return; /* busy (an export, the trainer adding): the next frame */
    char err[VAE_ERR_LEN];
    int ok = atomic_load(&rec->gen) == r->gen && r->want < vae_recording_n_frames(locked) &&
             app_past_build(&r->built, locked, r->gen, r->want, s->live,
                            s->session->steps_per_epoch, err) == 0;
    app_recorder_release(rec);
    if (!ok) return;
    if (app_state_show(s, r->built.snap) != 0) app_toast(s, 1, "out of memory for the replay");
}

static void play(AppReplay *r, AppState *s) {
    if (!r->playing || r->dragging) return;
    if (s->now < r->next_at) return;
    r->next_at = s->now + 1.0 / app_replay_fps(r->speed);
    if (r->want + 1 >= r->n_frames) {
        go_live(r, s); /* the end: the present again */
        return;
    }
    scrub_to(r, s, r->want + 1);
}

/* ---- trails -------------------------------------------------------------------------------- */

/* The chosen image's code, or its class's mean, at every frame, for every model. */
static void compute_trail(AppReplay *r, const VaeRecording *rec) {
    const VaeRecordSetup *su = vae_recording_setup(rec);
    int nf = vae_recording_n_frames(rec), np = vae_recording_n_points(rec);
    const uint8_t *labels = vae_recording_labels(rec);
    r->n_trail = 0;
    for (int m = 0; m < su->n_models && m < APP_MAX_MODELS; m++) {
        int L = su->cfg[m].latent;
        float *c = realloc(r->trail_code[m], (size_t)(nf > 0 ? nf : 1) * (size_t)L * sizeof *c);
        if (!c) return;
        r->trail_code[m] = c;
        for (int f = 0; f < nf; f++) {
            float *out = c + (size_t)f * L, z[VAE_MAX_LATENT];
            if (r->trail == APP_TRAIL_IMAGE) {
                vae_recording_frame_point(rec, f, m, r->trail_point, out);
                continue;
            }
            int n = 0;
            memset(out, 0, (size_t)L * sizeof *out);
            for (int i = 0; i < np; i++) {
                if (labels[i] != r->trail_class) continue;
                vae_recording_frame_point(rec, f, m, i, z);
                for (int k = 0; k < L; k++)
                    out[k] += z[k];
                n++;
            }
            for (int k = 0; k < L; k++)
                out[k] /= n > 0 ? (float)n : 1.0f;
        }
    }
    r->n_trail = nf;
}

static void refresh_trail(AppReplay *r, AppState *s, AppRecorder *rec) {
    if (r->trail == APP_TRAIL_OFF) return;
    if (r->trail_gen == r->gen && r->trail_frames == r->n_frames && r->n_trail > 0) return;
    VaeRecording *locked = app_recorder_try(rec);
    if (!locked) return;
    if (r->trail_point < vae_recording_n_points(locked)) compute_trail(r, locked);
    app_recorder_release(rec);
    r->trail_gen = r->gen, r->trail_frames = r->n_frames;
    s->redraw |= APP_REDRAW_ALL;
}

/* Shift+T: the hovered image's trail, then its class's, then none. */
static void trail_key(AppReplay *r, AppState *s) {
    int next = (r->trail + 1) % 3;
    if (next == APP_TRAIL_IMAGE) {
        if (s->hover < 0 || !s->snap) {
            app_toast(s, 1, "trails: hover an image first");
            return;
        }
        r->trail_point = s->hover;
        r->trail_class = s->session->shown->labels[s->hover];
    }
    r->trail = (AppTrailMode)next;
    r->n_trail = 0;
    s->redraw |= APP_REDRAW_ALL;
}

/* ---- the tool -------------------------------------------------------------------------- */

static int in_rect(AppRect r, int x, int y) {
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

static int pointer(AppReplay *r, AppState *s, const AppInput *in) {
    AppTimeline t = app_timeline_layout(s->band, s->u);
    if (in->kind == APP_IN_RELEASE && r->dragging) {
        r->dragging = 0;
        return 1;
    }
    if (in->kind == APP_IN_MOVE && r->dragging) {
        scrub_to(r, s, app_timeline_frame_at(r, (double)(in->x - t.x0) / (t.x1 - t.x0)));
        return 1;
    }
    if (in->kind != APP_IN_PRESS || in->button != APP_BUTTON_LEFT ||
        !in_rect(s->band, in->x, in->y))
        return 0;
    if (in_rect(t.live, in->x, in->y)) {
        go_live(r, s);
        return 1;
    }
    r->dragging = 1;
    r->playing = 0;
    scrub_to(r, s, app_timeline_frame_at(r, (double)(in->x - t.x0) / (t.x1 - t.x0)));
    return 1;
}

static int key(AppReplay *r, AppState *s, const AppInput *in) {
    int shift = (in->mods & APP_MOD_SHIFT) != 0;
    switch (in->key) {
    case 'w':
        if (shift) {
            r->speed = (r->speed + 1) % APP_REPLAY_SPEEDS;
        } else if ((r->playing = !r->playing) && !r->past) {
            scrub_to(r, s, 0); /* from live: from the start */
        }
        r->next_at = s->now + 1.0 / app_replay_fps(r->speed);
        s->redraw |= APP_REDRAW_ALL;
        return 1;
    case APP_KEY_END: go_live(r, s); return 1;
    case APP_KEY_HOME:
        r->playing = 0;
        scrub_to(r, s, 0);
        return 1;
    case 't':
        if (!shift) return 0; /* T: traversals */
        trail_key(r, s);
        return 1;
    default: return 0;
    }
}

static int input(void *self, AppState *s, const AppInput *in) {
    AppReplay *r = self;
    int shift = in->kind == APP_IN_KEY && (in->mods & APP_MOD_SHIFT);
    if (shift && (in->key == 's' || in->key == 'p')) { /* (says so when nothing is recorded) */
        app_replay_export(r, s, in->key == 'p');
        return 1;
    }
    if (!s->session->recording) return 0;
    if (in->kind == APP_IN_KEY) return key(r, s, in);
    return pointer(r, s, in);
}

static int init(void *self, AppState *s) {
    AppReplay *r = self;
    r->built.frame = r->built.decoder = -1;
    r->gen = (unsigned)-1;
    if (s->session->recording) s->band_pt = BAND_PT, s->layout_dirty = 1;
    return 0;
}

static void update(void *self, AppState *s) {
    AppReplay *r = self;
    app_replay_export_poll(r, s);
    if (!s->session->recording) return;
    AppRecorder *rec = &s->session->recorder;
    refresh_timeline(r, s, rec);
    play(r, s);
    show_wanted(r, s, rec);
    refresh_trail(r, s, rec);
}

static void release(void *self) {
    AppReplay *r = self;
    app_past_free(&r->built);
    free(r->frame_step), free(r->dec_step);
    for (int m = 0; m < APP_MAX_MODELS; m++)
        free(r->trail_code[m]);
}

static const AppHelpLine help[] = {
    {"timeline", "drag: the run at that step"},
    {"W", "play / pause the run (live: from the start)"},
    {"Shift+W", "replay speed: 10, 20, 40, 5 frames/s"},
    {"Home", "the first recorded step"},
    {"End", "back to live (or click live)"},
    {"Shift+T", "trail: hovered image / its class / none"},
    {"Shift+P", "the run as a GIF to screenshots/"},
    {"Shift+S", "save the recording to recordings/"},
};

const AppTool app_tool_replay = {
    .name = "replay",
    .title = "Replay",
    .size = sizeof(AppReplay),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .init = init,
    .free = release,
    .input = input,
    .update = update,
};
