/* The draw tool's view: in the panel the canvas, the image the models see (centred and
 * scaled) and the nearest training images; on each pane where the drawing lands (its
 * posterior, as the hover tool marks a test image's, and a diamond at its mean); under
 * each pane that model's reconstruction of it and its scores. */
#include <math.h>
#include <stdio.h>

#include "draw.h"
#include "gfx.h"
#include "posterior.h"
#include "tools.h"

typedef struct {
    SDL_Texture *canvas, *image, *recon[APP_MAX_MODELS], *nearest[APP_DRAW_NEAREST];
    unsigned version, encodes, results;
} DrawCache;

static SDL_Texture *texture(AppGfx *g, SDL_Texture **t) {
    if (!*t) *t = app_image_texture(g, APP_CANVAS, APP_CANVAS);
    return *t;
}

static void refresh(void *cache, const void *tool, const AppState *s, AppGfx *g) {
    DrawCache *c = cache;
    const AppDrawing *d = tool;
    if (!d->on) return;
    if (c->version != d->version || !c->canvas) { /* (the canvas changes with the image) */
        if (texture(g, &c->canvas)) app_image_upload(c->canvas, d->canvas, APP_CANVAS, APP_CANVAS);
        if (texture(g, &c->image)) app_image_upload(c->image, d->image, APP_CANVAS, APP_CANVAS);
        c->version = d->version;
    }
    if (c->encodes != d->encodes) {
        for (int m = 0; m < APP_MAX_MODELS; m++)
            if (d->model[m].valid && texture(g, &c->recon[m]))
                app_image_upload(c->recon[m], d->model[m].recon, APP_CANVAS, APP_CANVAS);
        c->encodes = d->encodes;
    }
    const VaeSplit *train = &s->session->ds.train;
    if (c->results != d->results && train->rows == APP_CANVAS && train->cols == APP_CANVAS) {
        for (int k = 0; k < d->n_nearest; k++)
            if (texture(g, &c->nearest[k]))
                app_image_upload_bytes(c->nearest[k],
                                       train->images + (size_t)d->nearest[k] * APP_CANVAS_PIXELS,
                                       APP_CANVAS, APP_CANVAS);
        c->results = d->results;
    }
}

/* ---- the plane: where the drawing lands ------------------------------------------------ */

static void draw_landing(AppGfx *g, int pane, const AppPane *p, const AppDrawModel *dm) {
    double x = app_view_px(&p->view, p->rect, dm->mu[p->ax[0]]);
    double y = app_view_py(&p->view, p->rect, dm->mu[p->ax[1]]);
    if (!(fabs(x) < 1e6 && fabs(y) < 1e6)) return;
    float r = 7 * g->u;
    SDL_FPoint pts[5] = {{(float)x, (float)(y - r)},
                         {(float)(x + r), (float)y},
                         {(float)x, (float)(y + r)},
                         {(float)(x - r), (float)y},
                         {(float)x, (float)(y - r)}};
    SDL_SetRenderDrawColor(g->ren, 10, 12, 16, 255);
    for (int k = 0; k < 5; k++)
        pts[k].x += 1, pts[k].y += 1;
    SDL_RenderDrawLinesF(g->ren, pts, 5);
    for (int k = 0; k < 5; k++)
        pts[k].x -= 1, pts[k].y -= 1;
    app_set_color(g->ren, APP_ACCENT);
    SDL_RenderDrawLinesF(g->ren, pts, 5);
    app_mark(g, pane, p->rect, x - r - 1, y - r - 1, x + r + 2, y + r + 2);
}

static void over(const AppDraw *d, int pane) {
    const AppState *s = d->s;
    const AppDrawing *dr = d->tool;
    const AppPane *p = &s->pane[pane];
    const VaeModel *m = app_pane_model(s, p);
    if (!s->drawn || !m || p->model >= APP_MAX_MODELS) return;
    const AppDrawModel *dm = &dr->model[p->model];
    if (!dm->valid) return;
    SDL_SetRenderDrawBlendMode(d->g->ren, SDL_BLENDMODE_BLEND);
    if (app_is_vae(m)) {
        float mu[2], sd[2];
        for (int k = 0; k < 2; k++)
            mu[k] = dm->mu[p->ax[k]], sd[k] = expf(0.5f * dm->lv[p->ax[k]]);
        /* a hovered image's caption takes the same place: the drawing's gives way */
        app_draw_posterior(d->g, pane, p, m, dm->z0, dm->zk, APP_DRAW_SAMPLES, mu, sd,
                           s->hover >= 0 ? NULL : "drawn: ");
    }
    draw_landing(d->g, pane, p, dm);
}

/* ---- the panel: canvas, the image as encoded, nearest training images ------------------ */

/* Pixels per canvas pixel: 6x, less when the panel is short (at least 3x). */
static int canvas_scale(const AppDraw *d, int avail) {
    const AppGfx *g = d->g;
    int text = app_text_line(&g->text, APP_FONT_BOLD) + app_text_line(&g->text, APP_FONT_SMALL) +
               app_px(g, 16);
    int k = (int)(6 * g->u), kfit = (avail - text) / APP_CANVAS, kmin = (int)(3 * g->u);
    if (k > kfit) k = kfit > kmin ? kfit : kmin;
    return k;
}

static int section_height(const AppDraw *d, int width, int avail) {
    (void)width;
    if (!((const AppDrawing *)d->tool)->on) return 0;
    const AppGfx *g = d->g;
    return app_text_line(&g->text, APP_FONT_BOLD) + app_px(g, 4) +
           canvas_scale(d, avail) * APP_CANVAS + app_text_line(&g->text, APP_FONT_SMALL) +
           app_px(g, 12);
}

static SDL_Rect canvas_rect(const AppDraw *d, SDL_Rect r) {
    const AppGfx *g = d->g;
    int top = app_text_line(&g->text, APP_FONT_BOLD) + app_px(g, 4);
    int side = r.h - top - app_text_line(&g->text, APP_FONT_SMALL) - app_px(g, 12);
    return (SDL_Rect){r.x, r.y + top, side > 0 ? side : 0, side > 0 ? side : 0};
}

static void placed(const AppDraw *d, void *tool, SDL_Rect r) {
    AppDrawing *dr = tool;
    SDL_Rect c = dr->on && r.h > 0 ? canvas_rect(d, r) : (SDL_Rect){0, 0, 0, 0};
    dr->canvas_x = c.x, dr->canvas_y = c.y, dr->canvas_side = c.w;
}

static void draw_title(const AppDraw *d, SDL_Rect r) {
    const AppDrawing *dr = d->tool;
    AppGfx *g = d->g;
    if (dr->typing) {
        app_text_drawf_within(g, APP_FONT_BOLD, r.x, r.y, r.w, APP_ACCENT,
                              "PNG to load: %s_  (Return, Esc)", dr->path);
        return;
    }
    app_text_drawf_within(g, APP_FONT_BOLD, r.x, r.y, r.w, APP_TEXT, "Your image (%s)", dr->source);
    int w = app_text_width(&g->text, APP_FONT_BOLD, "Your image (") +
            app_text_width(&g->text, APP_FONT_BOLD, dr->source) + app_px(g, 24);
    if (w < r.w)
        app_text_drawf_within(g, APP_FONT_SMALL, r.x + w, r.y + app_px(g, 2), r.w - w, APP_DIM,
                              "left draw \xc2\xb7 right erase \xc2\xb7 wheel brush %.2f",
                              (double)dr->brush);
}

/* Right of the canvas: the image as encoded, then the nearest training images. */
static void draw_column(const AppDraw *d, SDL_Rect r, SDL_Rect cv) {
    const AppDrawing *dr = d->tool;
    const DrawCache *c = d->cache;
    AppGfx *g = d->g;
    int lh = app_text_line(&g->text, APP_FONT_SMALL), gap = app_px(g, 8);
    int x = cv.x + cv.w + app_px(g, 16), w = r.x + r.w - x;
    int cell = (cv.h - 2 * lh - gap) / 2;
    int per_row = (w + gap) / (cell + gap);
    if (per_row > APP_DRAW_NEAREST) per_row = APP_DRAW_NEAREST;
    if (cell <= 0 || per_row < 1) return;
    app_text_draw(&g->text, APP_FONT_SMALL, "encoded: centred, 20x20 box", x, cv.y, APP_DIM,
                  APP_ALIGN_LEFT);
    app_image_box(g, dr->blank ? NULL : c->image, (SDL_Rect){x, cv.y + lh, cell, cell});
    int y = cv.y + lh + cell + gap;
    app_text_draw(&g->text, APP_FONT_SMALL,
                  dr->nearest_valid == 1 ? "nearest training images (pixels)"
                                         : "nearest training images\xe2\x80\xa6",
                  x, y, APP_DIM, APP_ALIGN_LEFT);
    int shown = dr->blank ? 0 : dr->n_nearest;
    for (int k = 0; k < per_row; k++)
        app_image_box(g, k < shown ? c->nearest[k] : NULL,
                      (SDL_Rect){x + k * (cell + gap), y + lh, cell, cell});
}

/* The brush's size around the pointer over the canvas. */
static void draw_brush(const AppDraw *d, SDL_Rect cv) {
    const AppState *s = d->s;
    const AppDrawing *dr = d->tool;
    SDL_Point at = {s->mx, s->my};
    if (!s->mouse_in || !SDL_PointInRect(&at, &cv)) return;
    SDL_SetRenderDrawBlendMode(d->g->ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(d->g->ren, 136, 192, 208, 200);
    app_draw_circle(d->g->ren, at.x, at.y, dr->brush * cv.w / APP_CANVAS);
}

static void section_draw(const AppDraw *d, SDL_Rect r) {
    const DrawCache *c = d->cache;
    AppGfx *g = d->g;
    draw_title(d, r);
    SDL_Rect cv = canvas_rect(d, r);
    app_image_box(g, c->canvas, cv);
    draw_brush(d, cv);
    app_text_draw(&g->text, APP_FONT_SMALL, "Backspace clears \xc2\xb7 drop a PNG \xc2\xb7 Ctrl+O",
                  cv.x, cv.y + cv.h + app_px(g, 2), APP_DIM, APP_ALIGN_LEFT);
    draw_column(d, r, cv);
}

/* ---- the dock: each model's reconstruction and scores ---------------------------------- */

static int strip_height(const AppDraw *d, int pane, int width, int avail) {
    (void)pane, (void)width, (void)avail;
    if (!d->s->drawn) return 0;
    int text = 3 * app_text_line(&d->g->text, APP_FONT_SMALL), image = (int)(2.5 * d->g->u * 28);
    return (text > image ? text : image) + app_px(d->g, 4);
}

static void score_lines(const AppDraw *d, const VaeModel *m, const AppDrawModel *dm, int x, int y,
                        int w) {
    AppGfx *g = d->g;
    int lh = app_text_line(&g->text, APP_FONT_SMALL);
    uint32_t col = dm->scored == 1 ? APP_TEXT : APP_DIM;
    if (!dm->scored) {
        app_text_draw_within(g, APP_FONT_SMALL, "scoring\xe2\x80\xa6", x, y + lh, w, APP_DIM);
        return;
    }
    const VaeImageScore *sc = &dm->score;
    if (!app_is_vae(m)) {
        app_text_drawf_within(g, APP_FONT_SMALL, x, y + lh, w, col, "recon %.1f nats", sc->recon);
        app_text_drawf_within(g, APP_FONT_SMALL, x, y + 2 * lh, w, APP_DIM,
                              "a%s %s has no likelihood: no -log p(x)",
                              m->cfg.kind == VAE_KIND_AE ? "n" : "", app_model_name(m));
        return;
    }
    app_text_drawf_within(g, APP_FONT_SMALL, x, y + lh, w, col,
                          "-ELBO %.1f nats (recon %.1f + KL %.1f)", sc->neg_elbo, sc->recon,
                          sc->kl);
    app_text_drawf_within(g, APP_FONT_SMALL, x, y + 2 * lh, w, col,
                          "-log p(x) \xe2\x89\x88 %.1f nats (%d importance samples)", sc->iwae_nll,
                          APP_DRAW_IW);
}

static void strip_draw(const AppDraw *d, int pane, SDL_Rect r) {
    const AppState *s = d->s;
    const AppDrawing *dr = d->tool;
    const DrawCache *c = d->cache;
    AppGfx *g = d->g;
    int model = s->pane[pane].model;
    const VaeModel *m = app_pane_model(s, &s->pane[pane]);
    if (!m || model >= APP_MAX_MODELS) return;
    const AppDrawModel *dm = &dr->model[model];
    int side = r.h - app_px(g, 4), x = r.x + side + app_px(g, 10), w = r.x + r.w - x;
    app_image_box(g, dm->valid ? c->recon[model] : NULL, (SDL_Rect){r.x, r.y, side, side});
    if (!dm->valid) {
        app_text_draw_within(g, APP_FONT_SMALL,
                             app_can_encode(s)
                                 ? "encoding\xe2\x80\xa6"
                                 : "waiting for a snapshot with the encoders\xe2\x80\xa6",
                             x, r.y, w, APP_DIM);
        return;
    }
    app_text_drawf_within(g, APP_FONT_SMALL, x, r.y, w, APP_ACCENT, "%s's reconstruction of %s",
                          app_snap_label(s->snap, model), dr->source);
    score_lines(d, m, dm, x, r.y, w);
}

static const AppPanelSection sections[] = {
    {.order = 22, .dynamic = 1, .height = section_height, .draw = section_draw, .placed = placed},
};

static const AppStripSection strips[] = {
    {.order = 5, .dynamic = 1, .height = strip_height, .draw = strip_draw},
};

static void cache_free(void *cache) {
    DrawCache *c = cache;
    if (c->canvas) SDL_DestroyTexture(c->canvas);
    if (c->image) SDL_DestroyTexture(c->image);
    for (int m = 0; m < APP_MAX_MODELS; m++)
        if (c->recon[m]) SDL_DestroyTexture(c->recon[m]);
    for (int k = 0; k < APP_DRAW_NEAREST; k++)
        if (c->nearest[k]) SDL_DestroyTexture(c->nearest[k]);
}

const AppToolView app_view_draw = {
    .cache_size = sizeof(DrawCache),
    .refresh = refresh,
    .over = over,
    .sections = sections,
    .n_sections = 1,
    .strips = strips,
    .n_strips = 1,
    .free = cache_free,
};
