/* Making new latent codes from old ones, for the generation tools of the explorer and the
 * `vae` commands: the code of an image, paths between two codes (linear or spherical),
 * group means and attribute vectors, per-dimension traversals, prior samples. Each writes
 * into caller-owned arrays of codes (n, L) ready for vae_model_decode, and allocates
 * nothing, so a render loop can call them every frame. */
#ifndef VAE_LATENT_OPS_H
#define VAE_LATENT_OPS_H

#include <stdint.h>

#include "latents.h"
#include "model.h"
#include "rng.h"
#include "status.h"

/* The decoder-side code of each of b images x (b, n_in) in [0, 1]: the posterior mean
 * (the AE's code), pushed through the flows if the model has any, so decoding it gives
 * the image's reconstruction. z (b, L). labels for cvae, else may be NULL. */
void vae_latent_codes(const VaeModel *m, VaeWorkspace *ws, const float *x, const uint8_t *labels,
                      int b, float *z);

/* ---- paths between two codes ------------------------------------------------------ */

typedef enum {
    VAE_PATH_LINEAR = 0, /* (1 - t) z0 + t z1 */
    VAE_PATH_SPHERICAL,  /* direction along the great circle (slerp), norm linear in t */
} VaePathKind;

/* steps codes (steps, L) from z0 to z1, t = k / (steps - 1); out[0] is z0 and
 * out[steps - 1] is z1, bit for bit. Spherical: the norm goes linearly from |z0| to |z1|
 * (so it stays between them) while the direction turns at a constant rate along the great
 * circle through both. A zero end or parallel ends give the linear path; antiparallel ends
 * turn through the axis least aligned with z0. VAE_ERR_ARG for steps < 2, a non-finite
 * end, or a spherical path with L < 2 (a line has no circle to follow). */
VaeStatus vae_latent_path(const float *z0, const float *z1, int L, int steps, VaePathKind kind,
                          float *out, char err[VAE_ERR_LEN]);

/* ---- group means and attribute vectors ------------------------------------------- */

/* The mean (L) of a group of the codes (n, L): rows with labels[i] == cls, rows with
 * mask[i] != 0, or the k rows listed in rows[]. Rows with a non-finite value are left out.
 * Returns the number of rows averaged; with none, mean is all zeros. */
int vae_latent_mean_class(const float *codes, const uint8_t *labels, int n, int L, int cls,
                          float *mean);
int vae_latent_mean_mask(const float *codes, const uint8_t *mask, int n, int L, float *mean);
int vae_latent_mean_rows(const float *codes, const int *rows, int k, int L, float *mean);

/* Attribute vector v = mean(end group) - mean(start group), each (L). */
void vae_latent_attribute(const float *start_mean, const float *end_mean, int L, float *v);

/* steps codes (steps, L): z + t v with t = t_max * k / (steps - 1), so t runs from 0 (z
 * itself) to t_max (VAE_ATTRIBUTE_T_MAX in the tools). VAE_ERR_ARG for steps < 2 or a
 * non-finite argument. */
#define VAE_ATTRIBUTE_T_MAX 1.5f
VaeStatus vae_latent_attribute_path(const float *z, const float *v, int L, float t_max, int steps,
                                    float *out, char err[VAE_ERR_LEN]);

/* ---- traversals ------------------------------------------------------------------- */

/* The L dimensions, those with the largest KL to the prior first (ties by index). Without
 * a KL (stats of an AE: !st->valid) the largest Var[mu_j] first instead. */
void vae_latent_dims_by_kl(const VaeLatentStats *st, int L, int *order);

/* One row of steps codes per listed dimension: row r is z with z[dims[r]] going from
 * z[dims[r]] - range to z[dims[r]] + range (the other coordinates held). out is
 * (n_dims * steps, L), row-major by dimension then step. VAE_ERR_ARG for steps < 2, a
 * dimension outside 0..L-1, a range not positive and finite, or a non-finite z. */
#define VAE_TRAVERSE_RANGE 2.0f
VaeStatus vae_latent_traversal(const float *z, int L, const int *dims, int n_dims, float range,
                               int steps, float *out, char err[VAE_ERR_LEN]);

/* ---- the prior -------------------------------------------------------------------- */

/* n codes z ~ N(0, I) (n, L), from rng: the same seed gives the same codes. These are
 * the decoder's input directly (with flows the prior lives after them). */
void vae_latent_prior_samples(VaeRng *rng, int n, int L, float *z);

#endif
