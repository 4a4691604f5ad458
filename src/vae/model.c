/* Model configuration, the parameter arena and its tensor table, and inference
 * (encode / decode / planar flows) on a const model with a caller-owned workspace. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "nn.h"
#include "rng.h"

/* ---------------------------------------------------------------------------- */
/* configuration */

VaeConfig vae_config_default(void) {
    VaeConfig c;
    memset(&c, 0, sizeof c);
    c.kind = VAE_KIND_VAE;
    c.input_h = 28;
    c.input_w = 28;
    c.latent = 2;
    c.n_hidden = 2;
    c.hidden[0] = 512;
    c.hidden[1] = 256;
    c.classes = 10;
    c.flows = 0;
    c.likelihood = VAE_LIK_BERNOULLI;
    return c;
}

void vae_config_set_arch(VaeConfig *c, VaeArch a) {
    c->arch = a;
    if (a == VAE_ARCH_CONV) {
        c->n_hidden = 1;
        c->hidden[0] = 16;
    } else {
        c->n_hidden = 2;
        c->hidden[0] = 512;
        c->hidden[1] = 256;
    }
}

VaeStatus vae_config_check(const VaeConfig *c, char err[VAE_ERR_LEN]) {
    if (c->kind != VAE_KIND_VAE && c->kind != VAE_KIND_AE && c->kind != VAE_KIND_CVAE &&
        c->kind != VAE_KIND_PCA)
        return vae_fail(err, VAE_ERR_ARG, "unknown model kind %d", (int)c->kind);
    if (c->arch != VAE_ARCH_MLP && c->arch != VAE_ARCH_CONV)
        return vae_fail(err, VAE_ERR_ARG, "unknown architecture %d", (int)c->arch);
    if (c->input_h < 1 || c->input_w < 1 || c->input_h > 1024 || c->input_w > 1024)
        return vae_fail(err, VAE_ERR_ARG, "input size %dx%d out of range", c->input_h, c->input_w);
    /* two stride-2 convolutions down and two transposed ones back up */
    if (c->arch == VAE_ARCH_CONV &&
        (c->input_h % 4 || c->input_w % 4 || c->input_h > 256 || c->input_w > 256))
        return vae_fail(err, VAE_ERR_ARG,
                        "input size %dx%d: the conv architecture needs multiples of 4 up to 256",
                        c->input_h, c->input_w);
    if (c->latent < 1 || c->latent > VAE_MAX_LATENT)
        return vae_fail(err, VAE_ERR_ARG, "latent size %d out of range 1..%d", c->latent,
                        VAE_MAX_LATENT);
    if (c->kind == VAE_KIND_PCA && (c->n_hidden != 0 || c->flows != 0))
        return vae_fail(err, VAE_ERR_ARG, "a pca has no hidden layers and no flows");
    if (c->kind == VAE_KIND_PCA && c->arch != VAE_ARCH_MLP)
        return vae_fail(err, VAE_ERR_ARG, "a pca is linear: no conv architecture");
    if (c->kind != VAE_KIND_PCA && (c->n_hidden < 1 || c->n_hidden > VAE_MAX_HIDDEN))
        return vae_fail(err, VAE_ERR_ARG, "%d hidden layers: need 1..%d", c->n_hidden,
                        VAE_MAX_HIDDEN);
    for (int i = 0; i < c->n_hidden; i++)
        if (c->hidden[i] < 1 || c->hidden[i] > 16384)
            return vae_fail(err, VAE_ERR_ARG, "hidden size %d out of range 1..16384", c->hidden[i]);
    if (c->classes < 1 || c->classes > 64)
        return vae_fail(err, VAE_ERR_ARG, "classes %d out of range 1..64", c->classes);
    if (c->flows < 0 || c->flows > VAE_MAX_FLOWS)
        return vae_fail(err, VAE_ERR_ARG, "flows %d out of range 0..%d", c->flows, VAE_MAX_FLOWS);
    if (c->flows > 0 && !vae_kind_is_stochastic(c->kind))
        return vae_fail(err, VAE_ERR_ARG, "flows need a stochastic posterior (kind vae or cvae)");
    if (c->likelihood != VAE_LIK_BERNOULLI && c->likelihood != VAE_LIK_GAUSSIAN)
        return vae_fail(err, VAE_ERR_ARG, "unknown likelihood %d", (int)c->likelihood);
    return VAE_OK;
}

const char *vae_kind_name(VaeKind k) {
    switch (k) {
    case VAE_KIND_VAE: return "vae";
    case VAE_KIND_AE: return "ae";
    case VAE_KIND_CVAE: return "cvae";
    case VAE_KIND_PCA: return "pca";
    }
    return "?";
}

int vae_kind_is_stochastic(VaeKind k) {
    return k == VAE_KIND_VAE || k == VAE_KIND_CVAE;
}

const char *vae_likelihood_name(VaeLikelihood l) {
    return l == VAE_LIK_GAUSSIAN ? "gaussian" : "bernoulli";
}

const char *vae_arch_name(VaeArch a) {
    return a == VAE_ARCH_CONV ? "conv" : "mlp";
}

int vae_arch_parse(const char *s, VaeArch *a) {
    if (!strcmp(s, "mlp"))
        *a = VAE_ARCH_MLP;
    else if (!strcmp(s, "conv"))
        *a = VAE_ARCH_CONV;
    else
        return 0;
    return 1;
}

int vae_kind_parse(const char *s, VaeKind *k) {
    if (!strcmp(s, "vae"))
        *k = VAE_KIND_VAE;
    else if (!strcmp(s, "ae"))
        *k = VAE_KIND_AE;
    else if (!strcmp(s, "cvae"))
        *k = VAE_KIND_CVAE;
    else if (!strcmp(s, "pca"))
        *k = VAE_KIND_PCA;
    else
        return 0;
    return 1;
}

int vae_likelihood_parse(const char *s, VaeLikelihood *l) {
    if (!strcmp(s, "bernoulli") || !strcmp(s, "bce"))
        *l = VAE_LIK_BERNOULLI;
    else if (!strcmp(s, "gaussian") || !strcmp(s, "mse"))
        *l = VAE_LIK_GAUSSIAN;
    else
        return 0;
    return 1;
}

int vae_hidden_parse(const char *s, VaeConfig *c) {
    int n = 0, h[VAE_MAX_HIDDEN];
    if (!strcmp(s, "none")) {
        c->n_hidden = 0;
        return 1;
    }
    const char *p = s;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || v > 16384 || n == VAE_MAX_HIDDEN) return 0;
        h[n++] = (int)v;
        if (*end == ',')
            end++;
        else if (*end)
            return 0;
        p = end;
    }
    if (n == 0) return 0;
    c->n_hidden = n;
    memcpy(c->hidden, h, sizeof(int) * (size_t)n);
    return 1;
}

void vae_hidden_format(const VaeConfig *c, char *buf, size_t len) {
    size_t used = 0;
    snprintf(buf, len, "%s", c->n_hidden ? "" : "none");
    for (int i = 0; i < c->n_hidden && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, i ? ",%d" : "%d", c->hidden[i]);
}

/* ---------------------------------------------------------------------------- */
/* arena layout */

static size_t align16(size_t n) {
    return (n + 15) & ~(size_t)15;
}

void vae_param_shape_format(const VaeParamInfo *p, char *buf, size_t len) {
    size_t used = (size_t)snprintf(buf, len, "[");
    for (int d = 0; d < p->ndim && used < len; d++)
        used += (size_t)snprintf(buf + used, len - used, d ? ", %d" : "%d", p->shape[d]);
    if (used < len) snprintf(buf + used, len - used, "]");
}

/* A tensor of ndim dims (1..4) at offset. */
static void add_tensor(VaeModel *m, const char *name, int ndim, const int *shape, size_t offset) {
    VaeParamInfo *p = &m->info[m->n_info++];
    snprintf(p->name, sizeof p->name, "%s", name);
    p->ndim = ndim;
    p->size = 1;
    for (int d = 0; d < 4; d++) {
        p->shape[d] = d < ndim ? shape[d] : 0;
        if (d < ndim) p->size *= (size_t)shape[d];
    }
    p->offset = offset;
}

static void add_info(VaeModel *m, const char *name, int rows, int cols, size_t offset) {
    int shape[2] = {rows, cols};
    add_tensor(m, name, cols ? 2 : 1, shape, offset);
}

/* Weight (oc, c, k, k) then bias, each 64-byte aligned. */
static VaeConvLayer place_conv(VaeModel *m, size_t *at, const char *prefix, VaeConvShape s,
                               int transposed) {
    VaeConvLayer l = {s, transposed, *at, 0};
    int shape[4] = {s.oc, s.c, s.k, s.k};
    char name[32];
    *at = align16(*at + (size_t)s.oc * s.c * s.k * s.k);
    l.b = *at;
    *at = align16(*at + (size_t)(transposed ? s.c : s.oc));
    snprintf(name, sizeof name, "%s.weight", prefix);
    add_tensor(m, name, 4, shape, l.w);
    snprintf(name, sizeof name, "%s.bias", prefix);
    add_info(m, name, transposed ? s.c : s.oc, 0, l.b);
    return l;
}

/* Keras's convolutions: 1 -> 32 -> 64 at stride 2 down, 64 -> 64 -> 32 -> 1 back up. */
static void place_encoder_convs(VaeModel *m, size_t *at) {
    const int H = m->cfg.input_h, W = m->cfg.input_w;
    m->n_econv = 2;
    m->econv[0] = place_conv(m, at, "enc.conv.0", vae_conv_shape(1, 32, H, W, 3, 2, 1), 0);
    m->econv[1] = place_conv(m, at, "enc.conv.1", vae_conv_shape(32, 64, H / 2, W / 2, 3, 2, 1), 0);
    m->feat = 64 * (H / 4) * (W / 4);
}

static void place_decoder_convs(VaeModel *m, size_t *at) {
    const int H = m->cfg.input_h, W = m->cfg.input_w;
    m->n_dconv = 3;
    m->dconv[0] =
        place_conv(m, at, "dec.conv.0", vae_convt_shape(64, 64, H / 4, W / 4, 3, 2, 1, 1), 1);
    m->dconv[1] =
        place_conv(m, at, "dec.conv.1", vae_convt_shape(64, 32, H / 2, W / 2, 3, 2, 1, 1), 1);
    m->dconv[2] = place_conv(m, at, "dec.conv.2", vae_convt_shape(32, 1, H, W, 3, 1, 1, 0), 1);
}

/* Weight then bias, each 64-byte aligned. */
static VaeLinear place_linear(VaeModel *m, size_t *at, const char *prefix, int in, int out) {
    VaeLinear l = {in, out, 0, 0};
    char name[32];
    l.w = *at;
    *at = align16(*at + (size_t)in * out);
    l.b = *at;
    *at = align16(*at + (size_t)out);
    snprintf(name, sizeof name, "%s.weight", prefix);
    add_info(m, name, out, in, l.w);
    snprintf(name, sizeof name, "%s.bias", prefix);
    add_info(m, name, out, 0, l.b);
    return l;
}

VaeStatus vae_model_layout(VaeModel *m, const VaeConfig *cfg, char err[VAE_ERR_LEN]) {
    memset(m, 0, sizeof *m);
    VaeStatus s = vae_config_check(cfg, err);
    if (s != VAE_OK) return s;
    m->cfg = *cfg;
    int cond = cfg->kind == VAE_KIND_CVAE ? cfg->classes : 0;
    int L = cfg->latent, nh = cfg->n_hidden;
    const int conv = cfg->arch == VAE_ARCH_CONV;
    m->n_in = cfg->input_h * cfg->input_w;
    m->feat = m->n_in;
    size_t at = 0;
    if (conv) place_encoder_convs(m, &at);
    m->enc_in = m->feat + cond;
    m->dec_in = L + cond;
    m->head_out = vae_kind_is_stochastic(cfg->kind) ? 2 * L : L;
    m->n_enc = nh;
    m->n_dec = conv ? 1 : nh + 1;

    char name[32];
    for (int i = 0; i < nh; i++) {
        snprintf(name, sizeof name, "enc.%d", i);
        m->enc[i] = place_linear(m, &at, name, i ? cfg->hidden[i - 1] : m->enc_in, cfg->hidden[i]);
    }
    /* The head: mu rows then logvar rows contiguous, so one sgemm computes both. */
    int H = nh ? cfg->hidden[nh - 1] : m->enc_in; /* a pca projects the pixels */
    m->head = (VaeLinear){H, m->head_out, at, 0};
    m->head.b = align16(at + (size_t)m->head_out * H);
    add_info(m, "enc.mu.weight", L, H, m->head.w);
    add_info(m, "enc.mu.bias", L, 0, m->head.b);
    if (vae_kind_is_stochastic(cfg->kind)) {
        add_info(m, "enc.logvar.weight", L, H, m->head.w + (size_t)L * H);
        add_info(m, "enc.logvar.bias", L, 0, m->head.b + (size_t)L);
    }
    at = align16(m->head.b + (size_t)m->head_out);
    for (int i = 0; i < m->n_dec; i++) {
        int in = i ? cfg->hidden[nh - i] : m->dec_in;
        int out = i < m->n_dec - 1 ? cfg->hidden[nh - 1 - i] : m->feat;
        snprintf(name, sizeof name, "dec.%d", i);
        m->dec[i] = place_linear(m, &at, name, in, out);
    }
    if (conv) place_decoder_convs(m, &at);
    if (cfg->flows > 0) {
        int K = cfg->flows;
        m->flow_u = at;
        add_info(m, "flow.u", K, L, at);
        at = align16(at + (size_t)K * L);
        m->flow_w = at;
        add_info(m, "flow.w", K, L, at);
        at = align16(at + (size_t)K * L);
        m->flow_b = at;
        add_info(m, "flow.b", K, 0, at);
        at = align16(at + (size_t)K);
    }
    m->n_params = at;
    return VAE_OK;
}

VaeStatus vae_model_init(VaeModel *m, const VaeConfig *cfg, char err[VAE_ERR_LEN]) {
    VaeStatus s = vae_model_layout(m, cfg, err);
    if (s != VAE_OK) return s;
    size_t at = m->n_params;
    /* calloc rather than aligned_alloc + memset: pages nobody writes stay unbacked, so a
     * copy that takes only the encoder's tensors (vae_model_encoder_params) costs only
     * their memory */
    m->block = calloc(sizeof(float) * at + 64, 1);
    if (!m->block) return vae_fail(err, VAE_ERR_NOMEM, "cannot allocate %zu parameters", at);
    m->params = (float *)(((uintptr_t)m->block + 63) & ~(uintptr_t)63);
    return VAE_OK;
}

size_t vae_model_encoder_params(const VaeModel *m) {
    return m->dec[0].w; /* the encoder trunk and head come first, the decoder after */
}

void vae_model_free(VaeModel *m) {
    if (!m) return;
    free(m->block);
    m->block = NULL;
    m->params = NULL;
}

static void init_linear(float *p, const VaeLinear *l, VaeRng *r) {
    float bound = 1.0f / sqrtf((float)l->in);
    for (size_t i = 0; i < (size_t)l->in * l->out; i++)
        p[l->w + i] = (2.0f * vae_rng_uniform(r) - 1.0f) * bound;
    for (int i = 0; i < l->out; i++)
        p[l->b + i] = (2.0f * vae_rng_uniform(r) - 1.0f) * bound;
}

/* PyTorch's default for both Conv2d and ConvTranspose2d: U(+-1/sqrt(fan_in)) with fan_in
 * = weight.size(1) k k, which is c k k in our shape for either. */
static void init_conv(float *p, const VaeConvLayer *l, VaeRng *r) {
    const VaeConvShape *s = &l->s;
    size_t n_w = (size_t)s->oc * s->c * s->k * s->k;
    int n_b = l->transposed ? s->c : s->oc;
    float bound = 1.0f / sqrtf((float)(s->c * s->k * s->k));
    for (size_t i = 0; i < n_w; i++)
        p[l->w + i] = (2.0f * vae_rng_uniform(r) - 1.0f) * bound;
    for (int i = 0; i < n_b; i++)
        p[l->b + i] = (2.0f * vae_rng_uniform(r) - 1.0f) * bound;
}

void vae_model_init_params(VaeModel *m, uint64_t seed) {
    VaeRng r;
    vae_rng_seed(&r, seed, 0x1517);
    memset(m->params, 0, sizeof(float) * m->n_params);
    for (int i = 0; i < m->n_econv; i++)
        init_conv(m->params, &m->econv[i], &r);
    for (int i = 0; i < m->n_enc; i++)
        init_linear(m->params, &m->enc[i], &r);
    init_linear(m->params, &m->head, &r);
    for (int i = 0; i < m->n_dec; i++)
        init_linear(m->params, &m->dec[i], &r);
    for (int i = 0; i < m->n_dconv; i++)
        init_conv(m->params, &m->dconv[i], &r);
    if (m->cfg.flows > 0) {
        /* Near the identity. Small u and w alone do not give that: the invertibility
         * correction makes w . uhat = m(w . u) ~ m(0) = -0.31, a 0.69x contraction along w
         * whatever the scale of w. So w ~ N(0, 1/L) (tanh used in its curved range), and u
         * gets w . u = log(e - 1), where m = 0: uhat is then u's small part orthogonal to
         * w, and each flow starts as a slight shear with log|det| = 0. b = 0. */
        const int K = m->cfg.flows, L = m->cfg.latent;
        const float w_scale = 1.0f / sqrtf((float)L), target = 0.54132485f; /* log(e - 1) */
        for (int k = 0; k < K; k++) {
            float *u = m->params + m->flow_u + (size_t)k * L;
            float *w = m->params + m->flow_w + (size_t)k * L;
            double nn = 0.0, wu = 0.0;
            for (int j = 0; j < L; j++) {
                w[j] = w_scale * vae_rng_normal(&r);
                u[j] = 0.01f * vae_rng_normal(&r);
                nn += (double)w[j] * w[j];
                wu += (double)w[j] * u[j];
            }
            if (nn > 0.0)
                for (int j = 0; j < L; j++)
                    u[j] += (float)((target - wu) / nn) * w[j];
        }
    }
}

VaeStatus vae_model_clone(VaeModel *dst, const VaeModel *src, char err[VAE_ERR_LEN]) {
    VaeStatus s = vae_model_init(dst, &src->cfg, err);
    if (s != VAE_OK) return s;
    memcpy(dst->params, src->params, sizeof(float) * src->n_params);
    return VAE_OK;
}

/* ---------------------------------------------------------------------------- */
/* inference */

static VaeStatus workspace_alloc(VaeWorkspace *ws, const VaeModel *m, int max_batch, int decoder,
                                 char err[VAE_ERR_LEN]) {
    memset(ws, 0, sizeof *ws);
    if (max_batch < 1) return vae_fail(err, VAE_ERR_ARG, "batch size %d must be >= 1", max_batch);
    size_t B = (size_t)max_batch;
    ws->max_batch = max_batch;
    int ok = 1;
    const int conv = m->cfg.arch == VAE_ARCH_CONV;
    /* encode reads the images in place unless labels are appended (cvae) or it reads
     * convolved features */
    if (decoder || m->enc_in != m->n_in || conv)
        ok &= (ws->x = malloc(sizeof(float) * B * (size_t)m->enc_in)) != NULL;
    for (int i = 0; i < m->n_enc; i++)
        ok &= (ws->h[i] = malloc(sizeof(float) * B * (size_t)m->enc[i].out)) != NULL;
    ok &= (ws->head = malloc(sizeof(float) * B * (size_t)m->head_out)) != NULL;
    if (conv) {
        ws->cols_cap = vae_conv_cols_cap(m, max_batch);
        ok &= (ws->cols = malloc(sizeof(float) * ws->cols_cap)) != NULL;
        for (int i = 0; i < m->n_econv; i++) {
            const VaeConvShape *c = &m->econv[i].s;
            ok &= (ws->ea[i] = malloc(sizeof(float) * B * (size_t)c->oc * c->oh * c->ow)) != NULL;
        }
    }
    if (decoder && conv)
        for (int i = 0; i < m->n_dconv; i++) {
            const VaeConvShape *c = &m->dconv[i].s;
            ok &= (ws->da[i] = malloc(sizeof(float) * B * (size_t)c->oc * c->oh * c->ow)) != NULL;
        }
    if (decoder) {
        /* the last dense layer of an mlp writes the output; a conv's feeds the convs */
        int n_g = conv ? m->n_dec : m->n_dec - 1;
        for (int i = 0; i < n_g; i++)
            ok &= (ws->g[i] = malloc(sizeof(float) * B * (size_t)m->dec[i].out)) != NULL;
        ok &= (ws->zin = malloc(sizeof(float) * B * (size_t)m->dec_in)) != NULL;
        ok &= (ws->logits = malloc(sizeof(float) * B * (size_t)m->n_in)) != NULL;
    }
    if (!ok) {
        vae_workspace_free(ws);
        return vae_fail(err, VAE_ERR_NOMEM, "cannot allocate a workspace for batch %d", max_batch);
    }
    return VAE_OK;
}

VaeStatus vae_workspace_init(VaeWorkspace *ws, const VaeModel *m, int max_batch,
                             char err[VAE_ERR_LEN]) {
    return workspace_alloc(ws, m, max_batch, 1, err);
}

VaeStatus vae_workspace_init_encoder(VaeWorkspace *ws, const VaeModel *m, int max_batch,
                                     char err[VAE_ERR_LEN]) {
    return workspace_alloc(ws, m, max_batch, 0, err);
}

void vae_workspace_free(VaeWorkspace *ws) {
    if (!ws) return;
    free(ws->x);
    for (int i = 0; i < VAE_MAX_HIDDEN; i++)
        free(ws->h[i]);
    for (int i = 0; i <= VAE_MAX_HIDDEN; i++)
        free(ws->g[i]);
    for (int i = 0; i < VAE_MAX_CONV; i++) {
        free(ws->ea[i]);
        free(ws->da[i]);
    }
    free(ws->cols);
    free(ws->head);
    free(ws->zin);
    free(ws->logits);
    memset(ws, 0, sizeof *ws);
}

/* rows (b, width) of one-hot labels written at column `at` of a (b, ld) matrix */
static void put_onehot(float *dst, int ld, int at, const uint8_t *labels, int b, int classes) {
    for (int r = 0; r < b; r++) {
        float *row = dst + (size_t)r * ld + at;
        memset(row, 0, sizeof(float) * (size_t)classes);
        if (labels && labels[r] < classes) row[labels[r]] = 1.0f;
    }
}

void vae_model_encode(const VaeModel *m, VaeWorkspace *ws, const float *x, const uint8_t *labels,
                      int b, float *mu, float *logvar) {
    const float *p = m->params;
    int L = m->cfg.latent;
    for (int at = 0; at < b; at += ws->max_batch) {
        int n = b - at < ws->max_batch ? b - at : ws->max_batch;
        const float *xin = x + (size_t)at * m->n_in;
        if (m->cfg.arch == VAE_ARCH_CONV) {
            vae_conv_encode(m, ws, xin, n);
            xin = ws->x;
        } else if (m->cfg.kind == VAE_KIND_CVAE) {
            for (int r = 0; r < n; r++)
                memcpy(ws->x + (size_t)r * m->enc_in, xin + (size_t)r * m->n_in,
                       sizeof(float) * (size_t)m->n_in);
        }
        if (m->cfg.kind == VAE_KIND_CVAE) {
            put_onehot(ws->x, m->enc_in, m->feat, labels ? labels + at : NULL, n, m->cfg.classes);
            xin = ws->x;
        }
        const float *in = xin;
        for (int i = 0; i < m->n_enc; i++) {
            const VaeLinear *l = &m->enc[i];
            vae_linear_forward(ws->h[i], in, p + l->w, p + l->b, n, l->in, l->out);
            vae_relu_forward(ws->h[i], (size_t)n * l->out);
            in = ws->h[i];
        }
        vae_linear_forward(ws->head, in, p + m->head.w, p + m->head.b, n, m->head.in, m->head_out);
        for (int r = 0; r < n; r++) {
            const float *h = ws->head + (size_t)r * m->head_out;
            for (int j = 0; j < L; j++) {
                mu[(size_t)(at + r) * L + j] = h[j];
                if (!logvar) continue;
                float lv = !vae_kind_is_stochastic(m->cfg.kind) ? 0.0f : h[L + j];
                lv = lv < VAE_LOGVAR_MIN   ? VAE_LOGVAR_MIN
                     : lv > VAE_LOGVAR_MAX ? VAE_LOGVAR_MAX
                                           : lv;
                logvar[(size_t)(at + r) * L + j] = lv;
            }
        }
    }
}

static void clamp01(float *x, size_t n) {
    for (size_t i = 0; i < n; i++)
        x[i] = x[i] < 0.0f ? 0.0f : x[i] > 1.0f ? 1.0f : x[i];
}

/* squash: the decoder's output as pixel values to show (sigmoid of the logits, a pca's
 * values clipped), else as it comes out of the last layer. */
static void decode(const VaeModel *m, VaeWorkspace *ws, const float *z, const uint8_t *labels,
                   int b, float *probs, int squash) {
    const float *p = m->params;
    int L = m->cfg.latent;
    for (int at = 0; at < b; at += ws->max_batch) {
        int n = b - at < ws->max_batch ? b - at : ws->max_batch;
        for (int r = 0; r < n; r++)
            memcpy(ws->zin + (size_t)r * m->dec_in, z + (size_t)(at + r) * L,
                   sizeof(float) * (size_t)L);
        if (m->cfg.kind == VAE_KIND_CVAE)
            put_onehot(ws->zin, m->dec_in, L, labels ? labels + at : NULL, n, m->cfg.classes);
        const float *in = ws->zin;
        const int conv = m->cfg.arch == VAE_ARCH_CONV;
        float *result = probs + (size_t)at * m->n_in;
        for (int i = 0; i < m->n_dec; i++) {
            const VaeLinear *l = &m->dec[i];
            int last = i == m->n_dec - 1;
            float *out = last && !conv ? result : ws->g[i];
            vae_linear_forward(out, in, p + l->w, p + l->b, n, l->in, l->out);
            if (!last || conv) vae_relu_forward(out, (size_t)n * l->out);
            in = out;
        }
        if (conv) vae_conv_decode(m, ws, n, result);
        if (squash && m->cfg.kind == VAE_KIND_PCA)
            clamp01(result, (size_t)n * m->n_in);
        else if (squash)
            vae_sigmoid(result, (size_t)n * m->n_in);
    }
}

double vae_model_decode_flops(const VaeModel *m) {
    double f = 0;
    for (int i = 0; i < m->n_dec; i++)
        f += 2.0 * m->dec[i].in * m->dec[i].out;
    for (int i = 0; i < m->n_dconv; i++) {
        const VaeConvShape *c = &m->dconv[i].s;
        f += 2.0 * c->oc * c->c * c->k * c->k * c->oh * c->ow;
    }
    return f;
}

void vae_model_decode(const VaeModel *m, VaeWorkspace *ws, const float *z, const uint8_t *labels,
                      int b, float *probs) {
    decode(m, ws, z, labels, b, probs, 1);
}

void vae_model_decode_logits(const VaeModel *m, VaeWorkspace *ws, const float *z,
                             const uint8_t *labels, int b, float *logits) {
    decode(m, ws, z, labels, b, logits, 0);
}
