/* The tools' background thread (see worker.h). */
#include "worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#if defined(__linux__)
#include <sys/prctl.h>
#include <sys/resource.h>
#endif

#define WORKER_NICE 10 /* as the latent worker: the window's frames come first */

struct AppWorker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stop;
    AppJobFn fn; /* the job to run, NULL when idle */
    void *job;
    _Atomic(const void *) running; /* the job handed over and not ended, or NULL */
};

static void *worker_main(void *arg) {
    AppWorker *w = arg;
#if defined(__linux__)
    prctl(PR_SET_NAME, "vae-tools", 0, 0, 0);
    setpriority(PRIO_PROCESS, 0, WORKER_NICE); /* Linux: this thread only */
#endif
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->stop && !w->fn)
            pthread_cond_wait(&w->cond, &w->lock);
        if (w->stop) break;
        AppJobFn fn = w->fn;
        void *job = w->job;
        pthread_mutex_unlock(&w->lock);
        fn(job);
        pthread_mutex_lock(&w->lock);
        w->fn = NULL;
        atomic_store_explicit(&w->running, NULL, memory_order_release);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

AppWorker *app_worker_start(char *err, int err_len) {
    AppWorker *w = calloc(1, sizeof *w);
    if (!w || pthread_mutex_init(&w->lock, NULL) != 0) {
        free(w);
        snprintf(err, (size_t)err_len, "out of memory for the tools' worker");
        return NULL;
    }
    pthread_cond_init(&w->cond, NULL);
    atomic_init(&w->running, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->cond);
        free(w);
        snprintf(err, (size_t)err_len, "cannot start the tools' worker thread");
        return NULL;
    }
    return w;
}

void app_worker_stop(AppWorker *w) {
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
}

int app_worker_submit(AppWorker *w, AppJobFn fn, void *job) {
    if (!w) return 0;
    pthread_mutex_lock(&w->lock);
    int idle = w->fn == NULL;
    if (idle) {
        w->fn = fn, w->job = job;
        atomic_store_explicit(&w->running, job, memory_order_relaxed);
        pthread_cond_broadcast(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
    return idle;
}

int app_worker_done(AppWorker *w, const void *job) {
    return !w || atomic_load_explicit(&w->running, memory_order_acquire) != job;
}
