/* The loss history the window plots: one point per publication, the mean of the steps'
 * loss terms since the previous point, per model. A fixed capacity: when full, pairs of
 * old points are merged, so a run of any length keeps its whole shape at halving
 * resolution. Owned by the trainer thread; snapshots carry copies. */
#ifndef APP_HISTORY_H
#define APP_HISTORY_H

#include <stdint.h>

#include "sizes.h"

#define APP_HIST_CAP 1024 /* points kept */

/* Loss terms of one model, per sample, nats (NaN: no finite step in the interval). */
typedef struct {
    float recon, kl, total;
} AppLoss;

typedef struct {
    int64_t step;
    AppLoss loss[APP_MAX_MODELS]; /* training: the objective in total */
    AppLoss test[APP_MAX_MODELS]; /* held out (the test split): -ELBO in total; NaN: none */
} AppLossPoint;

typedef struct {
    AppLossPoint *points; /* (APP_HIST_CAP), oldest first */
    int n;
    AppLoss sum[APP_MAX_MODELS];  /* the interval in progress */
    int count[APP_MAX_MODELS];    /* finite steps summed in sum */
    AppLoss test[APP_MAX_MODELS]; /* a held-out evaluation in the interval, or NaN */
} AppHistory;

int app_history_init(AppHistory *h); /* 0, or -1 out of memory */
void app_history_free(AppHistory *h);
void app_history_clear(AppHistory *h);
/* One finite step of model m. */
void app_history_add_step(AppHistory *h, int m, float recon, float kl, float total);
/* Model m's held-out loss measured in the interval (it goes with the next point). */
void app_history_add_test(AppHistory *h, int m, float recon, float kl, float neg_elbo);
/* Close the interval as the point of `step` (nothing if no model had a finite step). */
void app_history_close(AppHistory *h, int n_models, int64_t step);

#endif
