/* Layer kernels: linear via cblas_sgemm, ReLU, the reconstruction losses and the KL. */
#include "nn.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

void vae_linear_forward(float *out, const float *inp, const float *weight, const float *bias, int B,
                        int C, int OC) {
    for (int b = 0; b < B; b++)
        memcpy(out + (size_t)b * OC, bias, sizeof(float) * (size_t)OC);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, OC, C, 1.0f, inp, C, weight, C, 1.0f,
                out, OC);
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

void vae_bce_logits(const float *logits, const float *x, int B, int D, double *row_loss,
                    float *dlogits, float scale) {
    for (int b = 0; b < B; b++) {
        const float *l = logits + (size_t)b * D, *t = x + (size_t)b * D;
        double acc = 0.0;
        for (int i = 0; i < D; i++) {
            float a = fabsf(l[i]);
            float e = expf(-a); /* in (0, 1]: never overflows */
            acc += (l[i] > 0.0f ? l[i] : 0.0f) - l[i] * t[i] + log1pf(e);
            if (dlogits) {
                float s = l[i] >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
                dlogits[(size_t)b * D + i] = scale * (s - t[i]);
            }
        }
        row_loss[b] = acc;
    }
}

void vae_mse_sigmoid(const float *logits, const float *x, int B, int D, double *row_loss,
                     float *dlogits, float scale) {
    for (int b = 0; b < B; b++) {
        const float *l = logits + (size_t)b * D, *t = x + (size_t)b * D;
        double acc = 0.0;
        for (int i = 0; i < D; i++) {
            float e = expf(-fabsf(l[i]));
            float s = l[i] >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
            float r = s - t[i];
            acc += r * r;
            if (dlogits) dlogits[(size_t)b * D + i] = scale * 2.0f * r * s * (1.0f - s);
        }
        row_loss[b] = acc;
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
        float e = expf(-fabsf(x[i]));
        x[i] = x[i] >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
    }
}

void vae_blas_set_threads(int n) {
    if (n > 0) openblas_set_num_threads(n);
}

int vae_blas_get_threads(void) {
    return openblas_get_num_threads();
}
