/* Adam over a flat parameter arena (PyTorch's formulation, so results match torch.optim.Adam). */
#ifndef VAE_ADAM_H
#define VAE_ADAM_H

#include <stddef.h>

/* t is the 1-based step count after this update. */
void vae_adam_step(float *params, const float *grads, float *m, float *v, size_t n, float lr,
                   float b1, float b2, float eps, long t);

/* 1 if every value is finite. */
int vae_all_finite(const float *x, size_t n);

#endif
