/* The window (see window.h). */
#include "window.h"

#include <stdio.h>
#include <string.h>

#include "fileio.h"

/* Without a display SDL falls back to its invisible offscreen or dummy drivers: a window
 * nobody can see would run forever. Those drivers only when asked for by name. */
static int open_display(AppWindow *w, char *err, int err_len) {
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    if (!SDL_getenv("SDL_VIDEODRIVER") && !SDL_getenv("DISPLAY") &&
        !SDL_getenv("WAYLAND_DISPLAY")) {
        snprintf(err, (size_t)err_len,
                 "cannot open a display: neither DISPLAY nor WAYLAND_DISPLAY "
                 "is set (use xvfb-run for a headless run)");
        return -1;
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        snprintf(err, (size_t)err_len, "cannot open a display: %s", SDL_GetError());
        return -1;
    }
    w->sdl_up = 1;
    const char *drv = SDL_GetCurrentVideoDriver(), *want = SDL_getenv("SDL_VIDEODRIVER");
    if (drv && (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy")) &&
        !(want && !strcmp(want, drv))) {
        snprintf(err, (size_t)err_len,
                 "cannot open a display (is DISPLAY or WAYLAND_DISPLAY set? "
                 "use xvfb-run for a headless run)");
        return -1;
    }
    return 0;
}

/* An OpenGL renderer that is really Mesa's software rasteriser (llvmpipe, softpipe: no
 * GPU, e.g. Xvfb or a VM)? Asked of the renderer's own context, current right now. */
static int gl_is_software(SDL_Renderer *ren) {
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(ren, &info) != 0 || strncmp(info.name, "opengl", 6) != 0) return 0;
    typedef const unsigned char *(*GetString)(unsigned int);
    GetString get = (GetString)(uintptr_t)SDL_GL_GetProcAddress("glGetString");
    const char *name = get ? (const char *)get(0x1F01 /* GL_RENDERER */) : NULL;
    return name && (strstr(name, "llvmpipe") || strstr(name, "softpipe") ||
                    strstr(name, "Software Rasterizer") || strstr(name, "swrast"));
}

/* With a GPU: SDL's accelerated renderer, vsync'd. Without one (Xvfb, a VM: Mesa's
 * llvmpipe), SDL's software renderer drawing straight into the window's shared-memory
 * image: llvmpipe spends more CPU than a whole software frame on threads that compete with
 * the trainer, and the image kept between frames lets a frame in which only the pointer
 * moved redraw just the pixels that change (retained). A display without a refresh rate
 * (Xvfb, offscreen) is taken as GPU-less without asking GL, which would map tens of MB of
 * LLVM; SDL_RENDER_DRIVER still picks a driver by name. */
static SDL_Renderer *create_renderer(AppWindow *w) {
    SDL_SetHint(SDL_HINT_RENDER_BATCHING, "1"); /* also when a driver is named (no own GL) */
    const char *want = SDL_GetHint(SDL_HINT_RENDER_DRIVER);
    SDL_DisplayMode mode;
    int idx = SDL_GetWindowDisplayIndex(w->win);
    int no_refresh =
        SDL_GetCurrentDisplayMode(idx < 0 ? 0 : idx, &mode) == 0 && mode.refresh_rate == 0;
    int software = want && *want ? !strcmp(want, "software") : no_refresh;
    SDL_Renderer *ren = NULL;
    if (!software) {
        ren = SDL_CreateRenderer(w->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
        if (ren && !(want && *want) && gl_is_software(ren)) {
            SDL_DestroyRenderer(ren);
            ren = NULL;
        }
        software = !ren;
    }
    if (software) {
        /* the window's own (XShm) image, not one uploaded into a GL texture every frame */
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        ren = SDL_CreateRenderer(w->win, -1, SDL_RENDERER_SOFTWARE);
        w->retained = ren != NULL;
    }
    if (!ren) return NULL;
    /* Without a vblank to wait for (no refresh rate) SDL would only simulate vsync by
     * sleeping inside present: the loop paces itself, so that present measures real work.
     * The software renderer never waits either. */
    if (w->retained || no_refresh) SDL_RenderSetVSync(ren, 0);
    SDL_RendererInfo info;
    w->vsync = !w->retained && SDL_GetRendererInfo(ren, &info) == 0 &&
               (info.flags & SDL_RENDERER_PRESENTVSYNC) != 0;
    /* opaque by default: blending costs fill rate in software; translucent draws switch
     * it on and back */
    SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_NONE);
    return ren;
}

int app_window_open(AppWindow *w, const AppOptions *o, AppGfx *g, char *err, int err_len) {
    memset(w, 0, sizeof *w);
    if (open_display(w, err, err_len) != 0) return -1;
    w->win = SDL_CreateWindow("vae-explorer", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                              o->width, o->height, SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!w->win) {
        snprintf(err, (size_t)err_len, "cannot open a window: %s", SDL_GetError());
        return -1;
    }
    g->ren = create_renderer(w);
    if (!g->ren) {
        snprintf(err, (size_t)err_len, "cannot create a renderer: %s", SDL_GetError());
        return -1;
    }
    g->opaque_format = w->retained && SDL_GetWindowPixelFormat(w->win) == SDL_PIXELFORMAT_RGB888
                           ? SDL_PIXELFORMAT_RGB888
                           : SDL_PIXELFORMAT_ARGB8888;
    return 0;
}

void app_window_close(AppWindow *w, AppGfx *g) {
    if (g->ren) SDL_DestroyRenderer(g->ren);
    g->ren = NULL;
    if (w->win) SDL_DestroyWindow(w->win);
    if (w->sdl_up) SDL_Quit();
    memset(w, 0, sizeof *w);
}

void app_window_layout(AppWindow *w, AppState *s, AppGfx *g) {
    SDL_GetWindowSize(w->win, &w->w_pt, &w->h_pt);
    SDL_GetRendererOutputSize(g->ren, &s->width, &s->height);
    g->u = w->w_pt > 0 ? (float)s->width / (float)w->w_pt : 1;
    if (g->u < 1) g->u = 1;
    s->u = g->u;
    int W = s->width, H = s->height, P = app_px(g, 500);
    if (P > W * 45 / 100) P = W * 45 / 100;
    s->panel = (AppRect){W - P, 0, P, H};
    int n = s->n_panes, plane_w = W - P, band = s->band_pt > 0 ? app_px(g, s->band_pt) : 0;
    if (band > H / 4) band = H / 4;
    s->band = (AppRect){0, H - band, plane_w, band};
    H -= band;
    for (int i = 0; i < n; i++) {
        AppPane *p = &s->pane[i];
        int fx = plane_w * i / n, fw = plane_w / n;
        p->frame = (AppRect){fx, 0, fw, H};
        p->plot = (AppRect){fx + app_px(g, 56), app_px(g, 42), fw - app_px(g, 56) - app_px(g, 16),
                            H - app_px(g, 42) - app_px(g, 48)};
        if (p->plot.w < 16) p->plot.w = 16;
        if (p->plot.h < 16) p->plot.h = 16;
        p->rect = p->plot;
    }
    s->layout_dirty = 0;
}

/* Band by band from the renderer into the PNG encoder: a whole-window copy would add 4 MB
 * to the explorer's peak memory. */
typedef struct {
    SDL_Renderer *ren;
    int w;
} Band;

static int read_band(void *ctx, int y0, int n, uint8_t *dst) {
    const Band *b = ctx;
    SDL_Rect r = {0, y0, b->w, n};
    return SDL_RenderReadPixels(b->ren, &r, SDL_PIXELFORMAT_RGB24, dst, b->w * 3);
}

int app_window_screenshot(const AppState *s, AppGfx *g, const char *path, char *err, int err_len) {
    char e[VAE_ERR_LEN];
    Band b = {g->ren, s->width};
    if (vae_png_write_rows(path, s->width, s->height, 3, read_band, &b, e) == VAE_OK) return 0;
    snprintf(err, (size_t)err_len, "screenshot: %s (%s)", e, SDL_GetError());
    return -1;
}
