/* The latents of the images on the plane, computed beside the training: encoding a whole
 * split costs as much as several training steps, so it runs on a thread of its own at a
 * lower priority (the window's frames come first), from a copy of the encoders'
 * parameters. The trainer hands a job over and takes the latents when they are done;
 * it never waits for them. */
#ifndef APP_LATENT_WORKER_H
#define APP_LATENT_WORKER_H

#include <stdint.h>

#include "data.h"
#include "latents.h"
#include "model.h"
#include "sizes.h"

typedef struct AppLatentWorker AppLatentWorker;

/* For models of these shapes, encoding split; held-out evaluations on test. NULL with a
 * sentence in err. */
AppLatentWorker *app_latent_worker_start(const VaeModel *const *models, int n_models,
                                         const VaeSplit *split, const VaeSplit *test, char *err,
                                         int err_len);
void app_latent_worker_stop(AppLatentWorker *w); /* joins; NULL is fine */

/* Hand a job over if the worker is idle: the encoders' parameters are copied now (the
 * whole models with evaluate: the job then also scores the test split, the held-out
 * loss). step and gen are given back with the result. 1 if it took the job. */
int app_latent_worker_submit(AppLatentWorker *w, const VaeModel *const *models, int64_t step,
                             unsigned gen, int evaluate);
/* Take a finished job's latents (n, latent) into mu[m] and lv[m] and their statistics
 * into stats[m]: 1 if there were. A result whose gen differs from `gen` is from an older
 * state and is dropped (0). *seconds: how long the job took. */
int app_latent_worker_collect(AppLatentWorker *w, float *const *mu, float *const *lv,
                              VaeLatentStats *stats, int64_t *step, unsigned gen, double *seconds);
/* Right after a collect that returned 1: whether that job evaluated, and then each model's
 * held-out loss (neg_elbo, recon, kl per test image; NaN where it failed). */
int app_latent_worker_heldout(const AppLatentWorker *w, double *neg_elbo, double *recon,
                              double *kl);

#endif
