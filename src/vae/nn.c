/* Layer kernels: linear via cblas_sgemm, ReLU, the reconstruction losses and the KL. */
#include "nn.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------------------- */
/* Vectorisable exp and log1p. libm's expf/log1pf are scalar calls that GCC cannot
 * vectorise without -ffast-math, and the loss evaluates both for every pixel; these
 * are plain arithmetic and bit operations, accurate to a few ulp (tests/test_grad.c). */

static inline float exp_fast(float x) {
    /* exp(x) = 2^n * exp(r), n = round(x / ln 2), |r| <= ln2 / 2 (Cephes coefficients) */
    x = x < -87.0f ? -87.0f : x > 88.0f ? 88.0f : x;
    float t = x * 1.44269504088896341f + 12582912.0f; /* 1.5 * 2^23: round to nearest */
    float n = t - 12582912.0f;
    float r = x - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t e = (int32_t)n + 127;
    uint32_t bits = (uint32_t)e << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline float log1p_unit(float e) {
    /* log1p(e) for e in [0, 1]: 2 atanh(s), s = e / (2 + e) in [0, 1/3]; the odd series
     * keeps full relative accuracy for tiny e, where log(1 + e) would round to 0. */
    float s = e / (2.0f + e), s2 = s * s;
    float p = 1.0f / 15.0f;
    p = p * s2 + 1.0f / 13.0f;
    p = p * s2 + 1.0f / 11.0f;
    p = p * s2 + 1.0f / 9.0f;
    p = p * s2 + 1.0f / 7.0f;
    p = p * s2 + 1.0f / 5.0f;
    p = p * s2 + 1.0f / 3.0f;
    return 2.0f * s * (1.0f + s2 * p);
}

float vae_exp_approx(float x) {
    return exp_fast(x);
}
float vae_log1p_approx(float e) {
    return log1p_unit(e);
}

/* ---------------------------------------------------------------------------- */

void vae_linear_forward(float *out, const float *inp, const float *weight, const float *bias, int B,
                        int C, int OC) {
    for (int b = 0; b < B; b++)
        memcpy(out + (size_t)b * OC, bias, sizeof(float) * (size_t)OC);
    if (B == 1) /* one row (the explorer's cursor): sgemm would repack the whole weight */
        cblas_sgemv(CblasRowMajor, CblasNoTrans, OC, C, 1.0f, weight, C, inp, 1, 1.0f, out, 1);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, OC, C, 1.0f, inp, C, weight, C,
                    1.0f, out, OC);
}

void vae_linear_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                         const float *inp, const float *weight, int B, int C, int OC,
                         int accumulate) {
    if (dinp)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, C, OC, 1.0f, dout, OC, weight, C,
                    0.0f, dinp, C);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, OC, C, B, 1.0f, dout, OC, inp, C,
                accumulate ? 1.0f : 0.0f, dweight, C);
    if (!accumulate) memset(dbias, 0, sizeof(float) * (size_t)OC);
    for (int b = 0; b < B; b++) {
        const float *row = dout + (size_t)b * OC;
        for (int o = 0; o < OC; o++)
            dbias[o] += row[o];
    }
}

void vae_relu_forward(float *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void vae_relu_backward(float *dx, const float *y, size_t n) {
    for (size_t i = 0; i < n; i++)
        dx[i] = y[i] > 0.0f ? dx[i] : 0.0f;
}

/* Eight independent float accumulators per row: a vectorisable sum that a single double
 * accumulator (a strict-order reduction) would prevent; lanes are added in double. */
#define LANES 8

static inline float sigmoid_from(float l, float e) {
    return l >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

static double bce_row(const float *l, const float *t, int D, float *dl, float scale) {
    float acc[LANES] = {0};
    int i = 0;
    for (; i + LANES <= D; i += LANES)
        for (int k = 0; k < LANES; k++) {
            float li = l[i + k], e = exp_fast(-fabsf(li));
            acc[k] += (li > 0.0f ? li : 0.0f) - li * t[i + k] + log1p_unit(e);
            if (dl) dl[i + k] = scale * (sigmoid_from(li, e) - t[i + k]);
        }
    double sum = 0.0;
    for (; i < D; i++) {
        float li = l[i], e = exp_fast(-fabsf(li));
        sum += (li > 0.0f ? li : 0.0f) - li * t[i] + log1p_unit(e);
        if (dl) dl[i] = scale * (sigmoid_from(li, e) - t[i]);
    }
    for (int k = 0; k < LANES; k++)
        sum += acc[k];
    return sum;
}

void vae_bce_logits(const float *logits, const float *x, int B, int D, double *row_loss,
                    float *dlogits, float scale) {
    for (int b = 0; b < B; b++) {
        size_t at = (size_t)b * D;
        /* two call sites so the compiler specialises the loop with and without gradients */
        row_loss[b] = dlogits ? bce_row(logits + at, x + at, D, dlogits + at, scale)
                              : bce_row(logits + at, x + at, D, NULL, 0.0f);
    }
}

static double mse_row(const float *l, const float *t, int D, float *dl, float scale) {
    float acc[LANES] = {0};
    int i = 0;
    for (; i + LANES <= D; i += LANES)
        for (int k = 0; k < LANES; k++) {
            float li = l[i + k], s = sigmoid_from(li, exp_fast(-fabsf(li))), r = s - t[i + k];
            acc[k] += r * r;
            if (dl) dl[i + k] = scale * 2.0f * r * s * (1.0f - s);
        }
    double sum = 0.0;
    for (; i < D; i++) {
        float li = l[i], s = sigmoid_from(li, exp_fast(-fabsf(li))), r = s - t[i];
        sum += r * r;
        if (dl) dl[i] = scale * 2.0f * r * s * (1.0f - s);
    }
    for (int k = 0; k < LANES; k++)
        sum += acc[k];
    return sum;
}

void vae_mse_sigmoid(const float *logits, const float *x, int B, int D, double *row_loss,
                     float *dlogits, float scale) {
    for (int b = 0; b < B; b++) {
        size_t at = (size_t)b * D;
        row_loss[b] = dlogits ? mse_row(logits + at, x + at, D, dlogits + at, scale)
                              : mse_row(logits + at, x + at, D, NULL, 0.0f);
    }
}

void vae_kl_forward(const float *mu, const float *logvar, int B, int L, int ld, double *row_kl,
                    double *dim_kl) {
    if (dim_kl)
        for (int j = 0; j < L; j++)
            dim_kl[j] = 0.0;
    for (int b = 0; b < B; b++) {
        const float *m = mu + (size_t)b * ld, *lv = logvar + (size_t)b * ld;
        double acc = 0.0;
        for (int j = 0; j < L; j++) {
            double k = -0.5 * (1.0 + lv[j] - (double)m[j] * m[j] - exp(lv[j]));
            acc += k;
            if (dim_kl) dim_kl[j] += k;
        }
        if (row_kl) row_kl[b] = acc;
    }
}

void vae_sigmoid(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        x[i] = sigmoid_from(x[i], exp_fast(-fabsf(x[i])));
    }
}
