/* Input handlers: SDL events (real or injected by --script) change App state only;
 * file actions (S save checkpoints, P screenshot) report through an on-screen message. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "fileio.h"

void app_toast(App *a, int error, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->toast, sizeof a->toast, fmt, ap);
    va_end(ap);
    a->toast_error = error;
    a->toast_until = SDL_GetTicks() + 4000;
    a->toast_seq++;
}

static int pane_at(const App *a, int x, int y) {
    for (int i = 0; i < a->n_panes; i++) {
        const AppRect *r = &a->pane[i].rect;
        if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h) return i;
    }
    return -1;
}

/* Band by band from the renderer into the PNG encoder: a whole-window copy would add 4 MB
 * to the explorer's peak memory. */
static int read_band(void *ctx, int y0, int n, uint8_t *dst) {
    App *a = ctx;
    SDL_Rect r = {0, y0, a->pix_w, n};
    return SDL_RenderReadPixels(a->ren, &r, SDL_PIXELFORMAT_RGB24, dst, a->pix_w * 3);
}

int app_save_screenshot(App *a, const char *path, char *err, int err_len) {
    char e[VAE_ERR_LEN];
    if (vae_png_write_rows(path, a->pix_w, a->pix_h, 3, read_band, a, e) == VAE_OK) return 0;
    snprintf(err, (size_t)err_len, "screenshot: %s (%s)", e, SDL_GetError());
    return -1;
}

/* While training, the trainer thread saves its live models (the snapshot on screen has
 * no encoders) and its next snapshot carries the message; with --no-train the snapshot
 * holds the whole checkpoints and is saved here. */
static void save_models(App *a) {
    const AppSnapshot *s = a->snap;
    if (!s) return;
    if (!s->encoders) {
        if (a->trainer) app_trainer_save(a->trainer);
        return;
    }
    const VaeModel *models[APP_MAX_MODELS];
    for (int m = 0; m < s->n_models; m++)
        models[m] = &s->model[m];
    AppSaveInfo info = {a->ds.name, s->step, s->epoch, s->beta, a->opt.tc.seed};
    char msg[VAE_ERR_LEN + 256];
    int rc = app_save_models(models, s->n_models, &info, msg, (int)sizeof msg);
    app_toast(a, rc != 0, "%s", msg);
}

static void screenshot_key(App *a) {
    char err[256];
    if (app_ensure_dir("screenshots", err, sizeof err) != 0) {
        app_toast(a, 1, "%s", err);
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char path[128];
    snprintf(path, sizeof path, "screenshots/vae-explorer-%04d%02d%02d-%02d%02d%02d-%ld.png",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             a->frame);
    /* taken after this frame is drawn, so the picture is what the user sees */
    snprintf(a->screenshot_path, sizeof a->screenshot_path, "%s", path);
}

static void set_mode(App *a, int compare, int show) {
    if (compare && a->n_models < 2) {
        app_toast(a, 1, "compare needs two models (only one is loaded)");
        return;
    }
    a->compare = compare;
    a->show = show;
    a->layout_dirty = 1;
}

static void on_key(App *a, SDL_Keycode k) {
    if (k >= SDLK_0 && k <= SDLK_9) {
        int c = (int)(k - SDLK_0);
        int cvae = a->snap && a->snap->model[0].cfg.kind == VAE_KIND_CVAE;
        if (!cvae)
            app_toast(a, 1, "class keys choose the label of a CVAE (train with --kind cvae)");
        else if (c >= a->ds.classes)
            app_toast(a, 1, "no class %d in this dataset", c);
        else
            a->cls = c;
        return;
    }
    int training = a->trainer != NULL;
    switch (k) {
    case SDLK_q:
    case SDLK_ESCAPE:
        if (a->help && k == SDLK_ESCAPE)
            a->help = 0;
        else
            a->quit = 1;
        break;
    case SDLK_h:
    case SDLK_F1: a->help = !a->help; break;
    case SDLK_a:
        if (a->n_models < 2)
            app_toast(a, 1, "no AE model loaded");
        else
            set_mode(a, 0, a->compare ? 0 : !a->show);
        break;
    case SDLK_c: set_mode(a, !a->compare, a->show); break;
    case SDLK_g: a->grid = !a->grid; break;
    case SDLK_i:
        a->grid_icdf = !a->grid_icdf;
        app_toast(a, 0, "grid spacing: %s%s", a->grid_icdf ? "inverse normal CDF" : "linear",
                  a->grid ? "" : " (G shows the grid)");
        break;
    case SDLK_s: save_models(a); break;
    case SDLK_p: screenshot_key(a); break;
    default:
        if (!training) {
            if (k == SDLK_SPACE || k == SDLK_n || k == SDLK_r || k == SDLK_LEFTBRACKET ||
                k == SDLK_RIGHTBRACKET || k == SDLK_MINUS || k == SDLK_EQUALS || k == SDLK_COMMA ||
                k == SDLK_PERIOD)
                app_toast(a, 1, "not training (--no-train)");
            break;
        }
        switch (k) {
        case SDLK_SPACE: app_trainer_toggle_pause(a->trainer); break;
        case SDLK_n:
            if (a->snap && !a->snap->paused)
                app_toast(a, 0, "N steps while paused (Space)");
            else
                app_trainer_step_once(a->trainer);
            break;
        case SDLK_r:
            app_trainer_reset(a->trainer);
            app_toast(a, 0, "models reset to fresh weights");
            break;
        case SDLK_LEFTBRACKET: app_trainer_scale_beta(a->trainer, 1 / 1.25f); break;
        case SDLK_RIGHTBRACKET: app_trainer_scale_beta(a->trainer, 1.25f); break;
        case SDLK_MINUS: app_trainer_scale_lr(a->trainer, 0.5f); break;
        case SDLK_EQUALS: app_trainer_scale_lr(a->trainer, 2.0f); break;
        case SDLK_COMMA: app_trainer_speed(a->trainer, -1); break;
        case SDLK_PERIOD: app_trainer_speed(a->trainer, +1); break;
        default: break;
        }
    }
}

void app_handle_event(App *a, const SDL_Event *e) {
    /* anything but a plain cursor move may change more than the cursor's marks */
    if (!(e->type == SDL_MOUSEMOTION && a->drag_pane < 0)) a->full_redraw = 1;
    switch (e->type) {
    case SDL_QUIT: a->quit = 1; break;
    case SDL_WINDOWEVENT:
        if (e->window.event == SDL_WINDOWEVENT_SIZE_CHANGED) a->layout_dirty = 1;
        if (e->window.event == SDL_WINDOWEVENT_LEAVE) a->mouse_in = 0;
        break;
    case SDL_KEYDOWN: on_key(a, e->key.keysym.sym); break;
    case SDL_MOUSEMOTION: {
        int x = (int)(e->motion.x * a->u), y = (int)(e->motion.y * a->u);
        if (a->drag_pane >= 0) {
            AppPane *p = &a->pane[a->drag_pane];
            app_view_pan(&p->view, x - a->drag_x, y - a->drag_y);
            p->view.user = 1;
            a->drag_x = x, a->drag_y = y;
        }
        a->mx = x, a->my = y, a->mouse_in = 1;
        break;
    }
    case SDL_MOUSEBUTTONDOWN: {
        int x = (int)(e->button.x * a->u), y = (int)(e->button.y * a->u);
        a->mx = x, a->my = y, a->mouse_in = 1;
        int p = pane_at(a, x, y);
        if (p < 0) break;
        if (e->button.button == SDL_BUTTON_RIGHT || e->button.button == SDL_BUTTON_MIDDLE) {
            a->drag_pane = p, a->drag_x = x, a->drag_y = y;
        } else if (e->button.button == SDL_BUTTON_LEFT && e->button.clicks >= 2) {
            a->pane[p].view.user = 0; /* auto-fit again */
            a->pane[p].fit_seq = 0;
        }
        break;
    }
    case SDL_MOUSEBUTTONUP:
        if (e->button.button == SDL_BUTTON_RIGHT || e->button.button == SDL_BUTTON_MIDDLE)
            a->drag_pane = -1;
        break;
    case SDL_MOUSEWHEEL: {
        int p = pane_at(a, a->mx, a->my);
        if (p < 0 || e->wheel.y == 0) break;
        double f =
            pow(1.2, e->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -e->wheel.y : e->wheel.y);
        app_view_zoom(&a->pane[p].view, a->pane[p].rect, a->mx + 0.5, a->my + 0.5, f);
        a->pane[p].view.user = 1;
        break;
    }
    default: break;
    }
}
