/* The fast paths against plain references: the vectorised exp / log1p against libm in
 * double, the NaN/Inf scan, and Adam against torch.optim.Adam's formula in double. */
#include <math.h>
#include <string.h>

#include "adam.h"
#include "check.h"
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

int main(void) {
    test_exp_log1p();
    test_sigmoid();
    test_all_finite();
    test_adam();
    return CHECK_DONE();
}
