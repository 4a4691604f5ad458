/* The training thread: owns the live VaeTrainers (the VAE and the AE beside it, or more
 * models), steps them in turn with shared workers, and publishes snapshots into an
 * AppSnapshotBox at most every ~200 ms (at once after a command). Commands from the UI
 * are atomics the thread reads between steps, so the UI never waits on training. */
#ifndef APP_TRAINING_H
#define APP_TRAINING_H

#include <stdint.h>

#include "data.h"
#include "recorder.h"
#include "snapshot.h"
#include "trainer.h"

#define APP_SPEED_LEVELS 7 /* 0 = full speed, then 64, 32, 16, 8, 4, 2 steps/s */

/* What the UI may change while a model trains. */
typedef enum {
    APP_SET_BETA,
    APP_SET_LR,
    APP_SET_FREE_BITS,
    APP_SET_DROPOUT,
    APP_SET_LIKELIHOOD, /* VaeLikelihood as a float */
    APP_N_SETTINGS,
} AppSetting;

/* A fork: model `parent` trained on from its weights with one setting changed: `what` is
 * an AppSetting, or APP_FORK_SEED (another seed: its own data order and noise). */
#define APP_FORK_SEED APP_N_SETTINGS
typedef struct {
    int parent, what;
    float value;
} AppFork;

typedef struct AppTrainer AppTrainer;

typedef struct {
    int n_models; /* 1 .. APP_MAX_MODELS */
    VaeConfig cfg[APP_MAX_MODELS];
    const VaeModel *init[APP_MAX_MODELS]; /* starting parameters or NULL (copied) */
    VaeTrainConfig tc;                    /* model m starts from seed tc.seed + m */
    const VaeDataset *ds;                 /* borrowed; must outlive the trainer */
    const VaeSplit *shown;                /* the split whose latents snapshots carry (in ds) */
    int epochs;                           /* pause after this many epochs; 0 = never */
    int start_paused;
    AppRecorder *recorder; /* record the run into it (borrowed), or NULL */
} AppTrainerConfig;

/* Create the trainers (on the new thread, which its workers inherit their priority from)
 * and start training. NULL with a sentence in err, nothing left running. */
AppTrainer *app_trainer_start(const AppTrainerConfig *c, AppSnapshotBox *box, char *err,
                              int err_len);
/* Stop and join the thread, then free everything it owned. NULL is fine. A save asked
 * for before the stop is still made. */
void app_trainer_stop(AppTrainer *t);

/* Commands (UI thread). Each takes effect between two steps; the next snapshot shows it
 * (AppSnapshot.commands counts the commands a snapshot includes). */
void app_trainer_toggle_pause(AppTrainer *t);
void app_trainer_step_once(AppTrainer *t); /* one step of each model while paused */
void app_trainer_reset(AppTrainer *t);     /* fresh parameters, history cleared */
/* Whether the snapshots carry each model's encoder too (a tool that encodes an image of
 * the user's asks; they hold only the decoders otherwise). */
void app_trainer_want_encoders(AppTrainer *t, int on);
/* Set a setting of model m (-1: every model; beta and free bits: every VAE kind); values
 * are clamped to the setting's range. Scale multiplies each model's current value. */
void app_trainer_set(AppTrainer *t, AppSetting what, int m, float value);
void app_trainer_scale(AppTrainer *t, AppSetting what, int m, float factor);
/* The value last asked for of model m (what the next snapshot shows, or will). */
float app_trainer_setting(const AppTrainer *t, AppSetting what, int m);
void app_trainer_speed(AppTrainer *t, int delta); /* + faster, - slower */
/* Save the live models (app_save_models) on the trainer thread, soon; a snapshot's saves,
 * save_failed and save_msg tell how it went. */
void app_trainer_save(AppTrainer *t);
unsigned app_trainer_commands(const AppTrainer *t); /* commands given so far */
/* Start a fork (see AppFork) beside the models; it is in the snapshots soon after. The new
 * model's index, or -1 when there are APP_MAX_MODELS already (counting forks asked for). */
int app_trainer_fork(AppTrainer *t, AppFork f);
int app_trainer_models(const AppTrainer *t); /* models trained now */

const char *app_trainer_speed_name(int level);
/* Samples trained per second of running (not paused) time, all models together. */
double app_trainer_throughput(const AppTrainer *t);

#endif
