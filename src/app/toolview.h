/* The front's half of a tool: how its state is drawn. A view may keep a cache (textures,
 * tiles) that `refresh` brings up to date in the update step; every draw function only
 * reads the state and the cache and writes pixels. A tool `x` has app_view_x here beside
 * app_tool_x in the engine (engine/tool.h). */
#ifndef APP_TOOLVIEW_H
#define APP_TOOLVIEW_H

#include <SDL.h>
#include <stdint.h>

#include "state.h"

typedef struct AppGfx AppGfx;
typedef struct AppTools AppTools;

/* What a draw function gets. */
typedef struct {
    const AppState *s;
    const void *tool;  /* the tool's state */
    const void *cache; /* the view's cache */
    AppGfx *g;
    const AppTools *tools; /* all of them (the help lists their keys) */
} AppDraw;

/* A section of the side panel. Sections stack from the top by order; the panel lays them
 * out in the update step. */
typedef struct {
    int order;
    int dynamic; /* follows the pointer: redrawn in frames where only the pointer moved */
    /* its height in pixels for the panel's width; avail is what the sections after it
     * leave (at least their minimum); -1 takes whatever is left */
    int (*height)(const AppDraw *d, int width, int avail);
    void (*draw)(const AppDraw *d, SDL_Rect r);
    /* told where the section went (update step), for a tool that takes the pointer in it
     * (the draw tool's canvas): the one place a view writes its tool's state; may be NULL */
    void (*placed)(const AppDraw *d, void *tool, SDL_Rect r);
} AppPanelSection;

/* A strip of the dock under a pane's plot (rows of decoded images, say). Strips stack by
 * order under every pane; the plot gives up the height of the tallest pane's strips. */
typedef struct {
    int order;
    int dynamic; /* follows the pointer */
    /* its height in pixels under pane `pane` of that width; 0 when there is nothing;
     * avail is what the strips before it leave of the dock's most (it may take less) */
    int (*height)(const AppDraw *d, int pane, int width, int avail);
    void (*draw)(const AppDraw *d, int pane, SDL_Rect r);
    /* told where it went under pane `pane` (as AppPanelSection.placed); may be NULL */
    void (*placed)(const AppDraw *d, void *tool, int pane, SDL_Rect r);
} AppStripSection;

typedef struct {
    size_t cache_size;
    void (*refresh)(void *cache, const void *tool, const AppState *s, AppGfx *g);
    /* A layer of the plot, composited on the CPU into the pane's plot image (layers.h) in
     * table order: layer_key says what it would paint in pane `pane` (0: nothing; it
     * changes whenever that does, the view and the size aside) and layer_paint blends it
     * into the plot's w x h pixels at the pane's view. The first view with a layer (the
     * scatter) paints every pixel. */
    uint64_t (*layer_key)(const AppDraw *d, int pane);
    void (*layer_paint)(const AppDraw *d, int pane, uint32_t *px, int w, int h);
    void (*under)(const AppDraw *d, int pane); /* in the plot area, over the plot image */
    void (*over)(const AppDraw *d, int pane);  /* in the plot area, above the layers */
    void (*frame)(const AppDraw *d, int pane); /* around and on the plot, unclipped */
    void (*window)(const AppDraw *d);          /* over everything */
    const AppPanelSection *sections;
    int n_sections;
    const AppStripSection *strips;
    int n_strips;
    void (*free)(void *cache);
} AppToolView;

#endif
