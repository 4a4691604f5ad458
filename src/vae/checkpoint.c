/* A model as a safetensors checkpoint (SPEC §5): PyTorch state_dict names and shapes, and
 * string metadata describing the architecture so the file is self-contained. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "safetensors.h"
#include "trainer.h"

#define META_MAX 16

VaeStatus vae_checkpoint_save(const char *path, const VaeModel *m, const VaeCkptMeta *meta,
                              char err[VAE_ERR_LEN]) {
    VaeStWriteTensor t[VAE_MAX_PARAMS];
    for (int i = 0; i < m->n_info; i++) {
        const VaeParamInfo *p = &m->info[i];
        t[i].name = p->name;
        t[i].ndim = p->ndim;
        t[i].shape[0] = p->shape[0];
        t[i].shape[1] = p->shape[1];
        t[i].data = m->params + p->offset;
    }
    char vals[META_MAX][64];
    static const char *keys[] = {"format",  "kind",       "latent",     "hidden", "input",
                                 "classes", "likelihood", "activation", "beta",   "dataset",
                                 "epoch",   "step",       "seed",       "flows"};
    int nk = (int)(sizeof keys / sizeof keys[0]);
    const VaeConfig *c = &m->cfg;
    snprintf(vals[0], 64, "vae-explorer/1");
    snprintf(vals[1], 64, "%s", vae_kind_name(c->kind));
    snprintf(vals[2], 64, "%d", c->latent);
    vae_hidden_format(c, vals[3], 64);
    snprintf(vals[4], 64, "%d,%d", c->input_h, c->input_w);
    snprintf(vals[5], 64, "%d", c->classes);
    snprintf(vals[6], 64, "%s", vae_likelihood_name(c->likelihood));
    snprintf(vals[7], 64, "relu");
    snprintf(vals[8], 64, "%g", meta ? (double)meta->beta : 1.0);
    snprintf(vals[9], 64, "%s", meta && meta->dataset[0] ? meta->dataset : "unknown");
    snprintf(vals[10], 64, "%d", meta ? meta->epoch : 0);
    snprintf(vals[11], 64, "%" PRId64, meta ? meta->step : (int64_t)0);
    snprintf(vals[12], 64, "%" PRIu64, meta ? meta->seed : (uint64_t)0);
    snprintf(vals[13], 64, "%d", c->flows);
    VaeStMeta md[META_MAX];
    for (int i = 0; i < nk; i++) {
        md[i].key = (char *)keys[i];
        md[i].value = vals[i];
    }
    return vae_st_write(path, t, m->n_info, md, nk, err);
}

/* Parse a decimal int metadata value in [lo, hi]. */
static int meta_int(const VaeStFile *st, const char *key, int lo, int hi, int dflt, int *out) {
    const char *v = vae_st_meta(st, key);
    if (!v) {
        *out = dflt;
        return dflt >= lo;
    }
    char *end;
    long x = strtol(v, &end, 10);
    if (end == v || *end || x < lo || x > hi) return 0;
    *out = (int)x;
    return 1;
}

VaeStatus vae_checkpoint_load(const char *path, VaeModel *m, VaeCkptMeta *meta,
                              char err[VAE_ERR_LEN]) {
    memset(m, 0, sizeof *m);
    VaeStFile st;
    memset(&st, 0, sizeof st);
    VaeStatus s = vae_st_read(&st, path, err);
    if (s != VAE_OK) return s;
    VaeConfig c = vae_config_default();
    const char *fmt = vae_st_meta(&st, "format");
    const char *kind = vae_st_meta(&st, "kind");
    const char *hidden = vae_st_meta(&st, "hidden");
    const char *input = vae_st_meta(&st, "input");
    const char *lik = vae_st_meta(&st, "likelihood");
    const char *act = vae_st_meta(&st, "activation");
    if (!fmt || strcmp(fmt, "vae-explorer/1") != 0) {
        s = vae_fail(err, VAE_ERR_FORMAT,
                     "%s: not a vae-explorer checkpoint (metadata \"format\" is %s%s%s)", path,
                     fmt ? "\"" : "", fmt ? fmt : "missing", fmt ? "\"" : "");
        goto done;
    }
    if (!kind || !vae_kind_parse(kind, &c.kind)) {
        s = vae_fail(err, VAE_ERR_FORMAT, "%s: bad or missing metadata \"kind\"", path);
        goto done;
    }
    if (!hidden || !vae_hidden_parse(hidden, &c)) {
        s = vae_fail(err, VAE_ERR_FORMAT, "%s: bad or missing metadata \"hidden\"", path);
        goto done;
    }
    if (!input || sscanf(input, "%d,%d", &c.input_h, &c.input_w) != 2) {
        s = vae_fail(err, VAE_ERR_FORMAT, "%s: bad or missing metadata \"input\"", path);
        goto done;
    }
    if (lik && !vae_likelihood_parse(lik, &c.likelihood)) {
        s = vae_fail(err, VAE_ERR_FORMAT, "%s: unknown likelihood \"%s\"", path, lik);
        goto done;
    }
    if (act && strcmp(act, "relu") != 0) {
        s = vae_fail(err, VAE_ERR_UNSUPPORTED, "%s: activation \"%s\" is not supported", path, act);
        goto done;
    }
    if (!meta_int(&st, "latent", 1, VAE_MAX_LATENT, -1, &c.latent) ||
        !meta_int(&st, "classes", 1, 64, 10, &c.classes) ||
        !meta_int(&st, "flows", 0, VAE_MAX_FLOWS, 0, &c.flows)) {
        s = vae_fail(err, VAE_ERR_FORMAT, "%s: bad metadata \"latent\", \"classes\" or \"flows\"",
                     path);
        goto done;
    }
    char cerr[VAE_ERR_LEN];
    if ((s = vae_model_init(m, &c, cerr)) != VAE_OK) {
        s = vae_fail(err, VAE_ERR_FORMAT, "%s: %s", path, cerr);
        goto done;
    }
    if (st.n_tensors != m->n_info) {
        s = vae_fail(err, VAE_ERR_FORMAT, "%s: %d tensors, but a %s of this shape has %d", path,
                     st.n_tensors, vae_kind_name(c.kind), m->n_info);
        goto done;
    }
    for (int i = 0; i < m->n_info; i++) {
        const VaeParamInfo *p = &m->info[i];
        const VaeStTensor *t = vae_st_find(&st, p->name);
        if (!t) {
            s = vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" is missing", path, p->name);
            goto done;
        }
        int ok = t->ndim == p->ndim && t->shape[0] == p->shape[0] &&
                 (p->ndim == 1 || t->shape[1] == p->shape[1]);
        if (!ok) {
            char want[32];
            if (p->ndim == 2)
                snprintf(want, sizeof want, "[%d, %d]", p->shape[0], p->shape[1]);
            else
                snprintf(want, sizeof want, "[%d]", p->shape[0]);
            s = vae_fail(err, VAE_ERR_FORMAT,
                         "%s: tensor \"%s\" has the wrong shape for the metadata (want %s)", path,
                         p->name, want);
            goto done;
        }
        memcpy(m->params + p->offset, t->data, sizeof(float) * p->size);
        /* A NaN or Inf weight would decode to NaN images (ReLU hides some, not all). */
        for (size_t k = 0; k < p->size; k++)
            if (!isfinite(m->params[p->offset + k])) {
                s = vae_fail(err, VAE_ERR_FORMAT,
                             "%s: tensor \"%s\" holds a non-finite value (NaN or Inf) at "
                             "element %zu",
                             path, p->name, k);
                goto done;
            }
    }
    if (meta) {
        memset(meta, 0, sizeof *meta);
        const char *v;
        meta->beta = (v = vae_st_meta(&st, "beta")) ? strtof(v, NULL) : 1.0f;
        snprintf(meta->dataset, sizeof meta->dataset, "%s",
                 (v = vae_st_meta(&st, "dataset")) ? v : "unknown");
        meta->epoch = (v = vae_st_meta(&st, "epoch")) ? atoi(v) : 0;
        meta->step = (v = vae_st_meta(&st, "step")) ? strtoll(v, NULL, 10) : 0;
        meta->seed = (v = vae_st_meta(&st, "seed")) ? strtoull(v, NULL, 10) : 0;
    }
    s = VAE_OK;
done:
    if (s != VAE_OK) vae_model_free(m);
    vae_st_free(&st);
    return s;
}
