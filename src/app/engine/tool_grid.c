/* The manifold grid (key G): the visible region of each pane tiled with decoded images,
 * as in the Keras VAE example's plot_latent_space; key I spaces the tiles evenly in prior
 * probability (inverse normal CDF) instead of linearly. A grid is decoded a batch of
 * tiles per frame and shown when complete (the last complete one stays on screen
 * meanwhile), so a re-decode never stalls a frame; it is redone when the view, the
 * snapshot, the spacing or the class changes. A grid redone for a new snapshot alone (its
 * latents, or the view fitted to them) decodes as refreshes do (app_decode_due), shows no
 * progress and redraws only its plot, once, when it is complete. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "rng.h"
#include "tool.h"

#define TILES_PER_FRAME 32 /* at most */
/* and at most this much decoding per frame: the reference MLP's 32 tiles fit (34 MFLOP),
 * the conv decoder (11 MFLOP a tile) gets 10, a few ms, so a grid never stalls a frame */
#define GRID_FLOPS_PER_FRAME 120e6
#define TILE_PT 36 /* about this many points per tile */

/* Whether the job (running or finished) no longer shows what the pane would show now. */
static int outdated(const AppGridJob *j, const AppState *s, const AppPane *p, const AppGrid *g) {
    return j->model != p->model || !app_view_same(&j->view, &p->view) || j->icdf != g->icdf ||
           j->cls != s->cls || j->ax[0] != p->ax[0] || j->ax[1] != p->ax[1] || j->w != p->rect.w ||
           j->h != p->rect.h || memcmp(j->base, p->base, sizeof j->base);
}

/* Lay out the tiles of a new job over the pane's visible region. 0, or -1 out of memory. */
static int start(AppGridJob *j, const AppState *s, const AppPane *p, const AppGrid *g, int L) {
    double tile = TILE_PT * s->u;
    int nx = (int)fmax(4, fmin(40, round(p->rect.w / tile)));
    int ny = (int)fmax(4, fmin(40, round(p->rect.h / tile)));
    float *z = calloc((size_t)nx * ny * L, sizeof *z);
    float *probs = malloc((size_t)nx * ny * s->session->pixels * sizeof *probs);
    if (!z || !probs) {
        free(z), free(probs);
        return -1;
    }
    free(j->z), free(j->probs);
    j->z = z, j->probs = probs;
    j->nx = nx, j->ny = ny, j->next = 0, j->active = 1;
    j->model = p->model, j->view = p->view, j->icdf = g->icdf, j->cls = s->cls;
    j->ax[0] = p->ax[0], j->ax[1] = p->ax[1], j->w = p->rect.w, j->h = p->rect.h;
    memcpy(j->base, p->base, sizeof j->base);
    j->seq = s->snap->seq;
    const AppRect *r = &p->rect;
    j->zx0 = app_view_zx(&p->view, *r, r->x), j->zx1 = app_view_zx(&p->view, *r, r->x + r->w);
    j->zy1 = app_view_zy(&p->view, *r, r->y), j->zy0 = app_view_zy(&p->view, *r, r->y + r->h);
    double cx0 = app_norm_cdf(j->zx0), cx1 = app_norm_cdf(j->zx1);
    double cy0 = app_norm_cdf(j->zy0), cy1 = app_norm_cdf(j->zy1);
    for (int ty = 0; ty < ny; ty++) {
        for (int tx = 0; tx < nx; tx++) {
            double fx = (tx + 0.5) / nx, fy = 1 - (ty + 0.5) / ny; /* row 0 at the top */
            double zx = j->zx0 + fx * (j->zx1 - j->zx0), zy = j->zy0 + fy * (j->zy1 - j->zy0);
            if (j->icdf) { /* evenly spaced in prior probability over the visible range */
                zx = vae_normal_icdf(fmin(1 - 1e-9, fmax(1e-9, cx0 + fx * (cx1 - cx0))));
                zy = vae_normal_icdf(fmin(1 - 1e-9, fmax(1e-9, cy0 + fy * (cy1 - cy0))));
            }
            float *t = z + ((size_t)ty * nx + tx) * L;
            memcpy(t, p->base, (size_t)L * sizeof *t); /* the dimensions off the plane */
            t[j->ax[0]] = (float)zx, t[j->ax[1]] = (float)zy;
        }
    }
    return 0;
}

/* Decode up to budget tiles with the newest model; a job that completes is `finished`. */
static void advance(AppGridJob *j, AppState *s, const VaeModel *m, int budget) {
    int total = j->nx * j->ny, L = m->cfg.latent, pixels = s->session->pixels;
    uint8_t labels[APP_DECODE_BATCH];
    memset(labels, j->cls, sizeof labels);
    j->seq = s->snap->seq;
    while (budget > 0 && j->next < total) {
        int b = total - j->next;
        b = b > APP_DECODE_BATCH ? APP_DECODE_BATCH : b;
        b = b > budget ? budget : b;
        vae_model_decode(m, &s->ws[j->model], j->z + (size_t)j->next * L,
                         m->cfg.kind == VAE_KIND_CVAE ? labels : NULL, b,
                         j->probs + (size_t)j->next * pixels);
        j->next += b;
        budget -= b;
    }
    if (j->next < total) return;
    j->active = 0;
    j->finished++;
}

static void update(void *self, AppState *s) {
    AppGrid *g = self;
    s->scatter_hidden = g->on;
    if (!g->on || !s->snap) return;
    for (int i = 0; i < s->n_panes; i++) {
        AppPane *p = &s->pane[i];
        AppGridJob *j = &g->job[i];
        const VaeModel *m = app_pane_model(s, p);
        if (!m) continue;
        int moved = outdated(j, s, p, g);
        int stale = j->finished == 0 || j->seq != s->snap->seq || moved;
        if (stale && (!j->active || moved)) {
            if (start(j, s, p, g, m->cfg.latent) != 0) continue;
            j->refresh = j->finished > 0 && !app_user_frame(s);
        }
        if (!j->active) continue;
        double flops = vae_model_decode_flops(m);
        int budget = (int)(GRID_FLOPS_PER_FRAME / flops);
        if (j->refresh) { /* at most half of what refreshes may decode: the strips first */
            budget = (int)(fmin(app_refresh_budget(s), APP_REFRESH_FLOPS / 2) / flops);
            if (budget < 1) continue;
        }
        budget = budget < 1 ? 1 : budget > TILES_PER_FRAME ? TILES_PER_FRAME : budget;
        if (j->refresh) s->refresh_flops -= budget * flops;
        advance(j, s, m, budget);
        if (!j->refresh)
            s->redraw |= APP_REDRAW_ALL; /* the progress, then the new grid */
        else if (!j->active)
            app_redraw_rect(s, p->rect); /* the new grid */
    }
}

static int input(void *self, AppState *s, const AppInput *in) {
    AppGrid *g = self;
    if (in->kind != APP_IN_KEY) return 0;
    if (in->key == 'g') {
        g->on = !g->on;
        return 1;
    }
    if (in->key == 'i') {
        g->icdf = !g->icdf;
        app_toast(s, 0, "grid spacing: %s%s", g->icdf ? "inverse normal CDF" : "linear",
                  g->on ? "" : " (G shows the grid)");
        return 1;
    }
    return 0;
}

static void grid_free(void *self) {
    AppGrid *g = self;
    for (int i = 0; i < APP_MAX_PANES; i++)
        free(g->job[i].z), free(g->job[i].probs);
}

static const AppHelpLine help[] = {
    {"G", "manifold grid: decode a grid over the view"},
    {"I", "grid spacing: linear / inverse normal CDF"},
};

const AppTool app_tool_grid = {
    .name = "grid",
    .title = "Manifold grid",
    .size = sizeof(AppGrid),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .free = grid_free,
    .input = input,
    .update = update,
};
