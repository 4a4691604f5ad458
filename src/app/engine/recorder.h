/* The window's recording of its run (record.h) and its hand-off between threads. The
 * trainer thread writes it (training_record.c); the render thread and the tools' worker
 * read it (the replay tool scrubs, saves, exports). One mutex guards it, and nobody ever
 * waits on it: the trainer only tries it (what it cannot add now waits in its own queue
 * for the next try) and so does the render thread (a frame that cannot read shows what it
 * showed). The worker's long reads (a save, an animation) hold it as long as they take.
 * With --replay the recording comes from a file and nothing writes it. */
#ifndef APP_RECORDER_H
#define APP_RECORDER_H

#include <pthread.h>
#include <stdatomic.h>

#include "record.h"

typedef struct {
    pthread_mutex_t lock;
    VaeRecording *rec; /* under lock; NULL before the first */
    /* without the lock, for the reader to see a change before it tries: */
    atomic_uint gen;    /* bumped when rec is replaced (a reset or a fork starts a new one) */
    atomic_int changes; /* bumped for every frame or event added (frames thinned out since count) */
    atomic_int live;    /* 1 while a trainer records into it, 0 for a file's */
} AppRecorder;

int app_recorder_init(AppRecorder *r); /* 0, or -1 */
/* Destroys the recording; nobody may use r any more. */
void app_recorder_free(AppRecorder *r);

/* The recording, locked, or NULL when someone holds the lock or there is none yet (then
 * nothing is locked). Release it with app_recorder_release. */
VaeRecording *app_recorder_try(AppRecorder *r);
/* The recording, locked, waiting for the lock (the worker's saves and exports only). */
VaeRecording *app_recorder_wait(AppRecorder *r);
void app_recorder_release(AppRecorder *r);
/* Replace the recording by next (taking it): waits for the lock, so only for a file's
 * recording or a trainer's first one; the trainer swaps with app_recorder_try. */
void app_recorder_set(AppRecorder *r, VaeRecording *next);

#endif
