/* float <-> binary16 by bit manipulation (portable C11; integer ops that vectorise). */
#include "half.h"

#include <string.h>

static uint16_t to_half(float f) {
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    uint32_t sign = (x >> 16) & 0x8000u, ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) return (uint16_t)(sign | 0x7e00u);  /* NaN stays NaN */
    if (ax == 0x7f800000u) return (uint16_t)(sign | 0x7c00u); /* infinity stays infinite */
    if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7bffu); /* finite >= 65520: saturate */
    if (ax < 0x38800000u) {                                   /* below 2^-14: subnormal half */
        if (ax < 0x33000001u) return (uint16_t)sign;          /* <= 2^-25: rounds to zero */
        uint32_t e = ax >> 23, m = (ax & 0x7fffffu) | 0x800000u;
        uint32_t shift = 126u - e; /* 14..24: value = m * 2^(e - 150), half unit 2^-24 */
        uint32_t h = m >> shift, rem = m & ((1u << shift) - 1u), halfway = 1u << (shift - 1u);
        h += rem > halfway || (rem == halfway && (h & 1u));
        return (uint16_t)(sign | h);
    }
    /* normal: rebias the exponent (127 -> 15), round the 13 dropped mantissa bits */
    uint32_t h = (ax - 0x38000000u) >> 13, rem = ax & 0x1fffu;
    h += rem > 0x1000u || (rem == 0x1000u && (h & 1u));
    return (uint16_t)(sign | h); /* a carry into the exponent is the right rounding */
}

static float to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu, x;
    if (e == 0x1fu) {
        x = sign | 0x7f800000u | (m << 13);
    } else if (e) {
        x = sign | ((e + 112u) << 23) | (m << 13);
    } else if (m) { /* subnormal: normalise */
        e = 113u;
        while (!(m & 0x400u)) {
            m <<= 1;
            e--;
        }
        x = sign | (e << 23) | ((m & 0x3ffu) << 13);
    } else {
        x = sign;
    }
    float f;
    memcpy(&f, &x, sizeof f);
    return f;
}

void vae_f32_to_f16(const float *src, uint16_t *dst, size_t n) {
    for (size_t i = 0; i < n; i++)
        dst[i] = to_half(src[i]);
}

void vae_f16_to_f32(const uint16_t *src, float *dst, size_t n) {
    for (size_t i = 0; i < n; i++)
        dst[i] = to_float(src[i]);
}
