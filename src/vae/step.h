/* One training step's forward and backward pass over a minibatch, separated from the
 * trainer (data order, optimizer, guards) so gradient checks can drive it with fixed
 * noise. All buffers are allocated once for the largest batch. */
#ifndef VAE_STEP_H
#define VAE_STEP_H

#include <stdint.h>

#include "model.h"

typedef struct {
    int max_batch;
    VaeWorkspace
        ws;         /* activations: ws.x (input after dropout / one-hot), h, head, zin, g, logits */
    float *x;       /* (B, n_in) targets in [0, 1]; filled by the caller */
    float *xmask;   /* (B, n_in) inverted-dropout mask on the input; used if dropout > 0 */
    float *eps;     /* (B, L) N(0, 1) noise; filled by the caller */
    float *zmask;   /* (B, L) inverted-dropout mask on z; used if dropout > 0 */
    float *z0;      /* (B, L) mu + sigma * eps */
    float *zk;      /* (B, L) after the flows (== z0 without flows) */
    float *flow_a;  /* (B, K) pre-activations w . z_{k-1} + b of each flow */
    float *dlogits; /* (B, n_in) */
    float *d0, *d1; /* (B, max width) backward scratch */
    double *row_recon, *row_kl; /* (B) */
    double *row_logdet;         /* (B) sum of log|det J| of the flows */
    double dim_kl[VAE_MAX_LATENT];
    double flow_dot[VAE_MAX_FLOWS]; /* w . u per flow, for the invertibility constraint */
} VaeStepBuffers;

typedef struct {
    float beta;      /* effective KL weight */
    float free_bits; /* per-dimension floor on the batch-mean KL, nats; 0 = off */
    float dropout;   /* > 0: xmask and zmask are applied */
} VaeLossParams;

typedef struct {
    double loss;    /* per sample: recon + beta * kl_used */
    double recon;   /* per sample */
    double kl;      /* per sample, analytic (or Monte Carlo with flows) */
    double kl_used; /* per sample, after free bits */
} VaeLossValues;

VaeStatus vae_step_buffers_init(VaeStepBuffers *sb, const VaeModel *m, int max_batch,
                                char err[VAE_ERR_LEN]);
void vae_step_buffers_free(VaeStepBuffers *sb);

/* Forward over b rows of sb->x with sb->eps (and masks); labels for cvae. */
void vae_step_forward(const VaeModel *m, VaeStepBuffers *sb, const uint8_t *labels, int b,
                      const VaeLossParams *lp, VaeLossValues *out);
/* Backward of the mean loss over the b rows of the last forward: every tensor of grads
 * (n_params) is overwritten; the alignment padding between tensors is not touched, so
 * zero grads once when allocating it. */
void vae_step_backward(const VaeModel *m, VaeStepBuffers *sb, const uint8_t *labels, int b,
                       const VaeLossParams *lp, float *grads);

#endif
