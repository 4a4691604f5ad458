/* The manifold grid's view: each pane's last complete grid, tiled into an image and
 * composited into the plot at the latent extent it was decoded for (a layer, layers.h);
 * the progress of the next one. */
#include <math.h>
#include <stdlib.h>

#include "gfx.h"
#include "grid.h"
#include "tools.h"

typedef struct {
    uint32_t *pixels; /* (th, tw) opaque grey */
    int tw, th, valid, model;
    unsigned finished;         /* the job's count when tiled */
    double gx0, gx1, gy0, gy1; /* latent extent of pixels */
} GridTiles;

typedef struct {
    GridTiles pane[APP_MAX_PANES];
} GridCache;

static void tile(GridTiles *t, const AppGridJob *j, int rows, int cols) {
    int tw = j->nx * cols, th = j->ny * rows;
    if (!t->pixels || t->tw != tw || t->th != th) {
        free(t->pixels);
        t->pixels = malloc((size_t)tw * (size_t)th * sizeof *t->pixels);
        t->tw = tw, t->th = th, t->valid = 0;
        if (!t->pixels) return;
    }
    int pixels = rows * cols;
    for (int k = 0; k < j->nx * j->ny; k++) {
        int tx = k % j->nx, ty = k / j->nx;
        const float *pr = j->probs + (size_t)k * pixels;
        for (int y = 0; y < rows; y++) {
            uint32_t *row = t->pixels + (size_t)(ty * rows + y) * tw + tx * cols;
            for (int x = 0; x < cols; x++) {
                uint32_t v = (uint32_t)(fminf(1, fmaxf(0, pr[y * cols + x])) * 255 + 0.5f);
                row[x] = 0xff000000u | v << 16 | v << 8 | v;
            }
        }
    }
    t->gx0 = j->zx0, t->gx1 = j->zx1, t->gy0 = j->zy0, t->gy1 = j->zy1;
    t->model = j->model;
    t->valid = 1;
}

static void refresh(void *cache, const void *tool, const AppState *s, AppGfx *g) {
    (void)g;
    GridCache *c = cache;
    const AppGrid *grid = tool;
    for (int i = 0; i < APP_MAX_PANES; i++) {
        const AppGridJob *j = &grid->job[i];
        if (j->finished == c->pane[i].finished) continue;
        c->pane[i].finished = j->finished;
        tile(&c->pane[i], j, s->session->rows, s->session->cols);
    }
}

static uint64_t layer_key(const AppDraw *d, int pane) {
    const AppGrid *grid = d->tool;
    const GridTiles *t = &((const GridCache *)d->cache)->pane[pane];
    const AppPane *p = &d->s->pane[pane];
    if (!grid->on || !t->valid || t->model != p->model || !app_pane_model(d->s, p)) return 0;
    return app_layer_key(t->finished, (uint64_t)t->model);
}

/* Opaque tiles over the scatter (the grid hides it: no hovering, tool_grid.c). */
static void layer_paint(const AppDraw *d, int pane, uint32_t *px, int w, int h) {
    const GridTiles *t = &((const GridCache *)d->cache)->pane[pane];
    const AppPane *p = &d->s->pane[pane];
    app_layer_over(px, w, h, &p->view, t->pixels, t->tw, t->th, t->gx0, t->gx1, t->gy0, t->gy1);
}

static void frame(const AppDraw *d, int pane) {
    const AppGrid *grid = d->tool;
    const AppGridJob *j = &grid->job[pane];
    const AppPane *p = &d->s->pane[pane];
    if (!grid->on || !j->active || j->refresh) return;
    app_text_drawf(&d->g->text, APP_FONT_SMALL, p->rect.x + p->rect.w - app_px(d->g, 8),
                   p->rect.y + app_px(d->g, 8), APP_DIM, APP_ALIGN_RIGHT, "decoding grid %d/%d",
                   j->next, j->nx * j->ny);
}

static void cache_free(void *cache) {
    GridCache *c = cache;
    for (int i = 0; i < APP_MAX_PANES; i++)
        free(c->pane[i].pixels);
}

const AppToolView app_view_grid = {
    .cache_size = sizeof(GridCache),
    .refresh = refresh,
    .layer_key = layer_key,
    .layer_paint = layer_paint,
    .frame = frame,
    .free = cache_free,
};
