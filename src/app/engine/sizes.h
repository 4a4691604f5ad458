/* The explorer's fixed sizes, shared by the engine and the front. */
#ifndef APP_SIZES_H
#define APP_SIZES_H

#define APP_MAX_MODELS 4    /* models trained or loaded side by side */
#define APP_MAX_PANES 4     /* latent planes shown side by side */
#define APP_PIXELS_MAX 4096 /* largest image (rows * cols) the explorer shows */
#define APP_DECODE_BATCH 64 /* rows of the render thread's decode workspaces */

#endif
