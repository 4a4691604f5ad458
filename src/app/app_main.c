/* vae-explorer: the window. Sections as in the raylib examples: initialise (flags, data,
 * checkpoints, display, font, trainer), loop { input, update, draw }, de-initialise.
 * Every failure before the loop is one line `vae-explorer: ...` and exit status 2. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "fileio.h"

#define FRAME_CAP_S (1.0 / 60.0)
#define GRID_TILES_PER_FRAME 32

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("vae-explorer: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

static int is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- initialisation helpers ------------------------------------------------------ */

static int load_script(const char *path, AppScript *script) {
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[VAE_ERR_LEN];
    if (vae_file_read_all(path, 16u << 20, &buf, &len, err) != VAE_OK) return fail("%s", err);
    char msg[512];
    int rc = app_script_parse(script, (const char *)buf, len, path, msg, sizeof msg);
    free(buf);
    if (rc != 0) return fail("%s", msg);
    for (int i = 0; i < script->n; i++) {
        const AppScriptEvent *e = &script->ev[i];
        if (e->kind == APP_EV_KEY && SDL_GetKeyFromName(e->text) == SDLK_UNKNOWN) {
            rc = fail("%s:%d: unknown key '%s' (use SDL key names: a, space, f1, escape, [ ...)",
                      path, e->line, e->text);
            app_script_free(script);
            return rc;
        }
    }
    return 0;
}

static int load_models(App *a) {
    const char *paths[2] = {a->opt.model_path, a->opt.ae_path};
    char err[VAE_ERR_LEN];
    for (int m = 0; m < 2; m++) {
        if (!paths[m]) continue;
        if (vae_checkpoint_load(paths[m], &a->loaded[m], &a->loaded_meta[m], err) != VAE_OK)
            return fail("%s", err);
        a->has_loaded[m] = 1;
        const VaeConfig *c = &a->loaded[m].cfg;
        if (c->input_h != a->rows || c->input_w != a->cols)
            return fail("%s: the model takes %dx%d images, the data has %dx%d", paths[m],
                        c->input_h, c->input_w, a->rows, a->cols);
        if (c->kind == VAE_KIND_CVAE && c->classes < a->ds.classes)
            return fail("%s: the model knows %d classes, the data has %d", paths[m], c->classes,
                        a->ds.classes);
        if (c->latent < 2)
            return fail("%s: the explorer needs a latent space of 2 or more dimensions", paths[m]);
    }
    if (a->has_loaded[1] && a->loaded[1].cfg.kind != VAE_KIND_AE)
        fprintf(stderr, "vae-explorer: note: --ae-model %s is a %s, shown in the AE pane\n",
                paths[1], vae_kind_name(a->loaded[1].cfg.kind));
    return 0;
}

static int start_training(App *a) {
    AppTrainerConfig tc = {0};
    tc.n_models = 2;
    VaeConfig base = a->has_loaded[0] ? a->loaded[0].cfg : a->opt.cfg;
    if (!a->has_loaded[0]) {
        base.input_h = a->rows, base.input_w = a->cols;
        base.classes = a->ds.classes;
    }
    tc.cfg[0] = base;
    tc.init[0] = a->has_loaded[0] ? &a->loaded[0] : NULL;
    if (a->has_loaded[1]) {
        tc.cfg[1] = a->loaded[1].cfg;
        tc.init[1] = &a->loaded[1];
    } else { /* the AE beside it: the same shape and likelihood, no flows */
        tc.cfg[1] = base;
        tc.cfg[1].kind = VAE_KIND_AE;
        tc.cfg[1].flows = 0;
    }
    char err[VAE_ERR_LEN];
    for (int m = 0; m < 2; m++)
        if (vae_config_check(&tc.cfg[m], err) != VAE_OK) return fail("%s", err);
    tc.tc = a->opt.tc;
    if (a->has_loaded[0] && !a->opt.beta_set && a->loaded[0].cfg.kind != VAE_KIND_AE &&
        a->loaded_meta[0].beta > 0)
        tc.tc.beta = a->loaded_meta[0].beta; /* carry on as the checkpoint was trained */
    tc.ds = &a->ds;
    tc.shown = a->shown;
    tc.epochs = a->opt.epochs;
    /* --threads as in `vae train`: data-parallel shards of each batch, one BLAS thread each */
    tc.tc.threads = a->opt.threads;
    tc.blas_threads = 1;
    char msg[512];
    a->trainer = app_trainer_start(&tc, &a->box, msg, sizeof msg);
    if (!a->trainer) return fail("%s", msg);
    a->n_models = 2;
    return 0;
}

/* --no-train: one snapshot of the checkpoints, built here. */
static int snapshot_checkpoints(App *a) {
    a->n_models = a->has_loaded[1] ? 2 : 1;
    const VaeModel *models[2] = {&a->loaded[0], &a->loaded[1]};
    char err[256];
    AppSnapshot *s = app_box_acquire(&a->box);
    AppEncoder *enc =
        s ? app_encoder_create(models, a->n_models, a->shown, a->opt.threads, err, sizeof err)
          : NULL;
    int rc = enc ? app_snapshot_build(s, models, a->n_models, a->shown, enc, 1) : -1;
    app_encoder_destroy(enc);
    if (rc != 0) {
        app_box_discard(&a->box, s);
        return fail("out of memory building the snapshot");
    }
    s->seq = 1;
    s->step = a->loaded_meta[0].step;
    s->epoch = a->loaded_meta[0].epoch;
    s->beta = s->beta_eff = a->loaded_meta[0].beta;
    s->latents_step = s->step;
    s->latents_seq = s->seq;
    s->paused = 1;
    AppSnapshot *old;
    app_box_publish(&a->box, s, &old);
    return 0;
}

/* An OpenGL renderer that is really Mesa's software rasteriser (llvmpipe, softpipe: no
 * GPU, e.g. Xvfb or a VM)? Asked of the renderer's own context, current right now. */
static int gl_is_software(SDL_Renderer *ren) {
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(ren, &info) != 0 || strncmp(info.name, "opengl", 6) != 0) return 0;
    typedef const unsigned char *(*GetString)(unsigned int);
    GetString get = (GetString)(uintptr_t)SDL_GL_GetProcAddress("glGetString");
    const char *name = get ? (const char *)get(0x1F01 /* GL_RENDERER */) : NULL;
    return name && (strstr(name, "llvmpipe") || strstr(name, "softpipe") ||
                    strstr(name, "Software Rasterizer") || strstr(name, "swrast"));
}

/* The renderer. With a GPU: SDL's accelerated one, vsync'd. Without one (Xvfb, a VM:
 * Mesa's llvmpipe), SDL's software renderer drawing straight into the window's shared-
 * memory image: llvmpipe spends more CPU than a whole software frame on threads that
 * compete with the trainer, and the image kept between frames lets a frame in which only
 * the cursor moved redraw just the pixels that change (a->retained). A display without a
 * refresh rate (Xvfb, offscreen) is taken as GPU-less without asking GL, which would map
 * ~70 MB of LLVM; SDL_RENDER_DRIVER still picks a driver by name. */
static int create_renderer(App *a) {
    SDL_SetHint(SDL_HINT_RENDER_BATCHING, "1"); /* also when a driver is named (no own GL) */
    const char *want = SDL_GetHint(SDL_HINT_RENDER_DRIVER);
    SDL_DisplayMode mode;
    int idx = SDL_GetWindowDisplayIndex(a->win);
    int no_refresh =
        SDL_GetCurrentDisplayMode(idx < 0 ? 0 : idx, &mode) == 0 && mode.refresh_rate == 0;
    int software = want && *want ? !strcmp(want, "software") : no_refresh;
    if (!software) {
        a->ren =
            SDL_CreateRenderer(a->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
        if (a->ren && !(want && *want) && gl_is_software(a->ren)) {
            SDL_DestroyRenderer(a->ren);
            a->ren = NULL;
        }
        software = !a->ren;
    }
    if (software) {
        /* the window's own (XShm) image, not one uploaded into a GL texture every frame */
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
        a->retained = a->ren != NULL;
    }
    if (!a->ren) return -1;
    /* Without a vblank to wait for (no refresh rate) SDL would only simulate vsync by
     * sleeping inside present: pace the loop ourselves, so that present measures real
     * work. The software renderer never waits either. */
    if (a->retained || no_refresh) SDL_RenderSetVSync(a->ren, 0);
    SDL_RendererInfo info;
    a->vsync = !a->retained && SDL_GetRendererInfo(a->ren, &info) == 0 &&
               (info.flags & SDL_RENDERER_PRESENTVSYNC) != 0;
    return 0;
}

void app_layout(App *a) {
    SDL_GetWindowSize(a->win, &a->win_w, &a->win_h);
    SDL_GetRendererOutputSize(a->ren, &a->pix_w, &a->pix_h);
    a->u = a->win_w > 0 ? (float)a->pix_w / (float)a->win_w : 1;
    if (a->u < 1) a->u = 1;
    int W = a->pix_w, H = a->pix_h;
    int P = app_px(a, 500);
    if (P > W * 45 / 100) P = W * 45 / 100;
    a->panel = (AppRect){W - P, 0, P, H};
    int want = a->compare ? 2 : 1;
    int plane_w = W - P;
    for (int i = 0; i < want; i++) {
        AppPane *p = &a->pane[i];
        int model = a->compare ? i : a->show;
        if (i >= a->n_panes || p->model != model) { /* another model: fit it afresh */
            p->model = model;
            p->view.user = 0;
            p->view.scale = 0;
            p->layer_valid = 0;
            p->dec_valid = 0;
            p->grid_valid = 0;
            p->job.active = 0;
            p->rec_idx = -1;
            p->post_valid = 0;
        }
        int fx = plane_w * i / want, fw = plane_w / want;
        p->frame = (AppRect){fx, 0, fw, H};
        p->rect = (AppRect){fx + app_px(a, 56), app_px(a, 42), fw - app_px(a, 56) - app_px(a, 16),
                            H - app_px(a, 42) - app_px(a, 48)};
        if (p->rect.w < 16) p->rect.w = 16;
        if (p->rect.h < 16) p->rect.h = 16;
    }
    a->n_panes = want;
    a->layout_dirty = 0;
}

/* ---- drawing ------------------------------------------------------------------------ */

/* Everything, or (clip non-NULL) only what falls inside clip: every draw call runs and the
 * renderer drops the pixels outside, so a part is drawn exactly as in a full frame. */
static void draw_scene(App *a, const SDL_Rect *clip) {
    a->clipped = clip != NULL;
    if (clip) a->pass_clip = *clip;
    app_clip(a, NULL);
    app_set_color(a->ren, APP_BG);
    if (clip)
        SDL_RenderFillRect(a->ren, clip); /* RenderClear would ignore the clip */
    else
        SDL_RenderClear(a->ren);
    for (int i = 0; i < a->n_panes; i++)
        app_plane_draw(a, &a->pane[i]);
    app_panel_draw(a);
    if (a->help) app_help_draw(a);
    a->clipped = 0;
    app_clip(a, NULL);
}

static int rect_inside(const SDL_Rect *in, const SDL_Rect *out) {
    return in->x >= out->x && in->y >= out->y && in->x + in->w <= out->x + out->w &&
           in->y + in->h <= out->y + out->h;
}

/* A frame in which only the cursor moved, on the retained image: redraw where each pane's
 * marks (crosshair, hover ring, posterior samples) were, then where they are now (known
 * once drawn), and the panel's images (or the whole panel: a new snapshot whose latents
 * are those on screen). Returns the rectangles to show. */
static int draw_cursor_frame(App *a, SDL_Rect *dirty, int whole_panel) {
    int n = 0;
    SDL_Rect before[2];
    for (int i = 0; i < a->n_panes; i++) /* all first: every pass redoes every pane's marks */
        before[i] = a->pane[i].overlay;
    for (int i = 0; i < a->n_panes; i++)
        if (!SDL_RectEmpty(&before[i])) draw_scene(a, &before[i]), dirty[n++] = before[i];
    SDL_Rect panel =
        whole_panel ? (SDL_Rect){a->panel.x, a->panel.y, a->panel.w, a->panel.h} : a->panel_dyn;
    if (!SDL_RectEmpty(&panel)) draw_scene(a, &panel), dirty[n++] = panel;
    for (int i = 0; i < a->n_panes; i++) {
        SDL_Rect now = a->pane[i].overlay;
        if (SDL_RectEmpty(&now) || rect_inside(&now, &before[i])) continue;
        draw_scene(a, &now);
        dirty[n++] = now;
    }
    return n;
}

void app_clip(App *a, const SDL_Rect *r) {
    SDL_Rect c;
    if (r && a->clipped)
        SDL_RenderSetClipRect(
            a->ren, SDL_IntersectRect(r, &a->pass_clip, &c) ? &c : &(SDL_Rect){0, 0, 0, 0});
    else
        SDL_RenderSetClipRect(a->ren, r ? r : a->clipped ? &a->pass_clip : NULL);
}

/* The screen shows the state after every command given so far (a `settle` line waits
 * for this): the snapshot includes them all and has been taken. */
static int settled(const App *a) {
    return !a->trainer || (a->snap && a->snap->commands == app_trainer_commands(a->trainer));
}

/* Turn the script's events for this frame into SDL events, so they reach the same
 * handlers as real input. Returns 0 while a `settle` holds the script (the frame is not
 * counted), else 1. */
static int inject_script(App *a, const AppScript *sc, int *next, long script_frame) {
    Uint32 wid = SDL_GetWindowID(a->win);
    int injected = 0;
    while (*next < sc->n && sc->ev[*next].frame <= script_frame) {
        if (sc->ev[*next].kind == APP_EV_SETTLE) {
            /* keys pushed just now reach the trainer only when this frame handles them */
            if (injected || !settled(a)) return 0;
            (*next)++;
            continue;
        }
        if (sc->ev[*next].kind == APP_EV_STEPS) {
            if (a->snap->step < sc->ev[*next].x) return 0;
            (*next)++;
            continue;
        }
        const AppScriptEvent *e = &sc->ev[(*next)++];
        injected = 1;
        SDL_Event ev;
        memset(&ev, 0, sizeof ev);
        int x = e->x, y = e->y;
        int button = e->button == APP_BUTTON_RIGHT    ? SDL_BUTTON_RIGHT
                     : e->button == APP_BUTTON_MIDDLE ? SDL_BUTTON_MIDDLE
                                                      : SDL_BUTTON_LEFT;
        switch (e->kind) {
        case APP_EV_MOVE:
        case APP_EV_DOWN:
        case APP_EV_UP:
        case APP_EV_CLICK:
        case APP_EV_DBLCLICK:
        case APP_EV_DRAG: {
            ev.type = SDL_MOUSEMOTION;
            ev.motion.windowID = wid;
            ev.motion.x = x, ev.motion.y = y;
            SDL_PushEvent(&ev);
            if (e->kind == APP_EV_MOVE) break;
            int clicks[2] = {1, 2};
            int n_clicks = e->kind == APP_EV_DBLCLICK ? 2 : 1;
            for (int c = 0; c < n_clicks; c++) {
                memset(&ev, 0, sizeof ev);
                ev.button.windowID = wid;
                ev.button.button = (Uint8)button;
                ev.button.clicks = (Uint8)clicks[c];
                ev.button.x = x, ev.button.y = y;
                if (e->kind != APP_EV_UP) {
                    ev.type = SDL_MOUSEBUTTONDOWN;
                    ev.button.state = SDL_PRESSED;
                    SDL_PushEvent(&ev);
                }
                if (e->kind == APP_EV_DRAG) { /* a few motions, then release at the end */
                    for (int k = 1; k <= 8; k++) {
                        SDL_Event mv;
                        memset(&mv, 0, sizeof mv);
                        mv.type = SDL_MOUSEMOTION;
                        mv.motion.windowID = wid;
                        mv.motion.x = x + (e->x2 - x) * k / 8;
                        mv.motion.y = y + (e->y2 - y) * k / 8;
                        SDL_PushEvent(&mv);
                    }
                    ev.button.x = e->x2, ev.button.y = e->y2;
                }
                if (e->kind != APP_EV_DOWN) {
                    ev.type = SDL_MOUSEBUTTONUP;
                    ev.button.state = SDL_RELEASED;
                    SDL_PushEvent(&ev);
                }
            }
            break;
        }
        case APP_EV_WHEEL:
            ev.type = SDL_MOUSEWHEEL;
            ev.wheel.windowID = wid;
            ev.wheel.y = e->y;
            ev.wheel.direction = SDL_MOUSEWHEEL_NORMAL;
            SDL_PushEvent(&ev);
            break;
        case APP_EV_KEY:
            ev.type = SDL_KEYDOWN;
            ev.key.windowID = wid;
            ev.key.state = SDL_PRESSED;
            ev.key.keysym.sym = SDL_GetKeyFromName(e->text);
            ev.key.keysym.scancode = SDL_GetScancodeFromKey(ev.key.keysym.sym);
            SDL_PushEvent(&ev);
            ev.type = SDL_KEYUP;
            ev.key.state = SDL_RELEASED;
            SDL_PushEvent(&ev);
            break;
        case APP_EV_RESIZE: SDL_SetWindowSize(a->win, e->x, e->y); break;
        case APP_EV_SCREENSHOT:
            snprintf(a->screenshot_path, sizeof a->screenshot_path, "%s", e->text);
            break;
        case APP_EV_QUIT:
            ev.type = SDL_QUIT;
            SDL_PushEvent(&ev);
            break;
        case APP_EV_HOVER: { /* where that dot is drawn now, as a mouse motion */
            const AppPane *p = &a->pane[0];
            int i = e->x;
            if (i >= a->snap->n_points || p->view.scale <= 0) {
                app_toast(a, 1, "script line %d: no test image %d in view", e->line, i);
                break;
            }
            int L = a->snap->model[p->model].cfg.latent;
            const float *mu = a->snap->mu[p->model] + (size_t)i * L;
            double px = app_view_px(&p->view, p->rect, mu[0]);
            double py = app_view_py(&p->view, p->rect, mu[1]);
            if (!(px >= p->rect.x && px < p->rect.x + p->rect.w && py >= p->rect.y &&
                  py < p->rect.y + p->rect.h)) {
                app_toast(a, 1, "script line %d: test image %d is out of view", e->line, i);
                break;
            }
            ev.type = SDL_MOUSEMOTION;
            ev.motion.windowID = wid;
            ev.motion.x = (int)(px / a->u), ev.motion.y = (int)(py / a->u);
            SDL_PushEvent(&ev);
            break;
        }
        case APP_EV_SETTLE:
        case APP_EV_STEPS: break; /* handled above */
        }
    }
    return 1;
}

#define HIST_LO_MS 0.01
#define HIST_RATIO 1.005 /* bin k > 0 holds (LO * RATIO^(k-1), LO * RATIO^k] */

static void record(AppHistogram *h, double ms) {
    int k = 0;
    if (ms > HIST_LO_MS) {
        double f = ceil(log(ms / HIST_LO_MS) / log(HIST_RATIO));
        k = f >= APP_HIST_BINS - 1 ? APP_HIST_BINS - 1 : (int)f;
    }
    h->bin[k]++;
    h->n++;
    if (ms > h->max) h->max = ms;
}

/* The q-quantile (nearest rank) to within a bin (0.5 %): the upper edge of the bin holding
 * it, or the maximum if that is smaller. 0 if empty. */
static double quantile(const AppHistogram *h, double q) {
    if (h->n == 0) return 0;
    long rank = (long)ceil(q * (double)h->n), seen = 0;
    if (rank < 1) rank = 1;
    for (int k = 0; k < APP_HIST_BINS; k++) {
        seen += h->bin[k];
        if (seen >= rank) return fmin(HIST_LO_MS * pow(HIST_RATIO, k), h->max);
    }
    return h->max;
}

static void print_stats(App *a, double wall) {
    double p50 = quantile(&a->frame_ms, 0.5), p99 = quantile(&a->frame_ms, 0.99);
    printf("frames=%ld fps=%.1f p50_ms=%.2f p99_ms=%.2f train_samples_per_s=%.0f", a->frame,
           wall > 0 ? (double)a->frame / wall : 0, p50, p99, app_trainer_throughput(a->trainer));
    /* publication to first present of each snapshot after the first frame */
    if (a->snap_ms.n > 0)
        printf(" snapshots=%ld snapshot_p99_ms=%.1f snapshot_max_ms=%.1f", a->snap_ms.n,
               quantile(&a->snap_ms, 0.99), a->snap_ms.max);
    /* the kernel's high-water mark of resident memory (Linux), start-up included */
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[128];
        long kb = -1;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
        fclose(f);
        if (kb >= 0) printf(" peak_rss_mb=%.1f", kb / 1024.0);
    }
    printf("\n");
    fflush(stdout);
}

/* ---- main ---------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    App app, *a = &app;
    memset(a, 0, sizeof *a);
    a->drag_pane = -1;
    a->hover_idx = -1;
    a->orig_idx = -1;
    AppScript script = {0};
    int rc = 0, sdl_up = 0, next_ev = 0;
    char err[VAE_ERR_LEN], msg[512];
    app_box_init(&a->box);

    /* ---- initialise ---- */
    if (app_args_parse(&a->opt, argc, argv, msg, sizeof msg) != 0) return fail("%s", msg);
    if (a->opt.help) {
        app_args_print_usage(stdout);
        return 0;
    }
    if (a->opt.script && (rc = load_script(a->opt.script, &script)) != 0) goto done;
    char font_path[1024];
    if (app_font_find("DejaVu Sans", font_path, sizeof font_path, msg, sizeof msg) != 0) {
        rc = fail("%s", msg);
        goto done;
    }
    char dirbuf[1200];
    const char *dir = a->opt.data_dir;
    if (!dir && vae_dataset_find(a->opt.dataset, dirbuf, sizeof dirbuf, err) != VAE_OK) {
        rc = fail("%s", err);
        goto done;
    }
    if (!dir) dir = dirbuf;
    if (!is_dir(dir)) {
        rc = fail("%s: no such data directory", dir);
        goto done;
    }
    if (vae_dataset_load(&a->ds, dir, err) != VAE_OK) {
        rc = fail("%s", err);
        goto done;
    }
    if (!strcmp(a->opt.dataset, "fashion")) vae_dataset_set_name(&a->ds, "fashion");
    a->shown = a->opt.scatter_train ? &a->ds.train : &a->ds.test;
    a->rows = a->ds.test.rows, a->cols = a->ds.test.cols, a->pixels = a->rows * a->cols;
    if (a->pixels > APP_PIXELS_MAX || a->ds.test.n < 1) {
        rc = fail("%s: images of %dx%d are not supported (at most %d pixels, 1+ test images)", dir,
                  a->rows, a->cols, APP_PIXELS_MAX);
        goto done;
    }
    if (a->opt.model_path && a->opt.shape_flag) {
        rc = fail("--kind, --hidden, --latent, --likelihood and --flow shape a fresh model; "
                  "with --model the checkpoint's are used (drop them)");
        goto done;
    }
    if ((rc = load_models(a)) != 0) goto done;

    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    if (!SDL_getenv("SDL_VIDEODRIVER") && !SDL_getenv("DISPLAY") &&
        !SDL_getenv("WAYLAND_DISPLAY")) {
        rc = fail("cannot open a display: neither DISPLAY nor WAYLAND_DISPLAY is set (use "
                  "xvfb-run for a headless run)");
        goto done;
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        rc = fail("cannot open a display: %s", SDL_GetError());
        goto done;
    }
    sdl_up = 1;
    /* Without a display SDL falls back to its invisible offscreen/dummy drivers: a window
     * nobody can see would run forever. Those drivers only when asked for by name. */
    const char *drv = SDL_GetCurrentVideoDriver(), *want = SDL_getenv("SDL_VIDEODRIVER");
    if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) &&
        !(want && !strcmp(want, drv))) {
        rc = fail("cannot open a display (is DISPLAY or WAYLAND_DISPLAY set? use xvfb-run for "
                  "a headless run)");
        goto done;
    }
    a->win = SDL_CreateWindow("vae-explorer", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                              a->opt.width, a->opt.height,
                              SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!a->win) {
        rc = fail("cannot open a window: %s", SDL_GetError());
        goto done;
    }
    if (create_renderer(a) != 0) {
        rc = fail("cannot create a renderer: %s", SDL_GetError());
        goto done;
    }
    app_layout(a);
    if (app_text_init(&a->text, a->ren, a->u, msg, sizeof msg) != 0) {
        rc = fail("%s", msg);
        goto done;
    }
    if (a->opt.no_train) {
        if ((rc = snapshot_checkpoints(a)) != 0) goto done;
    } else if ((rc = start_training(a)) != 0) {
        goto done;
    }
    /* Opaque by default: blending costs fill rate on software rasterisers (llvmpipe);
     * translucent draws switch it on and back. */
    SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_NONE);

    /* ---- loop ---- */
    double t_begin = now_s(), t_next = t_begin;
    long script_frame = 0;
    int toast_shown = 0;
    unsigned toast_drawn = 0;
    while (!a->quit) {
        double t0 = now_s();
        /* input */
        /* script frame 0 is the first frame showing a model, so scripts never race the
         * trainer's first snapshot */
        if (a->snap && inject_script(a, &script, &next_ev, script_frame)) script_frame++;
        int events = 0;
        SDL_Event e;
        while (SDL_PollEvent(&e))
            app_handle_event(a, &e), events++;
        int last = a->quit || (a->opt.frames > 0 && a->frame + 1 >= a->opt.frames);

        /* update */
        AppSnapshot *s = app_box_take(&a->box, a->snap);
        int fresh = s != a->snap;
        if (fresh) {
            a->snap = s;
            if (s->n_events != a->events_seen && s->message[0]) /* also for logs and tests */
                fprintf(stderr, "vae-explorer: trainer: %s\n", s->message);
            a->events_seen = s->n_events;
            if (s->saves != a->saves_seen) { /* the trainer saved (S) */
                a->saves_seen = s->saves;
                app_toast(a, s->save_failed, "%s", s->save_msg);
            }
            /* render-thread workspaces follow the snapshot's model shapes */
            for (int m = 0; m < s->n_models; m++) {
                if (a->ws[m].max_batch == 0 &&
                    vae_workspace_init(&a->ws[m], &s->model[m], APP_DECODE_BATCH, err) != VAE_OK) {
                    rc = fail("%s", err);
                    goto done;
                }
            }
        }
        if (a->layout_dirty) app_layout(a);
        int grid_busy = 0;
        if (a->snap) {
            for (int i = 0; i < a->n_panes; i++)
                app_plane_update(a, &a->pane[i]);
            a->hover_idx = -1;
            for (int i = 0; i < a->n_panes && a->hover_idx < 0; i++)
                a->hover_idx = app_plane_hover(a, &a->pane[i]);
            for (int i = 0; i < a->n_panes; i++) {
                app_plane_recon(a, &a->pane[i]);
                app_plane_posterior(a, &a->pane[i]);
                int was_busy = a->pane[i].job.active;
                app_grid_step(a, &a->pane[i], GRID_TILES_PER_FRAME);
                /* decoding, or done this frame (the new grid goes on screen) */
                grid_busy |= a->grid && (was_busy || a->pane[i].job.active);
            }
        }
        /* the footer's message appears, changes or expires */
        int toast_now = a->toast[0] && SDL_GetTicks() < a->toast_until;
        int toast_changed = toast_now != toast_shown || (toast_now && a->toast_seq != toast_drawn);
        /* Draw only when something changed: idle frames leave the CPU to the trainer. */
        int redraw = a->frame == 0 || last || fresh || events || grid_busy || toast_changed ||
                     a->screenshot_path[0];
        /* Only the cursor moved (the common frame): on the retained image redraw just the
         * cursor's and the hover's marks and the panel's images. A new snapshot with the
         * latents on screen changes the panel and the marks only. Anything else: all. */
        int whole_panel = fresh && a->snap->latents_seq == a->drawn_latents_seq;
        int full = !a->retained || a->frame == 0 || last || (fresh && !whole_panel) || grid_busy ||
                   a->help || toast_changed || a->full_redraw;
        toast_shown = toast_now, toast_drawn = a->toast_seq;

        /* draw */
        int n_dirty = 0;
        SDL_Rect dirty[2 * 2 + 1];
        if (redraw) {
            app_text_frame(&a->text);
            if (full) {
                draw_scene(a, NULL);
                a->drawn_latents_seq = a->snap ? a->snap->latents_seq : 0;
            } else {
                n_dirty = draw_cursor_frame(a, dirty, whole_panel);
            }
            a->full_redraw = 0;
            if (last && a->opt.screenshot)
                snprintf(a->screenshot_path, sizeof a->screenshot_path, "%s", a->opt.screenshot);
        }
        double t1 = now_s();
        if (redraw && a->screenshot_path[0]) { /* not counted in the frame time */
            if (app_save_screenshot(a, a->screenshot_path, msg, sizeof msg) != 0)
                app_toast(a, 1, "%s", msg);
            else if (!last)
                app_toast(a, 0, "saved %s", a->screenshot_path);
            a->screenshot_path[0] = 0;
        }
        double t2 = now_s();
        if (redraw && full) {
            SDL_RenderPresent(a->ren);
        } else if (redraw) { /* the queued draws, then those rectangles of the window */
            SDL_RenderFlush(a->ren);
            SDL_UpdateWindowSurfaceRects(a->win, dirty, n_dirty);
        }
        double t3 = now_s();
        /* frame time of drawn frames: input + update + draw, plus present unless it waits
         * for vsync */
        if (redraw) record(&a->frame_ms, 1e3 * ((t1 - t0) + (a->vsync ? 0 : t3 - t2)));
        if (fresh && a->frame > 0) record(&a->snap_ms, 1e3 * (t3 - a->snap->published_s));
        a->frame++;
        if (last) a->quit = 1;
        /* pace at 60 fps when present does not (no vsync, or a skipped frame) */
        t_next += FRAME_CAP_S;
        if (a->vsync && redraw) continue;
        double spare = t_next - now_s();
        if (spare > 0)
            SDL_Delay((Uint32)(spare * 1e3));
        else if (spare < -FRAME_CAP_S)
            t_next = now_s(); /* behind: do not try to catch up */
    }
    if (a->opt.stats) print_stats(a, now_s() - t_begin);

    /* ---- de-initialise ---- */
done:
    app_trainer_stop(a->trainer); /* joined before anything it reads is freed */
    for (int i = 0; i < 2; i++)
        app_pane_free(&a->pane[i]);
    app_snapshot_free(a->snap);
    app_box_destroy(&a->box);
    for (int m = 0; m < APP_MAX_MODELS; m++) {
        vae_workspace_free(&a->ws[m]);
        if (a->has_loaded[m]) vae_model_free(&a->loaded[m]);
    }
    if (a->text.table) app_text_free(&a->text);
    if (TTF_WasInit()) TTF_Quit();
    if (a->ren) SDL_DestroyRenderer(a->ren);
    if (a->win) SDL_DestroyWindow(a->win);
    if (sdl_up) SDL_Quit();
    vae_dataset_free(&a->ds);
    app_script_free(&script);
    return rc;
}
