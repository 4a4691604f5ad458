/* The attribute-vector tool's state (tool_attr.c): a start and an end group of test
 * images (a class, or the dots inside a box drawn on a plane), per pane the means of its
 * model's codes of each and v = mean(end) - mean(start), and v applied to an image as
 * codes z + t v decoded, read by its view. */
#ifndef APP_ATTR_H
#define APP_ATTR_H

#include <stdint.h>

#include "gesture.h"
#include "model.h"
#include "sizes.h"

#define APP_ATTR_STEPS 7 /* t = 0, 0.25, ..., VAE_ATTRIBUTE_T_MAX (1.5) */

typedef enum { APP_GROUP_CLASS, APP_GROUP_BOX } AppGroupKind;

typedef struct {
    AppGroupKind kind;
    int cls;         /* APP_GROUP_CLASS: the class */
    uint8_t *mask;   /* APP_GROUP_BOX: 1 for the shown images inside the box (n_points) */
    int pane, ax[2]; /* APP_GROUP_BOX: drawn on that pane, over those axes, */
    float box[4];    /* from (box[0], box[1]) to (box[2], box[3]) in its coordinates */
} AppGroup;

typedef struct {
    /* the groups' means of this model's codes, and v, for: */
    float mean[2][VAE_MAX_LATENT], v[VAE_MAX_LATENT];
    int count[2], L, means_valid;
    uint64_t latents_seq;
    int means_model;
    unsigned groups_version;
    float *codes; /* a model with flows: every image's flowed code (n_points, L) */
    unsigned means_version;
    /* image `img`'s code plus t v, decoded: */
    float z[APP_ATTR_STEPS * VAE_MAX_LATENT];
    float probs[APP_ATTR_STEPS * APP_PIXELS_MAX];
    int img, strip_valid, model, cls;
    uint64_t seq;
    unsigned strip_means; /* the means_version of the strip */
    unsigned version;     /* bumped when probs change */
} AppAttrPane;

typedef struct {
    int on;
    AppGroup group[2]; /* the start and the end group */
    int next;          /* the group a box drawn next sets: 0 the start, 1 the end */
    unsigned groups_version;
    int held;           /* a clicked image, or -1: the hovered one */
    int img;            /* the image v is applied to this frame (held, else hovered), or -1 */
    AppGesture gesture; /* the left button's click or box */
    AppAttrPane pane[APP_MAX_PANES];
} AppAttr;

#endif
