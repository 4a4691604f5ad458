/* The commands the UI gives the training thread (see training.h): each makes its change
 * in atomics, then counts itself (command_done), so a snapshot can say which commands it
 * includes. */
#include <stdio.h>

#include "training_impl.h"

/* ---- commands (UI thread) ------------------------------------------------------------ */

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

void app_trainer_want_encoders(AppTrainer *t, int on) {
    if (!t) return;
    atomic_store_explicit(&t->want_encoders, on != 0, memory_order_relaxed);
    command_done(t); /* the next snapshot, published at once, has them (or not) */
}

void app_trainer_reset(AppTrainer *t) {
    if (!t) return;
    atomic_fetch_add_explicit(&t->reset_requests, 1, memory_order_relaxed);
    command_done(t);
}

/* The range of each setting: the trainer's guards make absurd learning rates a demo. */
static const float setting_lo[APP_N_SETTINGS] = {1e-3f, 1e-6f, 0.0f, 0.0f, 0.0f};
static const float setting_hi[APP_N_SETTINGS] = {100.0f, 1e-1f, 10.0f, 0.95f, 1.0f};

/* Whether setting `what` applies to model m when set for every model: beta and free bits
 * only to models with a KL term. */
static int applies(const AppTrainer *t, AppSetting what, int m) {
    return (what != APP_SET_BETA && what != APP_SET_FREE_BITS) ||
           vae_kind_is_stochastic(t->kind[m]);
}

static void store(AppTrainer *t, AppSetting what, int m, float v) {
    v = v < setting_lo[what] ? setting_lo[what] : v > setting_hi[what] ? setting_hi[what] : v;
    atomic_store_explicit(&t->setting_bits[what][m], app_f2u(v), memory_order_relaxed);
}

void app_trainer_set(AppTrainer *t, AppSetting what, int m, float value) {
    if (!t) return;
    int n = atomic_load_explicit(&t->models_ui, memory_order_acquire);
    for (int k = 0; k < n; k++)
        if (k == m || (m < 0 && applies(t, what, k))) store(t, what, k, value);
    atomic_fetch_add_explicit(&t->settings_gen, 1, memory_order_release);
    command_done(t);
}

void app_trainer_scale(AppTrainer *t, AppSetting what, int m, float factor) {
    if (!t) return;
    int n = atomic_load_explicit(&t->models_ui, memory_order_acquire);
    for (int k = 0; k < n; k++)
        if (k == m || (m < 0 && applies(t, what, k)))
            store(t, what, k, app_setting(t, what, k) * factor);
    atomic_fetch_add_explicit(&t->settings_gen, 1, memory_order_release);
    command_done(t);
}

float app_trainer_setting(const AppTrainer *t, AppSetting what, int m) {
    return t && m >= 0 && m < app_trainer_models(t) ? app_setting(t, what, m) : 0;
}

int app_trainer_models(const AppTrainer *t) {
    return t ? atomic_load_explicit(&((AppTrainer *)t)->models_ui, memory_order_acquire) : 0;
}

/* Forks asked for so far count against the room: the trainer makes them soon. */
int app_trainer_fork(AppTrainer *t, AppFork f) {
    if (!t) return -1;
    int k = atomic_load_explicit(&t->fork_requests, memory_order_relaxed);
    int base = t->n_first; /* the models at the start, then one per fork */
    if (base + k >= APP_MAX_MODELS || f.parent < 0 || f.parent >= base + k) return -1;
    if (f.what < APP_N_SETTINGS)
        f.value = f.value < setting_lo[f.what]   ? setting_lo[f.what]
                  : f.value > setting_hi[f.what] ? setting_hi[f.what]
                                                 : f.value;
    t->forks[k] = f;
    atomic_store_explicit(&t->fork_requests, k + 1, memory_order_release);
    command_done(t);
    return base + k;
}

void app_trainer_save(AppTrainer *t) {
    if (t) atomic_fetch_add_explicit(&t->save_requests, 1, memory_order_relaxed);
}

void app_trainer_speed(AppTrainer *t, int delta) {
    if (!t) return;
    int s = atomic_load_explicit(&t->speed, memory_order_relaxed) - delta;
    s = s < 0 ? 0 : s >= APP_SPEED_LEVELS ? APP_SPEED_LEVELS - 1 : s;
    atomic_store_explicit(&t->speed, s, memory_order_relaxed);
    command_done(t);
}

double app_trainer_throughput(const AppTrainer *t) {
    if (!t) return 0;
    double secs = atomic_load(&((AppTrainer *)t)->run_seconds);
    long long n = atomic_load(&((AppTrainer *)t)->samples);
    return secs > 0 ? (double)n / secs : 0;
}
