/* Planar normalising flows (Rezende & Mohamed 2015) on the posterior sample: the kernels
 * the training step and evaluation share. The public entry points (vae_flow_apply,
 * vae_model_posterior_samples) are declared in model.h.
 *
 * Flow k maps z -> z + uhat_k * tanh(w_k . z + b_k), with uhat_k = u_k + (m(w_k . u_k) -
 * w_k . u_k) w_k / ||w_k||^2 and m(x) = -1 + softplus(x), so that w_k . uhat_k > -1 and the
 * map is invertible. log|det J_k| = log(1 + (1 - tanh^2) w_k . uhat_k), written as
 * log(tanh^2 + (1 - tanh^2) q_k) with q_k = 1 + w_k . uhat_k = softplus(w_k . u_k) > 0, which
 * stays accurate when w . uhat is close to -1. */
#ifndef VAE_FLOW_H
#define VAE_FLOW_H

#include "model.h"

/* The constrained uhat (K, L) and q (K) of the model's flows (K = m->cfg.flows). */
void vae_flow_prepare(const VaeModel *m, float *uhat, float *q);

/* Forward over b rows of z (b, L), in place. If zs (b, K, L) is non-NULL it gets the input
 * of each flow, and th (b, K) the tanh activations (both needed by the backward). logdet
 * (b), if non-NULL, gets sum_k log|det J_k| per row added to it. */
void vae_flow_forward(const VaeModel *m, const float *uhat, const float *q, float *z, int b,
                      float *zs, float *th, double *logdet);

/* Backward of loss(z_K) - c * sum_rows sum_k log|det J_k|, given dz = dloss/dz_K (b, L).
 * On return dz holds dloss/dz_0. The flow tensors of grads (flow.u, flow.w, flow.b) are
 * overwritten. duhat (K, L) and dq (K) are scratch. */
void vae_flow_backward(const VaeModel *m, const float *uhat, const float *q, const float *zs,
                       const float *th, float *dz, int b, float c, float *grads, float *duhat,
                       float *dq);

#endif
