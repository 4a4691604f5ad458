/* The trainer's insides, shared by its two halves: trainer.c (creating, forking,
 * resetting and destroying trainers; their buffers and settings) and trainer_step.c (the
 * step on the worker pool, the guards, the epoch). Internal to the library. */
#ifndef VAE_TRAINER_IMPL_H
#define VAE_TRAINER_IMPL_H

#include "rng.h"
#include "step.h"
#include "trainer.h"

#define GOOD_EVERY 100    /* steps between copies of the last good state */
#define REDUCE_BLOCK 2048 /* floats: 8 KB, a quarter of L1d */
#define MAX_SKIPS 3       /* consecutive non-finite steps before restoring */

/* What a model's step buffers are sized by: each buffer grows with these. */
typedef struct {
    int rows, n_in, enc_in, dec_in, head_out, latent, flows, n_enc;
    int hidden[VAE_MAX_HIDDEN];
    VaeArch arch; /* conv buffers are shaped by the convolutions too */
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

/* Copy the parameters to the last good state (halves). */
void vae_trainer_save_good(VaeTrainer *t);
/* Report through the trainer's log callback, if any. */
void vae_trainer_logf(VaeTrainer *t, const char *fmt, ...);

#endif
