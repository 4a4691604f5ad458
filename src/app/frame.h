/* Drawing a frame: what to redraw (nothing, the marks that follow the pointer and the
 * panel's pointer sections, the whole panel, or everything), drawing it, and presenting
 * it (on the retained software image, only the rectangles that changed). */
#ifndef APP_FRAME_H
#define APP_FRAME_H

#include "stats.h"
#include "tools.h"
#include "window.h"

#define APP_MAX_DIRTY (3 * APP_MAX_PANES + 1 + APP_MAX_REDRAW_RECTS)

typedef struct {
    int drawn;                     /* this frame drew something */
    int whole;                     /* ... everything */
    SDL_Rect dirty[APP_MAX_DIRTY]; /* ... else these rectangles */
    int n_dirty;
    uint64_t drawn_latents_seq; /* latents of the last frame drawn whole */
    int toast_shown;            /* the footer's message as last drawn */
    unsigned toast_drawn;
    /* --stats: frames up to the first one that shows a snapshot build the caches (every
     * string's glyphs, the textures, the first scatter): the slowest of them is kept
     * apart as the start-up frame, the rest go into the histograms */
    int warm;
    double startup_ms;
    AppHistogram frame_ms;     /* --stats: time of each drawn frame after start-up */
    AppHistogram frame_cpu_ms; /* --stats: the render thread's CPU time of each */
    AppHistogram whole_ms;     /* --stats: the time of each frame drawn whole */
    long drawn_frames, whole_frames;
    AppHistogram snap_ms; /* --stats: a snapshot's publication to its first present */
} AppFrame;

/* Decide what this frame redraws (s->redraw and what changed) and draw it; last forces
 * everything (the final frame, its screenshot). */
void app_frame_draw(AppFrame *f, AppState *s, const AppTools *t, AppGfx *g, const AppWindow *w,
                    int last);
void app_frame_present(const AppFrame *f, const AppWindow *w, AppGfx *g);

#endif
