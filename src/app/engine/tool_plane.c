/* The latent plane's view: it fits the scatter automatically until the user zooms (wheel,
 * around the pointer) or pans (right or middle drag); a double click fits again. Each
 * frame it also puts the code under the pointer into each pane's cursor (the point every
 * decoding tool decodes). Its view draws the scatter, the axes, the prior and the legend. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

typedef struct {
    int drag_pane; /* the pane being panned, or -1 */
    int drag_x, drag_y;
} Plane;

/* The pane a fork's pane follows (the one showing its parent), or p itself: the views of a
 * fork and its parent stay aligned, so one setting's effect is seen on the same map. */
static int lead_pane(const AppState *s, int p) {
    if (!s->snap || s->pane[p].model >= s->snap->n_models) return p;
    int parent = s->snap->info[s->pane[p].model].fork_of;
    for (int k = 0; parent >= 0 && k < s->n_panes; k++)
        if (k != p && s->pane[k].model == parent) return k;
    return p;
}

static int init(void *self, AppState *s) {
    (void)s;
    ((Plane *)self)->drag_pane = -1;
    return 0;
}

static int input(void *self, AppState *s, const AppInput *in) {
    Plane *pl = self;
    int pan_button = in->button == APP_BUTTON_RIGHT || in->button == APP_BUTTON_MIDDLE;
    switch (in->kind) {
    case APP_IN_MOVE:
        if (pl->drag_pane < 0) return 0;
        app_view_pan(&s->pane[pl->drag_pane].view, in->x - pl->drag_x, in->y - pl->drag_y);
        s->pane[pl->drag_pane].view.user = 1;
        pl->drag_x = in->x, pl->drag_y = in->y;
        s->redraw |= APP_REDRAW_ALL;
        return 0; /* the other tools follow the pointer too */
    case APP_IN_PRESS: {
        int p = app_pane_at(s, in->x, in->y);
        if (p < 0) return 0;
        p = lead_pane(s, p);
        if (pan_button) {
            pl->drag_pane = p, pl->drag_x = in->x, pl->drag_y = in->y;
            return 1;
        }
        if (in->button == APP_BUTTON_LEFT && in->clicks >= 2) {
            s->pane[p].view.user = 0; /* auto-fit again, afresh (not within 3 % of the old) */
            s->pane[p].view.scale = 0;
            s->pane[p].fit_seq = 0;
            return 1;
        }
        return 0;
    }
    case APP_IN_RELEASE:
        if (!pan_button || pl->drag_pane < 0) return 0;
        pl->drag_pane = -1;
        return 1;
    case APP_IN_WHEEL: {
        int p = app_pane_at(s, s->mx, s->my);
        if (p < 0 || in->wheel == 0) return 0;
        p = lead_pane(s, p);
        AppPane *pane = &s->pane[p];
        app_view_zoom(&pane->view, pane->rect, s->mx + 0.5, s->my + 0.5, pow(1.2, in->wheel));
        pane->view.user = 1;
        return 1;
    }
    default: return 0;
    }
}

/* Fit the view to the scatter on the pane's axes, unless the user moved it; refit only
 * on a real change (new latents, a new size), and only by a visible amount, so that a
 * converged plot stays still. */
static void auto_fit(AppState *s, AppPane *p, const VaeModel *m) {
    const AppSnapshot *snap = s->snap;
    int resized = p->fit_w != p->rect.w || p->fit_h != p->rect.h;
    if (p->view.user || (p->fit_seq == snap->latents_seq && !resized && p->view.scale != 0)) return;
    p->fit_seq = snap->latents_seq, p->fit_w = p->rect.w, p->fit_h = p->rect.h;
    int L = m->cfg.latent, n = snap->n_points;
    float *xy = malloc((size_t)n * 2 * sizeof *xy);
    if (!xy) return;
    const float *mu = snap->mu[p->model];
    for (int i = 0; i < n; i++) {
        xy[2 * i] = mu[(size_t)i * L + p->ax[0]];
        xy[2 * i + 1] = mu[(size_t)i * L + p->ax[1]];
    }
    AppView v = p->view;
    app_view_fit(&v, p->rect, xy, n, app_is_vae(m));
    free(xy);
    double ds = fabs(v.scale / (p->view.scale > 0 ? p->view.scale : 1) - 1);
    double dc = hypot(v.cx - p->view.cx, v.cy - p->view.cy) * v.scale;
    if (p->view.scale == 0 || resized || ds > 0.03 || dc > 0.03 * p->rect.w) p->view = v;
}

/* The code under the pointer: its two plane coordinates on the pane's axes, the other
 * dimensions the pane's base (0, or a held image's code). Until the pointer visits the
 * pane: the centre of its view. */
static void place_cursor(const AppState *s, AppPane *p) {
    const AppRect *r = &p->rect;
    double zx = p->view.cx, zy = p->view.cy;
    int inside =
        s->mouse_in && s->mx >= r->x && s->mx < r->x + r->w && s->my >= r->y && s->my < r->y + r->h;
    if (inside) p->has_cursor = 1;
    if (inside || p->has_cursor) {
        zx = inside ? app_view_zx(&p->view, *r, s->mx + 0.5) : p->cursor[p->ax[0]];
        zy = inside ? app_view_zy(&p->view, *r, s->my + 0.5) : p->cursor[p->ax[1]];
    }
    memcpy(p->cursor, p->base, sizeof p->cursor);
    p->cursor[p->ax[0]] = (float)zx;
    p->cursor[p->ax[1]] = (float)zy;
}

/* The same z in every pane: the code under the pointer in one pane is every pane's
 * cursor (each model decodes it on its own map), on each pane's axes. */
static void share_cursor(AppState *s) {
    int from = app_pane_at(s, s->mx, s->my);
    if (!s->mouse_in || from < 0) return;
    for (int i = 0; i < s->n_panes; i++)
        if (i != from) {
            memcpy(s->pane[i].cursor, s->pane[from].cursor, sizeof s->pane[i].cursor);
            s->pane[i].has_cursor = 1;
        }
}

static void update(void *self, AppState *s) {
    (void)self;
    for (int i = 0; i < s->n_panes; i++) {
        AppPane *p = &s->pane[i];
        const VaeModel *m = app_pane_model(s, p);
        if (!m) continue;
        int lead = lead_pane(s, i);
        if (lead == i)
            auto_fit(s, p, m);
        else
            p->view = s->pane[lead].view;
        place_cursor(s, p);
    }
    if (s->same_z && s->n_panes > 1) share_cursor(s);
}

static const AppHelpLine help[] = {
    {"wheel", "zoom around the cursor"},
    {"right drag", "pan (the middle button too)"},
    {"double-click", "reset the view (auto-fit)"},
};

const AppTool app_tool_plane = {
    .name = "plane",
    .title = "Latent plane",
    .size = sizeof(Plane),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .init = init,
    .input = input,
    .update = update,
};
