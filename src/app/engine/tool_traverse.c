/* Traversals (key T): for each pane, one row per latent dimension, the largest KL first
 * (the snapshot's per-dimension statistics of its model), of decodes as that dimension
 * goes from -2 to +2 around a code, the others held: the hovered image's code, else the
 * cursor's. With --latent 8 --beta 4 a few rows change the digit and the rest, their KL
 * near 0, have collapsed onto the prior and change nothing. */
#include <stdlib.h>
#include <string.h>

#include "latent_ops.h"
#include "tool.h"
#include "traverse.h"

static int input(void *self, AppState *s, const AppInput *in) {
    AppTrav *t = self;
    if (in->kind != APP_IN_KEY || in->key != 't') return 0;
    t->on = !t->on;
    s->layout_dirty = 1;
    return 1;
}

/* The rows: the dimensions by KL (by Var[mu] for an AE), at most APP_TRAV_ROWS. */
static void order_rows(AppTravPane *tp, const AppState *s, int model, int L) {
    const VaeLatentStats *st = &s->snap->lstats[model];
    int order[VAE_MAX_LATENT];
    vae_latent_dims_by_kl(st, L, order);
    tp->n_rows = L < APP_TRAV_ROWS ? L : APP_TRAV_ROWS;
    tp->has_kl = st->valid;
    for (int r = 0; r < tp->n_rows; r++) {
        tp->dims[r] = order[r];
        tp->kl[r] = st->valid ? st->kl[order[r]] : st->var[order[r]];
    }
}

/* Decode n codes in batches the render thread's workspace takes. */
static void decode_rows(const VaeModel *m, VaeWorkspace *ws, const float *z, int cls, int n,
                        float *probs) {
    int L = m->cfg.latent, P = m->cfg.input_h * m->cfg.input_w;
    uint8_t labels[APP_DECODE_BATCH];
    memset(labels, cls, sizeof labels);
    for (int i = 0; i < n; i += APP_DECODE_BATCH) {
        int b = n - i < APP_DECODE_BATCH ? n - i : APP_DECODE_BATCH;
        vae_model_decode(m, ws, z + (size_t)i * L, m->cfg.kind == VAE_KIND_CVAE ? labels : NULL, b,
                         probs + (size_t)i * P);
    }
}

/* Pane i's traversal, redone when its code, the model, the snapshot or the class changed,
 * at most every APP_TRAV_EVERY_S: a traversal is up to a hundred decodes (milliseconds),
 * and a pointer sweeping the plane changes the code every frame; the last code is decoded
 * once the pointer rests. */
static void update_pane(AppTravPane *tp, AppState *s, const AppPane *p) {
    const VaeModel *m = app_pane_model(s, p);
    int L = m->cfg.latent, img = s->hover;
    float z[VAE_MAX_LATENT];
    if (img >= 0)
        app_image_code(s, p->model, img, z);
    else
        memcpy(z, p->cursor, (size_t)L * sizeof *z);
    if (tp->valid && tp->seq == s->snap->seq && tp->model == p->model && tp->cls == s->cls &&
        tp->L == L && tp->img == img && !memcmp(tp->z, z, (size_t)L * sizeof *z))
        return;
    if (tp->valid && s->now - tp->decoded_at < APP_TRAV_EVERY_S && s->now >= tp->decoded_at)
        return; /* soon */
    if (tp->valid && !app_decode_due(s, m, tp->n_rows * APP_TRAV_STEPS, tp->seq)) return;
    size_t n = (size_t)APP_TRAV_ROWS * APP_TRAV_STEPS * APP_PIXELS_MAX;
    if (!tp->probs && !(tp->probs = malloc(n * sizeof *tp->probs))) return;
    char err[VAE_ERR_LEN];
    order_rows(tp, s, p->model, L);
    tp->valid = 0;
    if (vae_latent_traversal(z, L, tp->dims, tp->n_rows, VAE_TRAVERSE_RANGE, APP_TRAV_STEPS,
                             tp->codes, err) != VAE_OK)
        return; /* a code that is not finite: nothing to show */
    decode_rows(m, &s->ws[p->model], tp->codes, s->cls, tp->n_rows * APP_TRAV_STEPS, tp->probs);
    memcpy(tp->z, z, (size_t)L * sizeof *z);
    tp->L = L, tp->img = img, tp->valid = 1;
    tp->seq = s->snap->seq, tp->model = p->model, tp->cls = s->cls;
    tp->decoded_at = s->now;
    tp->version++;
    s->redraw |= APP_REDRAW_CURSOR; /* the dock's rows follow the pointer */
}

static void update(void *self, AppState *s) {
    AppTrav *t = self;
    if (!t->on || !s->snap) return;
    for (int i = 0; i < s->n_panes; i++)
        if (app_pane_model(s, &s->pane[i])) update_pane(&t->pane[i], s, &s->pane[i]);
}

static void trav_free(void *self) {
    AppTrav *t = self;
    for (int i = 0; i < APP_MAX_PANES; i++)
        free(t->pane[i].probs);
}

static const AppHelpLine help[] = {
    {"T", "each dimension from -2 to +2, by KL"},
};

const AppTool app_tool_traverse = {
    .name = "traverse",
    .title = "Traversals",
    .size = sizeof(AppTrav),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .input = input,
    .update = update,
    .free = trav_free,
};
