/* The interpolation tool's state (tool_interp.c): the two ends chosen (two test images,
 * or two points of a plane) and, per pane, its model's path between its own codes of
 * them and the decodes along it, read by its view. */
#ifndef APP_INTERP_H
#define APP_INTERP_H

#include <stdint.h>

#include "gesture.h"
#include "model.h"
#include "sizes.h"

#define APP_INTERP_STEPS 10 /* decodes along the path */
#define APP_INTERP_CURVE 48 /* points of the path drawn on the plane */

typedef enum {
    APP_ENDS_NONE,   /* nothing chosen yet */
    APP_ENDS_IMAGES, /* test images idx[0] and idx[1] */
    APP_ENDS_POINTS, /* plane points pt[0] and pt[1] */
} AppEndsKind;

typedef struct {
    float z[APP_INTERP_STEPS * VAE_MAX_LATENT]; /* (steps, L): the path decoded */
    float probs[APP_INTERP_STEPS * APP_PIXELS_MAX];
    float curve[APP_INTERP_CURVE][2]; /* the path finer, on the pane's axes: what is drawn */
    int L, spherical, valid;          /* the path's latent size and kind */
    int ax[2];                        /* the axes of curve */
    int model, cls;
    uint64_t seq;
    unsigned version; /* bumped when probs change */
} AppInterpPane;

typedef struct {
    int on;
    int spherical;      /* Shift+L: a spherical path where the latent has more than 2 dimensions */
    AppEndsKind ends;   /* what was chosen: */
    int n_ends;         /* 0, 1 (the start only: the next click sets the end) or 2 */
    int idx[2];         /* APP_ENDS_IMAGES: the test images */
    float pt[2][2];     /* APP_ENDS_POINTS: the plane coordinates, on every pane's axes */
    AppGesture gesture; /* the left button's press, click or drag */
    AppInterpPane pane[APP_MAX_PANES];
} AppInterp;

#endif
