/* The plots' images composited from the views' layers (see layers.h). */
#include "layers.h"

#include <stdlib.h>
#include <string.h>

#include "scatter.h"
#include "tools.h"

/* The image's texture and pixels for a w x h plot, made (and their pages touched) as soon
 * as the layout is known: the first snapshot's frame only composites. 0 once they exist. */
static int make_image(AppPlotImage *im, int w, int h, AppGfx *g) {
    if (im->tex && im->w == w && im->h == h) return im->pixels ? 0 : -1;
    if (im->tex) SDL_DestroyTexture(im->tex);
    free(im->pixels);
    im->tex = SDL_CreateTexture(g->ren, g->opaque_format, SDL_TEXTUREACCESS_STREAMING, w, h);
    im->pixels = malloc((size_t)w * (size_t)h * sizeof *im->pixels);
    im->w = w, im->h = h, im->valid = 0;
    if (!im->tex || !im->pixels) return -1;
    memset(im->pixels, 0, (size_t)w * (size_t)h * sizeof *im->pixels);
    SDL_SetTextureBlendMode(im->tex, SDL_BLENDMODE_NONE);
    SDL_UpdateTexture(im->tex, NULL, im->pixels, w * (int)sizeof *im->pixels);
    return 0;
}

/* Pane i's plot again if a layer, the view or the size changed. The first view with a
 * layer paints every pixel (the scatter); without it there is no image. */
static void composite(AppPlotImage *im, const AppTools *t, const AppState *s, AppGfx *g, int i) {
    const AppPane *p = &s->pane[i];
    int w = p->rect.w, h = p->rect.h, base = -1;
    if (w <= 0 || h <= 0 || make_image(im, w, h, g) != 0) return;
    uint64_t key[APP_MAX_TOOLS] = {0};
    for (int k = 0; k < t->box.n; k++) {
        if (!t->view[k]->layer_key) continue;
        AppDraw d = {s, t->box.state[k], t->cache[k], g, t};
        key[k] = t->view[k]->layer_key(&d, i);
        if (base < 0) base = k;
    }
    if (base < 0 || key[base] == 0) {
        im->valid = 0;
        return;
    }
    if (im->valid && app_view_same(&im->view, &p->view) && !memcmp(key, im->key, sizeof key))
        return;
    for (int k = base; k < t->box.n; k++) {
        if (!key[k]) continue;
        AppDraw d = {s, t->box.state[k], t->cache[k], g, t};
        t->view[k]->layer_paint(&d, i, im->pixels, w, h);
    }
    SDL_UpdateTexture(im->tex, NULL, im->pixels, w * (int)sizeof *im->pixels);
    memcpy(im->key, key, sizeof key);
    im->view = p->view, im->valid = 1;
}

void app_layer_over(uint32_t *px, int w, int h, const AppView *v, const uint32_t *src, int sw,
                    int sh, double zx0, double zx1, double zy0, double zy1) {
    AppRect at = {0, 0, w, h}; /* the plot's own pixels; y grows downwards */
    vae_plane_over(px, w, h, src, sw, sh, app_view_px(v, at, zx0), app_view_py(v, at, zy1),
                   app_view_px(v, at, zx1), app_view_py(v, at, zy0));
}

void app_layers_refresh(AppLayers *l, const AppTools *t, const AppState *s, AppGfx *g) {
    for (int i = 0; i < s->n_panes; i++)
        composite(&l->plot[i], t, s, g, i);
}

void app_layers_draw(const AppLayers *l, const AppState *s, AppGfx *g, int p) {
    const AppPlotImage *im = &l->plot[p];
    SDL_Rect r = app_sdl_rect(s->pane[p].rect);
    if (im->valid && im->w == r.w && im->h == r.h && SDL_RenderCopy(g->ren, im->tex, NULL, &r) == 0)
        return;
    app_set_color(g->ren, APP_PANE_BG);
    SDL_RenderFillRect(g->ren, &r);
}

void app_layers_free(AppLayers *l) {
    for (int i = 0; i < APP_MAX_PANES; i++) {
        if (l->plot[i].tex) SDL_DestroyTexture(l->plot[i].tex);
        free(l->plot[i].pixels);
    }
    memset(l, 0, sizeof *l);
}
