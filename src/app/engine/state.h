/* The explorer's shared state: what every tool may read (the session, the current
 * snapshot, the panes and their views, the pointer, the hovered image, the class to
 * decode, the window's requests) and the few things tools tell each other. Each tool's
 * own state lives in the tool (tool.h); the front's textures and layers in its views.
 * One thread: the render loop's. */
#ifndef APP_STATE_H
#define APP_STATE_H

#include <stdint.h>

#include "model.h"
#include "options.h"
#include "session.h"
#include "sizes.h"
#include "snapshot.h"
#include "view.h"
#include "worker.h"

/* What the next frame must redraw (a frame in which nothing changed draws nothing). */
enum {
    APP_REDRAW_CURSOR = 1, /* the marks that follow the pointer, the panel's cursor sections */
    APP_REDRAW_PANEL = 2,  /* the whole panel (a new snapshot with the same latents) */
    APP_REDRAW_ALL = 4,    /* everything */
    APP_REDRAW_DOCK = 8,   /* every pane's strips (decoded again for a new snapshot) */
    APP_REDRAW_RECTS = 16, /* the rectangles app_redraw_rect listed */
};

#define APP_MAX_REDRAW_RECTS 8

typedef struct {
    int model;        /* index into the snapshot's models */
    int ax[2];        /* the latent dimensions on the plane's x and y axes */
    AppRect frame;    /* the pane with its title, tick labels and dock (pixels) */
    AppRect plot;     /* the plot area the window leaves (the dock's strips take its foot) */
    AppRect rect;     /* the plot area */
    AppView view;     /* latent <-> pixels */
    uint64_t fit_seq; /* auto-fit done for these latents (latents_seq) and size: */
    int fit_w, fit_h;
    float base[VAE_MAX_LATENT];   /* the other dimensions of the cursor's code (axes tool) */
    float cursor[VAE_MAX_LATENT]; /* the code under the pointer (or where it last was) */
    int has_cursor;               /* the pointer has been over this pane */
} AppPane;

typedef struct {
    char text[256];
    int error;
    double until; /* shown until this time (vae_now) */
    unsigned seq; /* messages so far */
} AppToast;

typedef struct AppState {
    const AppOptions *opt;
    AppSession *session;
    AppWorker *worker;               /* the tools' background thread (worker.h) */
    AppSnapshot *snap;               /* what the tools show: live, or a past state */
    AppSnapshot *live;               /* the newest from the session, NULL before the first */
    const AppSnapshot *past;         /* the replay tool's past state shown instead, or NULL */
    int fresh;                       /* snap changed this frame */
    double refresh_flops;            /* decoding refreshes may still do (app_decode_due) */
    int events_seen;                 /* trainer events already echoed to stderr */
    unsigned saves_seen;             /* the trainer's saves already told */
    VaeWorkspace ws[APP_MAX_MODELS]; /* decode scratch of the render thread, per model */
    /* layout: the front sets the rectangles (pixels) */
    float u;           /* pixels per point (high-DPI scale) */
    int width, height; /* the window, pixels */
    AppRect panel;     /* the side panel */
    int band_pt;       /* height of the band under the planes a tool asks for (points) */
    AppRect band;      /* that band (the replay's timeline), under every pane */
    AppPane pane[APP_MAX_PANES];
    int n_panes;
    int layout_dirty; /* the panes changed: lay out before the next draw */
    /* the pointer */
    int mouse_in, mx, my;  /* pixels */
    long input_frame;      /* 1 + the frame of the last input (0: none yet) */
    int hover;             /* the shown image under the pointer, or -1 */
    int scatter_hidden;    /* a tool covers the scatter (the grid): no hovering */
    const void *left_tool; /* the tool whose gestures the left button makes (its state), or
                              NULL: of the tools that want it, the last one turned on */
    int same_z;            /* every pane decodes the code under the pointer (compare, B) */
    int cls;               /* the class a CVAE decodes */
    /* the user's own image (draw tool: drawn or loaded), centred as MNIST's (28x28, 1 =
       ink), or NULL; drawn_version changes with it */
    const float *drawn;
    unsigned drawn_version;
    int encoder_users; /* tools that encode images of their own (app_state_use_encoders) */
    /* the window */
    int help, quit;
    char screenshot[1024]; /* save this frame as PNG when set */
    AppToast toast;
    long frame;
    double now;                                /* vae_now() at the start of the frame */
    int redraw;                                /* APP_REDRAW_* for this frame */
    AppRect redraw_rect[APP_MAX_REDRAW_RECTS]; /* and these parts of the window */
    int n_redraw_rects;
} AppState;

void app_state_init(AppState *s, const AppOptions *o, AppSession *session);
void app_state_free(AppState *s);
/* Take the newest snapshot, if any, and make the decode workspaces fit its models (s->fresh
 * when what the tools show changed). Tells trainer events on stderr and saves in a toast.
 * 0, or -1 out of memory. */
int app_state_take_snapshot(AppState *s);
/* Show past (owned by the caller, valid until it shows another or NULL) instead of the
 * live snapshot; NULL: the live one again. 0, or -1 out of memory. */
int app_state_show(AppState *s, const AppSnapshot *past);

/* Whether a tool decodes now the n codes through m of a cache that no longer shows the
 * current state (decoded from snapshot cached_seq; its code, image or model may have
 * changed too). At once when the user did something this frame (or moves the timeline).
 * What a new live snapshot alone changed waits: not in the frame that brings it, which
 * redraws the planes already, and then up to APP_REFRESH_FLOPS of decoding a frame (the
 * first whatever its size), so the strips of every tool and pane are redone over the next
 * frames instead of all in one; a cache a whole snapshot behind is redone regardless, so
 * none waits long. The tool asks for what shows the decodes to be redrawn. */
int app_decode_due(AppState *s, const VaeModel *m, int n, uint64_t cached_seq);
/* The decoding (flops) such refreshes may still do this frame (0 in the snapshot's own);
 * a tool that spreads its own (the grid) takes what it uses out of s->refresh_flops. */
double app_refresh_budget(const AppState *s);
/* Whether this frame's input is the user's doing (a key, the pointer), as opposed to what
 * a new snapshot changed by itself (the view fitted to new latents, say). */
static inline int app_user_frame(const AppState *s) {
    return s->input_frame == s->frame + 1;
}

/* Redraw r (pixels) in the next frame: a part of the window that changed apart from the
 * pointer's marks, the panel and the strips (a plot's layer, the timeline); more than
 * APP_MAX_REDRAW_RECTS in one frame redraw everything. */
void app_redraw_rect(AppState *s, AppRect r);

/* A tool starts (on) or stops needing each model's encoder in the snapshots (to encode an
 * image that is not on the plane): the trainer is asked while any tool needs them. */
void app_state_use_encoders(AppState *s, int on);
/* Whether the current snapshot can encode (carries the encoders). */
static inline int app_can_encode(const AppState *s) {
    return s->snap && s->snap->encoders;
}

/* A message in the footer for a few seconds. */
void app_toast(AppState *s, int error, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The model pane p shows, NULL before the first snapshot. */
static inline const VaeModel *app_pane_model(const AppState *s, const AppPane *p) {
    return s->snap && p->model < s->snap->n_models ? &s->snap->model[p->model] : NULL;
}
/* The pane whose plot area holds pixel (x, y), or -1. */
int app_pane_at(const AppState *s, int x, int y);
/* Image i's code on pane p's axes, in pixels. */
void app_pane_point(const AppState *s, const AppPane *p, int i, double *px, double *py);
/* The shown image whose dot is nearest pixel (x, y) in the pane holding it, within a few
 * points (what the pointer hovers), or -1. */
int app_dot_at(const AppState *s, int x, int y);
/* The decoder-side code (L) of shown image i on model `model`: its mean mu, through the
 * flows if the model has any (vae_latent_codes from the snapshot's mu: a trainer's
 * snapshot has no encoder), so decoding it gives the image's reconstruction. */
void app_image_code(const AppState *s, int model, int i, float *z);
/* Whether model m is a VAE kind (has a posterior; its panes show the prior): not an AE or
 * a PCA. */
static inline int app_is_vae(const VaeModel *m) {
    return m && vae_kind_is_stochastic(m->cfg.kind);
}
/* Whether model m of the snapshot trains: not with --no-train, and never a PCA. */
static inline int app_is_trained(const AppState *s, int m) {
    return s->session->trainer && s->snap && m >= 0 && m < s->snap->n_models &&
           s->snap->model[m].cfg.kind != VAE_KIND_PCA;
}
/* "VAE", "AE", "CVAE", "PCA" (or "-" for NULL): how panels and titles name a model. */
const char *app_model_name(const VaeModel *m);
/* The same name from a model's configuration: "VAE", "AE", "conv VAE", "PCA", ... */
const char *app_config_name(const VaeConfig *c);
/* How the window names model m of the snapshot: its label ("VAE", "VAE beta=4"). */
const char *app_snap_label(const AppSnapshot *snap, int m);
/* "VAE latent plane": the title of pane p. */
void app_pane_title(const AppState *s, const AppPane *p, char *buf, size_t len);
/* The label the decoder of m takes for class cls (NULL unless a CVAE). */
const uint8_t *app_decode_label(const VaeModel *m, int cls, uint8_t *buf);

#endif
