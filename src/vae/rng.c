/* PCG32 (O'Neill 2014) with Box-Muller normals. */
#include "rng.h"

#include <math.h>

void vae_rng_seed(VaeRng *r, uint64_t seed, uint64_t stream) {
    r->state = 0;
    r->inc = (stream << 1u) | 1u;
    r->has_spare = 0;
    r->spare = 0;
    vae_rng_u32(r);
    r->state += seed;
    vae_rng_u32(r);
}

uint32_t vae_rng_u32(VaeRng *r) {
    uint64_t old = r->state;
    r->state = old * 6364136223846793005ULL + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

float vae_rng_uniform(VaeRng *r) {
    return (float)(vae_rng_u32(r) >> 8) * (1.0f / 16777216.0f);
}

uint32_t vae_rng_below(VaeRng *r, uint32_t n) {
    uint32_t threshold = (uint32_t)(-n) % n;
    for (;;) {
        uint32_t x = vae_rng_u32(r);
        if (x >= threshold) return x % n;
    }
}

float vae_rng_normal(VaeRng *r) {
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    /* u1 in (0, 1] so log() is finite */
    double u1 = ((double)(vae_rng_u32(r) >> 8) + 1.0) / 16777216.0;
    double u2 = (double)(vae_rng_u32(r) >> 8) / 16777216.0;
    double rad = sqrt(-2.0 * log(u1));
    double th = 6.283185307179586 * u2;
    r->spare = (float)(rad * sin(th));
    r->has_spare = 1;
    return (float)(rad * cos(th));
}

void vae_rng_normals(VaeRng *r, float *out, int n) {
    for (int i = 0; i < n; i++)
        out[i] = vae_rng_normal(r);
}

void vae_rng_shuffle(VaeRng *r, int *a, int n) {
    for (int i = n - 1; i > 0; i--) {
        int j = (int)vae_rng_below(r, (uint32_t)i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
