/* The scatter layer of a pane, rasterised on the CPU: the background, tick grid lines
 * and the axes through 0, then one anti-aliased dot per image at its code, coloured by
 * class and alpha-blended in order. The front uploads it into a texture, redoing it only
 * when the view, the size or the latents change. */
#ifndef APP_SCATTER_H
#define APP_SCATTER_H

#include <stdint.h>

#include "view.h"

typedef struct {
    const float *mu; /* (n, latent) codes */
    int latent, n;
    int ax[2];             /* the dimensions on x and y */
    const uint8_t *labels; /* (n) */
} AppScatterPoints;

/* pixels (w, h), ARGB, row-major: the plot area of a pane whose view is v (as if the
 * area's origin were (0, 0)); u is pixels per point. 0, or -1 out of memory. */
int app_scatter_raster(uint32_t *pixels, int w, int h, const AppView *v, float u,
                       const AppScatterPoints *pts);

#endif
