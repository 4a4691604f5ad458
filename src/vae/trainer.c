/* The trainer: data order, noise, the step, Adam, KL warm-up, and the NaN/Inf guards
 * (skip the step; after repeated skips restore the last good state and halve lr). */
#include "trainer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "rng.h"
#include "step.h"

#define GOOD_EVERY 100 /* steps between copies of the last good state */
#define MAX_SKIPS 3    /* consecutive non-finite steps before restoring */

struct VaeTrainer {
    VaeModel model;
    float *grads, *m, *v;            /* (n_params) each, mirroring the arena */
    float *good_p, *good_m, *good_v; /* last known good state */
    long good_t;
    VaeTrainConfig tc;
    const VaeSplit *train;
    int *order, pos, epoch;
    int64_t step;
    long adam_t;
    int skips;
    VaeRng rng;
    VaeStepBuffers sb;
    uint8_t *labels; /* (B) labels of the current batch */
    VaeLogFn log;
    void *log_ud;
};

VaeTrainConfig vae_train_config_default(void) {
    VaeTrainConfig c = {128, 1e-3f, 0.9f, 0.999f, 1e-8f, 1.0f, 0, 0.0f, 0.0f, 0};
    return c;
}

static void logf_(VaeTrainer *t, const char *fmt, ...) {
    if (!t->log) return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    t->log(t->log_ud, buf);
}

static void save_good(VaeTrainer *t) {
    size_t n = t->model.n_params * sizeof(float);
    memcpy(t->good_p, t->model.params, n);
    memcpy(t->good_m, t->m, n);
    memcpy(t->good_v, t->v, n);
    t->good_t = t->adam_t;
}

void vae_trainer_reset(VaeTrainer *t, uint64_t seed) {
    size_t n = t->model.n_params * sizeof(float);
    vae_model_init_params(&t->model, seed);
    memset(t->grads, 0, n);
    memset(t->m, 0, n);
    memset(t->v, 0, n);
    t->adam_t = 0;
    t->step = 0;
    t->epoch = 0;
    t->skips = 0;
    vae_rng_seed(&t->rng, seed, 0x7a11);
    for (int i = 0; i < t->train->n; i++)
        t->order[i] = i;
    vae_rng_shuffle(&t->rng, t->order, t->train->n);
    t->pos = 0;
    save_good(t);
}

VaeStatus vae_trainer_create(VaeTrainer **out, const VaeConfig *cfg, const VaeModel *init,
                             const VaeTrainConfig *tc, const VaeSplit *train,
                             char err[VAE_ERR_LEN]) {
    *out = NULL;
    if (tc->batch < 1 || tc->batch > 65536)
        return vae_fail(err, VAE_ERR_ARG, "batch size %d out of range 1..65536", tc->batch);
    if (!(tc->lr > 0.0f) || !isfinite(tc->lr))
        return vae_fail(err, VAE_ERR_ARG, "learning rate must be positive");
    if (!(tc->beta >= 0.0f) || !isfinite(tc->beta))
        return vae_fail(err, VAE_ERR_ARG, "beta must be >= 0");
    if (!(tc->dropout >= 0.0f && tc->dropout < 1.0f))
        return vae_fail(err, VAE_ERR_ARG, "dropout must be in [0, 1)");
    if (!(tc->free_bits >= 0.0f) || tc->kl_warmup < 0)
        return vae_fail(err, VAE_ERR_ARG, "free bits and KL warm-up must be >= 0");
    if (!train || train->n < 1) return vae_fail(err, VAE_ERR_ARG, "no training images");
    if (train->rows * train->cols != cfg->input_h * cfg->input_w)
        return vae_fail(err, VAE_ERR_ARG, "images are %dx%d but the model expects %dx%d",
                        train->rows, train->cols, cfg->input_h, cfg->input_w);

    VaeTrainer *t = calloc(1, sizeof *t);
    if (!t) return vae_fail(err, VAE_ERR_NOMEM, "cannot allocate the trainer");
    VaeStatus s = vae_model_init(&t->model, cfg, err);
    if (s != VAE_OK) goto fail;
    if (init) {
        if (init->n_params != t->model.n_params || memcmp(&init->cfg, cfg, sizeof *cfg) != 0) {
            s = vae_fail(err, VAE_ERR_ARG, "the starting model does not match the configuration");
            goto fail;
        }
    }
    size_t n = t->model.n_params;
    t->grads = aligned_alloc(64, n * sizeof(float));
    t->m = aligned_alloc(64, n * sizeof(float));
    t->v = aligned_alloc(64, n * sizeof(float));
    t->good_p = malloc(n * sizeof(float));
    t->good_m = malloc(n * sizeof(float));
    t->good_v = malloc(n * sizeof(float));
    t->order = malloc(sizeof(int) * (size_t)train->n);
    t->labels = malloc((size_t)tc->batch);
    if (!t->grads || !t->m || !t->v || !t->good_p || !t->good_m || !t->good_v || !t->order ||
        !t->labels) {
        s = vae_fail(err, VAE_ERR_NOMEM, "cannot allocate optimizer state");
        goto fail;
    }
    s = vae_step_buffers_init(&t->sb, &t->model, tc->batch, err);
    if (s != VAE_OK) goto fail;
    t->tc = *tc;
    t->train = train;
    vae_trainer_reset(t, tc->seed);
    if (init) {
        memcpy(t->model.params, init->params, n * sizeof(float));
        save_good(t);
    }
    *out = t;
    return VAE_OK;
fail:
    vae_trainer_destroy(t);
    return s;
}

void vae_trainer_destroy(VaeTrainer *t) {
    if (!t) return;
    vae_step_buffers_free(&t->sb);
    vae_model_free(&t->model);
    free(t->grads);
    free(t->m);
    free(t->v);
    free(t->good_p);
    free(t->good_m);
    free(t->good_v);
    free(t->order);
    free(t->labels);
    free(t);
}

void vae_trainer_set_log(VaeTrainer *t, VaeLogFn fn, void *ud) {
    t->log = fn;
    t->log_ud = ud;
}

static float beta_now(const VaeTrainer *t) {
    if (t->tc.kl_warmup <= 0) return t->tc.beta;
    double f = (double)(t->step + 1) / t->tc.kl_warmup;
    return t->tc.beta * (float)(f < 1.0 ? f : 1.0);
}

static void fill_dropout(VaeRng *r, float *mask, size_t n, float p) {
    float keep = 1.0f / (1.0f - p);
    for (size_t i = 0; i < n; i++)
        mask[i] = vae_rng_uniform(r) < p ? 0.0f : keep;
}

VaeStatus vae_trainer_step(VaeTrainer *t, VaeStepStats *st) {
    const VaeSplit *d = t->train;
    if (t->pos >= d->n) {
        t->epoch++;
        vae_rng_shuffle(&t->rng, t->order, d->n);
        t->pos = 0;
    }
    int b = d->n - t->pos < t->tc.batch ? d->n - t->pos : t->tc.batch;
    const int *idx = t->order + t->pos;
    t->pos += b;
    vae_data_batch(d, idx, b, t->sb.x);
    for (int r = 0; r < b; r++)
        t->labels[r] = d->labels[idx[r]];
    int L = t->model.cfg.latent;
    if (t->model.cfg.kind != VAE_KIND_AE) vae_rng_normals(&t->rng, t->sb.eps, b * L);
    if (t->tc.dropout > 0.0f) {
        fill_dropout(&t->rng, t->sb.xmask, (size_t)b * t->model.n_in, t->tc.dropout);
        fill_dropout(&t->rng, t->sb.zmask, (size_t)b * L, t->tc.dropout);
    }

    VaeLossParams lp = {beta_now(t), t->tc.free_bits, t->tc.dropout};
    VaeLossValues lv;
    vae_step_forward(&t->model, &t->sb, t->labels, b, &lp, &lv);
    int finite = isfinite(lv.loss);
    if (finite) {
        vae_step_backward(&t->model, &t->sb, t->labels, b, &lp, t->grads);
        finite = vae_all_finite(t->grads, t->model.n_params);
    }
    VaeStepStats s = {lv.loss, lv.recon, lv.kl, lp.beta, t->tc.lr, 0, 0};
    if (finite) {
        t->adam_t++;
        vae_adam_step(t->model.params, t->grads, t->m, t->v, t->model.n_params, t->tc.lr,
                      t->tc.adam_b1, t->tc.adam_b2, t->tc.adam_eps, t->adam_t);
        t->skips = 0;
        if (t->adam_t - t->good_t >= GOOD_EVERY) save_good(t);
    } else {
        s.skipped = 1;
        if (++t->skips >= MAX_SKIPS) {
            size_t n = t->model.n_params * sizeof(float);
            memcpy(t->model.params, t->good_p, n);
            memcpy(t->m, t->good_m, n);
            memcpy(t->v, t->good_v, n);
            t->adam_t = t->good_t;
            t->tc.lr *= 0.5f;
            t->skips = 0;
            s.restored = 1;
            s.lr = t->tc.lr;
            logf_(t,
                  "step %lld: %d non-finite steps in a row; restored the last good "
                  "parameters and halved the learning rate to %g",
                  (long long)t->step, MAX_SKIPS, (double)t->tc.lr);
        } else {
            logf_(t, "step %lld: non-finite loss or gradient; step skipped", (long long)t->step);
        }
    }
    t->step++;
    if (st) *st = s;
    return VAE_OK;
}

VaeStatus vae_trainer_epoch(VaeTrainer *t, VaeProgressFn progress, void *ud, VaeProgress *out) {
    const VaeSplit *d = t->train;
    int batches = (d->n + t->tc.batch - 1) / t->tc.batch;
    if (t->pos >= d->n) { /* start the next epoch now so the counters below are right */
        t->epoch++;
        vae_rng_shuffle(&t->rng, t->order, d->n);
        t->pos = 0;
    }
    VaeProgress p = {t->epoch, t->pos / t->tc.batch, batches, t->step, 0, 0, 0};
    double sl = 0, sr = 0, sk = 0;
    int counted = 0;
    while (t->pos < d->n) {
        VaeStepStats st;
        VaeStatus s = vae_trainer_step(t, &st);
        if (s != VAE_OK) return s;
        if (!st.skipped) {
            sl += st.loss;
            sr += st.recon;
            sk += st.kl;
            counted++;
        }
        p.batch++;
        p.step = t->step;
        p.loss = counted ? sl / counted : NAN;
        p.recon = counted ? sr / counted : NAN;
        p.kl = counted ? sk / counted : NAN;
        if (progress && progress(ud, &p)) break;
    }
    if (out) *out = p;
    return VAE_OK;
}

const VaeModel *vae_trainer_model(const VaeTrainer *t) {
    return &t->model;
}
const VaeTrainConfig *vae_trainer_config(const VaeTrainer *t) {
    return &t->tc;
}
void vae_trainer_set_lr(VaeTrainer *t, float lr) {
    if (lr > 0.0f && isfinite(lr)) t->tc.lr = lr;
}
void vae_trainer_set_beta(VaeTrainer *t, float beta) {
    if (beta >= 0.0f && isfinite(beta)) t->tc.beta = beta;
}
int64_t vae_trainer_steps(const VaeTrainer *t) {
    return t->step;
}
int vae_trainer_epoch_index(const VaeTrainer *t) {
    return t->epoch + (t->pos >= t->train->n ? 1 : 0);
}
