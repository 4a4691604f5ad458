/* The explorer's state, shared by its parts: the window, the current snapshot, the panes
 * (one, or two in compare mode) with their views and cached layers, and the UI flags.
 * Event handlers (app_input.c) only change this state; drawing only reads it. */
#ifndef APP_H
#define APP_H

#include <SDL.h>

#include "app_args.h"
#include "app_save.h"
#include "app_script.h"
#include "app_snapshot.h"
#include "app_text.h"
#include "app_trainer.h"
#include "app_view.h"
#include "data.h"
#include "model.h"

#define APP_PIXELS_MAX 4096  /* largest image (rows * cols) the panels show */
#define APP_DECODE_BATCH 64  /* render-thread workspace rows: grid tiles decoded per frame */
#define APP_POST_SAMPLES 200 /* samples of q(z|x) drawn for a hovered test point */

typedef struct {
    float *z;                  /* (n, latent) tile centres */
    float *probs;              /* (n, pixels) */
    int nx, ny, next;          /* tiles across/down, next to decode */
    double zx0, zx1, zy0, zy1; /* latent extent the tiles cover */
    uint64_t seq;              /* snapshot the job decodes */
    AppView view;              /* view it was started for */
    int icdf, cls, active;
} AppGridJob;

typedef struct {
    int model;     /* index into the snapshot's models */
    AppRect frame; /* whole pane incl. labels */
    AppRect rect;  /* plot area */
    AppView view;
    uint64_t fit_seq; /* auto-fit done for these latents (latents_seq) and size */
    int fit_w, fit_h;
    /* cached scatter layer: re-rasterised only when view, size or snapshot change */
    SDL_Texture *layer;
    Uint32 *pixels;
    int layer_w, layer_h, layer_valid;
    uint64_t layer_seq; /* latents_seq rasterised */
    AppView layer_view;
    /* the decoded point under the cursor (last position the cursor had in this pane) */
    double zx, zy;
    int has_z;
    SDL_Texture *dec_tex;
    uint64_t dec_seq;
    double dec_zx, dec_zy;
    int dec_cls, dec_valid;
    /* reconstruction of the hovered test point */
    SDL_Texture *rec_tex;
    int rec_idx;
    uint64_t rec_seq;
    /* samples of q(z|x) of the hovered test point (VAE kinds), cached by (seq, idx) */
    float *post_z0, *post_zk;     /* (APP_POST_SAMPLES, latent): before / after the flows */
    float post_mu[2], post_sd[2]; /* dims 1-2 of q0's mean and standard deviation */
    int post_idx, post_valid;
    uint64_t post_seq;
    /* pixels this frame's cursor and hover marks cover (what a cursor frame redraws) */
    SDL_Rect overlay;
    /* manifold grid */
    SDL_Texture *grid_tex;
    int grid_tw, grid_th, grid_valid;
    double gx0, gx1, gy0, gy1; /* latent extent of grid_tex */
    uint64_t grid_seq;
    AppGridJob job;
} AppPane;

/* Measurements (ms) for --stats percentiles: a fixed histogram of bins 0.5 % wide from
 * 0.01 ms to ~1.5 s, so an hours-long run measures every frame in constant memory. */
#define APP_HIST_BINS 2400
typedef struct {
    unsigned bin[APP_HIST_BINS];
    long n;
    double max;
} AppHistogram;

typedef struct {
    AppOptions opt;
    VaeDataset ds;
    const VaeSplit *shown; /* the images on the plane: &ds.test, or &ds.train (--scatter) */
    int pixels, rows, cols;
    /* models from checkpoints (--model / --ae-model) */
    VaeModel loaded[APP_MAX_MODELS];
    int has_loaded[APP_MAX_MODELS];
    VaeCkptMeta loaded_meta[APP_MAX_MODELS];
    int n_models;
    /* SDL */
    SDL_Window *win;
    SDL_Renderer *ren;
    int vsync;
    int retained;    /* software renderer on the window's image: pixels persist between frames */
    int full_redraw; /* more than the cursor changed: the next frame draws everything */
    uint64_t drawn_latents_seq; /* latents of the last frame drawn whole */
    SDL_Rect panel_dyn; /* the panel's part that follows the cursor (decoded, hovered images) */
    SDL_Rect pass_clip; /* while drawing a part of the window: that part */
    int clipped;
    int win_w, win_h; /* points */
    int pix_w, pix_h; /* pixels */
    float u;          /* pixels per point (high-DPI scale) */
    AppText text;
    /* training and snapshots */
    AppTrainer *trainer;
    AppSnapshotBox box;
    AppSnapshot *snap; /* the render thread's current snapshot */
    VaeWorkspace ws[APP_MAX_MODELS];
    /* panes */
    AppPane pane[2];
    int n_panes;
    AppRect panel;
    int layout_dirty;
    /* UI state */
    int show; /* model of the single pane: 0 main (VAE), 1 AE */
    int compare, grid, grid_icdf, help, cls;
    int mx, my, mouse_in; /* cursor, pixels */
    int drag_pane, drag_x, drag_y;
    int hover_pane, hover_idx;
    SDL_Texture *orig_tex; /* the hovered test image */
    int orig_idx;
    int events_seen;     /* trainer events already echoed to stderr */
    unsigned saves_seen; /* the trainer's saves already told (a toast each) */
    char toast[256];
    int toast_error;
    Uint32 toast_until;
    unsigned toast_seq; /* messages so far */
    int quit;
    long frame;
    char screenshot_path[1024]; /* save this frame when set */
    /* stats */
    AppHistogram frame_ms; /* --stats: time of each drawn frame */
    AppHistogram snap_ms;  /* --stats: publication of a snapshot to its first present */
} App;

/* app_plane.c */
void app_plane_update(App *a, AppPane *p);
void app_plane_draw(App *a, AppPane *p);
void app_pane_free(AppPane *p);
void app_grid_step(App *a, AppPane *p, int budget);
/* Index of the test point within a few pixels of the cursor in this pane, or -1. */
int app_plane_hover(App *a, AppPane *p);
void app_plane_recon(App *a, AppPane *p);
/* Samples of the hovered test point's posterior for this pane's model (cached). */
void app_plane_posterior(App *a, AppPane *p);
/* app_panel.c */
void app_panel_draw(App *a);
void app_help_draw(App *a);
void app_image_upload(SDL_Texture *tex, const float *probs, int w, int h);
/* app_input.c */
void app_handle_event(App *a, const SDL_Event *e);
void app_toast(App *a, int error, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
int app_save_screenshot(App *a, const char *path, char *err, int err_len);
/* app_main.c */
void app_layout(App *a);
/* Clip drawing to r (NULL: no clip of one's own), within the part being drawn. */
void app_clip(App *a, const SDL_Rect *r);

/* Palette and theme */
extern const SDL_Color app_palette[10];
#define APP_COLOR(r, g, b) ((SDL_Color){r, g, b, 255})
static inline SDL_Color app_class_color(int k) {
    return app_palette[(k % 10 + 10) % 10];
}
static inline void app_set_color(SDL_Renderer *r, SDL_Color c) {
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
}
static inline int app_px(const App *a, double pt) {
    return (int)(pt * a->u + 0.5);
}
static inline const VaeModel *app_pane_model(const App *a, const AppPane *p) {
    return a->snap && p->model < a->snap->n_models ? &a->snap->model[p->model] : NULL;
}

#define APP_BG APP_COLOR(16, 18, 23)
#define APP_PANE_BG APP_COLOR(22, 25, 32)
#define APP_GRIDLINE APP_COLOR(34, 39, 50)
#define APP_AXIS APP_COLOR(62, 70, 86)
#define APP_TEXT APP_COLOR(216, 222, 233)
#define APP_DIM APP_COLOR(132, 142, 160)
#define APP_ACCENT APP_COLOR(136, 192, 208)
#define APP_WARN APP_COLOR(235, 120, 110)

#endif
