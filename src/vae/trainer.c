/* The trainer: data order, noise, the step, Adam, KL warm-up, and the NaN/Inf guards
 * (skip the step; after repeated skips restore the last good state and halve lr).
 * With threads > 1 a batch is split into shards trained data-parallel (one per worker,
 * each with its own buffers and gradient arena), then the gradients are summed and Adam
 * runs on slices of the arena, all on the same fork-join pool. The pool and the gradient
 * arenas live in a VaeTrainShared, the trainer's own or one that trainers stepping in
 * turn share. */
#include "trainer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "half.h"
#include "pool.h"
#include "rng.h"
#include "step.h"

#define GOOD_EVERY 100    /* steps between copies of the last good state */
#define REDUCE_BLOCK 2048 /* floats: 8 KB, a quarter of L1d */
#define MAX_SKIPS 3       /* consecutive non-finite steps before restoring */

/* What a model's step buffers are sized by: each buffer grows with these. */
typedef struct {
    int rows, n_in, enc_in, dec_in, head_out, latent, flows, n_enc;
    int hidden[VAE_MAX_HIDDEN];
} BufShape;

struct VaeTrainShared {
    VaePool *pool;
    int threads;                   /* workers, the calling thread included */
    size_t cap;                    /* floats in each gradient arena */
    float *grads[VAE_MAX_WORKERS]; /* one per worker: its shard's gradients (worker 0's
                                      receives the sum) */
    /* step buffers of the first trainer's shards, lent to later trainers they fit */
    VaeStepBuffers sb[VAE_MAX_WORKERS];
    int sb_n; /* shards that have them (0 = none yet) */
    BufShape sb_shape;
};

/* A stretch of the arena between tensors (alignment padding), never written by a step. */
typedef struct {
    size_t off, len;
} Gap;

struct VaeTrainer {
    VaeModel model;
    VaeTrainShared *shared; /* workers and gradient arenas */
    int owns_shared;        /* shared is this trainer's (else borrowed) */
    Gap gaps[VAE_MAX_PARAMS + 1];
    int n_gaps;
    float *m, *v; /* (n_params) each, mirroring the arena */
    /* the last known good parameters, as halves: they are read only to recover from a
     * divergence, where 2^-11 of relative rounding is nothing next to what a restore
     * undoes, and half the size keeps 2 bytes per parameter out of memory (Adam's moments
     * start afresh on a restore) */
    uint16_t *good_h;
    long good_t; /* adam_t when they were saved */
    VaeTrainConfig tc;
    const VaeSplit *train;
    int *order, pos, epoch;
    int64_t step;
    long adam_t;
    int skips;
    VaeRng rng;
    uint8_t *labels; /* (B) labels of the current batch */
    VaeLogFn log;
    void *log_ud;
    /* data-parallel workers: shard i trains rows [row0, row0 + rows) of the batch, with
     * gradients in shared->grads[i] */
    int n_shards;
    struct Shard {
        VaeStepBuffers *sb; /* &own, or the shared ones */
        VaeStepBuffers own;
        int row0, rows;
        VaeLossValues loss;
    } shard[VAE_MAX_WORKERS];
    int finite[VAE_MAX_WORKERS]; /* worker w's slice of the summed gradients is finite */
    VaeLossParams lp;            /* of the step in progress */
    double dim_kl_total[VAE_MAX_LATENT];
};

VaeTrainConfig vae_train_config_default(void) {
    VaeTrainConfig c = {128, 1e-3f, 0.9f, 0.999f, 1e-8f, 1.0f, 0, 0.0f, 0.0f, 0, 1};
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

VaeStatus vae_train_shared_create(VaeTrainShared **out, int threads, char err[VAE_ERR_LEN]) {
    *out = NULL;
    if (threads < 0 || threads > VAE_MAX_WORKERS)
        return vae_fail(err, VAE_ERR_ARG, "threads must be in 1..%d", VAE_MAX_WORKERS);
    VaeTrainShared *s = calloc(1, sizeof *s);
    if (!s) return vae_fail(err, VAE_ERR_NOMEM, "cannot allocate training workers");
    s->threads = threads > 1 ? threads : 1;
    VaeStatus st = vae_pool_create(&s->pool, s->threads, err);
    if (st != VAE_OK) {
        free(s);
        return st;
    }
    *out = s;
    return VAE_OK;
}

void vae_train_shared_destroy(VaeTrainShared *s) {
    if (!s) return;
    vae_pool_destroy(s->pool);
    for (int i = 0; i < VAE_MAX_WORKERS; i++) {
        free(s->grads[i]);
        vae_step_buffers_free(&s->sb[i]);
    }
    free(s);
}

static BufShape buf_shape(const VaeModel *m, int rows) {
    BufShape b = {rows,          m->n_in,      m->enc_in, m->dec_in, m->head_out,
                  m->cfg.latent, m->cfg.flows, m->n_enc,  {0}};
    for (int i = 0; i < m->n_enc; i++)
        b.hidden[i] = m->cfg.hidden[i];
    return b;
}

/* Buffers sized for a hold every buffer b needs (the same layers, none narrower). */
static int buf_fits(const BufShape *a, const BufShape *b) {
    int ok = a->n_enc == b->n_enc && a->rows >= b->rows && a->n_in >= b->n_in &&
             a->enc_in >= b->enc_in && a->dec_in >= b->dec_in && a->head_out >= b->head_out &&
             a->latent >= b->latent && a->flows >= b->flows;
    for (int i = 0; i < a->n_enc; i++)
        ok &= a->hidden[i] >= b->hidden[i];
    return ok;
}

/* Point the shards at step buffers: the shared ones (made by the first trainer), or their
 * own when these do not fit. */
static VaeStatus attach_buffers(VaeTrainer *t, int rows, char err[VAE_ERR_LEN]) {
    VaeTrainShared *common = t->shared;
    BufShape mine = buf_shape(&t->model, rows);
    if (common->sb_n == 0) {
        for (int i = 0; i < t->n_shards; i++) {
            VaeStatus s = vae_step_buffers_init(&common->sb[i], &t->model, rows, err);
            if (s != VAE_OK) return s;
            common->sb_n = i + 1;
        }
        common->sb_shape = mine;
    }
    int fits = common->sb_n >= t->n_shards && buf_fits(&common->sb_shape, &mine);
    for (int i = 0; i < t->n_shards; i++) {
        if (fits) {
            t->shard[i].sb = &common->sb[i];
            continue;
        }
        VaeStatus s = vae_step_buffers_init(&t->shard[i].own, &t->model, rows, err);
        if (s != VAE_OK) return s;
        t->shard[i].sb = &t->shard[i].own;
    }
    return VAE_OK;
}

/* Gradient arenas of at least n floats, one per worker. Their contents need not survive:
 * a step overwrites every tensor (and zeroes the gaps, see zero_gaps). */
static VaeStatus shared_reserve(VaeTrainShared *s, size_t n, char err[VAE_ERR_LEN]) {
    if (s->grads[0] && s->cap >= n) return VAE_OK;
    size_t bytes = (n * sizeof(float) + 63) & ~(size_t)63;
    for (int i = 0; i < s->threads; i++) {
        free(s->grads[i]);
        s->grads[i] = aligned_alloc(64, bytes);
        if (!s->grads[i]) {
            s->cap = 0;
            return vae_fail(err, VAE_ERR_NOMEM, "cannot allocate gradients");
        }
        memset(s->grads[i], 0, bytes);
    }
    s->cap = n;
    return VAE_OK;
}

/* The stretches of [0, n_params) that no tensor covers. */
static void find_gaps(VaeTrainer *t) {
    const VaeModel *m = &t->model;
    size_t pos = 0;
    t->n_gaps = 0;
    for (;;) { /* the tensor starting next at or after pos */
        size_t next = m->n_params, end = m->n_params;
        for (int i = 0; i < m->n_info; i++)
            if (m->info[i].offset >= pos && m->info[i].offset < next) {
                next = m->info[i].offset;
                end = next + m->info[i].size;
            }
        if (next > pos) t->gaps[t->n_gaps++] = (Gap){pos, next - pos};
        if (next >= m->n_params) break;
        pos = end;
    }
}

/* A shared arena holds the other trainer's last gradients: its values in our gaps would
 * be summed and scanned (a non-finite one would skip our step). */
static void zero_gaps(VaeTrainer *t) {
    for (int i = 0; i < t->n_shards; i++)
        for (int k = 0; k < t->n_gaps; k++)
            memset(t->shared->grads[i] + t->gaps[k].off, 0, t->gaps[k].len * sizeof(float));
}

static void save_good(VaeTrainer *t) {
    vae_f32_to_f16(t->model.params, t->good_h, t->model.n_params);
    t->good_t = t->adam_t;
}

void vae_trainer_reset(VaeTrainer *t, uint64_t seed) {
    size_t n = t->model.n_params * sizeof(float);
    vae_model_init_params(&t->model, seed);
    for (int i = 0; i < t->n_shards; i++)
        memset(t->shared->grads[i], 0, n);
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

VaeStatus vae_trainer_fork(VaeTrainer *t, const VaeTrainer *parent, char err[VAE_ERR_LEN]) {
    if (t->model.n_params != parent->model.n_params)
        return vae_fail(err, VAE_ERR_ARG, "a fork needs a model of its parent's shape");
    size_t n = t->model.n_params * sizeof(float);
    memcpy(t->model.params, parent->model.params, n);
    memcpy(t->m, parent->m, n);
    memcpy(t->v, parent->v, n);
    t->adam_t = parent->adam_t;
    t->step = parent->step;
    t->epoch = parent->epoch;
    t->skips = 0;
    save_good(t);
    return VAE_OK;
}

VaeStatus vae_trainer_create(VaeTrainer **out, const VaeConfig *cfg, const VaeModel *init,
                             const VaeTrainConfig *tc, const VaeSplit *train,
                             char err[VAE_ERR_LEN]) {
    return vae_trainer_create_shared(out, cfg, init, tc, train, NULL, err);
}

VaeStatus vae_trainer_create_shared(VaeTrainer **out, const VaeConfig *cfg, const VaeModel *init,
                                    const VaeTrainConfig *tc, const VaeSplit *train,
                                    VaeTrainShared *shared, char err[VAE_ERR_LEN]) {
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
    if (tc->threads < 0 || tc->threads > VAE_MAX_WORKERS)
        return vae_fail(err, VAE_ERR_ARG, "threads must be in 1..%d", VAE_MAX_WORKERS);
    if (shared && shared->threads != (tc->threads > 1 ? tc->threads : 1))
        return vae_fail(err, VAE_ERR_ARG, "the shared workers are %d threads, the trainer wants %d",
                        shared->threads, tc->threads);
    if (cfg->kind == VAE_KIND_PCA)
        return vae_fail(err, VAE_ERR_ARG, "a pca is fitted, not trained");
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
    t->m = aligned_alloc(64, n * sizeof(float));
    t->v = aligned_alloc(64, n * sizeof(float));
    t->good_h = malloc(n * sizeof(uint16_t));
    t->order = malloc(sizeof(int) * (size_t)train->n);
    t->labels = malloc((size_t)tc->batch);
    if (!t->m || !t->v || !t->good_h || !t->order || !t->labels) {
        s = vae_fail(err, VAE_ERR_NOMEM, "cannot allocate optimizer state");
        goto fail;
    }
    /* no more shards than rows: every shard of a full batch gets at least one */
    t->n_shards = tc->threads > 1 ? (tc->threads < tc->batch ? tc->threads : tc->batch) : 1;
    if (shared) {
        t->shared = shared;
    } else {
        s = vae_train_shared_create(&t->shared, t->n_shards, err);
        if (s != VAE_OK) goto fail;
        t->owns_shared = 1;
    }
    s = shared_reserve(t->shared, n, err);
    if (s != VAE_OK) goto fail;
    find_gaps(t);
    s = attach_buffers(t, (tc->batch + t->n_shards - 1) / t->n_shards, err);
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
    if (t->owns_shared)
        vae_train_shared_destroy(t->shared); /* joins the workers before their buffers go */
    for (int i = 0; i < VAE_MAX_WORKERS; i++)
        vae_step_buffers_free(&t->shard[i].own);
    vae_model_free(&t->model);
    free(t->m);
    free(t->v);
    free(t->good_h);
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
    const int L = t->model.cfg.latent, D = t->model.n_in, W = t->n_shards;
    const int vae = vae_kind_is_stochastic(t->model.cfg.kind);

    /* Split the batch and fill every shard. Noise is drawn in row order whatever the
     * split, so the random stream does not depend on the number of threads. */
    for (int i = 0, row = 0; i < W; i++) {
        struct Shard *shard = &t->shard[i];
        shard->row0 = row;
        shard->rows = b / W + (i < b % W);
        row += shard->rows;
        vae_data_batch(d, idx + shard->row0, shard->rows, shard->sb->x);
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

    /* the batch's loss from the shards' means */
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

    int finite = isfinite(loss.loss);
    if (finite) {
        vae_pool_run(t->shared->pool, job_reduce, t);
        for (int i = 0; i < t->shared->threads; i++)
            finite &= t->finite[i];
    }
    VaeStepStats s = {loss.loss, loss.recon, loss.kl, lp.beta, t->tc.lr, 0, 0};
    if (finite) {
        t->adam_t++;
        vae_pool_run(t->shared->pool, job_adam, t);
        t->skips = 0;
        if (t->adam_t - t->good_t >= GOOD_EVERY) save_good(t);
    } else {
        s.skipped = 1;
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
void vae_trainer_set_free_bits(VaeTrainer *t, float free_bits) {
    if (free_bits >= 0.0f && isfinite(free_bits)) t->tc.free_bits = free_bits;
}
void vae_trainer_set_dropout(VaeTrainer *t, float dropout) {
    if (dropout >= 0.0f && dropout < 1.0f) t->tc.dropout = dropout;
}
/* The likelihood changes no parameter: the live model's configuration is all there is. */
void vae_trainer_set_likelihood(VaeTrainer *t, VaeLikelihood lik) {
    t->model.cfg.likelihood = lik;
}
int64_t vae_trainer_steps(const VaeTrainer *t) {
    return t->step;
}
int vae_trainer_epoch_index(const VaeTrainer *t) {
    return t->epoch + (t->pos >= t->train->n ? 1 : 0);
}
