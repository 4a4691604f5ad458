/* The running tools: one state per tool (allocated from its size, zeroed, initialised),
 * input handed to them in order until one takes it, and their updates in order. The
 * front builds one from its table (src/app/tools.c); tests build one from any tools. */
#ifndef APP_TOOLBOX_H
#define APP_TOOLBOX_H

#include "tool.h"

#define APP_MAX_TOOLS 32

typedef struct {
    int n;
    const AppTool *tool[APP_MAX_TOOLS];
    void *state[APP_MAX_TOOLS];
} AppToolbox;

/* 0, or -1 with a sentence in err (every tool already made is freed). */
int app_toolbox_init(AppToolbox *b, const AppTool *const *tools, int n, AppState *s, char *err,
                     int err_len);
void app_toolbox_free(AppToolbox *b);
/* The pointer's state (s->mx, my, mouse_in) and what the frame must redraw, then the
 * tools in order until one takes the input. */
void app_toolbox_input(AppToolbox *b, AppState *s, const AppInput *in);
void app_toolbox_update(AppToolbox *b, AppState *s);
/* The state of the tool called name, or NULL. */
void *app_toolbox_find(const AppToolbox *b, const char *name);

#endif
