/* The compare tool's view: each pane's title, naming its model. */
#include <stdio.h>

#include "gfx.h"
#include "tools.h"

static void frame(const AppDraw *d, int pane) {
    const AppPane *p = &d->s->pane[pane];
    AppGfx *g = d->g;
    char title[96];
    app_pane_title(d->s, p, title, sizeof title);
    int y = p->frame.y + app_px(g, 10);
    app_text_draw(&g->text, APP_FONT_BOLD, title, p->rect.x, y, APP_TEXT, APP_ALIGN_LEFT);
}

const AppToolView app_view_compare = {
    .frame = frame,
};
