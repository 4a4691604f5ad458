/* A recording of a training run, to replay it: frames (a step, every model's latents of a
 * split as IEEE halves, the loss terms), the decoders (and flows) at a few dozen steps as
 * halves, the settings changes as events, and a loss curve. Frames and decoders are
 * thinned to fixed budgets as the run grows, evenly in log(1 + step): dense early, where
 * the latent plane changes fastest, never dropping the first or the last. The recording
 * saves as a safetensors file (docs/formats.md) and reopens with full validation.
 *
 * One object, no locking: additions need exclusive access; readers are const and may run
 * together. A front end that records on one thread and scrubs on another puts a mutex
 * around it (an addition holds it for the copy of one frame or one set of decoders). */
#ifndef VAE_RECORD_H
#define VAE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "status.h"

#define VAE_RECORD_FORMAT "vae-explorer-recording/1"
#define VAE_RECORD_MAX_MODELS 8
#define VAE_RECORD_MAX_EVENTS 4096
#define VAE_RECORD_CURVE_CAP 4096 /* loss-curve points kept (pairs merge when full) */

/* Loss terms of one model, per sample, nats (NaN: none measured). */
typedef struct {
    float recon, kl, total;
} VaeRecordLoss;

typedef enum {
    VAE_EVENT_BETA = 0,   /* value: the new beta */
    VAE_EVENT_LR,         /* value: the new learning rate */
    VAE_EVENT_PAUSE,      /* value: 1 paused, 0 resumed (model -1) */
    VAE_EVENT_FREE_BITS,  /* value: the KL floor, nats */
    VAE_EVENT_DROPOUT,    /* value: the dropout probability */
    VAE_EVENT_LIKELIHOOD, /* value: a VaeLikelihood */
    VAE_EVENT_KINDS
} VaeEventKind;

typedef struct {
    int64_t step;
    VaeEventKind kind;
    int model; /* the model it applies to, -1 for all */
    float value;
} VaeRecordEvent;

/* What is recorded: the models (fixed for the recording's life) and the split. */
typedef struct {
    int n_models;
    VaeConfig cfg[VAE_RECORD_MAX_MODELS];
    char name[VAE_RECORD_MAX_MODELS][48]; /* "VAE", "AE beta=4"; "" = the kind's name */
    char dataset[32];                     /* "mnist" */
    char split[16];                       /* "test" */
} VaeRecordSetup;

/* Bytes of halves the frames (all models' latents) and the decoders may hold together.
 * The number kept follows from each one's size: the frame count adapts to the split. */
typedef struct {
    size_t frame_bytes, decoder_bytes;
} VaeRecordBudget;

/* 12 MB of frames and 43 MB of decoders: the explorer's VAE + AE of the reference MLP on
 * MNIST's 2,004 test images keep 500 frames and 20 decoder steps, under 60 MB. */
VaeRecordBudget vae_record_budget_default(void);

typedef struct VaeRecording VaeRecording;

/* A new, empty recording of n_points images with these labels (copied) for the models
 * of setup; budget NULL = the default. Pools are allocated here, once. */
VaeStatus vae_recording_create(VaeRecording **out, const VaeRecordSetup *setup,
                               const uint8_t *labels, int n_points, const VaeRecordBudget *budget,
                               char err[VAE_ERR_LEN]);
void vae_recording_destroy(VaeRecording *r); /* NULL is fine */

/* ---- recording ------------------------------------------------------------------- */
/* Steps must not decrease (a reset starts a new recording); an addition at the step of
 * the newest entry replaces it. When a pool is full the interior entry whose neighbours
 * are closest in log(1 + step) is dropped. */

/* mu[m] (n_points, latent of model m) and logvar[m] (the same; NULL for an AE) of every
 * model; loss (n_models, may be NULL: NaN). */
VaeStatus vae_recording_add_frame(VaeRecording *r, int64_t step, const float *const *mu,
                                  const float *const *logvar, const VaeRecordLoss *loss,
                                  char err[VAE_ERR_LEN]);
/* The decoders and flows of every model (models[m] of setup's configuration m; only the
 * decoder's and the flows' tensors are read). */
VaeStatus vae_recording_add_decoders(VaeRecording *r, int64_t step, const VaeModel *const *models,
                                     char err[VAE_ERR_LEN]);
/* A settings change; VAE_ERR_NOMEM after VAE_RECORD_MAX_EVENTS. */
VaeStatus vae_recording_add_event(VaeRecording *r, const VaeRecordEvent *e, char err[VAE_ERR_LEN]);
/* A point of the loss curve: loss (n_models) at step. */
VaeStatus vae_recording_add_loss(VaeRecording *r, int64_t step, const VaeRecordLoss *loss,
                                 char err[VAE_ERR_LEN]);

/* ---- reading --------------------------------------------------------------------- */

const VaeRecordSetup *vae_recording_setup(const VaeRecording *r);
int vae_recording_n_points(const VaeRecording *r);
const uint8_t *vae_recording_labels(const VaeRecording *r); /* (n_points) */
/* Bytes held by the recorded data (the pools' used part and the small tables). */
size_t vae_recording_bytes(const VaeRecording *r);
/* Frames and decoders the pools keep at most. */
void vae_recording_capacity(const VaeRecording *r, int *frames, int *decoders);

/* Frames, oldest first (i in 0..n_frames - 1). */
int vae_recording_n_frames(const VaeRecording *r);
int64_t vae_recording_frame_step(const VaeRecording *r, int i);
/* The newest frame at or before step (the first if step precedes them), -1 if none. */
int vae_recording_frame_at(const VaeRecording *r, int64_t step);
/* Frame i's latents of model m as floats: mu (n_points, L); logvar (the same, may be
 * NULL; zeros for an AE). */
void vae_recording_frame_latents(const VaeRecording *r, int i, int m, float *mu, float *logvar);
/* Frame i's mu of one image (point) of model m: mu (latent). A trail of one image over
 * the run reads its few halves from each frame, not whole frames. */
void vae_recording_frame_point(const VaeRecording *r, int i, int m, int point, float *mu);
VaeRecordLoss vae_recording_frame_loss(const VaeRecording *r, int i, int m);

/* Decoders, oldest first. */
int vae_recording_n_decoders(const VaeRecording *r);
int64_t vae_recording_decoder_step(const VaeRecording *r, int i);
/* The decoder recorded nearest to step (the earlier on a tie), -1 if none. */
int vae_recording_nearest_decoder(const VaeRecording *r, int64_t step);
/* Decoder i of model m into dst, a model made with vae_model_init for setup's cfg[m]: its
 * decoder and flows become the recorded ones (widened), its encoder is left as it is.
 * Then vae_model_decode decodes as that model did at vae_recording_decoder_step(i). */
VaeStatus vae_recording_decoder(const VaeRecording *r, int i, int m, VaeModel *dst,
                                char err[VAE_ERR_LEN]);

int vae_recording_n_events(const VaeRecording *r);
const VaeRecordEvent *vae_recording_event(const VaeRecording *r, int i); /* by step */

int vae_recording_n_curve(const VaeRecording *r);
int64_t vae_recording_curve_step(const VaeRecording *r, int i);
VaeRecordLoss vae_recording_curve_loss(const VaeRecording *r, int i, int m);

/* ---- files ----------------------------------------------------------------------- */

/* Atomically and durably, as checkpoints are (vae_st_write). */
VaeStatus vae_recording_save(const VaeRecording *r, const char *path, char err[VAE_ERR_LEN]);
/* Read, validate (the container, then shapes against the metadata, steps increasing,
 * counts agreeing, values in range) and build a recording. A torn, foreign or hostile
 * file is VAE_ERR_FORMAT with one sentence naming it. */
VaeStatus vae_recording_load(VaeRecording **out, const char *path, char err[VAE_ERR_LEN]);
/* The same from memory (tests, fuzzing); name is used in messages. */
VaeStatus vae_recording_parse(VaeRecording **out, const uint8_t *buf, size_t len, const char *name,
                              char err[VAE_ERR_LEN]);

/* ---- schedule -------------------------------------------------------------------- */

/* For a run of total steps over which n frames are to be spread evenly in log(1 + step):
 * the first step after `step` at which the next one is due (every step while they are
 * denser than one a step; total at the end, then beyond it). */
int64_t vae_record_next_step(int64_t step, int64_t total, int n);

#endif
