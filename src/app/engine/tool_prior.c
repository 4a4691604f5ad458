/* Generation from the prior (key Z): K codes z ~ N(0, I), marked on every plane and
 * decoded by every pane's model: the same codes through the VAE and the AE. The VAE was
 * trained to make the prior's mass decode to data; on the AE's plane many of them land
 * where no data is and decode to garbage. Z again draws new codes; Shift+Z hides them. */
#include <string.h>

#include "latent_ops.h"
#include "prior.h"
#include "rng.h"
#include "tool.h"

/* K codes of VAE_MAX_LATENT dimensions: each model reads its first L of each. */
static void draw_codes(AppPrior *pr) {
    VaeRng r;
    vae_rng_seed(&r, 0x5eed + pr->draw, 11);
    vae_latent_prior_samples(&r, APP_PRIOR_K, VAE_MAX_LATENT, pr->z);
}

static int input(void *self, AppState *s, const AppInput *in) {
    AppPrior *pr = self;
    if (in->kind != APP_IN_KEY || in->key != 'z') return 0;
    if (in->mods & APP_MOD_SHIFT) {
        pr->on = 0;
    } else {
        pr->draw += pr->on; /* the first Z shows the first draw, each next one a new draw */
        pr->on = 1;
        draw_codes(pr);
    }
    s->layout_dirty = 1;
    return 1;
}

/* Each pane's model decodes the K codes (its first `latent` dimensions of each). */
static void update(void *self, AppState *s) {
    AppPrior *pr = self;
    if (!pr->on || !s->snap) return;
    for (int i = 0; i < s->n_panes; i++) {
        const VaeModel *m = app_pane_model(s, &s->pane[i]);
        AppPriorPane *pp = &pr->pane[i];
        if (!m || (pp->valid && pp->seq == s->snap->seq && pp->model == s->pane[i].model &&
                   pp->draw == pr->draw && pp->cls == s->cls))
            continue;
        if (pp->valid && !app_decode_due(s, m, APP_PRIOR_K, pp->seq)) continue;
        int L = m->cfg.latent;
        float z[APP_PRIOR_K * VAE_MAX_LATENT];
        for (int k = 0; k < APP_PRIOR_K; k++)
            memcpy(z + k * L, pr->z + k * VAE_MAX_LATENT, (size_t)L * sizeof *z);
        uint8_t labels[APP_PRIOR_K];
        memset(labels, s->cls, sizeof labels);
        vae_model_decode(m, &s->ws[s->pane[i].model], z,
                         m->cfg.kind == VAE_KIND_CVAE ? labels : NULL, APP_PRIOR_K, pp->probs);
        pp->valid = 1, pp->seq = s->snap->seq, pp->model = s->pane[i].model, pp->draw = pr->draw;
        pp->cls = s->cls;
        pp->version++;
        s->redraw |= APP_REDRAW_DOCK; /* the strip */
    }
}

static const AppHelpLine help[] = {
    {"Z", "samples of N(0, I) through every model (again: new)"},
    {"Shift+Z", "hide the prior samples"},
};

const AppTool app_tool_prior = {
    .name = "prior",
    .title = "Generation",
    .size = sizeof(AppPrior),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .input = input,
    .update = update,
};
