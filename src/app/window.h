/* The window: checking there is a display to show it on, opening it, choosing the
 * renderer (software, drawing into the window's own image, where there is no GPU), the
 * layout of panes and panel, and the screenshot. All SDL calls of the front happen on
 * this (the main) thread. */
#ifndef APP_WINDOW_H
#define APP_WINDOW_H

#include <SDL.h>

#include "gfx.h"
#include "state.h"

typedef struct {
    SDL_Window *win;
    int sdl_up;
    int vsync;    /* present waits for the display's refresh */
    int retained; /* the software renderer on the window's image: pixels persist */
    int w_pt, h_pt;
} AppWindow;

/* SDL, the window and the renderer (into g->ren). 0, or -1 with a sentence in err. */
int app_window_open(AppWindow *w, const AppOptions *o, AppGfx *g, char *err, int err_len);
void app_window_close(AppWindow *w, AppGfx *g);
/* The sizes (and pixels per point) of the window, the panel and the panes. */
void app_window_layout(AppWindow *w, AppState *s, AppGfx *g);
/* The frame just drawn as a PNG at path, read back band by band. 0, or -1 with err. */
int app_window_screenshot(const AppState *s, AppGfx *g, const char *path, char *err, int err_len);

#endif
