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
    int show;   /* the model of the single pane, kept while comparing */
    int all;    /* the panes show every model (C), also those the trainer adds later */
    int n_seen; /* models in the last snapshot: a new one (a fork) is shown at once */
} Compare;

static int n_models(const AppState *s) {
    return s->snap ? s->snap->n_models : s->session->n_models;
}

/* Tab: the pane under the pointer (else the first) shows the next model. */
static void next_model(AppState *s) {
    int p = app_pane_at(s, s->mx, s->my);
    p = p < 0 ? 0 : p;
    show_model(&s->pane[p], (s->pane[p].model + 1) % n_models(s));
    app_toast(s, 0, "pane %d: %s", p + 1, app_snap_label(s->snap, s->pane[p].model));
}

static int input(void *self, AppState *s, const AppInput *in) {
    Compare *c = self;
    int k = in->key;
    if (in->kind != APP_IN_KEY || (k != 'a' && k != 'c' && k != 'b' && k != APP_KEY_TAB)) return 0;
    if (k == 'b') {
        s->same_z = !s->same_z;
        app_toast(s, 0, "%s",
                  s->same_z ? "every pane decodes the same z (the pointer's)"
                            : "each pane decodes the point under its own crosshair");
        return 1;
    }
    int n = n_models(s);
    if (n < 2) {
        app_toast(s, 1,
                  k == 'a' ? "no AE model loaded"
                           : "compare needs two models (only one is loaded)");
        return 1;
    }
    if (k == APP_KEY_TAB) {
        next_model(s);
        return 1;
    }
    int compare = s->n_panes > 1;
    if (k == 'a') /* the next model in the single pane (from compare: the first) */
        c->show = compare ? 0 : (c->show + 1) % n;
    c->all = k == 'c' && !compare;
    if (c->all)
        set_panes(s, n < APP_MAX_PANES ? n : APP_MAX_PANES, 0);
    else
        set_panes(s, 1, c->show);
    return 1;
}

/* A model that appears: one forked from the window (F) goes beside its parent, compare
 * mode with views aligned; the --fork models of the launch, which the trainer makes after
 * its first snapshots, join the panes if they show every model. */
static void update(void *self, AppState *s) {
    Compare *c = self;
    if (!s->snap) return;
    int n = s->snap->n_models;
    if (c->n_seen && n > c->n_seen) {
        int parent = s->snap->info[n - 1].fork_of;
        if (n > s->session->n_models && parent >= 0) {
            c->all = 0;
            set_panes(s, 2, 0);
            show_model(&s->pane[0], parent);
            show_model(&s->pane[1], n - 1);
        } else if (c->all) {
            set_panes(s, n < APP_MAX_PANES ? n : APP_MAX_PANES, 0);
        }
    }
    c->n_seen = n;
}

static const AppHelpLine help[] = {
    {"A", "the next model in the pane (VAE, AE, forks...)"},
    {"C", "compare: the models side by side"},
    {"Tab", "the pane under the pointer shows the next model"},
    {"B", "compare: every pane decodes the same z"},
};

const AppTool app_tool_compare = {
    .name = "compare",
    .title = "Models",
    .size = sizeof(Compare),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .input = input,
    .update = update,
};
