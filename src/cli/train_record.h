/* What `vae train --record FILE` keeps between steps (train_record.c). */
#ifndef VAE_CLI_TRAIN_RECORD_H
#define VAE_CLI_TRAIN_RECORD_H

#include "cli.h"
#include "record.h"

typedef struct {
    const char *path;
    const VaeSplit *split; /* the test split, encoded into frames */
    VaeRecording *rec;
    VaeSplitEncoder *enc;
    float *mu, *lv; /* (n, latent): an encode's output */
    int64_t total;  /* steps of the whole run */
    int64_t last_frame, last_dec;
    double cost; /* an encode, in training steps (FLOPs at first, then measured) */
    float lr;    /* the last one seen (the guards may halve it) */
    /* loss terms: the epoch's running means seen last, and sums since the last frame and
     * the last curve point */
    double mean[3], frame_sum[3], curve_sum[3];
    int frame_steps, curve_steps, curve_every;
    /* time */
    double t_start, encode_s, encode_each, save_s, save_each, saved_at;
    int encodes, saves, dirty;
} CliRecorder;

/* Set up, record the settings and the frame at step 0. Exit-status-style result. */
int cli_recorder_open(CliRecorder *r, const char *path, const VaeTrainer *t, const VaeDataset *ds,
                      int epochs, int threads);
/* After every batch (from the trainer's progress callback): losses, and a frame or a
 * decoder when one is due. */
int cli_recorder_step(CliRecorder *r, const VaeTrainer *t, const VaeProgress *p);
/* Encode the split into a frame at step now. */
int cli_recorder_frame(CliRecorder *r, const VaeTrainer *t, int64_t step);
/* After an epoch: save if due (always when last). */
int cli_recorder_epoch_end(CliRecorder *r, int last);
/* One line on stderr: frames, decoders, size, the time the recording took. */
void cli_recorder_report(const CliRecorder *r);
void cli_recorder_close(CliRecorder *r);

#endif
