/* The fast paths against plain references: the vectorised exp / log1p against libm in
 * double, the NaN/Inf scan, Adam against torch.optim.Adam's formula in double, and the
 * encode-only workspace against a full one, Conv2d / ConvTranspose2d against the direct sum. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "check.h"
#include "conv.h"
#include "data.h"
#include "half.h"
#include "model.h"
#include "nn.h"
#include "rng.h"

static void test_exp_log1p(void) {
    double worst_exp = 0, worst_log = 0;
    for (double x = -87.0; x <= 88.0; x += 0.0037) {
        double want = exp(x), got = vae_exp_approx((float)x);
        /* relative to the float input actually passed */
        want = exp((double)(float)x);
        double rel = fabs(got - want) / want;
        if (rel > worst_exp) worst_exp = rel;
    }
    for (double e = 1e-30; e <= 1.0; e *= 1.01) {
        float ef = (float)e;
        double want = log1p((double)ef), got = vae_log1p_approx(ef);
        double rel = fabs(got - want) / want;
        if (rel > worst_log) worst_log = rel;
    }
    printf("exp_approx max rel err %.3g, log1p_approx max rel err %.3g\n", worst_exp, worst_log);
    CHECK(worst_exp < 5e-7);
    CHECK(worst_log < 5e-7);
    CHECK(vae_exp_approx(-1000.0f) >= 0.0f && vae_exp_approx(-1000.0f) < 1e-37f);
    CHECK(isfinite(vae_exp_approx(1000.0f)));
}

static void test_sigmoid(void) {
    float x[7] = {-100.0f, -20.0f, -1.0f, 0.0f, 1.0f, 20.0f, 100.0f};
    float y[7];
    memcpy(y, x, sizeof x);
    vae_sigmoid(y, 7);
    for (int i = 0; i < 7; i++) {
        double want = 1.0 / (1.0 + exp(-(double)x[i]));
        CHECK_MSG(fabs(y[i] - want) < 1e-7, "sigmoid(%g) = %g, want %g", x[i], y[i], want);
    }
}

static void test_all_finite(void) {
    float v[37];
    for (int i = 0; i < 37; i++)
        v[i] = (float)i - 18.0f;
    v[3] = 3.4e38f;
    CHECK(vae_all_finite(v, 37));
    v[36] = INFINITY;
    CHECK(!vae_all_finite(v, 37));
    v[36] = -INFINITY;
    CHECK(!vae_all_finite(v, 37));
    v[36] = NAN;
    CHECK(!vae_all_finite(v, 37));
    v[36] = 1e-45f; /* denormal: finite */
    CHECK(vae_all_finite(v, 37));
}

/* Halves (the trainer's last good parameters): exact on every half value, within 2^-11
 * relative in the normal range and 2^-25 absolute below it, ties to even, saturation at
 * 65504 for finite floats, infinities and NaN kept. Checked against every one of the
 * 65,536 halves and a million random floats. */
static void test_half(void) {
    int bad = 0;
    static uint16_t h[65536], h2[65536];
    static float f[65536];
    for (int i = 0; i < 65536; i++)
        h[i] = (uint16_t)i;
    vae_f16_to_f32(h, f, 65536);
    vae_f32_to_f16(f, h2, 65536);
    for (int i = 0; i < 65536; i++) {
        int nan = (i & 0x7c00) == 0x7c00 && (i & 0x3ff);
        bad +=
            nan ? !(isnan(f[i]) && (h2[i] & 0x7c00) == 0x7c00 && (h2[i] & 0x3ff)) : h2[i] != h[i];
    }
    CHECK_MSG(bad == 0, "%d halves do not round-trip", bad);
    CHECK(f[0x3c00] == 1.0f && f[0x7bff] == 65504.0f && f[0x0001] == ldexpf(1.0f, -24) &&
          f[0xc000] == -2.0f && isinf(f[0x7c00]));
    float edge[] = {65519.0f,
                    65520.0f,
                    1e30f,
                    -1e30f,
                    1.0f + ldexpf(1.0f, -11),
                    1.0f + 3.0f * ldexpf(1.0f, -11),
                    ldexpf(1.0f, -25),
                    ldexpf(1.5f, -25)};
    uint16_t want[] = {0x7bff, 0x7bff, 0x7bff, 0xfbff, 0x3c00, 0x3c02, 0x0000, 0x0001};
    uint16_t got[8];
    vae_f32_to_f16(edge, got, 8);
    for (int i = 0; i < 8; i++)
        CHECK_MSG(got[i] == want[i], "%.9g -> 0x%04x, want 0x%04x", (double)edge[i], got[i],
                  want[i]);
    VaeRng r;
    vae_rng_seed(&r, 11, 2);
    double worst_rel = 0, worst_abs = 0;
    for (int k = 0; k < 1000000; k++) {
        float x = ldexpf(2.0f * vae_rng_uniform(&r) - 1.0f, (int)(vae_rng_uniform(&r) * 46) - 30);
        uint16_t hx;
        float y;
        vae_f32_to_f16(&x, &hx, 1);
        vae_f16_to_f32(&hx, &y, 1);
        double e = fabs((double)y - x);
        if (fabsf(x) >= ldexpf(1.0f, -14))
            worst_rel = fmax(worst_rel, e / fabs((double)x));
        else
            worst_abs = fmax(worst_abs, e);
    }
    printf("half: worst relative error %.3g (normal), absolute %.3g (subnormal)\n", worst_rel,
           worst_abs);
    CHECK(worst_rel <= ldexp(1.0, -11) && worst_abs <= ldexp(1.0, -25));
}

static void test_adam(void) {
    enum { N = 50 };
    float p[N], g[N], m[N] = {0}, v[N] = {0};
    double pd[N], md[N] = {0}, vd[N] = {0};
    VaeRng r;
    vae_rng_seed(&r, 9, 9);
    for (int i = 0; i < N; i++)
        pd[i] = p[i] = vae_rng_normal(&r);
    const double lr = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    for (int t = 1; t <= 30; t++) {
        for (int i = 0; i < N; i++)
            g[i] = vae_rng_normal(&r) * (i % 5 ? 1.0f : 1e-6f);
        vae_adam_step(p, g, m, v, N, (float)lr, (float)b1, (float)b2, (float)eps, t);
        for (int i = 0; i < N; i++) {
            md[i] = b1 * md[i] + (1 - b1) * g[i];
            vd[i] = b2 * vd[i] + (1 - b2) * (double)g[i] * g[i];
            double denom = sqrt(vd[i]) / sqrt(1 - pow(b2, t)) + eps;
            pd[i] -= lr / (1 - pow(b1, t)) * md[i] / denom;
        }
    }
    double worst = 0;
    for (int i = 0; i < N; i++)
        if (fabs(p[i] - pd[i]) > worst) worst = fabs(p[i] - pd[i]);
    CHECK_MSG(worst < 1e-5, "adam max abs deviation %g", worst);
}

/* vae_workspace_init_encoder leaves out the decoder's buffers (and the input copy unless
 * cvae appends labels) and encodes exactly as a full workspace does; so does a model
 * holding only the arena's first vae_model_encoder_params floats (the explorer's encoder
 * thread copies no more), the rest left zero. */
static void test_encoder_workspace(void) {
    char err[VAE_ERR_LEN];
    const int n = 150, chunk = 64;
    float x[150 * 784];
    uint8_t labels[150];
    VaeRng r;
    vae_rng_seed(&r, 7, 1);
    for (int i = 0; i < n * 784; i++)
        x[i] = vae_rng_uniform(&r);
    for (int i = 0; i < n; i++)
        labels[i] = (uint8_t)(i % 10);
    for (int kind = 0; kind < 2; kind++) {
        VaeConfig c = vae_config_default();
        if (kind) c.kind = VAE_KIND_CVAE;
        VaeModel m;
        CHECK(vae_model_init(&m, &c, err) == VAE_OK);
        vae_model_init_params(&m, 3);
        VaeWorkspace full, enc;
        CHECK(vae_workspace_init(&full, &m, chunk, err) == VAE_OK);
        CHECK(vae_workspace_init_encoder(&enc, &m, chunk, err) == VAE_OK);
        CHECK(enc.zin == NULL && enc.logits == NULL && enc.g[0] == NULL);
        CHECK(kind ? enc.x != NULL : enc.x == NULL);
        static float mu[3][150 * 2], lv[3][150 * 2];
        vae_model_encode(&m, &full, x, labels, n, mu[0], lv[0]);
        vae_model_encode(&m, &enc, x, labels, n, mu[1], lv[1]);
        CHECK_MSG(memcmp(mu[0], mu[1], sizeof mu[0]) == 0 &&
                      memcmp(lv[0], lv[1], sizeof lv[0]) == 0,
                  "kind %d: encode-only workspace encodes differently", kind);
        VaeModel half;
        CHECK(vae_model_init(&half, &c, err) == VAE_OK);
        size_t ne = vae_model_encoder_params(&m);
        CHECK(ne > 0 && ne < m.n_params);
        memcpy(half.params, m.params, ne * sizeof(float));
        vae_model_encode(&half, &enc, x, labels, n, mu[2], lv[2]);
        CHECK_MSG(memcmp(mu[0], mu[2], sizeof mu[0]) == 0 &&
                      memcmp(lv[0], lv[2], sizeof lv[0]) == 0,
                  "kind %d: the encoder's leading %zu floats do not encode alike", kind, ne);
        vae_model_free(&half);
        vae_workspace_free(&full);
        vae_workspace_free(&enc);
        vae_model_free(&m);
    }
}

/* ---- convolutions against the definition ---------------------------------------- */

/* Direct Conv2d in double over CNHW tensors: out[o, b, y, x] = bias[o] +
 * sum_{c, ky, kx} w[o, c, ky, kx] in[c, b, y s - p + ky, x s - p + kx]. The transposed
 * convolution scatters each input through the same taps:
 * out[c, b, y s - p + ky, x s - p + kx] += w[o, c, ky, kx] in[o, b, y, x]. */
static void direct_conv(double *img, double *patch, const float *x, const float *w,
                        const float *bias, int B, const VaeConvShape *s, int transposed) {
    const int k = s->k;
    size_t hw = (size_t)s->h * s->w, ohw = (size_t)s->oh * s->ow;
    for (int o = 0; o < s->oc && !transposed; o++)
        for (size_t i = 0; i < (size_t)B * ohw; i++)
            patch[(size_t)o * B * ohw + i] = bias[o];
    for (int c = 0; c < s->c && transposed; c++)
        for (size_t i = 0; i < (size_t)B * hw; i++)
            img[(size_t)c * B * hw + i] = bias[c];
    for (int o = 0; o < s->oc; o++)
        for (int c = 0; c < s->c; c++)
            for (int b = 0; b < B; b++)
                for (int y = 0; y < s->oh; y++)
                    for (int xx = 0; xx < s->ow; xx++)
                        for (int ky = 0; ky < k; ky++)
                            for (int kx = 0; kx < k; kx++) {
                                int iy = y * s->stride - s->pad + ky;
                                int ix = xx * s->stride - s->pad + kx;
                                if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w) continue;
                                double wv = w[((size_t)(o * s->c + c) * k + ky) * k + kx];
                                size_t pi = ((size_t)o * B + b) * ohw + (size_t)y * s->ow + xx;
                                size_t ii = ((size_t)c * B + b) * hw + (size_t)iy * s->w + ix;
                                if (transposed)
                                    img[ii] += wv * x[pi];
                                else
                                    patch[pi] += wv * x[ii];
                            }
}

static void check_conv_direct(const VaeConvShape *s, int B, int transposed, int per_chunk,
                              const char *label) {
    size_t img = (size_t)s->c * B * s->h * s->w, patch = (size_t)s->oc * B * s->oh * s->ow;
    size_t n_in = transposed ? patch : img, n_out = transposed ? img : patch;
    size_t n_w = (size_t)s->oc * s->c * s->k * s->k, cap = vae_conv_cols(s, per_chunk);
    float *x = malloc(sizeof(float) * n_in), *w = malloc(sizeof(float) * n_w);
    float *bias = malloc(sizeof(float) * 64), *out = malloc(sizeof(float) * n_out);
    float *cols = malloc(sizeof(float) * cap);
    double *want_img = calloc(img, sizeof(double)), *want_patch = calloc(patch, sizeof(double));
    VaeRng g;
    vae_rng_seed(&g, 8, 2);
    vae_rng_normals(&g, x, (int)n_in);
    vae_rng_normals(&g, w, (int)n_w);
    vae_rng_normals(&g, bias, 64);
    if (transposed)
        vae_convt2d_forward(out, x, w, bias, B, s, cols, cap);
    else
        vae_conv2d_forward(out, x, w, bias, B, s, cols, cap);
    direct_conv(want_img, want_patch, x, w, bias, B, s, transposed);
    const double *want = transposed ? want_img : want_patch;
    double worst = 0;
    for (size_t i = 0; i < n_out; i++) {
        double d = fabs(out[i] - want[i]) / (1.0 + fabs(want[i]));
        if (d > worst) worst = d;
    }
    printf("%-44s max rel err %.2g\n", label, worst);
    CHECK_MSG(worst < 1e-4, "%s: im2col result differs from the direct sum by %g", label, worst);
    free(x), free(w), free(bias), free(out), free(cols), free(want_img), free(want_patch);
}

static void test_conv_direct(void) {
    /* the model's own layers (Keras's), at a small batch, whole and chunked */
    VaeConvShape e0 = vae_conv_shape(1, 32, 28, 28, 3, 2, 1),
                 e1 = vae_conv_shape(32, 64, 14, 14, 3, 2, 1);
    VaeConvShape d0 = vae_convt_shape(64, 64, 7, 7, 3, 2, 1, 1);
    VaeConvShape d1 = vae_convt_shape(64, 32, 14, 14, 3, 2, 1, 1);
    VaeConvShape d2 = vae_convt_shape(32, 1, 28, 28, 3, 1, 1, 0);
    CHECK(e1.oh == 7 && e1.ow == 7 && d0.h == 14 && d1.h == 28 && d2.h == 28 && d2.w == 28);
    check_conv_direct(&e0, 3, 0, 3, "conv 1->32 s2 p1 28x28");
    check_conv_direct(&e1, 3, 0, 2, "conv 32->64 s2 p1 14x14, chunked");
    check_conv_direct(&d0, 3, 1, 3, "convT 64->64 s2 p1 op1 7x7");
    check_conv_direct(&d1, 2, 1, 1, "convT 64->32 s2 p1 op1 14x14, chunked");
    check_conv_direct(&d2, 2, 1, 2, "convT 32->1 s1 p1 28x28");
    /* odd geometry: stride 3, no padding, a 5x5 kernel, non-square input */
    VaeConvShape o = vae_conv_shape(2, 3, 11, 9, 5, 3, 0);
    check_conv_direct(&o, 2, 0, 1, "conv 2->3 5x5 s3 p0 11x9");
    VaeConvShape ot = vae_convt_shape(3, 2, 3, 2, 5, 3, 2, 2);
    check_conv_direct(&ot, 2, 1, 2, "convT 3->2 5x5 s3 p2 op2 3x2");
}

/* Dynamic binarisation: only 0 and 1, each pixel 1 as often as its grey level; a split's
 * binarised once is the same for a seed. */
static void test_binarize(void) {
    enum { N = 200000 };
    static float x[N];
    VaeRng r;
    vae_rng_seed(&r, 4, 4);
    for (int i = 0; i < N; i++)
        x[i] = (float)(i % 5) / 4.0f; /* 0, 0.25, 0.5, 0.75, 1 */
    vae_data_binarize(x, N, &r);
    long ones[5] = {0}, other = 0;
    for (int i = 0; i < N; i++) {
        other += x[i] != 0.0f && x[i] != 1.0f;
        ones[i % 5] += x[i] == 1.0f;
    }
    CHECK(other == 0 && ones[0] == 0 && ones[4] == N / 5);
    for (int g = 1; g < 4; g++)
        CHECK_MSG(fabs((double)ones[g] / (N / 5) - g / 4.0) < 0.01, "grey %d/4: %ld of %d", g,
                  ones[g], N / 5);
    uint8_t a[64], b[64];
    for (int i = 0; i < 64; i++)
        a[i] = b[i] = (uint8_t)(i * 4);
    VaeSplit sa = {a, NULL, 1, 8, 8}, sb = {b, NULL, 1, 8, 8};
    vae_split_binarize(&sa, 9);
    vae_split_binarize(&sb, 9);
    int binary = 1;
    for (int i = 0; i < 64; i++)
        binary &= a[i] == 0 || a[i] == 255;
    CHECK(binary && memcmp(a, b, sizeof a) == 0 && a[0] == 0);
}

int main(void) {
    test_exp_log1p();
    test_sigmoid();
    test_all_finite();
    test_half();
    test_adam();
    test_encoder_workspace();
    test_conv_direct();
    test_binarize();
    return CHECK_DONE();
}
