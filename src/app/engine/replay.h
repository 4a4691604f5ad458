/* The run as it was: a snapshot built from a recording (record.h) at one of its frames,
 * which the window shows in place of the live one while the timeline is scrubbed, and
 * which every tool reads as it reads a trainer's (decoders only, the frame's latents and
 * their statistics, the loss curve up to that step, the settings then in force). */
#ifndef APP_REPLAY_H
#define APP_REPLAY_H

#include <stdint.h>

#include "record.h"
#include "snapshot.h"

/* Sequence numbers of built snapshots start here, far from any trainer's: the tools'
 * caches keyed by a snapshot's seq never mistake a past state for a live one. */
#define APP_PAST_SEQ (UINT64_C(1) << 48)

typedef struct {
    AppSnapshot *snap; /* owned; NULL until the first build */
    int frame;         /* the frame it holds, -1: none */
    int decoder;       /* the recorded decoder its models hold, -1: none */
    unsigned gen;      /* of the recording those came from (recorder.h) */
    uint64_t builds;
    AppLossPoint *curve; /* scratch for the loss curve (VAE_RECORD_CURVE_CAP) */
} AppPast;

/* Make p->snap the state of frame `frame` of r (recording generation gen): the frame's
 * latents (widened halves) and their statistics, the decoders recorded nearest to its
 * step, the recorded loss curve up to it, the settings of its events; the rest of the
 * status (commands, saves, speed) from live (may be NULL). steps_per_epoch > 0 gives the
 * epoch. 0, or -1 with a sentence in err. */
int app_past_build(AppPast *p, const VaeRecording *r, unsigned gen, int frame,
                   const AppSnapshot *live, int64_t steps_per_epoch, char err[VAE_ERR_LEN]);
void app_past_free(AppPast *p); /* and zero it (a zeroed AppPast is empty) */

/* The settings of model m at step (the last events of each kind up to it; NAN: none). */
void app_past_settings(const VaeRecording *r, int m, int64_t step, float value[VAE_EVENT_KINDS]);
/* Whether training was paused at step (the last pause event up to it). */
int app_past_paused(const VaeRecording *r, int64_t step);

#endif
