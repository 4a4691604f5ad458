/* The repair tool's view: under each pane the corrupted input (where the mask is painted,
 * the missing pixels tinted), that pane's model's one-pass reconstruction, and its
 * inpainting chain at the iteration it has reached. */
#include <stdio.h>

#include "gfx.h"
#include "repair.h"
#include "tools.h"

typedef struct {
    SDL_Texture *input, *recon[APP_MAX_MODELS], *chain[APP_MAX_MODELS];
    unsigned version, results;
} RepairCache;

static SDL_Texture *texture(AppGfx *g, SDL_Texture **t) {
    if (!*t) *t = app_image_texture(g, VAE_MNIST_SIDE, VAE_MNIST_SIDE);
    return *t;
}

static void refresh(void *cache, const void *tool, const AppState *s, AppGfx *g) {
    RepairCache *c = cache;
    const AppRepair *r = tool;
    (void)s;
    if (!r->on || r->source == APP_SOURCE_NONE) return;
    if (c->version != r->version && texture(g, &c->input)) {
        app_image_upload(c->input, r->input, VAE_MNIST_SIDE, VAE_MNIST_SIDE);
        c->version = r->version;
    }
    if (c->results == r->results) return;
    for (int m = 0; m < APP_MAX_MODELS; m++) {
        if (!r->recon_seq[m]) continue;
        if (texture(g, &c->recon[m]))
            app_image_upload(c->recon[m], r->recon[m], VAE_MNIST_SIDE, VAE_MNIST_SIDE);
        if (texture(g, &c->chain[m]))
            app_image_upload(c->chain[m], r->chain[m], VAE_MNIST_SIDE, VAE_MNIST_SIDE);
    }
    c->results = r->results;
}

static int strip_height(const AppDraw *d, int pane, int width, int avail) {
    (void)pane, (void)width, (void)avail;
    const AppRepair *r = d->tool;
    if (!r->on) return 0;
    int lh = app_text_line(&d->g->text, APP_FONT_SMALL);
    if (r->source == APP_SOURCE_NONE) return lh;
    return lh + (int)(2.5 * d->g->u * VAE_MNIST_SIDE) + app_px(d->g, 4);
}

/* Each image's side in a strip of height h. */
static int cell(const AppDraw *d, int h) {
    return h - app_text_line(&d->g->text, APP_FONT_SMALL) - app_px(d->g, 4);
}

static void placed(const AppDraw *d, void *tool, int pane, SDL_Rect r) {
    AppRepair *rp = tool;
    int side = cell(d, r.h);
    rp->input_x[pane] = r.x, rp->input_y[pane] = r.y + app_text_line(&d->g->text, APP_FONT_SMALL);
    rp->input_side[pane] = side > 0 ? side : 0;
}

/* The missing pixels over the input, tinted. */
static void draw_mask(AppGfx *g, const AppRepair *r, SDL_Rect dst) {
    SDL_FRect px[VAE_MNIST_PIXELS];
    int n = 0;
    float k = (float)dst.w / VAE_MNIST_SIDE;
    for (int i = 0; i < VAE_MNIST_PIXELS; i++)
        if (r->mask[i])
            px[n++] = (SDL_FRect){dst.x + (float)(i % VAE_MNIST_SIDE) * k,
                                  dst.y + (float)(i / VAE_MNIST_SIDE) * k, k, k};
    SDL_SetRenderDrawBlendMode(g->ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(g->ren, 225, 87, 89, 110);
    SDL_RenderFillRectsF(g->ren, px, n);
}

static void caption(const AppDraw *d, SDL_Rect r) {
    const AppRepair *rp = d->tool;
    char what[96], src[48];
    if (rp->source == APP_SOURCE_TEST)
        snprintf(src, sizeof src, "test image #%d", rp->source_index);
    else
        snprintf(src, sizeof src, "your image");
    if (rp->noise == APP_NOISE_GAUSS)
        snprintf(what, sizeof what, "Gaussian noise \xcf\x83 %.2f", (double)rp->level[rp->noise]);
    else if (rp->noise == APP_NOISE_SALT_PEPPER)
        snprintf(what, sizeof what, "salt and pepper p %.2f", (double)rp->level[rp->noise]);
    else
        snprintf(what, sizeof what, "no noise");
    app_text_drawf_within(d->g, APP_FONT_SMALL, r.x, r.y, r.w, APP_DIM,
                          "%s + %s, %d pixels erased (drag on it) | one pass | inpainting", src,
                          what, rp->n_missing);
}

static void strip_draw(const AppDraw *d, int pane, SDL_Rect r) {
    const AppState *s = d->s;
    const AppRepair *rp = d->tool;
    const RepairCache *c = d->cache;
    AppGfx *g = d->g;
    if (rp->source == APP_SOURCE_NONE) {
        app_text_draw_within(g, APP_FONT_SMALL, "repair: hover a test image, or draw one (D)", r.x,
                             r.y, r.w, APP_DIM);
        return;
    }
    caption(d, r);
    int side = cell(d, r.h), gap = app_px(g, 10), m = s->pane[pane].model;
    int y = r.y + app_text_line(&g->text, APP_FONT_SMALL);
    SDL_Rect dst = {r.x, y, side, side};
    app_image_box(g, c->input, dst);
    draw_mask(g, rp, dst);
    if (m >= APP_MAX_MODELS || !rp->recon_seq[m]) return;
    dst.x += side + gap;
    app_image_box(g, c->recon[m], dst);
    dst.x += side + gap;
    app_image_box(g, rp->n_missing ? c->chain[m] : NULL, dst);
    int tx = dst.x + side + gap;
    const char *who = app_snap_label(s->snap, m);
    if (rp->n_missing)
        app_text_drawf_within(g, APP_FONT_SMALL, tx, y, r.x + r.w - tx, APP_TEXT,
                              "%s: iteration %d/%d", who, rp->iter[m], APP_REPAIR_ITERS);
    else
        app_text_drawf_within(g, APP_FONT_SMALL, tx, y, r.x + r.w - tx, APP_DIM,
                              "%s: erase pixels to inpaint", who);
}

static const AppStripSection strips[] = {
    {.order = 6, .dynamic = 1, .height = strip_height, .draw = strip_draw, .placed = placed},
};

static void cache_free(void *cache) {
    RepairCache *c = cache;
    if (c->input) SDL_DestroyTexture(c->input);
    for (int m = 0; m < APP_MAX_MODELS; m++) {
        if (c->recon[m]) SDL_DestroyTexture(c->recon[m]);
        if (c->chain[m]) SDL_DestroyTexture(c->chain[m]);
    }
}

const AppToolView app_view_repair = {
    .cache_size = sizeof(RepairCache),
    .refresh = refresh,
    .strips = strips,
    .n_strips = 1,
    .free = cache_free,
};
