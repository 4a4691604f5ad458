/* Which models the panes show: one pane (the VAE, or the AE: key A) or all models side
 * by side (compare, key C), each pane on its own model's codes; and whether the panes
 * decode the same z (key B: the code under the pointer, wherever it is on each map) or
 * each the point under its own crosshair. A pane that changes model fits afresh. */
#include "tool.h"

static void show_model(AppPane *p, int model) {
    if (p->model == model) return;
    p->model = model;
    p->view.user = 0; /* another model's codes: fit them afresh */
    p->view.scale = 0;
    p->has_cursor = 0;
}

/* n panes: pane i shows model first + i (a pane that appears starts afresh too). */
static void set_panes(AppState *s, int n, int first) {
    for (int i = 0; i < n; i++) {
        if (i >= s->n_panes) s->pane[i].model = -1;
        show_model(&s->pane[i], first + i);
    }
    s->n_panes = n;
    s->layout_dirty = 1;
}

typedef struct {
    int show; /* the model of the single pane, kept while comparing */
} Compare;

static int input(void *self, AppState *s, const AppInput *in) {
    Compare *c = self;
    if (in->kind != APP_IN_KEY || (in->key != 'a' && in->key != 'c' && in->key != 'b')) return 0;
    if (in->key == 'b') {
        s->same_z = !s->same_z;
        app_toast(s, 0, "%s",
                  s->same_z ? "every pane decodes the same z (the pointer's)"
                            : "each pane decodes the point under its own crosshair");
        return 1;
    }
    int n_models = s->session->n_models;
    if (n_models < 2) {
        app_toast(s, 1,
                  in->key == 'a' ? "no AE model loaded"
                                 : "compare needs two models (only one is loaded)");
        return 1;
    }
    int compare = s->n_panes > 1;
    if (in->key == 'a') /* the other model in the single pane (from compare: the first) */
        c->show = compare ? 0 : (c->show + 1) % n_models;
    if (in->key == 'c' && !compare)
        set_panes(s, n_models, 0);
    else
        set_panes(s, 1, c->show);
    return 1;
}

static const AppHelpLine help[] = {
    {"A", "show the AE / the VAE in the pane"},
    {"C", "compare: VAE and AE side by side"},
    {"B", "compare: every pane decodes the same z"},
};

const AppTool app_tool_compare = {
    .name = "compare",
    .title = "Models",
    .size = sizeof(Compare),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .input = input,
};
