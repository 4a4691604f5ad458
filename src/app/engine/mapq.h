/* The aggregate-posterior map tool's state (tool_mapq.c): per pane, the last computed
 * grid of log q(z) and log p(z) over the view, read by its view. */
#ifndef APP_MAPQ_H
#define APP_MAPQ_H

#include <stdint.h>

#include "density.h"
#include "sizes.h"
#include "view.h"

typedef struct {
    AppDensity job; /* the computation (the worker's while running) */
    float *mu, *lv; /* the job's copies of the codes */
    int running;
    /* what the job computes */
    uint64_t latents_seq;
    int model, ax[2], w, h;
    AppView view;
    /* the last result */
    float *log_q, *log_p; /* (gh, gw) */
    int gw, gh, valid;
    double x0, x1, y0, y1, hole_mass;
    int has_sigma; /* a VAE's posterior (else a kernel density of an AE's codes) */
    unsigned version;
} AppMapPane;

typedef struct {
    int on;
    AppMapPane pane[APP_MAX_PANES];
} AppMap;

#endif
