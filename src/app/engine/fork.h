/* The fork tool's state (tool_fork.c), read by its view to show its menu. */
#ifndef APP_FORK_H
#define APP_FORK_H

typedef struct {
    int armed;    /* F pressed: the next key picks the setting */
    int parent;   /* the model to fork (or change) */
    int in_place; /* Shift+F: change the model itself */
} AppForkMenu;

#endif
