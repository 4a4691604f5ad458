/* The snapshot hand-off between the trainer thread and the render thread: a producer
 * publishes many snapshots while a consumer takes and validates them (every byte must
 * belong to one publication, sequence numbers only grow, nothing leaks); then the real
 * trainer thread on a tiny synthetic dataset: snapshots arrive, pause freezes the step,
 * a single step advances it by one, reset clears the history; a fitted PCA beside a VAE
 * stays as it is; the frame thread's real-time priority is not handed on to the threads
 * it starts. Run it under TSan too. */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "pca.h"
#include "priority.h"
#include "rng.h"

#include "snapshot.h"
#include "training.h"

#define N_PUBLISH 10000
#define N_POINTS 100

static AppSnapshotBox box;
static atomic_int producer_done;
static long producer_waits, producer_max_live;
static VaeModel live[2];

static void *producer(void *arg) {
    (void)arg;
    AppSnapshot *reuse = NULL;
    const VaeModel *models[2] = {&live[0], &live[1]};
    AppLossPoint hist[64];
    for (int seq = 1; seq <= N_PUBLISH; seq++) {
        for (int m = 0; m < 2; m++)
            for (size_t i = 0; i < live[m].n_params; i++)
                live[m].params[i] = (float)seq;
        AppSnapshot *s = reuse ? reuse : app_box_acquire(&box);
        reuse = NULL;
        while (!s && app_snapshot_live() >= APP_BOX_SNAPSHOTS) {
            /* both snapshots in use: the consumer is between its take and its hand-back */
            producer_waits++;
            sched_yield();
            s = app_box_acquire(&box);
        }
        if (app_snapshot_live() > producer_max_live) producer_max_live = app_snapshot_live();
        if (!s || app_snapshot_set_models(s, models, 2, N_POINTS, 1) != 0) {
            fprintf(stderr, "producer: out of memory\n");
            exit(1);
        }
        for (int m = 0; m < 2; m++)
            for (int i = 0; i < N_POINTS * live[m].cfg.latent; i++)
                s->mu[m][i] = (float)seq;
        int n_hist = seq % 64;
        for (int i = 0; i < n_hist; i++)
            hist[i].step = seq;
        app_snapshot_set_history(s, hist, n_hist);
        s->seq = (uint64_t)seq;
        s->step = seq;
        app_box_publish(&box, s, &reuse);
        if (seq % 4 == 0) { /* let the consumer in, so recycling is exercised too */
            struct timespec ts = {0, 1000};
            nanosleep(&ts, NULL);
        }
    }
    app_snapshot_free(reuse);
    atomic_store(&producer_done, 1);
    return NULL;
}

static int valid(const AppSnapshot *s) {
    float v = (float)s->seq;
    if (s->n_models != 2 || s->n_points != N_POINTS || s->step != (int64_t)s->seq) return 0;
    for (int m = 0; m < 2; m++) {
        for (size_t i = 0; i < s->model[m].n_params; i++)
            if (s->model[m].params[i] != v) return 0;
        for (int i = 0; i < N_POINTS * s->model[m].cfg.latent; i++)
            if (s->mu[m][i] != v) return 0;
    }
    if (s->n_hist != (int)(s->seq % 64)) return 0;
    for (int i = 0; i < s->n_hist; i++)
        if (s->hist[i].step != (int64_t)s->seq) return 0;
    return 1;
}

static void test_handoff(void) {
    char err[VAE_ERR_LEN];
    VaeConfig c = vae_config_default();
    c.n_hidden = 1;
    c.hidden[0] = 8;
    c.input_h = c.input_w = 4;
    c.classes = 2;
    CHECK(vae_model_init(&live[0], &c, err) == VAE_OK);
    c.kind = VAE_KIND_AE;
    c.latent = 3;
    CHECK(vae_model_init(&live[1], &c, err) == VAE_OK);
    app_box_init(&box);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, producer, NULL) == 0);
    AppSnapshot *cur = NULL;
    uint64_t last = 0;
    long taken = 0, bad = 0, backwards = 0;
    for (;;) {
        int done = atomic_load(&producer_done); /* read before the take: see the last one */
        AppSnapshot *s = app_box_take(&box, cur);
        if (s != cur) {
            taken++;
            if (!valid(s)) bad++;
            if (s->seq <= last) backwards++;
            last = s->seq;
            cur = s;
        }
        if (done && app_box_take(&box, cur) == cur) break;
    }
    pthread_join(th, NULL);
    CHECK_MSG(bad == 0, "%ld of %ld snapshots were torn", bad, taken);
    CHECK(backwards == 0);
    CHECK_MSG(last == N_PUBLISH, "last seen %llu", (unsigned long long)last);
    CHECK(taken > 0);
    CHECK_MSG(producer_max_live <= APP_BOX_SNAPSHOTS, "%ld snapshots existed at once",
              producer_max_live);
    printf("hand-off: %ld of %d snapshots seen by the consumer, at most %ld in existence, "
           "%ld waits for one\n",
           taken, N_PUBLISH, producer_max_live, producer_waits);
    app_snapshot_free(cur);
    app_box_destroy(&box);
    CHECK_MSG(app_snapshot_live() == 0, "%ld snapshots leaked", app_snapshot_live());
    vae_model_free(&live[0]);
    vae_model_free(&live[1]);
}

/* ---- the trainer thread ------------------------------------------------------------- */

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Wait (up to 20 s) for a snapshot satisfying pred; returns the reader's current. */
static AppSnapshot *wait_for(AppSnapshotBox *b, AppSnapshot *cur,
                             int (*pred)(const AppSnapshot *, int64_t), int64_t arg) {
    for (int i = 0; i < 4000; i++) {
        cur = app_box_take(b, cur);
        if (cur && pred(cur, arg)) return cur;
        sleep_ms(5);
    }
    return cur;
}

static int step_above(const AppSnapshot *s, int64_t n) {
    return s->step > n;
}
static int is_paused(const AppSnapshot *s, int64_t n) {
    return s->paused == (int)n;
}
static int step_is(const AppSnapshot *s, int64_t n) {
    return s->step == n;
}
static int has_encoders(const AppSnapshot *s, int64_t n) {
    return s->encoders == (int)n;
}

/* A tool that encodes its own images asks for the encoders: the snapshots carry them
 * (filled, not the zero pages of a decoder-only copy) until it no longer asks. */
static AppSnapshot *encoders_on_request(AppTrainer *t, AppSnapshotBox *b, AppSnapshot *cur) {
    CHECK(cur && !cur->encoders);
    app_trainer_want_encoders(t, 1);
    cur = wait_for(b, cur, has_encoders, 1);
    CHECK_MSG(cur && cur->encoders, "the snapshots carry the encoders when asked");
    size_t ne = cur ? vae_model_encoder_params(&cur->model[0]) : 0, nonzero = 0;
    for (size_t i = 0; i < ne; i++)
        nonzero += cur->model[0].params[i] != 0.0f;
    CHECK_MSG(nonzero > ne / 2, "%zu of %zu encoder parameters filled", nonzero, ne);
    app_trainer_want_encoders(t, 0);
    cur = wait_for(b, cur, has_encoders, 0);
    CHECK_MSG(cur && !cur->encoders, "and no longer when the tool is done");
    return cur;
}

static void make_split(VaeSplit *s, int n, uint64_t seed) {
    VaeRng r;
    vae_rng_seed(&r, seed, 7);
    s->n = n, s->rows = 8, s->cols = 8;
    s->images = malloc((size_t)n * 64);
    s->labels = malloc((size_t)n);
    for (int i = 0; i < n; i++) {
        s->labels[i] = (uint8_t)(i % 2);
        for (int p = 0; p < 64; p++)
            s->images[i * 64 + p] = (uint8_t)((p % 8 < 4) == (i % 2) ? 200 + vae_rng_below(&r, 55)
                                                                     : vae_rng_below(&r, 40));
    }
}

static int three_models(const AppSnapshot *s, int64_t n) {
    (void)n;
    return s->n_models == 3;
}

/* The mean KL of model m over the last k history points. */
static double recent_kl(const AppSnapshot *s, int m, int k) {
    double sum = 0;
    int n = 0;
    for (int i = s->n_hist - 1; i >= 0 && n < k; i--)
        if (isfinite(s->hist[i].loss[m].kl)) sum += s->hist[i].loss[m].kl, n++;
    return n ? sum / n : NAN;
}

/* A fork of the VAE with beta 4 (the third model) starts from the VAE's weights and ends
 * with a lower KL than its parent at beta 1. */
static AppSnapshot *fork_beta(AppTrainer *t, AppSnapshotBox *b, AppSnapshot *cur) {
    app_trainer_set(t, APP_SET_BETA, 0, 1.0f);
    CHECK(app_trainer_fork(t, (AppFork){0, APP_SET_BETA, 4.0f}) == 2);
    cur = wait_for(b, cur, three_models, 0);
    CHECK_MSG(cur && cur->n_models == 3 && cur->info[2].fork_of == 0 && cur->info[2].beta == 4.0f,
              "the fork is the third model, of the VAE, at beta 4");
    CHECK_MSG(cur && !strcmp(cur->info[2].label, "VAE beta 4"), "label '%s'",
              cur ? cur->info[2].label : "");
    int64_t from = cur ? cur->step : 0;
    app_trainer_toggle_pause(t); /* paused since the pause test */
    cur = wait_for(b, cur, step_above, from + 300);
    double kl0 = cur ? recent_kl(cur, 0, 5) : NAN, kl2 = cur ? recent_kl(cur, 2, 5) : NAN;
    CHECK_MSG(kl2 < kl0, "the fork's KL %.3f is under its parent's %.3f", kl2, kl0);
    printf("fork beta 4: KL %.3f vs the parent's %.3f after %lld more steps\n", kl2, kl0,
           cur ? (long long)(cur->step - from) : -1LL);
    return cur;
}

static void test_trainer_thread(void) {
    VaeDataset ds;
    memset(&ds, 0, sizeof ds);
    make_split(&ds.train, 256, 1);
    make_split(&ds.test, 64, 2);
    ds.classes = 2;
    AppTrainerConfig tc;
    memset(&tc, 0, sizeof tc);
    tc.n_models = 2;
    tc.cfg[0] = vae_config_default();
    tc.cfg[0].input_h = tc.cfg[0].input_w = 8;
    tc.cfg[0].n_hidden = 1;
    tc.cfg[0].hidden[0] = 16;
    tc.cfg[0].classes = 2;
    tc.cfg[1] = tc.cfg[0];
    tc.cfg[1].kind = VAE_KIND_AE;
    tc.tc = vae_train_config_default();
    tc.tc.batch = 32;
    tc.ds = &ds;
    AppSnapshotBox b;
    app_box_init(&b);
    char err[256];
    AppTrainer *t = app_trainer_start(&tc, &b, err, sizeof err);
    CHECK_MSG(t != NULL, "%s", err);
    if (!t) return;
    AppSnapshot *cur = wait_for(&b, NULL, step_above, 20);
    CHECK(cur && cur->step > 20);
    CHECK(cur && cur->n_models == 2 && cur->n_points == 64);
    int finite = 1;
    for (int m = 0; cur && m < 2; m++)
        for (int i = 0; i < 64 * 2; i++)
            finite &= isfinite(cur->mu[m][i]) != 0;
    CHECK(finite);
    CHECK(cur && cur->n_hist > 0);
    /* pause: the step stops moving */
    app_trainer_toggle_pause(t);
    cur = wait_for(&b, cur, is_paused, 1);
    CHECK(cur && cur->paused);
    int64_t frozen = cur ? cur->step : -1;
    sleep_ms(100);
    cur = app_box_take(&b, cur);
    CHECK(cur && cur->step == frozen);
    /* one step while paused */
    app_trainer_step_once(t);
    cur = wait_for(&b, cur, step_is, frozen + 1);
    CHECK_MSG(cur && cur->step == frozen + 1, "step %lld after a single step from %lld",
              cur ? (long long)cur->step : -1LL, (long long)frozen);
    /* beta and lr reach the trainer */
    app_trainer_scale(t, APP_SET_BETA, -1, 2.0f);
    app_trainer_scale(t, APP_SET_LR, -1, 0.5f);
    for (int i = 0; i < 400 && cur && (cur->info[0].beta != 2.0f || cur->info[0].lr != 0.5e-3f);
         i++) {
        sleep_ms(5);
        cur = app_box_take(&b, cur);
    }
    CHECK(cur && cur->info[0].beta == 2.0f && fabsf(cur->info[0].lr - 0.5e-3f) < 1e-9f);
    CHECK_MSG(cur && cur->info[1].beta == 1.0f, "the AE's beta stays (it has no KL)");
    /* reset: steps and history start over */
    app_trainer_reset(t);
    cur = wait_for(&b, cur, step_is, 0);
    CHECK(cur && cur->step == 0);
    cur = encoders_on_request(t, &b, cur);
    cur = fork_beta(t, &b, cur);
    app_trainer_stop(t);
    CHECK(app_trainer_throughput(t = NULL) == 0);
    app_snapshot_free(cur);
    app_box_destroy(&b);
    CHECK_MSG(app_snapshot_live() == 0, "%ld snapshots leaked", app_snapshot_live());
    free(ds.train.images), free(ds.train.labels), free(ds.test.images), free(ds.test.labels);
}

static int has_message(const AppSnapshot *s, int64_t n) {
    (void)n;
    return s->n_events > 0;
}

/* A PCA beside a VAE (the explorer's --pca): the trainer thread holds it fitted. Its
 * decoder and codes never change while the VAE trains or after a reset, it has no
 * training curve, a fork of it is refused with a message, and a trainer with only a PCA
 * has nothing to train. */
static void test_fitted_model(void) {
    VaeDataset ds;
    memset(&ds, 0, sizeof ds);
    make_split(&ds.train, 256, 1);
    make_split(&ds.test, 64, 2);
    ds.classes = 2;
    VaeModel pca;
    char err[256];
    CHECK(vae_pca_fit(&pca, &ds.train, 2, 2, NULL, err) == VAE_OK);
    AppTrainerConfig tc;
    memset(&tc, 0, sizeof tc);
    tc.n_models = 1;
    tc.cfg[0] = pca.cfg;
    tc.init[0] = &pca;
    tc.tc = vae_train_config_default();
    tc.tc.batch = 32;
    tc.ds = &ds;
    AppSnapshotBox b;
    app_box_init(&b);
    CHECK(app_trainer_start(&tc, &b, err, sizeof err) == NULL && strstr(err, "no model to train"));
    tc.n_models = 2;
    tc.cfg[1] = tc.cfg[0], tc.init[1] = tc.init[0];
    tc.cfg[0] = vae_config_default();
    tc.cfg[0].input_h = tc.cfg[0].input_w = 8;
    tc.cfg[0].n_hidden = 1, tc.cfg[0].hidden[0] = 16, tc.cfg[0].classes = 2;
    tc.init[0] = NULL;
    AppTrainer *t = app_trainer_start(&tc, &b, err, sizeof err);
    CHECK_MSG(t != NULL, "%s", err);
    if (!t) return;
    AppSnapshot *cur = wait_for(&b, NULL, step_above, 40);
    size_t dec = pca.dec[0].w, n = pca.n_params - dec;
    float mu[64 * 2];
    VaeWorkspace ws;
    CHECK(vae_workspace_init(&ws, &pca, 64, err) == VAE_OK);
    float *x = malloc(sizeof(float) * 64 * 64);
    int idx[64];
    for (int i = 0; i < 64; i++)
        idx[i] = i;
    vae_data_batch(&ds.test, idx, 64, x);
    vae_model_encode(&pca, &ws, x, NULL, 64, mu, NULL);
    int ok = cur && cur->n_models == 2 && cur->step > 40 &&
             !memcmp(cur->model[1].params + dec, pca.params + dec, n * sizeof(float));
    CHECK_MSG(ok, "the PCA's decoder is unchanged after %lld steps of the VAE",
              cur ? (long long)cur->step : -1LL);
    double worst = 0;
    for (int i = 0; cur && i < 64 * 2; i++)
        worst = fmax(worst, fabs(cur->mu[1][i] - mu[i]));
    CHECK_MSG(cur && worst < 1e-5, "its codes are the projections: worst %.3g", worst);
    int trained = 0;
    for (int i = 0; cur && i < cur->n_hist; i++)
        trained += isfinite(cur->hist[i].loss[1].recon) != 0;
    CHECK_MSG(trained == 0 && cur && isfinite(cur->hist[cur->n_hist - 1].loss[0].recon),
              "no training curve for the PCA (%d points), one for the VAE", trained);
    app_trainer_toggle_pause(t); /* paused, a reset shows step 0 */
    app_trainer_reset(t);
    cur = wait_for(&b, cur, step_is, 0);
    CHECK(cur && cur->step == 0 &&
          !memcmp(cur->model[1].params + dec, pca.params + dec, n * sizeof(float)));
    CHECK(app_trainer_fork(t, (AppFork){1, APP_SET_BETA, 4.0f}) == 2);
    cur = wait_for(&b, cur, has_message, 0);
    CHECK_MSG(cur && cur->n_models == 2 && strstr(cur->message, "not trained"),
              "a fork of the PCA is refused: '%s'", cur ? cur->message : "");
    app_trainer_stop(t);
    app_snapshot_free(cur);
    app_box_destroy(&b);
    CHECK_MSG(app_snapshot_live() == 0, "%ld snapshots leaked", app_snapshot_live());
    vae_workspace_free(&ws);
    free(x);
    vae_model_free(&pca);
    free(ds.train.images), free(ds.train.labels), free(ds.test.images), free(ds.test.labels);
}

/* A trainer's snapshot copies the decoders and flows only (its encoder tensors stay zero,
 * their pages never written); a whole one (--no-train) copies everything; going back to
 * decoder-only takes a fresh arena rather than keep stale encoder pages. */
static void test_decoder_only(void) {
    char err[VAE_ERR_LEN];
    VaeConfig c = vae_config_default();
    c.flows = 2;
    VaeModel src;
    CHECK(vae_model_init(&src, &c, err) == VAE_OK);
    vae_model_init_params(&src, 9);
    const VaeModel *models[1] = {&src};
    AppSnapshotBox b;
    app_box_init(&b);
    AppSnapshot *s = app_box_acquire(&b);
    size_t ne = vae_model_encoder_params(&src), n = src.n_params;
    for (int round = 0; round < 3; round++) {
        int whole = round == 1;
        CHECK(app_snapshot_set_models(s, models, 1, N_POINTS, whole) == 0);
        CHECK(s->encoders == whole && s->lv[0] != NULL && s->mu[0] != NULL);
        const float *p = s->model[0].params;
        int enc_ok = 1;
        for (size_t i = 0; i < ne; i++)
            enc_ok &= whole ? p[i] == src.params[i] : p[i] == 0.0f;
        CHECK_MSG(enc_ok, "round %d: encoder tensors %s", round, whole ? "not copied" : "not zero");
        CHECK_MSG(memcmp(p + ne, src.params + ne, (n - ne) * sizeof(float)) == 0,
                  "round %d: decoder and flows differ", round);
    }
    app_box_discard(&b, s);
    app_box_destroy(&b);
    vae_model_free(&src);
}

static void *report_policy(void *arg) {
    *(int *)arg = sched_getscheduler(0);
    return NULL;
}

/* Where the system grants it, the frame thread runs SCHED_FIFO; a thread it starts (the
 * trainer, a worker) must not: it would hold a core at a real-time priority. */
static void test_frame_priority(void) {
    int rt = app_priority_frames();
    CHECK(rt == 0 || rt == 1);
    CHECK((sched_getscheduler(0) & ~APP_SCHED_RESET_ON_FORK) == (rt ? SCHED_FIFO : SCHED_OTHER));
    int child = -1;
    pthread_t th;
    CHECK(pthread_create(&th, NULL, report_policy, &child) == 0);
    pthread_join(th, NULL);
    CHECK(child == SCHED_OTHER);
    struct sched_param p = {0};
    sched_setscheduler(0, SCHED_OTHER, &p); /* as the test started */
}

int main(void) {
    test_handoff();
    test_trainer_thread();
    test_fitted_model();
    test_decoder_only();
    test_frame_priority();
    return CHECK_DONE();
}
