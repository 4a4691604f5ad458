/* The manifold grid's view: each pane's last complete grid, tiled into a texture and
 * placed at the latent extent it was decoded for; the progress of the next one. */
#include <math.h>

#include "gfx.h"
#include "grid.h"
#include "tools.h"

typedef struct {
    SDL_Texture *tex;
    int tw, th, valid, model;
    unsigned finished;         /* the job's count when tiled */
    double gx0, gx1, gy0, gy1; /* latent extent of tex */
} GridTex;

typedef struct {
    GridTex pane[APP_MAX_PANES];
} GridCache;

static void tile(GridTex *t, const AppGridJob *j, int rows, int cols, AppGfx *g) {
    int tw = j->nx * cols, th = j->ny * rows;
    if (!t->tex || t->tw != tw || t->th != th) {
        if (t->tex) SDL_DestroyTexture(t->tex);
        t->tex = SDL_CreateTexture(g->ren, g->opaque_format, SDL_TEXTUREACCESS_STREAMING, tw, th);
        t->tw = tw, t->th = th, t->valid = 0;
        if (!t->tex) return;
        SDL_SetTextureScaleMode(t->tex, SDL_ScaleModeLinear);
        SDL_SetTextureBlendMode(t->tex, SDL_BLENDMODE_NONE);
    }
    void *dst;
    int pitch;
    if (SDL_LockTexture(t->tex, NULL, &dst, &pitch) != 0) return;
    int pixels = rows * cols;
    for (int k = 0; k < j->nx * j->ny; k++) {
        int tx = k % j->nx, ty = k / j->nx;
        const float *pr = j->probs + (size_t)k * pixels;
        for (int y = 0; y < rows; y++) {
            Uint32 *row = (Uint32 *)((uint8_t *)dst + (size_t)(ty * rows + y) * pitch) + tx * cols;
            for (int x = 0; x < cols; x++) {
                Uint32 v = (Uint32)(fminf(1, fmaxf(0, pr[y * cols + x])) * 255 + 0.5f);
                row[x] = 0xff000000u | v << 16 | v << 8 | v;
            }
        }
    }
    SDL_UnlockTexture(t->tex);
    t->gx0 = j->zx0, t->gx1 = j->zx1, t->gy0 = j->zy0, t->gy1 = j->zy1;
    t->model = j->model;
    t->valid = 1;
}

static void refresh(void *cache, const void *tool, const AppState *s, AppGfx *g) {
    GridCache *c = cache;
    const AppGrid *grid = tool;
    for (int i = 0; i < APP_MAX_PANES; i++) {
        const AppGridJob *j = &grid->job[i];
        if (j->finished == c->pane[i].finished) continue;
        c->pane[i].finished = j->finished;
        tile(&c->pane[i], j, s->session->rows, s->session->cols, g);
    }
}

/* Only the grid's part inside the plot: after a zoom (or a diverging run's refit) its
 * extent can be millions of pixels, which a software renderer would allocate. */
static void under(const AppDraw *d, int pane) {
    const AppGrid *grid = d->tool;
    const GridTex *t = &((const GridCache *)d->cache)->pane[pane];
    const AppPane *p = &d->s->pane[pane];
    if (!grid->on || !t->valid || !t->tex || t->model != p->model || !app_pane_model(d->s, p))
        return;
    SDL_Rect rr = app_sdl_rect(p->rect);
    double x0 = app_view_px(&p->view, p->rect, t->gx0), x1 = app_view_px(&p->view, p->rect, t->gx1);
    double y0 = app_view_py(&p->view, p->rect, t->gy1), y1 = app_view_py(&p->view, p->rect, t->gy0);
    double cx0 = fmax(x0, rr.x), cy0 = fmax(y0, rr.y);
    double cx1 = fmin(x1, rr.x + rr.w), cy1 = fmin(y1, rr.y + rr.h);
    if (!(cx0 < cx1 && cy0 < cy1) || !app_in_pass(d->g, cx0, cy0, cx1, cy1)) return;
    double sx = t->tw / (x1 - x0), sy = t->th / (y1 - y0);
    SDL_Rect src = {(int)floor((cx0 - x0) * sx), (int)floor((cy0 - y0) * sy), 0, 0};
    int ex = (int)ceil((cx1 - x0) * sx), ey = (int)ceil((cy1 - y0) * sy);
    src.w = (ex < t->tw ? ex : t->tw) - src.x;
    src.h = (ey < t->th ? ey : t->th) - src.y;
    /* the destination of those whole texels, so the tiles keep their places */
    SDL_FRect dst = {(float)(x0 + src.x / sx), (float)(y0 + src.y / sy), (float)(src.w / sx),
                     (float)(src.h / sy)};
    if (src.w > 0 && src.h > 0) SDL_RenderCopyF(d->g->ren, t->tex, &src, &dst);
}

static void frame(const AppDraw *d, int pane) {
    const AppGrid *grid = d->tool;
    const AppGridJob *j = &grid->job[pane];
    const AppPane *p = &d->s->pane[pane];
    if (!grid->on || !j->active || j->refresh) return;
    app_text_drawf(&d->g->text, APP_FONT_SMALL, p->rect.x + p->rect.w - app_px(d->g, 8),
                   p->rect.y + app_px(d->g, 8), APP_DIM, APP_ALIGN_RIGHT, "decoding grid %d/%d",
                   j->next, j->nx * j->ny);
}

static void cache_free(void *cache) {
    GridCache *c = cache;
    for (int i = 0; i < APP_MAX_PANES; i++)
        if (c->pane[i].tex) SDL_DestroyTexture(c->pane[i].tex);
}

const AppToolView app_view_grid = {
    .cache_size = sizeof(GridCache),
    .refresh = refresh,
    .under = under,
    .frame = frame,
    .free = cache_free,
};
