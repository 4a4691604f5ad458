/* New latent codes from old ones: paths, group means, attribute vectors, traversals and
 * prior samples (see latent_ops.h). Sums and angles are taken in double: the codes are
 * few (L <= 64 per row) and the spherical path's ends must come out where they belong. */
#include "latent_ops.h"

#include <math.h>
#include <string.h>

void vae_latent_codes(const VaeModel *m, VaeWorkspace *ws, const float *x, const uint8_t *labels,
                      int b, float *z) {
    vae_model_encode(m, ws, x, labels, b, z, NULL);
    vae_flow_apply(m, z, b, NULL); /* no-op without flows */
}

static int all_finite(const float *v, int n) {
    int ok = 1;
    for (int i = 0; i < n; i++)
        ok &= isfinite(v[i]) != 0;
    return ok;
}

static double norm(const float *v, int L) {
    double s = 0;
    for (int j = 0; j < L; j++)
        s += (double)v[j] * v[j];
    return sqrt(s);
}

/* ---- paths ------------------------------------------------------------------------ */

static void linear_path(const float *z0, const float *z1, int L, int steps, float *out) {
    for (int k = 0; k < steps; k++) {
        double t = (double)k / (steps - 1);
        for (int j = 0; j < L; j++)
            out[(size_t)k * L + j] = (float)((1 - t) * z0[j] + t * z1[j]);
    }
}

/* A unit vector w orthogonal to the unit vector u (L >= 2): the coordinate axis least
 * aligned with u, minus its component along u. */
static void any_orthogonal(const double *u, int L, double *w) {
    int best = 0;
    for (int j = 1; j < L; j++)
        if (fabs(u[j]) < fabs(u[best])) best = j;
    for (int j = 0; j < L; j++)
        w[j] = (j == best) - u[best] * u[j];
    double n = 0;
    for (int j = 0; j < L; j++)
        n += w[j] * w[j];
    n = sqrt(n);
    for (int j = 0; j < L; j++)
        w[j] /= n;
}

/* Direction u(t) = cos(t omega) u0 + sin(t omega) w, with w the unit vector orthogonal to
 * u0 in the plane of u0 and u1 and omega = atan2(|u1 - c u0|, c), c = u0.u1: stable for
 * every angle, where the textbook sin((1-t) omega) / sin(omega) form divides by ~0 near
 * 0 and pi. The norm is interpolated separately. */
static void spherical_path(const float *z0, const float *z1, int L, int steps, float *out) {
    double r0 = norm(z0, L), r1 = norm(z1, L);
    if (r0 == 0 || r1 == 0) { /* no direction at one end: the ray to the other is the line */
        linear_path(z0, z1, L, steps, out);
        return;
    }
    double u0[VAE_MAX_LATENT], w[VAE_MAX_LATENT], c = 0, s = 0;
    for (int j = 0; j < L; j++) {
        u0[j] = z0[j] / r0;
        c += u0[j] * (z1[j] / r1);
    }
    for (int j = 0; j < L; j++) {
        w[j] = z1[j] / r1 - c * u0[j];
        s += w[j] * w[j];
    }
    s = sqrt(s);
    double omega;
    if (s > 1e-9) {
        for (int j = 0; j < L; j++)
            w[j] /= s;
        omega = atan2(s, c);
    } else if (c > 0) { /* parallel: the direction stays */
        memset(w, 0, sizeof w);
        omega = 0;
    } else { /* antiparallel: every great circle through u0 passes -u0; take one */
        any_orthogonal(u0, L, w);
        omega = 3.14159265358979323846;
    }
    for (int k = 0; k < steps; k++) {
        double t = (double)k / (steps - 1), r = (1 - t) * r0 + t * r1;
        double a = cos(t * omega), b = sin(t * omega);
        for (int j = 0; j < L; j++)
            out[(size_t)k * L + j] = (float)(r * (a * u0[j] + b * w[j]));
    }
}

VaeStatus vae_latent_path(const float *z0, const float *z1, int L, int steps, VaePathKind kind,
                          float *out, char err[VAE_ERR_LEN]) {
    if (L < 1 || L > VAE_MAX_LATENT)
        return vae_fail(err, VAE_ERR_ARG, "latent size %d is outside 1..%d", L, VAE_MAX_LATENT);
    if (steps < 2) return vae_fail(err, VAE_ERR_ARG, "a path needs 2 or more steps, got %d", steps);
    if (!all_finite(z0, L) || !all_finite(z1, L))
        return vae_fail(err, VAE_ERR_ARG, "a path's end is not finite");
    if (kind == VAE_PATH_SPHERICAL && L < 2)
        return vae_fail(err, VAE_ERR_ARG, "a spherical path needs 2 or more latent dimensions");
    if (kind == VAE_PATH_SPHERICAL)
        spherical_path(z0, z1, L, steps, out);
    else
        linear_path(z0, z1, L, steps, out);
    /* the ends exactly: decoding them gives the two images' reconstructions */
    memcpy(out, z0, sizeof(float) * (size_t)L);
    memcpy(out + (size_t)(steps - 1) * L, z1, sizeof(float) * (size_t)L);
    return VAE_OK;
}

/* ---- group means ------------------------------------------------------------------ */

/* Adds row (L) into sum if it is finite; 1 if it was added. */
static int add_row(double *sum, const float *row, int L) {
    if (!all_finite(row, L)) return 0;
    for (int j = 0; j < L; j++)
        sum[j] += row[j];
    return 1;
}

static int finish_mean(const double *sum, int count, int L, float *mean) {
    for (int j = 0; j < L; j++)
        mean[j] = count ? (float)(sum[j] / count) : 0.0f;
    return count;
}

int vae_latent_mean_class(const float *codes, const uint8_t *labels, int n, int L, int cls,
                          float *mean) {
    double sum[VAE_MAX_LATENT] = {0};
    int count = 0;
    for (int i = 0; i < n; i++)
        if (labels[i] == cls) count += add_row(sum, codes + (size_t)i * L, L);
    return finish_mean(sum, count, L, mean);
}

int vae_latent_mean_mask(const float *codes, const uint8_t *mask, int n, int L, float *mean) {
    double sum[VAE_MAX_LATENT] = {0};
    int count = 0;
    for (int i = 0; i < n; i++)
        if (mask[i]) count += add_row(sum, codes + (size_t)i * L, L);
    return finish_mean(sum, count, L, mean);
}

int vae_latent_mean_rows(const float *codes, const int *rows, int k, int L, float *mean) {
    double sum[VAE_MAX_LATENT] = {0};
    int count = 0;
    for (int i = 0; i < k; i++)
        count += add_row(sum, codes + (size_t)rows[i] * L, L);
    return finish_mean(sum, count, L, mean);
}

/* ---- attribute vectors ------------------------------------------------------------ */

void vae_latent_attribute(const float *start_mean, const float *end_mean, int L, float *v) {
    for (int j = 0; j < L; j++)
        v[j] = end_mean[j] - start_mean[j];
}

VaeStatus vae_latent_attribute_path(const float *z, const float *v, int L, float t_max, int steps,
                                    float *out, char err[VAE_ERR_LEN]) {
    if (steps < 2)
        return vae_fail(err, VAE_ERR_ARG, "an attribute path needs 2 or more steps, got %d", steps);
    if (!all_finite(z, L) || !all_finite(v, L) || !isfinite(t_max))
        return vae_fail(err, VAE_ERR_ARG, "an attribute path's code, vector or t is not finite");
    for (int k = 0; k < steps; k++) {
        float t = t_max * (float)k / (float)(steps - 1);
        for (int j = 0; j < L; j++)
            out[(size_t)k * L + j] = z[j] + t * v[j];
    }
    return VAE_OK;
}

/* ---- traversals ------------------------------------------------------------------- */

void vae_latent_dims_by_kl(const VaeLatentStats *st, int L, int *order) {
    const float *key = st->valid ? st->kl : st->var;
    /* insertion sort, stable: L <= 64 */
    for (int i = 0; i < L; i++) {
        int j = i;
        for (; j > 0 && key[order[j - 1]] < key[i]; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
}

VaeStatus vae_latent_traversal(const float *z, int L, const int *dims, int n_dims, float range,
                               int steps, float *out, char err[VAE_ERR_LEN]) {
    if (steps < 2)
        return vae_fail(err, VAE_ERR_ARG, "a traversal needs 2 or more steps, got %d", steps);
    if (!(range > 0) || !isfinite(range))
        return vae_fail(err, VAE_ERR_ARG, "a traversal's range must be positive, got %g",
                        (double)range);
    if (!all_finite(z, L)) return vae_fail(err, VAE_ERR_ARG, "a traversal's code is not finite");
    for (int r = 0; r < n_dims; r++)
        if (dims[r] < 0 || dims[r] >= L)
            return vae_fail(err, VAE_ERR_ARG, "dimension %d is outside 0..%d", dims[r], L - 1);
    for (int r = 0; r < n_dims; r++)
        for (int k = 0; k < steps; k++) {
            float *row = out + ((size_t)r * steps + k) * L;
            memcpy(row, z, sizeof(float) * (size_t)L);
            row[dims[r]] = z[dims[r]] + range * (2.0f * (float)k / (float)(steps - 1) - 1.0f);
        }
    return VAE_OK;
}

/* ---- the prior -------------------------------------------------------------------- */

void vae_latent_prior_samples(VaeRng *rng, int n, int L, float *z) {
    vae_rng_normals(rng, z, n * L);
}
