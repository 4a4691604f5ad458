/* The trainer thread's half of the window's recording (recorder.h): every published
 * snapshot's latents of the shown split, the decoders at steps ~20 % apart (dense early,
 * as the library thins them), the loss history's points and the settings changes. The
 * trainer never waits for the recording's lock: it tries it once per publication, and
 * what it could not add then (events, loss points, a new recording after a reset or a
 * fork, the latents) stays here for the next try, at the next turn of its loop (a few
 * milliseconds later: the latents are still the ones published, unless newer ones came). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "training_impl.h"

/* The recording the current models need (models and split fixed for its life). */
static VaeRecording *new_recording(AppTrainer *t, char *e) {
    VaeRecordSetup su;
    memset(&su, 0, sizeof su);
    su.n_models = t->n_models;
    for (int m = 0; m < t->n_models; m++) {
        su.cfg[m] = app_model_of(t, m)->cfg;
        snprintf(su.name[m], sizeof su.name[m], "%s", t->label[m]);
    }
    snprintf(su.dataset, sizeof su.dataset, "%s", t->ds->name);
    snprintf(su.split, sizeof su.split, "%s", t->shown == &t->ds->test ? "test" : "train");
    VaeRecording *r = NULL;
    if (vae_recording_create(&r, &su, t->shown->labels, t->shown->n, NULL, e) != VAE_OK)
        return NULL;
    return r;
}

void app_record_restart(AppTrainer *t) {
    AppTrainRecord *R = &t->record;
    if (!R->out) return;
    char e[VAE_ERR_LEN];
    vae_recording_destroy(R->next);
    R->next = new_recording(t, e);
    if (!R->next) {
        char msg[VAE_ERR_LEN + 32];
        snprintf(msg, sizeof msg, "not recording: %s", e);
        app_trainer_log(t, msg);
    }
    R->latents_seq = 0, R->dec_step = -1, R->curve_step = -1, R->n_queue = 0, R->paused = -1;
    for (int k = 0; k < VAE_EVENT_KINDS; k++)
        for (int m = 0; m < APP_MAX_MODELS; m++)
            R->value[k][m] = NAN;
}

static void queue(AppTrainRecord *R, int64_t step, VaeEventKind kind, int model, float value) {
    if (R->n_queue == APP_RECORD_QUEUE) return; /* the recording's own table is smaller */
    R->queue[R->n_queue++] = (VaeRecordEvent){step, kind, model, value};
}

void app_record_settings(AppTrainer *t, int paused) {
    AppTrainRecord *R = &t->record;
    if (!R->out) return;
    int64_t step = app_lead_steps(t);
    if (paused != R->paused) queue(R, step, VAE_EVENT_PAUSE, -1, (float)paused);
    R->paused = paused;
    for (int m = 0; m < t->n_models; m++) {
        if (!t->tr[m]) continue; /* fitted (a PCA): no settings */
        const VaeTrainConfig *tc = vae_trainer_config(t->tr[m]);
        float v[VAE_EVENT_KINDS] = {tc->beta, tc->lr, tc->free_bits, tc->dropout,
                                    (float)vae_trainer_model(t->tr[m])->cfg.likelihood};
        for (int k = 0; k < VAE_EVENT_KINDS; k++)
            if (!(v[k] == R->value[k][m])) { /* a change, or the first value */
                queue(R, step, (VaeEventKind)k, m, v[k]);
                R->value[k][m] = v[k];
            }
    }
}

static VaeRecordLoss record_loss(AppLoss l) {
    return (VaeRecordLoss){l.recon, l.kl, l.total};
}

/* The queued events and the history's new points. */
static void add_queued(AppTrainer *t, VaeRecording *rec, char *e) {
    AppTrainRecord *R = &t->record;
    for (int i = 0; i < R->n_queue; i++)
        vae_recording_add_event(rec, &R->queue[i], e); /* full: the rest are dropped */
    if (R->n_queue) atomic_fetch_add_explicit(&R->out->changes, 1, memory_order_relaxed);
    R->n_queue = 0;
    VaeRecordLoss loss[APP_MAX_MODELS];
    for (int i = 0; i < t->hist.n; i++) {
        const AppLossPoint *p = &t->hist.points[i];
        if (p->step <= R->curve_step) continue;
        for (int m = 0; m < t->n_models; m++)
            loss[m] = record_loss(p->loss[m]);
        if (vae_recording_add_loss(rec, p->step, loss, e) == VAE_OK) R->curve_step = p->step;
    }
}

/* The latents just published, and the decoders when due. 0, or -1 with a sentence in e. */
static int add_frame(AppTrainer *t, VaeRecording *rec, char *e) {
    AppTrainRecord *R = &t->record;
    const float *mu[APP_MAX_MODELS], *lv[APP_MAX_MODELS];
    VaeRecordLoss loss[APP_MAX_MODELS];
    for (int m = 0; m < t->n_models; m++) {
        mu[m] = t->last_mu[m], lv[m] = t->last_lv[m];
        loss[m] = t->hist.n ? record_loss(t->hist.points[t->hist.n - 1].loss[m])
                            : (VaeRecordLoss){NAN, NAN, NAN};
    }
    int64_t step = t->latents_step;
    if (vae_recording_add_frame(rec, step, mu, lv, loss, e) != VAE_OK) return -1;
    R->latents_seq = t->latents_seq;
    atomic_fetch_add_explicit(&R->out->changes, 1, memory_order_relaxed);
    /* decoders ~20 % of the steps apart: a few dozen over any run, denser early */
    if (R->dec_step >= 0 && step < R->dec_step + 1 + R->dec_step / 5) return 0;
    const VaeModel *models[APP_MAX_MODELS];
    for (int m = 0; m < t->n_models; m++)
        models[m] = app_model_of(t, m);
    if (vae_recording_add_decoders(rec, step, models, e) != VAE_OK) return -1;
    R->dec_step = step;
    return 0;
}

void app_record_publish(AppTrainer *t) {
    AppTrainRecord *R = &t->record;
    if (!R->out || (!R->next && R->failed)) return;
    VaeRecording *old = NULL, *rec = app_recorder_try(R->out);
    if (!rec && R->next && !R->out->rec) { /* the first: nobody can hold an empty lock long */
        app_recorder_set(R->out, R->next);
        R->next = NULL;
        rec = app_recorder_try(R->out);
    }
    R->pending = rec == NULL; /* busy: the next turn of the loop tries again */
    if (!rec) return;
    if (R->next) { /* a new run's recording replaces the old one */
        old = rec;
        R->out->rec = rec = R->next;
        R->next = NULL;
        R->failed = 0;
        atomic_store_explicit(&R->out->changes, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&R->out->gen, 1, memory_order_release);
    }
    char e[VAE_ERR_LEN];
    add_queued(t, rec, e);
    int rc = R->latents_seq != t->latents_seq && !R->failed ? add_frame(t, rec, e) : 0;
    app_recorder_release(R->out);
    vae_recording_destroy(old);
    if (rc != 0) {
        char msg[VAE_ERR_LEN + 32];
        snprintf(msg, sizeof msg, "recording stopped: %s", e);
        app_trainer_log(t, msg);
        R->failed = 1;
    }
}

void app_record_free(AppTrainer *t) {
    vae_recording_destroy(t->record.next);
    t->record.next = NULL;
}
