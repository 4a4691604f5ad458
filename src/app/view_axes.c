/* The axes tool's view: beside each pane's title, what the plane's coordinates are when
 * that is not plain (more than two latent dimensions, flows), in the longest wording that
 * fits. */
#include <stdio.h>

#include "axes.h"
#include "gfx.h"
#include "tools.h"

/* "others 0", or "others: image #i's code". */
static void others(const AppAxes *a, char *buf, size_t len) {
    if (a->hold && a->held >= 0)
        snprintf(buf, len, "others at image #%d's code", a->held);
    else
        snprintf(buf, len, "others %s", a->hold ? "at a hovered image's code" : "0");
}

/* The captions, longest first; returns how many. */
static int captions(const AppAxes *a, const VaeModel *m, const int ax[2], char (*cap)[160]) {
    int L = m->cfg.latent;
    char rest[64];
    others(a, rest, sizeof rest);
    if (m->cfg.flows > 0) {
        char dims[48] = "";
        if (L > 2) snprintf(dims, sizeof dims, " \xc2\xb7 dims %d-%d", ax[0] + 1, ax[1] + 1);
        snprintf(cap[0], 160,
                 "dots: encoder mean \xce\xbc (before the flows) \xc2\xb7 cursor, prior: "
                 "z\xe2\x82\x96 (after)%s",
                 dims);
        snprintf(cap[1], 160, "dots: \xce\xbc before the flows \xc2\xb7 cursor: z\xe2\x82\x96");
        snprintf(cap[2], 160, "dots: \xce\xbc before the flows");
        return 3;
    }
    if (L <= 2) return 0;
    snprintf(cap[0], 160, "dims %d-%d of %d (%s when decoding)", ax[0] + 1, ax[1] + 1, L, rest);
    snprintf(cap[1], 160, "dims %d-%d of %d \xc2\xb7 %s", ax[0] + 1, ax[1] + 1, L, rest);
    snprintf(cap[2], 160, "dims %d-%d of %d", ax[0] + 1, ax[1] + 1, L);
    return 3;
}

static void frame(const AppDraw *d, int pane) {
    const AppPane *p = &d->s->pane[pane];
    const VaeModel *m = app_pane_model(d->s, p);
    AppGfx *g = d->g;
    if (!m) return;
    char cap[3][160], buf[2][192];
    const char *title = app_pane_heading(g, d->s, p, buf);
    int n = captions(d->tool, m, p->ax, cap), y = p->frame.y + app_px(g, 12);
    int room = p->rect.w - app_text_width(&g->text, APP_FONT_BOLD, title) - app_px(g, 16);
    for (int i = 0; i < n; i++) {
        if (app_text_width(&g->text, APP_FONT_SMALL, cap[i]) > room) continue;
        app_text_draw(&g->text, APP_FONT_SMALL, cap[i], p->rect.x + p->rect.w, y, APP_DIM,
                      APP_ALIGN_RIGHT);
        break;
    }
}

const AppToolView app_view_axes = {
    .frame = frame,
};
