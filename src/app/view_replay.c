/* The replay's view: the timeline band under the planes (the recorded frames as ticks on
 * a log-step axis, the decoders as taller ones, settings changes as coloured marks, the
 * step shown, play state and the live button) and, on every plane, the chosen trail. */
#include <math.h>
#include <stdio.h>

#include "gfx.h"
#include "replay.h"
#include "tools.h"

#define TRAIL_COLOR APP_ARGB(250, 250, 250)
#define PLAYHEAD APP_ARGB(250, 200, 90)
#define OUTLINE APP_ARGB(12, 14, 18)

static const uint32_t event_color[VAE_EVENT_KINDS] = {
    APP_ARGB(235, 120, 110), /* beta */
    APP_ARGB(120, 200, 120), /* lr */
    APP_ARGB(132, 142, 160), /* pause */
    APP_ARGB(200, 150, 230), /* free bits */
    APP_ARGB(230, 200, 110), /* dropout */
    APP_ARGB(110, 190, 230), /* likelihood */
};

static int track_x(const AppReplay *r, const AppTimeline *t, int64_t step) {
    return t->x0 + (int)lround(app_timeline_x(r, step) * (t->x1 - t->x0));
}

/* Frames as short ticks, decoders as taller ones, events as marks above the track. */
static void draw_ticks(AppGfx *g, const AppReplay *r, const AppTimeline *t) {
    int h = app_px(g, 4);
    app_set_color(g->ren, APP_AXIS);
    SDL_RenderDrawLine(g->ren, t->x0, t->y, t->x1, t->y);
    for (int i = 0; i < r->n_frames; i++) {
        int x = track_x(r, t, r->frame_step[i]);
        SDL_RenderDrawLine(g->ren, x, t->y - h / 2, x, t->y + h / 2);
    }
    app_set_color(g->ren, APP_DIM);
    for (int i = 0; i < r->n_dec; i++) {
        int x = track_x(r, t, r->dec_step[i]);
        SDL_RenderDrawLine(g->ren, x, t->y - h, x, t->y + h);
    }
    for (int i = 0; i < r->n_events; i++) {
        int x = track_x(r, t, r->event_step[i]);
        app_set_color(g->ren, event_color[r->event_kind[i] % VAE_EVENT_KINDS]);
        SDL_Rect m = {x - app_px(g, 2), t->y - 3 * h, app_px(g, 4), app_px(g, 5)};
        SDL_RenderFillRect(g->ren, &m);
    }
}

/* The step shown: a bright head on the track, the part before it lit. */
static void draw_head(AppGfx *g, const AppReplay *r, const AppTimeline *t, int64_t step) {
    int x = r->past ? track_x(r, t, step) : t->x1;
    app_set_color(g->ren, APP_ACCENT);
    SDL_Rect lit = {t->x0, t->y - 1, x - t->x0, 3};
    SDL_RenderFillRect(g->ren, &lit);
    app_set_color(g->ren, PLAYHEAD);
    SDL_Rect head = {x - app_px(g, 2), t->y - app_px(g, 9), app_px(g, 4), app_px(g, 18)};
    SDL_RenderFillRect(g->ren, &head);
}

static void draw_live_button(AppGfx *g, const AppReplay *r, const AppTimeline *t) {
    SDL_Rect b = app_sdl_rect(t->live);
    app_set_color(g->ren, r->past ? APP_PANE_BG : APP_ACCENT);
    SDL_RenderFillRect(g->ren, &b);
    app_set_color(g->ren, APP_AXIS);
    SDL_RenderDrawRect(g->ren, &b);
    int y = b.y + (b.h - app_text_line(&g->text, APP_FONT_BOLD)) / 2;
    app_text_draw(&g->text, APP_FONT_BOLD, "live", b.x + b.w / 2, y, r->past ? APP_DIM : APP_BG,
                  APP_ALIGN_CENTER);
}

static void draw_band(const AppDraw *d) {
    const AppState *s = d->s;
    const AppReplay *r = d->tool;
    AppGfx *g = d->g;
    if (s->band.h <= 0 ||
        !app_in_pass(g, s->band.x, s->band.y, s->band.x + s->band.w, s->band.y + s->band.h))
        return;
    SDL_Rect band = app_sdl_rect(s->band);
    app_set_color(g->ren, APP_BG);
    SDL_RenderFillRect(g->ren, &band);
    app_set_color(g->ren, APP_GRIDLINE);
    SDL_RenderDrawLine(g->ren, band.x, band.y, band.x + band.w, band.y);
    AppTimeline t = app_timeline_layout(s->band, s->u);
    int64_t step = r->past && s->snap ? s->snap->step : s->live ? s->live->step : 0;
    int line = app_text_line(&g->text, APP_FONT_SMALL);
    const char *state = !r->past ? "live" : r->playing ? "playing" : "paused";
    app_text_drawf(&g->text, APP_FONT_SMALL, band.x + app_px(g, 8), t.y - line, APP_TEXT,
                   APP_ALIGN_LEFT, "%lld", (long long)step);
    app_text_drawf(&g->text, APP_FONT_SMALL, band.x + app_px(g, 8), t.y, APP_DIM, APP_ALIGN_LEFT,
                   "%s %gx", state, app_replay_fps(r->speed) / 10);
    if (r->n_frames == 0) {
        app_text_draw(&g->text, APP_FONT_SMALL,
                      "recording: the first frame comes with the first "
                      "snapshot",
                      t.x0, t.y - line / 2, APP_DIM, APP_ALIGN_LEFT);
    } else {
        draw_ticks(g, r, &t);
        draw_head(g, r, &t, step);
        app_text_drawf(&g->text, APP_FONT_SMALL, t.x1, t.y + app_px(g, 4), APP_DIM, APP_ALIGN_RIGHT,
                       "%d frames, %d decoders, to step %lld", r->n_frames, r->n_dec,
                       (long long)r->frame_step[r->n_frames - 1]);
    }
    draw_live_button(g, r, &t);
}

/* ---- trails on the planes --------------------------------------------------------------- */

static void draw_trail(const AppDraw *d, int pane) {
    const AppState *s = d->s;
    const AppReplay *r = d->tool;
    const AppPane *p = &s->pane[pane];
    AppGfx *g = d->g;
    int m = p->model;
    if (r->trail == APP_TRAIL_OFF || r->n_trail < 1 || !s->snap || m >= s->snap->n_models ||
        !r->trail_code[m] || r->trail_gen != r->gen)
        return;
    int L = s->snap->model[m].cfg.latent;
    int last = r->past ? r->built.frame : r->n_trail - 1; /* the run up to the step shown */
    if (last >= r->n_trail) last = r->n_trail - 1;
    uint32_t c = r->trail == APP_TRAIL_CLASS ? app_class_argb(r->trail_class) : TRAIL_COLOR;
    double px = 0, py = 0;
    for (int f = 0; f <= last; f++) {
        const float *z = r->trail_code[m] + (size_t)f * L;
        double x = app_view_px(&p->view, p->rect, z[p->ax[0]]);
        double y = app_view_py(&p->view, p->rect, z[p->ax[1]]);
        if (!(fabs(x) < 1e6 && fabs(y) < 1e6)) continue;
        if (f > 0) {
            app_set_color(g->ren, OUTLINE);
            SDL_RenderDrawLineF(g->ren, (float)px, (float)py + 1, (float)x, (float)y + 1);
            app_set_color(g->ren, c);
            SDL_RenderDrawLineF(g->ren, (float)px, (float)py, (float)x, (float)y);
        }
        px = x, py = y;
    }
    if (last < 0) return;
    app_set_color(g->ren, OUTLINE);
    app_draw_circle(g->ren, px, py, 6 * g->u + 1);
    app_set_color(g->ren, c);
    app_draw_circle(g->ren, px, py, 6 * g->u);
    app_text_draw(&g->text, APP_FONT_SMALL, r->trail == APP_TRAIL_CLASS ? "class" : "image",
                  (int)(px + 8 * g->u), (int)(py - 16 * g->u), c, APP_ALIGN_LEFT);
}

const AppToolView app_view_replay = {
    .over = draw_trail,
    .window = draw_band,
};
