/* Reconstruction and iterative inpainting (see repair.h). */
#include "repair.h"

#include <string.h>

void vae_reconstruct(const VaeModel *m, VaeWorkspace *ws, const float *x, uint8_t label,
                     float *out) {
    float mu[VAE_MAX_LATENT];
    vae_model_encode(m, ws, x, &label, 1, mu, NULL);
    vae_flow_apply(m, mu, 1, NULL); /* no-op without flows */
    vae_model_decode(m, ws, mu, &label, 1, ws->logits);
    memcpy(out, ws->logits, sizeof(float) * (size_t)m->n_in);
}

void vae_inpaint_step(const VaeModel *m, VaeWorkspace *ws, float *x, const uint8_t *mask,
                      uint8_t label, VaeRng *rng) {
    float mu[VAE_MAX_LATENT], lv[VAE_MAX_LATENT], z[VAE_MAX_LATENT];
    vae_model_encode(m, ws, x, &label, 1, mu, lv);
    uint64_t seed = vae_rng_u32(rng);
    seed = seed << 32 | vae_rng_u32(rng);
    vae_model_posterior_samples_from(m, mu, lv, 1, seed, NULL, z); /* z = mu for an AE */
    vae_model_decode(m, ws, z, &label, 1, ws->logits);
    for (int i = 0; i < m->n_in; i++)
        if (mask[i]) x[i] = ws->logits[i];
}

VaeStatus vae_inpaint(const VaeModel *m, float *x, const uint8_t *mask, uint8_t label, int iters,
                      VaeRng *rng, char err[VAE_ERR_LEN]) {
    if (!m || !x || !mask || !rng || iters < 0)
        return vae_fail(err, VAE_ERR_ARG, "vae_inpaint: bad arguments (%d iterations)", iters);
    VaeWorkspace ws;
    VaeStatus st = vae_workspace_init(&ws, m, 1, err);
    if (st != VAE_OK) return st;
    for (int k = 0; k < iters; k++)
        vae_inpaint_step(m, &ws, x, mask, label, rng);
    vae_workspace_free(&ws);
    return VAE_OK;
}
