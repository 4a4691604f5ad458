/* Layer kernels, llm.c style: *_forward(out, ..., inp, weight, bias, sizes) and
 * *_backward(dinp, dweight, dbias, dout, ...). Every matrix product goes through
 * cblas_sgemm (row-major); elementwise loops are plain so the compiler vectorises them. */
#ifndef VAE_NN_H
#define VAE_NN_H

#include <stddef.h>

/* out (B, OC) = inp (B, C) @ weight^T (weight is (OC, C)) + bias (OC) */
void vae_linear_forward(float *out, const float *inp, const float *weight, const float *bias, int B,
                        int C, int OC);
/* dinp (B, C) = dout @ weight (skipped if dinp is NULL);
 * dweight (OC, C) (+)= dout^T @ inp; dbias (OC) (+)= column sums of dout.
 * accumulate = 0 overwrites dweight/dbias (one contribution per step: no memset needed). */
void vae_linear_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                         const float *inp, const float *weight, int B, int C, int OC,
                         int accumulate);

void vae_relu_forward(float *x, size_t n); /* in place */
/* dx *= (y > 0), y the ReLU output: the kink at 0 gets gradient 0 like PyTorch. */
void vae_relu_backward(float *dx, const float *y, size_t n);

/* Bernoulli log-likelihood from logits, stable: bce = max(l,0) - l*x + log1p(exp(-|l|)).
 * Writes per-row sums into row_loss (B) and, if dlogits, dlogits = scale * (sigmoid(l) - x). */
void vae_bce_logits(const float *logits, const float *x, int B, int D, double *row_loss,
                    float *dlogits, float scale);
/* Gaussian (MSE on sigmoid means): loss = sum (sigmoid(l) - x)^2,
 * dlogits = scale * 2 (s - x) s (1 - s). */
void vae_mse_sigmoid(const float *logits, const float *x, int B, int D, double *row_loss,
                     float *dlogits, float scale);

/* KL(N(mu, exp(lv)) || N(0, I)) per row (B) and per dimension summed over rows (L), either
 * may be NULL. */
void vae_kl_forward(const float *mu, const float *logvar, int B, int L, int ld, double *row_kl,
                    double *dim_kl);

void vae_sigmoid(float *x, size_t n); /* in place */

/* The vectorisable exp (x in [-87, 88]) and log1p (e in [0, 1]) the losses use, exposed
 * for accuracy tests. */
float vae_exp_approx(float x);
float vae_log1p_approx(float e);

#endif
