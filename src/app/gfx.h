/* What the views draw with: the renderer, the text, the pixel scale, clipping within the
 * part of the window being drawn, the marks each pane's pointer-following drawings leave
 * (what a frame in which only the pointer moved redraws), and small drawing helpers. */
#ifndef APP_GFX_H
#define APP_GFX_H

#include <SDL.h>
#include <stdint.h>

#include "sizes.h"
#include "text.h"
#include "theme.h"
#include "view.h" /* engine: AppRect, AppView */

typedef struct AppGfx {
    SDL_Renderer *ren;
    AppText text;
    float u;     /* pixels per point */
    int clipped; /* drawing only pass_clip of the window */
    SDL_Rect pass_clip;
    SDL_Rect marks[APP_MAX_PANES]; /* this frame's pointer-following marks, per pane */
} AppGfx;

static inline int app_px(const AppGfx *g, double pt) {
    return (int)(pt * g->u + 0.5);
}
static inline void app_set_color(SDL_Renderer *r, uint32_t argb) {
    SDL_SetRenderDrawColor(r, (Uint8)(argb >> 16), (Uint8)(argb >> 8), (Uint8)argb,
                           (Uint8)(argb >> 24));
}
static inline SDL_Rect app_sdl_rect(AppRect r) {
    return (SDL_Rect){r.x, r.y, r.w, r.h};
}

/* Clip drawing to r (NULL: no clip of one's own), within the part being drawn. */
void app_clip(AppGfx *g, const SDL_Rect *r);
/* Add the box (x0, y0)-(x1, y1), with a margin for line widths, inside plot, to pane's
 * marks: a mark that follows the pointer must be redrawn where it was and where it is. */
void app_mark(AppGfx *g, int pane, AppRect plot, double x0, double y0, double x1, double y1);

void app_draw_circle(SDL_Renderer *r, double cx, double cy, double rad);
void app_draw_ellipse(SDL_Renderer *r, double cx, double cy, double rx, double ry);
/* A frame one pixel outside r. */
void app_frame_rect(AppGfx *g, SDL_Rect r);
/* A dark translucent box (legends, captions). Leaves blending on. */
void app_shade_rect(AppGfx *g, SDL_Rect r, Uint8 alpha);

/* A w x h streaming texture for images (nearest-neighbour, opaque); NULL on failure. */
SDL_Texture *app_image_texture(AppGfx *g, int w, int h);
/* Probabilities (h, w) in [0, 1] as grey pixels (NaN as black). */
void app_image_upload(SDL_Texture *tex, const float *probs, int w, int h);
/* The same from bytes (a dataset image). */
void app_image_upload_bytes(SDL_Texture *tex, const uint8_t *img, int w, int h);

/* "%*.*f"; "%*.2e" from 1e5 on (a diverging run); "-" if not finite (a gap). */
const char *app_num(char *buf, size_t len, int width, int prec, double v);

#endif
