/* The trainer thread (see app_trainer.h). It alternates one step of each model, folds
 * their losses into the history, and publishes a snapshot every PUBLISH_MS (or at once
 * after a command while paused). Encoding the test set costs several training steps, so
 * it runs on an encoder thread of its own beside the training, from a copy of the
 * parameters, at a lower priority and at most a third of the time. */
#include "app_trainer.h"

#include "app_save.h"

#include "clock.h"
#include "latents.h"

#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__linux__)
#include <sys/prctl.h>
#include <sys/resource.h>
#endif

#define PUBLISH_MS 200.0
/* Rows per encode: a quarter of 256's scratch (7 MB less over both encoders) for ~18 %
 * slower encoding, which only stretches the latents' refresh (LATENT_BUDGET). */
#define ENCODE_CHUNK 64
#define LATENT_BUDGET 3.0 /* the encoder thread busy at most 1/LATENT_BUDGET of the time */
#define LATENT_MIN_S 0.5  /* and latents refreshed at most every LATENT_MIN_S seconds */
#define TRAINER_NICE 3    /* the training threads' nice value (the window's is 0) */

typedef struct EncThread EncThread;

struct AppTrainer {
    pthread_t thread;
    int started;
    AppSnapshotBox *box;
    const VaeDataset *ds;
    const VaeSplit *shown; /* whose latents the snapshots carry */
    int n_models, epochs;
    VaeTrainer *tr[APP_MAX_MODELS];
    VaeTrainShared *shared; /* the trainers' workers and gradients: they step in turn */
    EncThread *encoder;     /* the test-set latents, beside the training */
    AppEncoder *sync_enc;   /* the same on this thread, for a command's state (see below) */
    unsigned state_gen;     /* bumped by every such encode: older encoder jobs are stale */
    /* start-up: the thread creates the trainers, then reports (1 ok, -1 start_err) */
    const AppTrainerConfig *start_cfg;
    atomic_int start_state;
    char start_err[256];
    uint64_t seed;
    /* commands (UI -> trainer) */
    atomic_int stop, paused, speed;
    atomic_uint commands;   /* bumped after every command (see command_done) */
    unsigned commands_seen; /* read before this loop's commands: the next snapshot's */
    atomic_int step_requests, reset_requests;
    atomic_uint beta_bits, lr_bits; /* float bits of the requested values */
    atomic_int settings_gen;
    /* throughput (trainer -> UI, read at exit) */
    _Atomic double run_seconds;
    _Atomic long long samples;
    /* trainer-thread state */
    AppLossPoint *hist;
    int n_hist;
    AppLoss acc[APP_MAX_MODELS];
    int acc_n[APP_MAX_MODELS]; /* finite steps summed in acc */
    char message[160];
    int n_events;
    float beta_eff;
    AppSnapshot *reuse;
    uint64_t seq;
    int64_t latents_step;
    uint64_t latents_seq;
    float *last_mu[APP_MAX_MODELS]; /* latents of the last encode, (n_test, latent) */
    float *last_lv[APP_MAX_MODELS]; /* and their logvar */
    atomic_int save_requests;       /* app_trainer_save calls */
    unsigned saves;                 /* saves made, and the last one's result: */
    int save_failed;
    char save_msg[320];
    AppLatentStats last_stats[APP_MAX_MODELS]; /* and their statistics */
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void sleep_s(double s) {
    if (s <= 0) return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static unsigned f2u(float f) {
    unsigned u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float u2f(unsigned u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* ---- snapshot building ------------------------------------------------------- */

/* mu and logvar of every shown image into mu_out[m] and lv_out[m] (n, latent) and the
 * statistics into stats_out[m] (zeroed for m >= n_models). */
static void encoder_run(AppEncoder *enc, const VaeModel *const *models, int n_models,
                        const VaeSplit *test, float *const *mu_out, float *const *lv_out,
                        AppLatentStats *stats_out) {
    (void)test;
    memset(stats_out, 0, APP_MAX_MODELS * sizeof *stats_out);
    vae_split_encode(enc, models, mu_out, lv_out, stats_out);
    (void)n_models;
}

AppEncoder *app_encoder_create(const VaeModel *const *models, int n_models, const VaeSplit *test,
                               int workers, char *err, int err_len) {
    char e[VAE_ERR_LEN];
    AppEncoder *enc;
    if (vae_split_encoder_create(&enc, models, n_models, test, workers, e) != VAE_OK) {
        snprintf(err, (size_t)err_len, "%s", e);
        return NULL;
    }
    return enc;
}

void app_encoder_destroy(AppEncoder *enc) {
    vae_split_encoder_destroy(enc);
}

int app_snapshot_build(AppSnapshot *s, const VaeModel *const *models, int n_models,
                       const VaeSplit *test, AppEncoder *enc, int encoders) {
    if (app_snapshot_set_models(s, models, n_models, test->n, encoders) != 0) return -1;
    if (enc) encoder_run(enc, models, n_models, test, s->mu, s->lv, s->lstats);
    return 0;
}

/* ---- the encoder thread ------------------------------------------------------------ */

/* Encoding the test set costs as much as several training steps, so it runs beside the
 * training, on a thread of its own at a lower priority (the window's frames come first),
 * from a copy of the parameters: the trainer hands a job over and takes the latents when
 * they are done, and waits for them only when it is not training (paused, a command).
 * The job and the result belong to the trainer in IDLE and DONE, to the encoder thread in
 * PENDING and RUNNING; every change of state is made under the mutex. */
enum { ENC_IDLE, ENC_PENDING, ENC_RUNNING, ENC_DONE };

struct EncThread {
    pthread_t thread;
    int started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int state, stop;
    AppEncoder *enc;
    const VaeSplit *test;
    int n_models;
    VaeModel model[APP_MAX_MODELS]; /* the job: the encoder parameters to encode with */
    int64_t step;                   /* the step they are from */
    unsigned gen;                   /* the trainer's state_gen at submission */
    float *mu[APP_MAX_MODELS], *lv[APP_MAX_MODELS]; /* the result */
    AppLatentStats stats[APP_MAX_MODELS];
    double seconds; /* how long the job took */
};

static void *encoder_main(void *arg) {
    EncThread *e = arg;
#if defined(__linux__)
    prctl(PR_SET_NAME, "vae-encoder", 0, 0, 0);
    setpriority(PRIO_PROCESS, 0, 10); /* Linux: this thread only */
#endif
    const VaeModel *models[APP_MAX_MODELS];
    for (int m = 0; m < e->n_models; m++)
        models[m] = &e->model[m];
    pthread_mutex_lock(&e->lock);
    for (;;) {
        while (!e->stop && e->state != ENC_PENDING)
            pthread_cond_wait(&e->cond, &e->lock);
        if (e->stop) break;
        e->state = ENC_RUNNING;
        pthread_mutex_unlock(&e->lock);
        double t0 = now_s();
        encoder_run(e->enc, models, e->n_models, e->test, e->mu, e->lv, e->stats);
        double secs = now_s() - t0;
        pthread_mutex_lock(&e->lock);
        e->seconds = secs;
        e->state = ENC_DONE;
        pthread_cond_broadcast(&e->cond);
    }
    pthread_mutex_unlock(&e->lock);
    return NULL;
}

static void enc_thread_free(EncThread *e) {
    if (!e) return;
    if (e->started) {
        pthread_mutex_lock(&e->lock);
        e->stop = 1;
        pthread_cond_broadcast(&e->cond);
        pthread_mutex_unlock(&e->lock);
        pthread_join(e->thread, NULL);
        pthread_mutex_destroy(&e->lock);
        pthread_cond_destroy(&e->cond);
    }
    app_encoder_destroy(e->enc);
    for (int m = 0; m < APP_MAX_MODELS; m++) {
        vae_model_free(&e->model[m]);
        free(e->mu[m]), free(e->lv[m]);
    }
    free(e);
}

static EncThread *enc_thread_start(const VaeModel *const *models, int n_models,
                                   const VaeSplit *test, int workers, char *err, int err_len) {
    char e2[VAE_ERR_LEN] = "out of memory";
    EncThread *e = calloc(1, sizeof *e);
    if (!e) goto fail;
    e->test = test, e->n_models = n_models;
    for (int m = 0; m < n_models; m++) {
        /* only the encoder's tensors are ever copied in (enc_submit): the decoder's pages
         * of this arena are never touched, so they take no memory */
        if (vae_model_init(&e->model[m], &models[m]->cfg, e2) != VAE_OK) goto fail;
        size_t n = (size_t)test->n * (size_t)models[m]->cfg.latent + 1;
        e->mu[m] = calloc(n, sizeof(float));
        e->lv[m] = calloc(n, sizeof(float));
        if (!e->mu[m] || !e->lv[m]) goto fail;
    }
    e->enc = app_encoder_create(models, n_models, test, workers, err, err_len);
    if (!e->enc) goto fail_quiet;
    if (pthread_mutex_init(&e->lock, NULL) != 0) goto fail;
    if (pthread_cond_init(&e->cond, NULL) != 0) {
        pthread_mutex_destroy(&e->lock);
        goto fail;
    }
    if (pthread_create(&e->thread, NULL, encoder_main, e) != 0) {
        pthread_mutex_destroy(&e->lock);
        pthread_cond_destroy(&e->cond);
        snprintf(e2, sizeof e2, "cannot start the encoder thread");
        goto fail;
    }
    e->started = 1;
    return e;
fail:
    snprintf(err, (size_t)err_len, "%s", e2);
fail_quiet:
    enc_thread_free(e);
    return NULL;
}

/* Trainer side. Take a finished job's latents into last_mu/last_lv/last_stats: 1 if there
 * were. */
static int enc_collect(EncThread *e, float *const *last_mu, float *const *last_lv,
                       AppLatentStats *last_stats, int64_t *step, unsigned gen, double *seconds) {
    pthread_mutex_lock(&e->lock);
    int done = e->state == ENC_DONE;
    if (done && e->gen != gen) { /* from before a command's encode: drop it */
        e->state = ENC_IDLE;
        done = 0;
    }
    if (done) {
        for (int m = 0; m < e->n_models; m++) {
            size_t n = (size_t)e->test->n * (size_t)e->model[m].cfg.latent * sizeof(float);
            memcpy(last_mu[m], e->mu[m], n);
            memcpy(last_lv[m], e->lv[m], n);
        }
        memcpy(last_stats, e->stats, sizeof e->stats);
        *step = e->step, *seconds = e->seconds;
        e->state = ENC_IDLE;
    }
    pthread_mutex_unlock(&e->lock);
    return done;
}

/* Hand a job over if the encoder is idle: 1 if it took it. */
static int enc_submit(EncThread *e, const VaeModel *const *models, int64_t step, unsigned gen) {
    pthread_mutex_lock(&e->lock);
    int idle = e->state == ENC_IDLE;
    if (idle) {
        for (int m = 0; m < e->n_models; m++)
            memcpy(e->model[m].params, models[m]->params,
                   vae_model_encoder_params(models[m]) * sizeof(float));
        e->step = step, e->gen = gen;
        e->state = ENC_PENDING;
        pthread_cond_broadcast(&e->cond);
    }
    pthread_mutex_unlock(&e->lock);
    return idle;
}

/* ---- loss history -------------------------------------------------------------- */

/* The mean of two history values; a gap (NaN) takes the other one. */
static float merge(float a, float b) {
    return !isfinite(a) ? b : !isfinite(b) ? a : 0.5f * (a + b);
}

static void history_add(AppTrainer *t, int64_t step) {
    int any = 0;
    for (int m = 0; m < t->n_models; m++)
        any |= t->acc_n[m] > 0;
    if (!any) return;
    if (t->n_hist == APP_HIST_CAP) { /* merge pairs: halve the resolution of the past */
        for (int i = 0; i < APP_HIST_CAP / 2; i++) {
            AppLossPoint a = t->hist[2 * i], b = t->hist[2 * i + 1];
            AppLossPoint *o = &t->hist[i];
            o->step = b.step;
            for (int m = 0; m < APP_MAX_MODELS; m++) {
                o->loss[m].recon = merge(a.loss[m].recon, b.loss[m].recon);
                o->loss[m].kl = merge(a.loss[m].kl, b.loss[m].kl);
                o->loss[m].total = merge(a.loss[m].total, b.loss[m].total);
            }
        }
        t->n_hist = APP_HIST_CAP / 2;
    }
    AppLossPoint *p = &t->hist[t->n_hist++];
    memset(p, 0, sizeof *p);
    p->step = step;
    for (int m = 0; m < t->n_models; m++) {
        /* a model without a finite step in this interval gets a gap (NaN) in its curves */
        float n = t->acc_n[m] > 0 ? (float)t->acc_n[m] : NAN;
        p->loss[m].recon = t->acc[m].recon / n;
        p->loss[m].kl = t->acc[m].kl / n;
        p->loss[m].total = t->acc[m].total / n;
    }
    memset(t->acc, 0, sizeof t->acc);
    memset(t->acc_n, 0, sizeof t->acc_n);
}

/* Build and publish a snapshot with the newest latents there are; 0, or -1 if none was
 * free (the reader is mid-swap) or memory ran out: skipped, the caller tries again. */
static int publish(AppTrainer *t, double samples_per_s) {
    AppSnapshot *s = t->reuse ? t->reuse : app_box_acquire(t->box);
    t->reuse = NULL;
    if (!s) return -1;
    const VaeModel *models[APP_MAX_MODELS];
    for (int m = 0; m < t->n_models; m++)
        models[m] = vae_trainer_model(t->tr[m]);
    if (app_snapshot_build(s, models, t->n_models, t->shown, NULL, 0) != 0 ||
        app_snapshot_set_history(s, t->hist, t->n_hist) != 0) {
        app_box_discard(t->box, s);
        return -1;
    }
    for (int m = 0; m < t->n_models; m++) {
        size_t n = (size_t)s->n_points * (size_t)models[m]->cfg.latent * sizeof(float);
        memcpy(s->mu[m], t->last_mu[m], n);
        memcpy(s->lv[m], t->last_lv[m], n);
    }
    memcpy(s->lstats, t->last_stats, sizeof s->lstats);
    const VaeTrainConfig *tc = vae_trainer_config(t->tr[0]);
    s->latents_step = t->latents_step;
    s->seq = ++t->seq;
    s->commands = t->commands_seen;
    s->latents_seq = t->latents_seq;
    s->step = vae_trainer_steps(t->tr[0]);
    s->epoch = vae_trainer_epoch_index(t->tr[0]);
    s->samples_per_s = samples_per_s;
    s->beta = tc->beta;
    s->lr = tc->lr;
    s->beta_eff = t->beta_eff;
    s->kl_warmup = tc->kl_warmup;
    s->free_bits = tc->free_bits;
    s->dropout = tc->dropout;
    s->paused = atomic_load_explicit(&t->paused, memory_order_relaxed);
    s->speed = atomic_load_explicit(&t->speed, memory_order_relaxed);
    snprintf(s->message, sizeof s->message, "%s", t->message);
    s->n_events = t->n_events;
    s->saves = t->saves;
    s->save_failed = t->save_failed;
    snprintf(s->save_msg, sizeof s->save_msg, "%s", t->save_msg);
    app_box_publish(t->box, s, &t->reuse);
    return 0;
}

/* Take the encoder's finished latents, if any; they go out with the next snapshot. */
static void collect_latents(AppTrainer *t, double *encode_s) {
    int64_t step;
    if (enc_collect(t->encoder, t->last_mu, t->last_lv, t->last_stats, &step, t->state_gen,
                    encode_s)) {
        t->latents_step = step;
        t->latents_seq = t->seq + 1;
    }
}

static int submit_latents(AppTrainer *t) {
    const VaeModel *models[APP_MAX_MODELS];
    for (int m = 0; m < t->n_models; m++)
        models[m] = vae_trainer_model(t->tr[m]);
    return enc_submit(t->encoder, models, vae_trainer_steps(t->tr[0]), t->state_gen);
}

/* After a command (pause, step, reset, new settings) the state on screen must be exactly
 * the trainer's: its latents are encoded here, at the trainer's priority, from the live
 * parameters (nothing trains meanwhile); the encoder thread's job in flight, if any, is
 * from an older state and is dropped when it ends. */
static void encode_now(AppTrainer *t) {
    const VaeModel *models[APP_MAX_MODELS];
    for (int m = 0; m < t->n_models; m++)
        models[m] = vae_trainer_model(t->tr[m]);
    t->state_gen++;
    encoder_run(t->sync_enc, models, t->n_models, t->shown, t->last_mu, t->last_lv, t->last_stats);
    t->latents_step = vae_trainer_steps(t->tr[0]);
    t->latents_seq = t->seq + 1;
}

/* The S key while training: the live models, on this thread (app_trainer_save). */
static void save_now(AppTrainer *t) {
    const VaeModel *models[APP_MAX_MODELS];
    for (int m = 0; m < t->n_models; m++)
        models[m] = vae_trainer_model(t->tr[m]);
    AppSaveInfo info = {t->ds->name, vae_trainer_steps(t->tr[0]), vae_trainer_epoch_index(t->tr[0]),
                        vae_trainer_config(t->tr[0])->beta, t->seed};
    t->save_failed =
        app_save_models(models, t->n_models, &info, t->save_msg, (int)sizeof t->save_msg) != 0;
    t->saves++;
}

static void on_log(void *ud, const char *msg) {
    AppTrainer *t = ud;
    snprintf(t->message, sizeof t->message, "%s", msg);
    t->n_events++;
}

/* ---- the thread ---------------------------------------------------------------- */

static const double speed_rate[APP_SPEED_LEVELS] = {0, 64, 32, 16, 8, 4, 2};

const char *app_trainer_speed_name(int level) {
    static const char *const names[APP_SPEED_LEVELS] = {
        "full", "64 steps/s", "32 steps/s", "16 steps/s", "8 steps/s", "4 steps/s", "2 steps/s"};
    return level >= 0 && level < APP_SPEED_LEVELS ? names[level] : "?";
}

/* On the trainer thread, before it trains: the trainers (whose worker threads inherit
 * this thread's priority) and the encoder. 0, or -1 with a sentence in t->start_err. */
static int trainer_setup(AppTrainer *t, const AppTrainerConfig *c) {
    char e[VAE_ERR_LEN];
    if (vae_train_shared_create(&t->shared, c->tc.threads, e) != VAE_OK) {
        snprintf(t->start_err, sizeof t->start_err, "%s", e);
        return -1;
    }
    for (int m = 0; m < c->n_models; m++) {
        VaeTrainConfig tc = c->tc;
        tc.seed = c->tc.seed + (uint64_t)m; /* the two models start differently */
        if (vae_trainer_create_shared(&t->tr[m], &c->cfg[m], c->init[m], &tc, &c->ds->train,
                                      t->shared, e) != VAE_OK) {
            snprintf(t->start_err, sizeof t->start_err, "%s", e);
            return -1;
        }
        vae_trainer_set_log(t->tr[m], on_log, t);
        size_t n = (size_t)t->shown->n * (size_t)c->cfg[m].latent + 1;
        t->last_mu[m] = calloc(n, sizeof(float));
        t->last_lv[m] = calloc(n, sizeof(float));
        if (!t->last_mu[m] || !t->last_lv[m]) {
            snprintf(t->start_err, sizeof t->start_err, "out of memory");
            return -1;
        }
    }
    const VaeModel *models[APP_MAX_MODELS];
    for (int m = 0; m < c->n_models; m++)
        models[m] = vae_trainer_model(t->tr[m]);
    /* one encoder thread, at a lower priority still: it takes what the training threads
     * and the window leave of the cores (with one training thread on two cores, a third of
     * the other core) */
    t->encoder =
        enc_thread_start(models, c->n_models, t->shown, 1, t->start_err, (int)sizeof t->start_err);
    if (!t->encoder) return -1;
    t->sync_enc = app_encoder_create(models, c->n_models, t->shown, 1, t->start_err,
                                     (int)sizeof t->start_err);
    return t->sync_enc ? 0 : -1;
}

static void *trainer_main(void *arg) {
    AppTrainer *t = arg;
#if defined(__linux__)
    prctl(PR_SET_NAME, "vae-trainer", 0, 0, 0); /* this thread's name, for top -H and perf */
    /* A little below the window (Linux: this thread, and the threads it creates): when
     * both want a core, a frame and the X server's round trip go first; the window needs
     * ~10 % of one core, training gets the rest. */
    setpriority(PRIO_PROCESS, 0, TRAINER_NICE);
#endif
    int ok = trainer_setup(t, t->start_cfg) == 0;
    atomic_store_explicit(&t->start_state, ok ? 1 : -1, memory_order_release);
    if (!ok) return NULL;
    int settings_seen = -1, resets_seen = 0;
    double t_pub = 0, t_lat = -1e9, encode_s = 0.05, rate = 0, t_rate = now_s();
    long long samples_rate = 0;
    int force = 1, epochs_done_paused = 0, last_paused = -1, last_speed = -1, saves_seen = 0;
    const int batch = vae_trainer_config(t->tr[0])->batch;
    while (!atomic_load_explicit(&t->stop, memory_order_relaxed)) {
        /* commands (their count first: everything it covers is visible below) */
        unsigned commands = atomic_load_explicit(&t->commands, memory_order_acquire);
        if (commands != t->commands_seen) force = 1; /* (a command may have changed nothing) */
        int saves = atomic_load_explicit(&t->save_requests, memory_order_relaxed);
        if (saves != saves_seen) {
            saves_seen = saves;
            save_now(t);
            force = 1;
        }
        int resets = atomic_load_explicit(&t->reset_requests, memory_order_relaxed);
        if (resets != resets_seen) {
            resets_seen = resets;
            for (int m = 0; m < t->n_models; m++)
                vae_trainer_reset(t->tr[m], t->seed + (uint64_t)m);
            t->n_hist = 0;
            memset(t->acc_n, 0, sizeof t->acc_n);
            memset(t->acc, 0, sizeof t->acc);
            t->message[0] = 0;
            t->n_events = 0;
            epochs_done_paused = 0;
            force = 1;
        }
        int gen = atomic_load_explicit(&t->settings_gen, memory_order_acquire);
        if (gen != settings_seen) {
            settings_seen = gen;
            float beta = u2f(atomic_load_explicit(&t->beta_bits, memory_order_relaxed));
            float lr = u2f(atomic_load_explicit(&t->lr_bits, memory_order_relaxed));
            for (int m = 0; m < t->n_models; m++) {
                vae_trainer_set_beta(t->tr[m], beta);
                vae_trainer_set_lr(t->tr[m], lr);
            }
            force = 1;
        }
        int paused = atomic_load_explicit(&t->paused, memory_order_relaxed);
        int speed = atomic_load_explicit(&t->speed, memory_order_relaxed);
        if (paused != last_paused || speed != last_speed) { /* show the new state at once */
            last_paused = paused, last_speed = speed;
            force = 1;
        }
        int stepping = 0;
        if (paused) {
            int req = atomic_load_explicit(&t->step_requests, memory_order_relaxed);
            if (req > 0) {
                atomic_fetch_sub_explicit(&t->step_requests, 1, memory_order_relaxed);
                stepping = 1;
            }
        }
        double t0 = now_s();
        if (!paused || stepping) {
            for (int m = 0; m < t->n_models; m++) {
                VaeStepStats st;
                memset(&st, 0, sizeof st);
                VaeStatus rc = vae_trainer_step(t->tr[m], &st);
                if (rc != VAE_OK) {
                    snprintf(t->message, sizeof t->message, "training stopped: %s",
                             vae_status_str(rc));
                    t->n_events++;
                    atomic_store(&t->paused, 1);
                    break;
                }
                if (m == 0) t->beta_eff = st.beta_eff;
                /* a skipped step's loss is not finite: keep it out of the curves */
                if (st.skipped || !isfinite(st.loss) || !isfinite(st.recon) || !isfinite(st.kl))
                    continue;
                t->acc[m].recon += (float)st.recon;
                t->acc[m].kl += (float)st.kl;
                t->acc[m].total += (float)st.loss;
                t->acc_n[m]++;
            }
            long long n = (long long)batch * t->n_models;
            atomic_fetch_add_explicit(&t->samples, n, memory_order_relaxed);
            samples_rate += n;
            if (stepping) force = 1;
            if (t->epochs > 0 && !epochs_done_paused &&
                vae_trainer_epoch_index(t->tr[0]) >= t->epochs) {
                epochs_done_paused = 1;
                atomic_store(&t->paused, 1);
                snprintf(t->message, sizeof t->message, "paused after %d epochs", t->epochs);
                force = 1;
            }
        }
        double now = now_s();
        if (now - t_rate >= 0.5) {
            double r = samples_rate / (now - t_rate);
            rate = rate == 0 ? r : 0.5 * rate + 0.5 * r;
            if (paused) rate = 0;
            samples_rate = 0;
            t_rate = now;
        }
        /* latents: take finished ones, hand the next job over when it is time */
        collect_latents(t, &encode_s);
        if (!paused && now - t_lat >= fmax(LATENT_MIN_S, LATENT_BUDGET * encode_s) &&
            submit_latents(t))
            t_lat = now;
        if (force || (!paused && now - t_pub >= PUBLISH_MS * 1e-3)) {
            history_add(t, vae_trainer_steps(t->tr[0]));
            /* a step still queued is a command not yet shown */
            t->commands_seen =
                commands - (atomic_load_explicit(&t->step_requests, memory_order_relaxed) > 0);
            if (force) {
                encode_now(t);
                t_lat = now;
            }
            if (publish(t, rate) == 0) force = 0;
            t_pub = now;
        }
        if (!paused) { /* running time, publishing included, slow-motion sleeps excluded */
            double busy = atomic_load_explicit(&t->run_seconds, memory_order_relaxed);
            atomic_store_explicit(&t->run_seconds, busy + (now_s() - t0), memory_order_relaxed);
        }
        if (paused && !stepping) {
            sleep_s(0.005);
        } else {
            int sp = atomic_load_explicit(&t->speed, memory_order_relaxed);
            if (sp > 0) { /* slow motion: sleep in small slices to stay responsive */
                double until = t0 + 1.0 / speed_rate[sp];
                while (now_s() < until && !atomic_load(&t->stop) &&
                       atomic_load_explicit(&t->speed, memory_order_relaxed) == sp)
                    sleep_s(0.01 < until - now_s() ? 0.01 : until - now_s());
            }
        }
    }
    /* a save asked for before the stop (the acquire pairs with app_trainer_stop's store,
     * which follows the request) */
    if (atomic_load_explicit(&t->stop, memory_order_acquire) &&
        atomic_load_explicit(&t->save_requests, memory_order_relaxed) != saves_seen)
        save_now(t);
    return NULL;
}

/* ---- lifecycle and commands (UI thread) ------------------------------------------ */

AppTrainer *app_trainer_start(const AppTrainerConfig *c, AppSnapshotBox *box, char *err,
                              int err_len) {
    AppTrainer *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, (size_t)err_len, "out of memory");
        return NULL;
    }
    t->box = box;
    t->ds = c->ds;
    t->shown = c->shown ? c->shown : &c->ds->test;
    t->n_models = c->n_models;
    t->epochs = c->epochs;
    t->seed = c->tc.seed;
    t->beta_eff = c->tc.kl_warmup > 0 ? 0.0f : c->tc.beta;
    t->hist = calloc(APP_HIST_CAP, sizeof *t->hist);
    if (!t->hist) {
        free(t);
        snprintf(err, (size_t)err_len, "out of memory");
        return NULL;
    }
    atomic_init(&t->stop, 0);
    atomic_init(&t->paused, c->start_paused);
    atomic_init(&t->speed, 0);
    atomic_init(&t->save_requests, 0);
    atomic_init(&t->commands, 0);
    atomic_init(&t->step_requests, 0);
    atomic_init(&t->reset_requests, 0);
    atomic_init(&t->beta_bits, f2u(c->tc.beta));
    atomic_init(&t->lr_bits, f2u(c->tc.lr));
    atomic_init(&t->settings_gen, 0);
    atomic_init(&t->run_seconds, 0.0);
    atomic_init(&t->samples, 0);
    atomic_init(&t->start_state, 0);
    t->start_cfg = c;
    /* BLAS threads are a process-wide OpenBLAS setting: the trainer's value is set here,
     * before any thread runs; the render thread's small decodes stay single-threaded
     * because OpenBLAS does not split tiny products. */
    openblas_set_num_threads(c->blas_threads);
    if (pthread_create(&t->thread, NULL, trainer_main, t) != 0) {
        snprintf(err, (size_t)err_len, "cannot start the trainer thread");
        app_trainer_stop(t);
        return NULL;
    }
    t->started = 1;
    /* the thread sets itself up (c stays valid until then); an error ends it */
    int state;
    while ((state = atomic_load_explicit(&t->start_state, memory_order_acquire)) == 0)
        sleep_s(0.001);
    t->start_cfg = NULL;
    if (state < 0) {
        snprintf(err, (size_t)err_len, "%s", t->start_err);
        app_trainer_stop(t);
        return NULL;
    }
    return t;
}

void app_trainer_stop(AppTrainer *t) {
    if (!t) return;
    if (t->started) {
        atomic_store(&t->stop, 1);
        pthread_join(t->thread, NULL);
    }
    for (int m = 0; m < APP_MAX_MODELS; m++) {
        vae_trainer_destroy(t->tr[m]);
        free(t->last_mu[m]), free(t->last_lv[m]);
    }
    vae_train_shared_destroy(t->shared);
    enc_thread_free(t->encoder);
    app_encoder_destroy(t->sync_enc);
    app_snapshot_free(t->reuse);
    free(t->hist);
    free(t);
}

/* Every command bumps `commands` after making its change, so a trainer that reads the
 * count before the changes has seen at least that many. */
static void command_done(AppTrainer *t) {
    atomic_fetch_add_explicit(&t->commands, 1, memory_order_release);
}

unsigned app_trainer_commands(const AppTrainer *t) {
    return t ? atomic_load_explicit(&((AppTrainer *)t)->commands, memory_order_acquire) : 0;
}

void app_trainer_toggle_pause(AppTrainer *t) {
    if (!t) return;
    atomic_fetch_xor_explicit(&t->paused, 1, memory_order_relaxed);
    command_done(t);
}

void app_trainer_step_once(AppTrainer *t) {
    if (!t) return;
    atomic_fetch_add_explicit(&t->step_requests, 1, memory_order_relaxed);
    command_done(t);
}

void app_trainer_reset(AppTrainer *t) {
    if (!t) return;
    atomic_fetch_add_explicit(&t->reset_requests, 1, memory_order_relaxed);
    command_done(t);
}

static void scale_setting(AppTrainer *t, atomic_uint *bits, float factor, float lo, float hi) {
    float v = u2f(atomic_load_explicit(bits, memory_order_relaxed)) * factor;
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    atomic_store_explicit(bits, f2u(v), memory_order_relaxed);
    atomic_fetch_add_explicit(&t->settings_gen, 1, memory_order_release);
    command_done(t);
}

void app_trainer_scale_beta(AppTrainer *t, float factor) {
    if (t) scale_setting(t, &t->beta_bits, factor, 1e-3f, 100.0f);
}

void app_trainer_scale_lr(AppTrainer *t, float factor) {
    if (t) scale_setting(t, &t->lr_bits, factor, 1e-6f, 1e-1f);
}

void app_trainer_save(AppTrainer *t) {
    if (t) atomic_fetch_add_explicit(&t->save_requests, 1, memory_order_relaxed);
}

void app_trainer_speed(AppTrainer *t, int delta) {
    if (!t) return;
    int s = atomic_load_explicit(&t->speed, memory_order_relaxed) - delta;
    if (s < 0) s = 0;
    if (s >= APP_SPEED_LEVELS) s = APP_SPEED_LEVELS - 1;
    atomic_store_explicit(&t->speed, s, memory_order_relaxed);
    command_done(t);
}

double app_trainer_throughput(const AppTrainer *t) {
    if (!t) return 0;
    double secs = atomic_load(&((AppTrainer *)t)->run_seconds);
    long long n = atomic_load(&((AppTrainer *)t)->samples);
    return secs > 0 ? (double)n / secs : 0;
}
