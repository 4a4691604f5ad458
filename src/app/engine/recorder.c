/* The recording's lock and generation (see recorder.h). */
#include "recorder.h"

#include <string.h>

int app_recorder_init(AppRecorder *r) {
    memset(r, 0, sizeof *r);
    atomic_init(&r->gen, 0);
    atomic_init(&r->changes, 0);
    atomic_init(&r->live, 0);
    return pthread_mutex_init(&r->lock, NULL) == 0 ? 0 : -1;
}

void app_recorder_free(AppRecorder *r) {
    vae_recording_destroy(r->rec);
    r->rec = NULL;
    pthread_mutex_destroy(&r->lock);
}

VaeRecording *app_recorder_try(AppRecorder *r) {
    if (pthread_mutex_trylock(&r->lock) != 0) return NULL;
    if (r->rec) return r->rec;
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

VaeRecording *app_recorder_wait(AppRecorder *r) {
    pthread_mutex_lock(&r->lock);
    if (r->rec) return r->rec;
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

void app_recorder_release(AppRecorder *r) {
    pthread_mutex_unlock(&r->lock);
}

void app_recorder_set(AppRecorder *r, VaeRecording *next) {
    pthread_mutex_lock(&r->lock);
    VaeRecording *old = r->rec;
    r->rec = next;
    atomic_store_explicit(&r->changes, next ? vae_recording_n_frames(next) : 0,
                          memory_order_relaxed);
    atomic_fetch_add_explicit(&r->gen, 1, memory_order_release);
    pthread_mutex_unlock(&r->lock);
    vae_recording_destroy(old);
}
