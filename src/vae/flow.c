/* Planar flows: the constrained parameters, forward with log-determinants, backward through
 * z, u, w and b (including uhat's dependence on u and w), and the inference helpers a
 * front end uses to draw a flowed posterior. */
#include "flow.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

/* softplus(x) = log(1 + e^x), stable for any x */
static double softplus(double x) {
    return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* w . u and ||w||^2 of flow k */
static void flow_dots(const VaeModel *m, int k, double *wu, double *nn) {
    const int L = m->cfg.latent;
    const float *u = m->params + m->flow_u + (size_t)k * L;
    const float *w = m->params + m->flow_w + (size_t)k * L;
    double a = 0.0, c = 0.0;
    for (int j = 0; j < L; j++) {
        a += (double)w[j] * u[j];
        c += (double)w[j] * w[j];
    }
    *wu = a;
    *nn = c;
}

void vae_flow_prepare(const VaeModel *m, float *uhat, float *q) {
    const int L = m->cfg.latent, K = m->cfg.flows;
    for (int k = 0; k < K; k++) {
        const float *u = m->params + m->flow_u + (size_t)k * L;
        const float *w = m->params + m->flow_w + (size_t)k * L;
        double wu, nn;
        flow_dots(m, k, &wu, &nn);
        double sp = softplus(wu);
        /* w = 0 exactly (e.g. a zeroed checkpoint): the flow is a shift with det 1 and
         * needs no correction; q = 1 + w . uhat = 1 keeps the log-determinant consistent. */
        double coef = nn > 0.0 ? (sp - 1.0 - wu) / nn : 0.0;
        for (int j = 0; j < L; j++)
            uhat[(size_t)k * L + j] = (float)(u[j] + coef * w[j]);
        q[k] = nn > 0.0 ? (float)sp : 1.0f;
    }
}

void vae_flow_forward(const VaeModel *m, const float *uhat, const float *q, float *z, int b,
                      float *zs, float *th, double *logdet) {
    const int L = m->cfg.latent, K = m->cfg.flows;
    const float *W = m->params + m->flow_w, *bias = m->params + m->flow_b;
    for (int r = 0; r < b; r++) {
        float *zr = z + (size_t)r * L;
        double ld = 0.0;
        for (int k = 0; k < K; k++) {
            const float *w = W + (size_t)k * L, *uh = uhat + (size_t)k * L;
            if (zs) memcpy(zs + ((size_t)r * K + k) * L, zr, sizeof(float) * (size_t)L);
            float a = bias[k];
            for (int j = 0; j < L; j++)
                a += w[j] * zr[j];
            float h = tanhf(a);
            if (th) th[(size_t)r * K + k] = h;
            for (int j = 0; j < L; j++)
                zr[j] += uh[j] * h;
            if (logdet) {
                double h2 = (double)h * h;
                ld += log(h2 + (1.0 - h2) * q[k]);
            }
        }
        if (logdet) logdet[r] += ld;
    }
}

void vae_flow_backward(const VaeModel *m, const float *uhat, const float *q, const float *zs,
                       const float *th, float *dz, int b, float c, float *grads, float *duhat,
                       float *dq) {
    const int L = m->cfg.latent, K = m->cfg.flows;
    const float *U = m->params + m->flow_u, *W = m->params + m->flow_w;
    float *gu = grads + m->flow_u, *gw = grads + m->flow_w, *gb = grads + m->flow_b;
    memset(duhat, 0, sizeof(float) * (size_t)K * L);
    memset(dq, 0, sizeof(float) * (size_t)K);
    memset(gw, 0, sizeof(float) * (size_t)K * L);
    memset(gb, 0, sizeof(float) * (size_t)K);

    /* per row, last flow first: z_out = z + uhat h(a), a = w . z + b, and the loss term
     * -c * log(h^2 + (1 - h^2) q) */
    for (int r = 0; r < b; r++) {
        float *g = dz + (size_t)r * L;
        for (int k = K - 1; k >= 0; k--) {
            const float *w = W + (size_t)k * L, *uh = uhat + (size_t)k * L;
            const float *zin = zs + ((size_t)r * K + k) * L;
            float *duh = duhat + (size_t)k * L, *dw = gw + (size_t)k * L;
            double h = th[(size_t)r * K + k], h2 = h * h, s = 1.0 - h2;
            double det = h2 + s * q[k];
            double dh = 0.0;
            for (int j = 0; j < L; j++)
                dh += (double)g[j] * uh[j];
            float hf = (float)h;
            for (int j = 0; j < L; j++)
                duh[j] += g[j] * hf;
            /* d log det / da = 2 h s (1 - q) / det; d log det / dq = s / det */
            float da = (float)(dh * s - c * 2.0 * h * s * (1.0 - q[k]) / det);
            dq[k] += (float)(-c * s / det);
            for (int j = 0; j < L; j++) {
                dw[j] += da * zin[j];
                g[j] += da * w[j];
            }
            gb[k] += da;
        }
    }

    /* through uhat = u + coef w, coef = (m(wu) - wu) / nn, q = 1 + m(wu), m(x) = -1 +
     * softplus(x), wu = w . u, nn = w . w */
    for (int k = 0; k < K; k++) {
        const float *u = U + (size_t)k * L, *w = W + (size_t)k * L, *duh = duhat + (size_t)k * L;
        float *du = gu + (size_t)k * L, *dw = gw + (size_t)k * L;
        memcpy(du, duh, sizeof(float) * (size_t)L);
        double wu, nn;
        flow_dots(m, k, &wu, &nn);
        if (!(nn > 0.0)) continue; /* uhat = u, q constant */
        double coef = (softplus(wu) - 1.0 - wu) / nn;
        double dcoef = 0.0;
        for (int j = 0; j < L; j++)
            dcoef += (double)duh[j] * w[j];
        double dmwu = dq[k] + dcoef / nn;
        double sig = 1.0 / (1.0 + exp(-wu));
        double dwu = -dcoef / nn + dmwu * sig;
        double dnn = -dcoef * coef / nn;
        for (int j = 0; j < L; j++) {
            dw[j] += (float)(coef * duh[j] + 2.0 * dnn * w[j] + dwu * u[j]);
            du[j] += (float)(dwu * w[j]);
        }
    }
}

/* ---------------------------------------------------------------------------- */
/* public helpers (model.h) */

int vae_flow_parse(const char *s, int *k) {
    if (!strcmp(s, "none")) {
        *k = 0;
        return 1;
    }
    if (!strcmp(s, "planar")) {
        *k = 4;
        return 1;
    }
    if (strncmp(s, "planar:", 7) != 0 || !isdigit((unsigned char)s[7])) return 0;
    char *end;
    long v = strtol(s + 7, &end, 10);
    if (*end || v < 0 || v > VAE_MAX_FLOWS) return 0;
    *k = (int)v;
    return 1;
}

void vae_flow_apply(const VaeModel *m, float *z, int b, float *logdet) {
    if (m->cfg.flows <= 0) return;
    float uhat[VAE_MAX_FLOWS * VAE_MAX_LATENT], q[VAE_MAX_FLOWS];
    vae_flow_prepare(m, uhat, q);
    const int L = m->cfg.latent;
    for (int r = 0; r < b; r++) {
        double ld = 0.0;
        vae_flow_forward(m, uhat, q, z + (size_t)r * L, 1, NULL, NULL, logdet ? &ld : NULL);
        if (logdet) logdet[r] += (float)ld;
    }
}

void vae_model_posterior_samples(const VaeModel *m, VaeWorkspace *ws, const float *x, uint8_t label,
                                 int n, uint64_t seed, float *z0, float *zk) {
    float mu[VAE_MAX_LATENT], lv[VAE_MAX_LATENT];
    vae_model_encode(m, ws, x, &label, 1, mu, lv);
    vae_model_posterior_samples_from(m, mu, lv, n, seed, z0, zk);
}

void vae_model_posterior_samples_from(const VaeModel *m, const float *mu, const float *lv, int n,
                                      uint64_t seed, float *z0, float *zk) {
    const int L = m->cfg.latent;
    float sd[VAE_MAX_LATENT];
    for (int j = 0; j < L; j++)
        sd[j] = !vae_kind_is_stochastic(m->cfg.kind) ? 0.0f : expf(0.5f * lv[j]);
    VaeRng r;
    vae_rng_seed(&r, seed, 0xf10f);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < L; j++)
            zk[(size_t)i * L + j] = mu[j] + sd[j] * vae_rng_normal(&r);
    if (z0) memcpy(z0, zk, sizeof(float) * (size_t)n * L);
    vae_flow_apply(m, zk, n, NULL);
}
