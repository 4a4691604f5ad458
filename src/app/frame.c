/* Drawing and presenting a frame (see frame.h). */
#include "frame.h"

#include <string.h>

/* Everything, or (clip non-NULL) only what falls inside clip: every draw call runs and the
 * renderer drops the pixels outside, so a part is drawn exactly as in a whole frame. */
static void draw_scene(const AppState *s, const AppTools *t, AppGfx *g, const SDL_Rect *clip) {
    g->clipped = clip != NULL;
    if (clip) g->pass_clip = *clip;
    app_clip(g, NULL);
    /* opaque, whatever the last pass ended with: blending the background costs a whole
     * frame's fill rate in software */
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
    app_set_color(g->ren, APP_BG);
    /* whole: a clear, not a fill around the plots' opaque images: SDL's SSE fill streams
     * whole 64-byte blocks past the cache and stores the rest of each row normally, and a
     * rectangle whose rows end off a block then costs a trip to memory per row (0.2 ms for
     * a column beside a plot): three times the whole window's clear */
    if (clip)
        SDL_RenderFillRect(g->ren, clip); /* RenderClear would ignore the clip */
    else
        SDL_RenderClear(g->ren);
    for (int i = 0; i < s->n_panes; i++) {
        g->marks[i] = (SDL_Rect){0, 0, 0, 0}; /* this pass records them afresh */
        app_tools_draw_pane(t, s, g, i);
    }
    app_tools_draw_dock(t, s, g);
    app_tools_draw_panel(t, s, g);
    app_tools_draw_window(t, s, g);
    g->clipped = 0;
    app_clip(g, NULL);
}

static int rect_inside(const SDL_Rect *in, const SDL_Rect *out) {
    return in->x >= out->x && in->y >= out->y && in->x + in->w <= out->x + out->w &&
           in->y + in->h <= out->y + out->h;
}

/* On the retained image, a frame in which only the pointer moved (or a new snapshot with
 * the latents on screen came, strips were decoded again, a layer of a plot changed):
 * redraw where each pane's marks were, the parts listed (app_redraw_rect), the panel's
 * pointer sections or the whole panel, the dock's pointer strips or all of them, and where
 * the marks are now (known once drawn). */
static void draw_cursor_frame(AppFrame *f, const AppState *s, const AppTools *t, AppGfx *g,
                              int whole_panel) {
    SDL_Rect before[APP_MAX_PANES];
    f->n_dirty = 0;
    for (int i = 0; i < s->n_panes; i++) /* all first: every pass redoes every pane's marks */
        before[i] = g->marks[i];
    for (int i = 0; i < s->n_panes; i++)
        if (!SDL_RectEmpty(&before[i]))
            draw_scene(s, t, g, &before[i]), f->dirty[f->n_dirty++] = before[i];
    for (int k = 0; k < s->n_redraw_rects; k++) { /* parts that changed (a plot's layer) */
        SDL_Rect r = app_sdl_rect(s->redraw_rect[k]);
        if (!SDL_RectEmpty(&r)) draw_scene(s, t, g, &r), f->dirty[f->n_dirty++] = r;
    }
    SDL_Rect panel = whole_panel ? app_sdl_rect(s->panel) : t->dynamic[0];
    if (!SDL_RectEmpty(&panel)) draw_scene(s, t, g, &panel), f->dirty[f->n_dirty++] = panel;
    for (int i = 0; i < s->n_panes; i++) { /* the strips that follow the pointer, or all */
        SDL_Rect strips = (s->redraw & APP_REDRAW_DOCK) ? t->dock[i] : t->dynamic[1 + i];
        if (!SDL_RectEmpty(&strips)) draw_scene(s, t, g, &strips), f->dirty[f->n_dirty++] = strips;
    }
    for (int i = 0; i < s->n_panes; i++) {
        SDL_Rect now = g->marks[i];
        if (SDL_RectEmpty(&now) || rect_inside(&now, &before[i])) continue;
        draw_scene(s, t, g, &now);
        f->dirty[f->n_dirty++] = now;
    }
}

void app_frame_draw(AppFrame *f, AppState *s, const AppTools *t, AppGfx *g, const AppWindow *w,
                    int last) {
    if (s->fresh)
        s->redraw |=
            s->snap->latents_seq != f->drawn_latents_seq ? APP_REDRAW_ALL : APP_REDRAW_PANEL;
    /* the footer's message appears, changes or expires */
    int toast_now = s->toast.text[0] && s->now < s->toast.until;
    if (toast_now != f->toast_shown || (toast_now && s->toast.seq != f->toast_drawn))
        s->redraw |= APP_REDRAW_PANEL;
    f->toast_shown = toast_now, f->toast_drawn = s->toast.seq;
    if (s->frame == 0 || last || s->help) s->redraw |= APP_REDRAW_ALL;
    if (s->screenshot[0]) s->redraw |= APP_REDRAW_CURSOR; /* something to take */
    f->drawn = s->redraw != 0;
    f->whole = f->drawn && (!w->retained || (s->redraw & APP_REDRAW_ALL));
    f->drawn_frames += f->drawn, f->whole_frames += f->whole;
    if (f->drawn) {
        app_text_frame(&g->text);
        if (f->whole) {
            draw_scene(s, t, g, NULL);
            f->drawn_latents_seq = s->snap ? s->snap->latents_seq : 0;
        } else {
            draw_cursor_frame(f, s, t, g, (s->redraw & APP_REDRAW_PANEL) != 0);
        }
    }
    s->redraw = 0, s->n_redraw_rects = 0;
}

void app_frame_present(const AppFrame *f, const AppWindow *w, AppGfx *g) {
    if (!f->drawn) return;
    if (f->whole) {
        SDL_RenderPresent(g->ren);
        return;
    }
    SDL_RenderFlush(g->ren); /* the queued draws, then those rectangles of the window */
    SDL_UpdateWindowSurfaceRects(w->win, f->dirty, f->n_dirty);
}
