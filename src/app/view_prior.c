/* The prior samples' view: each code as a numbered ring on every plane (where it falls on
 * that model's map) and, in each pane's dock, the strip of its model's decodes, numbered
 * the same. */
#include <math.h>
#include <stdio.h>

#include "gfx.h"
#include "prior.h"
#include "tools.h"

#define PRIOR_COLOR APP_ARGB(255, 214, 102)

typedef struct {
    SDL_Texture *tex[APP_MAX_PANES][APP_PRIOR_K];
    unsigned version[APP_MAX_PANES];
} PriorCache;

static void refresh(void *cache, const void *tool, const AppState *s, AppGfx *g) {
    PriorCache *c = cache;
    const AppPrior *pr = tool;
    if (!pr->on) return;
    int rows = s->session->rows, cols = s->session->cols;
    for (int i = 0; i < s->n_panes; i++) {
        if (c->version[i] == pr->pane[i].version) continue;
        for (int k = 0; k < APP_PRIOR_K; k++) {
            if (!c->tex[i][k]) c->tex[i][k] = app_image_texture(g, cols, rows);
            app_image_upload(c->tex[i][k], pr->pane[i].probs + (size_t)k * rows * cols, cols, rows);
        }
        c->version[i] = pr->pane[i].version;
    }
}

static void over(const AppDraw *d, int pane) {
    const AppPrior *pr = d->tool;
    const AppPane *p = &d->s->pane[pane];
    if (!pr->on || !app_pane_model(d->s, p)) return;
    AppGfx *g = d->g;
    double rad = 7 * g->u;
    for (int k = 0; k < APP_PRIOR_K; k++) {
        const float *z = pr->z + k * VAE_MAX_LATENT;
        double x = app_view_px(&p->view, p->rect, z[p->ax[0]]);
        double y = app_view_py(&p->view, p->rect, z[p->ax[1]]);
        if (!(fabs(x) < 1e6 && fabs(y) < 1e6)) continue;
        app_set_color(g->ren, APP_ARGB(12, 14, 18));
        app_draw_circle(g->ren, x, y, rad + 1);
        app_set_color(g->ren, PRIOR_COLOR);
        app_draw_circle(g->ren, x, y, rad);
        app_text_drawf(&g->text, APP_FONT_SMALL, (int)x,
                       (int)y - app_text_line(&g->text, APP_FONT_SMALL) / 2, PRIOR_COLOR,
                       APP_ALIGN_CENTER, "%d", k + 1);
    }
}

/* Each image's width: the strip's width shared by K images. */
static int image_width(const AppDraw *d, int width) {
    return app_strip_cell(d->g, width, APP_PRIOR_K, app_px(d->g, 4), 0, d->s->session->cols);
}

static int strip_height(const AppDraw *d, int pane, int width, int avail) {
    (void)pane, (void)avail;
    if (!((const AppPrior *)d->tool)->on) return 0;
    const AppSession *se = d->s->session;
    return app_text_line(&d->g->text, APP_FONT_SMALL) + image_width(d, width) * se->rows / se->cols;
}

static void strip_draw(const AppDraw *d, int pane, SDL_Rect r) {
    const PriorCache *c = d->cache;
    AppGfx *g = d->g;
    int lh = app_text_line(&g->text, APP_FONT_SMALL), w = image_width(d, r.w);
    int h = w * d->s->session->rows / d->s->session->cols, gap = app_px(g, 4);
    app_text_drawf_within(g, APP_FONT_SMALL, r.x, r.y, r.w, APP_DIM,
                          "%s decodes %d prior samples z ~ N(0, I)  (Z: new ones)",
                          app_snap_label(d->s->snap, d->s->pane[pane].model), APP_PRIOR_K);
    for (int i = 0; i < APP_PRIOR_K; i++) {
        SDL_Rect dst = {r.x + i * (w + gap), r.y + lh, w, h};
        if (c->tex[pane][i]) SDL_RenderCopy(g->ren, c->tex[pane][i], NULL, &dst);
        if (w >= d->s->session->cols) /* smaller, the numbers would cover the digits */
            app_text_drawf(&g->text, APP_FONT_SMALL, dst.x + app_px(g, 2), dst.y, PRIOR_COLOR,
                           APP_ALIGN_LEFT, "%d", i + 1);
    }
}

static const AppStripSection strips[] = {
    {.order = 10, .height = strip_height, .draw = strip_draw},
};

static void cache_free(void *cache) {
    PriorCache *c = cache;
    for (int i = 0; i < APP_MAX_PANES; i++)
        for (int k = 0; k < APP_PRIOR_K; k++)
            if (c->tex[i][k]) SDL_DestroyTexture(c->tex[i][k]);
}

const AppToolView app_view_prior = {
    .cache_size = sizeof(PriorCache),
    .refresh = refresh,
    .over = over,
    .strips = strips,
    .n_strips = 1,
    .free = cache_free,
};
