/* Latent statistics and the parallel split encoder (see latents.h). */
#include "latents.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

/* ---- statistics ------------------------------------------------------------------- */

void vae_latent_sums_add(VaeLatentSums *s, const float *mu, const float *logvar, int b, int L) {
    for (int i = 0; i < b; i++) {
        const float *m = mu + (size_t)i * L, *v = logvar ? logvar + (size_t)i * L : NULL;
        int finite = 1;
        for (int j = 0; j < L; j++)
            finite &= isfinite(m[j]) && (!v || isfinite(v[j]));
        if (!finite) {
            s->nonfinite++;
            continue;
        }
        s->n++;
        for (int j = 0; j < L; j++) {
            double mj = m[j];
            s->mu[j] += mj;
            s->mu2[j] += mj * mj;
            if (v) s->kl[j] += 0.5 * (mj * mj + exp((double)v[j]) - 1.0 - v[j]);
        }
    }
}

void vae_latent_sums_merge(VaeLatentSums *into, const VaeLatentSums *from) {
    into->n += from->n;
    into->nonfinite += from->nonfinite;
    for (int j = 0; j < VAE_MAX_LATENT; j++) {
        into->mu[j] += from->mu[j];
        into->mu2[j] += from->mu2[j];
        into->kl[j] += from->kl[j];
    }
}

void vae_latent_stats_finish(const VaeLatentSums *s, int L, int has_kl, VaeLatentStats *out) {
    memset(out, 0, sizeof *out);
    out->nonfinite = s->nonfinite;
    if (s->n < 1) return;
    out->valid = has_kl;
    for (int j = 0; j < L; j++) {
        double mean = s->mu[j] / s->n;
        double var = s->mu2[j] / s->n - mean * mean;
        out->var[j] = (float)(var > 0 ? var : 0);
        out->kl[j] = (float)(s->kl[j] / s->n);
        if (var > VAE_ACTIVE_VAR) out->active++;
    }
}

/* ---- the split encoder -------------------------------------------------------------- */

/* Rows per encode: small enough that each worker's scratch stays small (the explorer keeps
 * encoders for its whole run), big enough that the GEMMs stay efficient. */
#define CHUNK 64

typedef struct {
    VaeWorkspace ws[VAE_ENCODE_MODELS];
    float *x, *mu, *lv; /* (CHUNK, pixels), (CHUNK, VAE_MAX_LATENT) x 2 */
    int idx[CHUNK];
    VaeLatentSums sums[VAE_ENCODE_MODELS];
} Worker;

struct VaeSplitEncoder {
    VaePool *pool;
    int n_workers, n_models;
    const VaeSplit *split;
    Worker w[VAE_MAX_WORKERS];
    /* the encode in progress */
    const VaeModel *const *models;
    float *const *mu_out;
    float *const *lv_out;
};

void vae_split_encoder_destroy(VaeSplitEncoder *e) {
    if (!e) return;
    vae_pool_destroy(e->pool);
    for (int i = 0; i < VAE_MAX_WORKERS; i++) {
        for (int m = 0; m < VAE_ENCODE_MODELS; m++)
            vae_workspace_free(&e->w[i].ws[m]);
        free(e->w[i].x), free(e->w[i].mu), free(e->w[i].lv);
    }
    free(e);
}

VaeStatus vae_split_encoder_create(VaeSplitEncoder **out, const VaeModel *const *models,
                                   int n_models, const VaeSplit *split, int workers,
                                   char err[VAE_ERR_LEN]) {
    *out = NULL;
    if (n_models < 1 || n_models > VAE_ENCODE_MODELS)
        return vae_fail(err, VAE_ERR_ARG, "an encoder takes 1 to %d models", VAE_ENCODE_MODELS);
    VaeSplitEncoder *e = calloc(1, sizeof *e);
    if (!e) return vae_fail(err, VAE_ERR_NOMEM, "out of memory for the encoder");
    e->n_workers = workers < 1 ? 1 : workers > VAE_MAX_WORKERS ? VAE_MAX_WORKERS : workers;
    e->n_models = n_models;
    e->split = split;
    VaeStatus st = vae_pool_create(&e->pool, e->n_workers, err);
    size_t pixels = (size_t)split->rows * (size_t)split->cols;
    for (int i = 0; st == VAE_OK && i < e->n_workers; i++) {
        Worker *w = &e->w[i];
        w->x = malloc(CHUNK * pixels * sizeof *w->x);
        w->mu = malloc(CHUNK * VAE_MAX_LATENT * sizeof *w->mu);
        w->lv = malloc(CHUNK * VAE_MAX_LATENT * sizeof *w->lv);
        if (!w->x || !w->mu || !w->lv)
            st = vae_fail(err, VAE_ERR_NOMEM, "out of memory for the encoder");
        for (int m = 0; st == VAE_OK && m < n_models; m++)
            st = vae_workspace_init_encoder(&w->ws[m], models[m], CHUNK, err);
    }
    if (st != VAE_OK) {
        vae_split_encoder_destroy(e);
        return st;
    }
    *out = e;
    return VAE_OK;
}

/* Worker wi takes chunks wi, wi + n, wi + 2n, ...: disjoint rows of the outputs. */
static void encode_worker(void *ctx, int wi, int n_workers) {
    VaeSplitEncoder *e = ctx;
    Worker *w = &e->w[wi];
    const VaeSplit *sp = e->split;
    memset(w->sums, 0, sizeof w->sums);
    for (int i0 = wi * CHUNK; i0 < sp->n; i0 += n_workers * CHUNK) {
        int b = sp->n - i0 < CHUNK ? sp->n - i0 : CHUNK;
        for (int k = 0; k < b; k++)
            w->idx[k] = i0 + k;
        vae_data_batch(sp, w->idx, b, w->x);
        for (int m = 0; m < e->n_models; m++) {
            const VaeModel *model = e->models[m];
            int L = model->cfg.latent, vae = vae_kind_is_stochastic(model->cfg.kind);
            /* logvar comes from the same head product as mu: only a copy more */
            vae_model_encode(model, &w->ws[m], w->x, sp->labels + i0, b, w->mu, vae ? w->lv : NULL);
            size_t n = (size_t)b * (size_t)L * sizeof *w->mu, at = (size_t)i0 * (size_t)L;
            memcpy(e->mu_out[m] + at, w->mu, n);
            if (vae && e->lv_out[m]) memcpy(e->lv_out[m] + at, w->lv, n);
            vae_latent_sums_add(&w->sums[m], w->mu, vae ? w->lv : NULL, b, L);
        }
    }
}

void vae_split_encode(VaeSplitEncoder *e, const VaeModel *const *models, float *const *mu,
                      float *const *logvar, VaeLatentStats *stats) {
    static float *const no_lv[VAE_ENCODE_MODELS];
    e->models = models, e->mu_out = mu, e->lv_out = logvar ? logvar : no_lv;
    vae_pool_run(e->pool, encode_worker, e);
    for (int m = 0; stats && m < e->n_models; m++) {
        VaeLatentSums all;
        memset(&all, 0, sizeof all);
        for (int i = 0; i < e->n_workers; i++)
            vae_latent_sums_merge(&all, &e->w[i].sums[m]);
        vae_latent_stats_finish(&all, models[m]->cfg.latent,
                                vae_kind_is_stochastic(models[m]->cfg.kind), &stats[m]);
    }
}
