/* The latent worker thread (see latent_worker.h). The job and the result belong to the
 * trainer in IDLE and DONE, to the worker in PENDING and RUNNING; every change of state
 * is made under the mutex. */
#include "latent_worker.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/prctl.h>
#include <sys/resource.h>
#endif

#include "clock.h"
#include "trainer.h"

#define WORKER_NICE 10 /* below the training threads (3): it takes what they leave */

enum { IDLE, PENDING, RUNNING, DONE };

struct AppLatentWorker {
    pthread_t thread;
    int started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int state, stop;
    VaeSplitEncoder *enc;
    int n_models;
    VaeModel model[APP_MAX_MODELS]; /* the job: the encoder parameters to encode with */
    int evaluate;                   /* ... and the whole models, to score the test split */
    const VaeSplit *test;
    int64_t step;                                   /* the step they are from */
    unsigned gen;                                   /* the trainer's generation at submission */
    float *mu[APP_MAX_MODELS], *lv[APP_MAX_MODELS]; /* the result */
    VaeLatentStats stats[APP_MAX_MODELS];
    size_t bytes[APP_MAX_MODELS]; /* of each model's mu (and lv) */
    double seconds;               /* how long the job took */
    int evaluated;                /* the result holds held-out losses: */
    double neg_elbo[APP_MAX_MODELS], recon[APP_MAX_MODELS], kl[APP_MAX_MODELS];
};

/* The held-out loss of each model: one z sample per test image, as `vae eval`. */
static void evaluate(AppLatentWorker *w) {
    for (int m = 0; m < w->n_models; m++) {
        VaeEvalStats ev;
        char err[VAE_ERR_LEN];
        int ok = vae_evaluate(&w->model[m], w->test, 0, (uint64_t)w->step, NULL, NULL, &ev, err) ==
                 VAE_OK;
        w->neg_elbo[m] = ok ? ev.neg_elbo : NAN;
        w->recon[m] = ok ? ev.recon : NAN;
        w->kl[m] = ok ? ev.kl : NAN;
    }
}

static void *worker_main(void *arg) {
    AppLatentWorker *w = arg;
#if defined(__linux__)
    prctl(PR_SET_NAME, "vae-encoder", 0, 0, 0);
    setpriority(PRIO_PROCESS, 0, WORKER_NICE); /* Linux: this thread only */
#endif
    const VaeModel *models[APP_MAX_MODELS];
    for (int m = 0; m < w->n_models; m++)
        models[m] = &w->model[m];
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->stop && w->state != PENDING)
            pthread_cond_wait(&w->cond, &w->lock);
        if (w->stop) break;
        w->state = RUNNING;
        pthread_mutex_unlock(&w->lock);
        double t0 = vae_now();
        vae_split_encode(w->enc, models, w->mu, w->lv, w->stats);
        double secs = vae_now() - t0; /* the encode's: it paces the next */
        if (w->evaluate) evaluate(w);
        pthread_mutex_lock(&w->lock);
        w->seconds = secs;
        w->evaluated = w->evaluate;
        w->state = DONE;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

void app_latent_worker_stop(AppLatentWorker *w) {
    if (!w) return;
    if (w->started) {
        pthread_mutex_lock(&w->lock);
        w->stop = 1;
        pthread_cond_broadcast(&w->cond);
        pthread_mutex_unlock(&w->lock);
        pthread_join(w->thread, NULL);
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->cond);
    }
    vae_split_encoder_destroy(w->enc);
    for (int m = 0; m < APP_MAX_MODELS; m++) {
        vae_model_free(&w->model[m]);
        free(w->mu[m]), free(w->lv[m]);
    }
    free(w);
}

AppLatentWorker *app_latent_worker_start(const VaeModel *const *models, int n_models,
                                         const VaeSplit *split, const VaeSplit *test, char *err,
                                         int err_len) {
    char e[VAE_ERR_LEN] = "out of memory";
    AppLatentWorker *w = calloc(1, sizeof *w);
    if (!w) goto fail;
    w->n_models = n_models;
    w->test = test;
    for (int m = 0; m < n_models; m++) {
        /* the encoder's tensors are copied in (submit); the decoder's pages of this arena
         * take memory only once a held-out evaluation copies them too */
        if (vae_model_init(&w->model[m], &models[m]->cfg, e) != VAE_OK) goto fail;
        w->bytes[m] = (size_t)split->n * (size_t)models[m]->cfg.latent * sizeof(float);
        w->mu[m] = calloc(1, w->bytes[m] + sizeof(float));
        w->lv[m] = calloc(1, w->bytes[m] + sizeof(float));
        if (!w->mu[m] || !w->lv[m]) goto fail;
    }
    /* one thread: the worker takes what the training threads and the window leave */
    if (vae_split_encoder_create(&w->enc, models, n_models, split, 1, e) != VAE_OK) goto fail;
    if (pthread_mutex_init(&w->lock, NULL) != 0) goto fail;
    if (pthread_cond_init(&w->cond, NULL) != 0) {
        pthread_mutex_destroy(&w->lock);
        goto fail;
    }
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->cond);
        snprintf(e, sizeof e, "cannot start the encoder thread");
        goto fail;
    }
    w->started = 1;
    return w;
fail:
    snprintf(err, (size_t)err_len, "%s", e);
    app_latent_worker_stop(w);
    return NULL;
}

int app_latent_worker_submit(AppLatentWorker *w, const VaeModel *const *models, int64_t step,
                             unsigned gen, int evaluate) {
    pthread_mutex_lock(&w->lock);
    int idle = w->state == IDLE;
    if (idle) {
        for (int m = 0; m < w->n_models; m++) {
            size_t n = evaluate ? models[m]->n_params : vae_model_encoder_params(models[m]);
            memcpy(w->model[m].params, models[m]->params, n * sizeof(float));
            w->model[m].cfg.likelihood = models[m]->cfg.likelihood; /* it may change live */
        }
        w->evaluate = evaluate;
        w->step = step, w->gen = gen;
        w->state = PENDING;
        pthread_cond_broadcast(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
    return idle;
}

int app_latent_worker_collect(AppLatentWorker *w, float *const *mu, float *const *lv,
                              VaeLatentStats *stats, int64_t *step, unsigned gen, double *seconds) {
    pthread_mutex_lock(&w->lock);
    int done = w->state == DONE;
    if (done && w->gen != gen) { /* from before a command's encode: drop it */
        w->state = IDLE;
        done = 0;
    }
    if (done) {
        for (int m = 0; m < w->n_models; m++) {
            memcpy(mu[m], w->mu[m], w->bytes[m]);
            memcpy(lv[m], w->lv[m], w->bytes[m]);
            stats[m] = w->stats[m];
        }
        *step = w->step, *seconds = w->seconds;
        w->state = IDLE;
    }
    pthread_mutex_unlock(&w->lock);
    return done;
}

int app_latent_worker_heldout(const AppLatentWorker *w, double *neg_elbo, double *recon,
                              double *kl) {
    if (!w->evaluated) return 0;
    for (int m = 0; m < w->n_models; m++)
        neg_elbo[m] = w->neg_elbo[m], recon[m] = w->recon[m], kl[m] = w->kl[m];
    return 1;
}
