/* A recording as a safetensors file (docs/formats.md): string metadata naming the format,
 * the models (as checkpoints describe them) and the counts; tensors in time order, the
 * latents and decoders as F16 exactly as held, steps as I64. Loading validates the
 * container (vae_st_parse_raw), then every tensor against the metadata before anything is
 * allocated from it, then the values. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_meta.h"
#include "fileio.h"
#include "record_impl.h"
#include "safetensors.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "record_file.c assumes a little-endian host"
#endif

#define MAX_FILE_BYTES ((size_t)1 << 32)
#define MAX_POINTS 100000000
#define MAX_ENTRIES 1000000 /* frames or decoders in a file */
#define N_KEYS 9            /* format, models, points, dataset, split, 4 counts */
#define MODEL_KEYS (VAE_CONFIG_META_KEYS + 1)
#define NO_MODEL 255 /* an event's model byte for "every model" */

typedef struct {
    int models, points, frames, decoders, events, curve;
} Counts;

/* Tensors of a file of these counts: labels, steps, each model's latents and losses, the
 * decoder steps, each model's decoder tensors, three of events, the curve. */
static int n_tensors(const VaeRecording *r) {
    int n = 1 + 1 + 1 + 3 + 1;
    for (int m = 0; m < r->setup.n_models; m++)
        n += (r->lv_at[m] != SIZE_MAX ? 3 : 2) + r->n_dec_tensors[m] + 1;
    return n;
}

/* ---- saving -------------------------------------------------------------------------- */

typedef struct {
    VaeStWriteTensor *t;
    char (*names)[48];
    int n;
    const void **chunks; /* pointers for every chunked tensor, in turn */
    size_t n_chunks;
} Out;

static VaeStWriteTensor *add(Out *o, const char *name, VaeStDtype dt, int ndim, int64_t d0,
                             int64_t d1, int64_t d2) {
    VaeStWriteTensor *t = &o->t[o->n];
    snprintf(o->names[o->n], sizeof o->names[o->n], "%s", name);
    o->n++;
    t->name = o->names[o->n - 1];
    t->dtype = dt, t->ndim = ndim;
    t->shape[0] = d0, t->shape[1] = d1, t->shape[2] = d2;
    return t;
}

/* t's data as one chunk per entry of a pool, oldest first: base + slot * stride + at. */
static void gather(Out *o, VaeStWriteTensor *t, const VaeThinPool *p, const void *base,
                   size_t stride, size_t at) {
    t->chunks = o->chunks + o->n_chunks;
    t->n_chunks = p->n;
    for (int i = 0; i < p->n; i++)
        o->chunks[o->n_chunks++] = (const char *)base + (size_t)p->order[i] * stride + at;
}

static void add_frames(Out *o, const VaeRecording *r, int64_t *steps) {
    int M = r->setup.n_models, F = r->frames.n;
    char name[48];
    for (int i = 0; i < F; i++)
        steps[i] = vae_recording_frame_step(r, i);
    add(o, "steps", VAE_ST_I64, 1, F, 0, 0)->bytes = steps;
    for (int m = 0; m < M; m++) {
        int L = r->setup.cfg[m].latent;
        size_t stride = r->frame_halves * 2;
        snprintf(name, sizeof name, "m%d.mu", m);
        gather(o, add(o, name, VAE_ST_F16, 3, F, r->n_points, L), &r->frames, r->frame_pool, stride,
               r->mu_at[m] * 2);
        if (r->lv_at[m] != SIZE_MAX) {
            snprintf(name, sizeof name, "m%d.logvar", m);
            gather(o, add(o, name, VAE_ST_F16, 3, F, r->n_points, L), &r->frames, r->frame_pool,
                   stride, r->lv_at[m] * 2);
        }
        snprintf(name, sizeof name, "m%d.loss", m);
        gather(o, add(o, name, VAE_ST_F32, 2, F, 3, 0), &r->frames, r->frame_loss,
               (size_t)M * sizeof(VaeRecordLoss), (size_t)m * sizeof(VaeRecordLoss));
    }
}

static void add_decoders(Out *o, const VaeRecording *r, int64_t *steps) {
    int D = r->decoders.n;
    char name[48];
    for (int i = 0; i < D; i++)
        steps[i] = vae_recording_decoder_step(r, i);
    add(o, "decoder_steps", VAE_ST_I64, 1, D, 0, 0)->bytes = steps;
    for (int m = 0; m < r->setup.n_models; m++)
        for (int k = 0; k < r->n_dec_tensors[m]; k++) {
            const VaeDecTensor *d = &r->dec_tensor[m][k];
            snprintf(name, sizeof name, "m%d.%s", m, d->name);
            VaeStWriteTensor *t =
                add(o, name, VAE_ST_F16, d->ndim + 1, D, d->shape[0], d->shape[1]);
            t->shape[3] = d->shape[2], t->shape[4] = d->shape[3]; /* conv weights */
            gather(o, t, &r->decoders, r->dec_pool, r->dec_halves * 2, d->at * 2);
        }
}

static void add_events_curve(Out *o, const VaeRecording *r, int64_t *steps, uint8_t *what,
                             float *values) {
    int E = r->n_events, C = r->n_curve, M = r->setup.n_models;
    for (int i = 0; i < E; i++) {
        const VaeRecordEvent *e = &r->events[i];
        steps[i] = e->step, values[i] = e->value;
        what[2 * i] = (uint8_t)e->kind,
                 what[2 * i + 1] = e->model < 0 ? NO_MODEL : (uint8_t)e->model;
    }
    add(o, "event_steps", VAE_ST_I64, 1, E, 0, 0)->bytes = steps;
    add(o, "event_what", VAE_ST_U8, 2, E, 2, 0)->bytes = what;
    add(o, "event_values", VAE_ST_F32, 1, E, 0, 0)->bytes = values;
    add(o, "curve_steps", VAE_ST_I64, 1, C, 0, 0)->bytes = r->curve_step;
    char name[48];
    for (int m = 0; m < M; m++) { /* the curve is (points, models): model m's every M-th */
        snprintf(name, sizeof name, "m%d.curve", m);
        VaeStWriteTensor *t = add(o, name, VAE_ST_F32, 2, C, 3, 0);
        t->chunks = o->chunks + o->n_chunks;
        t->n_chunks = C;
        for (int i = 0; i < C; i++)
            o->chunks[o->n_chunks++] = &r->curve[(size_t)i * M + m];
    }
}

VaeStatus vae_recording_save(const VaeRecording *r, const char *path, char err[VAE_ERR_LEN]) {
    int M = r->setup.n_models, F = r->frames.n, D = r->decoders.n, E = r->n_events;
    int C = r->n_curve, nt = n_tensors(r);
    size_t chunks = (size_t)F * 3 * M + (size_t)C * M;
    for (int m = 0; m < M; m++)
        chunks += (size_t)D * r->n_dec_tensors[m];
    Out o = {calloc((size_t)nt, sizeof *o.t), calloc((size_t)nt, sizeof *o.names), 0,
             malloc((chunks + 1) * sizeof *o.chunks), 0};
    int64_t *steps = malloc(((size_t)F + D + E + 1) * sizeof *steps);
    uint8_t *what = malloc((size_t)E * 2 + 1);
    float *values = malloc((size_t)E * sizeof *values + 1);
    VaeStatus s = VAE_ERR_NOMEM;
    if (!o.t || !o.names || !o.chunks || !steps || !what || !values) {
        s = vae_fail(err, VAE_ERR_NOMEM, "cannot write %s: out of memory", path);
        goto done;
    }
    add(&o, "labels", VAE_ST_U8, 1, r->n_points, 0, 0)->bytes = r->labels;
    add_frames(&o, r, steps);
    add_decoders(&o, r, steps + F);
    add_events_curve(&o, r, steps + F + D, what, values);

    char kv[N_KEYS + VAE_RECORD_MAX_MODELS * MODEL_KEYS][2][64];
    VaeStMeta meta[N_KEYS + VAE_RECORD_MAX_MODELS * MODEL_KEYS];
    static const char *const keys[N_KEYS] = {"format", "models",   "points", "dataset", "split",
                                             "frames", "decoders", "events", "curve"};
    const int counts[N_KEYS] = {0, M, r->n_points, 0, 0, F, D, E, C};
    int nm = 0;
    for (int i = 0; i < N_KEYS; i++, nm++) {
        snprintf(kv[nm][0], 64, "%s", keys[i]);
        snprintf(kv[nm][1], 64, "%d", counts[i]);
    }
    snprintf(kv[0][1], 64, "%s", VAE_RECORD_FORMAT);
    snprintf(kv[3][1], 64, "%s", r->setup.dataset[0] ? r->setup.dataset : "unknown");
    snprintf(kv[4][1], 64, "%s", r->setup.split[0] ? r->setup.split : "test");
    for (int m = 0; m < M; m++) {
        char prefix[8];
        VaeConfigMeta cm;
        snprintf(prefix, sizeof prefix, "m%d.", m);
        vae_config_meta_format(&r->setup.cfg[m], prefix, &cm);
        for (int k = 0; k < VAE_CONFIG_META_KEYS; k++, nm++) {
            snprintf(kv[nm][0], 64, "%s", cm.key[k]);
            snprintf(kv[nm][1], 64, "%s", cm.value[k]);
        }
        snprintf(kv[nm][0], 64, "%sname", prefix);
        snprintf(kv[nm++][1], 64, "%s", r->setup.name[m]);
    }
    for (int i = 0; i < nm; i++)
        meta[i].key = kv[i][0], meta[i].value = kv[i][1];
    s = vae_st_write(path, o.t, o.n, meta, nm, err);
done:
    free(o.t), free(o.names), free(o.chunks), free(steps), free(what), free(values);
    return s;
}

/* ---- loading: the metadata ------------------------------------------------------------ */

/* A whole decimal metadata value in [lo, hi]. */
static int meta_count(const VaeStFile *st, const char *key, long lo, long hi, int *out) {
    const char *v = vae_st_meta(st, key);
    if (!v) return 0;
    char *end;
    long x = strtol(v, &end, 10);
    if (end == v || *end || x < lo || x > hi) return 0;
    *out = (int)x;
    return 1;
}

/* A metadata string that fits size bytes (absent: ""). */
static int meta_str(const VaeStFile *st, const char *key, char *dst, size_t size) {
    const char *v = vae_st_meta(st, key);
    if (!v) v = "";
    if (strlen(v) >= size) return 0;
    memcpy(dst, v, strlen(v) + 1);
    return 1;
}

static VaeStatus read_counts(const VaeStFile *st, const char *nm, Counts *c, char *err) {
    const char *fmt = vae_st_meta(st, "format");
    if (!fmt || strcmp(fmt, VAE_RECORD_FORMAT) != 0)
        return vae_fail(err, VAE_ERR_FORMAT,
                        "%s: not a vae-explorer recording (metadata \"format\" is %s%.40s%s%s)", nm,
                        fmt ? "\"" : "", fmt ? fmt : "missing", fmt ? "\"" : "",
                        fmt && !strcmp(fmt, "vae-explorer/1") ? ": a checkpoint" : "");
    const struct {
        const char *key;
        long lo, hi;
        int *out;
    } want[] = {{"models", 1, VAE_RECORD_MAX_MODELS, &c->models},
                {"points", 1, MAX_POINTS, &c->points},
                {"frames", 0, MAX_ENTRIES, &c->frames},
                {"decoders", 0, MAX_ENTRIES, &c->decoders},
                {"events", 0, VAE_RECORD_MAX_EVENTS, &c->events},
                {"curve", 0, VAE_RECORD_CURVE_CAP, &c->curve}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!meta_count(st, want[i].key, want[i].lo, want[i].hi, want[i].out))
            return vae_fail(err, VAE_ERR_FORMAT,
                            "%s: bad or missing metadata \"%s\" (a count in %ld..%ld)", nm,
                            want[i].key, want[i].lo, want[i].hi);
    return VAE_OK;
}

static VaeStatus read_setup(const VaeStFile *st, const char *nm, const Counts *c,
                            VaeRecordSetup *su, char *err) {
    memset(su, 0, sizeof *su);
    su->n_models = c->models;
    if (!meta_str(st, "dataset", su->dataset, sizeof su->dataset) ||
        !meta_str(st, "split", su->split, sizeof su->split))
        return vae_fail(err, VAE_ERR_FORMAT, "%s: metadata \"dataset\" or \"split\" is too long",
                        nm);
    for (int m = 0; m < c->models; m++) {
        char prefix[8], key[16], cerr[VAE_ERR_LEN];
        snprintf(prefix, sizeof prefix, "m%d.", m);
        VaeConfig *cfg = &su->cfg[m];
        if (vae_config_meta_parse(st, prefix, nm, cfg, err) != VAE_OK) return VAE_ERR_FORMAT;
        if (vae_config_check(cfg, cerr) != VAE_OK)
            return vae_fail(err, VAE_ERR_FORMAT, "%s: model %d: %s", nm, m, cerr);
        if (cfg->input_h != su->cfg[0].input_h || cfg->input_w != su->cfg[0].input_w)
            return vae_fail(err, VAE_ERR_FORMAT, "%s: model %d takes %dx%d images, model 0 %dx%d",
                            nm, m, cfg->input_h, cfg->input_w, su->cfg[0].input_h,
                            su->cfg[0].input_w);
        snprintf(key, sizeof key, "m%d.name", m);
        if (!meta_str(st, key, su->name[m], sizeof su->name[m]))
            return vae_fail(err, VAE_ERR_FORMAT, "%s: metadata \"%s\" is too long", nm, key);
    }
    return VAE_OK;
}

/* ---- loading: the tensors against the metadata ------------------------------------------ */

typedef struct {
    const VaeStTensor *labels, *steps, *dsteps, *esteps, *ewhat, *evalues, *csteps;
    const VaeStTensor *mu[VAE_RECORD_MAX_MODELS], *lv[VAE_RECORD_MAX_MODELS];
    const VaeStTensor *loss[VAE_RECORD_MAX_MODELS], *curve[VAE_RECORD_MAX_MODELS];
    const VaeStTensor *dec[VAE_RECORD_MAX_MODELS][VAE_MAX_PARAMS];
} Found;

static const char *const dtype_names[] = {"F32", "F16", "I64", "U8"};

/* The tensor called name, of dtype dt and shape d[0..ndim), or NULL with err set. */
/* The tensor name of dtype dt and shape d (ndim <= 5), or NULL and err. */
static const VaeStTensor *tensor(const VaeStFile *st, const char *nm, const char *name,
                                 VaeStDtype dt, int ndim, const int64_t *d, char *err) {
    const VaeStTensor *t = vae_st_find(st, name);
    if (!t) {
        vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" is missing", nm, name);
        return NULL;
    }
    int ok = t->dtype == dt && t->ndim == ndim;
    for (int i = 0; ok && i < ndim; i++)
        ok = t->shape[i] == d[i];
    if (ok) return t;
    char want[96];
    int at = snprintf(want, sizeof want, "[");
    for (int i = 0; i < ndim; i++)
        at += snprintf(want + at, sizeof want - (size_t)at, "%s%" PRId64, i ? ", " : "", d[i]);
    snprintf(want + at, sizeof want - (size_t)at, "]");
    vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" is not %s %s as the metadata say", nm, name,
             dtype_names[dt], want);
    return NULL;
}

static VaeStatus find_all(const VaeStFile *st, const char *nm, const VaeRecording *r,
                          const Counts *c, Found *f, char *err) {
    int64_t F = c->frames, D = c->decoders, E = c->events, C = c->curve, n = r->n_points;
    char name[48];
#define NEED(slot, nam, dt, nd, a, b, d)                                                           \
    if (!((slot) = tensor(st, nm, nam, dt, nd, (const int64_t[]){a, b, d}, err)))                  \
    return VAE_ERR_FORMAT
    NEED(f->labels, "labels", VAE_ST_U8, 1, n, 0, 0);
    NEED(f->steps, "steps", VAE_ST_I64, 1, F, 0, 0);
    NEED(f->dsteps, "decoder_steps", VAE_ST_I64, 1, D, 0, 0);
    NEED(f->esteps, "event_steps", VAE_ST_I64, 1, E, 0, 0);
    NEED(f->ewhat, "event_what", VAE_ST_U8, 2, E, 2, 0);
    NEED(f->evalues, "event_values", VAE_ST_F32, 1, E, 0, 0);
    NEED(f->csteps, "curve_steps", VAE_ST_I64, 1, C, 0, 0);
    for (int m = 0; m < r->setup.n_models; m++) {
        int64_t L = r->setup.cfg[m].latent;
        snprintf(name, sizeof name, "m%d.mu", m);
        NEED(f->mu[m], name, VAE_ST_F16, 3, F, n, L);
        if (r->lv_at[m] != SIZE_MAX) {
            snprintf(name, sizeof name, "m%d.logvar", m);
            NEED(f->lv[m], name, VAE_ST_F16, 3, F, n, L);
        }
        snprintf(name, sizeof name, "m%d.loss", m);
        NEED(f->loss[m], name, VAE_ST_F32, 2, F, 3, 0);
        snprintf(name, sizeof name, "m%d.curve", m);
        NEED(f->curve[m], name, VAE_ST_F32, 2, C, 3, 0);
        for (int k = 0; k < r->n_dec_tensors[m]; k++) {
            const VaeDecTensor *d = &r->dec_tensor[m][k];
            snprintf(name, sizeof name, "m%d.%s", m, d->name);
            const int64_t shape[5] = {D, d->shape[0], d->shape[1], d->shape[2], d->shape[3]};
            if (!(f->dec[m][k] = tensor(st, nm, name, VAE_ST_F16, d->ndim + 1, shape, err)))
                return VAE_ERR_FORMAT;
        }
    }
#undef NEED
    if (st->n_tensors != n_tensors(r))
        return vae_fail(err, VAE_ERR_FORMAT,
                        "%s: %d tensors, but a recording of these models has %d (an unknown one)",
                        nm, st->n_tensors, n_tensors(r));
    return VAE_OK;
}

/* ---- loading: the values ------------------------------------------------------------- */

static int64_t i64_at(const VaeStTensor *t, int i) {
    int64_t v;
    memcpy(&v, t->bytes + (size_t)i * 8, 8);
    return v;
}

/* The first step below 0 or not after (strict) / before the one preceding it, else -1. */
static int bad_steps(const VaeStTensor *t, int n, int strict) {
    for (int i = 0; i < n; i++) {
        int64_t s = i64_at(t, i), prev = i ? i64_at(t, i - 1) : -1;
        if (s < 0 || s < prev || (strict && s == prev)) return i;
    }
    return -1;
}

static VaeStatus steps_error(const char *nm, const char *what, const VaeStTensor *t, int i,
                             char *err) {
    return vae_fail(err, VAE_ERR_FORMAT,
                    "%s: %s steps do not increase (entry %d is step %" PRId64 "%s)", nm, what, i,
                    i64_at(t, i), i ? ", after a later one" : "");
}

static VaeStatus fill_frames(VaeRecording *r, const Found *f, int F, const char *nm, char *err) {
    int i = bad_steps(f->steps, F, 1);
    if (i >= 0) return steps_error(nm, "frame", f->steps, i, err);
    for (int k = 0; k < r->n_points; k++)
        for (int m = 0; m < r->setup.n_models; m++)
            if (f->labels->bytes[k] >= r->setup.cfg[m].classes)
                return vae_fail(err, VAE_ERR_FORMAT,
                                "%s: label %d of image %d is not one of model %d's %d classes", nm,
                                f->labels->bytes[k], k, m, r->setup.cfg[m].classes);
    memcpy(r->labels, f->labels->bytes, (size_t)r->n_points);
    int M = r->setup.n_models;
    for (i = 0; i < F; i++) {
        r->frames.order[i] = i;
        r->frames.step[i] = i64_at(f->steps, i);
        uint16_t *slot = r->frame_pool + (size_t)i * r->frame_halves;
        for (int m = 0; m < M; m++) {
            size_t n = (size_t)r->n_points * (size_t)r->setup.cfg[m].latent * 2;
            memcpy(slot + r->mu_at[m], f->mu[m]->bytes + (size_t)i * n, n);
            if (f->lv[m]) memcpy(slot + r->lv_at[m], f->lv[m]->bytes + (size_t)i * n, n);
            memcpy(&r->frame_loss[(size_t)i * M + m], f->loss[m]->bytes + (size_t)i * 12, 12);
        }
    }
    r->frames.n = F;
    return VAE_OK;
}

static VaeStatus fill_decoders(VaeRecording *r, const Found *f, int D, const char *nm, char *err) {
    int i = bad_steps(f->dsteps, D, 1);
    if (i >= 0) return steps_error(nm, "decoder", f->dsteps, i, err);
    for (i = 0; i < D; i++) {
        r->decoders.order[i] = i;
        r->decoders.step[i] = i64_at(f->dsteps, i);
        uint16_t *slot = r->dec_pool + (size_t)i * r->dec_halves;
        for (int m = 0; m < r->setup.n_models; m++)
            for (int k = 0; k < r->n_dec_tensors[m]; k++) {
                const VaeDecTensor *d = &r->dec_tensor[m][k];
                uint16_t *h = slot + d->at;
                memcpy(h, f->dec[m][k]->bytes + (size_t)i * d->size * 2, d->size * 2);
                /* a NaN or Inf weight would decode to NaN images */
                for (size_t j = 0; j < d->size; j++)
                    if ((h[j] & 0x7c00u) == 0x7c00u)
                        return vae_fail(err, VAE_ERR_FORMAT,
                                        "%s: tensor \"m%d.%s\" holds a non-finite value in "
                                        "decoder %d",
                                        nm, m, d->name, i);
            }
    }
    r->decoders.n = D;
    return VAE_OK;
}

static VaeStatus fill_events_curve(VaeRecording *r, const Found *f, const Counts *c, const char *nm,
                                   char *err) {
    int i = bad_steps(f->esteps, c->events, 0);
    if (i >= 0) return steps_error(nm, "event", f->esteps, i, err);
    if ((i = bad_steps(f->csteps, c->curve, 1)) >= 0)
        return steps_error(nm, "loss curve", f->csteps, i, err);
    for (i = 0; i < c->events; i++) {
        VaeRecordEvent *e = &r->events[i];
        uint8_t kind = f->ewhat->bytes[2 * i], model = f->ewhat->bytes[2 * i + 1];
        e->step = i64_at(f->esteps, i);
        memcpy(&e->value, f->evalues->bytes + (size_t)i * 4, 4);
        if (kind >= VAE_EVENT_KINDS || (model >= c->models && model != NO_MODEL) ||
            !isfinite(e->value))
            return vae_fail(
                err, VAE_ERR_FORMAT,
                "%s: event %d is malformed (kind %d of 0..%d, model %d of %d, value %g)", nm, i,
                kind, VAE_EVENT_KINDS - 1, model == NO_MODEL ? -1 : model, c->models,
                (double)e->value);
        e->kind = (VaeEventKind)kind;
        e->model = model == NO_MODEL ? -1 : model;
    }
    r->n_events = c->events;
    int M = r->setup.n_models;
    for (i = 0; i < c->curve; i++) {
        r->curve_step[i] = i64_at(f->csteps, i);
        for (int m = 0; m < M; m++)
            memcpy(&r->curve[(size_t)i * M + m], f->curve[m]->bytes + (size_t)i * 12, 12);
    }
    r->n_curve = c->curve;
    return VAE_OK;
}

VaeStatus vae_recording_parse(VaeRecording **out, const uint8_t *buf, size_t len, const char *name,
                              char err[VAE_ERR_LEN]) {
    *out = NULL;
    const char *nm = name ? name : "(buffer)";
    VaeStFile st;
    VaeRecording *r = NULL;
    Found *f = NULL;
    VaeStatus s = vae_st_parse_raw(&st, buf, len, nm, err);
    if (s != VAE_OK) return s == VAE_ERR_NOMEM ? s : VAE_ERR_FORMAT;
    Counts c;
    VaeRecordSetup su;
    if ((s = read_counts(&st, nm, &c, err)) != VAE_OK) goto done;
    if ((s = read_setup(&st, nm, &c, &su, err)) != VAE_OK) goto done;
    if ((s = vae_recording_begin(&r, &su, c.points, err)) != VAE_OK) goto done;
    if (!(f = calloc(1, sizeof *f))) {
        s = vae_fail(err, VAE_ERR_NOMEM, "%s: out of memory", nm);
        goto done;
    }
    /* every size below is now one the file holds */
    if ((s = find_all(&st, nm, r, &c, f, err)) != VAE_OK) goto done;
    if ((s = vae_recording_pools(r, c.frames, c.decoders, err)) != VAE_OK) goto done;
    if ((s = fill_frames(r, f, c.frames, nm, err)) != VAE_OK) goto done;
    if ((s = fill_decoders(r, f, c.decoders, nm, err)) != VAE_OK) goto done;
    if ((s = fill_events_curve(r, f, &c, nm, err)) != VAE_OK) goto done;
    *out = r;
    r = NULL;
done:
    vae_recording_destroy(r);
    free(f);
    vae_st_free(&st);
    return s;
}

VaeStatus vae_recording_load(VaeRecording **out, const char *path, char err[VAE_ERR_LEN]) {
    *out = NULL;
    uint8_t *buf = NULL;
    size_t len = 0;
    VaeStatus s = vae_file_read_all(path, MAX_FILE_BYTES, &buf, &len, err);
    if (s != VAE_OK) return s;
    s = vae_recording_parse(out, buf, len, path, err);
    free(buf);
    return s;
}
