/* The interpolation's view: on every plane the path between the two ends (each model's
 * own, on the pane's axes) with a dot per decoded step and the ends ringed A and B; in
 * each pane's dock the strip of its model's decodes along the path, A to B. */
#include <math.h>
#include <stdio.h>

#include "gfx.h"
#include "interp.h"
#include "tools.h"

#define INTERP_COLOR APP_ARGB(120, 230, 170)
#define OUTLINE APP_ARGB(12, 14, 18)

typedef struct {
    SDL_Texture *tex[APP_MAX_PANES][APP_INTERP_STEPS];
    unsigned version[APP_MAX_PANES];
} InterpCache;

static void refresh(void *cache, const void *tool, const AppState *s, AppGfx *g) {
    InterpCache *c = cache;
    const AppInterp *it = tool;
    if (!it->on) return;
    int rows = s->session->rows, cols = s->session->cols;
    for (int i = 0; i < s->n_panes; i++) {
        if (!it->pane[i].valid || c->version[i] == it->pane[i].version) continue;
        for (int k = 0; k < APP_INTERP_STEPS; k++) {
            if (!c->tex[i][k]) c->tex[i][k] = app_image_texture(g, cols, rows);
            app_image_upload(c->tex[i][k], it->pane[i].probs + (size_t)k * rows * cols, cols, rows);
        }
        c->version[i] = it->pane[i].version;
    }
}

/* ---- the plane: the path and its ends --------------------------------------------------- */

static int finite_px(double x, double y) {
    return fabs(x) < 1e6 && fabs(y) < 1e6;
}

/* An end: a ring with its letter. */
static void end_ring(AppGfx *g, double x, double y, const char *letter) {
    double rad = 8 * g->u;
    if (!finite_px(x, y)) return;
    app_set_color(g->ren, OUTLINE);
    app_draw_circle(g->ren, x, y, rad + 1);
    app_draw_circle(g->ren, x, y, rad - 1);
    app_set_color(g->ren, INTERP_COLOR);
    app_draw_circle(g->ren, x, y, rad);
    app_text_draw(&g->text, APP_FONT_BOLD, letter, (int)(x + rad), (int)(y - 2 * rad), INTERP_COLOR,
                  APP_ALIGN_LEFT);
}

static void draw_path(AppGfx *g, const AppPane *p, const AppInterpPane *ip) {
    SDL_FPoint pts[APP_INTERP_CURVE];
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9, m = 30 * g->u; /* rings and letters */
    for (int k = 0; k < APP_INTERP_CURVE; k++) {
        double x = app_view_px(&p->view, p->rect, ip->curve[k][0]);
        double y = app_view_py(&p->view, p->rect, ip->curve[k][1]);
        if (!finite_px(x, y)) return;
        pts[k] = (SDL_FPoint){(float)x, (float)y};
        x0 = fmin(x0, x), y0 = fmin(y0, y), x1 = fmax(x1, x), y1 = fmax(y1, y);
    }
    if (!app_in_pass(g, x0 - m, y0 - m, x1 + m, y1 + m)) return;
    app_set_color(g->ren, OUTLINE); /* a dark edge keeps the line readable over the dots */
    for (int d = -1; d <= 1; d += 2) {
        SDL_FPoint sh[APP_INTERP_CURVE];
        for (int k = 0; k < APP_INTERP_CURVE; k++)
            sh[k] = (SDL_FPoint){pts[k].x + d * 0.7f * g->u, pts[k].y + d * g->u};
        SDL_RenderDrawLinesF(g->ren, sh, APP_INTERP_CURVE);
    }
    app_set_color(g->ren, INTERP_COLOR);
    SDL_RenderDrawLinesF(g->ren, pts, APP_INTERP_CURVE);
    float d = 3 * g->u;
    for (int k = 0; k < APP_INTERP_STEPS; k++) { /* where each decode of the strip is */
        const float *z = ip->z + (size_t)k * ip->L;
        float x = (float)app_view_px(&p->view, p->rect, z[ip->ax[0]]);
        float y = (float)app_view_py(&p->view, p->rect, z[ip->ax[1]]);
        app_set_color(g->ren, OUTLINE);
        SDL_RenderFillRectF(g->ren, &(SDL_FRect){x - d / 2 - 1, y - d / 2 - 1, d + 2, d + 2});
        app_set_color(g->ren, INTERP_COLOR);
        SDL_RenderFillRectF(g->ren, &(SDL_FRect){x - d / 2, y - d / 2, d, d});
    }
    end_ring(g, pts[0].x, pts[0].y, "A");
    end_ring(g, pts[APP_INTERP_CURVE - 1].x, pts[APP_INTERP_CURVE - 1].y, "B");
}

static void over(const AppDraw *d, int pane) {
    const AppInterp *it = d->tool;
    const AppPane *p = &d->s->pane[pane];
    const AppInterpPane *ip = &it->pane[pane];
    if (!it->on || !app_pane_model(d->s, p)) return;
    if (it->ends == APP_ENDS_IMAGES && it->n_ends == 1 && it->idx[0] < d->s->snap->n_points) {
        double x, y; /* the start chosen, waiting for the end */
        app_pane_point(d->s, p, it->idx[0], &x, &y);
        end_ring(d->g, x, y, "A");
        return;
    }
    if (it->n_ends == 2 && ip->valid && ip->ax[0] == p->ax[0] && ip->ax[1] == p->ax[1])
        draw_path(d->g, p, ip);
}

/* ---- the dock: the decodes along the path ----------------------------------------------- */

/* Each image's width: the strip's width shared by the steps. */
static int image_width(const AppDraw *d, int width) {
    return app_strip_cell(d->g, width, APP_INTERP_STEPS, app_px(d->g, 4), 0, d->s->session->cols);
}

static int strip_height(const AppDraw *d, int pane, int width, int avail) {
    (void)pane, (void)avail;
    const AppInterp *it = d->tool;
    if (!it->on) return 0;
    /* as tall before the ends are chosen: the plots keep their size between the clicks */
    const AppSession *se = d->s->session;
    return app_text_line(&d->g->text, APP_FONT_SMALL) + image_width(d, width) * se->rows / se->cols;
}

/* "#12 (3)": an image and its class. */
static void image_name(const AppState *s, int i, char *buf, size_t len) {
    snprintf(buf, len, "#%d (%s)", i, s->session->ds.class_names[s->session->shown->labels[i]]);
}

/* The strip's caption in three wordings, the longest first. */
static void captions(const AppDraw *d, int pane, char (*cap)[192]) {
    const AppInterpPane *ip = &((const AppInterp *)d->tool)->pane[pane];
    const AppInterp *it = d->tool;
    const AppState *s = d->s;
    char a[48], b[48];
    if (it->n_ends == 0) {
        snprintf(cap[0], 192, "interpolation: click a dot, then another, or drag across the plane");
        snprintf(cap[1], 192, "interpolation: click two dots, or drag");
        snprintf(cap[2], 192, "click two dots, or drag");
        return;
    }
    if (it->n_ends == 1) {
        image_name(s, it->idx[0], a, sizeof a);
        snprintf(cap[0], 192, "interpolation from test image %s: click the end's dot", a);
        snprintf(cap[1], 192, "from %s: click the end's dot", a);
        snprintf(cap[2], 192, "click the end's dot");
        return;
    }
    if (it->ends == APP_ENDS_IMAGES) {
        image_name(s, it->idx[0], a, sizeof a);
        image_name(s, it->idx[1], b, sizeof b);
    } else {
        snprintf(a, sizeof a, "(%.2f, %.2f)", it->pt[0][0], it->pt[0][1]);
        snprintf(b, sizeof b, "(%.2f, %.2f)", it->pt[1][0], it->pt[1][1]);
    }
    const char *name = app_snap_label(s->snap, s->pane[pane].model);
    const char *kind = ip->spherical ? "spherical" : "linear";
    snprintf(cap[0], 192, "%s: %s%s \xe2\x86\x92 %s  (%s path; Shift+L: %s)", name,
             it->ends == APP_ENDS_IMAGES ? "test " : "", a, b, kind,
             ip->spherical ? "linear" : "spherical");
    snprintf(cap[1], 192, "%s: %s \xe2\x86\x92 %s, %s", name, a, b, kind);
    snprintf(cap[2], 192, "%s: A \xe2\x86\x92 B, %s", name, kind);
}

static void strip_draw(const AppDraw *d, int pane, SDL_Rect r) {
    const InterpCache *c = d->cache;
    const AppInterpPane *ip = &((const AppInterp *)d->tool)->pane[pane];
    AppGfx *g = d->g;
    char cap[3][192];
    captions(d, pane, cap);
    app_clip(g, &r);
    app_text_draw_within(g, APP_FONT_SMALL, app_text_fitting(g, APP_FONT_SMALL, r.w, cap, 3), r.x,
                         r.y, r.w, APP_DIM);
    int lh = app_text_line(&g->text, APP_FONT_SMALL), w = image_width(d, r.w);
    int h = w * d->s->session->rows / d->s->session->cols, gap = app_px(g, 4);
    int shown = ((const AppInterp *)d->tool)->n_ends == 2 && ip->valid;
    for (int i = 0; i < APP_INTERP_STEPS; i++) {
        SDL_Rect dst = {r.x + i * (w + gap), r.y + lh, w, h};
        if (!shown) { /* where the decodes will be */
            app_set_color(g->ren, APP_PANE_BG);
            SDL_RenderFillRect(g->ren, &dst);
        } else if (c->tex[pane][i]) {
            SDL_RenderCopy(g->ren, c->tex[pane][i], NULL, &dst);
        }
    }
    if (shown) {
        app_text_draw(&g->text, APP_FONT_SMALL, "A", r.x + app_px(g, 2), r.y + lh, INTERP_COLOR,
                      APP_ALIGN_LEFT);
        app_text_draw(&g->text, APP_FONT_SMALL, "B", r.x + (APP_INTERP_STEPS - 1) * (w + gap) + 2,
                      r.y + lh, INTERP_COLOR, APP_ALIGN_LEFT);
    }
    app_clip(g, NULL);
}

static const AppStripSection strips[] = {
    /* it does not follow the pointer: its changes redraw the whole window */
    {.order = 12, .height = strip_height, .draw = strip_draw},
};

static void cache_free(void *cache) {
    InterpCache *c = cache;
    for (int i = 0; i < APP_MAX_PANES; i++)
        for (int k = 0; k < APP_INTERP_STEPS; k++)
            if (c->tex[i][k]) SDL_DestroyTexture(c->tex[i][k]);
}

const AppToolView app_view_interp = {
    .cache_size = sizeof(InterpCache),
    .refresh = refresh,
    .over = over,
    .strips = strips,
    .n_strips = 1,
    .free = cache_free,
};
