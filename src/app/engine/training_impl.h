/* The training thread's state, shared by its loop (training.c) and the commands the UI
 * thread gives it (training_commands.c). Who may touch what is said field by field: the
 * atomics cross threads, everything else is the trainer thread's. */
#ifndef APP_TRAINING_IMPL_H
#define APP_TRAINING_IMPL_H

#include <pthread.h>
#include <string.h>

#include "latent_worker.h"
#include "recorder.h"
#include "training.h"

/* What the loop remembers between turns (trainer thread only). */
typedef struct {
    int settings_seen, resets_seen, saves_seen, forks_seen;
    int paused, last_paused, last_speed;
    int force; /* publish at once: a command's state goes on screen */
    int epochs_done_paused;
    unsigned commands; /* the count read at the start of this turn */
    double t_pub, t_lat, t_eval, encode_s;
    double rate, t_rate; /* samples/s, smoothed, and when it was last measured */
    long long samples_rate;
} Loop;

/* The trainer's side of the window's recording (training_record.c; trainer thread only). */
#define APP_RECORD_QUEUE 256 /* settings changes waiting for the recording's lock */
typedef struct {
    AppRecorder *out;   /* the session's; NULL: not recording */
    VaeRecording *next; /* a new run's recording, until the lock lets it replace the old */
    int failed;         /* an addition failed: no more frames until the next recording */
    int pending;        /* the lock was busy: try again at the next turn of the loop */
    uint64_t latents_seq;
    int64_t dec_step, curve_step; /* the last decoders and loss point recorded, -1: none */
    VaeRecordEvent queue[APP_RECORD_QUEUE];
    int n_queue;
    float value[VAE_EVENT_KINDS][APP_MAX_MODELS]; /* the settings last queued (NaN: none) */
    int paused;                                   /* the pause state last queued, -1: none */
} AppTrainRecord;

struct AppTrainer {
    pthread_t thread;
    int started;
    AppSnapshotBox *box;
    const VaeDataset *ds;
    const VaeSplit *shown; /* whose latents the snapshots carry */
    int n_models, epochs;
    int n_first;                         /* models at the start (forks come after them) */
    VaeKind kind[APP_MAX_MODELS];        /* of each model (the UI reads it: set before models_ui) */
    atomic_int models_ui;                /* n_models for the UI thread, stored after kind[] */
    int fork_of[APP_MAX_MODELS];         /* the model a fork follows, -1 for the others */
    char label[APP_MAX_MODELS][48];      /* "VAE", "VAE beta=4" */
    uint64_t model_seed[APP_MAX_MODELS]; /* each model's seed (a reset starts it afresh) */
    uint64_t seed;
    VaeTrainer *tr[APP_MAX_MODELS];  /* NULL for a model nothing trains: */
    VaeModel fitted[APP_MAX_MODELS]; /* a PCA, computed in closed form (held whole) */
    int lead;                        /* the first model trained: the session's steps are its */
    VaeTrainShared *shared;          /* the trainers' workers and gradients: they step in turn */
    AppLatentWorker *worker;         /* the latents, beside the training */
    VaeSplitEncoder *sync_enc;       /* the same on this thread, for a command's state */
    unsigned state_gen;              /* bumped by every such encode: older worker jobs are stale */
    /* start-up: the thread creates the trainers, then reports (1 ok, -1 start_err) */
    const AppTrainerConfig *start_cfg;
    atomic_int start_state;
    char start_err[256];
    /* commands (UI -> trainer) */
    atomic_int stop, paused, speed;
    atomic_uint commands;   /* bumped after every command (see command_done) */
    unsigned commands_seen; /* the commands the next snapshot includes */
    atomic_int step_requests, reset_requests, save_requests;
    atomic_uint setting_bits[APP_N_SETTINGS][APP_MAX_MODELS]; /* float bits of the values */
    atomic_int settings_gen;
    AppFork forks[APP_MAX_MODELS]; /* fork k is written, then fork_requests counts it */
    atomic_int fork_requests;
    atomic_int want_encoders; /* snapshots carry the encoders too (app_trainer_want_encoders) */
    /* throughput (trainer -> UI, read at exit) */
    _Atomic double run_seconds;
    _Atomic long long samples;
    /* trainer-thread state */
    AppHistory hist;
    char message[160]; /* the last event (guards, errors) */
    int n_events;
    float beta_eff[APP_MAX_MODELS];
    AppSnapshot *reuse;
    uint64_t seq;
    int64_t latents_step;
    uint64_t latents_seq;
    float *last_mu[APP_MAX_MODELS]; /* latents of the last encode, (n_shown, latent) */
    float *last_lv[APP_MAX_MODELS]; /* and their logvar */
    VaeLatentStats last_stats[APP_MAX_MODELS];
    unsigned saves; /* saves made, and the last one's result */
    int save_failed;
    char save_msg[320];
    AppTrainRecord record;
};

/* Model m as it is now: its trainer's, or the fitted one. */
static inline const VaeModel *app_model_of(const AppTrainer *t, int m) {
    return t->tr[m] ? vae_trainer_model(t->tr[m]) : &t->fitted[m];
}

/* The session's step and epoch: the first trained model's (forks share them). */
static inline int64_t app_lead_steps(const AppTrainer *t) {
    return vae_trainer_steps(t->tr[t->lead]);
}

/* A trainer event (a guard, an error): the snapshot's message, and the window's stderr. */
void app_trainer_log(AppTrainer *t, const char *msg);

/* The recording (training_record.c). restart: a new one for the models there are now (at
 * the start, after a reset or a fork); settings: queue the changes since the last call;
 * publish: after a publication, add what is queued and the latents just published. */
void app_record_restart(AppTrainer *t);
void app_record_settings(AppTrainer *t, int paused);
void app_record_publish(AppTrainer *t);
void app_record_free(AppTrainer *t);

static inline unsigned app_f2u(float f) {
    unsigned u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float app_u2f(unsigned u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* The value of a setting of model m, as the UI last set it. */
static inline float app_setting(const AppTrainer *t, AppSetting what, int m) {
    return app_u2f(
        atomic_load_explicit(&((AppTrainer *)t)->setting_bits[what][m], memory_order_relaxed));
}

#endif
