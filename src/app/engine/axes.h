/* The axes tool's state (tool_axes.c), read by its view. */
#ifndef APP_AXES_H
#define APP_AXES_H

typedef struct {
    int hold; /* O: the dimensions off the plane at the held image's code, else 0 */
    int held; /* the image held (the last hovered), or -1 */
} AppAxes;

#endif
