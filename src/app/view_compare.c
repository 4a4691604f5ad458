/* The compare tool's view: each pane's title, naming its model, and what the plane's
 * coordinates are when that is not plain (more than two latent dimensions, flows), in the
 * longest wording that fits beside the title. */
#include <stdio.h>

#include "gfx.h"
#include "tools.h"

/* The captions, longest first, for model m on axes ax; returns how many. */
static int captions(const VaeModel *m, const int ax[2], char (*cap)[160]) {
    int L = m->cfg.latent;
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
    snprintf(cap[0], 160, "dims %d-%d of %d (others 0 when decoding)", ax[0] + 1, ax[1] + 1, L);
    snprintf(cap[1], 160, "dims %d-%d of %d", ax[0] + 1, ax[1] + 1, L);
    return 2;
}

static void frame(const AppDraw *d, int pane) {
    const AppPane *p = &d->s->pane[pane];
    const VaeModel *m = app_pane_model(d->s, p);
    AppGfx *g = d->g;
    char title[96];
    snprintf(title, sizeof title, "%s latent plane", m ? app_model_name(m) : "VAE");
    int y = p->frame.y + app_px(g, 10);
    int tw = app_text_draw(&g->text, APP_FONT_BOLD, title, p->rect.x, y, APP_TEXT, APP_ALIGN_LEFT);
    if (!m) return;
    char cap[3][160];
    int n = captions(m, p->ax, cap), room = p->rect.w - tw - app_px(g, 16);
    for (int i = 0; i < n; i++) {
        if (app_text_width(&g->text, APP_FONT_SMALL, cap[i]) > room) continue;
        app_text_draw(&g->text, APP_FONT_SMALL, cap[i], p->rect.x + p->rect.w, y + app_px(g, 2),
                      APP_DIM, APP_ALIGN_RIGHT);
        break;
    }
}

const AppToolView app_view_compare = {
    .frame = frame,
};
