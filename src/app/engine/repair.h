/* The repair tool's state (tool_repair.c): an image (the drawn or loaded one, else the
 * test image last hovered) corrupted with noise and a painted mask of missing pixels, each
 * model's one-pass reconstruction of it, and each model's iterative inpainting of the
 * missing pixels (Rezende, Mohamed & Wierstra 2014, 5.3), one iteration a frame so that
 * the window animates the chain. Read by its view and the tests. */
#ifndef APP_REPAIR_H
#define APP_REPAIR_H

#include <stdint.h>

#include "image.h"
#include "rng.h"
#include "sizes.h"
#include "state.h"

#define APP_REPAIR_ITERS 60 /* inpainting iterations shown */

typedef enum { APP_NOISE_NONE, APP_NOISE_GAUSS, APP_NOISE_SALT_PEPPER, APP_NOISE_KINDS } AppNoise;

typedef enum { APP_SOURCE_NONE, APP_SOURCE_DRAWN, APP_SOURCE_TEST } AppRepairSource;

typedef struct {
    int on;
    AppNoise noise;
    float level[APP_NOISE_KINDS]; /* Gaussian sigma; salt-and-pepper probability */
    /* the mask of missing pixels, painted on the input (any pane's strip) */
    float mask_ink[VAE_MNIST_PIXELS];
    uint8_t mask[VAE_MNIST_PIXELS];
    int n_missing;
    int stroke;           /* 0 none, 1 masking, 2 unmasking */
    float last_x, last_y; /* the stroke's last point, image pixels */
    int input_x[APP_MAX_PANES], input_y[APP_MAX_PANES], input_side[APP_MAX_PANES]; /* pixels */
    /* the clean image and where it came from */
    AppRepairSource source;
    int source_index;        /* the test image (APP_SOURCE_TEST) */
    int pinned;              /* a clicked test image (-1: none: the hovered one is taken) */
    unsigned source_version; /* s->drawn_version it was copied at (APP_SOURCE_DRAWN) */
    float clean[VAE_MNIST_PIXELS];
    float input[VAE_MNIST_PIXELS]; /* corrupted */
    int dirty;                     /* input to be made again */
    unsigned version;              /* of input */
    /* per model: one pass, and the inpainting chain */
    float recon[APP_MAX_MODELS][VAE_MNIST_PIXELS];
    float chain[APP_MAX_MODELS][VAE_MNIST_PIXELS];
    int iter[APP_MAX_MODELS]; /* iterations the chain has had */
    VaeRng rng[APP_MAX_MODELS];
    uint64_t recon_seq[APP_MAX_MODELS]; /* snapshot of recon (0 = none) */
    unsigned results;                   /* bumped when recon or a chain changes */
    int asked_encoders;
} AppRepair;

/* The corrupted input from clean: noise (seeded, so it holds still), then the missing
 * pixels set to 0. */
void app_repair_corrupt(const AppRepair *r, float *out);

#endif
