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
    /* the format of opaque textures: the window's own in software (XRGB8888), where a copy
     * in another format goes pixel by pixel and a scaled one through a temporary surface;
     * else ARGB8888. Pixels are written 0xffRRGGBB either way. */
    Uint32 opaque_format;
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
/* Narrow the part being drawn to r (and a 2-pixel margin, for frames around images) until
 * app_clip_pop(saved): a panel section or a dock strip draws nothing outside its
 * rectangle (four panes leave a strip little room), and a view's own app_clip stays
 * inside it. */
typedef struct {
    int clipped;
    SDL_Rect pass_clip;
} AppClipSave;
AppClipSave app_clip_push(AppGfx *g, SDL_Rect r);
void app_clip_pop(AppGfx *g, AppClipSave saved);
/* Add the box (x0, y0)-(x1, y1), with a margin for line widths, inside plot, to pane's
 * marks: a mark that follows the pointer must be redrawn where it was and where it is. */
void app_mark(AppGfx *g, int pane, AppRect plot, double x0, double y0, double x1, double y1);

/* Whether the box (x0, y0)-(x1, y1) meets the part of the window being drawn: a view may
 * skip what would be clipped away (a partial frame draws once per changed rectangle). */
int app_in_pass(const AppGfx *g, double x0, double y0, double x1, double y1);

void app_draw_circle(SDL_Renderer *r, double cx, double cy, double rad);
void app_draw_ellipse(SDL_Renderer *r, double cx, double cy, double rx, double ry);
/* A frame one pixel outside r. */
void app_frame_rect(AppGfx *g, SDL_Rect r);
/* A dark translucent box (legends, captions). Leaves blending off. */
void app_shade_rect(AppGfx *g, SDL_Rect r, Uint8 alpha);

/* A w x h streaming texture for images (nearest-neighbour, opaque); NULL on failure. */
SDL_Texture *app_image_texture(AppGfx *g, int w, int h);
/* Probabilities (h, w) in [0, 1] as grey pixels (NaN as black). */
void app_image_upload(SDL_Texture *tex, const float *probs, int w, int h);
/* The same from bytes (a dataset image). */
void app_image_upload_bytes(SDL_Texture *tex, const uint8_t *img, int w, int h);
/* An image's place: the pane's background in a frame, with tex in it (none: empty). */
void app_image_box(AppGfx *g, SDL_Texture *tex, SDL_Rect dst);

/* The width in pixels of each of n images `cols` pixels wide in a row of width pixels,
 * with gaps of gap pixels and extra pixels besides: a whole multiple of cols up to 3x (the
 * pixels stay square), or below 1x when even that does not fit (four panes), down to half
 * (SDL scales the textures). Heights follow as cell * rows / cols. */
int app_strip_cell(const AppGfx *g, int width, int n, int gap, int extra, int cols);

/* The first of n texts (the longest first) no wider than width pixels in font f, else
 * the last: a caption's wording for the room it has. */
const char *app_text_fitting(AppGfx *g, AppFont f, int width, char (*texts)[192], int n);
/* Draw s left-aligned at (x, y), cut to width pixels with an ellipsis if it is wider. */
int app_text_draw_within(AppGfx *g, AppFont f, const char *s, int x, int y, int width, uint32_t c);
int app_text_drawf_within(AppGfx *g, AppFont f, int x, int y, int width, uint32_t c,
                          const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* "%*.*f"; "%*.2e" from 1e5 on (a diverging run); "-" if not finite (a gap). */
const char *app_num(char *buf, size_t len, int width, int prec, double v);

#endif
