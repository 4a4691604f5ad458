/* One setting of the objective, changed (key F, then a setting): from the model of the
 * pane under the pointer, a fork -- a sibling with the setting changed (beta x4, the other
 * likelihood, lr x4, another seed, KL clipping at 0.5 nats, dropout 0.2) that trains on
 * from the same weights beside it: the compare tool shows the two side by side with their
 * views aligned, so the effect of one setting on the same model plays out live. Shift+F
 * makes the same change to the model itself, as it trains (R then restarts it with it). */
#include "fork.h"
#include "tool.h"

typedef AppForkMenu Fork;

/* The fork key k picks for model m of the snapshot; 0 if k picks none. */
static int pick(const AppState *s, int m, int k, AppFork *f) {
    const AppModelInfo *in = &s->snap->info[m];
    f->parent = m;
    switch (k) {
    case 'b': f->what = APP_SET_BETA, f->value = in->beta * 4; return 1;
    case 'l':
        f->what = APP_SET_LIKELIHOOD;
        f->value = s->snap->model[m].cfg.likelihood == VAE_LIK_BERNOULLI ? VAE_LIK_GAUSSIAN
                                                                         : VAE_LIK_BERNOULLI;
        return 1;
    case 'r': f->what = APP_SET_LR, f->value = in->lr * 4; return 1;
    case 's': f->what = APP_FORK_SEED, f->value = (float)(1000 + s->snap->n_models); return 1;
    case 'k': f->what = APP_SET_FREE_BITS, f->value = in->free_bits > 0 ? 0 : 0.5f; return 1;
    case 'd': f->what = APP_SET_DROPOUT, f->value = in->dropout > 0 ? 0 : 0.2f; return 1;
    default: return 0;
    }
}

static void fork_with(Fork *fk, AppState *s, int k) {
    AppFork f;
    fk->armed = 0;
    if (!pick(s, fk->parent, k, &f)) {
        app_toast(s, 0, "%s", fk->in_place ? "no change" : "no fork");
        return;
    }
    if ((f.what == APP_SET_BETA || f.what == APP_SET_FREE_BITS) &&
        !app_is_vae(&s->snap->model[fk->parent])) {
        app_toast(s, 1, "%s has no KL term to change", app_snap_label(s->snap, fk->parent));
        return;
    }
    if (fk->in_place) {
        if (f.what == APP_FORK_SEED) {
            app_toast(s, 1, "a seed is changed by a fork (F) or a reset (R)");
            return;
        }
        app_trainer_set(s->session->trainer, (AppSetting)f.what, fk->parent, f.value);
        app_toast(s, 0, "%s: changed as it trains (R restarts it)",
                  app_snap_label(s->snap, fk->parent));
        return;
    }
    if (app_trainer_fork(s->session->trainer, f) < 0)
        app_toast(s, 1, "no room for another model (at most %d)", APP_MAX_MODELS);
    else
        app_toast(s, 0, "forking %s...", app_snap_label(s->snap, fk->parent));
}

static int input(void *self, AppState *s, const AppInput *in) {
    Fork *fk = self;
    if (in->kind != APP_IN_KEY) return 0;
    if (fk->armed) { /* every key answers the menu */
        if (in->key == APP_KEY_ESCAPE) {
            fk->armed = 0;
            app_toast(s, 0, "%s", fk->in_place ? "no change" : "no fork");
        } else {
            fork_with(fk, s, in->key);
        }
        return 1;
    }
    if (in->key != 'f') return 0;
    if (!s->session->trainer || !s->snap) {
        app_toast(s, 1, "forks train: not with --no-train");
        return 1;
    }
    int p = app_pane_at(s, s->mx, s->my);
    fk->parent = s->pane[p < 0 ? 0 : p].model;
    if (!app_is_trained(s, fk->parent)) {
        app_toast(s, 1, "%s is computed in closed form, not trained: nothing to fork or change",
                  app_snap_label(s->snap, fk->parent));
        return 1;
    }
    fk->armed = 1;
    fk->in_place = (in->mods & APP_MOD_SHIFT) != 0;
    s->redraw |= APP_REDRAW_ALL;
    return 1;
}

static const AppHelpLine help[] = {
    {"F", "fork the pane's model, one setting changed"},
    {"Shift+F", "change one setting in place, as it trains"},
    {"B L R K D", "beta, BCE / MSE, lr, KL clipping, dropout"},
};

const AppTool app_tool_fork = {
    .name = "fork",
    .title = "Forks",
    .size = sizeof(Fork),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .input = input,
};
