/* The training thread (see training.h). Each turn of its loop applies the UI's commands,
 * trains one step of every model, takes the latent worker's finished latents or hands it
 * the next job, and publishes a snapshot when it is time. */
#include "training_impl.h"

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
#include "latent_worker.h"
#include "latents.h"
#include "parallel.h"
#include "save.h"
#include "state.h"

#define PUBLISH_S 0.2     /* a snapshot at most this often while running */
#define LATENT_BUDGET 3.0 /* the latent worker busy at most 1/LATENT_BUDGET of the time */
#define LATENT_MIN_S 0.5  /* and latents refreshed at most every LATENT_MIN_S seconds */
#define RATE_S 0.5        /* samples/s measured over this window */
#define HELDOUT_S 3.0     /* the test split's loss at most this often */
#define TRAINER_NICE 3    /* the training threads' nice value (the window's is 0) */

static const double speed_rate[APP_SPEED_LEVELS] = {0, 64, 32, 16, 8, 4, 2};

static void live_models(const AppTrainer *t, const VaeModel **models) {
    for (int m = 0; m < t->n_models; m++)
        models[m] = app_model_of(t, m);
}

/* ---- publication ------------------------------------------------------------------ */

static void fill_status(AppTrainer *t, AppSnapshot *s, double samples_per_s) {
    static const VaeTrainConfig untrained; /* a fitted model's settings: all 0 */
    for (int m = 0; m < t->n_models; m++) {
        const VaeTrainConfig *tc = t->tr[m] ? vae_trainer_config(t->tr[m]) : &untrained;
        AppModelInfo *in = &s->info[m];
        in->beta = tc->beta, in->lr = tc->lr, in->beta_eff = t->beta_eff[m];
        in->kl_warmup = tc->kl_warmup, in->free_bits = tc->free_bits, in->dropout = tc->dropout;
        snprintf(in->label, sizeof in->label, "%s", t->label[m]);
        in->fork_of = t->fork_of[m];
    }
    s->latents_step = t->latents_step;
    s->latents_seq = t->latents_seq;
    s->commands = t->commands_seen;
    s->step = app_lead_steps(t);
    s->epoch = vae_trainer_epoch_index(t->tr[t->lead]);
    s->samples_per_s = samples_per_s;
    s->paused = atomic_load_explicit(&t->paused, memory_order_relaxed);
    s->speed = atomic_load_explicit(&t->speed, memory_order_relaxed);
    snprintf(s->message, sizeof s->message, "%s", t->message);
    s->n_events = t->n_events;
    s->saves = t->saves;
    s->save_failed = t->save_failed;
    snprintf(s->save_msg, sizeof s->save_msg, "%s", t->save_msg);
}

/* Build and publish a snapshot with the newest latents there are; 0, or -1 if none was
 * free (the reader is mid-swap) or memory ran out: skipped, the caller tries again. */
static int publish(AppTrainer *t, double samples_per_s) {
    AppSnapshot *s = t->reuse ? t->reuse : app_box_acquire(t->box);
    t->reuse = NULL;
    if (!s) return -1;
    const VaeModel *models[APP_MAX_MODELS];
    live_models(t, models);
    int encoders = atomic_load_explicit(&t->want_encoders, memory_order_relaxed);
    if (app_snapshot_set_models(s, models, t->n_models, t->shown->n, encoders) != 0 ||
        app_snapshot_set_history(s, t->hist.points, t->hist.n) != 0) {
        app_box_discard(t->box, s);
        return -1;
    }
    for (int m = 0; m < t->n_models; m++) {
        size_t n = (size_t)s->n_points * (size_t)models[m]->cfg.latent * sizeof(float);
        memcpy(s->mu[m], t->last_mu[m], n);
        memcpy(s->lv[m], t->last_lv[m], n);
    }
    memcpy(s->lstats, t->last_stats, sizeof s->lstats);
    s->seq = ++t->seq;
    fill_status(t, s, samples_per_s);
    app_box_publish(t->box, s, &t->reuse);
    app_record_publish(t);
    return 0;
}

/* After a command (pause, step, reset, new settings) the state on screen must be exactly
 * the trainer's: its latents are encoded here, at the trainer's priority, from the live
 * parameters (nothing trains meanwhile); the worker's job in flight, if any, is from an
 * older state and is dropped when it ends. */
static void encode_now(AppTrainer *t) {
    const VaeModel *models[APP_MAX_MODELS];
    live_models(t, models);
    t->state_gen++;
    vae_split_encode(t->sync_enc, models, t->last_mu, t->last_lv, t->last_stats);
    t->latents_step = app_lead_steps(t);
    t->latents_seq = t->seq + 1;
}

/* The S key while training: the live models, on this thread (app_trainer_save). */
static void save_now(AppTrainer *t) {
    const VaeModel *models[APP_MAX_MODELS];
    live_models(t, models);
    AppSaveInfo info = {
        t->ds->name, app_lead_steps(t), vae_trainer_epoch_index(t->tr[t->lead]), {0}, t->seed};
    for (int m = 0; m < t->n_models; m++)
        info.beta[m] = t->tr[m] ? vae_trainer_config(t->tr[m])->beta : 0;
    t->save_failed =
        app_save_models(models, t->n_models, &info, t->save_msg, (int)sizeof t->save_msg) != 0;
    t->saves++;
}

void app_trainer_log(AppTrainer *t, const char *msg) {
    snprintf(t->message, sizeof t->message, "%.*s", (int)sizeof t->message - 1, msg);
    t->n_events++;
}

static void on_log(void *ud, const char *msg) {
    app_trainer_log(ud, msg);
}

/* ---- the loop's steps ---------------------------------------------------------------- */

/* The UI's values of model m's settings into its trainer. */
static void apply_settings(AppTrainer *t, int m) {
    VaeTrainer *tr = t->tr[m];
    if (!tr) return; /* fitted: no settings */
    vae_trainer_set_beta(tr, app_setting(t, APP_SET_BETA, m));
    vae_trainer_set_lr(tr, app_setting(t, APP_SET_LR, m));
    vae_trainer_set_free_bits(tr, app_setting(t, APP_SET_FREE_BITS, m));
    vae_trainer_set_dropout(tr, app_setting(t, APP_SET_DROPOUT, m));
    vae_trainer_set_likelihood(tr, (VaeLikelihood)app_setting(t, APP_SET_LIKELIHOOD, m));
}

/* Saves, resets, new settings, pause and speed: anything that changed forces a snapshot. */
static void apply_commands(AppTrainer *t, Loop *L) {
    L->commands = atomic_load_explicit(&t->commands, memory_order_acquire);
    if (L->commands != t->commands_seen) L->force = 1; /* (a command may change nothing) */
    int saves = atomic_load_explicit(&t->save_requests, memory_order_relaxed);
    if (saves != L->saves_seen) {
        L->saves_seen = saves;
        save_now(t);
        L->force = 1;
    }
    int resets = atomic_load_explicit(&t->reset_requests, memory_order_relaxed);
    if (resets != L->resets_seen) {
        L->resets_seen = resets;
        char e[VAE_ERR_LEN];
        for (int m = 0; m < t->n_models; m++) /* fresh weights; a fork its parent's again */
            if (t->tr[m] && (t->fork_of[m] < 0 ||
                             vae_trainer_fork(t->tr[m], t->tr[t->fork_of[m]], e) != VAE_OK))
                vae_trainer_reset(t->tr[m], t->model_seed[m]);
        app_history_clear(&t->hist);
        app_record_restart(t); /* steps start again: a new recording */
        t->message[0] = 0;
        t->n_events = 0;
        L->epochs_done_paused = 0;
        L->force = 1;
    }
    int gen = atomic_load_explicit(&t->settings_gen, memory_order_acquire);
    if (gen != L->settings_seen) {
        L->settings_seen = gen;
        for (int m = 0; m < t->n_models; m++)
            apply_settings(t, m);
        L->force = 1;
    }
    L->paused = atomic_load_explicit(&t->paused, memory_order_relaxed);
    int speed = atomic_load_explicit(&t->speed, memory_order_relaxed);
    if (L->paused != L->last_paused || speed != L->last_speed) { /* show the new state */
        L->last_paused = L->paused, L->last_speed = speed;
        L->force = 1;
    }
}

/* While paused: 1 if a single step was asked for (and takes it off the queue). */
static int take_step_request(AppTrainer *t) {
    if (atomic_load_explicit(&t->step_requests, memory_order_relaxed) <= 0) return 0;
    atomic_fetch_sub_explicit(&t->step_requests, 1, memory_order_relaxed);
    return 1;
}

static void stop_with(AppTrainer *t, Loop *L, const char *msg) {
    snprintf(t->message, sizeof t->message, "%s", msg);
    t->n_events++;
    atomic_store(&t->paused, 1);
    L->force = 1;
}

/* One step of every model trained, in turn; their finite losses go into the history. */
static void train_once(AppTrainer *t, Loop *L) {
    int trained = 0;
    for (int m = 0; m < t->n_models; m++) {
        if (!t->tr[m]) continue;
        trained++;
        VaeStepStats st;
        memset(&st, 0, sizeof st);
        VaeStatus rc = vae_trainer_step(t->tr[m], &st);
        if (rc != VAE_OK) {
            char msg[96];
            snprintf(msg, sizeof msg, "training stopped: %s", vae_status_str(rc));
            stop_with(t, L, msg);
            break;
        }
        t->beta_eff[m] = st.beta_eff;
        /* a skipped step's loss is not finite: keep it out of the curves */
        if (st.skipped || !isfinite(st.loss) || !isfinite(st.recon) || !isfinite(st.kl)) continue;
        app_history_add_step(&t->hist, m, (float)st.recon, (float)st.kl, (float)st.loss);
    }
    long long n = (long long)vae_trainer_config(t->tr[t->lead])->batch * trained;
    atomic_fetch_add_explicit(&t->samples, n, memory_order_relaxed);
    L->samples_rate += n;
    if (t->epochs > 0 && !L->epochs_done_paused &&
        vae_trainer_epoch_index(t->tr[t->lead]) >= t->epochs) {
        char msg[64];
        snprintf(msg, sizeof msg, "paused after %d epochs", t->epochs);
        L->epochs_done_paused = 1;
        stop_with(t, L, msg);
    }
}

static void measure_rate(Loop *L, double now) {
    if (now - L->t_rate < RATE_S) return;
    double r = L->samples_rate / (now - L->t_rate);
    L->rate = L->paused ? 0 : L->rate == 0 ? r : 0.5 * L->rate + 0.5 * r;
    L->samples_rate = 0;
    L->t_rate = now;
}

/* Take the worker's finished latents; hand it the next job when it is time (they go out
 * with the next snapshot). */
static void refresh_latents(AppTrainer *t, Loop *L, double now) {
    int64_t step;
    if (app_latent_worker_collect(t->worker, t->last_mu, t->last_lv, t->last_stats, &step,
                                  t->state_gen, &L->encode_s)) {
        t->latents_step = step;
        t->latents_seq = t->seq + 1;
        double neg_elbo[APP_MAX_MODELS], recon[APP_MAX_MODELS], kl[APP_MAX_MODELS];
        if (app_latent_worker_heldout(t->worker, neg_elbo, recon, kl))
            for (int m = 0; m < t->n_models; m++)
                app_history_add_test(&t->hist, m, (float)recon[m], (float)kl[m],
                                     (float)neg_elbo[m]);
    }
    if (L->paused || now - L->t_lat < fmax(LATENT_MIN_S, LATENT_BUDGET * L->encode_s)) return;
    const VaeModel *models[APP_MAX_MODELS];
    live_models(t, models);
    /* a held-out evaluation with the latents every HELDOUT_S: a forward pass of the test
     * split per model, at the worker's low priority */
    int evaluate = now - L->t_eval >= HELDOUT_S;
    if (app_latent_worker_submit(t->worker, models, app_lead_steps(t), t->state_gen, evaluate)) {
        L->t_lat = now;
        if (evaluate) L->t_eval = now;
    }
}

static void maybe_publish(AppTrainer *t, Loop *L, double now) {
    if (!L->force && (L->paused || now - L->t_pub < PUBLISH_S)) return;
    app_history_close(&t->hist, t->n_models, app_lead_steps(t));
    /* a step still queued is a command not yet shown */
    t->commands_seen =
        L->commands - (atomic_load_explicit(&t->step_requests, memory_order_relaxed) > 0);
    if (L->force) {
        encode_now(t);
        L->t_lat = now;
    }
    if (publish(t, L->rate) == 0) L->force = 0;
    L->t_pub = now;
}

/* Paused: a short nap. Slow motion: sleep out the step's slot in small slices, so that a
 * command (or a new speed) is seen at once. */
static void pace(AppTrainer *t, int idle, double t0) {
    if (idle) {
        vae_sleep(0.005);
        return;
    }
    int sp = atomic_load_explicit(&t->speed, memory_order_relaxed);
    if (sp <= 0) return;
    double until = t0 + 1.0 / speed_rate[sp];
    for (double now = vae_now(); now < until; now = vae_now()) {
        if (atomic_load(&t->stop) || atomic_load_explicit(&t->speed, memory_order_relaxed) != sp)
            break;
        vae_sleep(fmin(0.01, until - now));
    }
}

/* ---- the thread -------------------------------------------------------------------- */

/* Model m's trainer (sharing the workers) and its log, or for a PCA a copy of init (it is
 * fitted, not trained); its latents' buffers. 0, or -1 with a sentence in e. */
static int add_trainer(AppTrainer *t, int m, const VaeConfig *cfg, const VaeModel *init,
                       const VaeTrainConfig *tc, char *e) {
    if (cfg->kind == VAE_KIND_PCA) {
        if (!init) {
            snprintf(e, VAE_ERR_LEN, "a PCA comes fitted (vae_pca_fit), not to train");
            return -1;
        }
        if (vae_model_clone(&t->fitted[m], init, e) != VAE_OK) return -1;
    } else {
        if (vae_trainer_create_shared(&t->tr[m], cfg, init, tc, &t->ds->train, t->shared, e) !=
            VAE_OK)
            return -1;
        vae_trainer_set_log(t->tr[m], on_log, t);
    }
    size_t n = (size_t)t->shown->n * (size_t)cfg->latent + 1;
    t->last_mu[m] = calloc(n, sizeof(float));
    t->last_lv[m] = calloc(n, sizeof(float));
    if (t->last_mu[m] && t->last_lv[m]) return 0;
    snprintf(e, VAE_ERR_LEN, "out of memory");
    return -1;
}

/* The latent worker and the encoder for commands, for the models there are now (their
 * predecessors, if any, stopped first). 0, or -1 with a sentence in e. */
static int start_encoders(AppTrainer *t, char *e) {
    app_latent_worker_stop(t->worker);
    vae_split_encoder_destroy(t->sync_enc);
    t->worker = NULL, t->sync_enc = NULL;
    t->state_gen++; /* a job of the old worker never comes back: none is in flight */
    const VaeModel *models[APP_MAX_MODELS];
    live_models(t, models);
    t->worker =
        app_latent_worker_start(models, t->n_models, t->shown, &t->ds->test, e, VAE_ERR_LEN);
    if (!t->worker) return -1;
    return vae_split_encoder_create(&t->sync_enc, models, t->n_models, t->shown, 1, e) == VAE_OK
               ? 0
               : -1;
}

/* On the trainer thread, before it trains: the trainers (whose worker threads inherit
 * this thread's priority), the latent worker and the encoder for commands. 0, or -1 with
 * a sentence in t->start_err. */
static int setup(AppTrainer *t, const AppTrainerConfig *c) {
    char e[VAE_ERR_LEN] = "out of memory";
    if (app_history_init(&t->hist) != 0) goto fail;
    if (vae_train_shared_create(&t->shared, c->tc.threads, e) != VAE_OK) goto fail;
    for (int m = 0; m < c->n_models; m++) {
        VaeTrainConfig tc = c->tc;
        tc.seed = t->model_seed[m];
        if (add_trainer(t, m, &c->cfg[m], c->init[m], &tc, e) != 0) goto fail;
    }
    while (t->lead < c->n_models && !t->tr[t->lead])
        t->lead++;
    if (t->lead == c->n_models) {
        snprintf(e, VAE_ERR_LEN, "no model to train (a PCA is fitted, not trained)");
        goto fail;
    }
    if (start_encoders(t, e) != 0) goto fail;
    app_record_restart(t);
    return 0;
fail:
    snprintf(t->start_err, sizeof t->start_err, "%s", e);
    return -1;
}

/* ---- forks ----------------------------------------------------------------------------- */

/* "VAE beta 4", "VAE gaussian", "VAE clip 0.5": the parent's label and what differs. */
static void fork_label(const AppTrainer *t, const AppFork *f, char *out, size_t len) {
    static const char *const names[] = {"beta ", "lr ", "clip ", "drop ", "", "seed "};
    char v[32];
    if (f->what == APP_SET_LIKELIHOOD)
        snprintf(v, sizeof v, "%s", vae_likelihood_name((VaeLikelihood)f->value));
    else
        snprintf(v, sizeof v, "%g", f->value);
    char parent[sizeof t->label[0]];
    snprintf(parent, sizeof parent, "%s", t->label[f->parent]);
    snprintf(out, len, "%.20s %s%.10s", parent, names[f->what], v);
}

/* A sibling of model f->parent with one setting changed, on from the parent's weights. */
static void fork_model(AppTrainer *t, Loop *L, const AppFork *f) {
    int m = t->n_models, p = f->parent;
    char e[VAE_ERR_LEN];
    if (!t->tr[p]) {
        on_log(t, "fork failed: a PCA is fitted, not trained");
        return;
    }
    VaeConfig cfg = vae_trainer_model(t->tr[p])->cfg;
    VaeTrainConfig tc = *vae_trainer_config(t->tr[p]);
    tc.seed = t->model_seed[m] = f->what == APP_FORK_SEED ? (uint64_t)f->value : t->model_seed[p];
    if (f->what == APP_SET_LIKELIHOOD) cfg.likelihood = (VaeLikelihood)f->value;
    for (int k = 0; k < APP_N_SETTINGS; k++)
        atomic_store_explicit(&t->setting_bits[k][m],
                              atomic_load_explicit(&t->setting_bits[k][p], memory_order_relaxed),
                              memory_order_relaxed);
    if (f->what < APP_N_SETTINGS) /* the UI's value, clamped as a command would */
        atomic_store_explicit(&t->setting_bits[f->what][m], app_f2u(f->value),
                              memory_order_relaxed);
    if (add_trainer(t, m, &cfg, NULL, &tc, e) != 0 || /* the parent's state: just below */
        vae_trainer_fork(t->tr[m], t->tr[p], e) != VAE_OK) {
        vae_trainer_destroy(t->tr[m]);
        t->tr[m] = NULL;
        char msg[VAE_ERR_LEN + 32];
        snprintf(msg, sizeof msg, "fork failed: %s", e);
        on_log(t, msg);
        return;
    }
    t->fork_of[m] = p;
    t->kind[m] = cfg.kind;
    fork_label(t, f, t->label[m], sizeof t->label[m]);
    t->beta_eff[m] = t->beta_eff[p];
    t->n_models = m + 1;
    apply_settings(t, m);
    if (start_encoders(t, e) != 0) on_log(t, e);
    atomic_store_explicit(&t->models_ui, t->n_models, memory_order_release);
    app_record_restart(t); /* a recording's models are fixed: a new one with the fork */
    L->force = 1;
}

static void apply_forks(AppTrainer *t, Loop *L) {
    int n = atomic_load_explicit(&t->fork_requests, memory_order_acquire);
    for (; L->forks_seen < n; L->forks_seen++)
        if (t->n_models < APP_MAX_MODELS) fork_model(t, L, &t->forks[L->forks_seen]);
}

static void *trainer_main(void *arg) {
    AppTrainer *t = arg;
#if defined(__linux__)
    prctl(PR_SET_NAME, "vae-trainer", 0, 0, 0); /* this thread's name, for top -H and perf */
    /* A little below the window (Linux: this thread, and the threads it creates): when
     * both want a core, a frame and the X server's round trip go first. */
    setpriority(PRIO_PROCESS, 0, TRAINER_NICE);
#endif
    int ok = setup(t, t->start_cfg) == 0;
    atomic_store_explicit(&t->start_state, ok ? 1 : -1, memory_order_release);
    if (!ok) return NULL;
    Loop L = {.settings_seen = -1, .last_paused = -1, .last_speed = -1, .force = 1};
    L.t_lat = -1e9, L.encode_s = 0.05, L.t_rate = vae_now();
    while (!atomic_load_explicit(&t->stop, memory_order_relaxed)) {
        apply_commands(t, &L);
        apply_forks(t, &L);
        app_record_settings(t, L.paused);
        int stepping = L.paused && take_step_request(t);
        if (stepping) L.force = 1;
        double t0 = vae_now();
        if (!L.paused || stepping) train_once(t, &L);
        double now = vae_now();
        measure_rate(&L, now);
        refresh_latents(t, &L, now);
        maybe_publish(t, &L, now);
        if (t->record.pending) app_record_publish(t); /* its lock was busy */
        if (!L.paused) { /* running time, publishing included, slow-motion sleeps excluded */
            double busy = atomic_load_explicit(&t->run_seconds, memory_order_relaxed);
            atomic_store_explicit(&t->run_seconds, busy + (vae_now() - t0), memory_order_relaxed);
        }
        pace(t, L.paused && !stepping, t0);
    }
    /* a save asked for before the stop (the acquire pairs with app_trainer_stop's store,
     * which follows the request) */
    if (atomic_load_explicit(&t->stop, memory_order_acquire) &&
        atomic_load_explicit(&t->save_requests, memory_order_relaxed) != L.saves_seen)
        save_now(t);
    return NULL;
}

const char *app_trainer_speed_name(int level) {
    static const char *const names[APP_SPEED_LEVELS] = {
        "full", "64 steps/s", "32 steps/s", "16 steps/s", "8 steps/s", "4 steps/s", "2 steps/s"};
    return level >= 0 && level < APP_SPEED_LEVELS ? names[level] : "?";
}

/* ---- lifecycle (UI thread) ------------------------------------------------------------ */

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
    t->n_models = t->n_first = c->n_models;
    t->epochs = c->epochs;
    t->seed = c->tc.seed;
    t->record.out = c->recorder;
    for (int m = 0; m < c->n_models; m++) {
        float v[APP_N_SETTINGS] = {c->tc.beta, c->tc.lr, c->tc.free_bits, c->tc.dropout,
                                   (float)c->cfg[m].likelihood};
        for (int k = 0; k < APP_N_SETTINGS; k++)
            atomic_init(&t->setting_bits[k][m], app_f2u(v[k]));
        t->beta_eff[m] = c->tc.kl_warmup > 0 ? 0.0f : c->tc.beta;
        t->kind[m] = c->cfg[m].kind;
        t->fork_of[m] = -1;
        t->model_seed[m] = c->tc.seed + (uint64_t)m; /* the models start differently */
        snprintf(t->label[m], sizeof t->label[m], "%s", app_config_name(&c->cfg[m]));
    }
    atomic_init(&t->stop, 0);
    atomic_init(&t->paused, c->start_paused);
    atomic_init(&t->speed, 0);
    atomic_init(&t->commands, 0);
    atomic_init(&t->step_requests, 0);
    atomic_init(&t->reset_requests, 0);
    atomic_init(&t->save_requests, 0);
    atomic_init(&t->settings_gen, 0);
    atomic_init(&t->fork_requests, 0);
    atomic_init(&t->models_ui, c->n_models);
    atomic_init(&t->run_seconds, 0.0);
    atomic_init(&t->samples, 0);
    atomic_init(&t->start_state, 0);
    t->start_cfg = c;
    /* Each data-parallel shard calls BLAS itself, so OpenBLAS gets one thread (a process-
     * wide setting, made before any thread runs); the render thread's small decodes stay
     * single-threaded because OpenBLAS does not split tiny products anyway. */
    vae_blas_set_threads(1);
    if (pthread_create(&t->thread, NULL, trainer_main, t) != 0) {
        snprintf(err, (size_t)err_len, "cannot start the trainer thread");
        app_trainer_stop(t);
        return NULL;
    }
    t->started = 1;
    /* the thread sets itself up (c stays valid until then); an error ends it */
    int state;
    while ((state = atomic_load_explicit(&t->start_state, memory_order_acquire)) == 0)
        vae_sleep(0.001);
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
        vae_model_free(&t->fitted[m]);
        free(t->last_mu[m]), free(t->last_lv[m]);
    }
    vae_train_shared_destroy(t->shared);
    app_latent_worker_stop(t->worker);
    vae_split_encoder_destroy(t->sync_enc);
    app_snapshot_free(t->reuse);
    app_history_free(&t->hist);
    app_record_free(t);
    free(t);
}
