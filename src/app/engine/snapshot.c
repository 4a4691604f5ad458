/* Snapshot copies and the two-mailbox hand-off (see app_snapshot.h). Ordering: every
 * exchange is acq_rel, so the writer's fill happens-before the reader's reads, and the
 * reader's reads happen-before the writer refills a recycled snapshot. */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_long live_snapshots;

long app_snapshot_live(void) {
    return atomic_load(&live_snapshots);
}

int app_snapshot_shape(AppSnapshot *dst, const VaeConfig *const *cfg, int n_models, int n_points,
                       int encoders) {
    char err[VAE_ERR_LEN];
    for (int i = 0; i < APP_MAX_MODELS; i++) {
        VaeModel *d = &dst->model[i];
        if (i >= n_models) {
            vae_model_free(d);
            memset(d, 0, sizeof *d);
            free(dst->mu[i]), free(dst->lv[i]);
            dst->mu[i] = dst->lv[i] = NULL;
            continue;
        }
        /* a fresh arena when the shape changes, or when encoder pages written earlier
         * would stay resident for nothing */
        if (!d->params || memcmp(&d->cfg, cfg[i], sizeof d->cfg) || (dst->encoders && !encoders)) {
            vae_model_free(d);
            memset(d, 0, sizeof *d);
            if (vae_model_init(d, cfg[i], err) != VAE_OK) return -1;
        }
        if (!dst->mu[i] || !dst->lv[i] || dst->n_points != n_points ||
            dst->mu_latent[i] != cfg[i]->latent) {
            free(dst->mu[i]), free(dst->lv[i]);
            size_t n = (size_t)(n_points > 0 ? n_points : 1) * (size_t)cfg[i]->latent;
            dst->mu_latent[i] = cfg[i]->latent;
            dst->mu[i] = calloc(n, sizeof(float));
            dst->lv[i] = calloc(n, sizeof(float));
            if (!dst->mu[i] || !dst->lv[i]) return -1;
        }
    }
    dst->n_models = n_models;
    dst->n_points = n_points;
    dst->encoders = encoders;
    return 0;
}

int app_snapshot_set_models(AppSnapshot *dst, const VaeModel *const *models, int n_models,
                            int n_points, int encoders) {
    const VaeConfig *cfg[APP_MAX_MODELS] = {NULL};
    for (int i = 0; i < n_models && i < APP_MAX_MODELS; i++)
        cfg[i] = &models[i]->cfg;
    if (app_snapshot_shape(dst, cfg, n_models, n_points, encoders) != 0) return -1;
    for (int i = 0; i < n_models; i++) {
        const VaeModel *s = models[i];
        size_t from = encoders ? 0 : vae_model_encoder_params(s);
        memcpy(dst->model[i].params + from, s->params + from,
               (s->n_params - from) * sizeof *s->params);
    }
    return 0;
}

int app_snapshot_set_history(AppSnapshot *dst, const AppLossPoint *hist, int n) {
    if (n > dst->cap_hist) {
        AppLossPoint *p = realloc(dst->hist, (size_t)n * sizeof *p);
        if (!p) return -1;
        dst->hist = p;
        dst->cap_hist = n;
    }
    if (n) memcpy(dst->hist, hist, (size_t)n * sizeof *hist);
    dst->n_hist = n;
    return 0;
}

AppSnapshot *app_snapshot_create(void) {
    AppSnapshot *s = calloc(1, sizeof *s);
    if (s) atomic_fetch_add(&live_snapshots, 1);
    return s;
}

void app_snapshot_free(AppSnapshot *s) {
    if (!s) return;
    for (int i = 0; i < APP_MAX_MODELS; i++) {
        vae_model_free(&s->model[i]);
        free(s->mu[i]);
        free(s->lv[i]);
    }
    free(s->hist);
    free(s);
    atomic_fetch_sub(&live_snapshots, 1);
}

void app_box_init(AppSnapshotBox *b) {
    atomic_init(&b->ready, NULL);
    atomic_init(&b->spare, NULL);
    atomic_init(&b->live, 0);
}

void app_box_discard(AppSnapshotBox *b, AppSnapshot *s) {
    if (!s) return;
    app_snapshot_free(s);
    atomic_fetch_sub_explicit(&b->live, 1, memory_order_relaxed);
}

AppSnapshot *app_box_acquire(AppSnapshotBox *b) {
    AppSnapshot *s = atomic_exchange_explicit(&b->spare, NULL, memory_order_acq_rel);
    if (s) return s;
    /* Unread: the reader has never seen it, so refilling it loses nothing but a frame. */
    s = atomic_exchange_explicit(&b->ready, NULL, memory_order_acq_rel);
    if (s) return s;
    if (atomic_load_explicit(&b->live, memory_order_relaxed) >= APP_BOX_SNAPSHOTS) return NULL;
    s = app_snapshot_create();
    if (!s) return NULL;
    atomic_fetch_add_explicit(&b->live, 1, memory_order_relaxed);
    return s;
}

void app_box_publish(AppSnapshotBox *b, AppSnapshot *s, AppSnapshot **reuse) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    s->published_s = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    *reuse = atomic_exchange_explicit(&b->ready, s, memory_order_acq_rel);
}

AppSnapshot *app_box_take(AppSnapshotBox *b, AppSnapshot *current) {
    AppSnapshot *s = atomic_exchange_explicit(&b->ready, NULL, memory_order_acq_rel);
    if (!s) return current;
    if (current) {
        /* If the writer has not picked up the previous spare, we own it again: free it
         * (cannot happen with two snapshots, kept for safety). */
        app_box_discard(b, atomic_exchange_explicit(&b->spare, current, memory_order_acq_rel));
    }
    return s;
}

void app_box_destroy(AppSnapshotBox *b) {
    app_box_discard(b, atomic_exchange(&b->ready, NULL));
    app_box_discard(b, atomic_exchange(&b->spare, NULL));
}
