/* A model as a safetensors checkpoint (SPEC §5): PyTorch state_dict names and shapes, and
 * string metadata describing the architecture so the file is self-contained. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_meta.h"
#include "pca.h"
#include "trainer.h"

/* ---- configuration <-> metadata --------------------------------------------------- */

void vae_config_meta_format(const VaeConfig *c, const char *prefix, VaeConfigMeta *out) {
    static const char *const keys[VAE_CONFIG_META_KEYS] = {"kind",       "latent",  "hidden",
                                                           "input",      "classes", "likelihood",
                                                           "activation", "arch",    "flows"};
    for (int i = 0; i < VAE_CONFIG_META_KEYS; i++)
        snprintf(out->key[i], sizeof out->key[i], "%s%s", prefix, keys[i]);
    snprintf(out->value[0], 64, "%s", vae_kind_name(c->kind));
    snprintf(out->value[1], 64, "%d", c->latent);
    vae_hidden_format(c, out->value[2], 64);
    snprintf(out->value[3], 64, "%d,%d", c->input_h, c->input_w);
    snprintf(out->value[4], 64, "%d", c->classes);
    snprintf(out->value[5], 64, "%s", vae_likelihood_name(c->likelihood));
    snprintf(out->value[6], 64, "relu");
    snprintf(out->value[7], 64, "%s", vae_arch_name(c->arch));
    snprintf(out->value[8], 64, "%d", c->flows);
}

/* The value of prefix + key, or NULL. */
static const char *meta_get(const VaeStFile *st, const char *prefix, const char *key) {
    char k[64];
    snprintf(k, sizeof k, "%s%s", prefix, key);
    return vae_st_meta(st, k);
}

/* Parse a decimal int metadata value in [lo, hi]. */
static int meta_int(const VaeStFile *st, const char *prefix, const char *key, int lo, int hi,
                    int dflt, int *out) {
    const char *v = meta_get(st, prefix, key);
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

VaeStatus vae_config_meta_parse(const VaeStFile *st, const char *prefix, const char *path,
                                VaeConfig *c, char err[VAE_ERR_LEN]) {
    *c = vae_config_default();
    const char *kind = meta_get(st, prefix, "kind"), *hidden = meta_get(st, prefix, "hidden");
    const char *input = meta_get(st, prefix, "input"), *lik = meta_get(st, prefix, "likelihood");
    const char *act = meta_get(st, prefix, "activation"), *arch = meta_get(st, prefix, "arch");
    /* before the hidden sizes: a conv checkpoint's are its own; no "arch" (files older
     * than the conv architecture) is an mlp */
    if (arch && !vae_arch_parse(arch, &c->arch))
        return vae_fail(err, VAE_ERR_FORMAT,
                        "%s: unknown architecture \"%s\" (metadata \"%sarch\")", path, arch,
                        prefix);
    if (!kind || !vae_kind_parse(kind, &c->kind))
        return vae_fail(err, VAE_ERR_FORMAT, "%s: bad or missing metadata \"%skind\"", path,
                        prefix);
    if (!hidden || !vae_hidden_parse(hidden, c))
        return vae_fail(err, VAE_ERR_FORMAT, "%s: bad or missing metadata \"%shidden\"", path,
                        prefix);
    if (!input || sscanf(input, "%d,%d", &c->input_h, &c->input_w) != 2)
        return vae_fail(err, VAE_ERR_FORMAT, "%s: bad or missing metadata \"%sinput\"", path,
                        prefix);
    if (lik && !vae_likelihood_parse(lik, &c->likelihood))
        return vae_fail(err, VAE_ERR_FORMAT, "%s: unknown likelihood \"%s\"", path, lik);
    if (act && strcmp(act, "relu") != 0)
        return vae_fail(err, VAE_ERR_UNSUPPORTED, "%s: activation \"%s\" is not supported", path,
                        act);
    if (!meta_int(st, prefix, "latent", 1, VAE_MAX_LATENT, -1, &c->latent) ||
        !meta_int(st, prefix, "classes", 1, 64, 10, &c->classes) ||
        !meta_int(st, prefix, "flows", 0, VAE_MAX_FLOWS, 0, &c->flows))
        return vae_fail(err, VAE_ERR_FORMAT,
                        "%s: bad metadata \"%slatent\", \"%sclasses\" or \"%sflows\"", path, prefix,
                        prefix, prefix);
    return VAE_OK;
}

/* ---- checkpoints ------------------------------------------------------------------ */

VaeStatus vae_checkpoint_save(const char *path, const VaeModel *m, const VaeCkptMeta *meta,
                              char err[VAE_ERR_LEN]) {
    VaeStWriteTensor t[VAE_MAX_PARAMS];
    memset(t, 0, sizeof t);
    for (int i = 0; i < m->n_info; i++) {
        const VaeParamInfo *p = &m->info[i];
        t[i].name = p->name;
        t[i].ndim = p->ndim;
        for (int d = 0; d < p->ndim; d++)
            t[i].shape[d] = p->shape[d];
        t[i].data = m->params + p->offset;
    }
    VaeConfigMeta cm;
    vae_config_meta_format(&m->cfg, "", &cm);
    char vals[6][64];
    static const char *keys[] = {"format", "beta", "dataset", "epoch", "step", "seed"};
    snprintf(vals[0], 64, "vae-explorer/1");
    snprintf(vals[1], 64, "%g", meta ? (double)meta->beta : 1.0);
    snprintf(vals[2], 64, "%s", meta && meta->dataset[0] ? meta->dataset : "unknown");
    snprintf(vals[3], 64, "%d", meta ? meta->epoch : 0);
    snprintf(vals[4], 64, "%" PRId64, meta ? meta->step : (int64_t)0);
    snprintf(vals[5], 64, "%" PRIu64, meta ? meta->seed : (uint64_t)0);
    /* format, the configuration, the run, and flows last: the order files always had */
    VaeStMeta md[6 + VAE_CONFIG_META_KEYS];
    int n = 0;
    md[n++] = (VaeStMeta){(char *)keys[0], vals[0]};
    for (int i = 0; i < VAE_CONFIG_META_KEYS - 1; i++)
        md[n++] = (VaeStMeta){cm.key[i], cm.value[i]};
    for (int i = 1; i < 6; i++)
        md[n++] = (VaeStMeta){(char *)keys[i], vals[i]};
    md[n++] = (VaeStMeta){cm.key[VAE_CONFIG_META_KEYS - 1], cm.value[VAE_CONFIG_META_KEYS - 1]};
    return vae_st_write(path, t, m->n_info, md, n, err);
}

VaeStatus vae_checkpoint_load(const char *path, VaeModel *m, VaeCkptMeta *meta,
                              char err[VAE_ERR_LEN]) {
    memset(m, 0, sizeof *m);
    VaeStFile st;
    memset(&st, 0, sizeof st);
    VaeStatus s = vae_st_read(&st, path, err);
    if (s != VAE_OK) return s;
    VaeConfig c;
    const char *fmt = vae_st_meta(&st, "format");
    if (!fmt || strcmp(fmt, "vae-explorer/1") != 0) {
        s = vae_fail(err, VAE_ERR_FORMAT,
                     "%s: not a vae-explorer checkpoint (metadata \"format\" is %s%s%s)", path,
                     fmt ? "\"" : "", fmt ? fmt : "missing", fmt ? "\"" : "");
        goto done;
    }
    if ((s = vae_config_meta_parse(&st, "", path, &c, err)) != VAE_OK) goto done;
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
        int ok = t->ndim == p->ndim;
        for (int d = 0; ok && d < p->ndim; d++)
            ok = t->shape[d] == p->shape[d];
        if (!ok) {
            char want[64];
            vae_param_shape_format(p, want, sizeof want);
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
    if (c.kind == VAE_KIND_PCA && (s = vae_pca_check(m, path, err)) != VAE_OK) goto done;
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
