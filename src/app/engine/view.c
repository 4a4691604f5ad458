/* Latent <-> pixel view of a pane (see app_view.h). */
#include "view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The k-th smallest of v[0..n) (Hoare's selection, expected O(n); v is reordered). The
 * fit needs two quantiles per axis, on every new set of latents: no full sort. */
static float select_kth(float *v, int n, int k) {
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        float pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                float t = v[i];
                v[i++] = v[j], v[j--] = t;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return v[k];
}

void app_view_fit(AppView *v, AppRect r, const float *xy, int n, int include_prior) {
    double x0 = -1, x1 = 1, y0 = -1, y1 = 1;
    if (n > 0) {
        float *xs = malloc((size_t)n * sizeof *xs), *ys = malloc((size_t)n * sizeof *ys);
        if (xs && ys) {
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1])) continue;
                xs[m] = xy[2 * i], ys[m] = xy[2 * i + 1], m++;
            }
            if (m > 0) {
                int lo = m / 500, hi = m - 1 - m / 500;
                x0 = select_kth(xs, m, lo), x1 = select_kth(xs, m, hi);
                y0 = select_kth(ys, m, lo), y1 = select_kth(ys, m, hi);
            }
        }
        free(xs);
        free(ys);
    }
    if (include_prior) {
        x0 = fmin(x0, -3), x1 = fmax(x1, 3), y0 = fmin(y0, -3), y1 = fmax(y1, 3);
    }
    double sx = x1 - x0, sy = y1 - y0;
    if (!(sx > 1e-6)) sx = 1e-6;
    if (!(sy > 1e-6)) sy = 1e-6;
    v->cx = 0.5 * (x0 + x1);
    v->cy = 0.5 * (y0 + y1);
    double margin = 0.88; /* leave room for tick labels */
    v->scale = fmin(margin * r.w / sx, margin * r.h / sy);
}

void app_view_zoom(AppView *v, AppRect r, double px, double py, double factor) {
    double zx = app_view_zx(v, r, px), zy = app_view_zy(v, r, py);
    double s = v->scale * factor;
    if (s < 1e-6) s = 1e-6;
    if (s > 1e9) s = 1e9;
    v->scale = s;
    /* keep (zx, zy) under (px, py) */
    v->cx = zx - (px - r.x - 0.5 * r.w) / s;
    v->cy = zy + (py - r.y - 0.5 * r.h) / s;
}

void app_view_pan(AppView *v, double dx_px, double dy_px) {
    v->cx -= dx_px / v->scale;
    v->cy += dy_px / v->scale;
}

double app_nice_step(double span, int target) {
    if (!(span > 0) || target < 1) return 1;
    double raw = span / target;
    double p = pow(10, floor(log10(raw)));
    double f = raw / p;
    double nice = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
    return nice * p;
}

int app_ticks(double lo, double hi, double step, double *k0, double *k1) {
    if (!(step > 0) || !isfinite(lo) || !isfinite(hi)) return -1;
    *k0 = ceil(lo / step), *k1 = floor(hi / step);
    double n = *k1 - *k0;
    return n >= 0 && n <= 200 ? (int)n : -1;
}

double app_norm_cdf(double x) {
    return 0.5 * erfc(-x / sqrt(2.0));
}
