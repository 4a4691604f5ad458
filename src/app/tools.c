/* The explorer's tools (engine/tool_list.h) paired with their views, and running them
 * (see tools.h). */
#include "tools.h"

#include "tool_list.h"

#include <stdlib.h>
#include <string.h>

#define DECLARE(n)                                                                                 \
    extern const AppTool app_tool_##n;                                                             \
    extern const AppToolView app_view_##n;
APP_TOOLS(DECLARE)
#define TOOL(n) &app_tool_##n,
#define VIEW(n) &app_view_##n,
static const AppTool *const tool_table[] = {APP_TOOLS(TOOL)};
static const AppToolView *const view_table[] = {APP_TOOLS(VIEW)};
#define N_TOOLS ((int)(sizeof tool_table / sizeof *tool_table))

int app_tools_init(AppTools *t, AppState *s, char *err, int err_len) {
    memset(t, 0, sizeof *t);
    if (app_toolbox_init(&t->box, tool_table, N_TOOLS, s, err, err_len) != 0) return -1;
    for (int i = 0; i < N_TOOLS; i++) {
        t->view[i] = view_table[i];
        t->cache[i] = calloc(1, view_table[i]->cache_size ? view_table[i]->cache_size : 1);
        if (!t->cache[i]) {
            snprintf(err, (size_t)err_len, "out of memory for the %s view", tool_table[i]->name);
            app_tools_free(t);
            return -1;
        }
    }
    return 0;
}

void app_tools_free(AppTools *t) {
    for (int i = 0; i < t->box.n; i++) {
        if (t->cache[i] && t->view[i]->free) t->view[i]->free(t->cache[i]);
        free(t->cache[i]);
    }
    app_toolbox_free(&t->box);
    app_layers_free(&t->layers);
    memset(t, 0, sizeof *t);
}

void app_tools_input(AppTools *t, AppState *s, const AppInput *in) {
    app_toolbox_input(&t->box, s, in);
}

static AppDraw draw_ctx(const AppTools *t, const AppState *s, AppGfx *g, int i) {
    return (AppDraw){s, t->box.state[i], t->cache[i], g, t};
}

static void sort_slots(AppTools *t) {
    for (int a = 1; a < t->n_slots; a++) /* by order; insertion sort keeps ties in place */
        for (int b = a; b > 0 && t->slot[b - 1].sec->order > t->slot[b].sec->order; b--) {
            AppPanelSlot tmp = t->slot[b];
            t->slot[b] = t->slot[b - 1], t->slot[b - 1] = tmp;
        }
}

/* r grown to hold a too (r empty: a). */
static void add_rect(SDL_Rect *r, const SDL_Rect *a) {
    if (SDL_RectEmpty(r))
        *r = *a;
    else
        SDL_UnionRect(r, a, r);
}

/* The panel's sections top to bottom. A section's height() is asked first with no limit
 * (its natural height; a negative one, -min, marks the section that takes what is left),
 * then with what the sections after it leave at their natural or minimum heights. */
static void layout_panel(AppTools *t, const AppState *s, AppGfx *g) {
    t->n_slots = 0;
    for (int i = 0; i < t->box.n; i++)
        for (int k = 0; k < t->view[i]->n_sections && t->n_slots < APP_MAX_SECTIONS; k++) {
            t->slot[t->n_slots].tool = i;
            t->slot[t->n_slots++].sec = &t->view[i]->sections[k];
        }
    sort_slots(t);
    int pad = app_px(g, 16), x = s->panel.x + pad, w = s->panel.w - 2 * pad;
    int top = s->panel.y + app_px(g, 10), bottom = s->panel.y + s->panel.h;
    int need[APP_MAX_SECTIONS], h[APP_MAX_SECTIONS];
    for (int k = 0; k < t->n_slots; k++) {
        AppDraw d = draw_ctx(t, s, g, t->slot[k].tool);
        int n = t->slot[k].sec->height(&d, w, 1 << 20);
        need[k] = n < 0 ? -n : n;
    }
    int y = top, fixed = 0;
    for (int k = 0; k < t->n_slots; k++) {
        int after = 0;
        for (int j = k + 1; j < t->n_slots; j++)
            after += need[j];
        AppDraw d = draw_ctx(t, s, g, t->slot[k].tool);
        h[k] = t->slot[k].sec->height(&d, w, bottom - y - after);
        y += h[k] < 0 ? -h[k] : h[k];
        fixed += h[k] > 0 ? h[k] : 0;
    }
    SDL_Rect dyn = {0, 0, 0, 0};
    y = top;
    for (int k = 0; k < t->n_slots; k++) {
        int hk = h[k] >= 0 ? h[k] : bottom - top - fixed;
        if (hk < 0) hk = 0;
        t->slot[k].r = (SDL_Rect){x, y, w, hk};
        if (t->slot[k].sec->placed) {
            AppDraw d = draw_ctx(t, s, g, t->slot[k].tool);
            t->slot[k].sec->placed(&d, t->box.state[t->slot[k].tool], t->slot[k].r);
        }
        if (t->slot[k].sec->dynamic && hk > 0)
            add_rect(&dyn, &(SDL_Rect){s->panel.x + 1, y, s->panel.w - 1, hk});
        y += hk;
    }
    t->dynamic[0] = dyn;
}

/* Every view's strip sections by order (stable): tool[] and sec[]; returns how many. */
static int strip_sections(const AppTools *t, int *tool, const AppStripSection **sec) {
    int n = 0;
    for (int i = 0; i < t->box.n; i++)
        for (int k = 0; k < t->view[i]->n_strips && n < APP_MAX_STRIPS; k++)
            tool[n] = i, sec[n++] = &t->view[i]->strips[k];
    for (int a = 1; a < n; a++)
        for (int b = a; b > 0 && sec[b - 1]->order > sec[b]->order; b--) {
            const AppStripSection *ts = sec[b];
            int tt = tool[b];
            sec[b] = sec[b - 1], tool[b] = tool[b - 1];
            sec[b - 1] = ts, tool[b - 1] = tt;
        }
    return n;
}

/* The dock: every view's strips under each pane, by order; each is asked its height with
 * what the strips before it leave of the most the dock takes (two thirds of the plot), so
 * that the last (a traversal's rows) can fit what is left. The plots give up the height
 * of the tallest pane's stack (so that compared planes stay the same size). Below a plot
 * come its tick labels, then the strips. */
static void layout_dock(AppTools *t, AppState *s, AppGfx *g) {
    int gap = app_px(g, 6), labels = app_px(g, 48), dock = 0, most = s->pane[0].plot.h * 2 / 3;
    int tool[APP_MAX_STRIPS];
    const AppStripSection *sec[APP_MAX_STRIPS];
    int n = strip_sections(t, tool, sec);
    t->n_strips = 0;
    for (int p = 0; p < s->n_panes; p++) {
        AppRect *pl = &s->pane[p].plot;
        int x = pl->x - app_px(g, 40), w = pl->w + app_px(g, 40), need = 0;
        for (int j = 0; j < n && t->n_strips < APP_MAX_STRIPS; j++) {
            AppDraw d = draw_ctx(t, s, g, tool[j]);
            int h = sec[j]->height(&d, p, w, most - need);
            if (h <= 0) continue;
            t->strip[t->n_strips++] = (AppStripSlot){tool[j], p, sec[j], {x, 0, w, h}};
            need += h + gap;
        }
        if (need > dock) dock = need;
    }
    if (dock > most) dock = most;
    for (int p = 0; p < APP_MAX_PANES; p++)
        t->dynamic[1 + p] = t->dock[p] = (SDL_Rect){0, 0, 0, 0};
    int y[APP_MAX_PANES];
    for (int p = 0; p < s->n_panes; p++) {
        AppPane *pane = &s->pane[p];
        pane->rect = pane->plot;
        pane->rect.h -= dock;
        y[p] = pane->rect.y + pane->rect.h + labels;
    }
    for (int k = 0; k < t->n_strips; k++) { /* pane by pane, each pane's by order */
        AppStripSlot *st = &t->strip[k];
        st->r.y = y[st->pane];
        y[st->pane] += st->r.h + gap;
        if (st->sec->placed) {
            AppDraw d = draw_ctx(t, s, g, st->tool);
            st->sec->placed(&d, t->box.state[st->tool], st->pane, st->r);
        }
        add_rect(&t->dock[st->pane], &st->r);
        if (st->sec->dynamic) add_rect(&t->dynamic[1 + st->pane], &st->r);
    }
}

void app_tools_update(AppTools *t, AppState *s, AppGfx *g) {
    layout_dock(t, s, g);
    app_toolbox_update(&t->box, s);
    for (int i = 0; i < t->box.n; i++)
        if (t->view[i]->refresh) t->view[i]->refresh(t->cache[i], t->box.state[i], s, g);
    app_layers_refresh(&t->layers, t, s, g);
    layout_panel(t, s, g);
}

void app_tools_draw_pane(const AppTools *t, const AppState *s, AppGfx *g, int p) {
    SDL_Rect plot = app_sdl_rect(s->pane[p].rect);
    app_clip(g, &plot);
    app_layers_draw(&t->layers, s, g, p);
    for (int i = 0; i < t->box.n; i++)
        if (t->view[i]->under) {
            AppDraw d = draw_ctx(t, s, g, i);
            t->view[i]->under(&d, p);
        }
    for (int i = 0; i < t->box.n; i++)
        if (t->view[i]->over) {
            AppDraw d = draw_ctx(t, s, g, i);
            t->view[i]->over(&d, p);
        }
    app_clip(g, NULL);
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
    for (int i = 0; i < t->box.n; i++)
        if (t->view[i]->frame) {
            AppDraw d = draw_ctx(t, s, g, i);
            t->view[i]->frame(&d, p);
            SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
        }
}

/* Whether r meets the part of the window this pass draws: panel sections and strips leave
 * no marks, so one the pass cannot reach is skipped (a traversal is a hundred images). */
static int in_pass(const AppGfx *g, const SDL_Rect *r) {
    return app_in_pass(g, r->x, r->y, r->x + r->w, r->y + r->h);
}

void app_tools_draw_panel(const AppTools *t, const AppState *s, AppGfx *g) {
    app_set_color(g->ren, APP_GRIDLINE);
    SDL_RenderDrawLine(g->ren, s->panel.x, s->panel.y, s->panel.x, s->panel.y + s->panel.h);
    for (int k = 0; k < t->n_slots; k++) {
        if (t->slot[k].r.h <= 0 || !in_pass(g, &t->slot[k].r)) continue;
        AppDraw d = draw_ctx(t, s, g, t->slot[k].tool);
        AppClipSave saved = app_clip_push(g, t->slot[k].r);
        t->slot[k].sec->draw(&d, t->slot[k].r);
        app_clip_pop(g, saved);
        SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
    }
}

void app_tools_draw_dock(const AppTools *t, const AppState *s, AppGfx *g) {
    for (int k = 0; k < t->n_strips; k++) {
        if (!in_pass(g, &t->strip[k].r)) continue;
        AppDraw d = draw_ctx(t, s, g, t->strip[k].tool);
        AppClipSave saved = app_clip_push(g, t->strip[k].r);
        t->strip[k].sec->draw(&d, t->strip[k].pane, t->strip[k].r);
        app_clip_pop(g, saved);
        SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
    }
}

void app_tools_draw_window(const AppTools *t, const AppState *s, AppGfx *g) {
    for (int i = 0; i < t->box.n; i++)
        if (t->view[i]->window) {
            AppDraw d = draw_ctx(t, s, g, i);
            t->view[i]->window(&d);
            SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_NONE);
        }
}

void app_tools_help(const AppTools *t, void (*fn)(void *ctx, const AppTool *tool), void *ctx) {
    for (int i = 0; i < t->box.n; i++)
        fn(ctx, t->box.tool[i]);
}
