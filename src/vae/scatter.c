/* The scatter layer (see scatter.h). */
#include "scatter.h"

#include <math.h>
#include <stdlib.h>

#include "theme.h"

const uint32_t app_palette[10] = {
    /* Tableau 10 */
    APP_ARGB(78, 121, 167),  APP_ARGB(242, 142, 43),  APP_ARGB(225, 87, 89),
    APP_ARGB(118, 183, 178), APP_ARGB(89, 161, 79),   APP_ARGB(237, 201, 72),
    APP_ARGB(176, 122, 161), APP_ARGB(255, 157, 167), APP_ARGB(156, 117, 95),
    APP_ARGB(186, 176, 172),
};

#define STAMP_SUB 4 /* sub-pixel positions per axis of the dot stamps */

/* Background, then tick grid lines, the one through 0 in the axis colour. */
static void raster_grid(uint32_t *px, int w, int h, const AppView *v, float u) {
    for (int i = 0; i < w * h; i++)
        px[i] = APP_PANE_BG;
    AppRect r0 = {0, 0, w, h};
    double step = app_tick_step(v, w, u), k0, k1;
    double zx0 = app_view_zx(v, r0, 0), zx1 = app_view_zx(v, r0, w);
    double zy0 = app_view_zy(v, r0, h), zy1 = app_view_zy(v, r0, 0);
    for (int k = app_ticks(zx0, zx1, step, &k0, &k1); k >= 0; k--) {
        double t = (k0 + k) * step, fx = app_view_px(v, r0, t);
        uint32_t c = fabs(t) < step * 1e-6 ? APP_AXIS : APP_GRIDLINE;
        if (fx >= 0 && fx < w)
            for (int y = 0, x = (int)fx; y < h; y++)
                px[y * w + x] = c;
    }
    for (int k = app_ticks(zy0, zy1, step, &k0, &k1); k >= 0; k--) {
        double t = (k0 + k) * step, fy = app_view_py(v, r0, t);
        uint32_t c = fabs(t) < step * 1e-6 ? APP_AXIS : APP_GRIDLINE;
        if (fy >= 0 && fy < h)
            for (int x = 0, y = (int)fy; x < w; x++)
                px[y * w + x] = c;
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

static void blend_stamp(uint32_t *px, int w, int h, const uint16_t *st, int S, int x0, int y0,
                        uint32_t c) {
    uint32_t cr = (c >> 16) & 255, cg = (c >> 8) & 255, cb = c & 255;
    for (int ky = 0; ky < S; ky++) {
        int y = y0 + ky;
        if (y < 0 || y >= h) continue;
        uint32_t *row = px + (size_t)y * w;
        for (int kx = 0; kx < S; kx++) {
            int x = x0 + kx;
            uint32_t al = st[ky * S + kx];
            if (al == 0 || x < 0 || x >= w) continue;
            uint32_t d = row[x], ia = 256 - al;
            uint32_t r = (cr * al + ((d >> 16) & 255) * ia) >> 8;
            uint32_t g = (cg * al + ((d >> 8) & 255) * ia) >> 8;
            uint32_t b = (cb * al + (d & 255) * ia) >> 8;
            row[x] = 0xff000000u | r << 16 | g << 8 | b;
        }
    }
}

int app_scatter_raster(uint32_t *px, int w, int h, const AppView *v, float u,
                       const AppScatterPoints *pts) {
    raster_grid(px, w, h, v, u);
    int n = pts->n, L = pts->latent;
    /* smaller, fainter dots the more there are */
    double rad = (n > 20000 ? 1.4 : n > 5000 ? 1.8 : 2.3) * u;
    float alpha = n > 20000 ? 0.55f : 0.8f;
    int R = (int)ceil(rad + 1), S = 2 * R + 1;
    uint16_t *stamp = make_stamps(rad, alpha, R, S);
    if (!stamp) return -1;
    AppRect r0 = {0, 0, w, h};
    for (int i = 0; i < n; i++) {
        const float *z = pts->mu + (size_t)i * L;
        double cx = app_view_px(v, r0, z[pts->ax[0]]), cy = app_view_py(v, r0, z[pts->ax[1]]);
        if (!(cx > -R && cx < w + R && cy > -R && cy < h + R)) continue; /* or not finite */
        int ix = (int)floor(cx), iy = (int)floor(cy);
        int qx = (int)((cx - ix) * STAMP_SUB), qy = (int)((cy - iy) * STAMP_SUB);
        qx = qx < STAMP_SUB ? qx : STAMP_SUB - 1, qy = qy < STAMP_SUB ? qy : STAMP_SUB - 1;
        blend_stamp(px, w, h, stamp + (qy * STAMP_SUB + qx) * S * S, S, ix - R, iy - R,
                    app_class_argb(pts->labels[i]));
    }
    free(stamp);
    return 0;
}
