/* The hover tool's state (tool_hover.c): for the shown image under the pointer, each
 * pane's reconstruction and samples of its posterior q(z|x), read by its view. */
#ifndef APP_HOVER_H
#define APP_HOVER_H

#include <stdint.h>

#include "sizes.h"

#define APP_POST_SAMPLES 200 /* samples of q(z|x) drawn for a hovered image */

typedef struct {
    /* the reconstruction (decode of the image's mu), for image idx of snapshot seq */
    float recon[APP_PIXELS_MAX];
    int recon_idx, recon_model;
    uint64_t recon_seq;
    unsigned recon_version; /* bumped when recon changes */
    /* samples of q(z|x) (VAE kinds): before and after the flows (the same without) */
    float *z0, *zk;     /* (APP_POST_SAMPLES, latent) */
    float mu[2], sd[2]; /* the Gaussian's mean and deviation on the pane's axes */
    int post_idx, post_model, post_valid;
    uint64_t post_seq;
} AppHoverPane;

typedef struct {
    AppHoverPane pane[APP_MAX_PANES];
} AppHover;

#endif
