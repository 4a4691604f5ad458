/* `vae train --record FILE`: the run as a recording (record.h). The test split is encoded
 * at steps spread evenly in log(1 + step) over the run, as many as keep the encodes near
 * RECORD_SHARE of the training time (counted in FLOPs, or timed if that says more); the decoder
 * at up to DECODERS of those steps, spread the same way; the loss terms every few steps.
 * The file is rewritten after an epoch that added something, as often as keeps the saves
 * near SAVE_SHARE of the time, and after the last. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "train_record.h"

#define RECORD_SHARE 0.03 /* of the training time spent encoding the test split */
#define SAVE_SHARE 0.01   /* ... and saving the recording */
#define MIN_FRAMES 8      /* however short the run */
#define DECODERS 24       /* decoder steps over a run, at most (some of the frames') */
#define CURVE_POINTS 16   /* loss-curve points per epoch */

/* The frames the run affords: encodes at `cost` training steps each within the share
 * (a short run gets MIN_FRAMES all the same, and pays more than the share). */
static int affordable(int64_t total, double cost) {
    double n = RECORD_SHARE * (double)total / (cost > 1e-3 ? cost : 1e-3);
    return n < MIN_FRAMES ? MIN_FRAMES : n > 1e6 ? 1000000 : (int)n;
}

/* An encode of the split against a training step, in FLOPs: the encoder's forward pass
 * over n images, against forward and backward (about 3 forwards) of the whole model over
 * a batch. The first plan; the measured times replace it once there are some. */
static double flop_cost(const VaeModel *m, int n, int batch) {
    double enc = (double)vae_model_encoder_params(m), all = (double)m->n_params;
    return (double)n * enc / ((double)batch * 3.0 * all);
}

static int add_decoder(CliRecorder *r, const VaeTrainer *t, int64_t step);

int cli_recorder_open(CliRecorder *r, const char *path, const VaeTrainer *t, const VaeDataset *ds,
                      int epochs, int threads) {
    memset(r, 0, sizeof *r);
    r->path = path;
    r->split = &ds->test;
    const VaeModel *m = vae_trainer_model(t);
    const VaeTrainConfig *tc = vae_trainer_config(t);
    VaeRecordSetup su;
    memset(&su, 0, sizeof su);
    su.n_models = 1;
    su.cfg[0] = m->cfg;
    snprintf(su.dataset, sizeof su.dataset, "%s", ds->name);
    snprintf(su.split, sizeof su.split, "test");
    char err[VAE_ERR_LEN];
    VaeStatus s = vae_recording_create(&r->rec, &su, r->split->labels, r->split->n, NULL, err);
    if (s == VAE_OK) s = vae_split_encoder_create(&r->enc, &m, 1, r->split, threads, err);
    size_t n = (size_t)r->split->n * (size_t)m->cfg.latent;
    r->mu = malloc(n * sizeof *r->mu);
    r->lv = malloc(n * sizeof *r->lv);
    if (s != VAE_OK || !r->mu || !r->lv) {
        cli_recorder_close(r);
        return cli_error(CLI_FAIL, "train: --record %s: %s", path,
                         s != VAE_OK ? err : "out of memory");
    }
    int batches = (ds->train.n + tc->batch - 1) / tc->batch;
    r->total = (int64_t)epochs * batches;
    r->curve_every = batches / CURVE_POINTS > 1 ? batches / CURVE_POINTS : 1;
    r->cost = flop_cost(m, r->split->n, tc->batch);
    r->lr = tc->lr;
    /* the settings a run starts with, as events at its first step */
    VaeRecordEvent e[2] = {{0, VAE_EVENT_BETA, 0, tc->beta}, {0, VAE_EVENT_LR, 0, tc->lr}};
    for (int i = 0; i < 2; i++)
        vae_recording_add_event(r->rec, &e[i], err);
    r->t_start = vae_now();
    int rc = add_decoder(r, t, 0);
    return rc == CLI_OK ? cli_recorder_frame(r, t, 0) : rc;
}

void cli_recorder_close(CliRecorder *r) {
    vae_recording_destroy(r->rec);
    vae_split_encoder_destroy(r->enc);
    free(r->mu), free(r->lv);
    memset(r, 0, sizeof *r);
}

int cli_recorder_frame(CliRecorder *r, const VaeTrainer *t, int64_t step) {
    double t0 = vae_now();
    const VaeModel *m = vae_trainer_model(t);
    float *mu[1] = {r->mu}, *lv[1] = {r->lv};
    vae_split_encode(r->enc, &m, mu, lv, NULL);
    VaeRecordLoss loss = {NAN, NAN, NAN};
    if (r->frame_steps > 0)
        loss = (VaeRecordLoss){(float)(r->frame_sum[0] / r->frame_steps),
                               (float)(r->frame_sum[1] / r->frame_steps),
                               (float)(r->frame_sum[2] / r->frame_steps)};
    const float *cmu[1] = {r->mu}, *clv[1] = {r->lv};
    char err[VAE_ERR_LEN];
    VaeStatus s = vae_recording_add_frame(r->rec, step, cmu, clv, &loss, err);
    memset(r->frame_sum, 0, sizeof r->frame_sum);
    r->frame_steps = 0;
    double dt = vae_now() - t0;
    r->encode_s += dt;
    r->encodes++;
    r->encode_each = r->encodes == 1 ? dt : 0.8 * r->encode_each + 0.2 * dt;
    r->dirty = 1;
    if (s != VAE_OK) return cli_error(CLI_FAIL, "train: --record %s: %s", r->path, err);
    return CLI_OK;
}

static int add_decoder(CliRecorder *r, const VaeTrainer *t, int64_t step) {
    const VaeModel *m = vae_trainer_model(t);
    char err[VAE_ERR_LEN];
    if (vae_recording_add_decoders(r->rec, step, &m, err) != VAE_OK)
        return cli_error(CLI_FAIL, "train: --record %s: %s", r->path, err);
    r->dirty = 1;
    return CLI_OK;
}

/* The step's loss terms, from the epoch's running means before and after it. */
static void add_losses(CliRecorder *r, const VaeProgress *p) {
    double cur[3] = {p->recon, p->kl, p->loss}, step[3];
    for (int k = 0; k < 3; k++) {
        step[k] = p->batch > 1 ? cur[k] * p->batch - r->mean[k] * (p->batch - 1) : cur[k];
        r->mean[k] = cur[k];
    }
    if (!isfinite(step[0]) || !isfinite(step[2])) return; /* a skipped step */
    for (int k = 0; k < 3; k++)
        r->frame_sum[k] += step[k], r->curve_sum[k] += step[k];
    r->frame_steps++, r->curve_steps++;
    if (r->curve_steps < r->curve_every) return;
    VaeRecordLoss l = {(float)(r->curve_sum[0] / r->curve_steps),
                       (float)(r->curve_sum[1] / r->curve_steps),
                       (float)(r->curve_sum[2] / r->curve_steps)};
    char err[VAE_ERR_LEN];
    vae_recording_add_loss(r->rec, p->step, &l, err);
    memset(r->curve_sum, 0, sizeof r->curve_sum);
    r->curve_steps = 0;
}

/* Re-plan the frames from the times measured so far, an encode against a step, when they
 * say encodes cost more than planned. Never fewer steps per encode: a plan that grew would
 * have taken its early frames, the dense ones, at the smaller plan's spacing and more. */
static void replan(CliRecorder *r, int64_t step) {
    double train_s = vae_now() - r->t_start - r->encode_s - r->save_s;
    if (step < 8 || r->encodes < 2 || train_s <= 0) return; /* too little to go by */
    double measured = r->encode_each / (train_s / (double)step);
    if (measured > r->cost) r->cost = measured;
}

int cli_recorder_step(CliRecorder *r, const VaeTrainer *t, const VaeProgress *p) {
    add_losses(r, p);
    float lr = vae_trainer_config(t)->lr;
    if (lr != r->lr) { /* the guards halved it */
        VaeRecordEvent e = {p->step, VAE_EVENT_LR, 0, lr};
        char err[VAE_ERR_LEN];
        vae_recording_add_event(r->rec, &e, err);
        r->lr = lr;
    }
    int64_t s = p->step;
    replan(r, s);
    int n = affordable(r->total, r->cost), nd = n < DECODERS ? n : DECODERS;
    if (s < vae_record_next_step(r->last_frame, r->total, n) && s != r->total) return CLI_OK;
    r->last_frame = s;
    int rc = cli_recorder_frame(r, t, s);
    /* decoders at some of the frames' steps, so that a frame has its own decoder */
    if (rc == CLI_OK && (s >= vae_record_next_step(r->last_dec, r->total, nd) || s == r->total)) {
        r->last_dec = s;
        rc = add_decoder(r, t, s);
    }
    return rc;
}

int cli_recorder_epoch_end(CliRecorder *r, int last) {
    double now = vae_now();
    /* a save costs save_each; after one, wait until it is SAVE_SHARE of the time since */
    if (!r->dirty || (!last && r->saves > 0 && now - r->saved_at < r->save_each / SAVE_SHARE))
        return CLI_OK;
    char err[VAE_ERR_LEN];
    VaeStatus s = vae_recording_save(r->rec, r->path, err);
    double dt = vae_now() - now;
    r->save_s += dt;
    r->save_each = dt;
    r->saved_at = vae_now();
    r->saves++;
    r->dirty = 0;
    return s == VAE_OK ? CLI_OK : cli_error(CLI_FAIL, "%s", err);
}

void cli_recorder_report(const CliRecorder *r) {
    double all = vae_now() - r->t_start;
    fprintf(stderr,
            "recorded %d frames and %d decoders in %s (%.1f MB): %d encodes %.2f s, %d saves "
            "%.2f s, %.1f %% of %.1f s\n",
            vae_recording_n_frames(r->rec), vae_recording_n_decoders(r->rec), r->path,
            vae_recording_bytes(r->rec) / 1e6, r->encodes, r->encode_s, r->saves, r->save_s,
            100 * (r->encode_s + r->save_s) / (all > 0 ? all : 1), all);
}
