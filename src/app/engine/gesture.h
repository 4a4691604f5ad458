/* Left-button gestures on the planes for the tools that pick things with the mouse
 * (interpolation, attribute vectors): a click (press and release in about the same
 * place) or a drag from one point of a pane to another, in pixels. */
#ifndef APP_GESTURE_H
#define APP_GESTURE_H

#include "input.h"
#include "state.h"

typedef enum {
    APP_GESTURE_NONE,  /* not a gesture's input */
    APP_GESTURE_PRESS, /* pressed on a pane */
    APP_GESTURE_DRAG,  /* moved away from the press: (x0, y0) to (x, y) */
    APP_GESTURE_CLICK, /* released near the press */
    APP_GESTURE_DROP,  /* released at the end of a drag */
} AppGestureEvent;

typedef struct {
    int active, pane; /* pressed on pane `pane` */
    int x0, y0, x, y; /* the press and the pointer now, pixels, inside the pane */
    int moved;        /* went further than a click would */
} AppGesture;

/* Follow input in. A press with the left button on a pane starts a gesture; moves and
 * the release end in a drag, a click or a drop. The caller takes (returns 1 for) presses
 * and releases of its gestures, not moves, which other tools follow too. */
AppGestureEvent app_gesture_input(AppGesture *g, const AppState *s, const AppInput *in);

#endif
