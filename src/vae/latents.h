/* A split's latent codes and what they say about a model's latent dimensions: the
 * per-dimension KL of q(z|x) to the prior, Var[mu_j] and the active units, accumulated
 * over batches; and a parallel encoder of a whole split for one or more models. Used by
 * `vae eval` and `vae encode`, and by the explorer for every snapshot's scatter. */
#ifndef VAE_LATENTS_H
#define VAE_LATENTS_H

#include "data.h"
#include "model.h"
#include "status.h"

/* A dimension is active when Var_x[mu_j] exceeds this (Burda et al.'s active units). */
#define VAE_ACTIVE_VAR 0.01

typedef struct {
    int valid;                 /* computed from at least one finite row of a VAE kind */
    int active;                /* dims with Var[mu_j] > VAE_ACTIVE_VAR */
    int nonfinite;             /* rows whose mu or logvar was not finite (skipped) */
    float kl[VAE_MAX_LATENT];  /* mean over rows of 0.5 (mu^2 + e^lv - 1 - lv), nats */
    float var[VAE_MAX_LATENT]; /* Var over rows of mu_j */
} VaeLatentStats;

/* Running sums (double: tens of thousands of rows). Zero it to start. */
typedef struct {
    double n, mu[VAE_MAX_LATENT], mu2[VAE_MAX_LATENT], kl[VAE_MAX_LATENT];
    int nonfinite;
} VaeLatentSums;

/* Add b rows of mu and logvar (b, L); logvar NULL (an AE) adds no KL. */
void vae_latent_sums_add(VaeLatentSums *s, const float *mu, const float *logvar, int b, int L);
void vae_latent_sums_merge(VaeLatentSums *into, const VaeLatentSums *from);
void vae_latent_stats_finish(const VaeLatentSums *s, int L, int has_kl, VaeLatentStats *out);

/* Encodes every image of a split for up to VAE_ENCODE_MODELS models, in chunks dealt out
 * over `workers` threads (the caller's and workers - 1 more), each with its own
 * encode-only workspaces. The models given to each encode must have the shapes of those
 * given at creation (their parameters may differ: a trainer's latest, say). */
#define VAE_ENCODE_MODELS 8
typedef struct VaeSplitEncoder VaeSplitEncoder;
VaeStatus vae_split_encoder_create(VaeSplitEncoder **out, const VaeModel *const *models,
                                   int n_models, const VaeSplit *split, int workers,
                                   char err[VAE_ERR_LEN]);
void vae_split_encoder_destroy(VaeSplitEncoder *e); /* NULL is fine */
/* mu[m] and logvar[m] (n, latent of model m) of every image; an AE's logvar[m] is left
 * alone (may be NULL); stats (n_models entries, may be NULL) from them. One caller at a
 * time. */
void vae_split_encode(VaeSplitEncoder *e, const VaeModel *const *models, float *const *mu,
                      float *const *logvar, VaeLatentStats *stats);

#endif
