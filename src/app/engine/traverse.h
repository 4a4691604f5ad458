/* The traversal tool's state (tool_traverse.c): per pane, a code (the hovered image's,
 * else the cursor's) and its model's decodes as each latent dimension in turn goes from
 * -2 to +2 around it, the dimensions with the largest KL first, read by its view. */
#ifndef APP_TRAVERSE_H
#define APP_TRAVERSE_H

#include <stdint.h>

#include "model.h"
#include "sizes.h"

#define APP_TRAV_STEPS 9        /* per dimension: -2, -1.5, ..., +2 around the code */
#define APP_TRAV_ROWS 12        /* dimensions decoded at most, largest KL first */
#define APP_TRAV_COLLAPSED 0.1f /* a dimension with less KL (nats) carries nothing */
#define APP_TRAV_EVERY_S 0.1    /* decodes follow a moving code at most this often */

typedef struct {
    int L, n_rows;
    int dims[APP_TRAV_ROWS]; /* each row's dimension */
    float kl[APP_TRAV_ROWS]; /* its KL to the prior, nats (an AE: its Var[mu]) */
    int has_kl;              /* kl is a KL (a VAE kind), else Var[mu] */
    float z[VAE_MAX_LATENT]; /* the code traversed */
    int img;                 /* its image, or -1: the cursor's code */
    float codes[APP_TRAV_ROWS * APP_TRAV_STEPS * VAE_MAX_LATENT]; /* (rows, steps, L) */
    float *probs;                                                 /* (rows, steps, pixels) */
    int valid, model, cls;
    uint64_t seq;
    double decoded_at; /* AppState.now of the last decode */
    unsigned version;  /* bumped when probs change */
} AppTravPane;

typedef struct {
    int on;
    AppTravPane pane[APP_MAX_PANES];
} AppTrav;

#endif
