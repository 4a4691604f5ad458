/* The prior against the encoded data (key M): the aggregate posterior q(z), the mean of
 * every shown image's N(mu, sigma^2), shaded against the prior N(0, I) over each pane's
 * view, and the share of the prior's mass that falls where q(z) is under a tenth of it:
 * where the prior has mass and no data is, samples from it decode badly. Computed on the
 * tools' worker (density.h), redone when the view, the axes or the latents change. */
#include <stdlib.h>
#include <string.h>

#include "mapq.h"
#include "tool.h"

#define CELL_PT 6 /* grid cells of about this many points */

static void run_job(void *job) {
    app_density_compute(job);
}

/* Whether the pane shows something else than the job was (or is being) computed for. */
static int outdated(const AppMapPane *mp, const AppState *s, const AppPane *p) {
    return mp->latents_seq != s->snap->latents_seq || mp->model != p->model ||
           mp->ax[0] != p->ax[0] || mp->ax[1] != p->ax[1] || !app_view_same(&mp->view, &p->view) ||
           mp->w != p->rect.w || mp->h != p->rect.h;
}

/* Copy the pane's codes and view into the job and hand it to the worker. */
static void submit(AppMapPane *mp, AppState *s, const AppPane *p, const VaeModel *m) {
    const AppSnapshot *snap = s->snap;
    size_t n = (size_t)snap->n_points * (size_t)m->cfg.latent;
    int gw = p->rect.w / (int)(CELL_PT * s->u) + 1, gh = p->rect.h / (int)(CELL_PT * s->u) + 1;
    float *mu = realloc(mp->mu, n * sizeof *mu), *lv = mu ? realloc(mp->lv, n * sizeof *lv) : NULL;
    if (mu) mp->mu = mu;
    if (lv) mp->lv = lv;
    float *q = realloc(mp->job.log_q, sizeof(float) * (size_t)gw * gh);
    if (q) mp->job.log_q = q;
    float *lp = q ? realloc(mp->job.log_p, sizeof(float) * (size_t)gw * gh) : NULL;
    if (lp) mp->job.log_p = lp;
    if (!mu || !lv || !q || !lp) return;
    memcpy(mp->mu, snap->mu[p->model], n * sizeof *mu);
    memcpy(mp->lv, snap->lv[p->model], n * sizeof *lv);
    AppDensity *d = &mp->job;
    d->mu = mp->mu, d->lv = app_is_vae(m) ? mp->lv : NULL;
    d->n = snap->n_points, d->latent = m->cfg.latent, d->ax[0] = p->ax[0], d->ax[1] = p->ax[1];
    d->x0 = app_view_zx(&p->view, p->rect, p->rect.x);
    d->x1 = app_view_zx(&p->view, p->rect, p->rect.x + p->rect.w);
    d->y0 = app_view_zy(&p->view, p->rect, p->rect.y + p->rect.h);
    d->y1 = app_view_zy(&p->view, p->rect, p->rect.y);
    d->gw = gw, d->gh = gh;
    if (!app_worker_submit(s->worker, run_job, d)) return; /* busy: next frame */
    mp->running = 1;
    mp->latents_seq = snap->latents_seq, mp->model = p->model, mp->view = p->view;
    mp->ax[0] = p->ax[0], mp->ax[1] = p->ax[1], mp->w = p->rect.w, mp->h = p->rect.h;
}

/* A finished job becomes the result (the job's grids and the result's swap). */
static void collect(AppMapPane *mp, AppState *s, int pane) {
    if (!mp->running || !app_worker_done(s->worker, &mp->job)) return;
    mp->running = 0;
    AppDensity *d = &mp->job;
    float *q = mp->log_q, *p = mp->log_p;
    mp->log_q = d->log_q, mp->log_p = d->log_p;
    d->log_q = q, d->log_p = p;
    mp->gw = d->gw, mp->gh = d->gh;
    mp->x0 = d->x0, mp->x1 = d->x1, mp->y0 = d->y0, mp->y1 = d->y1;
    mp->hole_mass = d->hole_mass, mp->has_sigma = d->lv != NULL;
    mp->valid = 1;
    mp->version++;
    app_redraw_rect(s, s->pane[pane].rect);
}

static void update(void *self, AppState *s) {
    AppMap *map = self;
    if (!map->on || !s->snap) return;
    for (int i = 0; i < s->n_panes; i++) {
        AppMapPane *mp = &map->pane[i];
        const VaeModel *m = app_pane_model(s, &s->pane[i]);
        collect(mp, s, i);
        /* a new snapshot's map waits a frame: that frame draws everything, and the worker
         * would take a core from its present (the X server's copy of the window) */
        if (s->fresh && mp->valid && !app_user_frame(s)) continue;
        if (m && !mp->running && (!mp->valid || outdated(mp, s, &s->pane[i])))
            submit(mp, s, &s->pane[i], m);
    }
}

static int input(void *self, AppState *s, const AppInput *in) {
    AppMap *map = self;
    (void)s;
    if (in->kind != APP_IN_KEY || in->key != 'm') return 0;
    map->on = !map->on;
    return 1;
}

/* The worker is stopped before the tools are freed (main.c): no job runs on this memory. */
static void map_free(void *self) {
    AppMap *map = self;
    for (int i = 0; i < APP_MAX_PANES; i++) {
        AppMapPane *mp = &map->pane[i];
        free(mp->mu), free(mp->lv), free(mp->log_q), free(mp->log_p);
        free(mp->job.log_q), free(mp->job.log_p);
    }
}

static const AppHelpLine help[] = {
    {"M", "q(z) against the prior: where samples fail"},
};

const AppTool app_tool_mapq = {
    .name = "mapq",
    .title = "Aggregate posterior",
    .size = sizeof(AppMap),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .input = input,
    .update = update,
    .free = map_free,
};
