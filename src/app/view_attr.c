/* The attribute vectors' view: on every plane an arrow from the start group's mean to the
 * end group's (each model's own), the boxes that made groups, and the image v is applied
 * to with its path z + t v; in each pane's dock that image beside the decodes of its code
 * plus t v, t from 0 to 1.5. */
#include <math.h>
#include <stdio.h>

#include "attr.h"
#include "gfx.h"
#include "latent_ops.h"
#include "tools.h"

#define ATTR_COLOR APP_ARGB(205, 150, 255)
#define OUTLINE APP_ARGB(12, 14, 18)

typedef struct {
    SDL_Texture *tex[APP_MAX_PANES][APP_ATTR_STEPS];
    unsigned version[APP_MAX_PANES];
    SDL_Texture *orig; /* the image v is applied to */
    int orig_idx;
} AttrCache;

static void refresh(void *cache, const void *tool, const AppState *s, AppGfx *g) {
    AttrCache *c = cache;
    const AppAttr *a = tool;
    if (!a->on) return;
    int rows = s->session->rows, cols = s->session->cols;
    if (!c->orig) c->orig = app_image_texture(g, cols, rows), c->orig_idx = -1;
    if (a->img >= 0 && c->orig_idx != a->img) {
        const uint8_t *img = s->session->shown->images + (size_t)a->img * s->session->pixels;
        app_image_upload_bytes(c->orig, img, cols, rows);
        c->orig_idx = a->img;
    }
    for (int i = 0; i < s->n_panes; i++) {
        const AppAttrPane *ap = &a->pane[i];
        if (!ap->strip_valid || c->version[i] == ap->version) continue;
        for (int k = 0; k < APP_ATTR_STEPS; k++) {
            if (!c->tex[i][k]) c->tex[i][k] = app_image_texture(g, cols, rows);
            app_image_upload(c->tex[i][k], ap->probs + (size_t)k * rows * cols, cols, rows);
        }
        c->version[i] = ap->version;
    }
}

/* ---- the plane: the arrow, the boxes, the image's path ---------------------------------- */

static int finite_px(double x, double y) {
    return fabs(x) < 1e6 && fabs(y) < 1e6;
}

/* The group's name: its class, or "box". */
static const char *group_name(const AppState *s, const AppGroup *g) {
    return g->kind == APP_GROUP_CLASS ? s->session->ds.class_names[g->cls] : "box";
}

static uint32_t group_color(const AppGroup *g) {
    return g->kind == APP_GROUP_CLASS ? app_class_argb(g->cls) : ATTR_COLOR;
}

/* An arrow from (x0, y0) to (x1, y1) with a dark edge. */
static void draw_arrow(AppGfx *g, double x0, double y0, double x1, double y1) {
    double dx = x1 - x0, dy = y1 - y0, n = hypot(dx, dy);
    if (n < 1) return;
    double ux = dx / n, uy = dy / n, a = 12 * g->u, b = 5 * g->u;
    for (int pass = 0; pass < 2; pass++) {
        app_set_color(g->ren, pass ? ATTR_COLOR : OUTLINE);
        for (int o = pass ? 0 : -1; o <= (pass ? 1 : 2); o++) { /* 2 px, 4 px under it */
            float ox = (float)(-uy * (o - 0.5)), oy = (float)(ux * (o - 0.5));
            SDL_RenderDrawLineF(g->ren, (float)x0 + ox, (float)y0 + oy, (float)(x1 - ux * a) + ox,
                                (float)(y1 - uy * a) + oy);
        }
    }
    SDL_Color c = {205, 150, 255, 255};
    SDL_Vertex v[3] = {
        {{(float)x1, (float)y1}, c, {0, 0}},
        {{(float)(x1 - ux * a - uy * b), (float)(y1 - uy * a + ux * b)}, c, {0, 0}},
        {{(float)(x1 - ux * a + uy * b), (float)(y1 - uy * a - ux * b)}, c, {0, 0}},
    };
    SDL_RenderGeometry(g->ren, NULL, v, 3, NULL, 0);
}

/* A label in a dark box centred at (x, y). */
static void tag(AppGfx *g, double x, double y, const char *text, uint32_t color) {
    int w = app_text_width(&g->text, APP_FONT_SMALL, text),
        h = app_text_line(&g->text, APP_FONT_SMALL);
    int pad = app_px(g, 3);
    SDL_Rect r = {(int)x - w / 2 - pad, (int)y - h / 2, w + 2 * pad, h};
    app_shade_rect(g, r, 210);
    app_text_draw(&g->text, APP_FONT_SMALL, text, (int)x, r.y, color, APP_ALIGN_CENTER);
}

static void draw_means(AppGfx *g, const AppState *s, const AppAttr *a, const AppPane *p,
                       const AppAttrPane *ap) {
    double x[2], y[2];
    for (int k = 0; k < 2; k++) {
        x[k] = app_view_px(&p->view, p->rect, ap->mean[k][p->ax[0]]);
        y[k] = app_view_py(&p->view, p->rect, ap->mean[k][p->ax[1]]);
        if (!finite_px(x[k], y[k])) return;
    }
    draw_arrow(g, x[0], y[0], x[1], y[1]);
    double dx = x[1] - x[0], dy = y[1] - y[0], n = hypot(dx, dy) + 1e-9, off = 14 * g->u;
    for (int k = 0; k < 2; k++) { /* beyond each end, away from the other */
        double sgn = k ? 1 : -1;
        char t[48];
        snprintf(t, sizeof t, "%s %s", k ? "to" : "from", group_name(s, &a->group[k]));
        tag(g, x[k] + sgn * dx / n * off, y[k] + sgn * dy / n * off, t, group_color(&a->group[k]));
    }
}

static void draw_box(AppGfx *g, const AppPane *p, double zx0, double zy0, double zx1, double zy1,
                     const char *label) {
    double x0 = app_view_px(&p->view, p->rect, zx0), y0 = app_view_py(&p->view, p->rect, zy0);
    double x1 = app_view_px(&p->view, p->rect, zx1), y1 = app_view_py(&p->view, p->rect, zy1);
    if (!finite_px(x0, y0) || !finite_px(x1, y1)) return;
    SDL_FRect r = {(float)fmin(x0, x1), (float)fmin(y0, y1), (float)fabs(x1 - x0),
                   (float)fabs(y1 - y0)};
    app_set_color(g->ren, OUTLINE);
    SDL_RenderDrawRectF(g->ren, &(SDL_FRect){r.x - 1, r.y - 1, r.w + 2, r.h + 2});
    app_set_color(g->ren, ATTR_COLOR);
    SDL_RenderDrawRectF(g->ren, &r);
    if (label)
        app_text_draw(&g->text, APP_FONT_SMALL, label, (int)r.x + app_px(g, 3), (int)r.y + 1,
                      ATTR_COLOR, APP_ALIGN_LEFT);
}

/* The image's code and where t v takes it: a line with a dot per step (follows the
 * pointer: marked). */
static void draw_applied(AppGfx *g, int pane, const AppPane *p, const AppAttrPane *ap, int held) {
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9, d = 3 * g->u;
    SDL_FPoint pts[APP_ATTR_STEPS];
    for (int k = 0; k < APP_ATTR_STEPS; k++) {
        const float *z = ap->z + (size_t)k * ap->L;
        double x = app_view_px(&p->view, p->rect, z[p->ax[0]]);
        double y = app_view_py(&p->view, p->rect, z[p->ax[1]]);
        if (!finite_px(x, y)) return;
        pts[k] = (SDL_FPoint){(float)x, (float)y};
        x0 = fmin(x0, x), y0 = fmin(y0, y), x1 = fmax(x1, x), y1 = fmax(y1, y);
    }
    app_set_color(g->ren, ATTR_COLOR);
    SDL_RenderDrawLinesF(g->ren, pts, APP_ATTR_STEPS);
    for (int k = 0; k < APP_ATTR_STEPS; k++) {
        app_set_color(g->ren, OUTLINE);
        SDL_RenderFillRectF(g->ren,
                            &(SDL_FRect){pts[k].x - (float)d / 2 - 1, pts[k].y - (float)d / 2 - 1,
                                         (float)d + 2, (float)d + 2});
        app_set_color(g->ren, ATTR_COLOR);
        SDL_RenderFillRectF(g->ren, &(SDL_FRect){pts[k].x - (float)d / 2, pts[k].y - (float)d / 2,
                                                 (float)d, (float)d});
    }
    double rad = 9 * g->u;
    if (held) { /* the clicked image: a ring that stays */
        app_draw_circle(g->ren, pts[0].x, pts[0].y, rad);
        app_draw_circle(g->ren, pts[0].x, pts[0].y, rad + 1);
    }
    app_mark(g, pane, p->rect, x0 - rad - 1, y0 - rad - 1, x1 + rad + 1, y1 + rad + 1);
}

static void over(const AppDraw *d, int pane) {
    const AppAttr *a = d->tool;
    const AppState *s = d->s;
    const AppPane *p = &s->pane[pane];
    const AppAttrPane *ap = &a->pane[pane];
    if (!a->on || !app_pane_model(s, p)) return;
    SDL_Rect r = app_sdl_rect(p->rect);
    if (app_in_pass(d->g, r.x, r.y, r.x + r.w, r.y + r.h)) { /* else all would be clipped */
        for (int k = 0; k < 2; k++) {
            const AppGroup *gr = &a->group[k];
            if (gr->kind == APP_GROUP_BOX && gr->pane == pane && gr->ax[0] == p->ax[0] &&
                gr->ax[1] == p->ax[1])
                draw_box(d->g, p, gr->box[0], gr->box[1], gr->box[2], gr->box[3],
                         k ? "end" : "start");
        }
        const AppGesture *ge = &a->gesture;
        if (ge->active && ge->moved && ge->pane == pane && s->left_tool == a)
            draw_box(d->g, p, app_view_zx(&p->view, p->rect, ge->x0 + 0.5),
                     app_view_zy(&p->view, p->rect, ge->y0 + 0.5),
                     app_view_zx(&p->view, p->rect, ge->x + 0.5),
                     app_view_zy(&p->view, p->rect, ge->y + 0.5), NULL);
        if (ap->means_valid && ap->count[0] && ap->count[1]) draw_means(d->g, s, a, p, ap);
    }
    /* the image's path follows the pointer: every pass records its marks */
    if (ap->strip_valid && ap->img == a->img) draw_applied(d->g, pane, p, ap, a->held >= 0);
}

/* ---- the dock: the image, then its code plus t v decoded -------------------------------- */

/* Each image's width: the original and the steps share the strip's width. */
static int image_width(const AppDraw *d, int width) {
    return app_strip_cell(d->g, width, 1 + APP_ATTR_STEPS, app_px(d->g, 4), app_px(d->g, 12),
                          d->s->session->cols);
}

static int strip_height(const AppDraw *d, int pane, int width, int avail) {
    (void)pane, (void)avail;
    if (!((const AppAttr *)d->tool)->on) return 0;
    const AppSession *se = d->s->session;
    return app_text_line(&d->g->text, APP_FONT_SMALL) + image_width(d, width) * se->rows / se->cols;
}

/* "box of 120" or the class's name. */
static void group_text(const AppState *s, const AppGroup *g, int count, char *buf, size_t len) {
    if (g->kind == APP_GROUP_CLASS)
        snprintf(buf, len, "%s", s->session->ds.class_names[g->cls]);
    else
        snprintf(buf, len, "box of %d", count);
}

/* The strip's caption in three wordings, the longest first. */
static void captions(const AppDraw *d, int pane, char (*cap)[192]) {
    const AppAttr *a = d->tool;
    const AppState *s = d->s;
    const AppAttrPane *ap = &a->pane[pane];
    const char *name = app_snap_label(s->snap, s->pane[pane].model);
    char g0[40], g1[40], img[48];
    group_text(s, &a->group[0], ap->count[0], g0, sizeof g0);
    group_text(s, &a->group[1], ap->count[1], g1, sizeof g1);
    if (ap->means_valid && (!ap->count[0] || !ap->count[1])) {
        snprintf(cap[0], 192, "%s: no test image in the %s group", name,
                 ap->count[0] ? "end" : "start");
        snprintf(cap[1], 192, "%s: an empty group", name);
        snprintf(cap[2], 192, "an empty group");
        return;
    }
    if (a->img < 0) {
        snprintf(cap[0], 192,
                 "%s: v = mean(%s) - mean(%s): hover or click a dot to apply it  "
                 "(\xe2\x86\x90\xe2\x86\x92 \xe2\x86\x93\xe2\x86\x91 classes, or drag boxes)",
                 name, g1, g0);
        snprintf(cap[1], 192, "%s: v = mean(%s) - mean(%s): hover a dot", name, g1, g0);
        snprintf(cap[2], 192, "%s: mean(%s) - mean(%s)", name, g1, g0);
        return;
    }
    snprintf(img, sizeof img, "#%d (%s)", a->img,
             s->session->ds.class_names[s->session->shown->labels[a->img]]);
    snprintf(cap[0], 192, "%s: %s + t v, v = mean(%s) - mean(%s), t = 0 \xe2\x80\xa6 %g", name, img,
             g1, g0, (double)VAE_ATTRIBUTE_T_MAX);
    snprintf(cap[1], 192, "%s: %s + t (mean(%s) - mean(%s))", name, img, g1, g0);
    snprintf(cap[2], 192, "%s: %s + t v", name, img);
}

static void strip_draw(const AppDraw *d, int pane, SDL_Rect r) {
    const AttrCache *c = d->cache;
    const AppAttr *a = d->tool;
    const AppAttrPane *ap = &a->pane[pane];
    AppGfx *g = d->g;
    char cap[3][192];
    captions(d, pane, cap);
    app_clip(g, &r);
    app_text_draw_within(g, APP_FONT_SMALL, app_text_fitting(g, APP_FONT_SMALL, r.w, cap, 3), r.x,
                         r.y, r.w, APP_DIM);
    int lh = app_text_line(&g->text, APP_FONT_SMALL), w = image_width(d, r.w);
    int h = w * d->s->session->rows / d->s->session->cols, gap = app_px(g, 4);
    int shown = a->img >= 0 && ap->strip_valid && ap->img == a->img;
    for (int i = 0; i <= APP_ATTR_STEPS; i++) { /* the image, then its code + t v decoded */
        SDL_Rect dst = {r.x + i * (w + gap) + (i ? app_px(g, 8) : 0), r.y + lh, w, h};
        SDL_Texture *tex = !shown ? NULL : i ? c->tex[pane][i - 1] : c->orig;
        if (!tex) {
            app_set_color(g->ren, APP_PANE_BG);
            SDL_RenderFillRect(g->ren, &dst);
            continue;
        }
        SDL_RenderCopy(g->ren, tex, NULL, &dst);
        char t[16];
        snprintf(t, sizeof t, "%g", (double)(VAE_ATTRIBUTE_T_MAX * (i - 1) / (APP_ATTR_STEPS - 1)));
        if (i && w >= 2 * (int)g->u * d->s->session->cols) /* smaller, they cover the digits */
            app_text_draw(&g->text, APP_FONT_SMALL, t, dst.x + app_px(g, 2), dst.y, ATTR_COLOR,
                          APP_ALIGN_LEFT);
    }
    app_clip(g, NULL);
}

static const AppStripSection strips[] = {
    {.order = 14, .dynamic = 1, .height = strip_height, .draw = strip_draw},
};

static void cache_free(void *cache) {
    AttrCache *c = cache;
    if (c->orig) SDL_DestroyTexture(c->orig);
    for (int i = 0; i < APP_MAX_PANES; i++)
        for (int k = 0; k < APP_ATTR_STEPS; k++)
            if (c->tex[i][k]) SDL_DestroyTexture(c->tex[i][k]);
}

const AppToolView app_view_attr = {
    .cache_size = sizeof(AttrCache),
    .refresh = refresh,
    .over = over,
    .strips = strips,
    .n_strips = 1,
    .free = cache_free,
};
