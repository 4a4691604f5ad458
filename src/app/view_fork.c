/* The fork tool's view: while F waits for a setting, the menu of settings over the panes. */
#include "fork.h"
#include "gfx.h"
#include "tools.h"

static const char *const lines[] = {
    "B   beta x4",      "L   the other likelihood (BCE / MSE)",  "R   learning rate x4",
    "S   another seed", "K   KL clipping (free bits) 0.5 / off", "D   dropout 0.2 / off",
    "Esc cancel",
};

static void window(const AppDraw *d) {
    const AppForkMenu *f = d->tool;
    if (!f->armed || !d->s->snap) return;
    AppGfx *g = d->g;
    int n = (int)(sizeof lines / sizeof *lines), lh = app_text_line(&g->text, APP_FONT_NORMAL);
    int pad = app_px(g, 14), w = app_px(g, 330), h = (n + 1) * lh + 3 * pad;
    SDL_Rect box = {d->s->pane[0].rect.x + app_px(g, 40), d->s->pane[0].rect.y + app_px(g, 40), w,
                    h};
    app_shade_rect(g, box, 235);
    app_set_color(g->ren, APP_AXIS);
    SDL_RenderDrawRect(g->ren, &box);
    app_text_drawf(&g->text, APP_FONT_BOLD, box.x + pad, box.y + pad, APP_TEXT, APP_ALIGN_LEFT,
                   f->in_place ? "Change %s as it trains:" : "Fork %s with one setting changed:",
                   app_snap_label(d->s->snap, f->parent));
    for (int i = 0; i < n; i++)
        if (!f->in_place || lines[i][0] != 'S')
            app_text_draw(&g->text, APP_FONT_NORMAL, lines[i], box.x + pad,
                          box.y + 2 * pad + (i + 1) * lh, APP_ACCENT, APP_ALIGN_LEFT);
}

const AppToolView app_view_fork = {
    .window = window,
};
