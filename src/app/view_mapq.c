/* The aggregate-posterior map's view: over the scatter, q(z) as a teal haze (brighter
 * where more images' posteriors overlap) and in red the prior's holes, where N(0, I) has
 * mass and q(z) is under a tenth of it (a layer of the plot, layers.h: the grid's cells
 * blended in with bilinear filtering); the share of the prior's mass in holes. */
#include <math.h>
#include <stdlib.h>

#include "gfx.h"
#include "mapq.h"
#include "tools.h"

#define LOG_RATIO_HOLE 2.302585 /* log 10 */

typedef struct {
    uint32_t *cells[APP_MAX_PANES]; /* (gh, gw) premultiplied ARGB */
    int gw[APP_MAX_PANES], gh[APP_MAX_PANES];
    unsigned version[APP_MAX_PANES];
} MapCache;

/* One cell's colour (premultiplied): the haze of q (relative to the grid's densest cell)
 * over the hole. */
static uint32_t cell_color(float lq, float lp, float lq_max, float lp_max) {
    float haze = fminf(1, fmaxf(0, 1 + (lq - lq_max) / 8)); /* e^-8 of the top: nothing */
    float hole = lp - lq > LOG_RATIO_HOLE ? fminf(1, (lp - lq - (float)LOG_RATIO_HOLE) / 2) : 0;
    hole *= expf(0.25f * (lp - lp_max)); /* weighed by the prior: far out it hardly matters */
    float a = fmaxf(0.45f * haze * haze, 0.7f * hole);
    if (a <= 0) return 0;
    int red = hole * 0.7f > 0.45f * haze * haze;
    uint32_t rgb = red ? APP_ARGB(235, 90, 80) : APP_ARGB(120, 220, 230), out = 0;
    for (int sh = 0; sh <= 16; sh += 8)
        out |= (uint32_t)((rgb >> sh & 255) * a + 0.5f) << sh;
    return (uint32_t)(a * 255 + 0.5f) << 24 | out;
}

static void paint(MapCache *c, int i, const AppMapPane *mp) {
    if (!c->cells[i] || c->gw[i] != mp->gw || c->gh[i] != mp->gh) {
        free(c->cells[i]);
        c->cells[i] = malloc((size_t)mp->gw * (size_t)mp->gh * sizeof *c->cells[i]);
        c->gw[i] = mp->gw, c->gh[i] = mp->gh;
        if (!c->cells[i]) return;
    }
    float lq_max = -INFINITY, lp_max = -INFINITY;
    for (int k = 0; k < mp->gw * mp->gh; k++)
        lq_max = fmaxf(lq_max, mp->log_q[k]), lp_max = fmaxf(lp_max, mp->log_p[k]);
    for (int k = 0; k < mp->gw * mp->gh; k++)
        c->cells[i][k] = cell_color(mp->log_q[k], mp->log_p[k], lq_max, lp_max);
}

static void refresh(void *cache, const void *tool, const AppState *s, AppGfx *g) {
    (void)g;
    MapCache *c = cache;
    const AppMap *map = tool;
    for (int i = 0; map->on && i < s->n_panes; i++) {
        const AppMapPane *mp = &map->pane[i];
        if (!mp->valid || c->version[i] == mp->version) continue;
        paint(c, i, mp);
        c->version[i] = mp->version;
    }
}

static uint64_t layer_key(const AppDraw *d, int pane) {
    const AppMap *map = d->tool;
    const AppMapPane *mp = &map->pane[pane];
    const MapCache *c = d->cache;
    if (!map->on || !mp->valid || !c->cells[pane] || mp->model != d->s->pane[pane].model) return 0;
    return app_layer_key(c->version[pane], (uint64_t)mp->model);
}

/* The grid where it was computed (the view may have moved on since). */
static void layer_paint(const AppDraw *d, int pane, uint32_t *px, int w, int h) {
    const AppMapPane *mp = &((const AppMap *)d->tool)->pane[pane];
    const MapCache *c = d->cache;
    const AppView *v = &d->s->pane[pane].view;
    app_layer_over(px, w, h, v, c->cells[pane], c->gw[pane], c->gh[pane], mp->x0, mp->x1, mp->y0,
                   mp->y1);
}

static void frame(const AppDraw *d, int pane) {
    const AppMap *map = d->tool;
    const AppMapPane *mp = &map->pane[pane];
    const AppPane *p = &d->s->pane[pane];
    if (!map->on) return;
    AppGfx *g = d->g;
    int lh = app_text_line(&g->text, APP_FONT_SMALL), pad = app_px(g, 5);
    char l1[128], l2[128];
    if (!mp->valid) {
        snprintf(l1, sizeof l1, "computing q(z)...");
        l2[0] = 0;
    } else {
        snprintf(l1, sizeof l1, "teal: q(z) = mean of the %s",
                 mp->has_sigma ? "posteriors N(\xce\xbc, \xcf\x83\xc2\xb2)"
                               : "codes (kernel density: no \xcf\x83)");
        snprintf(l2, sizeof l2, "red: q(z) < p(z)/10 \xc2\xb7 %.0f%% of N(0, I)'s mass",
                 100 * mp->hole_mass);
    }
    int w = app_text_width(&g->text, APP_FONT_SMALL, l1),
        w2 = app_text_width(&g->text, APP_FONT_SMALL, l2);
    w = w2 > w ? w2 : w;
    int room = p->rect.w - 2 * pad - app_px(g, 8) - 1; /* four panes: a narrow plot */
    w = w < room ? w : room > 0 ? room : 0;
    SDL_Rect box = {p->rect.x + p->rect.w - w - 2 * pad - app_px(g, 8),
                    p->rect.y + p->rect.h - 2 * lh - 2 * pad - app_px(g, 8), w + 2 * pad,
                    2 * lh + 2 * pad};
    app_shade_rect(g, box, 215);
    app_text_draw_within(g, APP_FONT_SMALL, l1, box.x + pad, box.y + pad, w,
                         APP_ARGB(120, 220, 230));
    if (l2[0])
        app_text_draw_within(g, APP_FONT_SMALL, l2, box.x + pad, box.y + pad + lh, w,
                             APP_ARGB(235, 120, 110));
}

static void cache_free(void *cache) {
    MapCache *c = cache;
    for (int i = 0; i < APP_MAX_PANES; i++)
        free(c->cells[i]);
}

const AppToolView app_view_mapq = {
    .cache_size = sizeof(MapCache),
    .refresh = refresh,
    .layer_key = layer_key,
    .layer_paint = layer_paint,
    .frame = frame,
    .free = cache_free,
};
