/* The trainer thread: owns the live VaeTrainers (main model and the AE), steps them
 * alternately and publishes snapshots into an AppSnapshotBox at most every ~200 ms.
 * Commands from the UI are plain atomics the thread reads between steps, so the UI
 * never waits on training. */
#ifndef APP_TRAINER_H
#define APP_TRAINER_H

#include <stdint.h>

#include "app_snapshot.h"
#include "data.h"
#include "trainer.h"

#define APP_SPEED_LEVELS 7 /* 0 = full speed, then 64, 32, 16, 8, 4, 2 steps/s */

typedef struct AppTrainer AppTrainer;

typedef struct {
    int n_models; /* 1 or 2 */
    VaeConfig cfg[APP_MAX_MODELS];
    const VaeModel *init[APP_MAX_MODELS]; /* starting parameters or NULL (copied) */
    VaeTrainConfig tc;
    const VaeDataset *ds;  /* borrowed; must outlive the trainer */
    const VaeSplit *shown; /* the split whose latents snapshots carry (in ds; borrowed) */
    int epochs;            /* pause after this many epochs; 0 = never */
    int blas_threads;
    int start_paused;
} AppTrainerConfig;

/* Create the trainers (errors in err, nothing started) and start the thread. */
AppTrainer *app_trainer_start(const AppTrainerConfig *c, AppSnapshotBox *box, char *err,
                              int err_len);
/* Stop and join the thread, then free everything it owned. NULL is fine. */
void app_trainer_stop(AppTrainer *t);

void app_trainer_toggle_pause(AppTrainer *t);
void app_trainer_step_once(AppTrainer *t); /* one step of each model while paused */
void app_trainer_reset(AppTrainer *t);     /* fresh parameters, history cleared */
void app_trainer_scale_beta(AppTrainer *t, float factor);
void app_trainer_scale_lr(AppTrainer *t, float factor);
void app_trainer_speed(AppTrainer *t, int delta); /* + faster, - slower */
/* Save the live models (app_save_models) on the trainer thread, soon; a snapshot's saves,
 * save_failed and save_msg tell how it went. A save asked for just before stopping is
 * still made. */
void app_trainer_save(AppTrainer *t);
const char *app_trainer_speed_name(int level);
/* Samples trained per second of running (not paused) time, both models together. */
double app_trainer_throughput(const AppTrainer *t);
/* Commands given so far (pause, step, reset, beta, lr, speed), for AppSnapshot.commands. */
unsigned app_trainer_commands(const AppTrainer *t);

/* Encodes the test set for snapshots on `workers` threads (the caller's and workers - 1
 * more), with buffers for models of these shapes. NULL with a sentence in err. */
typedef struct VaeSplitEncoder AppEncoder;
AppEncoder *app_encoder_create(const VaeModel *const *models, int n_models, const VaeSplit *test,
                               int workers, char *err, int err_len);
void app_encoder_destroy(AppEncoder *enc); /* NULL is fine */

/* Copy models into s (whole if encoders, else decoders and flows) and, with an encoder,
 * compute the test-set latents (mu and logvar per image) and their per-dimension
 * statistics. Shared by the trainer thread and --no-train. 0 / -1. */
int app_snapshot_build(AppSnapshot *s, const VaeModel *const *models, int n_models,
                       const VaeSplit *test, AppEncoder *enc, int encoders);

#endif
