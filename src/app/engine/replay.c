/* Past states of a run from its recording (see replay.h). */
#include "replay.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "latents.h"

void app_past_settings(const VaeRecording *r, int m, int64_t step, float value[VAE_EVENT_KINDS]) {
    for (int k = 0; k < VAE_EVENT_KINDS; k++)
        value[k] = NAN;
    for (int i = 0; i < vae_recording_n_events(r); i++) { /* by step: the last one wins */
        const VaeRecordEvent *e = vae_recording_event(r, i);
        if (e->step > step) break;
        if (e->kind != VAE_EVENT_PAUSE && (e->model == m || e->model < 0))
            value[e->kind] = e->value;
    }
}

int app_past_paused(const VaeRecording *r, int64_t step) {
    int paused = 0;
    for (int i = 0; i < vae_recording_n_events(r); i++) {
        const VaeRecordEvent *e = vae_recording_event(r, i);
        if (e->step > step) break;
        if (e->kind == VAE_EVENT_PAUSE) paused = e->value != 0;
    }
    return paused;
}

/* The recorded loss curve up to step as the window's history (no held-out points). */
static int set_curve(AppPast *p, const VaeRecording *r, int64_t step) {
    if (!p->curve && !(p->curve = malloc(VAE_RECORD_CURVE_CAP * sizeof *p->curve))) return -1;
    int n = 0, M = vae_recording_setup(r)->n_models;
    for (int i = 0; i < vae_recording_n_curve(r) && n < VAE_RECORD_CURVE_CAP; i++) {
        if (vae_recording_curve_step(r, i) > step) break;
        AppLossPoint *q = &p->curve[n++];
        q->step = vae_recording_curve_step(r, i);
        for (int m = 0; m < APP_MAX_MODELS; m++) {
            VaeRecordLoss l =
                m < M ? vae_recording_curve_loss(r, i, m) : (VaeRecordLoss){NAN, NAN, NAN};
            q->loss[m] = (AppLoss){l.recon, l.kl, l.total};
            q->test[m] = (AppLoss){NAN, NAN, NAN};
        }
    }
    return app_snapshot_set_history(p->snap, p->curve, n);
}

/* The status: the run's settings at the frame, the window's (commands, saves) from live. */
static void set_status(AppSnapshot *s, const VaeRecording *r, const AppSnapshot *live,
                       int64_t steps_per_epoch) {
    const VaeRecordSetup *su = vae_recording_setup(r);
    for (int m = 0; m < su->n_models; m++) {
        float v[VAE_EVENT_KINDS];
        app_past_settings(r, m, s->step, v);
        AppModelInfo *in = &s->info[m];
        memset(in, 0, sizeof *in);
        in->beta = in->beta_eff = isnan(v[VAE_EVENT_BETA]) ? 1.0f : v[VAE_EVENT_BETA];
        in->lr = isnan(v[VAE_EVENT_LR]) ? 0 : v[VAE_EVENT_LR];
        in->free_bits = isnan(v[VAE_EVENT_FREE_BITS]) ? 0 : v[VAE_EVENT_FREE_BITS];
        in->dropout = isnan(v[VAE_EVENT_DROPOUT]) ? 0 : v[VAE_EVENT_DROPOUT];
        snprintf(in->label, sizeof in->label, "%s", su->name[m]);
        /* the live models are the recorded ones (a fork starts a new recording) */
        in->fork_of = live && live->n_models == su->n_models ? live->info[m].fork_of : -1;
    }
    s->epoch = steps_per_epoch > 0 ? (int)(s->step / steps_per_epoch) : 0;
    s->samples_per_s = 0;
    s->paused = app_past_paused(r, s->step);
    s->message[0] = 0;
    s->commands = live ? live->commands : 0;
    s->speed = live ? live->speed : 0;
    s->saves = live ? live->saves : 0;
    s->n_events = live ? live->n_events : 0;
    s->save_failed = 0, s->save_msg[0] = 0;
}

/* The frame's latents and their per-dimension statistics. */
static void set_latents(AppSnapshot *s, const VaeRecording *r, int frame) {
    for (int m = 0; m < s->n_models; m++) {
        const VaeConfig *c = &s->model[m].cfg;
        vae_recording_frame_latents(r, frame, m, s->mu[m], s->lv[m]);
        VaeLatentSums sums;
        memset(&sums, 0, sizeof sums);
        int vae = vae_kind_is_stochastic(c->kind);
        vae_latent_sums_add(&sums, s->mu[m], vae ? s->lv[m] : NULL, s->n_points, c->latent);
        vae_latent_stats_finish(&sums, c->latent, vae, &s->lstats[m]);
    }
}

int app_past_build(AppPast *p, const VaeRecording *r, unsigned gen, int frame,
                   const AppSnapshot *live, int64_t steps_per_epoch, char err[VAE_ERR_LEN]) {
    if (frame < 0 || frame >= vae_recording_n_frames(r)) {
        snprintf(err, VAE_ERR_LEN, "no recorded frame %d", frame);
        return -1;
    }
    if (!p->snap && !(p->snap = app_snapshot_create())) goto nomem;
    const VaeRecordSetup *su = vae_recording_setup(r);
    const VaeConfig *cfg[APP_MAX_MODELS];
    int M = su->n_models < APP_MAX_MODELS ? su->n_models : APP_MAX_MODELS;
    for (int m = 0; m < M; m++)
        cfg[m] = &su->cfg[m];
    AppSnapshot *s = p->snap;
    int shaped = s->n_models == M && p->gen == gen && p->decoder >= 0;
    if (app_snapshot_shape(s, cfg, M, vae_recording_n_points(r), 0) != 0) goto nomem;
    s->step = s->latents_step = vae_recording_frame_step(r, frame);
    int d = vae_recording_nearest_decoder(r, s->step);
    if (d >= 0 && (!shaped || d != p->decoder)) /* ~2 MB of halves per model: only on a change */
        for (int m = 0; m < M; m++)
            if (vae_recording_decoder(r, d, m, &s->model[m], err) != VAE_OK) return -1;
    p->decoder = d, p->gen = gen, p->frame = frame;
    set_latents(s, r, frame);
    if (set_curve(p, r, s->step) != 0) goto nomem;
    set_status(s, r, live, steps_per_epoch);
    s->seq = s->latents_seq = APP_PAST_SEQ + ++p->builds;
    s->published_s = vae_now();
    return 0;
nomem:
    snprintf(err, VAE_ERR_LEN, "out of memory for the replay");
    return -1;
}

void app_past_free(AppPast *p) {
    app_snapshot_free(p->snap);
    free(p->curve);
    memset(p, 0, sizeof *p);
    p->frame = p->decoder = -1;
}
