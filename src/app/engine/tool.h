/* A tool of the explorer: one interactive mode (cursor decode, hover, grid, ...) with its
 * own state, its input handler and its per-frame update, all SDL-free; its drawing is
 * the front's half (src/app/view.h). A tool `x` is app_tool_x here and app_view_x in the
 * front; src/app/tools.c lists each tool once. Input goes
 * to the tools in table order until one takes it; updates run in table order, after the
 * input of the frame and before anything is drawn. */
#ifndef APP_TOOL_H
#define APP_TOOL_H

#include <stddef.h>

#include "input.h"
#include "state.h"

/* A line of the help overlay (and of the README's key table). */
typedef struct {
    const char *keys; /* "G", "[  ]", "right/middle drag" */
    const char *what; /* "manifold grid: decode a grid over the view" */
} AppHelpLine;

typedef struct {
    const char *name;
    const char *title;       /* its heading in the help overlay: "Training" */
    size_t size;             /* bytes of its state, zeroed before init */
    const AppHelpLine *help; /* its keys and mouse actions */
    int n_help;
    int (*init)(void *self, AppState *s);                      /* 0 or -1; may be NULL */
    void (*free)(void *self);                                  /* may be NULL */
    int (*input)(void *self, AppState *s, const AppInput *in); /* 1: taken; may be NULL */
    void (*update)(void *self, AppState *s);                   /* may be NULL */
} AppTool;

#endif
