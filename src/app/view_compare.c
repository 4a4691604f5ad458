/* The compare tool's view: each pane's title, naming its model. */
#include <stdio.h>

#include "gfx.h"
#include "tools.h"

const char *app_pane_heading(AppGfx *g, const AppState *s, const AppPane *p, char (*buf)[192]) {
    app_pane_title(s, p, buf[0], sizeof buf[0]);
    snprintf(buf[1], sizeof buf[1], "%s", s->snap ? app_snap_label(s->snap, p->model) : "VAE");
    return app_text_fitting(g, APP_FONT_BOLD, p->rect.w, buf, 2);
}

static void frame(const AppDraw *d, int pane) {
    const AppPane *p = &d->s->pane[pane];
    AppGfx *g = d->g;
    char buf[2][192];
    const char *title = app_pane_heading(g, d->s, p, buf);
    int y = p->frame.y + app_px(g, 10);
    app_text_draw_within(g, APP_FONT_BOLD, title, p->rect.x, y, p->rect.w, APP_TEXT);
}

const AppToolView app_view_compare = {
    .frame = frame,
};
