/* The running tools (see toolbox.h). */
#include "toolbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void app_toolbox_free(AppToolbox *b) {
    for (int i = 0; i < b->n; i++) {
        if (b->tool[i]->free) b->tool[i]->free(b->state[i]);
        free(b->state[i]);
    }
    memset(b, 0, sizeof *b);
}

int app_toolbox_init(AppToolbox *b, const AppTool *const *tools, int n, AppState *s, char *err,
                     int err_len) {
    memset(b, 0, sizeof *b);
    if (n > APP_MAX_TOOLS) {
        snprintf(err, (size_t)err_len, "%d tools, at most %d", n, APP_MAX_TOOLS);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        void *st = calloc(1, tools[i]->size ? tools[i]->size : 1);
        if (!st) {
            snprintf(err, (size_t)err_len, "out of memory for the %s tool", tools[i]->name);
            app_toolbox_free(b);
            return -1;
        }
        b->tool[i] = tools[i], b->state[i] = st, b->n = i + 1;
        if (tools[i]->init && tools[i]->init(st, s) != 0) {
            snprintf(err, (size_t)err_len, "the %s tool could not start", tools[i]->name);
            app_toolbox_free(b);
            return -1;
        }
    }
    return 0;
}

void app_toolbox_input(AppToolbox *b, AppState *s, const AppInput *in) {
    switch (in->kind) {
    case APP_IN_MOVE:
    case APP_IN_PRESS:
    case APP_IN_RELEASE: s->mx = in->x, s->my = in->y, s->mouse_in = 1; break;
    case APP_IN_LEAVE: s->mouse_in = 0; break;
    default: break;
    }
    s->input_frame = s->frame + 1;
    /* a plain move changes only what follows the pointer; anything else may change more */
    s->redraw |= in->kind == APP_IN_MOVE ? APP_REDRAW_CURSOR : APP_REDRAW_ALL;
    for (int i = 0; i < b->n; i++)
        if (b->tool[i]->input && b->tool[i]->input(b->state[i], s, in)) return;
}

void app_toolbox_update(AppToolbox *b, AppState *s) {
    for (int i = 0; i < b->n; i++)
        if (b->tool[i]->update) b->tool[i]->update(b->state[i], s);
}

void *app_toolbox_find(const AppToolbox *b, const char *name) {
    for (int i = 0; i < b->n; i++)
        if (!strcmp(b->tool[i]->name, name)) return b->state[i];
    return NULL;
}
