/* The explorer's tools, each an engine half (engine/tool.h) and a view (toolview.h),
 * listed once in tools.c: their states and caches, input, update, refresh, and the
 * drawing of planes, panel and overlays in the order of the table. */
#ifndef APP_TOOLS_H
#define APP_TOOLS_H

#include "gfx.h"
#include "layers.h"
#include "toolbox.h"
#include "toolview.h"

#define APP_MAX_SECTIONS 32

/* A strip of a pane's dock placed (update step). */
typedef struct {
    int tool, pane;
    const AppStripSection *sec;
    SDL_Rect r;
} AppStripSlot;

#define APP_MAX_STRIPS (8 * APP_MAX_PANES)

/* A panel section placed (update step). */
typedef struct {
    int tool;
    const AppPanelSection *sec;
    SDL_Rect r;
} AppPanelSlot;

typedef struct AppTools {
    AppToolbox box;
    const AppToolView *view[APP_MAX_TOOLS];
    void *cache[APP_MAX_TOOLS];
    /* the panel's layout, top to bottom (update step) */
    AppPanelSlot slot[APP_MAX_SECTIONS];
    int n_slots;
    AppStripSlot strip[APP_MAX_STRIPS];
    int n_strips;
    /* what follows the pointer: the panel's sections (one rectangle), each pane's strips */
    SDL_Rect dynamic[1 + APP_MAX_PANES];
    SDL_Rect dock[APP_MAX_PANES]; /* all of each pane's strips */
    AppLayers layers;             /* each plot's image */
} AppTools;

int app_tools_init(AppTools *t, AppState *s, char *err, int err_len);
void app_tools_free(AppTools *t);
void app_tools_input(AppTools *t, AppState *s, const AppInput *in);
/* The dock under the panes (their plots shrink by its height), the tools' updates, the
 * views' refreshes, the plots' images and the panel's layout. */
void app_tools_update(AppTools *t, AppState *s, AppGfx *g);
/* Pane p: the plot's image, the marks (clipped to the plot), then the frame around it. */
void app_tools_draw_pane(const AppTools *t, const AppState *s, AppGfx *g, int p);
void app_tools_draw_panel(const AppTools *t, const AppState *s, AppGfx *g);
void app_tools_draw_dock(const AppTools *t, const AppState *s, AppGfx *g);
void app_tools_draw_window(const AppTools *t, const AppState *s, AppGfx *g);
/* A pane's title for its plot's width ("VAE latent plane", else the model's name alone),
 * written into buf[0] or buf[1]. */
const char *app_pane_heading(AppGfx *g, const AppState *s, const AppPane *p, char (*buf)[192]);
/* Every tool's help lines in table order, for the help overlay: calls fn per tool. */
void app_tools_help(const AppTools *t, void (*fn)(void *ctx, const AppTool *tool), void *ctx);

#endif
