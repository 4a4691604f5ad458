/* Test-set evaluation: the negative ELBO with one z sample per image, its parts, the
 * per-dimension KL and active units, and the importance-weighted bound (Burda et al. 2016).
 * With planar flows the KL is the single-sample estimate the training step uses, and the
 * importance weights use the flowed density q0(z_0|x) / prod_k |det J_k|. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "latents.h"
#include "nn.h"
#include "rng.h"
#include "step.h"
#include "trainer.h"

#define EVAL_BATCH 256
#define IW_BATCH 500

typedef struct {
    VaeWorkspace ws;
    float *x, *z, *logits, *logdet;
    double *row;
    int cap;
} IwBuffers;

static void iw_free(IwBuffers *w) {
    vae_workspace_free(&w->ws);
    free(w->x);
    free(w->z);
    free(w->logits);
    free(w->logdet);
    free(w->row);
}

static VaeStatus iw_init(IwBuffers *w, const VaeModel *m, int k, char err[VAE_ERR_LEN]) {
    memset(w, 0, sizeof *w);
    w->cap = k < IW_BATCH ? k : IW_BATCH;
    VaeStatus s = vae_workspace_init(&w->ws, m, w->cap, err);
    if (s != VAE_OK) return s;
    w->x = malloc(sizeof(float) * (size_t)w->cap * m->n_in);
    w->z = malloc(sizeof(float) * (size_t)w->cap * m->cfg.latent);
    w->logits = malloc(sizeof(float) * (size_t)w->cap * m->n_in);
    w->logdet = malloc(sizeof(float) * (size_t)w->cap);
    w->row = malloc(sizeof(double) * (size_t)w->cap);
    if (!w->x || !w->z || !w->logits || !w->logdet || !w->row) {
        iw_free(w);
        return vae_fail(err, VAE_ERR_NOMEM, "cannot allocate importance-sampling buffers");
    }
    return VAE_OK;
}

/* -log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x) for one image x (n_in) with posterior
 * (mu, logvar). log 2pi terms of p(z) and q(z|x) cancel. With flows z_k is the flowed
 * sample and log q = log q0(z_0|x) - sum of the flows' log|det J|. */
static double iw_nll(const VaeModel *m, IwBuffers *w, const float *x, uint8_t label,
                     const float *mu, const float *lv, int k, VaeRng *rng) {
    const int L = m->cfg.latent, D = m->n_in;
    double *logw = malloc(sizeof(double) * (size_t)k), best = -INFINITY;
    if (!logw) return NAN;
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
                w->z[(size_t)r * L + j] = mu[j] + expf(0.5f * lv[j]) * e;
                acc += 0.5 * ((double)e * e + lv[j]); /* -log q0(z_0|x) */
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
    free(logw);
    return -(best + log(sum / k));
}

VaeStatus vae_evaluate(const VaeModel *m, const VaeSplit *s, int iw, uint64_t seed,
                       VaeProgressFn progress, void *ud, VaeEvalStats *out, char err[VAE_ERR_LEN]) {
    memset(out, 0, sizeof *out);
    if (s->n < 1) return vae_fail(err, VAE_ERR_ARG, "no test images to evaluate");
    if (s->rows * s->cols != m->n_in)
        return vae_fail(err, VAE_ERR_ARG, "images are %dx%d but the model expects %dx%d", s->rows,
                        s->cols, m->cfg.input_h, m->cfg.input_w);
    if (iw < 0 || iw > 100000) return vae_fail(err, VAE_ERR_ARG, "--iw %d out of range", iw);
    const int L = m->cfg.latent, ae = m->cfg.kind == VAE_KIND_AE;
    if (iw > 1 && ae)
        return vae_fail(err, VAE_ERR_ARG, "importance weighting needs a VAE (this model is an AE)");
    VaeStepBuffers sb;
    IwBuffers w;
    memset(&w, 0, sizeof w);
    VaeStatus st = vae_step_buffers_init(&sb, m, EVAL_BATCH, err);
    if (st != VAE_OK) return st;
    if (iw > 1 && (st = iw_init(&w, m, iw, err)) != VAE_OK) {
        vae_step_buffers_free(&sb);
        return st;
    }
    VaeRng rng;
    vae_rng_seed(&rng, seed, 0xe7a1);
    double sum_recon = 0, sum_kl = 0, sum_iw = 0;
    VaeLatentSums sums;
    memset(&sums, 0, sizeof sums);
    int idx[EVAL_BATCH];
    VaeLossParams lp = {1.0f, 0.0f, 0.0f, 0, NULL};
    VaeProgress p = {0, 0, s->n, 0, 0, 0, 0};
    for (int at = 0; at < s->n; at += EVAL_BATCH) {
        int b = s->n - at < EVAL_BATCH ? s->n - at : EVAL_BATCH;
        for (int r = 0; r < b; r++)
            idx[r] = at + r;
        vae_data_batch(s, idx, b, sb.x);
        if (!ae) vae_rng_normals(&rng, sb.eps, b * L);
        VaeLossValues lv;
        vae_step_forward(m, &sb, s->labels + at, b, &lp, &lv);
        sum_recon += lv.recon * b;
        sum_kl += lv.kl * b;
        for (int r = 0; r < b; r++) {
            const float *h = sb.ws.head + (size_t)r * m->head_out; /* mu, then clamped logvar */
            vae_latent_sums_add(&sums, h, ae ? NULL : h + L, 1, L);
            if (iw > 1)
                sum_iw += iw_nll(m, &w, sb.x + (size_t)r * m->n_in, s->labels[at + r], h, h + L, iw,
                                 &rng);
        }
        p.batch = at + b;
        if (progress && progress(ud, &p)) break;
    }
    int n = p.batch;
    out->n = n;
    out->recon = sum_recon / n;
    out->kl = sum_kl / n;
    out->neg_elbo = out->recon + out->kl;
    out->iw = iw > 1 ? iw : 0;
    out->iwae_nll = iw > 1 ? sum_iw / n : 0.0;
    VaeLatentStats ls;
    vae_latent_stats_finish(&sums, L, !ae, &ls);
    out->active_units = ls.active;
    for (int j = 0; j < L; j++)
        out->kl_dim[j] = ls.kl[j];
    iw_free(&w);
    vae_step_buffers_free(&sb);
    if (!isfinite(out->neg_elbo))
        return vae_fail(err, VAE_ERR_NUMERIC, "the model produces non-finite losses");
    return VAE_OK;
}
