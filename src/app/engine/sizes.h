/* The explorer's fixed sizes, shared by the engine and the front. */
#ifndef APP_SIZES_H
#define APP_SIZES_H

#define APP_MAX_MODELS 4    /* models trained or loaded side by side */
#define APP_MAX_PANES 4     /* latent planes shown side by side */
#define APP_PIXELS_MAX 4096 /* largest image (rows * cols) the explorer shows */
#define APP_DECODE_BATCH 64 /* rows of the render thread's decode workspaces */
/* Decoding redone for a new snapshot, per frame (app_decode_due): ~60 decodes of the
 * reference MLP (a few conv ones), under a millisecond, so that such a frame, which draws
 * only the strips, stays far cheaper than the snapshot's own. */
#define APP_REFRESH_FLOPS 60e6

#endif
