/* Adam: one flat loop, since gradients and moments mirror the parameter arena. */
#include "adam.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

void vae_adam_step(float *params, const float *grads, float *m, float *v, size_t n, float lr,
                   float b1, float b2, float eps, long t) {
    float bc1 = 1.0f - powf(b1, (float)t);
    float bc2_sqrt = sqrtf(1.0f - powf(b2, (float)t));
    float step = lr / bc1;
    for (size_t i = 0; i < n; i++) {
        float g = grads[i];
        float mi = b1 * m[i] + (1.0f - b1) * g;
        float vi = b2 * v[i] + (1.0f - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] -= step * mi / (sqrtf(vi) / bc2_sqrt + eps);
    }
}

int vae_all_finite(const float *x, size_t n) {
    /* Inf and NaN are exactly the floats whose exponent bits are all ones; an integer OR
     * reduction vectorises where a float sum (not reassociable) would not. */
    uint32_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, x + i, sizeof u); /* no aliasing UB; compiles to a plain load */
        bad |= (u & 0x7f800000u) == 0x7f800000u;
    }
    return !bad;
}
