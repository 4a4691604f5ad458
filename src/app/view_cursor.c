/* The cursor tool's view: a crosshair where each pane's cursor code is, and in the panel
 * the image each pane's model decodes there, large (nearest-neighbour, up to 10x), with
 * its code. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "gfx.h"
#include "tools.h"

typedef struct {
    SDL_Texture *tex[APP_MAX_PANES];
    unsigned version[APP_MAX_PANES];
} CursorCache;

static void refresh(void *cache, const void *tool, const AppState *s, AppGfx *g) {
    CursorCache *c = cache;
    const AppCursor *cur = tool;
    for (int i = 0; i < s->n_panes; i++) {
        if (!c->tex[i]) c->tex[i] = app_image_texture(g, s->session->cols, s->session->rows);
        if (c->tex[i] && c->version[i] != cur->pane[i].version) {
            app_image_upload(c->tex[i], cur->pane[i].probs, s->session->cols, s->session->rows);
            c->version[i] = cur->pane[i].version;
        }
    }
}

/* A cursor outside the plot (the same z decoded on another model's map): a triangle at the
 * edge, pointing where it is. */
static void off_plot(AppGfx *g, int pane, const AppRect *r, double cx, double cy) {
    double mx = r->x + 0.5 * r->w, my = r->y + 0.5 * r->h, dx = cx - mx, dy = cy - my;
    double t = fmin(fabs(dx) > 0 ? (0.5 * r->w - 10 * g->u) / fabs(dx) : 1e9,
                    fabs(dy) > 0 ? (0.5 * r->h - 10 * g->u) / fabs(dy) : 1e9);
    double x = mx + dx * t, y = my + dy * t, n = hypot(dx, dy), ux = dx / n, uy = dy / n;
    double a = 9 * g->u, b = 5 * g->u;
    SDL_Vertex v[3];
    SDL_Color white = {255, 255, 255, 255};
    v[0] = (SDL_Vertex){{(float)(x + ux * a), (float)(y + uy * a)}, white, {0, 0}};
    v[1] = (SDL_Vertex){{(float)(x - uy * b), (float)(y + ux * b)}, white, {0, 0}};
    v[2] = (SDL_Vertex){{(float)(x + uy * b), (float)(y - ux * b)}, white, {0, 0}};
    SDL_RenderGeometry(g->ren, NULL, v, 3, NULL, 0);
    app_mark(g, pane, *r, x - a, y - a, x + a, y + a);
}

static void over(const AppDraw *d, int pane) {
    const AppPane *p = &d->s->pane[pane];
    if (!app_pane_model(d->s, p)) return;
    AppGfx *g = d->g;
    double cx = app_view_px(&p->view, p->rect, p->cursor[p->ax[0]]);
    double cy = app_view_py(&p->view, p->rect, p->cursor[p->ax[1]]);
    const AppRect *r = &p->rect;
    if (!(cx >= r->x && cx < r->x + r->w && cy >= r->y && cy < r->y + r->h)) {
        if (isfinite(cx) && isfinite(cy)) off_plot(g, pane, r, cx, cy);
        return;
    }
    int arm = app_px(g, 9), gap = app_px(g, 3);
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(g->ren, 255, 255, 255, 255);
    SDL_RenderDrawLineF(g->ren, (float)(cx - arm), (float)cy, (float)(cx - gap), (float)cy);
    SDL_RenderDrawLineF(g->ren, (float)(cx + gap), (float)cy, (float)(cx + arm), (float)cy);
    SDL_RenderDrawLineF(g->ren, (float)cx, (float)(cy - arm), (float)cx, (float)(cy - gap));
    SDL_RenderDrawLineF(g->ren, (float)cx, (float)(cy + gap), (float)cx, (float)(cy + arm));
    app_mark(g, pane, p->rect, cx - arm, cy - arm, cx + arm, cy + arm);
}

/* ---- the panel: the decoded images ----------------------------------------------------- */

/* Pixels per image pixel: the panel's width shared by the panes, at most 10x, smaller in a
 * short window (so that the sections below keep their room), at least 4x. */
static int image_scale(const AppDraw *d, int width, int avail) {
    const AppGfx *g = d->g;
    int n = d->s->n_panes, cols = d->s->session->cols, rows = d->s->session->rows;
    int k = (width - (n - 1) * app_px(g, 12)) / n / cols, kmax = (int)(10 * g->u);
    if (k > kmax) k = kmax;
    int text = app_text_line(&g->text, APP_FONT_BOLD) + app_text_line(&g->text, APP_FONT_SMALL) +
               app_px(g, 8) + app_px(g, 12);
    int kfit = (avail - text) / rows;
    if (k > kfit) k = kfit > 4 ? kfit : 4;
    return k;
}

static int section_height(const AppDraw *d, int width, int avail) {
    const AppGfx *g = d->g;
    return app_text_line(&g->text, APP_FONT_BOLD) + app_text_line(&g->text, APP_FONT_SMALL) +
           app_px(g, 8) + image_scale(d, width, avail) * d->s->session->rows + app_px(g, 12);
}

/* Whether every pane's "VAE decoded" fits in room, else all say "VAE" (alike side by side). */
static int long_titles(const AppDraw *d, int room) {
    char t[192];
    for (int i = 0; i < d->s->n_panes; i++) {
        snprintf(t, sizeof t, "%s decoded", app_snap_label(d->s->snap, d->s->pane[i].model));
        if (app_text_width(&d->g->text, APP_FONT_BOLD, t) > room) return 0;
    }
    return 1;
}

/* "z = (0.12, -1.50)", or without "z = " where that does not fit. */
static void code_text(const AppDraw *d, const AppPane *p, int room, char *out, size_t len) {
    const VaeModel *m = app_pane_model(d->s, p);
    char n1[32], n2[32], zs[2][192];
    /* with flows the cursor is a point of z_K, the decoder's input */
    snprintf(zs[0], sizeof zs[0], "%s = (%s, %s)", m && m->cfg.flows > 0 ? "z\xe2\x82\x96" : "z",
             app_num(n1, sizeof n1, 0, 2, p->cursor[p->ax[0]]),
             app_num(n2, sizeof n2, 0, 2, p->cursor[p->ax[1]]));
    snprintf(zs[1], sizeof zs[1], "(%s, %s)", n1, n2);
    snprintf(out, len, "%s", app_text_fitting(d->g, APP_FONT_MONO, room, zs, 2));
    if (m && m->cfg.kind == VAE_KIND_CVAE)
        snprintf(out + strlen(out), len - strlen(out), "  class %s",
                 d->s->session->ds.class_names[d->s->cls]);
}

static void section_draw(const AppDraw *d, SDL_Rect r) {
    const AppState *s = d->s;
    const CursorCache *c = d->cache;
    const AppCursor *cur = d->tool;
    AppGfx *g = d->g;
    int lh = app_text_line(&g->text, APP_FONT_SMALL), bold = app_text_line(&g->text, APP_FONT_BOLD);
    /* the scale the layout chose: the height it gave, less the text */
    int k = (r.h - bold - lh - app_px(g, 8) - app_px(g, 12)) / s->session->rows;
    int side = k * s->session->cols, side_h = k * s->session->rows;
    int room = side + app_px(g, 8), whole = long_titles(d, room);
    for (int i = 0; i < s->n_panes; i++) {
        const AppPane *p = &s->pane[i];
        const VaeModel *m = app_pane_model(s, p);
        int ix = r.x + i * (side + app_px(g, 12));
        app_text_drawf_within(g, APP_FONT_BOLD, ix, r.y, room, APP_TEXT, "%s%s",
                              app_snap_label(s->snap, p->model), whole ? " decoded" : "");
        char zs[192];
        code_text(d, p, room, zs, sizeof zs);
        app_text_draw_within(g, APP_FONT_MONO, zs, ix, r.y + bold, room, APP_ACCENT);
        SDL_Rect dst = {ix, r.y + bold + lh + app_px(g, 8), side, side_h};
        app_frame_rect(g, dst);
        if (m && cur->pane[i].valid && c->tex[i]) SDL_RenderCopy(g->ren, c->tex[i], NULL, &dst);
    }
}

static const AppPanelSection sections[] = {
    {.order = 20, .dynamic = 1, .height = section_height, .draw = section_draw},
};

static void cache_free(void *cache) {
    CursorCache *c = cache;
    for (int i = 0; i < APP_MAX_PANES; i++)
        if (c->tex[i]) SDL_DestroyTexture(c->tex[i]);
}

const AppToolView app_view_cursor = {
    .cache_size = sizeof(CursorCache),
    .refresh = refresh,
    .over = over,
    .sections = sections,
    .n_sections = 1,
    .free = cache_free,
};
