/* Immutable training snapshots and their lock-free hand-off from the trainer thread to
 * the render thread. A snapshot owns copies of the models' parameters, the latents of
 * the images on the plane, the loss history and the training status; once published it
 * is never written. */
#ifndef APP_SNAPSHOT_H
#define APP_SNAPSHOT_H

#include <stdatomic.h>
#include <stdint.h>

#include "history.h"
#include "latents.h"
#include "model.h"

/* How a model trains (its likelihood is in its configuration). */
typedef struct {
    float beta, lr;
    float beta_eff;  /* beta after KL warm-up (the last step's) */
    int kl_warmup;   /* warm-up steps (0 = none) */
    float free_bits; /* per-dimension KL floor, nats (0 = off) */
    float dropout;   /* input and z dropout (0 = off) */
    char label[48];  /* "VAE", "VAE beta=4" (a fork); "" for the kind's name */
    int fork_of;     /* the model a fork follows, else -1 */
} AppModelInfo;

typedef struct AppSnapshot {
    uint64_t seq;       /* publication number, from 1 */
    double published_s; /* CLOCK_MONOTONIC seconds at publication (set by app_box_publish) */
    unsigned commands;  /* the trainer's commands (app_trainer_commands) this state includes */
    int n_models;
    /* Own arenas. A trainer's snapshots hold only the decoders and flows (encoders): the
     * window decodes, takes the posterior of a test image from mu and lv below, and asks
     * the trainer to save; the encoder tensors' pages are never written (vae_model_init
     * calloc's), which saves half of each model's memory per snapshot. */
    VaeModel model[APP_MAX_MODELS];
    int encoders;              /* 1: the encoder tensors are filled too (checkpoints; a trainer's
                                  while a tool asks: app_trainer_want_encoders) */
    int n_points;              /* test images */
    float *mu[APP_MAX_MODELS]; /* (n_points, latent of that model): mu per test image */
    float *lv[APP_MAX_MODELS]; /* (n_points, latent): its logvar (0 for an AE) */
    int mu_latent[APP_MAX_MODELS];         /* allocation shape of mu (internal) */
    VaeLatentStats lstats[APP_MAX_MODELS]; /* per-dimension KL and activity, with mu */
    int64_t latents_step;                  /* step at which the latents were computed */
    uint64_t latents_seq;                  /* seq of the snapshot that computed them */
    AppLossPoint *hist;                    /* (n_hist), oldest first */
    int n_hist, cap_hist;
    int64_t step;         /* steps of the first model (each model takes one in turn) */
    int epoch;            /* epoch in progress (0-based) */
    double samples_per_s; /* all models together */
    AppModelInfo info[APP_MAX_MODELS];
    int paused;
    int speed;         /* speed level, 0 = full */
    char message[160]; /* last event of the trainer (guards, errors), "" if none */
    unsigned saves;    /* saves the trainer has made (app_trainer_save), the last: */
    int save_failed;
    char save_msg[320]; /* "saved A and B" or why not */
    int n_events;       /* events so far (a new one can repeat the last text) */
} AppSnapshot;

/* Make dst a snapshot of the given models (copied into dst's arenas when their shapes
 * match, so a recycled snapshot does not allocate): the whole models if encoders, else
 * the decoders and flows only. The latents, history and status are filled by the caller.
 * 0 on success, -1 on allocation failure. */
int app_snapshot_set_models(AppSnapshot *dst, const VaeModel *const *models, int n_models,
                            int n_points, int encoders);
/* Make dst's arenas fit models of these configurations and n_points latents (kept when
 * they do, so a recycled snapshot does not allocate), copying nothing. 0 / -1. */
int app_snapshot_shape(AppSnapshot *dst, const VaeConfig *const *cfg, int n_models, int n_points,
                       int encoders);
/* Copy n points of history into dst (growing its buffer). 0 / -1. */
int app_snapshot_set_history(AppSnapshot *dst, const AppLossPoint *hist, int n);
AppSnapshot *app_snapshot_create(void); /* zeroed, or NULL */
void app_snapshot_free(AppSnapshot *s); /* NULL is fine */
/* Snapshots alive in the process (for leak checks in tests). */
long app_snapshot_live(void);

/* The hand-off: two atomic mailboxes. `ready` carries the newest published snapshot to
 * the reader; `spare` carries consumed ones back to the writer for reuse. Each exchange
 * transfers exclusive ownership, so neither side ever waits or reads memory the other
 * may write. At most APP_BOX_SNAPSHOTS exist: the reader's current one and one the writer
 * fills, publishes, and takes back to refill while it is still unread. */
#define APP_BOX_SNAPSHOTS 2
typedef struct {
    _Atomic(AppSnapshot *) ready;
    _Atomic(AppSnapshot *) spare;
    atomic_int live; /* snapshots of this box in existence */
} AppSnapshotBox;

void app_box_init(AppSnapshotBox *b);
/* Writer: a snapshot to fill: the spare, else the published one the reader has not
 * taken yet (it is unpublished), else a new zeroed one while fewer than
 * APP_BOX_SNAPSHOTS exist. NULL if none is free at this instant (the reader is between
 * taking a new snapshot and handing back its old one: try again later) or out of memory. */
AppSnapshot *app_box_acquire(AppSnapshotBox *b);
/* Writer: publish s. If the reader had not taken the previous one yet, it comes back
 * in *reuse (else NULL) for the writer to fill next. */
void app_box_publish(AppSnapshotBox *b, AppSnapshot *s, AppSnapshot **reuse);
/* Reader: the newest published snapshot, or current if nothing new. When a new one is
 * returned, current is handed back to the writer. Never blocks. */
AppSnapshot *app_box_take(AppSnapshotBox *b, AppSnapshot *current);
/* Writer: free a snapshot it acquired but will not publish. */
void app_box_discard(AppSnapshotBox *b, AppSnapshot *s);
/* Free what is still in the mailboxes (both threads must be done). */
void app_box_destroy(AppSnapshotBox *b);

#endif
