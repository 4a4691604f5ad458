/* The hover tool's state (tool_hover.c): for the shown image under the pointer, each
 * pane's reconstruction and samples of its posterior q(z|x), read by its view. */
#ifndef APP_HOVER_H
#define APP_HOVER_H

#include <stdint.h>

#include "sizes.h"

#define APP_POST_SAMPLES 200 /* samples of q(z|x) drawn for a hovered image */
#define APP_POST_DECODED 9   /* of them decoded in the dock (key E) */

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
    /* the first APP_POST_DECODED samples decoded (key E), for the posterior above */
    float *decoded;    /* (APP_POST_DECODED, pixels) */
    int decoded_valid; /* of the posterior samples of post_idx / post_seq, */
    int decoded_stale; /* ... or of older ones, until app_decode_due */
    uint64_t decoded_seq;
    unsigned decoded_version;
} AppHoverPane;

typedef struct {
    int decode_samples; /* key E: decode samples of the hovered image's posterior */
    AppHoverPane pane[APP_MAX_PANES];
} AppHover;

#endif
