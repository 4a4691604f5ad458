/* Model configuration, the parameter arena and its tensor table, and inference
 * (encode / decode / planar flows) on a const model with a caller-owned workspace. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

VaeStatus vae_config_check(const VaeConfig *c, char err[VAE_ERR_LEN]) {
    if (c->kind != VAE_KIND_VAE && c->kind != VAE_KIND_AE && c->kind != VAE_KIND_CVAE &&
        c->kind != VAE_KIND_PCA)
        return vae_fail(err, VAE_ERR_ARG, "unknown model kind %d", (int)c->kind);
    if (c->input_h < 1 || c->input_w < 1 || c->input_h > 1024 || c->input_w > 1024)
        return vae_fail(err, VAE_ERR_ARG, "input size %dx%d out of range", c->input_h, c->input_w);
    if (c->latent < 1 || c->latent > VAE_MAX_LATENT)
        return vae_fail(err, VAE_ERR_ARG, "latent size %d out of range 1..%d", c->latent,
                        VAE_MAX_LATENT);
    if (c->kind == VAE_KIND_PCA && (c->n_hidden != 0 || c->flows != 0))
        return vae_fail(err, VAE_ERR_ARG, "a pca has no hidden layers and no flows");
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

static void add_info(VaeModel *m, const char *name, int rows, int cols, size_t offset) {
    VaeParamInfo *p = &m->info[m->n_info++];
    snprintf(p->name, sizeof p->name, "%s", name);
    p->ndim = cols ? 2 : 1;
    p->shape[0] = rows;
    p->shape[1] = cols;
    p->offset = offset;
    p->size = (size_t)rows * (size_t)(cols ? cols : 1);
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
    m->n_in = cfg->input_h * cfg->input_w;
    m->enc_in = m->n_in + cond;
    m->dec_in = L + cond;
    m->head_out = vae_kind_is_stochastic(cfg->kind) ? 2 * L : L;
    m->n_enc = nh;
    m->n_dec = nh + 1;

    size_t at = 0;
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
    for (int i = 0; i <= nh; i++) {
        int in = i ? cfg->hidden[nh - i] : m->dec_in;
        int out = i < nh ? cfg->hidden[nh - 1 - i] : m->n_in;
        snprintf(name, sizeof name, "dec.%d", i);
        m->dec[i] = place_linear(m, &at, name, in, out);
    }
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

void vae_model_init_params(VaeModel *m, uint64_t seed) {
    VaeRng r;
    vae_rng_seed(&r, seed, 0x1517);
    memset(m->params, 0, sizeof(float) * m->n_params);
    for (int i = 0; i < m->n_enc; i++)
        init_linear(m->params, &m->enc[i], &r);
    init_linear(m->params, &m->head, &r);
    for (int i = 0; i < m->n_dec; i++)
        init_linear(m->params, &m->dec[i], &r);
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
    /* encode reads the images in place unless labels are appended (cvae) */
    if (decoder || m->enc_in != m->n_in)
        ok &= (ws->x = malloc(sizeof(float) * B * (size_t)m->enc_in)) != NULL;
    for (int i = 0; i < m->n_enc; i++)
        ok &= (ws->h[i] = malloc(sizeof(float) * B * (size_t)m->enc[i].out)) != NULL;
    ok &= (ws->head = malloc(sizeof(float) * B * (size_t)m->head_out)) != NULL;
    if (decoder) {
        for (int i = 0; i < m->n_enc; i++) /* the last decoder layer writes the output */
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
    for (int i = 0; i < VAE_MAX_HIDDEN; i++) {
        free(ws->h[i]);
        free(ws->g[i]);
    }
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
        if (m->cfg.kind == VAE_KIND_CVAE) {
            for (int r = 0; r < n; r++)
                memcpy(ws->x + (size_t)r * m->enc_in, xin + (size_t)r * m->n_in,
                       sizeof(float) * (size_t)m->n_in);
            put_onehot(ws->x, m->enc_in, m->n_in, labels ? labels + at : NULL, n, m->cfg.classes);
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
        for (int i = 0; i < m->n_dec; i++) {
            const VaeLinear *l = &m->dec[i];
            int last = i == m->n_dec - 1;
            float *out = last ? probs + (size_t)at * m->n_in : ws->g[i];
            vae_linear_forward(out, in, p + l->w, p + l->b, n, l->in, l->out);
            if (!last)
                vae_relu_forward(out, (size_t)n * l->out);
            else if (squash && m->cfg.kind == VAE_KIND_PCA)
                clamp01(out, (size_t)n * l->out);
            else if (squash)
                vae_sigmoid(out, (size_t)n * l->out);
            in = out;
        }
    }
}

void vae_model_decode(const VaeModel *m, VaeWorkspace *ws, const float *z, const uint8_t *labels,
                      int b, float *probs) {
    decode(m, ws, z, labels, b, probs, 1);
}

void vae_model_decode_logits(const VaeModel *m, VaeWorkspace *ws, const float *z,
                             const uint8_t *labels, int b, float *logits) {
    decode(m, ws, z, labels, b, logits, 0);
}
