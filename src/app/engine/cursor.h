/* The cursor tool's state (tool_cursor.c): the image each pane's model decodes at the
 * code under the pointer, read by its view. */
#ifndef APP_CURSOR_H
#define APP_CURSOR_H

#include <stdint.h>

#include "model.h"
#include "sizes.h"

typedef struct {
    float probs[APP_PIXELS_MAX];
    float z[VAE_MAX_LATENT]; /* the code decoded */
    int model, cls, valid;
    uint64_t seq;
    unsigned version; /* bumped when probs change */
} AppCursorPane;

typedef struct {
    AppCursorPane pane[APP_MAX_PANES];
} AppCursor;

#endif
