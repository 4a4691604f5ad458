/* vae-explorer: the window. Sections as in the raylib examples: initialise (flags, data,
 * checkpoints, display, font, trainer), loop { input, update, draw }, de-initialise.
 * Every failure before the loop is one line `vae-explorer: ...` and exit status 2. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <SDL_image.h>

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

/* data/mnist relative to the working directory, else to the executable (build/..). */
static const char *default_data_dir(const char *dataset, char *buf, size_t len) {
    if (!strcmp(dataset, "fashion")) return "/usr/share/datasets/fashion-mnist";
    if (is_dir("data/mnist")) return "data/mnist";
    char exe[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(buf, len, "%s/../data/mnist", exe);
            if (is_dir(buf)) return buf;
        }
    }
    return "data/mnist";
}

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
    } else {
        tc.cfg[1] = base;
        tc.cfg[1].kind = VAE_KIND_AE;
    }
    char err[VAE_ERR_LEN];
    for (int m = 0; m < 2; m++)
        if (vae_config_check(&tc.cfg[m], err) != VAE_OK) return fail("%s", err);
    tc.tc = a->opt.tc;
    tc.ds = &a->ds;
    tc.epochs = a->opt.epochs;
    tc.blas_threads = a->opt.threads;
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
    VaeWorkspace ws[2] = {0};
    char err[VAE_ERR_LEN];
    AppSnapshot *s = app_box_acquire(&a->box);
    int rc = s ? 0 : -1;
    for (int m = 0; m < a->n_models && rc == 0; m++)
        if (vae_workspace_init(&ws[m], models[m], 256, err) != VAE_OK) rc = -1;
    if (rc == 0) rc = app_snapshot_build(s, models, a->n_models, &a->ds.test, ws, 1);
    for (int m = 0; m < 2; m++)
        vae_workspace_free(&ws[m]);
    if (rc != 0) {
        app_snapshot_free(s);
        return fail("out of memory building the snapshot");
    }
    s->seq = 1;
    s->step = a->loaded_meta[0].step;
    s->epoch = a->loaded_meta[0].epoch;
    s->beta = a->loaded_meta[0].beta;
    s->latents_step = s->step;
    s->paused = 1;
    AppSnapshot *old;
    app_box_publish(&a->box, s, &old);
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

/* Turn the script's events for this frame into SDL events, so they reach the same
 * handlers as real input. */
static void inject_script(App *a, const AppScript *sc, int *next, long script_frame) {
    Uint32 wid = SDL_GetWindowID(a->win);
    while (*next < sc->n && sc->ev[*next].frame <= script_frame) {
        const AppScriptEvent *e = &sc->ev[(*next)++];
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
        }
    }
}

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void record_frame(App *a, double ms) {
    if (a->n_frame_ms == a->cap_frame_ms) {
        long cap = a->cap_frame_ms ? a->cap_frame_ms * 2 : 1024;
        double *p = realloc(a->frame_ms, (size_t)cap * sizeof *p);
        if (!p) return;
        a->frame_ms = p, a->cap_frame_ms = cap;
    }
    a->frame_ms[a->n_frame_ms++] = ms;
}

static void print_stats(App *a, double wall) {
    double p50 = 0, p99 = 0;
    if (a->n_frame_ms > 0) {
        qsort(a->frame_ms, (size_t)a->n_frame_ms, sizeof *a->frame_ms, cmp_double);
        p50 = a->frame_ms[(a->n_frame_ms - 1) / 2];
        p99 = a->frame_ms[(long)ceil(0.99 * (double)a->n_frame_ms) - 1];
    }
    printf("frames=%ld fps=%.1f p50_ms=%.2f p99_ms=%.2f train_samples_per_s=%.0f\n", a->frame,
           wall > 0 ? (double)a->frame / wall : 0, p50, p99, app_trainer_throughput(a->trainer));
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
        fputs(app_args_usage(), stdout);
        return 0;
    }
    if (a->opt.script && (rc = load_script(a->opt.script, &script)) != 0) goto done;
    char font_path[1024];
    if (app_font_find("DejaVu Sans", font_path, sizeof font_path, msg, sizeof msg) != 0) {
        rc = fail("%s", msg);
        goto done;
    }
    char dirbuf[1200];
    const char *dir =
        a->opt.data_dir ? a->opt.data_dir : default_data_dir(a->opt.dataset, dirbuf, sizeof dirbuf);
    if (!is_dir(dir)) {
        rc = fail("%s: no such data directory%s", dir,
                  a->opt.data_dir ? ""
                                  : " (run scripts/fetch-data.sh, or use --data DIR or "
                                    "--dataset fashion)");
        goto done;
    }
    if (vae_dataset_load(&a->ds, dir, err) != VAE_OK) {
        rc = fail("%s", err);
        goto done;
    }
    if (!strcmp(a->opt.dataset, "fashion")) vae_dataset_set_name(&a->ds, "fashion");
    a->rows = a->ds.test.rows, a->cols = a->ds.test.cols, a->pixels = a->rows * a->cols;
    if (a->pixels > APP_PIXELS_MAX || a->ds.test.n < 1) {
        rc = fail("%s: images of %dx%d are not supported (at most %d pixels, 1+ test images)", dir,
                  a->rows, a->cols, APP_PIXELS_MAX);
        goto done;
    }
    if ((rc = load_models(a)) != 0) goto done;

    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        rc = fail("cannot open a display: %s", SDL_GetError());
        goto done;
    }
    sdl_up = 1;
    a->win = SDL_CreateWindow("vae-explorer", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                              a->opt.width, a->opt.height,
                              SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!a->win) {
        rc = fail("cannot open a window: %s", SDL_GetError());
        goto done;
    }
    a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
    if (!a->ren) a->ren = SDL_CreateRenderer(a->win, -1, SDL_RENDERER_SOFTWARE);
    if (!a->ren) {
        rc = fail("cannot create a renderer: %s", SDL_GetError());
        goto done;
    }
    /* A display without a known refresh rate (Xvfb, offscreen) has no vblank to wait for:
     * SDL would only simulate vsync by sleeping inside present. Pace the loop ourselves
     * there, so that present measures real work. */
    SDL_DisplayMode mode;
    int idx = SDL_GetWindowDisplayIndex(a->win);
    if (SDL_GetCurrentDisplayMode(idx < 0 ? 0 : idx, &mode) == 0 && mode.refresh_rate == 0)
        SDL_RenderSetVSync(a->ren, 0);
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(a->ren, &info) == 0)
        a->vsync = (info.flags & SDL_RENDERER_PRESENTVSYNC) != 0;
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
    while (!a->quit) {
        double t0 = now_s();
        /* input */
        /* script frame 0 is the first frame showing a model, so scripts never race the
         * trainer's first snapshot */
        if (a->snap) inject_script(a, &script, &next_ev, script_frame++);
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
                app_grid_step(a, &a->pane[i], GRID_TILES_PER_FRAME);
                grid_busy |= a->grid && a->pane[i].job.active;
            }
        }
        int toast_now = a->toast[0] && SDL_GetTicks() < a->toast_until;
        /* Draw only when something changed: idle frames leave the CPU to the trainer. */
        int redraw = a->frame == 0 || last || fresh || events || grid_busy ||
                     toast_now != toast_shown || a->screenshot_path[0];
        toast_shown = toast_now;

        /* draw */
        if (redraw) {
            app_text_frame(&a->text);
            SDL_SetRenderDrawColor(a->ren, APP_BG.r, APP_BG.g, APP_BG.b, 255);
            SDL_RenderClear(a->ren);
            for (int i = 0; i < a->n_panes; i++)
                app_plane_draw(a, &a->pane[i]);
            app_panel_draw(a);
            if (a->help) app_help_draw(a);
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
        if (redraw) SDL_RenderPresent(a->ren);
        double t3 = now_s();
        /* frame time of drawn frames: input + update + draw, plus present unless it waits
         * for vsync */
        if (redraw) record_frame(a, 1e3 * ((t1 - t0) + (a->vsync ? 0 : t3 - t2)));
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
    free(a->frame_ms);
    return rc;
}
