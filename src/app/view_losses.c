/* The loss curves in the panel: per sample, in nats, on a log scale, against the step:
 * the first model's objective, reconstruction and KL, the other models' reconstruction,
 * and dashed, each model's held-out loss on the test split (-ELBO, an AE's recon): an AE
 * that overfits drifts apart from its training curve, a VAE's KL term holds it. Non-finite
 * values (skipped steps, no evaluation yet) are gaps. */
#include <math.h>
#include <stdio.h>

#include "gfx.h"
#include "losses.h"
#include "tools.h"

enum { RECON, KL, TOTAL };

typedef struct {
    int model, term, test; /* test: the held-out loss (dashed) */
    const char *name;
    uint32_t color;
} Curve;

/* A model's held-out curve is -ELBO for a VAE (its own colour: the objective's for the first
 * model), recon for an AE (the colour of its recon curve). */
static const Curve curve_list[] = {
    {0, TOTAL, 0, "objective", APP_ARGB(235, 203, 139)},
    {0, RECON, 0, "recon", APP_ARGB(136, 192, 208)},
    {0, KL, 0, "KL", APP_ARGB(180, 142, 173)},
    {1, RECON, 0, "recon", APP_ARGB(208, 135, 112)},
    {2, RECON, 0, "recon", APP_ARGB(163, 190, 140)},
    {3, RECON, 0, "recon", APP_ARGB(191, 97, 106)},
    {0, TOTAL, 1, "test -ELBO", APP_ARGB(235, 203, 139)},
    {1, TOTAL, 1, "test -ELBO", APP_ARGB(208, 135, 112)},
    {2, TOTAL, 1, "test -ELBO", APP_ARGB(163, 190, 140)},
    {3, TOTAL, 1, "test -ELBO", APP_ARGB(191, 97, 106)},
};
#define N_CURVES ((int)(sizeof curve_list / sizeof *curve_list))

static double value(const AppLossPoint *p, const Curve *c) {
    const AppLoss *l = c->test ? &p->test[c->model] : &p->loss[c->model];
    return c->term == RECON ? l->recon : c->term == KL ? l->kl : l->total;
}

/* Whether curve c has a model in snap (and a KL to plot); an AE's held-out -ELBO is its
 * recon (it has no KL); a PCA, never trained, has only its held-out curve. */
static int shown(const Curve *c, const AppSnapshot *s) {
    return s && c->model < s->n_models && (c->term != KL || app_is_vae(&s->model[c->model])) &&
           (c->test || s->model[c->model].cfg.kind != VAE_KIND_PCA);
}

/* The losses model m's point of the rate-distortion plane follows at history point i: its
 * training steps', a PCA's held-out ones (it is fitted, not trained: one point, KL 0). */
static const AppLoss *rd_loss(const AppSnapshot *s, int i, int m) {
    return s->model[m].cfg.kind == VAE_KIND_PCA ? &s->hist[i].test[m] : &s->hist[i].loss[m];
}

static const char *curve_name(const Curve *c, const AppSnapshot *s) {
    return c->test && !app_is_vae(&s->model[c->model]) ? "test recon" : c->name;
}

/* The curves' names with their colours, wrapped to width w; returns the lines used (draw
 * 0: only measures). */
static int legend(AppGfx *g, const AppSnapshot *s, int x, int y, int w, int draw) {
    int lh = app_text_line(&g->text, APP_FONT_SMALL), cx = x, lines = 1;
    for (int c = 0; c < N_CURVES; c++) {
        if (!shown(&curve_list[c], s)) continue;
        char name[80];
        snprintf(name, sizeof name, "%s %s", app_snap_label(s, curve_list[c].model),
                 curve_name(&curve_list[c], s));
        int tw = app_px(g, 16) + app_text_width(&g->text, APP_FONT_SMALL, name);
        if (cx > x && cx + tw > x + w) cx = x, y += lh, lines++;
        if (draw) {
            app_set_color(g->ren, curve_list[c].color);
            for (int k = 0; k < (curve_list[c].test ? 3 : 1); k++) { /* dashed: held out */
                int seg = curve_list[c].test ? app_px(g, 3) : app_px(g, 12);
                SDL_Rect sw = {cx + k * 2 * seg, y + lh / 2 - 1, seg, app_px(g, 2) + 1};
                SDL_RenderFillRect(g->ren, &sw);
            }
            app_text_draw(&g->text, APP_FONT_SMALL, name, cx + app_px(g, 16), y, APP_DIM,
                          APP_ALIGN_LEFT);
        }
        cx += tw + app_px(g, 12);
    }
    return lines;
}

/* A PCA's held-out loss is flat and has few points (every few seconds): never trimmed as an
 * outlier, its newest value widens [lo, hi]. */
static void fitted_range(const AppSnapshot *s, int (*pick)(const Curve *), double *lo, double *hi) {
    for (int c = 0; c < N_CURVES; c++) {
        const Curve *cv = &curve_list[c];
        if (!shown(cv, s) || !pick(cv) || s->model[cv->model].cfg.kind != VAE_KIND_PCA) continue;
        for (int i = s->n_hist - 1; i >= 0; i--) {
            double x = value(&s->hist[i], cv);
            if (!isfinite(x)) continue;
            *lo = fmin(*lo, x), *hi = fmax(*hi, x);
            break;
        }
    }
}

/* The range of the curves for which pick(c) holds over the newest 80 % of the history (the
 * first steps' losses dwarf the rest): from the 2nd to the 98th percentile of their finite
 * values (a diverging step does not squash the plot), padded. 0 if there is none. */
static int robust_range(const AppSnapshot *s, int (*pick)(const Curve *), double *lo, double *hi) {
    static double v[N_CURVES * APP_HIST_CAP];
    int n = 0;
    for (int i = s->n_hist / 5; i < s->n_hist; i++)
        for (int c = 0; c < N_CURVES; c++) {
            if (!shown(&curve_list[c], s) || !pick(&curve_list[c])) continue;
            double x = value(&s->hist[i], &curve_list[c]);
            if (isfinite(x)) v[n++] = x;
        }
    if (n == 0) return 0;
    for (int a = 1; a < n; a++) /* insertion sort: a few thousand values */
        for (int b = a; b > 0 && v[b - 1] > v[b]; b--) {
            double t = v[b];
            v[b] = v[b - 1], v[b - 1] = t;
        }
    *lo = v[n / 50], *hi = v[n - 1 - n / 50];
    fitted_range(s, pick, lo, hi);
    double pad = fmax((*hi - *lo) * 0.1, fmax(fabs(*hi) * 0.01, 0.05));
    *lo -= pad, *hi += pad;
    return 1;
}

static int is_kl(const Curve *c) {
    return c->term == KL;
}
static int not_kl(const Curve *c) {
    return c->term != KL;
}

/* Horizontal grid lines at nice values in [lo, hi], labelled on the left. */
static void y_ticks(AppGfx *g, SDL_Rect plot, double lo, double hi) {
    int lh = app_text_line(&g->text, APP_FONT_SMALL);
    double step = app_nice_step(hi - lo, plot.h / (2 * lh) + 1), k0, k1;
    for (int k = app_ticks(lo, hi, step, &k0, &k1); k >= 0; k--) {
        double v = (k0 + k) * step;
        int y = plot.y + plot.h - 1 - (int)((v - lo) / (hi - lo) * (plot.h - 1));
        app_set_color(g->ren, APP_GRIDLINE);
        SDL_RenderDrawLine(g->ren, plot.x, y, plot.x + plot.w - 1, y);
        char lab[32];
        snprintf(lab, sizeof lab, fabs(v) >= 1e5 ? "%.0e" : step >= 1 ? "%.0f" : "%.2g", v);
        app_text_draw(&g->text, APP_FONT_SMALL, lab, plot.x - app_px(g, 4), y - lh / 2, APP_DIM,
                      APP_ALIGN_RIGHT);
    }
}

/* A polyline in dashes of about dash pixels (the held-out curves). */
static void dashed(SDL_Renderer *ren, const SDL_FPoint *p, int n, float dash) {
    float carry = 0; /* along the line since the last dash began */
    for (int i = 1; i < n; i++) {
        float dx = p[i].x - p[i - 1].x, dy = p[i].y - p[i - 1].y, len = sqrtf(dx * dx + dy * dy);
        for (float t = 0; t < len;) {
            float phase = fmodf(carry + t, 2 * dash), step = fminf(len - t, 2 * dash - phase);
            if (phase < dash) {
                float on = fminf(step, dash - phase);
                SDL_RenderDrawLineF(ren, p[i - 1].x + dx * t / len, p[i - 1].y + dy * t / len,
                                    p[i - 1].x + dx * (t + on) / len,
                                    p[i - 1].y + dy * (t + on) / len);
            }
            t += step;
        }
        carry = fmodf(carry + len, 2 * dash);
    }
}

/* The picked curves in plot on a linear scale [lo, hi] (values beyond sit on the edge). A
 * few minibatches' losses are noisy: the training curves are drawn smoothed (an
 * exponential mean over about five points); the held-out ones are each a whole test pass. */
static void curves(AppGfx *g, const AppSnapshot *s, SDL_Rect plot, double lo, double hi,
                   int (*pick)(const Curve *)) {
    static SDL_FPoint pts[APP_HIST_CAP];
    double x0 = (double)s->hist[0].step, x1 = (double)s->hist[s->n_hist - 1].step;
    if (x1 <= x0) x1 = x0 + 1;
    app_clip(g, &plot);
    for (int c = 0; c < N_CURVES; c++) {
        if (!shown(&curve_list[c], s) || !pick(&curve_list[c])) continue;
        int n = 0;
        double mean = NAN;
        for (int i = 0; i < s->n_hist; i++) {
            double v = value(&s->hist[i], &curve_list[c]);
            if (!isfinite(v)) continue;
            if (!curve_list[c].test) v = mean = isfinite(mean) ? 0.8 * mean + 0.2 * v : v;
            double fy = fmin(1.02, fmax(-0.02, (v - lo) / (hi - lo)));
            double fx = ((double)s->hist[i].step - x0) / (x1 - x0);
            pts[n++] = (SDL_FPoint){(float)(plot.x + fx * (plot.w - 1)),
                                    (float)(plot.y + plot.h - 1 - fy * (plot.h - 1))};
        }
        app_set_color(g->ren, curve_list[c].color);
        if (n >= 2 && curve_list[c].test)
            dashed(g->ren, pts, n, 4 * g->u);
        else if (n >= 2)
            SDL_RenderDrawLinesF(g->ren, pts, n);
    }
    app_clip(g, NULL);
}

/* One of the two plots: a background, the grid, the picked curves. */
static void plot_curves(AppGfx *g, const AppSnapshot *s, SDL_Rect plot,
                        int (*pick)(const Curve *)) {
    app_set_color(g->ren, APP_PANE_BG);
    SDL_RenderFillRect(g->ren, &plot);
    double lo, hi;
    if (!robust_range(s, pick, &lo, &hi)) return;
    y_ticks(g, plot, lo, hi);
    curves(g, s, plot, lo, hi, pick);
}

/* ---- the rate-distortion plane ---------------------------------------------------------- */

/* Model m's colour: its recon curve's. */
static uint32_t model_color(int m) {
    return m == 0 ? curve_list[1].color : curve_list[2 + (m < 4 ? m : 3)].color;
}

/* The range [lo, hi] of the history's values of term (KL or recon) over its last 80 %
 * (the first steps' losses dwarf the rest), widened by a margin. A model without a KL term
 * (an AE, a PCA) sits at rate 0. */
static void range(const AppSnapshot *s, int term, double *lo, double *hi) {
    *lo = INFINITY, *hi = -INFINITY;
    for (int i = s->n_hist / 5; i < s->n_hist; i++)
        for (int m = 0; m < s->n_models; m++) {
            const AppLoss *l = rd_loss(s, i, m);
            double v = term == KL ? (app_is_vae(&s->model[m]) ? l->kl : 0) : l->recon;
            if (isfinite(v) && isfinite(l->recon)) *lo = fmin(*lo, v), *hi = fmax(*hi, v);
        }
    if (!(*lo <= *hi)) *lo = 0, *hi = 1;
    double pad = fmax((*hi - *lo) * 0.08, 0.5);
    *lo = term == KL ? fmax(0, *lo - pad) : *lo - pad, *hi += pad;
}

/* Lines of constant -ELBO (recon + KL = c): where the plane trades one for the other. */
static void elbo_lines(AppGfx *g, SDL_Rect plot, double k0, double k1, double r0, double r1) {
    double step = app_nice_step((r1 - r0) + (k1 - k0), 6), c0 = ceil((r0 + k0) / step) * step;
    app_clip(g, &plot);
    for (double c = c0; c < r1 + k1; c += step) {
        /* recon = c - KL from KL = k0 to k1 */
        double x0 = plot.x, y0 = plot.y + plot.h - (c - k0 - r0) / (r1 - r0) * plot.h;
        double x1 = plot.x + plot.w, y1 = plot.y + plot.h - (c - k1 - r0) / (r1 - r0) * plot.h;
        app_set_color(g->ren, APP_GRIDLINE);
        SDL_RenderDrawLineF(g->ren, (float)x0, (float)y0, (float)x1, (float)y1);
        char lab[32];
        snprintf(lab, sizeof lab, "%.0f", c);
        double xl = plot.x + plot.w * 0.02, yl = y0 + (y1 - y0) * 0.02;
        if (yl > plot.y && yl < plot.y + plot.h - app_px(g, 10))
            app_text_draw(&g->text, APP_FONT_SMALL, lab, (int)xl, (int)yl, APP_GRIDLINE + 0x202020,
                          APP_ALIGN_LEFT);
    }
    app_clip(g, NULL);
}

/* Each model's path through (KL, recon), the newest point a dot. A minibatch's losses
 * are noisy: the path is their running mean (a smoothing window of a few points). */
static void rd_paths(AppGfx *g, const AppSnapshot *s, SDL_Rect plot, double k0, double k1,
                     double r0, double r1) {
    static SDL_FPoint pts[APP_HIST_CAP];
    const double keep = 0.7; /* exponential smoothing of the path */
    app_clip(g, &plot);
    for (int m = 0; m < s->n_models; m++) {
        int n = 0;
        double kl_s = NAN, rec_s = NAN;
        for (int i = 0; i < s->n_hist; i++) {
            const AppLoss *l = rd_loss(s, i, m);
            double kl = app_is_vae(&s->model[m]) ? l->kl : 0;
            if (!isfinite(kl) || !isfinite(l->recon)) continue;
            kl_s = isfinite(kl_s) ? keep * kl_s + (1 - keep) * kl : kl;
            rec_s = isfinite(rec_s) ? keep * rec_s + (1 - keep) * l->recon : l->recon;
            pts[n++] = (SDL_FPoint){(float)(plot.x + (kl_s - k0) / (k1 - k0) * plot.w),
                                    (float)(plot.y + plot.h - (rec_s - r0) / (r1 - r0) * plot.h)};
        }
        app_set_color(g->ren, model_color(m));
        if (n >= 2) SDL_RenderDrawLinesF(g->ren, pts, n);
        if (n >= 1) {
            SDL_FRect dot = {pts[n - 1].x - 3 * g->u, pts[n - 1].y - 3 * g->u, 6 * g->u, 6 * g->u};
            SDL_RenderFillRectF(g->ren, &dot);
        }
    }
    app_clip(g, NULL);
}

static void rd_draw(AppGfx *g, const AppSnapshot *s, SDL_Rect r) {
    int lh = app_text_line(&g->text, APP_FONT_SMALL), bold = app_text_line(&g->text, APP_FONT_BOLD);
    app_text_draw(&g->text, APP_FONT_BOLD, "Rate and distortion (nats; K: curves)", r.x, r.y,
                  APP_TEXT, APP_ALIGN_LEFT);
    int left = app_px(g, 40), cx = r.x + left;
    for (int m = 0; m < s->n_models; m++) { /* the models' colours */
        app_set_color(g->ren, model_color(m));
        SDL_Rect sw = {cx, r.y + bold + lh / 2 - 1, app_px(g, 12), app_px(g, 3)};
        SDL_RenderFillRect(g->ren, &sw);
        cx += app_px(g, 16) +
              app_text_draw(&g->text, APP_FONT_SMALL, app_snap_label(s, m), cx + app_px(g, 16),
                            r.y + bold, APP_DIM, APP_ALIGN_LEFT) +
              app_px(g, 12);
    }
    SDL_Rect plot = {r.x + left, r.y + bold + lh + app_px(g, 4), r.w - left,
                     r.h - bold - 2 * lh - app_px(g, 8)};
    if (plot.h < app_px(g, 30)) return;
    app_set_color(g->ren, APP_PANE_BG);
    SDL_RenderFillRect(g->ren, &plot);
    if (s->n_hist < 2) return;
    double k0, k1, r0, r1;
    range(s, KL, &k0, &k1);
    range(s, RECON, &r0, &r1);
    elbo_lines(g, plot, k0, k1, r0, r1);
    rd_paths(g, s, plot, k0, k1, r0, r1);
    char lab[64];
    snprintf(lab, sizeof lab, "%.0f", r1);
    app_text_draw(&g->text, APP_FONT_SMALL, lab, plot.x - app_px(g, 4), plot.y, APP_DIM,
                  APP_ALIGN_RIGHT);
    snprintf(lab, sizeof lab, "%.0f", r0);
    app_text_draw(&g->text, APP_FONT_SMALL, lab, plot.x - app_px(g, 4), plot.y + plot.h - lh,
                  APP_DIM, APP_ALIGN_RIGHT);
    app_text_drawf(&g->text, APP_FONT_SMALL, plot.x, plot.y + plot.h + app_px(g, 2), APP_DIM,
                   APP_ALIGN_LEFT, "KL %.1f", k0);
    app_text_drawf(&g->text, APP_FONT_SMALL, plot.x + plot.w, plot.y + plot.h + app_px(g, 2),
                   APP_DIM, APP_ALIGN_RIGHT, "KL (rate) %.1f \xc2\xb7 recon (distortion) up", k1);
}

static void section_draw(const AppDraw *d, SDL_Rect r) {
    const AppSnapshot *s = d->s->snap;
    AppGfx *g = d->g;
    if (s && ((const AppLosses *)d->tool)->rate_distortion) {
        rd_draw(g, s, r);
        return;
    }
    int lh = app_text_line(&g->text, APP_FONT_SMALL), bold = app_text_line(&g->text, APP_FONT_BOLD);
    app_text_draw(&g->text, APP_FONT_BOLD, "Loss per sample (nats; K: rate-distortion)", r.x, r.y,
                  APP_TEXT, APP_ALIGN_LEFT);
    int left = app_px(g, 40), lines = s ? legend(g, s, r.x + left, 0, r.w - left, 0) : 1;
    SDL_Rect plot = {r.x + left, r.y + bold + lines * lh + app_px(g, 4), r.w - left,
                     r.h - bold - (lines + 1) * lh - app_px(g, 8)};
    if (plot.h < app_px(g, 30)) return;
    app_set_color(g->ren, APP_PANE_BG);
    SDL_RenderFillRect(g->ren, &plot);
    if (s) legend(g, s, plot.x, plot.y - lines * lh - app_px(g, 2), plot.w, 1);
    if (!s || s->n_hist < 2) {
        app_text_draw(&g->text, APP_FONT_SMALL,
                      s && !d->s->session->trainer ? "no training history" : "no data yet",
                      plot.x + plot.w / 2, plot.y + plot.h / 2 - lh / 2, APP_DIM, APP_ALIGN_CENTER);
        return;
    }
    /* the reconstruction-sized terms above, the KL (a few nats) below, each zoomed on the
     * newest 80 % of the run so that train and test curves part visibly */
    int any_kl = 0;
    for (int m = 0; m < s->n_models; m++)
        any_kl |= app_is_vae(&s->model[m]);
    int kl_h = any_kl ? plot.h / 3 : 0, gap = any_kl ? app_px(g, 6) : 0;
    SDL_Rect top = {plot.x, plot.y, plot.w, plot.h - kl_h - gap};
    SDL_Rect low = {plot.x, plot.y + top.h + gap, plot.w, kl_h};
    plot_curves(g, s, top, not_kl);
    if (any_kl) plot_curves(g, s, low, is_kl);
    app_text_drawf(&g->text, APP_FONT_SMALL, plot.x, plot.y + plot.h + app_px(g, 2), APP_DIM,
                   APP_ALIGN_LEFT, "step %lld", (long long)s->hist[0].step);
    app_text_drawf(&g->text, APP_FONT_SMALL, plot.x + plot.w, plot.y + plot.h + app_px(g, 2),
                   APP_DIM, APP_ALIGN_RIGHT, "step %lld", (long long)s->hist[s->n_hist - 1].step);
}

/* Whatever the other sections leave, at least a 90-point plot with its text. */
static int section_height(const AppDraw *d, int width, int avail) {
    (void)width, (void)avail;
    const AppGfx *g = d->g;
    return -(app_text_line(&g->text, APP_FONT_BOLD) + 2 * app_text_line(&g->text, APP_FONT_SMALL) +
             app_px(g, 8) + app_px(g, 90));
}

static const AppPanelSection sections[] = {
    {.order = 90, .height = section_height, .draw = section_draw},
};

const AppToolView app_view_losses = {
    .sections = sections,
    .n_sections = 1,
};
