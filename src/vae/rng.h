/* Explicit random number generator state (PCG32): every random draw in the library
 * takes a VaeRng*, so a seed makes a run reproducible and threads never share state. */
#ifndef VAE_RNG_H
#define VAE_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t state, inc;
    int has_spare; /* Box-Muller produces pairs */
    float spare;
} VaeRng;

void vae_rng_seed(VaeRng *r, uint64_t seed, uint64_t stream);
uint32_t vae_rng_u32(VaeRng *r);
float vae_rng_uniform(VaeRng *r);              /* [0, 1) */
uint32_t vae_rng_below(VaeRng *r, uint32_t n); /* [0, n), unbiased */
float vae_rng_normal(VaeRng *r);               /* N(0, 1) */
void vae_rng_normals(VaeRng *r, float *out, int n);
void vae_rng_shuffle(VaeRng *r, int *a, int n);

/* Inverse of the standard normal CDF for p in (0, 1) (Acklam's rational approximation,
 * relative error < 1.2e-9); used to space manifold grids by prior probability. */
double vae_normal_icdf(double p);

#endif
