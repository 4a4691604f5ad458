/* The latent plane's view: the scatter layer (rasterised by the library, scatter.h, into a
 * cached texture, redone only when the view, the size or the latents change), the prior
 * N(0, I) as 1, 2 and 3 sigma circles on VAE panes, the plot's border, tick labels and
 * the class legend. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gfx.h"
#include "scatter.h"
#include "tools.h"

typedef struct {
    SDL_Texture *tex;
    uint32_t *pixels;
    int w, h, valid;
    /* what the layer shows */
    uint64_t latents_seq;
    int model, ax[2];
    AppView view;
} Layer;

typedef struct {
    Layer layer[APP_MAX_PANES];
} PlaneCache;

static int layer_current(const Layer *l, const AppState *s, const AppPane *p) {
    return l->valid && l->latents_seq == s->snap->latents_seq && l->model == p->model &&
           l->ax[0] == p->ax[0] && l->ax[1] == p->ax[1] && l->view.cx == p->view.cx &&
           l->view.cy == p->view.cy && l->view.scale == p->view.scale;
}

/* The layer's texture and pixels for a w x h plot, made (and their pages touched) as soon
 * as the layout is known: the first snapshot's frame only rasterises. 0 once they exist. */
static int make_layer(Layer *l, int w, int h, AppGfx *g) {
    if (l->tex && l->w == w && l->h == h) return l->pixels ? 0 : -1;
    if (l->tex) SDL_DestroyTexture(l->tex);
    free(l->pixels);
    l->tex = SDL_CreateTexture(g->ren, g->opaque_format, SDL_TEXTUREACCESS_STREAMING, w, h);
    l->pixels = malloc((size_t)w * (size_t)h * sizeof *l->pixels);
    l->w = w, l->h = h, l->valid = 0;
    if (!l->tex || !l->pixels) return -1;
    memset(l->pixels, 0, (size_t)w * (size_t)h * sizeof *l->pixels);
    SDL_SetTextureBlendMode(l->tex, SDL_BLENDMODE_NONE);
    SDL_UpdateTexture(l->tex, NULL, l->pixels, w * (int)sizeof *l->pixels);
    return 0;
}

static void refresh_layer(Layer *l, const AppState *s, const AppPane *p, AppGfx *g) {
    int w = p->rect.w, h = p->rect.h;
    if (w <= 0 || h <= 0 || make_layer(l, w, h, g) != 0 || !app_pane_model(s, p)) return;
    if (layer_current(l, s, p)) return;
    const AppSnapshot *snap = s->snap;
    VaeScatterPoints pts = {snap->mu[p->model],
                            snap->model[p->model].cfg.latent,
                            snap->n_points,
                            {p->ax[0], p->ax[1]},
                            s->session->shown->labels};
    const VaePlaneView view = {p->view.cx, p->view.cy, p->view.scale};
    const VaeScatterColors colors = {APP_PANE_BG, APP_GRIDLINE, APP_AXIS};
    if (vae_scatter_raster(l->pixels, w, h, &view, g->u, &pts, &colors) != 0) return;
    SDL_UpdateTexture(l->tex, NULL, l->pixels, w * (int)sizeof *l->pixels);
    l->valid = 1;
    l->latents_seq = snap->latents_seq, l->model = p->model, l->view = p->view;
    l->ax[0] = p->ax[0], l->ax[1] = p->ax[1];
}

static void refresh(void *cache, const void *tool, const AppState *s, AppGfx *g) {
    (void)tool;
    PlaneCache *c = cache;
    for (int i = 0; i < s->n_panes; i++)
        refresh_layer(&c->layer[i], s, &s->pane[i], g);
}

/* The whole plot, opaque: a whole frame leaves the background out under it (frame.c). */
static void under(const AppDraw *d, int pane) {
    const AppPane *p = &d->s->pane[pane];
    const Layer *l = &((const PlaneCache *)d->cache)->layer[pane];
    SDL_Rect r = app_sdl_rect(p->rect);
    if (app_pane_model(d->s, p) && l->tex && l->valid) {
        SDL_RenderCopy(d->g->ren, l->tex, NULL, &r);
        return;
    }
    app_set_color(d->g->ren, APP_PANE_BG);
    SDL_RenderFillRect(d->g->ren, &r);
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

static void cache_free(void *cache) {
    PlaneCache *c = cache;
    for (int i = 0; i < APP_MAX_PANES; i++) {
        if (c->layer[i].tex) SDL_DestroyTexture(c->layer[i].tex);
        free(c->layer[i].pixels);
    }
}

const AppToolView app_view_plane = {
    .cache_size = sizeof(PlaneCache),
    .refresh = refresh,
    .under = under,
    .over = over,
    .frame = frame,
    .free = cache_free,
};
