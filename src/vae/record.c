/* Recording a run in memory (see record.h): the pools, their thinning in log(1 + step),
 * the events and the loss curve, and the readers. The file format is record_file.c's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "half.h"
#include "record_impl.h"

#define MIN_CAP 2 /* the first and the last */
#define MAX_CAP 1000000

VaeRecordBudget vae_record_budget_default(void) {
    VaeRecordBudget b = {12000000, 43000000};
    return b;
}

/* ---- thinning ---------------------------------------------------------------------- */

static double lg(int64_t step) {
    return log1p((double)step);
}

/* The slot for an entry at step, placed last: the newest's own slot at an equal step, a
 * fresh one while the pool has room, else the slot of the interior entry whose removal
 * leaves the smallest gap in log(1 + step) (the new entry counts as its right neighbour
 * of the current last). -1 if step is older than the newest. */
static int thin_push(VaeThinPool *p, int64_t step) {
    if (p->n > 0) {
        int last = p->order[p->n - 1];
        if (step < p->step[last]) return -1;
        if (step == p->step[last]) return last;
    }
    int slot;
    if (p->n < p->cap) {
        slot = p->n;
    } else {
        int victim = 1;
        double best = INFINITY;
        for (int i = 1; i < p->n; i++) {
            int64_t right = i + 1 < p->n ? p->step[p->order[i + 1]] : step;
            double gap = lg(right) - lg(p->step[p->order[i - 1]]);
            if (gap < best) best = gap, victim = i;
        }
        slot = p->order[victim];
        memmove(p->order + victim, p->order + victim + 1,
                (size_t)(p->n - 1 - victim) * sizeof *p->order);
        p->n--;
    }
    p->order[p->n++] = slot;
    p->step[slot] = step;
    return slot;
}

/* The newest entry at or before step (the first if step precedes them), -1 if empty. */
static int thin_at(const VaeThinPool *p, int64_t step) {
    if (p->n == 0) return -1;
    int lo = 0, hi = p->n - 1; /* the answer is in [lo, hi] */
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (p->step[p->order[mid]] <= step)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static int thin_init(VaeThinPool *p, int cap) {
    p->cap = cap, p->n = 0;
    p->order = calloc((size_t)cap, sizeof *p->order);
    p->step = calloc((size_t)cap, sizeof *p->step);
    return p->order && p->step;
}

/* ---- construction ------------------------------------------------------------------ */

/* Frame layout: each model's mu, then its logvar; and the decoder tensors, packed. */
static VaeStatus lay_out(VaeRecording *r, char *err) {
    const VaeRecordSetup *su = &r->setup;
    size_t at = 0, dat = 0, n = (size_t)r->n_points;
    for (int m = 0; m < su->n_models; m++) {
        const VaeConfig *c = &su->cfg[m];
        r->mu_at[m] = at;
        at += n * (size_t)c->latent;
        r->lv_at[m] = vae_record_has_logvar(c) ? at : SIZE_MAX;
        if (vae_record_has_logvar(c)) at += n * (size_t)c->latent;
        VaeModel tmp; /* its layout only: a file's shapes are checked before any allocation */
        char cerr[VAE_ERR_LEN];
        if (vae_model_layout(&tmp, c, cerr) != VAE_OK)
            return vae_fail(err, VAE_ERR_ARG, "model %d: %s", m, cerr);
        size_t enc = vae_model_encoder_params(&tmp);
        r->n_dec_tensors[m] = 0;
        for (int i = 0; i < tmp.n_info; i++) {
            const VaeParamInfo *p = &tmp.info[i];
            if (p->offset < enc) continue;
            VaeDecTensor *d = &r->dec_tensor[m][r->n_dec_tensors[m]++];
            memcpy(d->name, p->name, sizeof d->name);
            d->ndim = p->ndim;
            memcpy(d->shape, p->shape, sizeof d->shape);
            d->arena = p->offset, d->at = dat, d->size = p->size;
            dat += p->size;
        }
    }
    r->frame_halves = at;
    r->dec_halves = dat;
    return VAE_OK;
}

VaeStatus vae_recording_begin(VaeRecording **out, const VaeRecordSetup *setup, int n_points,
                              char err[VAE_ERR_LEN]) {
    *out = NULL;
    if (!setup || setup->n_models < 1 || setup->n_models > VAE_RECORD_MAX_MODELS)
        return vae_fail(err, VAE_ERR_ARG, "a recording takes 1 to %d models",
                        VAE_RECORD_MAX_MODELS);
    if (n_points < 1) return vae_fail(err, VAE_ERR_ARG, "a recording needs at least one image");
    VaeRecording *r = calloc(1, sizeof *r);
    if (!r) return vae_fail(err, VAE_ERR_NOMEM, "out of memory for a recording");
    r->setup = *setup;
    r->n_points = n_points;
    VaeStatus s = lay_out(r, err);
    if (s != VAE_OK) {
        vae_recording_destroy(r);
        return s;
    }
    *out = r;
    return VAE_OK;
}

VaeStatus vae_recording_pools(VaeRecording *r, int cap_frames, int cap_decoders,
                              char err[VAE_ERR_LEN]) {
    int M = r->setup.n_models;
    cap_frames = cap_frames < MIN_CAP ? MIN_CAP : cap_frames;
    cap_decoders = cap_decoders < MIN_CAP ? MIN_CAP : cap_decoders;
    /* calloc: the pools' pages are backed only as entries fill them */
    r->labels = calloc((size_t)r->n_points, 1);
    r->frame_pool = calloc((size_t)cap_frames * r->frame_halves, sizeof *r->frame_pool);
    r->frame_loss = calloc((size_t)cap_frames * (size_t)M, sizeof *r->frame_loss);
    r->dec_pool = calloc((size_t)cap_decoders * r->dec_halves, sizeof *r->dec_pool);
    r->events = calloc(VAE_RECORD_MAX_EVENTS, sizeof *r->events);
    r->curve_step = calloc(VAE_RECORD_CURVE_CAP, sizeof *r->curve_step);
    r->curve = calloc((size_t)VAE_RECORD_CURVE_CAP * (size_t)M, sizeof *r->curve);
    if (!thin_init(&r->frames, cap_frames) || !thin_init(&r->decoders, cap_decoders) ||
        !r->labels || !r->frame_pool || !r->frame_loss || !r->dec_pool || !r->events ||
        !r->curve_step || !r->curve)
        return vae_fail(err, VAE_ERR_NOMEM, "out of memory for a recording of %d images",
                        r->n_points);
    return VAE_OK;
}

/* How many entries of `each` bytes fit in `bytes`, within [MIN_CAP, MAX_CAP]. */
static int fit(size_t bytes, size_t each) {
    size_t k = each ? bytes / each : MAX_CAP;
    return k < MIN_CAP ? MIN_CAP : k > MAX_CAP ? MAX_CAP : (int)k;
}

VaeStatus vae_recording_create(VaeRecording **out, const VaeRecordSetup *setup,
                               const uint8_t *labels, int n_points, const VaeRecordBudget *budget,
                               char err[VAE_ERR_LEN]) {
    VaeRecordBudget b = budget ? *budget : vae_record_budget_default();
    VaeRecording *r;
    VaeStatus s = vae_recording_begin(&r, setup, n_points, err);
    if (s != VAE_OK) return s;
    /* as many of each as the budget holds at their size */
    s = vae_recording_pools(r, fit(b.frame_bytes, r->frame_halves * 2),
                            fit(b.decoder_bytes, r->dec_halves * 2), err);
    if (s != VAE_OK) {
        vae_recording_destroy(r);
        return s;
    }
    if (labels) memcpy(r->labels, labels, (size_t)n_points);
    *out = r;
    return VAE_OK;
}

void vae_recording_destroy(VaeRecording *r) {
    if (!r) return;
    free(r->labels);
    free(r->frames.order), free(r->frames.step);
    free(r->decoders.order), free(r->decoders.step);
    free(r->frame_pool), free(r->frame_loss), free(r->dec_pool);
    free(r->events), free(r->curve_step), free(r->curve);
    free(r);
}

/* ---- recording --------------------------------------------------------------------- */

/* b has a's tensors (the likelihood may differ: it changes no shape) */
static int same_shape(const VaeConfig *a, const VaeConfig *b) {
    int same = a->kind == b->kind && a->arch == b->arch && a->latent == b->latent &&
               a->n_hidden == b->n_hidden && a->input_h == b->input_h && a->input_w == b->input_w &&
               a->classes == b->classes && a->flows == b->flows;
    for (int i = 0; same && i < a->n_hidden; i++)
        same = a->hidden[i] == b->hidden[i];
    return same;
}

static VaeStatus older(int64_t step, const char *what, char *err) {
    if (step < 0) return vae_fail(err, VAE_ERR_ARG, "%s at step %lld", what, (long long)step);
    return vae_fail(err, VAE_ERR_ARG,
                    "%s at step %lld is older than the newest (a reset starts a new recording)",
                    what, (long long)step);
}

VaeStatus vae_recording_add_frame(VaeRecording *r, int64_t step, const float *const *mu,
                                  const float *const *logvar, const VaeRecordLoss *loss,
                                  char err[VAE_ERR_LEN]) {
    int M = r->setup.n_models;
    for (int m = 0; m < M; m++)
        if (!mu || !mu[m] || (r->lv_at[m] != SIZE_MAX && (!logvar || !logvar[m])))
            return vae_fail(err, VAE_ERR_ARG, "frame at step %lld: model %d has no latents",
                            (long long)step, m);
    int slot = step < 0 ? -1 : thin_push(&r->frames, step);
    if (slot < 0) return older(step, "a frame", err);
    uint16_t *h = r->frame_pool + (size_t)slot * r->frame_halves;
    for (int m = 0; m < M; m++) {
        size_t n = (size_t)r->n_points * (size_t)r->setup.cfg[m].latent;
        vae_f32_to_f16(mu[m], h + r->mu_at[m], n);
        if (r->lv_at[m] != SIZE_MAX) vae_f32_to_f16(logvar[m], h + r->lv_at[m], n);
        VaeRecordLoss none = {NAN, NAN, NAN};
        r->frame_loss[(size_t)slot * M + m] = loss ? loss[m] : none;
    }
    return VAE_OK;
}

VaeStatus vae_recording_add_decoders(VaeRecording *r, int64_t step, const VaeModel *const *models,
                                     char err[VAE_ERR_LEN]) {
    for (int m = 0; m < r->setup.n_models; m++) {
        if (!models || !models[m] || !models[m]->params ||
            !same_shape(&r->setup.cfg[m], &models[m]->cfg))
            return vae_fail(err, VAE_ERR_ARG,
                            "decoders at step %lld: model %d is not of the "
                            "recorded shape",
                            (long long)step, m);
    }
    int slot = step < 0 ? -1 : thin_push(&r->decoders, step);
    if (slot < 0) return older(step, "a decoder", err);
    uint16_t *h = r->dec_pool + (size_t)slot * r->dec_halves;
    for (int m = 0; m < r->setup.n_models; m++)
        for (int k = 0; k < r->n_dec_tensors[m]; k++) {
            const VaeDecTensor *d = &r->dec_tensor[m][k];
            vae_f32_to_f16(models[m]->params + d->arena, h + d->at, d->size);
        }
    return VAE_OK;
}

VaeStatus vae_recording_add_event(VaeRecording *r, const VaeRecordEvent *e, char err[VAE_ERR_LEN]) {
    if (!e || e->step < 0 || (unsigned)e->kind >= VAE_EVENT_KINDS || e->model < -1 ||
        e->model >= r->setup.n_models || !isfinite(e->value))
        return vae_fail(err, VAE_ERR_ARG, "bad event");
    if (r->n_events > 0 && e->step < r->events[r->n_events - 1].step)
        return older(e->step, "an event", err);
    if (r->n_events == VAE_RECORD_MAX_EVENTS)
        return vae_fail(err, VAE_ERR_NOMEM, "the recording holds %d events already",
                        VAE_RECORD_MAX_EVENTS);
    r->events[r->n_events++] = *e;
    return VAE_OK;
}

/* a and b merged: the mean of what each measured */
static float merge(float a, float b) {
    return isnan(a) ? b : isnan(b) ? a : 0.5f * (a + b);
}

VaeStatus vae_recording_add_loss(VaeRecording *r, int64_t step, const VaeRecordLoss *loss,
                                 char err[VAE_ERR_LEN]) {
    int M = r->setup.n_models;
    if (!loss) return vae_fail(err, VAE_ERR_ARG, "no losses");
    if (step < 0 || (r->n_curve > 0 && step <= r->curve_step[r->n_curve - 1]))
        return older(step, "a loss point", err);
    if (r->n_curve == VAE_RECORD_CURVE_CAP) { /* halve the resolution: pairs become points */
        for (int i = 0; i < VAE_RECORD_CURVE_CAP / 2; i++) {
            r->curve_step[i] = r->curve_step[2 * i + 1];
            for (int m = 0; m < M; m++) {
                const VaeRecordLoss *a = &r->curve[(size_t)2 * i * M + m], *b = a + M;
                VaeRecordLoss c = {merge(a->recon, b->recon), merge(a->kl, b->kl),
                                   merge(a->total, b->total)};
                r->curve[(size_t)i * M + m] = c;
            }
        }
        r->n_curve = VAE_RECORD_CURVE_CAP / 2;
    }
    r->curve_step[r->n_curve] = step;
    memcpy(r->curve + (size_t)r->n_curve * M, loss, (size_t)M * sizeof *loss);
    r->n_curve++;
    return VAE_OK;
}

/* ---- reading ------------------------------------------------------------------------ */

const VaeRecordSetup *vae_recording_setup(const VaeRecording *r) {
    return &r->setup;
}

int vae_recording_n_points(const VaeRecording *r) {
    return r->n_points;
}

const uint8_t *vae_recording_labels(const VaeRecording *r) {
    return r->labels;
}

size_t vae_recording_bytes(const VaeRecording *r) {
    size_t M = (size_t)r->setup.n_models;
    return (size_t)r->frames.n * (r->frame_halves * 2 + M * sizeof(VaeRecordLoss) + 8) +
           (size_t)r->decoders.n * (r->dec_halves * 2 + 8) + (size_t)r->n_points +
           (size_t)r->n_events * sizeof(VaeRecordEvent) +
           (size_t)r->n_curve * (8 + M * sizeof(VaeRecordLoss));
}

void vae_recording_capacity(const VaeRecording *r, int *frames, int *decoders) {
    if (frames) *frames = r->frames.cap;
    if (decoders) *decoders = r->decoders.cap;
}

int vae_recording_n_frames(const VaeRecording *r) {
    return r->frames.n;
}

int64_t vae_recording_frame_step(const VaeRecording *r, int i) {
    return r->frames.step[r->frames.order[i]];
}

int vae_recording_frame_at(const VaeRecording *r, int64_t step) {
    return thin_at(&r->frames, step);
}

void vae_recording_frame_latents(const VaeRecording *r, int i, int m, float *mu, float *logvar) {
    const uint16_t *h = r->frame_pool + (size_t)r->frames.order[i] * r->frame_halves;
    size_t n = (size_t)r->n_points * (size_t)r->setup.cfg[m].latent;
    if (mu) vae_f16_to_f32(h + r->mu_at[m], mu, n);
    if (logvar && r->lv_at[m] != SIZE_MAX) vae_f16_to_f32(h + r->lv_at[m], logvar, n);
    if (logvar && r->lv_at[m] == SIZE_MAX) memset(logvar, 0, n * sizeof *logvar);
}

void vae_recording_frame_point(const VaeRecording *r, int i, int m, int point, float *mu) {
    const uint16_t *h = r->frame_pool + (size_t)r->frames.order[i] * r->frame_halves;
    size_t L = (size_t)r->setup.cfg[m].latent;
    vae_f16_to_f32(h + r->mu_at[m] + (size_t)point * L, mu, L);
}

VaeRecordLoss vae_recording_frame_loss(const VaeRecording *r, int i, int m) {
    return r->frame_loss[(size_t)r->frames.order[i] * (size_t)r->setup.n_models + (size_t)m];
}

int vae_recording_n_decoders(const VaeRecording *r) {
    return r->decoders.n;
}

int64_t vae_recording_decoder_step(const VaeRecording *r, int i) {
    return r->decoders.step[r->decoders.order[i]];
}

int vae_recording_nearest_decoder(const VaeRecording *r, int64_t step) {
    int i = thin_at(&r->decoders, step);
    if (i < 0 || i + 1 >= r->decoders.n) return i;
    int64_t a = vae_recording_decoder_step(r, i), b = vae_recording_decoder_step(r, i + 1);
    /* i is at or before step unless step precedes every decoder */
    if (a > step) return i;
    return b - step < step - a ? i + 1 : i;
}

VaeStatus vae_recording_decoder(const VaeRecording *r, int i, int m, VaeModel *dst,
                                char err[VAE_ERR_LEN]) {
    if (i < 0 || i >= r->decoders.n || m < 0 || m >= r->setup.n_models || !dst || !dst->params)
        return vae_fail(err, VAE_ERR_ARG, "no decoder %d of model %d", i, m);
    if (!same_shape(&r->setup.cfg[m], &dst->cfg))
        return vae_fail(err, VAE_ERR_ARG,
                        "the model given for decoder %d is not of the shape of "
                        "model %d",
                        i, m);
    const uint16_t *h = r->dec_pool + (size_t)r->decoders.order[i] * r->dec_halves;
    for (int k = 0; k < r->n_dec_tensors[m]; k++) {
        const VaeDecTensor *d = &r->dec_tensor[m][k];
        vae_f16_to_f32(h + d->at, dst->params + d->arena, d->size);
    }
    return VAE_OK;
}

int vae_recording_n_events(const VaeRecording *r) {
    return r->n_events;
}

const VaeRecordEvent *vae_recording_event(const VaeRecording *r, int i) {
    return &r->events[i];
}

int vae_recording_n_curve(const VaeRecording *r) {
    return r->n_curve;
}

int64_t vae_recording_curve_step(const VaeRecording *r, int i) {
    return r->curve_step[i];
}

VaeRecordLoss vae_recording_curve_loss(const VaeRecording *r, int i, int m) {
    return r->curve[(size_t)i * (size_t)r->setup.n_models + (size_t)m];
}

/* ---- schedule ----------------------------------------------------------------------- */

int64_t vae_record_next_step(int64_t step, int64_t total, int n) {
    if (step >= total) return INT64_MAX;
    if (step < 0) return 0;
    if (n < 2) return total;
    /* frame k of n sits at expm1(k / (n - 1) * log1p(total)) */
    double span = lg(total), u = lg(step) / span * (n - 1);
    double k = floor(u + 1e-9) + 1;
    double at = ceil(expm1(k / (n - 1) * span) - 1e-9);
    int64_t next = at > (double)total ? total : (int64_t)at;
    return next > step ? next : step + 1;
}
