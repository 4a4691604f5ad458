/* Finite-difference checks of every backward pass: linear, ReLU, Conv2d, ConvTranspose2d,
 * each loss, the KL, and the whole training step for each model kind and architecture,
 * likelihood, dropout, free bits and planar flows; the flows' log-determinant against a
 * numerical Jacobian.
 * Central differences in float32 with the loss summed in double; elements whose
 * perturbation moves a ReLU across its kink are skipped (the derivative is undefined). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conv.h"
#include "flow.h"
#include "model.h"
#include "nn.h"
#include "rng.h"
#include "step.h"

/* relative error of two vectors, robust to tiny gradients */
static double rel_err(const double *a, const double *b, int n) {
    double num = 0, den = 0;
    for (int i = 0; i < n; i++) {
        num += (a[i] - b[i]) * (a[i] - b[i]);
        den += a[i] * a[i] + b[i] * b[i];
    }
    return den < 1e-20 ? sqrt(num) : sqrt(num) / sqrt(den);
}

/* ---- single layers -------------------------------------------------------------- */

static double linear_loss(const float *x, const float *w, const float *bias, const float *r, int B,
                          int C, int OC, float *out) {
    vae_linear_forward(out, x, w, bias, B, C, OC);
    double s = 0;
    for (int i = 0; i < B * OC; i++)
        s += (double)out[i] * r[i];
    return s;
}

static void test_linear(void) {
    enum { B = 5, C = 7, OC = 4 };
    VaeRng g;
    vae_rng_seed(&g, 1, 1);
    float x[B * C], w[OC * C], bias[OC], r[B * OC], out[B * OC];
    float dx[B * C], dw[OC * C], db[OC];
    vae_rng_normals(&g, x, B * C);
    vae_rng_normals(&g, w, OC * C);
    vae_rng_normals(&g, bias, OC);
    vae_rng_normals(&g, r, B * OC); /* loss = sum(out * r): dout = r */
    vae_linear_backward(dx, dw, db, r, x, w, B, C, OC, 0);
    const float h = 1e-2f;
    float *params[3] = {x, w, bias}, *grads[3] = {dx, dw, db};
    int sizes[3] = {B * C, OC * C, OC};
    const char *names[3] = {"dinp", "dweight", "dbias"};
    for (int t = 0; t < 3; t++) {
        double fd[B * C], an[B * C];
        for (int i = 0; i < sizes[t]; i++) {
            float keep = params[t][i];
            params[t][i] = keep + h;
            double lp = linear_loss(x, w, bias, r, B, C, OC, out);
            params[t][i] = keep - h;
            double lm = linear_loss(x, w, bias, r, B, C, OC, out);
            params[t][i] = keep;
            fd[i] = (lp - lm) / (2 * h);
            an[i] = grads[t][i];
        }
        double e = rel_err(an, fd, sizes[t]);
        CHECK_MSG(e < 1e-4, "linear %s rel err %g", names[t], e);
    }
    /* accumulate = 1 adds into the gradients */
    float dw2[OC * C], db2[OC];
    memcpy(dw2, dw, sizeof dw);
    memcpy(db2, db, sizeof db);
    vae_linear_backward(NULL, dw2, db2, r, x, w, B, C, OC, 1);
    int ok = 1;
    for (int i = 0; i < OC * C; i++)
        ok &= fabsf(dw2[i] - 2 * dw[i]) < 1e-5f;
    for (int i = 0; i < OC; i++)
        ok &= fabsf(db2[i] - 2 * db[i]) < 1e-5f;
    CHECK_MSG(ok, "linear backward with accumulate=1 adds");
}

/* Conv2d (transposed = 0) or ConvTranspose2d (1) on shape s, batch B; the scratch holds
 * `cap` floats, so a small cap makes the kernels run in chunks of images. */
typedef struct {
    VaeConvShape s;
    int B, transposed;
    size_t cap;
} ConvCase;

static double conv_loss(const ConvCase *cc, const float *x, const float *w, const float *bias,
                        const float *r, float *out, float *cols) {
    const VaeConvShape *s = &cc->s;
    size_t n_out =
        cc->transposed ? (size_t)s->c * cc->B * s->h * s->w : (size_t)s->oc * cc->B * s->oh * s->ow;
    if (cc->transposed)
        vae_convt2d_forward(out, x, w, bias, cc->B, s, cols, cc->cap);
    else
        vae_conv2d_forward(out, x, w, bias, cc->B, s, cols, cc->cap);
    double sum = 0;
    for (size_t i = 0; i < n_out; i++)
        sum += (double)out[i] * r[i];
    return sum;
}

static void check_conv(const ConvCase *cc, const char *label) {
    const VaeConvShape *s = &cc->s;
    size_t img = (size_t)s->c * cc->B * s->h * s->w, patch = (size_t)s->oc * cc->B * s->oh * s->ow;
    size_t n_in = cc->transposed ? patch : img, n_out = cc->transposed ? img : patch;
    size_t n_w = (size_t)s->oc * s->c * s->k * s->k, n_b = (size_t)(cc->transposed ? s->c : s->oc);
    float *x = malloc(sizeof(float) * n_in), *dx = malloc(sizeof(float) * n_in);
    float *w = malloc(sizeof(float) * n_w), *dw = malloc(sizeof(float) * n_w);
    float *bias = malloc(sizeof(float) * n_b), *db = malloc(sizeof(float) * n_b);
    float *r = malloc(sizeof(float) * n_out), *out = malloc(sizeof(float) * n_out);
    float *cols = malloc(sizeof(float) * cc->cap);
    VaeRng g;
    vae_rng_seed(&g, 5, 3);
    vae_rng_normals(&g, x, (int)n_in);
    vae_rng_normals(&g, w, (int)n_w);
    vae_rng_normals(&g, bias, (int)n_b);
    vae_rng_normals(&g, r, (int)n_out); /* loss = sum(out * r): dout = r */
    if (cc->transposed)
        vae_convt2d_backward(dx, dw, db, r, x, w, cc->B, s, cols, cc->cap);
    else
        vae_conv2d_backward(dx, dw, db, r, x, w, cc->B, s, cols, cc->cap);
    float *params[3] = {x, w, bias}, *grads[3] = {dx, dw, db};
    size_t sizes[3] = {n_in, n_w, n_b};
    const char *names[3] = {"dinp", "dweight", "dbias"};
    const float h = 0.25f; /* the loss is linear in each parameter: a wide step only
                              shrinks the rounding in the quotient */
    for (int t = 0; t < 3; t++) {
        double *fd = malloc(sizeof(double) * sizes[t]), *an = malloc(sizeof(double) * sizes[t]);
        for (size_t i = 0; i < sizes[t]; i++) {
            float keep = params[t][i];
            params[t][i] = keep + h;
            double lp = conv_loss(cc, x, w, bias, r, out, cols);
            params[t][i] = keep - h;
            double lm = conv_loss(cc, x, w, bias, r, out, cols);
            params[t][i] = keep;
            fd[i] = (lp - lm) / (2 * h);
            an[i] = grads[t][i];
        }
        double e = rel_err(an, fd, (int)sizes[t]);
        CHECK_MSG(e < 1e-4, "%s %s rel err %g", label, names[t], e);
        free(fd);
        free(an);
    }
    printf("%-40s dinp %zu, dweight %zu, dbias %zu checked\n", label, n_in, n_w, n_b);
    free(x), free(dx), free(w), free(dw), free(bias), free(db), free(r), free(out), free(cols);
}

static void test_conv(void) {
    /* stride 2 with padding (Keras's encoder), a chunked batch, a ragged 5 x 6 input */
    ConvCase a = {vae_conv_shape(2, 3, 6, 6, 3, 2, 1), 3, 0, 0};
    a.cap = vae_conv_cols(&a.s, 3);
    check_conv(&a, "conv2d 2->3 3x3 s2 p1, 6x6, B 3");
    a.cap = vae_conv_cols(&a.s, 2);
    check_conv(&a, "conv2d chunked (2 images per product)");
    ConvCase b = {vae_conv_shape(3, 2, 5, 6, 3, 1, 0), 2, 0, 0};
    b.cap = vae_conv_cols(&b.s, 1);
    check_conv(&b, "conv2d 3->2 3x3 s1 p0, 5x6, 1 per product");
    /* transposed, stride 2, padding 1, output padding 1 (Keras's decoder): 3x3 -> 6x6 */
    ConvCase c = {vae_convt_shape(3, 2, 3, 3, 3, 2, 1, 1), 3, 1, 0};
    c.cap = vae_conv_cols(&c.s, 3);
    check_conv(&c, "convT 3->2 3x3 s2 p1 op1, 3x3, B 3");
    c.cap = vae_conv_cols(&c.s, 2) + 5;
    check_conv(&c, "convT chunked (2 images per product)");
    ConvCase d = {vae_convt_shape(2, 1, 4, 5, 3, 1, 1, 0), 2, 1, 0};
    d.cap = vae_conv_cols(&d.s, 2);
    check_conv(&d, "convT 2->1 3x3 s1 p1, 4x5, B 2");
}

static void test_relu(void) {
    float y[6] = {-1.0f, 0.0f, 2.0f, -0.5f, 3.0f, 0.25f};
    vae_relu_forward(y, 6);
    float d[6] = {1, 1, 1, 1, 1, 1};
    vae_relu_backward(d, y, 6);
    float want[6] = {0, 0, 1, 0, 1, 1};
    CHECK(memcmp(d, want, sizeof d) == 0);
    CHECK(y[0] == 0.0f && y[2] == 2.0f);
}

typedef void (*LossFn)(const float *, const float *, int, int, double *, float *, float);

static void check_loss(LossFn fn, const char *name) {
    enum { B = 3, D = 9 };
    VaeRng g;
    vae_rng_seed(&g, 2, 2);
    float l[B * D], x[B * D], dl[B * D];
    double row[B];
    for (int i = 0; i < B * D; i++) {
        l[i] = 4.0f * vae_rng_normal(&g); /* include saturated logits */
        x[i] = vae_rng_uniform(&g);
    }
    l[0] = 40.0f; /* far in the tail: must stay finite */
    l[1] = -40.0f;
    fn(l, x, B, D, row, dl, 1.0f);
    double an[B * D], fd[B * D];
    const float h = 1e-2f;
    for (int i = 0; i < B * D; i++) {
        float keep = l[i];
        double sp = 0, sm = 0;
        l[i] = keep + h;
        fn(l, x, B, D, row, NULL, 0);
        for (int b = 0; b < B; b++)
            sp += row[b];
        l[i] = keep - h;
        fn(l, x, B, D, row, NULL, 0);
        for (int b = 0; b < B; b++)
            sm += row[b];
        l[i] = keep;
        fd[i] = (sp - sm) / (2 * h);
        an[i] = dl[i];
    }
    double e = rel_err(an, fd, B * D);
    CHECK_MSG(e < 1e-3, "%s rel err %g", name, e);
    fn(l, x, B, D, row, NULL, 0);
    CHECK_MSG(isfinite(row[0]) && row[0] > 0, "%s finite for extreme logits", name);
}

static void test_bce_value(void) {
    /* against the naive formula where it is stable */
    float l[4] = {-2.0f, -0.5f, 0.3f, 1.7f}, x[4] = {0.0f, 0.2f, 0.9f, 1.0f};
    double row;
    vae_bce_logits(l, x, 1, 4, &row, NULL, 0);
    double want = 0;
    for (int i = 0; i < 4; i++) {
        double s = 1 / (1 + exp(-l[i]));
        want += -(x[i] * log(s) + (1 - x[i]) * log(1 - s));
    }
    CHECK_MSG(fabs(row - want) < 1e-5, "bce %g vs %g", row, want);
}

static void test_kl_monte_carlo(void) {
    /* closed form KL(N(mu, s^2) || N(0, 1)) against a Monte Carlo estimate of
     * E_q[log q(z) - log p(z)] with 400k samples */
    float mu[3] = {0.5f, -1.2f, 0.0f}, lv[3] = {-0.7f, 0.4f, 1.5f};
    double closed[3];
    for (int j = 0; j < 3; j++)
        vae_kl_forward(mu + j, lv + j, 1, 1, 1, closed + j, NULL);
    VaeRng g;
    vae_rng_seed(&g, 3, 3);
    for (int j = 0; j < 3; j++) {
        double s = exp(0.5 * lv[j]), acc = 0;
        const int n = 400000;
        for (int i = 0; i < n; i++) {
            double e = vae_rng_normal(&g), z = mu[j] + s * e;
            acc += -0.5 * e * e - 0.5 * lv[j] + 0.5 * z * z;
        }
        double mc = acc / n;
        CHECK_MSG(fabs(mc - closed[j]) < 0.01 + 0.01 * closed[j], "KL dim %d: closed %g mc %g", j,
                  closed[j], mc);
    }
}

/* ---- the whole step ------------------------------------------------------------- */

/* Bit pattern of which ReLUs are active, to detect kink crossings. */
/* The sign pattern of every ReLU output of the last forward into pat (NULL: count only);
 * -> its length. */
static size_t relu_pattern(const VaeModel *m, const VaeStepBuffers *sb, int b, uint8_t *pat) {
    const float *bufs[4 * VAE_MAX_HIDDEN];
    size_t lens[4 * VAE_MAX_HIDDEN], k = 0;
    int n = 0, conv = m->cfg.arch == VAE_ARCH_CONV;
    for (int i = 0; i < m->n_enc; i++)
        bufs[n] = sb->ws.h[i], lens[n++] = (size_t)b * m->enc[i].out;
    for (int i = 0; i < m->n_dec - 1 + conv; i++)
        bufs[n] = sb->ws.g[i], lens[n++] = (size_t)b * m->dec[i].out;
    for (int i = 0; i < m->n_econv; i++) {
        const VaeConvShape *s = &m->econv[i].s;
        bufs[n] = sb->ws.ea[i], lens[n++] = (size_t)b * s->oc * s->oh * s->ow;
    }
    for (int i = 0; i < m->n_dconv; i++) {
        const VaeConvShape *s = &m->dconv[i].s;
        bufs[n] = sb->ws.da[i], lens[n++] = (size_t)b * s->oc * s->oh * s->ow;
    }
    for (int t = 0; t < n; t++)
        for (size_t j = 0; j < lens[t]; j++, k++)
            if (pat) pat[k] = bufs[t][j] > 0;
    return k;
}

/* arch conv: Keras's channels on 4 x 4 inputs (1 x 1 features), one dense layer of 6 */
static void check_step(VaeArch arch, VaeKind kind, VaeLikelihood lik, float dropout,
                       float free_bits, int flows, const char *label) {
    VaeConfig c = vae_config_default();
    c.kind = kind;
    c.likelihood = lik;
    c.input_h = 3;
    c.input_w = 4;
    c.latent = 3;
    c.n_hidden = 2;
    c.hidden[0] = 7;
    c.hidden[1] = 5;
    if (arch == VAE_ARCH_CONV) {
        vae_config_set_arch(&c, arch);
        c.input_h = 4;
        c.hidden[0] = 6;
    }
    c.classes = 4;
    c.flows = flows;
    char err[VAE_ERR_LEN];
    VaeModel m;
    VaeStepBuffers sb;
    const int conv = arch == VAE_ARCH_CONV, B = conv ? 2 : 4; /* conv: fewer kinks to cross */
    CHECK(vae_model_init(&m, &c, err) == VAE_OK);
    vae_model_init_params(&m, 7);
    if (flows) {
        /* away from the near-identity init (where w . uhat = 0 and some terms of the
         * backward vanish): generic u, w, b, one flow with w . u << 0 so the
         * invertibility correction is active */
        VaeRng fr;
        vae_rng_seed(&fr, 99, 9);
        for (int i = 0; i < flows * c.latent; i++) {
            m.params[m.flow_u + (size_t)i] = 0.8f * vae_rng_normal(&fr);
            m.params[m.flow_w + (size_t)i] = 0.8f * vae_rng_normal(&fr);
        }
        for (int k = 0; k < flows; k++)
            m.params[m.flow_b + (size_t)k] = 0.5f * vae_rng_normal(&fr);
        for (int j = 0; j < c.latent; j++)
            m.params[m.flow_u + (size_t)j] = -1.5f * m.params[m.flow_w + (size_t)j];
    }
    CHECK(vae_step_buffers_init(&sb, &m, B, err) == VAE_OK);
    VaeRng g;
    vae_rng_seed(&g, 11, 4);
    uint8_t labels[4] = {0, 3, 1, 2};
    for (int i = 0; i < B * m.n_in; i++)
        sb.x[i] = vae_rng_uniform(&g);
    vae_rng_normals(&g, sb.eps, B * c.latent);
    for (int i = 0; i < B * m.n_in; i++)
        sb.xmask[i] = vae_rng_uniform(&g) < dropout ? 0.0f : 1.0f / (1.0f - dropout);
    for (int i = 0; i < B * c.latent; i++)
        sb.zmask[i] = vae_rng_uniform(&g) < dropout ? 0.0f : 1.0f / (1.0f - dropout);
    VaeLossParams lp = {0.7f, free_bits, dropout, 0, NULL};
    VaeLossValues lv;
    float *grads = calloc(m.n_params, sizeof(float));
    vae_step_forward(&m, &sb, labels, B, &lp, &lv);
    vae_step_backward(&m, &sb, labels, B, &lp, grads);

    size_t plen = relu_pattern(&m, &sb, B, NULL);
    uint8_t *pa = malloc(plen), *pb = malloc(plen);
    const float h = 1e-2f;
    int skipped = 0, checked = 0;
    for (int t = 0; t < m.n_info; t++) {
        const VaeParamInfo *p = &m.info[t];
        double *an = malloc(sizeof(double) * p->size), *fd = malloc(sizeof(double) * p->size);
        int n = 0;
        /* the conv layers' large tensors: about 200 elements each, spread over the tensor */
        size_t stride = p->size > 400 ? p->size / 200 : 1;
        for (size_t i = 0; i < p->size; i += stride) {
            float *w = m.params + p->offset + i, keep = *w;
            *w = keep + h;
            vae_step_forward(&m, &sb, labels, B, &lp, &lv);
            double lplus = lv.loss;
            relu_pattern(&m, &sb, B, pa);
            *w = keep - h;
            vae_step_forward(&m, &sb, labels, B, &lp, &lv);
            double lminus = lv.loss;
            relu_pattern(&m, &sb, B, pb);
            *w = keep;
            if (memcmp(pa, pb, plen) != 0) {
                skipped++;
                continue;
            }
            an[n] = grads[p->offset + i];
            fd[n] = (lplus - lminus) / (2 * h);
            n++;
        }
        checked += n;
        /* The float32 forward pass leaves ~5e-5 of noise in each difference quotient
         * (rounding ~1e-6 in the loss over 2h = 0.02), so elements are compared with an
         * absolute floor ten times that; a wrong term is off by far more. */
        double e = rel_err(an, fd, n), largest = 0;
        int bad = 0;
        for (int i = 0; i < n; i++) {
            bad += fabs(an[i] - fd[i]) > 5e-4 + 1e-2 * fabs(fd[i]);
            if (fabs(fd[i]) > largest) largest = fabs(fd[i]);
        }
        /* The conv AE's encoder gradients are all within a few times the noise floor; there
         * the relative error measures the noise, and only the elements are compared. */
        int tiny = conv && largest < 1e-2;
        CHECK_MSG((e < 1e-2 || tiny) && bad == 0, "%s: %s rel err %g, %d of %d elements off", label,
                  p->name, e, bad, n);
        free(an);
        free(fd);
    }
    /* conv: about 500 ReLUs per image, so a step often moves one across its kink */
    CHECK_MSG(skipped * (conv ? 1 : 5) < checked, "%s: too many kink skips (%d of %d)", label,
              skipped, checked);
    printf("step %-28s loss %.4f  checked %d params, %d skipped at ReLU kinks\n", label, lv.loss,
           checked, skipped);
    free(pa);
    free(pb);
    free(grads);
    vae_step_buffers_free(&sb);
    vae_model_free(&m);
}

/* ---- planar flows: log|det J| against a numerical Jacobian ------------------------ */

/* An independent double-precision planar flow stack (the map only, from the paper). */
static void ref_flows(const VaeModel *m, const double *z0, double *z) {
    const int L = m->cfg.latent;
    for (int j = 0; j < L; j++)
        z[j] = z0[j];
    for (int k = 0; k < m->cfg.flows; k++) {
        const float *u = m->params + m->flow_u + (size_t)k * L;
        const float *w = m->params + m->flow_w + (size_t)k * L;
        double wu = 0, nn = 0, a = m->params[m->flow_b + (size_t)k];
        for (int j = 0; j < L; j++) {
            wu += (double)w[j] * u[j];
            nn += (double)w[j] * w[j];
            a += w[j] * z[j];
        }
        double mwu = -1.0 + log(1.0 + exp(wu)), t = tanh(a);
        for (int j = 0; j < L; j++)
            z[j] += (u[j] + (mwu - wu) * w[j] / nn) * t;
    }
}

static double det3(double J[3][3]) {
    return J[0][0] * (J[1][1] * J[2][2] - J[1][2] * J[2][1]) -
           J[0][1] * (J[1][0] * J[2][2] - J[1][2] * J[2][0]) +
           J[0][2] * (J[1][0] * J[2][1] - J[1][1] * J[2][0]);
}

static void test_flow_logdet(void) {
    VaeConfig c = vae_config_default();
    c.input_h = c.input_w = 2;
    c.n_hidden = 1;
    c.hidden[0] = 3;
    c.latent = 3;
    c.flows = 5;
    char err[VAE_ERR_LEN];
    VaeModel m;
    CHECK(vae_model_init(&m, &c, err) == VAE_OK);
    vae_model_init_params(&m, 3);
    /* the near-identity init: every flow has log|det| = 0 at any z */
    float z[3] = {0.3f, -1.1f, 0.7f}, ld = 0.0f;
    vae_flow_apply(&m, z, 1, &ld);
    CHECK_MSG(fabsf(ld) < 1e-5f, "init flows log|det| %g, want 0", (double)ld);
    /* generic flows, one with w . u = -12 where an unconstrained flow is not invertible */
    VaeRng g;
    vae_rng_seed(&g, 5, 5);
    for (int i = 0; i < c.flows * c.latent; i++) {
        m.params[m.flow_u + (size_t)i] = vae_rng_normal(&g);
        m.params[m.flow_w + (size_t)i] = vae_rng_normal(&g);
    }
    for (int k = 0; k < c.flows; k++)
        m.params[m.flow_b + (size_t)k] = vae_rng_normal(&g);
    double nn = 0;
    for (int j = 0; j < 3; j++)
        nn += (double)m.params[m.flow_w + (size_t)j] * m.params[m.flow_w + (size_t)j];
    for (int j = 0; j < 3; j++)
        m.params[m.flow_u + (size_t)j] = (float)(-12.0 / nn) * m.params[m.flow_w + (size_t)j];
    double worst_z = 0, worst_ld = 0;
    for (int t = 0; t < 50; t++) {
        double z0[3], zr[3], J[3][3];
        float zf[3], ldf = 0.0f;
        for (int j = 0; j < 3; j++)
            zf[j] = (float)(z0[j] = 2.0 * vae_rng_normal(&g));
        vae_flow_apply(&m, zf, 1, &ldf);
        ref_flows(&m, z0, zr);
        for (int j = 0; j < 3; j++) { /* column j of the Jacobian, central differences */
            double zp[3], zm[3], a[3], b[3], h = 1e-6;
            memcpy(zp, z0, sizeof zp);
            memcpy(zm, z0, sizeof zm);
            zp[j] += h;
            zm[j] -= h;
            ref_flows(&m, zp, a);
            ref_flows(&m, zm, b);
            for (int i = 0; i < 3; i++)
                J[i][j] = (a[i] - b[i]) / (2 * h);
        }
        double det = det3(J);
        CHECK_MSG(det > 0, "flow Jacobian determinant %g must be positive (invertible)", det);
        for (int j = 0; j < 3; j++)
            worst_z = fmax(worst_z, fabs(zf[j] - zr[j]) / (1 + fabs(zr[j])));
        worst_ld = fmax(worst_ld, fabs(ldf - log(fabs(det))));
    }
    printf("planar flows: 50 points, max |z - ref| %.2g, max |logdet - log|det J|| %.2g\n", worst_z,
           worst_ld);
    CHECK_MSG(worst_z < 1e-5, "flowed z differs from the reference by %g", worst_z);
    CHECK_MSG(worst_ld < 1e-4, "log|det J| differs from the numerical Jacobian by %g", worst_ld);
    vae_model_free(&m);
}

int main(void) {
    test_linear();
    test_relu();
    test_conv();
    check_loss(vae_bce_logits, "bce");
    check_loss(vae_mse_sigmoid, "mse");
    test_bce_value();
    test_kl_monte_carlo();
    test_flow_logdet();
    check_step(VAE_ARCH_MLP, VAE_KIND_VAE, VAE_LIK_BERNOULLI, 0.0f, 0.0f, 0, "vae bernoulli");
    check_step(VAE_ARCH_MLP, VAE_KIND_AE, VAE_LIK_BERNOULLI, 0.0f, 0.0f, 0, "ae bernoulli");
    check_step(VAE_ARCH_MLP, VAE_KIND_CVAE, VAE_LIK_BERNOULLI, 0.0f, 0.0f, 0, "cvae bernoulli");
    check_step(VAE_ARCH_MLP, VAE_KIND_VAE, VAE_LIK_GAUSSIAN, 0.0f, 0.0f, 0, "vae gaussian");
    check_step(VAE_ARCH_MLP, VAE_KIND_VAE, VAE_LIK_BERNOULLI, 0.3f, 0.0f, 0, "vae dropout 0.3");
    check_step(VAE_ARCH_MLP, VAE_KIND_VAE, VAE_LIK_BERNOULLI, 0.0f, 0.5f, 0, "vae free bits 0.5");
    check_step(VAE_ARCH_MLP, VAE_KIND_VAE, VAE_LIK_BERNOULLI, 0.0f, 0.0f, 3, "vae planar K=3");
    check_step(VAE_ARCH_MLP, VAE_KIND_CVAE, VAE_LIK_GAUSSIAN, 0.3f, 0.0f, 3,
               "cvae gaussian dropout planar K=3");
    check_step(VAE_ARCH_MLP, VAE_KIND_VAE, VAE_LIK_BERNOULLI, 0.0f, 0.5f, 3,
               "vae free bits 0.5 planar K=3");
    check_step(VAE_ARCH_CONV, VAE_KIND_VAE, VAE_LIK_BERNOULLI, 0.0f, 0.0f, 0, "conv vae bernoulli");
    check_step(VAE_ARCH_CONV, VAE_KIND_AE, VAE_LIK_BERNOULLI, 0.0f, 0.0f, 0, "conv ae bernoulli");
    check_step(VAE_ARCH_CONV, VAE_KIND_CVAE, VAE_LIK_GAUSSIAN, 0.3f, 0.0f, 2,
               "conv cvae gaussian dropout planar K=2");
    return CHECK_DONE();
}
