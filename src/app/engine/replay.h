/* The run as it was: a snapshot built from a recording (record.h) at one of its frames,
 * which the window shows in place of the live one while the timeline is scrubbed, and
 * which every tool reads as it reads a trainer's (decoders only, the frame's latents and
 * their statistics, the loss curve up to that step, the settings then in force). */
#ifndef APP_REPLAY_H
#define APP_REPLAY_H

#include <stdint.h>

#include "animate.h"
#include "record.h"
#include "recorder.h"
#include "snapshot.h"
#include "view.h"

struct AppState;

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

/* ---- the replay tool (tool_replay.c; its view reads this) -------------------------- */

typedef enum { APP_TRAIL_OFF, APP_TRAIL_IMAGE, APP_TRAIL_CLASS } AppTrailMode;
#define APP_REPLAY_SPEEDS 4
#define APP_TIMELINE_EVENTS 256 /* settings changes marked on the timeline */

/* A save or an animation of the recording, on the tools' worker (which waits for the
 * recording's lock; the trainer and the render thread only try it meanwhile). */
typedef struct {
    AppRecorder *rec;
    int gif; /* 1: the animation, 0: the recording */
    char path[1024];
    VaeStatus rc;
    char err[VAE_ERR_LEN];
    VaeAnimateInfo info;
} AppReplayJob;

typedef struct {
    /* the timeline: the recording's steps, copied when it grows (render thread's own) */
    unsigned gen;     /* the recording's generation copied */
    int changes_seen; /* its change count then */
    int n_frames, cap_frames;
    int64_t *frame_step; /* (n_frames) */
    int n_dec, cap_dec;
    int64_t *dec_step; /* (n_dec) */
    int n_events;
    int64_t event_step[APP_TIMELINE_EVENTS];
    uint8_t event_kind[APP_TIMELINE_EVENTS];
    /* what is shown */
    int past;     /* a recorded frame instead of the present */
    int want;     /* the frame to show (built when the recording's lock is free) */
    int dragging; /* the timeline is being dragged */
    int playing, speed;
    double next_at; /* playing: when the next frame is due */
    AppPast built;  /* the past state on screen while past */
    /* point trails: the chosen image's code (or its class's mean) at every frame */
    AppTrailMode trail;
    int trail_point, trail_class;
    unsigned trail_gen;
    int trail_frames; /* n_frames the trail was computed for */
    int n_trail;
    float *trail_code[APP_MAX_MODELS]; /* (n_trail, latent of the model) */
    /* exports */
    AppReplayJob job;
    int job_running, job_wanted; /* wanted: 1 the recording, 2 the animation (worker busy) */
} AppReplay;

/* The frames per second the replay plays at speed k (0..APP_REPLAY_SPEEDS-1). */
double app_replay_fps(int speed);
/* Timeline geometry, shared by the tool and its view: the step at fraction x (0..1) of the
 * timeline's track and back, in log(1 + step) (frames are dense early). */
double app_timeline_x(const AppReplay *r, int64_t step);
int app_timeline_frame_at(const AppReplay *r, double x);
/* The timeline's track in the band (pixels: x0..x1, its middle line y) and the "live"
 * button at its right end. */
typedef struct {
    int x0, x1, y;
    AppRect live;
} AppTimeline;
AppTimeline app_timeline_layout(AppRect band, float u);

/* Exports (replay_export.c): start a save of the recording (gif 0) or its animation
 * (gif 1) on the worker when it is free (else on a later frame), and collect the end
 * with a footer message. */
void app_replay_export(AppReplay *r, struct AppState *s, int gif);
void app_replay_export_poll(AppReplay *r, struct AppState *s);

#endif
