/* Drawing helpers of the views (see gfx.h). */
#include "gfx.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void app_clip(AppGfx *g, const SDL_Rect *r) {
    SDL_Rect c;
    if (r && g->clipped)
        SDL_RenderSetClipRect(
            g->ren, SDL_IntersectRect(r, &g->pass_clip, &c) ? &c : &(SDL_Rect){0, 0, 0, 0});
    else
        SDL_RenderSetClipRect(g->ren, r ? r : g->clipped ? &g->pass_clip : NULL);
}

AppClipSave app_clip_push(AppGfx *g, SDL_Rect r) {
    AppClipSave saved = {g->clipped, g->pass_clip};
    r = (SDL_Rect){r.x - 2, r.y - 2, r.w + 4, r.h + 4}; /* frames drawn just outside images */
    if (g->clipped && !SDL_IntersectRect(&r, &g->pass_clip, &r)) r = (SDL_Rect){0, 0, 0, 0};
    g->clipped = 1;
    g->pass_clip = r;
    app_clip(g, NULL);
    return saved;
}

void app_clip_pop(AppGfx *g, AppClipSave saved) {
    g->clipped = saved.clipped;
    g->pass_clip = saved.pass_clip;
    app_clip(g, NULL);
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

/* Segments of about 3 pixels: a ring of 8 pixels needs 24, not 128 (a partial frame draws
 * the marks once per pass, so small rings were a good part of its time). */
void app_draw_circle(SDL_Renderer *r, double cx, double cy, double rad) {
    double n = ceil(6.283185307179586 * rad / 3);
    polyline_ellipse(r, cx, cy, rad, rad, n < 16 ? 16 : n > 128 ? 128 : (int)n);
}

int app_in_pass(const AppGfx *g, double x0, double y0, double x1, double y1) {
    const SDL_Rect *c = &g->pass_clip;
    return !g->clipped || (x1 >= c->x && x0 < c->x + c->w && y1 >= c->y && y0 < c->y + c->h);
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
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
}

SDL_Texture *app_image_texture(AppGfx *g, int w, int h) {
    SDL_Texture *t = SDL_CreateTexture(g->ren, g->opaque_format, SDL_TEXTUREACCESS_STREAMING, w, h);
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

int app_strip_cell(const AppGfx *g, int width, int n, int gap, int extra, int cols) {
    int room = (width - extra - (n - 1) * gap) / n, most = 3 * (int)g->u;
    if (room >= cols) return (room / cols < most ? room / cols : most) * cols;
    return room > cols / 2 ? room : cols / 2;
}

const char *app_text_fitting(AppGfx *g, AppFont f, int width, char (*texts)[192], int n) {
    for (int i = 0; i < n - 1; i++)
        if (app_text_width(&g->text, f, texts[i]) <= width) return texts[i];
    return texts[n - 1];
}

int app_text_draw_within(AppGfx *g, AppFont f, const char *s, int x, int y, int width, uint32_t c) {
    if (app_text_width(&g->text, f, s) <= width)
        return app_text_draw(&g->text, f, s, x, y, c, APP_ALIGN_LEFT);
    char cut[256];
    size_t n = strlen(s);
    if (n > sizeof cut - 4) n = sizeof cut - 4;
    while (n > 0) {
        do /* back one UTF-8 character */
            n--;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80);
        memcpy(cut, s, n);
        memcpy(cut + n, "\xe2\x80\xa6", 4); /* an ellipsis and the terminator */
        if (app_text_width(&g->text, f, cut) <= width) break;
    }
    return n > 0 ? app_text_draw(&g->text, f, cut, x, y, c, APP_ALIGN_LEFT) : 0;
}

int app_text_drawf_within(AppGfx *g, AppFont f, int x, int y, int width, uint32_t c,
                          const char *fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return app_text_draw_within(g, f, buf, x, y, width, c);
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

void app_image_box(AppGfx *g, SDL_Texture *tex, SDL_Rect dst) {
    app_frame_rect(g, dst);
    if (tex && SDL_RenderCopy(g->ren, tex, NULL, &dst) == 0) return; /* opaque: no fill under */
    app_set_color(g->ren, APP_PANE_BG);
    SDL_RenderFillRect(g->ren, &dst);
}
