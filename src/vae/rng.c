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

double vae_normal_icdf(double p) {
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    if (p <= 0.0) return -INFINITY;
    if (p >= 1.0) return INFINITY;
    const double lo = 0.02425, hi = 1.0 - lo;
    if (p < lo) {
        double q = sqrt(-2.0 * log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    }
    if (p > hi) {
        double q = sqrt(-2.0 * log(1.0 - p));
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    }
    double q = p - 0.5, r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}
