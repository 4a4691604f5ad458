/* The manifold grid tool's state (tool_grid.c), read by its view to show the last
 * complete grid of each pane. */
#ifndef APP_GRID_H
#define APP_GRID_H

#include <stdint.h>

#include "model.h"
#include "sizes.h"
#include "view.h"

typedef struct {
    float *z;                  /* (nx * ny, latent) tile codes, row 0 at the top */
    float *probs;              /* (nx * ny, pixels) decoded tiles */
    int nx, ny, next;          /* tiles across and down, the next one to decode */
    int active;                /* decoding */
    int refresh;               /* ... only because a new snapshot came (progress not shown) */
    unsigned finished;         /* jobs completed: probs hold a whole grid when it changes */
    double zx0, zx1, zy0, zy1; /* the latent extent the tiles cover */
    /* what the job shows: */
    int model, ax[2], icdf, cls, w, h;
    AppView view;
    float base[VAE_MAX_LATENT]; /* the dimensions off the plane */
    uint64_t seq;               /* the snapshot it decodes (the newest, as it goes) */
} AppGridJob;

typedef struct {
    int on, icdf;
    AppGridJob job[APP_MAX_PANES];
} AppGrid;

#endif
