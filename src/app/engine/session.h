/* What the explorer explores: the dataset, the models (from checkpoints, or fresh ones
 * training on the trainer thread) and the snapshot box their states arrive through. No
 * window is needed for any of it: a test opens a session and reads its snapshots. */
#ifndef APP_SESSION_H
#define APP_SESSION_H

#include "data.h"
#include "options.h"
#include "recorder.h"
#include "snapshot.h"
#include "trainer.h"
#include "training.h"

typedef struct {
    VaeDataset ds;
    const VaeSplit *shown; /* the images on the plane: &ds.test, or &ds.train (--scatter) */
    int rows, cols, pixels;
    /* the least Bernoulli reconstruction loss the shown images allow, nats per image: each
     * grey pixel x costs its entropy -x log x - (1-x) log(1-x) even when matched exactly */
    double bce_floor;
    /* from checkpoints: each --model, then --ae-model; then the PCA of --pca */
    VaeModel loaded[APP_MAX_MODELS];
    VaeCkptMeta loaded_meta[APP_MAX_MODELS];
    int has_loaded[APP_MAX_MODELS];
    int n_loaded;
    int n_models;        /* models the snapshots carry */
    AppTrainer *trainer; /* NULL with --no-train or --replay */
    AppSnapshotBox box;
    /* the run's recording: the trainer's (unless --no-record), or --replay's file */
    AppRecorder recorder;
    int recording;           /* there is (or will be) one: the window shows the timeline */
    int64_t steps_per_epoch; /* of the training split at the batch size (for a replay's epoch) */
} AppSession;

/* The dataset and the checkpoints of o. 0, or -1 with a sentence in err (nothing to free
 * but app_session_close). */
int app_session_open(AppSession *s, const AppOptions *o, char *err, int err_len);
/* Start training (the trainer's first snapshot follows), or publish the checkpoints'
 * snapshot (--no-train, or only PCAs: nothing to train), or the recording's last frame
 * (--replay). 0 or -1 with a sentence in err. */
int app_session_start(AppSession *s, const AppOptions *o, char *err, int err_len);
/* Stops the trainer first, then frees everything. */
void app_session_close(AppSession *s);

#endif
