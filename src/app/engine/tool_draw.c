/* Drawing your own digit (key D): a 28x28 canvas in the panel, drawn on with the left
 * button and erased with the right, the brush sized with the wheel; or a PNG dropped on
 * the window, given with --image or typed after Ctrl+O. The strokes are centred and
 * scaled as MNIST's digits were (vae_image_center) and encoded by every model as they
 * change: where the drawing lands on each plane, how each model reconstructs it, how
 * likely each finds it, and the training images nearest to it (draw_score.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "tool.h"

#define BRUSH_STEP 0.25f

static void set_on(AppDrawing *d, AppState *s, int on) {
    d->on = on;
    d->typing = d->typing && on;
    s->layout_dirty = 1;
}

/* The canvas changed: centre it again in update. */
static void touched(AppDrawing *d, const char *source) {
    d->dirty = 1;
    snprintf(d->source, sizeof d->source, "%s", source);
}

static void load(AppDrawing *d, AppState *s, const char *path) {
    char err[VAE_ERR_LEN + 64];
    float ink[APP_CANVAS_PIXELS];
    if (app_canvas_load(ink, path, err, (int)sizeof err) != 0) {
        app_toast(s, 1, "%s", err);
        return;
    }
    memcpy(d->canvas, ink, sizeof ink);
    const char *base = strrchr(path, '/');
    touched(d, base ? base + 1 : path);
    if (!d->on) set_on(d, s, 1);
    app_toast(s, 0, "loaded %s", path);
}

/* The pointer (pixels) in canvas pixels; 1 if it is over the canvas. */
static int canvas_point(const AppDrawing *d, int x, int y, float *cx, float *cy) {
    *cx = *cy = 0;
    if (d->canvas_side <= 0) return 0;
    /* (outside it too: a stroke may leave the canvas and come back) */
    *cx = (float)(x - d->canvas_x) * APP_CANVAS / (float)d->canvas_side;
    *cy = (float)(y - d->canvas_y) * APP_CANVAS / (float)d->canvas_side;
    return *cx >= 0 && *cy >= 0 && *cx < APP_CANVAS && *cy < APP_CANVAS;
}

static int pointer(AppDrawing *d, const AppInput *in) {
    float cx = 0, cy = 0;
    int over = canvas_point(d, in->x, in->y, &cx, &cy);
    switch (in->kind) {
    case APP_IN_PRESS:
        if (!over || (in->button != APP_BUTTON_LEFT && in->button != APP_BUTTON_RIGHT)) return 0;
        d->stroke = in->button == APP_BUTTON_LEFT ? 1 : 2;
        d->last_x = cx, d->last_y = cy;
        break;
    case APP_IN_MOVE:
        if (!d->stroke) return 0;
        break;
    case APP_IN_RELEASE:
        if (!d->stroke) return 0;
        d->stroke = 0;
        return 1;
    case APP_IN_WHEEL:
        if (!over) return 0;
        d->brush += BRUSH_STEP * (float)in->wheel;
        d->brush = d->brush < APP_BRUSH_MIN   ? APP_BRUSH_MIN
                   : d->brush > APP_BRUSH_MAX ? APP_BRUSH_MAX
                                              : d->brush;
        return 1;
    default: return 0;
    }
    app_canvas_stroke(d->canvas, APP_CANVAS, d->last_x, d->last_y, cx, cy, d->brush,
                      d->stroke == 2);
    d->last_x = cx, d->last_y = cy;
    touched(d, "drawn");
    return 1;
}

/* Typing a path (Ctrl+O): every key goes here until Return or Escape. */
static int typing(AppDrawing *d, AppState *s, const AppInput *in) {
    size_t n = strlen(d->path);
    if (in->kind == APP_IN_TEXT) {
        snprintf(d->path + n, sizeof d->path - n, "%s", in->text);
    } else if (in->kind == APP_IN_KEY) {
        if (in->key == APP_KEY_BACKSPACE && n > 0) d->path[n - 1] = 0;
        if (in->key == APP_KEY_ESCAPE) d->typing = 0;
        if (in->key == APP_KEY_RETURN) {
            d->typing = 0;
            if (n) load(d, s, d->path);
        }
    } else {
        return 0; /* the pointer still works */
    }
    s->redraw |= APP_REDRAW_PANEL;
    return 1;
}

static int key(AppDrawing *d, AppState *s, const AppInput *in) {
    if (in->key == 'd' && !in->mods) {
        set_on(d, s, !d->on);
        return 1;
    }
    if (in->key == 'o' && in->mods == APP_MOD_CTRL) {
        if (!d->on) set_on(d, s, 1);
        d->typing = 1, d->path[0] = 0;
        return 1;
    }
    if (d->on && (in->key == APP_KEY_BACKSPACE || in->key == APP_KEY_DELETE)) {
        memset(d->canvas, 0, sizeof d->canvas);
        touched(d, "drawn");
        return 1;
    }
    return 0;
}

static int input(void *self, AppState *s, const AppInput *in) {
    AppDrawing *d = self;
    if (d->typing && typing(d, s, in)) return 1;
    if (in->kind == APP_IN_DROP) {
        load(d, s, in->text);
        return 1;
    }
    if (in->kind == APP_IN_KEY) return key(d, s, in);
    return d->on && pointer(d, in);
}

/* The canvas as the models see it, once a frame at most. */
static void center(AppDrawing *d, AppState *s) {
    char err[VAE_ERR_LEN];
    if (vae_image_center(d->canvas, APP_CANVAS, APP_CANVAS, d->image, err) != VAE_OK)
        memset(d->image, 0, sizeof d->image);
    d->blank = 1;
    for (int i = 0; i < APP_CANVAS_PIXELS && d->blank; i++)
        d->blank = d->image[i] <= 0;
    d->dirty = 0;
    d->version++;
    s->redraw |= APP_REDRAW_CURSOR;
}

static void update(void *self, AppState *s) {
    AppDrawing *d = self;
    if (d->pending_image) { /* --image: the window is up, its message can show */
        d->pending_image = 0;
        load(d, s, s->opt->image);
    }
    if (d->on != d->asked_encoders) { /* the snapshots carry encoders while the tool is on */
        app_state_use_encoders(s, d->on);
        d->asked_encoders = d->on;
    }
    if (d->dirty) center(d, s);
    int usable = d->on && !d->blank && s->session->pixels == APP_CANVAS_PIXELS;
    if (usable != (s->drawn != NULL)) s->layout_dirty = 1; /* its dock strips come or go */
    s->drawn = usable ? d->image : NULL;
    s->drawn_version = d->version;
    if (!usable || !s->snap) return;
    app_draw_encode(d, s);
    app_draw_score(d, s);
}

static int init(void *self, AppState *s) {
    AppDrawing *d = self;
    d->brush = 1.25f;
    d->blank = 1;
    d->pending_image = s->opt && s->opt->image;
    snprintf(d->source, sizeof d->source, "drawn");
    return 0;
}

/* The worker is stopped before the tools are freed (main.c): no job runs on this memory. */
static void draw_free(void *self) {
    AppDrawing *d = self;
    for (int m = 0; m < APP_MAX_MODELS; m++)
        free(d->model[m].z0), free(d->model[m].zk);
    app_draw_job_free(&d->job);
}

static const AppHelpLine help[] = {
    {"D", "draw a digit; every model encodes it"},
    {"drag (D)", "on the canvas: left draws, right erases"},
    {"wheel (D)", "on the canvas: brush size"},
    {"Backspace", "clear the canvas (D)"},
    {"drop a PNG", "it becomes the drawing (or --image FILE)"},
    {"Ctrl+O", "type the path of a PNG to load, Return"},
};

const AppTool app_tool_draw = {
    .name = "draw",
    .title = "Draw",
    .size = sizeof(AppDrawing),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .init = init,
    .free = draw_free,
    .input = input,
    .update = update,
};
