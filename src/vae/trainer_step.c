/* The trainer's step: a batch split into shards trained data-parallel on the pool (one per
 * worker, each with its own buffers and gradient arena), the gradients summed and Adam run
 * on slices of the arena; the NaN/Inf guards (skip the step; after repeated skips restore
 * the last good state and halve lr); KL warm-up; an epoch of steps. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "adam.h"
#include "half.h"
#include "pool.h"
#include "trainer_impl.h"

/* A shared arena holds the other trainer's last gradients: its values in our gaps would
 * be summed and scanned (a non-finite one would skip our step). */
static void zero_gaps(VaeTrainer *t) {
    for (int i = 0; i < t->n_shards; i++)
        for (int k = 0; k < t->n_gaps; k++)
            memset(t->shared->grads[i] + t->gaps[k].off, 0, t->gaps[k].len * sizeof(float));
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

/* Pool jobs. Forward (and backward, unless free bits need the whole batch's KL first). */
static void job_forward(void *ctx, int w, int n) {
    (void)n;
    VaeTrainer *t = ctx;
    if (w >= t->n_shards) return; /* shared workers, a batch smaller than their number */
    struct Shard *shard = &t->shard[w];
    if (shard->rows == 0) { /* an epoch's last batch with fewer rows than shards */
        memset(&shard->loss, 0, sizeof shard->loss);
        memset(shard->sb->dim_kl, 0, sizeof shard->sb->dim_kl);
        return;
    }
    vae_step_forward(&t->model, shard->sb, t->labels + shard->row0, shard->rows, &t->lp,
                     &shard->loss);
}

static void job_backward(void *ctx, int w, int n) {
    (void)n;
    VaeTrainer *t = ctx;
    if (w >= t->n_shards) return;
    struct Shard *shard = &t->shard[w];
    if (shard->rows == 0) { /* adds nothing to the sum */
        memset(t->shared->grads[w], 0, t->model.n_params * sizeof(float));
        return;
    }
    if (isfinite(shard->loss.loss))
        vae_step_backward(&t->model, shard->sb, t->labels + shard->row0, shard->rows, &t->lp,
                          t->shared->grads[w]);
}

static void job_forward_backward(void *ctx, int w, int n) {
    job_forward(ctx, w, n);
    job_backward(ctx, w, n);
}

/* Worker w's slice of the arena, 16-float aligned. */
static void slice(const VaeTrainer *t, int w, int n, size_t *lo, size_t *hi) {
    size_t per = ((t->model.n_params + (size_t)n - 1) / (size_t)n + 15) & ~(size_t)15;
    *lo = per * (size_t)w < t->model.n_params ? per * (size_t)w : t->model.n_params;
    *hi = *lo + per < t->model.n_params ? *lo + per : t->model.n_params;
}

static void job_reduce(void *ctx, int w, int n) {
    VaeTrainer *t = ctx;
    size_t lo, hi;
    slice(t, w, n, &lo, &hi);
    float *g = t->shared->grads[0];
    int finite = 1;
    /* block by block, so that the finiteness scan reads a sum still in L1 (one pass over
     * memory instead of two: the reduce and Adam are memory-bound) */
    for (size_t b0 = lo; b0 < hi; b0 += REDUCE_BLOCK) {
        size_t b1 = b0 + REDUCE_BLOCK < hi ? b0 + REDUCE_BLOCK : hi;
        for (int k = 1; k < t->n_shards; k++) {
            const float *gk = t->shared->grads[k];
            for (size_t i = b0; i < b1; i++)
                g[i] += gk[i];
        }
        finite &= vae_all_finite(g + b0, b1 - b0);
    }
    t->finite[w] = finite;
}

static void job_adam(void *ctx, int w, int n) {
    VaeTrainer *t = ctx;
    size_t lo, hi;
    slice(t, w, n, &lo, &hi);
    vae_adam_step(t->model.params + lo, t->shared->grads[0] + lo, t->m + lo, t->v + lo, hi - lo,
                  t->tc.lr, t->tc.adam_b1, t->tc.adam_b2, t->tc.adam_eps, t->adam_t);
}

/* Split the batch (b rows of idx) and fill every shard: images, noise, dropout masks.
 * Noise is drawn in row order whatever the split, so the random stream does not depend on
 * the number of threads. */
static void fill_shards(VaeTrainer *t, const int *idx, int b) {
    const VaeSplit *d = t->train;
    const int L = t->model.cfg.latent, D = t->model.n_in, W = t->n_shards;
    const int vae = vae_kind_is_stochastic(t->model.cfg.kind);
    for (int i = 0, row = 0; i < W; i++) {
        struct Shard *shard = &t->shard[i];
        shard->row0 = row;
        shard->rows = b / W + (i < b % W);
        row += shard->rows;
        vae_data_batch(d, idx + shard->row0, shard->rows, shard->sb->x);
        if (t->tc.binarize) vae_data_binarize(shard->sb->x, (size_t)shard->rows * D, &t->rng);
        if (vae) vae_rng_normals(&t->rng, shard->sb->eps, shard->rows * L);
    }
    for (int r = 0; r < b; r++)
        t->labels[r] = d->labels[idx[r]];
    if (t->tc.dropout > 0.0f) {
        for (int i = 0; i < W; i++)
            fill_dropout(&t->rng, t->shard[i].sb->xmask, (size_t)t->shard[i].rows * D,
                         t->tc.dropout);
        for (int i = 0; i < W; i++)
            fill_dropout(&t->rng, t->shard[i].sb->zmask, (size_t)t->shard[i].rows * L,
                         t->tc.dropout);
    }
}

/* The batch's loss from the shards' means; with free bits, the KL the objective uses. */
static VaeLossValues batch_loss(const VaeTrainer *t, int b) {
    const int L = t->model.cfg.latent, W = t->n_shards;
    const int vae = vae_kind_is_stochastic(t->model.cfg.kind);
    const VaeLossParams lp = t->lp;
    VaeLossValues loss = {0, 0, 0, 0};
    for (int i = 0; i < W; i++) {
        loss.recon += t->shard[i].loss.recon * t->shard[i].rows / b;
        loss.kl += t->shard[i].loss.kl * t->shard[i].rows / b;
    }
    loss.kl_used = vae ? loss.kl : 0.0;
    if (vae && lp.free_bits > 0.0f)
        for (int j = 0; j < L; j++) {
            double dk = 0.0;
            for (int i = 0; i < W; i++)
                dk += t->shard[i].sb->dim_kl[j];
            dk /= b;
            loss.kl_used += (dk < lp.free_bits ? lp.free_bits : dk) - dk;
        }
    loss.loss = loss.recon + lp.beta * loss.kl_used;

    return loss;
}

/* A finite step updates the parameters; non-finite ones are skipped, and MAX_SKIPS in a
 * row restore the last good parameters with half the learning rate. */
static void apply_or_skip(VaeTrainer *t, int finite, VaeStepStats *s) {
    if (finite) {
        t->adam_t++;
        vae_pool_run(t->shared->pool, job_adam, t);
        t->skips = 0;
        if (t->adam_t - t->good_t >= GOOD_EVERY) vae_trainer_save_good(t);
    } else {
        s->skipped = 1;
        if (++t->skips >= MAX_SKIPS) {
            size_t n = t->model.n_params * sizeof(float);
            /* the moments are left out: after a divergence they hold the huge gradients
             * that led there, and a fresh start (with the halved rate) is what recovers;
             * not copying them also keeps 8 bytes per parameter out of memory */
            vae_f16_to_f32(t->good_h, t->model.params, t->model.n_params);
            memset(t->m, 0, n);
            memset(t->v, 0, n);
            t->adam_t = t->good_t = 0;
            t->tc.lr *= 0.5f;
            t->skips = 0;
            s->restored = 1;
            s->lr = t->tc.lr;
            vae_trainer_logf(t,
                             "step %lld: %d non-finite steps in a row; restored the last good "
                             "parameters and halved the learning rate to %g",
                             (long long)t->step, MAX_SKIPS, (double)t->tc.lr);
        } else {
            vae_trainer_logf(t, "step %lld: non-finite loss or gradient; step skipped",
                             (long long)t->step);
        }
    }
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
    const int L = t->model.cfg.latent, W = t->n_shards;
    const int vae = vae_kind_is_stochastic(t->model.cfg.kind);

    fill_shards(t, idx, b);
    if (!t->owns_shared) zero_gaps(t);
    VaeLossParams lp = {beta_now(t), t->tc.free_bits, t->tc.dropout, b, NULL};
    t->lp = lp;
    if (W > 1 && vae && lp.free_bits > 0.0f) {
        /* free bits decide per dimension on the KL of the whole batch */
        vae_pool_run(t->shared->pool, job_forward, t);
        for (int j = 0; j < L; j++) {
            t->dim_kl_total[j] = 0.0;
            for (int i = 0; i < W; i++)
                t->dim_kl_total[j] += t->shard[i].sb->dim_kl[j];
        }
        t->lp.dim_kl_total = t->dim_kl_total;
        vae_pool_run(t->shared->pool, job_backward, t);
    } else {
        vae_pool_run(t->shared->pool, job_forward_backward, t);
    }

    VaeLossValues loss = batch_loss(t, b);
    int finite = isfinite(loss.loss);
    if (finite) {
        vae_pool_run(t->shared->pool, job_reduce, t);
        for (int i = 0; i < t->shared->threads; i++)
            finite &= t->finite[i];
    }
    VaeStepStats s = {loss.loss, loss.recon, loss.kl, lp.beta, t->tc.lr, 0, 0};
    apply_or_skip(t, finite, &s);
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
