/* Test-set and per-image evaluation: the negative ELBO with one z sample per image, its
 * parts, the per-dimension KL and active units, and the importance-weighted bound (Burda
 * et al. 2016). One scorer (score_batch) serves the test set and a single image.
 * With planar flows the KL is the single-sample estimate the training step uses, and the
 * importance weights use the flowed density q0(z_0|x) / prod_k |det J_k|. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "latents.h"
#include "nn.h"
#include "pca.h"
#include "rng.h"
#include "step.h"
#include "trainer.h"

#define EVAL_BATCH 256
#define IW_BATCH 500

typedef struct {
    VaeWorkspace ws;
    float *x, *z, *logits, *logdet;
    double *row, *logw;
    int cap, k;
} IwBuffers;

static void iw_free(IwBuffers *w) {
    vae_workspace_free(&w->ws);
    free(w->x);
    free(w->z);
    free(w->logits);
    free(w->logdet);
    free(w->row);
    free(w->logw);
}

static VaeStatus iw_init(IwBuffers *w, const VaeModel *m, int k, char err[VAE_ERR_LEN]) {
    memset(w, 0, sizeof *w);
    w->k = k;
    w->cap = k < IW_BATCH ? k : IW_BATCH;
    VaeStatus s = vae_workspace_init(&w->ws, m, w->cap, err);
    if (s != VAE_OK) return s;
    w->x = malloc(sizeof(float) * (size_t)w->cap * m->n_in);
    w->z = malloc(sizeof(float) * (size_t)w->cap * m->cfg.latent);
    w->logits = malloc(sizeof(float) * (size_t)w->cap * m->n_in);
    w->logdet = malloc(sizeof(float) * (size_t)w->cap);
    w->row = malloc(sizeof(double) * (size_t)w->cap);
    w->logw = malloc(sizeof(double) * (size_t)k);
    if (!w->x || !w->z || !w->logits || !w->logdet || !w->row || !w->logw) {
        iw_free(w);
        return vae_fail(err, VAE_ERR_NOMEM, "cannot allocate importance-sampling buffers");
    }
    return VAE_OK;
}

/* -log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x) for one image x (n_in) with posterior
 * (mu, logvar), K = w->k. log 2pi terms of p(z) and q(z|x) cancel. With flows z_k is the
 * flowed sample and log q = log q0(z_0|x) - sum of the flows' log|det J|. */
static double iw_nll(const VaeModel *m, IwBuffers *w, const float *x, uint8_t label,
                     const float *mu, const float *logvar, VaeRng *rng) {
    const int L = m->cfg.latent, D = m->n_in, k = w->k;
    double *logw = w->logw, best = -INFINITY;
    uint8_t labels[IW_BATCH];
    memset(labels, label, sizeof labels);
    for (int r = 0; r < w->cap; r++)
        memcpy(w->x + (size_t)r * D, x, sizeof(float) * (size_t)D);
    for (int at = 0; at < k; at += w->cap) {
        int n = k - at < w->cap ? k - at : w->cap;
        double lq[IW_BATCH];
        for (int r = 0; r < n; r++) {
            double acc = 0.0;
            for (int j = 0; j < L; j++) {
                float e = vae_rng_normal(rng);
                w->z[(size_t)r * L + j] = mu[j] + expf(0.5f * logvar[j]) * e;
                acc += 0.5 * ((double)e * e + logvar[j]); /* -log q0(z_0|x) */
            }
            lq[r] = acc;
            w->logdet[r] = 0.0f;
        }
        vae_flow_apply(m, w->z, n, w->logdet); /* no-op without flows */
        for (int r = 0; r < n; r++) {
            double acc = w->logdet[r]; /* + log p(z) */
            for (int j = 0; j < L; j++) {
                double zj = w->z[(size_t)r * L + j];
                acc -= 0.5 * zj * zj;
            }
            lq[r] += acc;
        }
        vae_model_decode_logits(m, &w->ws, w->z, labels, n, w->logits);
        if (m->cfg.likelihood == VAE_LIK_GAUSSIAN)
            vae_mse_sigmoid(w->logits, w->x, n, D, w->row, NULL, 0.0f);
        else
            vae_bce_logits(w->logits, w->x, n, D, w->row, NULL, 0.0f);
        for (int r = 0; r < n; r++) {
            logw[at + r] = -w->row[r] + lq[r];
            if (logw[at + r] > best) best = logw[at + r];
        }
    }
    double sum = 0.0;
    for (int i = 0; i < k; i++)
        sum += exp(logw[i] - best);
    return -(best + log(sum / k));
}

/* ---- scoring a batch: what vae_evaluate and the per-image score share ---------- */

struct VaeScorer {
    VaeStepBuffers sb; /* sb.x holds the rows to score */
    IwBuffers w;       /* with iw > 1 */
    int iw;
    double *mse, *bce; /* (max_batch) each row's */
};

static void scorer_free(VaeScorer *sc) {
    vae_step_buffers_free(&sc->sb);
    if (sc->iw > 1) iw_free(&sc->w);
    free(sc->mse);
    free(sc->bce);
}

static VaeStatus scorer_init(VaeScorer *sc, const VaeModel *m, int batch, int iw,
                             char err[VAE_ERR_LEN]) {
    memset(sc, 0, sizeof *sc);
    if (iw < 0 || iw > VAE_IW_MAX)
        return vae_fail(err, VAE_ERR_ARG, "--iw %d out of range (0..%d)", iw, VAE_IW_MAX);
    if (iw > 1 && !vae_kind_is_stochastic(m->cfg.kind))
        return vae_fail(err, VAE_ERR_ARG, "importance weighting needs a VAE (this model is a %s)",
                        vae_kind_name(m->cfg.kind));
    VaeStatus st = vae_step_buffers_init(&sc->sb, m, batch, err);
    if (st != VAE_OK) return st;
    sc->mse = malloc(sizeof(double) * (size_t)batch);
    sc->bce = malloc(sizeof(double) * (size_t)batch);
    if (!sc->mse || !sc->bce) {
        scorer_free(sc);
        return vae_fail(err, VAE_ERR_NOMEM, "cannot allocate the scores");
    }
    if (iw > 1 && (st = iw_init(&sc->w, m, iw, err)) != VAE_OK) {
        vae_step_buffers_free(&sc->sb);
        return st;
    }
    sc->iw = iw;
    return VAE_OK;
}

/* A pca's forward over the b rows of sb->x: its code in the head (as a model's forward
 * leaves it), its pixel values in ws.logits, the errors of every row; the Bernoulli figure
 * is the recon, there is no kl. */
static void pca_forward(const VaeModel *m, VaeScorer *sc, int b, VaeLossValues *loss) {
    VaeStepBuffers *sb = &sc->sb;
    const int D = m->n_in;
    vae_model_encode(m, &sb->ws, sb->x, NULL, b, sb->z0, NULL);
    vae_model_decode_logits(m, &sb->ws, sb->z0, NULL, b, sb->ws.logits);
    loss->recon = loss->kl = loss->kl_used = 0.0;
    for (int r = 0; r < b; r++) {
        const float *y = sb->ws.logits + (size_t)r * D, *x = sb->x + (size_t)r * D;
        double se = 0.0, ce = 0.0;
        for (int i = 0; i < D; i++) {
            double p = y[i] < VAE_PCA_BCE_EPS       ? VAE_PCA_BCE_EPS
                       : y[i] > 1 - VAE_PCA_BCE_EPS ? 1 - VAE_PCA_BCE_EPS
                                                    : y[i];
            se += (y[i] - x[i]) * (y[i] - x[i]);
            ce -= x[i] * log(p) + (1 - x[i]) * log(1 - p);
        }
        sc->mse[r] = se;
        sc->bce[r] = sb->row_recon[r] = ce;
        sb->row_kl[r] = 0.0;
        loss->recon += ce / b;
    }
    loss->loss = loss->recon;
}

/* The squared error and cross-entropy of a VAE's or AE's decodes, from its logits. */
static void model_errors(const VaeModel *m, VaeScorer *sc, int b) {
    const float *logits = sc->sb.ws.logits, *x = sc->sb.x;
    vae_mse_sigmoid(logits, x, b, m->n_in, sc->mse, NULL, 0.0f);
    vae_bce_logits(logits, x, b, m->n_in, sc->bce, NULL, 0.0f);
}

/* Scores the b rows of sc->sb.x: one z sample each for -ELBO (as the training step
 * computes it, beta 1), then the importance-weighted bound of each row. scores (b) may be
 * NULL; loss gets the batch means. The draws come from rng in this order: the batch's eps,
 * then each row's importance samples. */
static void score_batch(VaeScorer *sc, const VaeModel *m, const uint8_t *labels, int b, VaeRng *rng,
                        VaeImageScore *scores, VaeLossValues *loss, double *sum_iw) {
    const int L = m->cfg.latent, ae = !vae_kind_is_stochastic(m->cfg.kind);
    VaeStepBuffers *sb = &sc->sb;
    VaeLossParams lp = {1.0f, 0.0f, 0.0f, 0, NULL};
    if (!ae) vae_rng_normals(rng, sb->eps, b * L);
    if (m->cfg.kind == VAE_KIND_PCA) {
        pca_forward(m, sc, b, loss);
    } else {
        vae_step_forward(m, sb, labels, b, &lp, loss);
        model_errors(m, sc, b);
    }
    for (int r = 0; r < b; r++) {
        const float *h = sb->ws.head + (size_t)r * m->head_out; /* mu, then clamped logvar */
        double iw = sc->iw > 1
                        ? iw_nll(m, &sc->w, sb->x + (size_t)r * m->n_in, labels[r], h, h + L, rng)
                        : 0.0;
        *sum_iw += iw;
        if (!scores) continue;
        scores[r].recon = sb->row_recon[r];
        scores[r].kl = ae ? 0.0 : sb->row_kl[r];
        scores[r].neg_elbo = scores[r].recon + scores[r].kl;
        scores[r].mse = sc->mse[r];
        scores[r].bce = sc->bce[r];
        scores[r].iwae_nll = iw;
    }
}

VaeStatus vae_scorer_create(VaeScorer **out, const VaeModel *m, int iw, char err[VAE_ERR_LEN]) {
    *out = NULL;
    VaeScorer *sc = malloc(sizeof *sc);
    if (!sc) return vae_fail(err, VAE_ERR_NOMEM, "cannot allocate a scorer");
    VaeStatus st = scorer_init(sc, m, 1, iw, err);
    if (st != VAE_OK) {
        free(sc);
        return st;
    }
    *out = sc;
    return VAE_OK;
}

void vae_scorer_destroy(VaeScorer *sc) {
    if (!sc) return;
    scorer_free(sc);
    free(sc);
}

void vae_scorer_score(VaeScorer *sc, const VaeModel *m, const float *x, uint8_t label,
                      uint64_t seed, VaeImageScore *out) {
    VaeRng rng;
    vae_rng_seed(&rng, seed, 0xe7a1);
    memcpy(sc->sb.x, x, sizeof(float) * (size_t)m->n_in);
    VaeLossValues loss;
    double sum_iw = 0.0;
    score_batch(sc, m, &label, 1, &rng, out, &loss, &sum_iw);
}

VaeStatus vae_image_score(const VaeModel *m, const float *x, uint8_t label, int iw, uint64_t seed,
                          VaeImageScore *out, char err[VAE_ERR_LEN]) {
    VaeScorer sc;
    VaeStatus st = scorer_init(&sc, m, 1, iw, err);
    if (st != VAE_OK) return st;
    vae_scorer_score(&sc, m, x, label, seed, out);
    scorer_free(&sc);
    if (!isfinite(out->neg_elbo) || (iw > 1 && !isfinite(out->iwae_nll)))
        return vae_fail(err, VAE_ERR_NUMERIC, "the model gives this image a non-finite score");
    return VAE_OK;
}

VaeStatus vae_evaluate_per_image(const VaeModel *m, const VaeSplit *s, int iw, uint64_t seed,
                                 VaeProgressFn progress, void *ud, VaeEvalStats *out,
                                 VaeImageScore *per_image, char err[VAE_ERR_LEN]) {
    memset(out, 0, sizeof *out);
    if (s->n < 1) return vae_fail(err, VAE_ERR_ARG, "no test images to evaluate");
    if (s->rows * s->cols != m->n_in)
        return vae_fail(err, VAE_ERR_ARG, "images are %dx%d but the model expects %dx%d", s->rows,
                        s->cols, m->cfg.input_h, m->cfg.input_w);
    const int L = m->cfg.latent, ae = !vae_kind_is_stochastic(m->cfg.kind);
    VaeScorer sc;
    VaeStatus st = scorer_init(&sc, m, EVAL_BATCH, iw, err);
    if (st != VAE_OK) return st;
    VaeRng rng;
    vae_rng_seed(&rng, seed, 0xe7a1);
    double sum_recon = 0, sum_kl = 0, sum_iw = 0, sum_mse = 0, sum_bce = 0;
    VaeLatentSums sums;
    memset(&sums, 0, sizeof sums);
    int idx[EVAL_BATCH];
    VaeProgress p = {0, 0, s->n, 0, 0, 0, 0};
    for (int at = 0; at < s->n; at += EVAL_BATCH) {
        int b = s->n - at < EVAL_BATCH ? s->n - at : EVAL_BATCH;
        for (int r = 0; r < b; r++)
            idx[r] = at + r;
        vae_data_batch(s, idx, b, sc.sb.x);
        VaeLossValues loss;
        score_batch(&sc, m, s->labels + at, b, &rng, per_image ? per_image + at : NULL, &loss,
                    &sum_iw);
        sum_recon += loss.recon * b;
        sum_kl += loss.kl * b;
        for (int r = 0; r < b; r++)
            sum_mse += sc.mse[r], sum_bce += sc.bce[r];
        for (int r = 0; r < b; r++) {
            const float *h = sc.sb.ws.head + (size_t)r * m->head_out;
            vae_latent_sums_add(&sums, h, ae ? NULL : h + L, 1, L);
        }
        p.batch = at + b;
        if (progress && progress(ud, &p)) break;
    }
    int n = p.batch;
    out->n = n;
    out->recon = sum_recon / n;
    out->kl = sum_kl / n;
    out->neg_elbo = out->recon + out->kl;
    out->mse = sum_mse / n;
    out->bce = sum_bce / n;
    out->iw = iw > 1 ? iw : 0;
    out->iwae_nll = iw > 1 ? sum_iw / n : 0.0;
    VaeLatentStats ls;
    vae_latent_stats_finish(&sums, L, !ae, &ls);
    out->active_units = ls.active;
    for (int j = 0; j < L; j++)
        out->kl_dim[j] = ls.kl[j];
    scorer_free(&sc);
    if (!isfinite(out->neg_elbo))
        return vae_fail(err, VAE_ERR_NUMERIC, "the model produces non-finite losses");
    return VAE_OK;
}

VaeStatus vae_evaluate(const VaeModel *m, const VaeSplit *s, int iw, uint64_t seed,
                       VaeProgressFn progress, void *ud, VaeEvalStats *out, char err[VAE_ERR_LEN]) {
    return vae_evaluate_per_image(m, s, iw, seed, progress, ud, out, NULL, err);
}
