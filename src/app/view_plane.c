/* The latent plane's view: the scatter, the plot image's first layer (rasterised by the
 * library, scatter.h; layers.h composites it again only when the view, the size or the
 * latents change), the prior N(0, I) as 1, 2 and 3 sigma circles on VAE panes, the plot's
 * border, tick labels and the class legend. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx.h"
#include "scatter.h"
#include "tools.h"

/* The scatter is the plot image's first layer (layers.h): it paints every pixel. */
static uint64_t layer_key(const AppDraw *d, int pane) {
    const AppPane *p = &d->s->pane[pane];
    if (!app_pane_model(d->s, p)) return 0;
    uint64_t k = app_layer_key(d->s->snap->latents_seq, (uint64_t)p->model);
    return app_layer_key(k, (uint64_t)p->ax[0] << 32 | (uint64_t)p->ax[1]);
}

static void layer_paint(const AppDraw *d, int pane, uint32_t *px, int w, int h) {
    const AppState *s = d->s;
    const AppPane *p = &s->pane[pane];
    const AppSnapshot *snap = s->snap;
    VaeScatterPoints pts = {snap->mu[p->model],
                            snap->model[p->model].cfg.latent,
                            snap->n_points,
                            {p->ax[0], p->ax[1]},
                            s->session->shown->labels};
    const VaePlaneView view = {p->view.cx, p->view.cy, p->view.scale};
    const VaeScatterColors colors = {APP_PANE_BG, APP_GRIDLINE, APP_AXIS};
    if (vae_scatter_raster(px, w, h, &view, d->g->u, &pts, &colors) != 0) /* out of memory */
        for (int i = 0; i < w * h; i++)
            px[i] = APP_PANE_BG;
}

static void under(const AppDraw *d, int pane) {
    const AppPane *p = &d->s->pane[pane];
    SDL_Rect r = app_sdl_rect(p->rect);
    if (!app_pane_model(d->s, p))
        app_text_draw(&d->g->text, APP_FONT_NORMAL, "waiting for the first snapshot...",
                      r.x + r.w / 2, r.y + r.h / 2, APP_DIM, APP_ALIGN_CENTER);
}

/* The prior N(0, I): 1, 2, 3 sigma (unless the view is so far out they would be a dot). */
static void over(const AppDraw *d, int pane) {
    const AppPane *p = &d->s->pane[pane];
    if (!app_is_vae(app_pane_model(d->s, p))) return;
    double ox = app_view_px(&p->view, p->rect, 0), oy = app_view_py(&p->view, p->rect, 0);
    double sc = p->view.scale;
    if (!(sc >= 4 && sc < 1e5 && fabs(ox) < 1e6 && fabs(oy) < 1e6)) return;
    SDL_SetRenderDrawBlendMode(d->g->ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(d->g->ren, 200, 210, 230, 110);
    for (int k = 1; k <= 3; k++) {
        app_draw_circle(d->g->ren, ox, oy, k * sc);
        app_text_drawf(&d->g->text, APP_FONT_SMALL, (int)(ox + k * sc * 0.7071) + 3,
                       (int)(oy - k * sc * 0.7071) - app_px(d->g, 14), APP_DIM, APP_ALIGN_LEFT,
                       "%d\xcf\x83", k);
    }
}

static void tick_label(char *buf, size_t len, double t, int big, int digits) {
    if (big)
        snprintf(buf, len, "%.3g", t);
    else
        snprintf(buf, len, "%.*f", digits, t);
}

/* Tick labels below and left of the plot, and the axes' names (z with the dimension). */
static void draw_axes_labels(AppGfx *g, const AppPane *p) {
    const AppView *v = &p->view;
    AppRect r = p->rect;
    double step = app_tick_step(v, r.w, g->u), k0, k1;
    int digits = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (digits > 6) digits = 6;
    int lh = app_text_line(&g->text, APP_FONT_SMALL);
    app_set_color(g->ren, APP_AXIS);
    double zx0 = app_view_zx(v, r, r.x), zx1 = app_view_zx(v, r, r.x + r.w);
    double zy0 = app_view_zy(v, r, r.y + r.h), zy1 = app_view_zy(v, r, r.y);
    /* beyond 1e4 (a diverging run) ticks are written in 3 significant digits */
    int big = fmax(fmax(fabs(zx0), fabs(zx1)), fmax(fabs(zy0), fabs(zy1))) >= 1e4;
    char lab[32];
    for (int k = app_ticks(zx0, zx1, step, &k0, &k1); k >= 0; k--) {
        double t = (k0 + k) * step;
        t = fabs(t) < step * 1e-6 ? 0.0 : t;
        int x = (int)floor(app_view_px(v, r, t));
        tick_label(lab, sizeof lab, t, big, digits);
        SDL_RenderDrawLine(g->ren, x, r.y + r.h, x, r.y + r.h + app_px(g, 4));
        app_text_draw(&g->text, APP_FONT_SMALL, lab, x, r.y + r.h + app_px(g, 5), APP_DIM,
                      APP_ALIGN_CENTER);
    }
    for (int k = app_ticks(zy0, zy1, step, &k0, &k1); k >= 0; k--) {
        double t = (k0 + k) * step;
        t = fabs(t) < step * 1e-6 ? 0.0 : t;
        int y = (int)floor(app_view_py(v, r, t));
        tick_label(lab, sizeof lab, t, big, digits);
        SDL_RenderDrawLine(g->ren, r.x - app_px(g, 4), y, r.x, y);
        app_text_draw(&g->text, APP_FONT_SMALL, lab, r.x - app_px(g, 6), y - lh / 2, APP_DIM,
                      APP_ALIGN_RIGHT);
    }
    /* z with a subscript digit: z1, z2 as U+2080 + digit (dimensions 1-9), else "z10" */
    char name[2][16];
    for (int k = 0; k < 2; k++) {
        int dim = p->ax[k] + 1;
        if (dim < 10)
            snprintf(name[k], sizeof name[k], "z\xe2\x82%c", (char)(0x80 + dim));
        else
            snprintf(name[k], sizeof name[k], "z%d", dim);
    }
    app_text_draw(&g->text, APP_FONT_NORMAL, name[0], r.x + r.w, r.y + r.h + lh + app_px(g, 4),
                  APP_DIM, APP_ALIGN_RIGHT);
    app_text_draw(&g->text, APP_FONT_NORMAL, name[1], p->frame.x + app_px(g, 6),
                  r.y + r.h / 2 - lh / 2, APP_DIM, APP_ALIGN_LEFT);
}

static void draw_legend(AppGfx *g, const AppState *s, const AppPane *p) {
    const VaeDataset *ds = &s->session->ds;
    int n = ds->classes > 10 ? 10 : ds->classes;
    int lh = app_text_line(&g->text, APP_FONT_SMALL), wmax = 0;
    for (int k = 0; k < n; k++) {
        int w = app_text_width(&g->text, APP_FONT_SMALL, ds->class_names[k]);
        if (w > wmax) wmax = w;
    }
    int pad = app_px(g, 6), dot = app_px(g, 8);
    SDL_Rect box = {p->rect.x + app_px(g, 8), p->rect.y + app_px(g, 8), wmax + dot + 3 * pad,
                    n * lh + 2 * pad};
    app_shade_rect(g, box, 200);
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
    for (int k = 0; k < n; k++) {
        int y = box.y + pad + k * lh;
        app_set_color(g->ren, app_class_argb(k));
        SDL_Rect sw = {box.x + pad, y + (lh - dot) / 2, dot, dot};
        SDL_RenderFillRect(g->ren, &sw);
        app_text_draw(&g->text, APP_FONT_SMALL, ds->class_names[k], box.x + 2 * pad + dot, y,
                      APP_TEXT, APP_ALIGN_LEFT);
    }
}

static void frame(const AppDraw *d, int pane) {
    const AppPane *p = &d->s->pane[pane];
    if (!app_pane_model(d->s, p)) return;
    SDL_Rect r = app_sdl_rect(p->rect);
    app_set_color(d->g->ren, APP_AXIS);
    SDL_RenderDrawRect(d->g->ren, &r);
    draw_axes_labels(d->g, p);
    if (!d->s->scatter_hidden) draw_legend(d->g, d->s, p);
}

const AppToolView app_view_plane = {
    .layer_key = layer_key,
    .layer_paint = layer_paint,
    .under = under,
    .over = over,
    .frame = frame,
};
