/* Repairing an image with a model: the one-pass reconstruction (decode of the posterior
 * mean) and iterative inpainting of missing pixels (Rezende, Mohamed & Wierstra 2014,
 * section 5.3). Every kind works: vae, cvae (label conditions encoder and decoder), ae
 * (deterministic: z = mu) and planar flows (z sampled, then through the flows). */
#ifndef VAE_REPAIR_H
#define VAE_REPAIR_H

#include <stdint.h>

#include "model.h"
#include "rng.h"
#include "status.h"

/* out (n_in) = decode(mu(x)): the posterior mean, pushed through the flows if any. x and
 * out are (n_in) in [0, 1] and may be the same buffer. ws from vae_workspace_init (any
 * max_batch): its logits buffer is used as scratch. */
void vae_reconstruct(const VaeModel *m, VaeWorkspace *ws, const float *x, uint8_t label,
                     float *out);

/* One inpainting iteration on x (n_in), in place: z ~ q(z | x), decode, and the decoded
 * probabilities written where mask (n_in) is nonzero (the missing pixels); the known
 * pixels are kept. ws as for vae_reconstruct. A front end calls it once per frame to
 * animate the chain. */
void vae_inpaint_step(const VaeModel *m, VaeWorkspace *ws, float *x, const uint8_t *mask,
                      uint8_t label, VaeRng *rng);

/* iters iterations of vae_inpaint_step with a workspace of its own. */
VaeStatus vae_inpaint(const VaeModel *m, float *x, const uint8_t *mask, uint8_t label, int iters,
                      VaeRng *rng, char err[VAE_ERR_LEN]);

#endif
