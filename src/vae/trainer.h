/* Training: owns a live model, its gradients and Adam moments (all mirroring the one
 * parameter arena), a training workspace, an RNG and the shuffled order of the data.
 * Single-threaded by contract: only the thread that drives a trainer touches it. A GUI
 * copies the model out (vae_model_clone or memcpy of params) to publish snapshots. */
#ifndef VAE_TRAINER_H
#define VAE_TRAINER_H

#include <stdint.h>

#include "data.h"
#include "model.h"
#include "status.h"

typedef struct {
    int batch;                        /* 128 */
    float lr;                         /* 1e-3 */
    float adam_b1, adam_b2, adam_eps; /* 0.9, 0.999, 1e-8 */
    float beta;                       /* KL weight (1 = plain VAE) */
    int kl_warmup;                    /* steps of linear 0 -> beta; 0 = off */
    float free_bits;                  /* per-dimension KL floor in nats; 0 = off */
    float dropout; /* dropout probability on input and z during training; 0 = off */
    uint64_t seed;
    int threads;  /* data-parallel workers (shards of each batch); <= 1: the calling thread
                     only. Each worker calls BLAS itself: set BLAS to 1 thread when > 1. */
    int binarize; /* dynamic binarisation: every pixel of every batch drawn as
                     Bernoulli(grey level), so each epoch sees fresh binary images */
} VaeTrainConfig;

VaeTrainConfig vae_train_config_default(void);

typedef struct {
    double loss;    /* per sample: recon + beta_eff * kl_used - logdet terms */
    double recon;   /* per sample, nats */
    double kl;      /* per sample, nats (unclipped, unweighted; with flows the MC estimate) */
    float beta_eff; /* beta after warm-up */
    float lr;
    int skipped;  /* non-finite loss or gradient: the update was not applied */
    int restored; /* too many skips: last good parameters restored and lr halved */
} VaeStepStats;

typedef struct {
    int epoch;              /* 0-based epoch in progress */
    int batch;              /* batches done in this epoch */
    int batches;            /* batches per epoch */
    int64_t step;           /* total steps so far */
    double loss, recon, kl; /* running mean over this epoch */
} VaeProgress;

/* Return nonzero to stop early. */
typedef int (*VaeProgressFn)(void *ud, const VaeProgress *p);
/* Human-readable events (guards engaging, lr halved). */
typedef void (*VaeLogFn)(void *ud, const char *msg);

typedef struct VaeTrainer VaeTrainer;

/* train is borrowed and must outlive the trainer. The model is initialised from
 * init if non-NULL (copied), else freshly with PyTorch-default init from tc->seed. */
VaeStatus vae_trainer_create(VaeTrainer **out, const VaeConfig *cfg, const VaeModel *init,
                             const VaeTrainConfig *tc, const VaeSplit *train,
                             char err[VAE_ERR_LEN]);
void vae_trainer_destroy(VaeTrainer *t);

/* What trainers stepped in turn by one thread (never at the same time) can share: the
 * data-parallel worker threads and the shards' gradient arenas. The explorer trains its
 * VAE and AE this way, so that neither model's workers spin or sleep through the other's
 * steps, and one set of gradients serves both. */
typedef struct VaeTrainShared VaeTrainShared;
VaeStatus vae_train_shared_create(VaeTrainShared **out, int threads, char err[VAE_ERR_LEN]);
/* After every trainer that uses it. NULL is fine. */
void vae_train_shared_destroy(VaeTrainShared *s);
/* vae_trainer_create with the workers and gradient arenas of shared (borrowed: it must
 * outlive the trainer); tc->threads must be the number it was created with. */
VaeStatus vae_trainer_create_shared(VaeTrainer **out, const VaeConfig *cfg, const VaeModel *init,
                                    const VaeTrainConfig *tc, const VaeSplit *train,
                                    VaeTrainShared *shared, char err[VAE_ERR_LEN]);
void vae_trainer_set_log(VaeTrainer *t, VaeLogFn fn, void *ud);

/* One minibatch (the next of the current epoch's shuffled order; a new epoch starts
 * with a fresh shuffle). */
VaeStatus vae_trainer_step(VaeTrainer *t, VaeStepStats *st);
/* The rest of the current epoch. progress is called after every batch (may be NULL). */
VaeStatus vae_trainer_epoch(VaeTrainer *t, VaeProgressFn progress, void *ud, VaeProgress *out);
/* Make t carry on from where parent is: its parameters, Adam's moments and step count
 * (t keeps its own configuration, data order and generator: a fork with one setting
 * changed). The two models must have the same shape. */
VaeStatus vae_trainer_fork(VaeTrainer *t, const VaeTrainer *parent, char err[VAE_ERR_LEN]);
/* Re-initialise parameters and optimizer state from seed (the trainer keeps its data). */
void vae_trainer_reset(VaeTrainer *t, uint64_t seed);

const VaeModel *vae_trainer_model(const VaeTrainer *t);
const VaeTrainConfig *vae_trainer_config(const VaeTrainer *t);
void vae_trainer_set_lr(VaeTrainer *t, float lr);
void vae_trainer_set_beta(VaeTrainer *t, float beta);
/* Settings of the objective that may change between steps (the explorer's switches):
 * the KL floor, dropout on the input and z (< 1), the reconstruction likelihood. */
void vae_trainer_set_free_bits(VaeTrainer *t, float free_bits);
void vae_trainer_set_dropout(VaeTrainer *t, float dropout);
void vae_trainer_set_likelihood(VaeTrainer *t, VaeLikelihood lik);
int64_t vae_trainer_steps(const VaeTrainer *t);
int vae_trainer_epoch_index(const VaeTrainer *t); /* completed epochs */

/* ---- evaluation ---------------------------------------------------------------- */

typedef struct {
    int n;
    double neg_elbo, recon, kl; /* per sample means, nats; one z sample per image */
    /* the decoded image's error whatever the likelihood: the summed squared error, and the
     * Bernoulli cross-entropy (nats; a pca's values clipped into (eps, 1 - eps) first). A
     * pca's recon is that cross-entropy, its kl 0. */
    double mse, bce;
    double iwae_nll; /* with iw > 1: -log mean_k p(x,z_k)/q(z_k|x), else 0 */
    int iw;
    int active_units;              /* dims with Var_x[mu] > 0.01 */
    double kl_dim[VAE_MAX_LATENT]; /* mean KL per latent dimension */
} VaeEvalStats;

#define VAE_IW_MAX 100000 /* importance samples per image, at most */

/* Evaluate on every image of s. Deterministic for a seed. progress may be NULL
 * (batch counts images processed / total there). */
VaeStatus vae_evaluate(const VaeModel *m, const VaeSplit *s, int iw, uint64_t seed,
                       VaeProgressFn progress, void *ud, VaeEvalStats *out, char err[VAE_ERR_LEN]);

/* The scores of one image, nats. */
typedef struct {
    double neg_elbo; /* recon + kl: one z sample, as vae_evaluate and training compute it */
    double recon, kl;
    double mse, bce; /* as VaeEvalStats's */
    double iwae_nll; /* with iw > 1: the importance-weighted estimate of -log p(x), else 0 */
} VaeImageScore;

/* vae_evaluate, also filling per_image (s->n entries, may be NULL) with each image's
 * scores: their means are out's figures (the same draws, the same seed). */
VaeStatus vae_evaluate_per_image(const VaeModel *m, const VaeSplit *s, int iw, uint64_t seed,
                                 VaeProgressFn progress, void *ud, VaeEvalStats *out,
                                 VaeImageScore *per_image, char err[VAE_ERR_LEN]);

/* The scores of one image x (n_in, [0, 1]; label for a cvae) with iw importance samples
 * (0 or 1: none; an AE has none). Deterministic for a seed. */
VaeStatus vae_image_score(const VaeModel *m, const float *x, uint8_t label, int iw, uint64_t seed,
                          VaeImageScore *out, char err[VAE_ERR_LEN]);

/* The same with buffers kept between calls, for a front end that scores an image every
 * time it changes (a drawing): about 5 MB with iw >= 500. Any model of the shape it was
 * created for (a newer snapshot's parameters, say). */
typedef struct VaeScorer VaeScorer;
VaeStatus vae_scorer_create(VaeScorer **out, const VaeModel *m, int iw, char err[VAE_ERR_LEN]);
void vae_scorer_destroy(VaeScorer *sc); /* NULL is fine */
void vae_scorer_score(VaeScorer *sc, const VaeModel *m, const float *x, uint8_t label,
                      uint64_t seed, VaeImageScore *out);

/* ---- checkpoints (safetensors, SPEC §5) ---------------------------------------- */

typedef struct {
    float beta;
    char dataset[32];
    int epoch;
    int64_t step;
    uint64_t seed;
} VaeCkptMeta;

VaeStatus vae_checkpoint_save(const char *path, const VaeModel *m, const VaeCkptMeta *meta,
                              char err[VAE_ERR_LEN]);
/* Reads, validates names/shapes against the metadata, and inits m (caller frees). */
VaeStatus vae_checkpoint_load(const char *path, VaeModel *m, VaeCkptMeta *meta,
                              char err[VAE_ERR_LEN]);

#endif
