/* The draw tool's state (tool_draw.c): a 28x28 canvas the user draws on with the mouse or
 * loads a PNG into, the image the models see (the canvas centred and scaled as MNIST's
 * digits were), and what each model makes of it: its posterior (with samples), its
 * reconstruction, its -ELBO and importance-weighted -log p(x), and the nearest training
 * images. Read by its view and the tests. */
#ifndef APP_DRAW_H
#define APP_DRAW_H

#include <stdint.h>

#include "image.h"
#include "sizes.h"
#include "state.h"
#include "trainer.h"
#include "worker.h"

#define APP_CANVAS VAE_MNIST_SIDE /* canvas pixels a side */
#define APP_CANVAS_PIXELS VAE_MNIST_PIXELS
#define APP_DRAW_SAMPLES 200 /* samples of the drawn image's q(z|x) */
#define APP_DRAW_IW 256      /* importance samples of its -log p(x) estimate */
#define APP_DRAW_NEAREST 6   /* nearest training images shown */
#define APP_BRUSH_MIN 0.5f   /* brush radius, canvas pixels */
#define APP_BRUSH_MAX 4.0f
#define APP_PATH_MAX 1024 /* a typed path */

/* ---- the canvas (draw_canvas.c) ------------------------------------------------------ */

/* A straight stroke from (x0, y0) to (x1, y1) (canvas pixels, centres at +0.5) with a round
 * brush of `radius`, anti-aliased: each pixel takes the share of it the brush covers (as
 * ink, or erased). ink is (side, side) in [0, 1]. */
void app_canvas_stroke(float *ink, int side, float x0, float y0, float x1, float y1, float radius,
                       int erase);
/* A PNG file as the canvas (28x28): grey, inverted if its background is light, centred and
 * scaled (vae_image_to_mnist). 0, or -1 with a sentence naming the file in err. */
int app_canvas_load(float *ink, const char *path, char *err, int err_len);

/* ---- what the models make of it (draw_score.c) ---------------------------------------- */

/* One model's view of the drawn image. */
typedef struct {
    float mu[VAE_MAX_LATENT], lv[VAE_MAX_LATENT]; /* q(z|x) */
    float *z0, *zk;                 /* (APP_DRAW_SAMPLES, latent): samples, before/after flows */
    float recon[APP_CANVAS_PIXELS]; /* decode of mu (through the flows) */
    int valid;                      /* for the image of `version` and snapshot `seq` */
    VaeImageScore score;            /* -ELBO and the IW estimate (VAE kinds) */
    int scored; /* score is of the current image (1), of an earlier one (-1), or none (0) */
} AppDrawModel;

/* The scores and nearest images, on the tools' worker: its own copies of the models (a
 * snapshot may be recycled while the job runs) and the image. */
typedef struct {
    VaeModel model[APP_MAX_MODELS];
    VaeScorer *scorer[APP_MAX_MODELS];
    int n_models;
    float x[APP_CANVAS_PIXELS];
    uint8_t label;
    const VaeSplit *train; /* the session's, never written */
    VaeImageScore score[APP_MAX_MODELS];
    int nearest[APP_DRAW_NEAREST];
    float dist2[APP_DRAW_NEAREST];
    int n_nearest;
} AppDrawJob;

typedef struct {
    int on;
    /* the canvas and its placement on screen (set by the view's layout; 0 size = hidden) */
    float canvas[APP_CANVAS_PIXELS];
    int canvas_x, canvas_y, canvas_side; /* pixels */
    float brush;                         /* radius, canvas pixels */
    int stroke;                          /* 0 none, 1 drawing, 2 erasing */
    float last_x, last_y;                /* the stroke's last point, canvas pixels */
    int blank;                           /* nothing drawn */
    int dirty;                           /* the canvas changed since it was centred */
    int pending_image;                   /* --image, loaded at the first update */
    /* the image the models see, and its change count */
    float image[APP_CANVAS_PIXELS];
    unsigned version;
    char source[80]; /* "drawn" or the loaded file's name */
    /* the typed path (Ctrl+O) */
    int typing;
    char path[APP_PATH_MAX];
    /* results */
    AppDrawModel model[APP_MAX_MODELS];
    uint64_t seq;         /* the snapshot model[] is of */
    unsigned enc_version; /* and the image */
    int enc_cls;          /* and the class (a CVAE's encoder takes it) */
    unsigned encodes;     /* bumped by each encoding (the view re-uploads) */
    AppDrawJob job;
    int running;          /* the job is the worker's */
    double t_job;         /* when it was handed over (s->now) */
    unsigned job_version; /* of the image the job (running or done) is for */
    uint64_t job_seq;     /* and the snapshot */
    int job_cls;          /* and the class (a CVAE) */
    int nearest[APP_DRAW_NEAREST];
    float dist2[APP_DRAW_NEAREST];
    int n_nearest, nearest_valid; /* valid as scored */
    unsigned results;             /* bumped when scores or nearest images arrive */
    int asked_encoders;
} AppDrawing;

/* Encode the image with every model of the snapshot (render thread: one image, cheap). */
void app_draw_encode(AppDrawing *d, AppState *s);
/* Collect the worker's scores, hand it the next job when the image or snapshot changed. */
void app_draw_score(AppDrawing *d, AppState *s);
void app_draw_job_free(AppDrawJob *j);

#endif
