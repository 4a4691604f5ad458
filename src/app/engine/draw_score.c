/* What the models make of the drawn image (see draw.h): its posterior, samples and
 * reconstruction on the render thread (one image through each model: well under a
 * millisecond), its scores and nearest training images on the tools' worker (hundreds of
 * importance samples, and a pass over the training set). */
#include <stdlib.h>
#include <string.h>

#include "draw.h"

#define SAMPLE_SEED 1 /* the posterior's samples hold still while the image does */
#define SCORE_SEED 7
/* A job is a tenth of a second of a core (256 importance samples per model): at most one
 * every DRAWN_S while the drawing changes, every TRAINED_S for new snapshots, so that
 * scoring never takes more than a share of what training gets. */
#define DRAWN_S 0.3
#define TRAINED_S 2.0

static uint8_t label_of(const AppState *s) {
    return (uint8_t)s->cls;
}

/* Room for model m's samples; 0, or -1 (out of memory, or images of another size). */
static int encode_model(AppDrawModel *dm, const AppState *s, int m) {
    if (s->snap->model[m].n_in != APP_CANVAS_PIXELS) return -1;
    size_t n = (size_t)APP_DRAW_SAMPLES * VAE_MAX_LATENT;
    if (!dm->z0) dm->z0 = malloc(n * sizeof *dm->z0);
    if (!dm->zk) dm->zk = malloc(n * sizeof *dm->zk);
    if (!dm->z0 || !dm->zk) return -1;
    return 0;
}

void app_draw_encode(AppDrawing *d, AppState *s) {
    if (!app_can_encode(s)) return;
    if (d->seq == s->snap->seq && d->enc_version == d->version && d->enc_cls == s->cls) return;
    uint8_t label = label_of(s);
    for (int m = 0; m < APP_MAX_MODELS; m++) {
        AppDrawModel *dm = &d->model[m];
        dm->valid = 0;
        if (m >= s->snap->n_models || encode_model(dm, s, m) != 0) continue;
        const VaeModel *mod = &s->snap->model[m];
        vae_model_encode(mod, &s->ws[m], d->image, &label, 1, dm->mu, dm->lv);
        vae_model_posterior_samples_from(mod, dm->mu, dm->lv, APP_DRAW_SAMPLES, SAMPLE_SEED, dm->z0,
                                         dm->zk);
        vae_reconstruct(mod, &s->ws[m], d->image, label, dm->recon);
        dm->valid = 1;
    }
    d->seq = s->snap->seq, d->enc_version = d->version, d->enc_cls = s->cls;
    d->encodes++;
}

/* ---- the worker's job ------------------------------------------------------------------ */

static void run_job(void *job) {
    AppDrawJob *j = job;
    for (int m = 0; m < j->n_models; m++)
        vae_scorer_score(j->scorer[m], &j->model[m], j->x, j->label, SCORE_SEED, &j->score[m]);
    j->n_nearest =
        j->train ? vae_nearest_images(j->train, j->x, APP_DRAW_NEAREST, j->nearest, j->dist2) : 0;
}

/* The job's copy of model m of the snapshot (its arena and scorer kept while the shape is
 * the same; made again after a failure). 0, or -1 (out of memory). */
static int copy_model(AppDrawJob *j, int m, const VaeModel *src) {
    VaeModel *dst = &j->model[m];
    char err[VAE_ERR_LEN];
    if (!dst->params || !j->scorer[m] || memcmp(&dst->cfg, &src->cfg, sizeof dst->cfg)) {
        vae_model_free(dst);
        vae_scorer_destroy(j->scorer[m]);
        memset(dst, 0, sizeof *dst);
        j->scorer[m] = NULL;
        if (vae_model_init(dst, &src->cfg, err) != VAE_OK) return -1;
        int iw = vae_kind_is_stochastic(src->cfg.kind) ? APP_DRAW_IW : 1; /* (AE, PCA: none) */
        if (vae_scorer_create(&j->scorer[m], dst, iw, err) != VAE_OK) return -1;
    }
    memcpy(dst->params, src->params, src->n_params * sizeof *src->params);
    return 0;
}

static void submit(AppDrawing *d, AppState *s) {
    AppDrawJob *j = &d->job;
    const AppSnapshot *snap = s->snap;
    for (int m = 0; m < snap->n_models; m++)
        if (copy_model(j, m, &snap->model[m]) != 0) return;
    j->n_models = snap->n_models;
    memcpy(j->x, d->image, sizeof j->x);
    j->label = label_of(s);
    /* the nearest images change with the image only, not with training */
    j->train = d->job_version != d->version || d->nearest_valid != 1 ? &s->session->ds.train : NULL;
    if (!app_worker_submit(s->worker, run_job, j)) return; /* busy: next frame */
    d->running = 1, d->t_job = s->now;
    d->job_version = d->version, d->job_seq = snap->seq, d->job_cls = s->cls;
}

static void collect(AppDrawing *d, AppState *s) {
    if (!d->running || !app_worker_done(s->worker, &d->job)) return;
    d->running = 0;
    const AppDrawJob *j = &d->job;
    /* results of a drawing that has moved on are shown (dimmed) until the next job's */
    int current = d->job_version == d->version && d->job_cls == s->cls;
    for (int m = 0; m < j->n_models; m++) {
        d->model[m].score = j->score[m];
        d->model[m].scored = current ? 1 : -1;
    }
    if (j->train) {
        memcpy(d->nearest, j->nearest, sizeof d->nearest);
        memcpy(d->dist2, j->dist2, sizeof d->dist2);
        d->n_nearest = j->n_nearest, d->nearest_valid = current ? 1 : -1;
    }
    d->results++;
    s->redraw |= APP_REDRAW_CURSOR; /* the panel and dock sections showing them follow */
}

void app_draw_score(AppDrawing *d, AppState *s) {
    collect(d, s);
    if (d->running || !app_can_encode(s) || !s->worker) return;
    double since = s->now - d->t_job;
    int changed = d->job_version != d->version || d->job_cls != s->cls;
    if ((changed && since >= DRAWN_S) || (d->job_seq != s->snap->seq && since >= TRAINED_S))
        submit(d, s);
}

void app_draw_job_free(AppDrawJob *j) {
    for (int m = 0; m < APP_MAX_MODELS; m++) {
        vae_model_free(&j->model[m]);
        vae_scorer_destroy(j->scorer[m]);
    }
    memset(j, 0, sizeof *j);
}
