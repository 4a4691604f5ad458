/* The aggregate posterior against the prior (see density.h). A sum of axis-aligned
 * Gaussians on a grid factors: N(x; m, sx) N(y; m', sy) is a column factor times a row
 * factor, so q on the whole grid is one product (gh, n) x (n, gw) of the factors. */
#include "density.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define HOLE_RATIO 0.1  /* q below this fraction of p: the prior's mass falls in a hole */
#define HOLE_GRID 128   /* cells per side of the +-4 sigma square the hole mass is taken on */
#define LOG_FLOOR -60.0 /* log q where no Gaussian reaches (instead of -inf) */

/* Each image's standard deviations on the two axes: its posterior's, or for an AE the
 * kernel bandwidth of Silverman's rule for its codes. */
static void deviations(const AppDensity *d, float *sx, float *sy) {
    if (d->lv) {
        for (int i = 0; i < d->n; i++) {
            sx[i] = expf(0.5f * d->lv[(size_t)i * d->latent + d->ax[0]]);
            sy[i] = expf(0.5f * d->lv[(size_t)i * d->latent + d->ax[1]]);
        }
        return;
    }
    double s[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        double m = 0, m2 = 0;
        for (int i = 0; i < d->n; i++) {
            double v = d->mu[(size_t)i * d->latent + d->ax[k]];
            m += v, m2 += v * v;
        }
        m /= d->n, m2 /= d->n;
        s[k] = 1.06 * sqrt(fmax(m2 - m * m, 1e-12)) * pow(d->n, -0.2);
    }
    for (int i = 0; i < d->n; i++)
        sx[i] = (float)s[0], sy[i] = (float)s[1];
}

/* f[i * cells + c] = N(coordinate c; mu_i on axis k, sd_i), for cells coordinates. */
static void factors(const AppDensity *d, int k, const float *sd, const double *at, int cells,
                    float *f) {
    for (int i = 0; i < d->n; i++) {
        double m = d->mu[(size_t)i * d->latent + d->ax[k]], s = sd[i];
        double norm = 1.0 / (sqrt(2 * PI) * s);
        for (int c = 0; c < cells; c++) {
            double t = (at[c] - m) / s;
            f[(size_t)i * cells + c] = (float)(norm * exp(-0.5 * t * t));
        }
    }
}

/* q on the grid of columns xs (gw) and rows ys (gh) into out (gh, gw). */
static int grid_q(const AppDensity *d, const float *sx, const float *sy, const double *xs, int gw,
                  const double *ys, int gh, float *out) {
    float *fx = malloc(sizeof(float) * (size_t)d->n * gw);
    float *fy = malloc(sizeof(float) * (size_t)d->n * gh);
    if (!fx || !fy) {
        free(fx), free(fy);
        return -1;
    }
    factors(d, 0, sx, xs, gw, fx);
    factors(d, 1, sy, ys, gh, fy);
    /* out (gh, gw) = fy^T (gh, n) @ fx (n, gw) / n */
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, gh, gw, d->n, 1.0f / (float)d->n, fy, gh,
                fx, gw, 0.0f, out, gw);
    free(fx), free(fy);
    return 0;
}

static double log_prior(double x, double y) {
    return -0.5 * (x * x + y * y) - log(2 * PI);
}

/* The prior's mass over +-4 sigma in cells where q < HOLE_RATIO p. */
static int holes(AppDensity *d, const float *sx, const float *sy) {
    double at[HOLE_GRID], step = 8.0 / HOLE_GRID;
    for (int c = 0; c < HOLE_GRID; c++)
        at[c] = -4 + (c + 0.5) * step;
    float *q = malloc(sizeof(float) * HOLE_GRID * HOLE_GRID);
    if (!q || grid_q(d, sx, sy, at, HOLE_GRID, at, HOLE_GRID, q) != 0) {
        free(q);
        return -1;
    }
    double mass = 0, total = 0;
    for (int r = 0; r < HOLE_GRID; r++)
        for (int c = 0; c < HOLE_GRID; c++) {
            double p = exp(log_prior(at[c], at[r])) * step * step;
            total += p;
            if (q[r * HOLE_GRID + c] < HOLE_RATIO * p / (step * step)) mass += p;
        }
    d->hole_mass = total > 0 ? mass / total : 0;
    free(q);
    return 0;
}

int app_density_compute(AppDensity *d) {
    float *sx = malloc(sizeof(float) * (size_t)d->n), *sy = malloc(sizeof(float) * (size_t)d->n);
    double *xs = malloc(sizeof(double) * (size_t)d->gw),
           *ys = malloc(sizeof(double) * (size_t)d->gh);
    int rc = -1;
    if (!sx || !sy || !xs || !ys || d->n < 1) goto done;
    deviations(d, sx, sy);
    for (int c = 0; c < d->gw; c++)
        xs[c] = d->x0 + (c + 0.5) * (d->x1 - d->x0) / d->gw;
    for (int r = 0; r < d->gh; r++)
        ys[r] = d->y1 - (r + 0.5) * (d->y1 - d->y0) / d->gh;
    if (grid_q(d, sx, sy, xs, d->gw, ys, d->gh, d->log_q) != 0 || holes(d, sx, sy) != 0) goto done;
    for (int r = 0; r < d->gh; r++)
        for (int c = 0; c < d->gw; c++) {
            float *q = &d->log_q[r * d->gw + c];
            *q = *q > 0 ? logf(*q) : (float)LOG_FLOOR;
            d->log_p[r * d->gw + c] = (float)log_prior(xs[c], ys[r]);
        }
    rc = 0;
done:
    free(sx), free(sy), free(xs), free(ys);
    return rc;
}
