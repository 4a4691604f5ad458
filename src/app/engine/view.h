/* The mapping between latent coordinates and pixels of a pane: centre, scale, auto-fit
 * to a set of points, zoom around a pixel, pan, and "nice" tick steps for the axes. */
#ifndef APP_VIEW_H
#define APP_VIEW_H

typedef struct {
    int x, y, w, h; /* pane rectangle, pixels */
} AppRect;

typedef struct {
    double cx, cy; /* latent point at the centre of the pane */
    double scale;  /* pixels per latent unit (same on both axes) */
    int user;      /* the user zoomed or panned: stop auto-fitting */
} AppView;

/* Whether two views show the same region (the user flag aside). */
static inline int app_view_same(const AppView *a, const AppView *b) {
    return a->cx == b->cx && a->cy == b->cy && a->scale == b->scale;
}

static inline double app_view_px(const AppView *v, AppRect r, double zx) {
    return r.x + 0.5 * r.w + (zx - v->cx) * v->scale;
}
static inline double app_view_py(const AppView *v, AppRect r, double zy) {
    return r.y + 0.5 * r.h - (zy - v->cy) * v->scale;
}
static inline double app_view_zx(const AppView *v, AppRect r, double px) {
    return v->cx + (px - r.x - 0.5 * r.w) / v->scale;
}
static inline double app_view_zy(const AppView *v, AppRect r, double py) {
    return v->cy - (py - r.y - 0.5 * r.h) / v->scale;
}

/* Fit the view to the bulk of n points (xy pairs), ignoring the extreme 0.2 % on each
 * side so one outlier does not squash the plot; include_prior also fits the 3-sigma
 * circle. Leaves v->user unchanged. */
void app_view_fit(AppView *v, AppRect r, const float *xy, int n, int include_prior);
/* Zoom by factor around pixel (px, py): the latent point under it stays put. */
void app_view_zoom(AppView *v, AppRect r, double px, double py, double factor);
void app_view_pan(AppView *v, double dx_px, double dy_px);
/* A 1-2-5 step giving about `target` ticks over span. */
double app_nice_step(double span, int target);
/* The tick multiples k0..k1 of step inside [lo, hi]: returns k1 - k0 (the loop count - 1),
 * or -1 when there are none or too many (counting in integers keeps a loop finite where
 * t += step would not advance, e.g. on a latent space blown up to 1e19). */
int app_ticks(double lo, double hi, double step, double *k0, double *k1);
/* The tick step of a pane w pixels wide at scale u pixels per point: ~90 points apart. */
static inline double app_tick_step(const AppView *v, int w, float u) {
    return app_nice_step(w / v->scale, w / (int)(90 * u) + 1);
}
double app_norm_cdf(double x);

#endif
