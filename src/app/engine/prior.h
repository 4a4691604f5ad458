/* The prior-samples tool's state (tool_prior.c): K codes z ~ N(0, I), the same for every
 * pane, and each pane's model's decodes of them, read by its view. */
#ifndef APP_PRIOR_H
#define APP_PRIOR_H

#include <stdint.h>

#include "model.h"
#include "sizes.h"

#define APP_PRIOR_K 10

typedef struct {
    float probs[APP_PRIOR_K * APP_PIXELS_MAX];
    int model, cls, valid;
    uint64_t seq, draw; /* the snapshot and the draw decoded */
    unsigned version;   /* bumped when probs change */
} AppPriorPane;

typedef struct {
    int on;
    uint64_t draw;                         /* draws so far: the seed of the codes */
    float z[APP_PRIOR_K * VAE_MAX_LATENT]; /* (K, VAE_MAX_LATENT): every model reads its dims */
    AppPriorPane pane[APP_MAX_PANES];
} AppPrior;

#endif
