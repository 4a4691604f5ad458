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
    float *dlogits; /* (B, n_in) */
    float *d0, *d1; /* (B, max width) backward scratch */
    /* conv only (else NULL): the encoder's input after dropout (B, n_in), and a third
     * backward scratch (B, max width) for the gradient of the features */
    float *ximg, *dfeat;
    /* (B); with flows row_kl is the analytic KL of q0 plus the flows' one-sample
     * correction |z_K|^2 / 2 - |z_0|^2 / 2 - sum_k log|det J_k| */
    double *row_recon, *row_kl;
    double *row_logdet; /* (B) sum of log|det J| of the flows */
    /* analytic KL per dimension summed over rows; with flows, of the base Gaussian q0 (the
     * flows' correction does not split per dimension) */
    double dim_kl[VAE_MAX_LATENT];
    /* planar flows, allocated only when the model has K > 0 flows (else NULL) */
    float *flow_z;     /* (B, K, L) input of each flow */
    float *flow_th;    /* (B, K) tanh(w . z + b) of each flow */
    float *flow_uhat;  /* (K, L) constrained u of the last forward */
    float *flow_q;     /* (K) 1 + w . uhat */
    float *flow_dz;    /* (B, L) backward scratch: d loss / d z */
    float *flow_duhat; /* (K, L) backward scratch */
    float *flow_dq;    /* (K) backward scratch */
} VaeStepBuffers;

typedef struct {
    float beta; /* effective KL weight */
    /* per-dimension floor on the batch-mean KL, nats; 0 = off. With flows it floors the
     * base Gaussian's per-dimension KL; the flows' correction term is never floored. */
    float free_bits;
    float dropout; /* > 0: xmask and zmask are applied (zmask on z after the flows) */
    /* Data-parallel shards of one batch: gradients are of the mean over batch_total rows
     * (0 = the b rows of this call), and free-bits decisions use dim_kl_total, the
     * per-dimension KL summed over the whole batch (NULL = this call's own). The loss
     * values of the forward pass stay means over this call's rows. */
    int batch_total;
    const double *dim_kl_total;
} VaeLossParams;

typedef struct {
    double loss;    /* per sample: recon + beta * kl_used */
    double recon;   /* per sample */
    double kl;      /* per sample, analytic (with flows + the one-sample flow correction) */
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
