/* The window tool's view: the footer of the panel (a message for a few seconds, else the
 * key hint) and the help overlay (H, F1): every tool's keys and mouse actions under its
 * title, in as many columns as the window's height needs. */
#include <string.h>

#include "gfx.h"
#include "tools.h"

/* ---- the footer ------------------------------------------------------------------------ */

static int footer_height(const AppDraw *d, int width, int avail) {
    (void)width, (void)avail;
    return app_text_line(&d->g->text, APP_FONT_SMALL) + app_px(d->g, 12);
}

static void footer_draw(const AppDraw *d, SDL_Rect r) {
    const AppState *s = d->s;
    int y = r.y + app_px(d->g, 4);
    if (s->toast.text[0] && s->now < s->toast.until)
        app_text_draw(&d->g->text, APP_FONT_SMALL, s->toast.text, r.x, y,
                      s->toast.error ? APP_WARN : APP_ACCENT, APP_ALIGN_LEFT);
    else
        app_text_draw(
            &d->g->text, APP_FONT_SMALL,
            "H help \xc2\xb7 C compare \xc2\xb7 A AE/VAE \xc2\xb7 G grid \xc2\xb7 Space pause", r.x,
            y, APP_DIM, APP_ALIGN_LEFT);
}

/* ---- the help overlay ------------------------------------------------------------------ */

#define HELP_MAX 96

typedef struct {
    const char *keys[HELP_MAX], *what[HELP_MAX]; /* keys NULL: what is a title */
    int n;
} HelpLines;

static void gather(void *ctx, const AppTool *tool) {
    HelpLines *h = ctx;
    if (tool->n_help == 0 || h->n + tool->n_help + 1 > HELP_MAX) return;
    h->keys[h->n] = NULL, h->what[h->n++] = tool->title ? tool->title : tool->name;
    for (int i = 0; i < tool->n_help; i++)
        h->keys[h->n] = tool->help[i].keys, h->what[h->n++] = tool->help[i].what;
}

static void help_draw(const AppDraw *d, const AppTools *tools) {
    const AppState *s = d->s;
    AppGfx *g = d->g;
    HelpLines h;
    memset(&h, 0, sizeof h);
    app_tools_help(tools, gather, &h);
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(g->ren, 5, 6, 8, 215);
    SDL_Rect all = {0, 0, s->width, s->height};
    SDL_RenderFillRect(g->ren, &all);
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
    int lh = app_text_line(&g->text, APP_FONT_NORMAL) + app_px(g, 4);
    int title_h = app_text_line(&g->text, APP_FONT_TITLE) + app_px(g, 12);
    int rows_fit = (s->height - app_px(g, 140) - title_h) / lh;
    rows_fit = rows_fit < 8 ? 8 : rows_fit;
    /* two columns are what the width takes: past them, the lines close up (small font) */
    AppFont key_font = APP_FONT_BOLD, what_font = APP_FONT_NORMAL;
    if (h.n > 2 * rows_fit) {
        key_font = what_font = APP_FONT_SMALL;
        lh = app_text_line(&g->text, APP_FONT_BOLD) + app_px(g, 1);
        rows_fit = (s->height - app_px(g, 100) - title_h) / lh;
        rows_fit = rows_fit < 8 ? 8 : rows_fit;
    }
    int cols = (h.n + rows_fit - 1) / rows_fit, rows = (h.n + cols - 1) / cols;
    /* over the right three quarters of the window: the planes' left edge stays in sight;
     * three columns or more take the whole width (every tool's keys must stay readable) */
    int margin = app_px(g, 16), left = cols >= 3 ? 0 : s->width / 4;
    int bw = s->width - left - 2 * margin;
    int col_w = (bw - app_px(g, 40)) / cols, key_w = 0;
    for (int i = 0; i < h.n; i++)
        if (h.keys[i]) {
            int kw = app_text_width(&g->text, key_font, h.keys[i]) + app_px(g, 14);
            key_w = kw > key_w ? kw : key_w;
        }
    key_w = key_w > col_w * 2 / 7 ? col_w * 2 / 7 : key_w;
    int bh = rows * lh + title_h + app_px(g, 70);
    if (cols == 1 && bw > app_px(g, 560)) bw = app_px(g, 560), col_w = bw - app_px(g, 40);
    SDL_Rect box = {left + margin + (s->width - left - 2 * margin - bw) / 2, (s->height - bh) / 2,
                    bw, bh};
    SDL_SetRenderDrawColor(g->ren, 24, 27, 35, 250);
    SDL_RenderFillRect(g->ren, &box);
    app_set_color(g->ren, APP_AXIS);
    SDL_RenderDrawRect(g->ren, &box);
    int x0 = box.x + app_px(g, 28), y0 = box.y + app_px(g, 20);
    app_text_draw(&g->text, APP_FONT_TITLE, "Keys and mouse", x0, y0, APP_TEXT, APP_ALIGN_LEFT);
    y0 += title_h;
    for (int i = 0; i < h.n; i++) {
        int x = x0 + (i / rows) * col_w, y = y0 + (i % rows) * lh;
        if (!h.keys[i]) {
            app_text_draw(&g->text, APP_FONT_BOLD, h.what[i], x, y, APP_TEXT, APP_ALIGN_LEFT);
            continue;
        }
        app_text_draw(&g->text, key_font, h.keys[i], x + app_px(g, 12), y, APP_ACCENT,
                      APP_ALIGN_LEFT);
        /* a description wider than its column: the small font */
        int room = col_w - key_w - app_px(g, 24);
        AppFont f =
            app_text_width(&g->text, what_font, h.what[i]) <= room ? what_font : APP_FONT_SMALL;
        app_text_draw_within(g, f, h.what[i], x + app_px(g, 12) + key_w, y, room, APP_TEXT);
    }
    app_text_draw(&g->text, APP_FONT_SMALL,
                  "Move the mouse over a plane: the point under it is decoded every frame.", x0,
                  box.y + bh - app_px(g, 30), APP_DIM, APP_ALIGN_LEFT);
}

static void window(const AppDraw *d) {
    if (d->s->help) help_draw(d, d->tools);
}

static const AppPanelSection sections[] = {
    {.order = 100, .height = footer_height, .draw = footer_draw},
};

const AppToolView app_view_window = {
    .window = window,
    .sections = sections,
    .n_sections = 1,
};
