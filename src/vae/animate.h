/* A recording as an animation of the latent plane forming (`vae animate`, and the
 * explorer's export key): one pane per model side by side, each frame the scatter of a
 * recorded step coloured by class, the prior's 1, 2 and 3 sigma circles (VAE kinds), the
 * model's name and the step; optionally the manifold grid decoded with the recorded
 * decoder nearest to the step, under the points. The view is fixed for the whole
 * animation and fits each pane's final frame. Written as a looping GIF (giflib). */
#ifndef VAE_ANIMATE_H
#define VAE_ANIMATE_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "scatter.h"

#define VAE_ANIMATE_MAX_SIDE 4096
#define VAE_ANIMATE_MAX_FPS 50 /* GIF delays are in hundredths of a second */

typedef struct {
    int width, height; /* of the whole image; 0 = 480 high and 480 per pane */
    int fps;           /* 1..VAE_ANIMATE_MAX_FPS; 0 = 10 */
    int frames;        /* 1..the recording's frames; 0 = all of them, at most 100 */
    int grid;          /* the manifold grid under the points */
    int model;         /* one model's pane only, or -1: every model's */
} VaeAnimateOptions;

VaeAnimateOptions vae_animate_defaults(void);

/* What an animation became. */
typedef struct {
    int frames, width, height;
    size_t bytes; /* of the file */
} VaeAnimateInfo;

/* Check o against r and settle its zeros; VAE_ERR_ARG with a sentence naming the option
 * (--size, --fps, --frames, --model) when it cannot be drawn. */
VaeStatus vae_animate_resolve(const VaeRecording *r, VaeAnimateOptions *o, char err[VAE_ERR_LEN]);

/* The recorded frames an animation of n shows, evenly spread over the recording's (so
 * evenly in log step, as they were kept), the first and the last included: idx (n). */
void vae_animate_pick(int n_recorded, int n, int *idx);

/* Write the animation of r to path (atomically). info may be NULL. */
VaeStatus vae_animate_gif(const VaeRecording *r, const VaeAnimateOptions *o, const char *path,
                          VaeAnimateInfo *info, char err[VAE_ERR_LEN]);

#endif
