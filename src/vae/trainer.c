/* The trainer's life: creating one (its own workers, or ones trainers stepping in turn
 * share: a VaeTrainShared with the pool and the gradient arenas), its step buffers, forks,
 * resets, settings and destruction. The step itself is trainer_step.c. */
#include "trainer.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "half.h"
#include "pool.h"
#include "rng.h"
#include "trainer_impl.h"

VaeTrainConfig vae_train_config_default(void) {
    VaeTrainConfig c = {128, 1e-3f, 0.9f, 0.999f, 1e-8f, 1.0f, 0, 0.0f, 0.0f, 0, 1};
    return c;
}

void vae_trainer_logf(VaeTrainer *t, const char *fmt, ...) {
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
    b.arch = m->cfg.arch;
    return b;
}

/* Buffers sized for a hold every buffer b needs (the same layers, none narrower). */
static int buf_fits(const BufShape *a, const BufShape *b) {
    int ok = a->arch == b->arch && a->n_enc == b->n_enc && a->rows >= b->rows &&
             a->n_in >= b->n_in && a->enc_in >= b->enc_in && a->dec_in >= b->dec_in &&
             a->head_out >= b->head_out && a->latent >= b->latent && a->flows >= b->flows;
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

void vae_trainer_save_good(VaeTrainer *t) {
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
    vae_trainer_save_good(t);
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
    vae_trainer_save_good(t);
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
    if (cfg->kind == VAE_KIND_PCA) /* nothing to descend: vae_pca_fit computes it */
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
        vae_trainer_save_good(t);
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
