/* Decoding under the pointer: every frame in which the code under the pointer, the model
 * or the class changed, each pane's model decodes its cursor code (one row: sgemv), at
 * once when the pointer moved (a new snapshot's: app_decode_due). Keys 0-9 choose the
 * class a CVAE decodes. */
#include <string.h>

#include "cursor.h"
#include "tool.h"

static void update(void *self, AppState *s) {
    AppCursor *c = self;
    for (int i = 0; i < s->n_panes; i++) {
        const AppPane *p = &s->pane[i];
        const VaeModel *m = app_pane_model(s, p);
        AppCursorPane *cp = &c->pane[i];
        if (!m) continue;
        size_t bytes = (size_t)m->cfg.latent * sizeof *cp->z;
        if (cp->valid && cp->seq == s->snap->seq && cp->model == p->model && cp->cls == s->cls &&
            !memcmp(cp->z, p->cursor, bytes))
            continue;
        if (cp->valid && !app_decode_due(s, m, 1, cp->seq)) continue;
        uint8_t label;
        memcpy(cp->z, p->cursor, bytes);
        vae_model_decode(m, &s->ws[p->model], cp->z, app_decode_label(m, s->cls, &label), 1,
                         cp->probs);
        cp->seq = s->snap->seq, cp->model = p->model, cp->cls = s->cls, cp->valid = 1;
        cp->version++;
        s->redraw |= APP_REDRAW_CURSOR; /* its panel section */
    }
}

static int input(void *self, AppState *s, const AppInput *in) {
    (void)self;
    if (in->kind != APP_IN_KEY || in->key < '0' || in->key > '9') return 0;
    int c = in->key - '0';
    int cvae = s->snap && s->snap->model[0].cfg.kind == VAE_KIND_CVAE;
    if (!cvae)
        app_toast(s, 1, "class keys choose the label of a CVAE (train with --kind cvae)");
    else if (c >= s->session->ds.classes)
        app_toast(s, 1, "no class %d in this dataset", c);
    else
        s->cls = c;
    return 1;
}

static const AppHelpLine help[] = {
    {"mouse", "move over a plane: its point is decoded"},
    {"0-9", "class to decode (CVAE models)"},
};

const AppTool app_tool_cursor = {
    .name = "cursor",
    .title = "Decoding",
    .size = sizeof(AppCursor),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .input = input,
    .update = update,
};
