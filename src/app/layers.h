/* Each pane's plot as one opaque image composited on the CPU from the views' layers
 * (toolview.h: the scatter, a manifold grid, the q(z) map), in table order, again only
 * when a layer, the view or the plot's size changes. A frame then copies one image per
 * plot: in software, a texture stretched and blended over the plot would be redone in
 * every frame and in every partial pass that draws the plot. */
#ifndef APP_LAYERS_H
#define APP_LAYERS_H

#include <stdint.h>

#include "gfx.h"
#include "toolbox.h"

typedef struct AppTools AppTools;

typedef struct {
    SDL_Texture *tex;
    uint32_t *pixels;
    int w, h, valid;
    AppView view;
    uint64_t key[APP_MAX_TOOLS]; /* each view's layer_key when composited */
} AppPlotImage;

typedef struct {
    AppPlotImage plot[APP_MAX_PANES];
} AppLayers;

/* k with v mixed in, never 0 (a layer's key: 0 is "nothing to paint"). */
static inline uint64_t app_layer_key(uint64_t k, uint64_t v) {
    k ^= v + 0x9e3779b97f4a7c15ull + (k << 6) + (k >> 2);
    return k ? k : 1;
}

/* src (sw, sh, premultiplied ARGB) over a plot's w x h pixels at view v, its edges at the
 * latent extent zx0..zx1, zy0..zy1 (vae_plane_over): for a view's layer_paint. */
void app_layer_over(uint32_t *px, int w, int h, const AppView *v, const uint32_t *src, int sw,
                    int sh, double zx0, double zx1, double zy0, double zy1);

/* Composites the plots whose layers changed (the update step, after the views' refreshes). */
void app_layers_refresh(AppLayers *l, const AppTools *t, const AppState *s, AppGfx *g);
/* Pane p's plot image over its whole plot area (the pane's colour while there is none). */
void app_layers_draw(const AppLayers *l, const AppState *s, AppGfx *g, int p);
void app_layers_free(AppLayers *l);

#endif
