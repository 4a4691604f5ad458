/* The latent plane as pixels (see scatter.h): the view's fit and ticks, the scatter
 * layer. */
#include "scatter.h"

#include <math.h>
#include <stdlib.h>

const uint32_t vae_class_palette[10] = {
    /* Tableau 10 */
    VAE_ARGB(78, 121, 167),  VAE_ARGB(242, 142, 43),  VAE_ARGB(225, 87, 89),
    VAE_ARGB(118, 183, 178), VAE_ARGB(89, 161, 79),   VAE_ARGB(237, 201, 72),
    VAE_ARGB(176, 122, 161), VAE_ARGB(255, 157, 167), VAE_ARGB(156, 117, 95),
    VAE_ARGB(186, 176, 172),
};

/* ---- the view ------------------------------------------------------------------------ */

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

void vae_plane_fit(VaePlaneView *v, int w, int h, const float *xy, int n, int include_prior) {
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
    v->scale = fmin(margin * w / sx, margin * h / sy);
}

double vae_nice_step(double span, int target) {
    if (!(span > 0) || target < 1) return 1;
    double raw = span / target;
    double p = pow(10, floor(log10(raw)));
    double f = raw / p;
    double nice = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10;
    return nice * p;
}

int vae_ticks(double lo, double hi, double step, double *k0, double *k1) {
    if (!(step > 0) || !isfinite(lo) || !isfinite(hi)) return -1;
    *k0 = ceil(lo / step), *k1 = floor(hi / step);
    double n = *k1 - *k0;
    return n >= 0 && n <= 200 ? (int)n : -1;
}

/* ---- the scatter layer ------------------------------------------------------------------ */

#define STAMP_SUB 4 /* sub-pixel positions per axis of the dot stamps */

/* Background, then tick grid lines, the one through 0 in the axis colour. */
static void raster_grid(uint32_t *px, int w, int h, const VaePlaneView *v, float u,
                        const VaeScatterColors *c) {
    for (int i = 0; i < w * h; i++)
        px[i] = c->bg;
    double step = vae_tick_step(v, w, u), k0, k1;
    double zx0 = vae_plane_zx(v, w, 0), zx1 = vae_plane_zx(v, w, w);
    double zy0 = vae_plane_zy(v, h, h), zy1 = vae_plane_zy(v, h, 0);
    for (int k = vae_ticks(zx0, zx1, step, &k0, &k1); k >= 0; k--) {
        double t = (k0 + k) * step, fx = vae_plane_px(v, w, t);
        uint32_t col = fabs(t) < step * 1e-6 ? c->axis : c->grid;
        if (fx >= 0 && fx < w)
            for (int y = 0, x = (int)fx; y < h; y++)
                px[y * w + x] = col;
    }
    for (int k = vae_ticks(zy0, zy1, step, &k0, &k1); k >= 0; k--) {
        double t = (k0 + k) * step, fy = vae_plane_py(v, h, t);
        uint32_t col = fabs(t) < step * 1e-6 ? c->axis : c->grid;
        if (fy >= 0 && fy < h)
            for (int x = 0, y = (int)fy; x < w; x++)
                px[y * w + x] = col;
    }
}

/* The disc's coverage (times alpha, 0..256) for STAMP_SUB x STAMP_SUB sub-pixel positions
 * of its centre, S x S each: a dot is then integer blends only, placed to a quarter pixel. */
static uint16_t *make_stamps(double rad, float alpha, int R, int S) {
    uint16_t *stamp = malloc((size_t)STAMP_SUB * STAMP_SUB * (size_t)(S * S) * sizeof *stamp);
    if (!stamp) return NULL;
    for (int q = 0; q < STAMP_SUB * STAMP_SUB; q++) {
        double fx = (q % STAMP_SUB + 0.5) / STAMP_SUB, fy = (q / STAMP_SUB + 0.5) / STAMP_SUB;
        for (int k = 0; k < S * S; k++) {
            double dx = k % S - R + 0.5 - fx, dy = k / S - R + 0.5 - fy;
            double cov = fmin(1, fmax(0, rad + 0.5 - sqrt(dx * dx + dy * dy)));
            stamp[q * S * S + k] = (uint16_t)(alpha * cov * 256 + 0.5);
        }
    }
    return stamp;
}

/* One dot: the stamp's rows and columns inside the layer, each covered pixel blended with
 * red and blue in one multiply (al + ia = 256: neither channel's sum carries into the
 * other's bits) and green in another: the same bytes as channel by channel. */
static void blend_stamp(uint32_t *px, int w, int h, const uint16_t *st, int S, int x0, int y0,
                        uint32_t c) {
    uint32_t crb = c & 0xff00ffu, cg = c & 0xff00u;
    int ky0 = y0 < 0 ? -y0 : 0, ky1 = y0 + S > h ? h - y0 : S;
    int kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + S > w ? w - x0 : S;
    for (int ky = ky0; ky < ky1; ky++) {
        uint32_t *row = px + (size_t)(y0 + ky) * w + x0;
        const uint16_t *al = st + ky * S;
        for (int kx = kx0; kx < kx1; kx++) {
            if (al[kx] == 0) continue;
            uint32_t d = row[kx], a = al[kx], ia = 256 - a;
            uint32_t rb = (crb * a + (d & 0xff00ffu) * ia) >> 8 & 0xff00ffu;
            uint32_t g = (cg * a + (d & 0xff00u) * ia) >> 8 & 0xff00u;
            row[kx] = 0xff000000u | rb | g;
        }
    }
}

int vae_scatter_raster(uint32_t *px, int w, int h, const VaePlaneView *v, float u,
                       const VaeScatterPoints *pts, const VaeScatterColors *colors) {
    raster_grid(px, w, h, v, u, colors);
    int n = pts->n, L = pts->latent;
    /* smaller, fainter dots the more there are */
    double rad = (n > 20000 ? 1.4 : n > 5000 ? 1.8 : 2.3) * u;
    float alpha = n > 20000 ? 0.55f : 0.8f;
    int R = (int)ceil(rad + 1), S = 2 * R + 1;
    uint16_t *stamp = make_stamps(rad, alpha, R, S);
    if (!stamp) return -1;
    for (int i = 0; i < n; i++) {
        const float *z = pts->mu + (size_t)i * L;
        double cx = vae_plane_px(v, w, z[pts->ax[0]]), cy = vae_plane_py(v, h, z[pts->ax[1]]);
        if (!(cx > -R && cx < w + R && cy > -R && cy < h + R)) continue; /* or not finite */
        int ix = (int)floor(cx), iy = (int)floor(cy);
        int qx = (int)((cx - ix) * STAMP_SUB), qy = (int)((cy - iy) * STAMP_SUB);
        qx = qx < STAMP_SUB ? qx : STAMP_SUB - 1, qy = qy < STAMP_SUB ? qy : STAMP_SUB - 1;
        blend_stamp(px, w, h, stamp + (qy * STAMP_SUB + qx) * S * S, S, ix - R, iy - R,
                    vae_class_argb(pts->labels[i]));
    }
    free(stamp);
    return 0;
}

/* ---- images over the plane ---------------------------------------------------------------- */

/* Pixels i0..i1 (centre inside [e0, e1)) and, for each, the source texel at its left or
 * top and the weight of the next (0..256) among n texels. 0, or -1 out of memory. */
static int texel_map(double e0, double e1, int size, int n, int *i0, int *i1, int **tex,
                     uint16_t **frac) {
    *i0 = 0, *i1 = 0, *tex = NULL, *frac = NULL;
    if (!(e1 > e0) || !isfinite(e0) || !isfinite(e1)) return 0;
    double a = fmax(0, ceil(e0 - 0.5)), b = fmin(size, ceil(e1 - 0.5));
    if (!(a < b)) return 0;
    *i0 = (int)a, *i1 = (int)b;
    *tex = malloc((size_t)(*i1 - *i0) * sizeof **tex);
    *frac = malloc((size_t)(*i1 - *i0) * sizeof **frac);
    if (!*tex || !*frac) return -1;
    for (int i = *i0; i < *i1; i++) {
        double t = (i + 0.5 - e0) * n / (e1 - e0) - 0.5, k = floor(t);
        int j = k < 0 ? 0 : k >= n - 1 ? n - 1 : (int)k;
        double f = k < 0 || k >= n - 1 ? 0 : t - k;
        (*tex)[i - *i0] = j, (*frac)[i - *i0] = (uint16_t)(f * 256 + 0.5);
    }
    return 0;
}

/* (1 - f) a + f b of two ARGB pixels, f in 0..256: red and blue, then alpha and green, as
 * two pairs of 8-bit lanes (0x00ff00ff) in one multiply each. */
static inline uint32_t lerp_argb(uint32_t a, uint32_t b, uint32_t f) {
    uint32_t rb = ((a & 0xff00ffu) * (256 - f) + (b & 0xff00ffu) * f) >> 8 & 0xff00ffu;
    uint32_t ag = ((a >> 8 & 0xff00ffu) * (256 - f) + (b >> 8 & 0xff00ffu) * f) & 0xff00ff00u;
    return ag | rb;
}

/* Separable: the source rows the pixels need, stretched across once, then each pixel row
 * is two of those mixed and blended over the plane, the same weight all along the row (a
 * loop the compiler vectorises). */
int vae_plane_over(uint32_t *px, int w, int h, const uint32_t *src, int sw, int sh, double x0,
                   double y0, double x1, double y1) {
    if (sw <= 0 || sh <= 0) return 0;
    int cx0, cx1, cy0, cy1, rc = -1;
    int *col = NULL, *row = NULL;
    uint16_t *fx = NULL, *fy = NULL;
    uint32_t *across = NULL;
    if (texel_map(x0, x1, w, sw, &cx0, &cx1, &col, &fx) != 0 ||
        texel_map(y0, y1, h, sh, &cy0, &cy1, &row, &fy) != 0)
        goto done;
    rc = 0;
    if (cx0 == cx1 || cy0 == cy1) goto done;
    int n = cx1 - cx0, r0 = row[0], r1 = row[cy1 - cy0 - 1] + 1;
    r1 = r1 < sh ? r1 : sh - 1;
    across = malloc((size_t)(r1 - r0 + 1) * (size_t)n * sizeof *across);
    if (!across) {
        rc = -1;
        goto done;
    }
    for (int r = r0; r <= r1; r++) {
        const uint32_t *in = src + (size_t)r * sw;
        uint32_t *o = across + (size_t)(r - r0) * n;
        for (int x = 0; x < n; x++)
            o[x] = lerp_argb(in[col[x]], in[col[x] + (fx[x] > 0)], fx[x]);
    }
    for (int y = cy0; y < cy1; y++) {
        uint32_t f = fy[y - cy0];
        const uint32_t *a = across + (size_t)(row[y - cy0] - r0) * n, *b = a + (f > 0 ? n : 0);
        uint32_t *out = px + (size_t)y * w + cx0;
        for (int x = 0; x < n; x++) {
            uint32_t s = lerp_argb(a[x], b[x], f), keep = 256 - (s >> 24), d = out[x];
            uint32_t rb = (s & 0xff00ffu) + ((d & 0xff00ffu) * keep >> 8 & 0xff00ffu);
            uint32_t g = (s & 0xff00u) + ((d & 0xff00u) * keep >> 8 & 0xff00u);
            out[x] = 0xff000000u | rb | g;
        }
    }
done:
    free(col), free(row), free(fx), free(fy), free(across);
    return rc;
}
