/* The recording's memory, shared by record.c (recording, thinning, reading) and
 * record_file.c (saving, loading, validation). */
#ifndef VAE_RECORD_IMPL_H
#define VAE_RECORD_IMPL_H

#include "record.h"

/* Entries thinned in log(1 + step): cap slots, used in the order of their steps. */
typedef struct {
    int cap, n;
    int *order;    /* (cap) slots, oldest first */
    int64_t *step; /* (cap) by slot */
} VaeThinPool;

/* One tensor of a model's decoder (or flows) inside a decoder slot. */
typedef struct {
    char name[32]; /* "dec.0.weight" */
    int ndim, shape[4];
    size_t arena; /* offset in the model's parameter arena, floats */
    size_t at;    /* offset in the slot, halves */
    size_t size;
} VaeDecTensor;

struct VaeRecording {
    VaeRecordSetup setup;
    int n_points;
    uint8_t *labels; /* (n_points) */

    /* frames: every model's mu then logvar (if it has one), halves */
    VaeThinPool frames;
    size_t frame_halves;                 /* per slot */
    size_t mu_at[VAE_RECORD_MAX_MODELS]; /* in a slot, halves */
    size_t lv_at[VAE_RECORD_MAX_MODELS]; /* SIZE_MAX: no logvar (an AE) */
    uint16_t *frame_pool;                /* (frames.cap, frame_halves) */
    VaeRecordLoss *frame_loss;           /* (frames.cap, n_models) by slot */

    /* decoders: every model's decoder and flow tensors, packed, halves */
    VaeThinPool decoders;
    size_t dec_halves;
    int n_dec_tensors[VAE_RECORD_MAX_MODELS];
    VaeDecTensor dec_tensor[VAE_RECORD_MAX_MODELS][VAE_MAX_PARAMS];
    uint16_t *dec_pool; /* (decoders.cap, dec_halves) */

    VaeRecordEvent *events; /* (VAE_RECORD_MAX_EVENTS) */
    int n_events;
    int64_t *curve_step;  /* (VAE_RECORD_CURVE_CAP) */
    VaeRecordLoss *curve; /* (VAE_RECORD_CURVE_CAP, n_models) */
    int n_curve;
};

/* A recording's layout for setup and n_points (frame and decoder slots), nothing else
 * allocated: a file's tensors are checked against it before the pools exist. */
VaeStatus vae_recording_begin(VaeRecording **out, const VaeRecordSetup *setup, int n_points,
                              char err[VAE_ERR_LEN]);
/* Then its pools with these capacities (at least 2 each), empty, labels zero. */
VaeStatus vae_recording_pools(VaeRecording *r, int cap_frames, int cap_decoders,
                              char err[VAE_ERR_LEN]);

static inline int vae_record_has_logvar(const VaeConfig *c) {
    return vae_kind_is_stochastic(c->kind);
}

#endif
