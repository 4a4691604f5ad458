/* The S key: the models as checkpoints under models/, named by kind and step. The window
 * saves a snapshot that holds whole models (--no-train); while training, the trainer
 * thread saves its live models (its snapshots carry no encoders), off the render loop. */
#ifndef APP_SAVE_H
#define APP_SAVE_H

#include <stdint.h>

#include "model.h"
#include "sizes.h"

typedef struct {
    const char *dataset;
    int64_t step;
    int epoch;
    float beta[APP_MAX_MODELS]; /* each model's KL weight (an AE is saved with 0) */
    uint64_t seed;              /* model m was started from seed + m */
} AppSaveInfo;

/* mkdir dir unless it exists: 0, or -1 with a sentence in err. */
int app_ensure_dir(const char *dir, char *err, int err_len);

/* Save models[0..n) as models/<kind>-step<N>.safetensors: 0 with "saved A and B" in msg,
 * or -1 with why not. A second model of a kind is models/<kind>-<n>-step<N>. */
int app_save_models(const VaeModel *const *models, int n_models, const AppSaveInfo *info, char *msg,
                    int msg_len);

#endif
