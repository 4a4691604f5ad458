/* The loss history (see history.h). */
#include "history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void no_test(AppHistory *h) {
    for (int m = 0; m < APP_MAX_MODELS; m++)
        h->test[m] = (AppLoss){NAN, NAN, NAN};
}

int app_history_init(AppHistory *h) {
    memset(h, 0, sizeof *h);
    no_test(h);
    h->points = calloc(APP_HIST_CAP, sizeof *h->points);
    return h->points ? 0 : -1;
}

void app_history_free(AppHistory *h) {
    free(h->points);
    memset(h, 0, sizeof *h);
}

void app_history_clear(AppHistory *h) {
    h->n = 0;
    memset(h->sum, 0, sizeof h->sum);
    memset(h->count, 0, sizeof h->count);
    no_test(h);
}

void app_history_add_test(AppHistory *h, int m, float recon, float kl, float neg_elbo) {
    h->test[m] = (AppLoss){recon, kl, neg_elbo};
}

void app_history_add_step(AppHistory *h, int m, float recon, float kl, float total) {
    h->sum[m].recon += recon;
    h->sum[m].kl += kl;
    h->sum[m].total += total;
    h->count[m]++;
}

/* The mean of two points' values; a gap (NaN) takes the other one. */
static float merge(float a, float b) {
    return !isfinite(a) ? b : !isfinite(b) ? a : 0.5f * (a + b);
}

/* Halve the resolution of the past: point i becomes the merge of 2i and 2i + 1. */
static void merge_pairs(AppHistory *h) {
    for (int i = 0; i < APP_HIST_CAP / 2; i++) {
        AppLossPoint a = h->points[2 * i], b = h->points[2 * i + 1];
        AppLossPoint *o = &h->points[i];
        o->step = b.step;
        for (int m = 0; m < APP_MAX_MODELS; m++) {
            o->loss[m].recon = merge(a.loss[m].recon, b.loss[m].recon);
            o->loss[m].kl = merge(a.loss[m].kl, b.loss[m].kl);
            o->loss[m].total = merge(a.loss[m].total, b.loss[m].total);
            o->test[m].recon = merge(a.test[m].recon, b.test[m].recon);
            o->test[m].kl = merge(a.test[m].kl, b.test[m].kl);
            o->test[m].total = merge(a.test[m].total, b.test[m].total);
        }
    }
    h->n = APP_HIST_CAP / 2;
}

void app_history_close(AppHistory *h, int n_models, int64_t step) {
    int any = 0;
    for (int m = 0; m < n_models; m++)
        any |= h->count[m] > 0;
    if (!any) return;
    if (h->n == APP_HIST_CAP) merge_pairs(h);
    AppLossPoint *p = &h->points[h->n++];
    memset(p, 0, sizeof *p);
    p->step = step;
    for (int m = 0; m < APP_MAX_MODELS; m++) {
        /* a model without a finite step in this interval gets a gap in its curves */
        float n = m < n_models && h->count[m] > 0 ? (float)h->count[m] : NAN;
        p->loss[m].recon = h->sum[m].recon / n;
        p->loss[m].kl = h->sum[m].kl / n;
        p->loss[m].total = h->sum[m].total / n;
        p->test[m] = h->test[m];
    }
    memset(h->sum, 0, sizeof h->sum);
    memset(h->count, 0, sizeof h->count);
    no_test(h);
}
