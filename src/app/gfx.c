/* Drawing helpers of the views (see gfx.h). */
#include "gfx.h"

#include <math.h>
#include <stdio.h>

void app_clip(AppGfx *g, const SDL_Rect *r) {
    SDL_Rect c;
    if (r && g->clipped)
        SDL_RenderSetClipRect(
            g->ren, SDL_IntersectRect(r, &g->pass_clip, &c) ? &c : &(SDL_Rect){0, 0, 0, 0});
    else
        SDL_RenderSetClipRect(g->ren, r ? r : g->clipped ? &g->pass_clip : NULL);
}

void app_mark(AppGfx *g, int pane, AppRect plot, double x0, double y0, double x1, double y1) {
    x0 = fmax(x0 - 3, plot.x), y0 = fmax(y0 - 3, plot.y);
    x1 = fmin(x1 + 4, plot.x + plot.w), y1 = fmin(y1 + 4, plot.y + plot.h);
    if (!(x0 < x1 && y0 < y1)) return;
    SDL_Rect b = {(int)x0, (int)y0, (int)ceil(x1) - (int)x0, (int)ceil(y1) - (int)y0};
    SDL_Rect *m = &g->marks[pane];
    if (SDL_RectEmpty(m))
        *m = b;
    else
        SDL_UnionRect(m, &b, m);
}

/* An ellipse as a closed polyline of n segments (n <= 128). */
static void polyline_ellipse(SDL_Renderer *r, double cx, double cy, double rx, double ry, int n) {
    SDL_FPoint pts[129];
    for (int i = 0; i <= n; i++) {
        double t = 6.283185307179586 * i / n;
        pts[i] = (SDL_FPoint){(float)(cx + rx * cos(t)), (float)(cy + ry * sin(t))};
    }
    SDL_RenderDrawLinesF(r, pts, n + 1);
}

void app_draw_circle(SDL_Renderer *r, double cx, double cy, double rad) {
    polyline_ellipse(r, cx, cy, rad, rad, 128);
}

void app_draw_ellipse(SDL_Renderer *r, double cx, double cy, double rx, double ry) {
    polyline_ellipse(r, cx, cy, rx, ry, 64);
}

void app_frame_rect(AppGfx *g, SDL_Rect r) {
    app_set_color(g->ren, APP_AXIS);
    SDL_Rect o = {r.x - 1, r.y - 1, r.w + 2, r.h + 2};
    SDL_RenderDrawRect(g->ren, &o);
}

void app_shade_rect(AppGfx *g, SDL_Rect r, Uint8 alpha) {
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(g->ren, 12, 14, 18, alpha);
    SDL_RenderFillRect(g->ren, &r);
}

SDL_Texture *app_image_texture(AppGfx *g, int w, int h) {
    SDL_Texture *t =
        SDL_CreateTexture(g->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h);
    if (!t) return NULL;
    SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
    SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE);
    return t;
}

void app_image_upload(SDL_Texture *tex, const float *probs, int w, int h) {
    void *dst;
    int pitch;
    if (!tex || SDL_LockTexture(tex, NULL, &dst, &pitch) != 0) return;
    for (int y = 0; y < h; y++) {
        Uint32 *row = (Uint32 *)((uint8_t *)dst + (size_t)y * pitch);
        for (int x = 0; x < w; x++) {
            float v = probs[y * w + x];
            Uint32 g = (Uint32)((v > 0 ? (v < 1 ? v : 1) : 0) * 255 + 0.5f); /* NaN -> 0 */
            row[x] = 0xff000000u | g << 16 | g << 8 | g;
        }
    }
    SDL_UnlockTexture(tex);
}

void app_image_upload_bytes(SDL_Texture *tex, const uint8_t *img, int w, int h) {
    void *dst;
    int pitch;
    if (!tex || SDL_LockTexture(tex, NULL, &dst, &pitch) != 0) return;
    for (int y = 0; y < h; y++) {
        Uint32 *row = (Uint32 *)((uint8_t *)dst + (size_t)y * pitch);
        for (int x = 0; x < w; x++) {
            Uint32 g = img[y * w + x];
            row[x] = 0xff000000u | g << 16 | g << 8 | g;
        }
    }
    SDL_UnlockTexture(tex);
}

const char *app_num(char *buf, size_t len, int width, int prec, double v) {
    if (!isfinite(v))
        snprintf(buf, len, "%*s", width, "-");
    else if (fabs(v) >= 1e5)
        snprintf(buf, len, "%*.2e", width, v);
    else
        snprintf(buf, len, "%*.*f", width, prec, v);
    return buf;
}
