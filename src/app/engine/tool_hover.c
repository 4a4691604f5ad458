/* Hovering a dot: the shown image under the pointer (within a few pixels of its code in
 * any pane), marked in every pane; each pane's reconstruction of it; and for VAE panes
 * 200 samples of its posterior q(z|x), taken from the snapshot's mu and logvar (a
 * trainer's snapshot has no encoder), seeded by the image so they hold still. Key E also
 * decodes some of those samples: one x, many z, and where a VAE's blur comes from. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hover.h"
#include "tool.h"

static void reconstruct(AppHoverPane *h, AppState *s, const AppPane *p, const VaeModel *m) {
    int i = s->hover;
    if (h->recon_idx == i && h->recon_seq == s->snap->seq && h->recon_model == p->model) return;
    if (h->recon_idx >= 0 && !app_decode_due(s, m, 1, h->recon_seq)) return;
    uint8_t label = s->session->shown->labels[i];
    float z[VAE_MAX_LATENT];
    app_image_code(s, p->model, i, z); /* with flows: the flowed mean, the decoder's input */
    vae_model_decode(m, &s->ws[p->model], z, m->cfg.kind == VAE_KIND_CVAE ? &label : NULL, 1,
                     h->recon);
    h->recon_idx = i, h->recon_seq = s->snap->seq, h->recon_model = p->model;
    h->recon_version++;
    s->redraw |= APP_REDRAW_CURSOR; /* the strips follow the pointer */
}

static void sample_posterior(AppHoverPane *h, const AppState *s, const AppPane *p,
                             const VaeModel *m) {
    int i = s->hover;
    if (h->post_valid && h->post_idx == i && h->post_seq == s->snap->seq &&
        h->post_model == p->model)
        return;
    h->decoded_stale = 1;
    size_t n = (size_t)APP_POST_SAMPLES * VAE_MAX_LATENT;
    if (!h->z0) h->z0 = malloc(n * sizeof *h->z0);
    if (!h->zk) h->zk = malloc(n * sizeof *h->zk);
    if (!h->z0 || !h->zk) return;
    const int L = m->cfg.latent;
    const float *mu = s->snap->mu[p->model] + (size_t)i * L;
    const float *lv = s->snap->lv[p->model] + (size_t)i * L;
    vae_model_posterior_samples_from(m, mu, lv, APP_POST_SAMPLES, (uint64_t)i, h->z0, h->zk);
    for (int k = 0; k < 2; k++) {
        h->mu[k] = mu[p->ax[k]];
        h->sd[k] = expf(0.5f * lv[p->ax[k]]);
    }
    h->post_idx = i, h->post_seq = s->snap->seq, h->post_model = p->model, h->post_valid = 1;
}

/* One x, many z: the first samples of q(z|x) through the decoder (key E). */
static void decode_samples(AppHoverPane *h, AppState *s, const AppPane *p, const VaeModel *m) {
    if ((h->decoded_valid && !h->decoded_stale) || !h->post_valid) return;
    if (h->decoded_valid && !app_decode_due(s, m, APP_POST_DECODED, h->decoded_seq)) return;
    if (!h->decoded) h->decoded = malloc((size_t)APP_POST_DECODED * APP_PIXELS_MAX * sizeof(float));
    if (!h->decoded) return;
    uint8_t labels[APP_POST_DECODED];
    memset(labels, s->session->shown->labels[h->post_idx], sizeof labels);
    vae_model_decode(m, &s->ws[p->model], h->zk, m->cfg.kind == VAE_KIND_CVAE ? labels : NULL,
                     APP_POST_DECODED, h->decoded);
    h->decoded_valid = 1, h->decoded_stale = 0, h->decoded_seq = h->post_seq;
    s->redraw |= APP_REDRAW_CURSOR;
    h->decoded_version++;
}

static int input(void *self, AppState *s, const AppInput *in) {
    AppHover *hv = self;
    if (in->kind != APP_IN_KEY || in->key != 'e') return 0;
    hv->decode_samples = !hv->decode_samples;
    s->layout_dirty = 1;
    return 1;
}

static void update(void *self, AppState *s) {
    AppHover *hv = self;
    s->hover = -1;
    if (!s->snap || s->scatter_hidden || !s->mouse_in) return;
    s->hover = app_dot_at(s, s->mx, s->my);
    if (s->hover < 0) return;
    for (int i = 0; i < s->n_panes; i++) {
        const VaeModel *m = app_pane_model(s, &s->pane[i]);
        if (!m) continue;
        reconstruct(&hv->pane[i], s, &s->pane[i], m);
        if (!app_is_vae(m)) continue;
        sample_posterior(&hv->pane[i], s, &s->pane[i], m);
        if (hv->decode_samples) decode_samples(&hv->pane[i], s, &s->pane[i], m);
    }
}

static int init(void *self, AppState *s) {
    (void)s;
    AppHover *hv = self;
    for (int i = 0; i < APP_MAX_PANES; i++)
        hv->pane[i].recon_idx = hv->pane[i].post_idx = -1;
    return 0;
}

static void hover_free(void *self) {
    AppHover *hv = self;
    for (int i = 0; i < APP_MAX_PANES; i++)
        free(hv->pane[i].z0), free(hv->pane[i].zk), free(hv->pane[i].decoded);
}

static const AppHelpLine help[] = {
    {"hover", "a dot: its image, reconstructions and posterior"},
    {"E", "decode samples of the hovered image's q(z|x)"},
};

const AppTool app_tool_hover = {
    .name = "hover",
    .title = "Hover",
    .size = sizeof(AppHover),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .init = init,
    .input = input,
    .free = hover_free,
    .update = update,
};
