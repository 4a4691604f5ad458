/* Latent <-> pixel view of a pane (see app_view.h). */
#include "view.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scatter.h"

void app_view_fit(AppView *v, AppRect r, const float *xy, int n, int include_prior) {
    VaePlaneView pv;
    vae_plane_fit(&pv, r.w, r.h, xy, n, include_prior);
    v->cx = pv.cx, v->cy = pv.cy, v->scale = pv.scale;
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
    return vae_nice_step(span, target);
}

int app_ticks(double lo, double hi, double step, double *k0, double *k1) {
    return vae_ticks(lo, hi, step, k0, k1);
}

double app_norm_cdf(double x) {
    return 0.5 * erfc(-x / sqrt(2.0));
}
