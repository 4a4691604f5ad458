/* More than two latent dimensions: X and Y choose the dimension on each axis of the
 * planes (Shift: the previous one), and O holds the dimensions off the plane at the
 * hovered image's code instead of 0, so the cursor moves that image's code along two
 * dimensions. A pane whose axes change fits its view afresh. */
#include <string.h>

#include "axes.h"
#include "tool.h"

typedef AppAxes Axes;

static int init(void *self, AppState *s) {
    (void)s;
    ((Axes *)self)->held = -1;
    return 0;
}

/* The next dimension (step +1 or -1) of a model with L dims for axis k of pane p, skipping
 * the other axis's. */
static void step_axis(AppPane *p, int k, int step, int L) {
    int d = p->ax[k];
    do
        d = (d + step + L) % L;
    while (d == p->ax[1 - k]);
    p->ax[k] = d;
    p->view.user = 0, p->view.scale = 0, p->fit_seq = 0; /* another projection: fit it */
}

static int input(void *self, AppState *s, const AppInput *in) {
    Axes *a = self;
    if (in->kind != APP_IN_KEY || (in->key != 'x' && in->key != 'y' && in->key != 'o')) return 0;
    if (in->key == 'o') {
        a->hold = !a->hold;
        app_toast(s, 0, "%s",
                  a->hold ? "other dimensions: at the hovered image's code"
                          : "other dimensions: at 0");
        return 1;
    }
    int moved = 0;
    for (int i = 0; i < s->n_panes; i++) {
        const VaeModel *m = app_pane_model(s, &s->pane[i]);
        if (!m || m->cfg.latent < 3) continue;
        step_axis(&s->pane[i], in->key == 'x' ? 0 : 1, in->mods & APP_MOD_SHIFT ? -1 : 1,
                  m->cfg.latent);
        moved = 1;
    }
    if (!moved) app_toast(s, 1, "X and Y choose among more than two latent dimensions");
    return 1;
}

/* Each pane's base: the held image's code on that pane's model, or 0. */
static void update(void *self, AppState *s) {
    Axes *a = self;
    if (a->hold && s->hover >= 0) a->held = s->hover;
    for (int i = 0; i < s->n_panes; i++) {
        AppPane *p = &s->pane[i];
        const VaeModel *m = app_pane_model(s, p);
        memset(p->base, 0, sizeof p->base);
        if (!m || !a->hold || a->held < 0 || a->held >= s->snap->n_points) continue;
        int L = m->cfg.latent;
        memcpy(p->base, s->snap->mu[p->model] + (size_t)a->held * L, (size_t)L * sizeof *p->base);
    }
}

static const AppHelpLine help[] = {
    {"X  Y", "latent dimension on the x / y axis (Shift: back)"},
    {"O", "other dimensions at 0 / at the hovered image's code"},
};

const AppTool app_tool_axes = {
    .name = "axes",
    .title = "Latent dimensions",
    .size = sizeof(Axes),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .init = init,
    .input = input,
    .update = update,
};
