/* The traversals' view: in each pane's dock one row per latent dimension, the largest KL
 * first, labelled with the dimension and its KL (collapsed ones, under 0.1 nat, greyed),
 * of decodes from -2 to +2 around the code, the code itself framed in the middle. Rows are
 * scaled down to fit what the dock leaves; the rows that still do not fit are counted. */
#include <stdio.h>

#include "gfx.h"
#include "tools.h"
#include "traverse.h"

typedef struct {
    SDL_Texture *tex[APP_MAX_PANES][APP_TRAV_ROWS * APP_TRAV_STEPS];
    unsigned version[APP_MAX_PANES];
} TravCache;

static void refresh(void *cache, const void *tool, const AppState *s, AppGfx *g) {
    TravCache *c = cache;
    const AppTrav *t = tool;
    if (!t->on) return;
    int rows = s->session->rows, cols = s->session->cols;
    for (int i = 0; i < s->n_panes; i++) {
        const AppTravPane *tp = &t->pane[i];
        if (!tp->valid || c->version[i] == tp->version) continue;
        for (int k = 0; k < tp->n_rows * APP_TRAV_STEPS; k++) {
            if (!c->tex[i][k]) c->tex[i][k] = app_image_texture(g, cols, rows);
            app_image_upload(c->tex[i][k], tp->probs + (size_t)k * rows * cols, cols, rows);
        }
        c->version[i] = tp->version;
    }
}

/* ---- the layout: the images' scale and the rows that fit ------------------------------- */

typedef struct {
    int w, h;    /* an image's size in pixels */
    int shown;   /* rows that fit */
    int n;       /* rows there are */
    int label_w; /* the rows' labels' column */
    int gap, row_h;
} TravLayout;

/* Rows of the largest scale (1x to 3x, within the width; below 1x in a narrow pane) at
 * which they all fit in `fit` pixels; at the smallest, as many as fit in room (>= fit).
 * The strip's own height, drawn again with fit = room, gives the same layout back. */
static TravLayout layout(const AppDraw *d, int pane, int width, int fit, int room) {
    const AppState *s = d->s;
    AppGfx *g = d->g;
    const VaeModel *m = app_pane_model(s, &s->pane[pane]);
    TravLayout l = {0};
    int L = m ? m->cfg.latent : 2, rows = s->session->rows, row_gap = app_px(g, 2);
    l.n = L < APP_TRAV_ROWS ? L : APP_TRAV_ROWS;
    l.gap = app_px(g, 3);
    l.label_w = app_text_width(&g->text, APP_FONT_SMALL, "z88 KL 8.88") + app_px(g, 8);
    int cols = s->session->cols;
    l.w = app_strip_cell(g, width, APP_TRAV_STEPS, l.gap, l.label_w, cols);
    while (l.w > cols && l.n * (l.w * rows / cols + row_gap) > fit)
        l.w -= cols;
    l.h = l.w * rows / cols;
    l.row_h = l.h + row_gap;
    l.shown = room / l.row_h < l.n ? room / l.row_h : l.n;
    if (l.shown < 1) l.shown = 1;
    return l;
}

static int strip_height(const AppDraw *d, int pane, int width, int avail) {
    if (!((const AppTrav *)d->tool)->on) return 0;
    int lh = app_text_line(&d->g->text, APP_FONT_SMALL);
    /* larger images only while the dock stays within half the plot (of its two thirds) */
    int room = avail - lh - app_px(d->g, 6), fit = room - d->s->pane[pane].plot.h / 6;
    TravLayout l = layout(d, pane, width, fit < room ? fit : room, room);
    return lh + l.shown * l.row_h;
}

/* ---- the dock: the rows ------------------------------------------------------------------ */

static void caption(const AppDraw *d, int pane, const TravLayout *l, int width, char *buf,
                    size_t len) {
    const AppState *s = d->s;
    const AppTravPane *tp = &((const AppTrav *)d->tool)->pane[pane];
    const char *name = app_snap_label(s->snap, s->pane[pane].model);
    char of[64], more[48] = "";
    if (tp->img >= 0)
        snprintf(of, sizeof of, "#%d (%s)", tp->img,
                 s->session->ds.class_names[s->session->shown->labels[tp->img]]);
    else
        snprintf(of, sizeof of, "the cursor's code");
    if (l->shown < l->n || tp->L > l->n)
        snprintf(more, sizeof more, " (top %d of %d)", l->shown, tp->L);
    const char *by = tp->has_kl ? "KL" : "Var[\xce\xbc]";
    snprintf(buf, len, "%s: each dimension of %s from -2 to +2, largest %s first%s", name, of, by,
             more);
    if (app_text_width(&d->g->text, APP_FONT_SMALL, buf) > width)
        snprintf(buf, len, "%s: %s, -2..+2, by %s%s", name, of, by, more);
}

static void draw_row(const AppDraw *d, int pane, const TravLayout *l, int r, int x, int y) {
    const TravCache *c = d->cache;
    const AppTravPane *tp = &((const AppTrav *)d->tool)->pane[pane];
    AppGfx *g = d->g;
    int w = l->w, h = l->h;
    int collapsed = tp->has_kl && tp->kl[r] < APP_TRAV_COLLAPSED;
    char lab[32], num[16];
    snprintf(lab, sizeof lab, "z%d %s %s", tp->dims[r] + 1, tp->has_kl ? "KL" : "var",
             app_num(num, sizeof num, 0, 2, tp->kl[r]));
    int lh = app_text_line(&g->text, APP_FONT_SMALL);
    app_text_draw(&g->text, APP_FONT_SMALL, lab, x, y + (h - lh) / 2,
                  collapsed ? APP_AXIS : APP_TEXT, APP_ALIGN_LEFT);
    for (int k = 0; k < APP_TRAV_STEPS; k++) {
        SDL_Rect dst = {x + l->label_w + k * (w + l->gap), y, w, h};
        SDL_Texture *tex = c->tex[pane][r * APP_TRAV_STEPS + k];
        if (tex) SDL_RenderCopy(g->ren, tex, NULL, &dst);
        if (k == APP_TRAV_STEPS / 2) app_frame_rect(g, dst); /* the code itself */
    }
    if (!collapsed) return;
    int wrow = APP_TRAV_STEPS * (w + l->gap); /* greyed: it changes nothing */
    app_shade_rect(g, (SDL_Rect){x + l->label_w - 1, y - 1, wrow + 2, h + 2}, 170);
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
}

static void strip_draw(const AppDraw *d, int pane, SDL_Rect r) {
    const AppTravPane *tp = &((const AppTrav *)d->tool)->pane[pane];
    AppGfx *g = d->g;
    int lh = app_text_line(&g->text, APP_FONT_SMALL);
    TravLayout l = layout(d, pane, r.w, r.h - lh, r.h - lh);
    char cap[192];
    app_clip(g, &r);
    caption(d, pane, &l, r.w, cap, sizeof cap);
    app_text_draw_within(g, APP_FONT_SMALL, tp->valid ? cap : "traversals: waiting for a code", r.x,
                         r.y, r.w, APP_DIM);
    for (int i = 0; tp->valid && i < l.shown && i < tp->n_rows; i++)
        draw_row(d, pane, &l, i, r.x, r.y + lh + i * l.row_h);
    app_clip(g, NULL);
}

static const AppStripSection strips[] = {
    {.order = 40, .dynamic = 1, .height = strip_height, .draw = strip_draw},
};

static void cache_free(void *cache) {
    TravCache *c = cache;
    for (int i = 0; i < APP_MAX_PANES; i++)
        for (int k = 0; k < APP_TRAV_ROWS * APP_TRAV_STEPS; k++)
            if (c->tex[i][k]) SDL_DestroyTexture(c->tex[i][k]);
}

const AppToolView app_view_traverse = {
    .cache_size = sizeof(TravCache),
    .refresh = refresh,
    .strips = strips,
    .n_strips = 1,
    .free = cache_free,
};
