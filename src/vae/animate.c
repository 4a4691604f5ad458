/* A recording as an animated GIF (see animate.h): panes laid out side by side, a fixed
 * view per pane, each picked frame composed in ARGB (grid tiles, scatter, prior circles,
 * text), quantised to one palette of the theme, the class colours over the background
 * and greys, and handed to the GIF writer. */
#include "animate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitfont.h"
#include "gif.h"

/* The explorer's theme (its engine/theme.h), so that the animation looks like the window. */
#define BG VAE_ARGB(22, 25, 32)
#define GRIDLINE VAE_ARGB(34, 39, 50)
#define AXIS VAE_ARGB(62, 70, 86)
#define TEXT VAE_ARGB(216, 222, 233)
#define DIM VAE_ARGB(132, 142, 160)
#define ACCENT VAE_ARGB(136, 192, 208)
#define TILE_MAX 0.6 /* the brightest grid tile pixel, as a share of the way to white */
#define MAX_TILES 32 /* grid tiles across a pane, at most */
#define HOLD_CS 200  /* the last frame stays this long before the loop restarts */

typedef struct {
    int model, x0, w, h;
    VaePlaneView view;
    int ax[2], prior;
    /* the grid: tile codes and decodes with the decoder loaded (dec_index) */
    VaeModel dec;
    VaeWorkspace ws;
    int dec_index, nx, ny;
    float *z, *probs;
} Pane;

typedef struct {
    const VaeRecording *r;
    VaeAnimateOptions o;
    Pane pane[VAE_RECORD_MAX_MODELS];
    int n_panes, font;
    float u;         /* dot size and tick spacing, pixels per point */
    float *mu;       /* (n, latent) of the frame being drawn */
    uint32_t *argb;  /* the image */
    uint32_t *layer; /* a pane's scatter */
    uint8_t *idx;
    VaeGifPalette *pal;
} Anim;

VaeAnimateOptions vae_animate_defaults(void) {
    VaeAnimateOptions o = {0, 0, 10, 0, 0, -1};
    return o;
}

VaeStatus vae_animate_resolve(const VaeRecording *r, VaeAnimateOptions *o, char err[VAE_ERR_LEN]) {
    int models = vae_recording_setup(r)->n_models, frames = vae_recording_n_frames(r);
    if (o->model < -1 || o->model >= models)
        return vae_fail(err, VAE_ERR_ARG, "--model %d: the recording has models 0..%d", o->model,
                        models - 1);
    int panes = o->model < 0 ? models : 1;
    if (!o->width && !o->height) o->width = 480 * panes, o->height = 480;
    if (o->width < 64 * panes || o->height < 64 || o->width > VAE_ANIMATE_MAX_SIDE ||
        o->height > VAE_ANIMATE_MAX_SIDE)
        return vae_fail(err, VAE_ERR_ARG,
                        "--size %dx%d: each side must be in 64..%d (and 64 per pane across)",
                        o->width, o->height, VAE_ANIMATE_MAX_SIDE);
    if (!o->fps) o->fps = 10;
    if (o->fps < 1 || o->fps > VAE_ANIMATE_MAX_FPS)
        return vae_fail(err, VAE_ERR_ARG, "--fps %d: must be in 1..%d", o->fps,
                        VAE_ANIMATE_MAX_FPS);
    if (frames < 1) return vae_fail(err, VAE_ERR_ARG, "the recording holds no frames");
    if (!o->frames) o->frames = frames < 100 ? frames : 100;
    if (o->frames < 1 || o->frames > frames)
        return vae_fail(err, VAE_ERR_ARG, "--frames %d: the recording holds %d frames (1..%d)",
                        o->frames, frames, frames);
    if (o->grid && vae_recording_n_decoders(r) < 1)
        return vae_fail(err, VAE_ERR_ARG, "--grid: the recording holds no decoders");
    return VAE_OK;
}

void vae_animate_pick(int n_recorded, int n, int *idx) {
    for (int i = 0; i < n; i++)
        idx[i] = n == 1 ? n_recorded - 1 : (int)((double)i * (n_recorded - 1) / (n - 1) + 0.5);
}

/* ---- palette --------------------------------------------------------------------------- */

static uint32_t mix(uint32_t a, uint32_t b, double t) {
    int r = (int)((a >> 16 & 255) * (1 - t) + (b >> 16 & 255) * t + 0.5);
    int g = (int)((a >> 8 & 255) * (1 - t) + (b >> 8 & 255) * t + 0.5);
    int bl = (int)((a & 255) * (1 - t) + (b & 255) * t + 0.5);
    return VAE_ARGB(r, g, bl);
}

/* The theme, each class colour over the background at 9 strengths (the dots' edges and
 * overlaps), the accent's circles, and greys up to the brightest grid tile. */
static void make_palette(VaeGifPalette *p) {
    uint32_t c[256];
    int n = 0;
    c[n++] = BG, c[n++] = GRIDLINE, c[n++] = AXIS, c[n++] = TEXT, c[n++] = DIM;
    for (int k = 1; k <= 4; k++)
        c[n++] = mix(BG, ACCENT, k / 4.0);
    for (int cls = 0; cls < 10; cls++)
        for (int k = 1; k <= 9; k++)
            c[n++] = mix(BG, vae_class_argb(cls), k < 9 ? k / 10.0 : 1.0);
    while (n < 256)
        c[n] = mix(BG, VAE_ARGB(255, 255, 255), TILE_MAX * (n - 99) / (256 - 100)), n++;
    vae_gif_palette_init(p, c, n);
}

/* ---- panes ----------------------------------------------------------------------------- */

/* Pane p's view: fitted to its model's final frame (and the prior's 3 sigma for a VAE). */
static VaeStatus fit_pane(Anim *a, Pane *p, char *err) {
    const VaeConfig *c = &vae_recording_setup(a->r)->cfg[p->model];
    int n = vae_recording_n_points(a->r), L = c->latent;
    p->ax[0] = 0, p->ax[1] = L > 1 ? 1 : 0;
    p->prior = vae_kind_is_stochastic(c->kind);
    float *xy = malloc((size_t)n * 2 * sizeof *xy);
    if (!xy) return vae_fail(err, VAE_ERR_NOMEM, "out of memory for the view");
    vae_recording_frame_latents(a->r, vae_recording_n_frames(a->r) - 1, p->model, a->mu, NULL);
    for (int i = 0; i < n; i++)
        xy[2 * i] = a->mu[(size_t)i * L + p->ax[0]],
               xy[2 * i + 1] = a->mu[(size_t)i * L + p->ax[1]];
    vae_plane_fit(&p->view, p->w, p->h, xy, n, p->prior);
    free(xy);
    return VAE_OK;
}

/* The grid's tiles over the pane's (fixed) view, and a model to decode them with. */
static VaeStatus grid_pane(Anim *a, Pane *p, char *err) {
    const VaeConfig *c = &vae_recording_setup(a->r)->cfg[p->model];
    int L = c->latent, pixels = c->input_h * c->input_w;
    p->nx = p->w / (c->input_w + 4), p->ny = p->h / (c->input_h + 4);
    p->nx = p->nx < 2 ? 2 : p->nx > MAX_TILES ? MAX_TILES : p->nx;
    p->ny = p->ny < 2 ? 2 : p->ny > MAX_TILES ? MAX_TILES : p->ny;
    int tiles = p->nx * p->ny;
    VaeStatus s = vae_model_init(&p->dec, c, err);
    if (s == VAE_OK) s = vae_workspace_init(&p->ws, &p->dec, 64, err);
    p->z = calloc((size_t)tiles * L, sizeof *p->z);
    p->probs = malloc((size_t)tiles * pixels * sizeof *p->probs);
    if (s == VAE_OK && (!p->z || !p->probs))
        s = vae_fail(err, VAE_ERR_NOMEM, "out of memory for the grid");
    if (s != VAE_OK) return s;
    for (int ty = 0; ty < p->ny; ty++)
        for (int tx = 0; tx < p->nx; tx++) {
            float *z = p->z + ((size_t)ty * p->nx + tx) * L;
            z[p->ax[0]] = (float)vae_plane_zx(&p->view, p->w, (tx + 0.5) * p->w / p->nx);
            z[p->ax[1]] = (float)vae_plane_zy(&p->view, p->h, (ty + 0.5) * p->h / p->ny);
        }
    p->dec_index = -1;
    return VAE_OK;
}

/* Decode the grid with the decoder nearest to step, if it is not the one decoded. */
static VaeStatus decode_grid(Anim *a, Pane *p, int64_t step, char *err) {
    int d = vae_recording_nearest_decoder(a->r, step);
    if (d == p->dec_index) return VAE_OK;
    VaeStatus s = vae_recording_decoder(a->r, d, p->model, &p->dec, err);
    if (s != VAE_OK) return s;
    uint8_t labels[MAX_TILES * MAX_TILES] = {0}; /* a conditional model draws class 0 */
    vae_model_decode(&p->dec, &p->ws, p->z, labels, p->nx * p->ny, p->probs);
    p->dec_index = d;
    return VAE_OK;
}

/* ---- drawing --------------------------------------------------------------------------- */

/* Grid tiles where the layer shows background or tick lines: under the points. */
static void draw_grid(const Pane *p, const VaeConfig *c, uint32_t *px) {
    int ih = c->input_h, iw = c->input_w;
    for (int y = 0; y < p->h; y++) {
        int ty = y * p->ny / p->h, iy = (y - ty * p->h / p->ny) * ih * p->ny / p->h;
        for (int x = 0; x < p->w; x++) {
            uint32_t *d = &px[(size_t)y * p->w + x];
            if (*d != BG && *d != GRIDLINE && *d != AXIS) continue;
            int tx = x * p->nx / p->w, ix = (x - tx * p->w / p->nx) * iw * p->nx / p->w;
            ix = ix < iw ? ix : iw - 1, iy = iy < ih ? iy : ih - 1;
            float v = p->probs[((size_t)ty * p->nx + tx) * ih * iw + (size_t)iy * iw + ix];
            v = v > 0 ? (v < 1 ? v : 1) : 0;
            if (v > 0.02f) *d = mix(BG, VAE_ARGB(255, 255, 255), TILE_MAX * v);
        }
    }
}

/* The prior N(0, I)'s 1, 2 and 3 sigma circles, anti-aliased rings in the accent. */
static void draw_prior(const Pane *p, uint32_t *px) {
    double cx = vae_plane_px(&p->view, p->w, 0), cy = vae_plane_py(&p->view, p->h, 0);
    double r3 = 3 * p->view.scale + 2;
    int x0 = (int)fmax(0, cx - r3), x1 = (int)fmin(p->w - 1, cx + r3);
    int y0 = (int)fmax(0, cy - r3), y1 = (int)fmin(p->h - 1, cy + r3);
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            double d = hypot(x + 0.5 - cx, y + 0.5 - cy) / p->view.scale, cover = 0;
            for (int k = 1; k <= 3; k++)
                cover = fmax(cover, 1 - fabs(d - k) * p->view.scale);
            if (cover > 0)
                px[(size_t)y * p->w + x] = mix(px[(size_t)y * p->w + x], ACCENT, 0.6 * cover);
        }
}

static void draw_text(Anim *a, const Pane *p, int64_t step, uint32_t *px) {
    const VaeRecordSetup *su = vae_recording_setup(a->r);
    char line[64];
    int f = a->font, m = 6 * f; /* margin */
    snprintf(line, sizeof line, "%s",
             su->name[p->model][0] ? su->name[p->model] : vae_kind_name(su->cfg[p->model].kind));
    char line2[32];
    snprintf(line2, sizeof line2, "STEP %lld", (long long)step);
    int tw = vae_bitfont_width(line, f), tw2 = vae_bitfont_width(line2, f);
    /* on the background, so that the grid's tiles do not hide it */
    for (int y = m - 2 * f; y < m + 17 * f + 2 * f && y < p->h; y++)
        for (int x = m - 2 * f; x < m + (tw > tw2 ? tw : tw2) + 2 * f && x < p->w; x++)
            px[(size_t)y * p->w + x] = BG;
    vae_bitfont_draw(px, p->w, p->h, m, m, f, TEXT, line);
    vae_bitfont_draw(px, p->w, p->h, m, m + 10 * f, f, DIM, line2);
}

static VaeStatus draw_frame(Anim *a, int frame, char *err) {
    int64_t step = vae_recording_frame_step(a->r, frame);
    int W = a->o.width;
    for (size_t i = 0; i < (size_t)W * a->o.height; i++)
        a->argb[i] = BG;
    for (int k = 0; k < a->n_panes; k++) {
        Pane *p = &a->pane[k];
        const VaeConfig *c = &vae_recording_setup(a->r)->cfg[p->model];
        vae_recording_frame_latents(a->r, frame, p->model, a->mu, NULL);
        VaeScatterPoints pts = {a->mu,
                                c->latent,
                                vae_recording_n_points(a->r),
                                {p->ax[0], p->ax[1]},
                                vae_recording_labels(a->r)};
        const VaeScatterColors colors = {BG, GRIDLINE, AXIS};
        if (vae_scatter_raster(a->layer, p->w, p->h, &p->view, a->u, &pts, &colors) != 0)
            return vae_fail(err, VAE_ERR_NOMEM, "out of memory for the scatter");
        if (a->o.grid) {
            VaeStatus s = decode_grid(a, p, step, err);
            if (s != VAE_OK) return s;
            draw_grid(p, c, a->layer);
        }
        if (p->prior) draw_prior(p, a->layer);
        draw_text(a, p, step, a->layer);
        for (int y = 0; y < p->h; y++)
            memcpy(a->argb + (size_t)y * W + p->x0, a->layer + (size_t)y * p->w,
                   (size_t)p->w * sizeof *a->argb);
        if (k > 0) /* a line between panes */
            for (int y = 0; y < p->h; y++)
                a->argb[(size_t)y * W + p->x0] = AXIS;
    }
    return VAE_OK;
}

/* ---- the animation --------------------------------------------------------------------- */

static VaeStatus setup(Anim *a, char *err) {
    const VaeRecordSetup *su = vae_recording_setup(a->r);
    int W = a->o.width, H = a->o.height, maxL = 1;
    a->n_panes = a->o.model < 0 ? su->n_models : 1;
    for (int m = 0; m < su->n_models; m++)
        maxL = su->cfg[m].latent > maxL ? su->cfg[m].latent : maxL;
    int pw = W / a->n_panes;
    a->u = (float)fmax(1.0, fmin(pw, H) / 480.0);
    a->font = H >= 320 ? 2 : 1;
    a->mu = malloc((size_t)vae_recording_n_points(a->r) * maxL * sizeof *a->mu);
    a->argb = malloc((size_t)W * H * sizeof *a->argb);
    a->layer = malloc((size_t)pw * H * sizeof *a->layer);
    a->idx = malloc((size_t)W * H);
    a->pal = malloc(sizeof *a->pal);
    if (!a->mu || !a->argb || !a->layer || !a->idx || !a->pal)
        return vae_fail(err, VAE_ERR_NOMEM, "out of memory for a %dx%d animation", W, H);
    make_palette(a->pal);
    for (int k = 0; k < a->n_panes; k++) {
        Pane *p = &a->pane[k];
        p->model = a->o.model < 0 ? k : a->o.model;
        p->x0 = k * pw, p->w = pw, p->h = H;
        VaeStatus s = fit_pane(a, p, err);
        if (s == VAE_OK && a->o.grid) s = grid_pane(a, p, err);
        if (s != VAE_OK) return s;
    }
    return VAE_OK;
}

static void teardown(Anim *a) {
    for (int k = 0; k < a->n_panes; k++) {
        vae_model_free(&a->pane[k].dec);
        vae_workspace_free(&a->pane[k].ws);
        free(a->pane[k].z), free(a->pane[k].probs);
    }
    free(a->mu), free(a->argb), free(a->layer), free(a->idx), free(a->pal);
}

VaeStatus vae_animate_gif(const VaeRecording *r, const VaeAnimateOptions *o, const char *path,
                          VaeAnimateInfo *info, char err[VAE_ERR_LEN]) {
    Anim a;
    memset(&a, 0, sizeof a);
    a.r = r, a.o = *o;
    VaeGif *gif = NULL;
    int *pick = NULL;
    size_t bytes = 0;
    VaeStatus s = vae_animate_resolve(r, &a.o, err);
    if (s == VAE_OK) s = setup(&a, err);
    if (s == VAE_OK && !(pick = malloc((size_t)a.o.frames * sizeof *pick)))
        s = vae_fail(err, VAE_ERR_NOMEM, "out of memory");
    if (s == VAE_OK) s = vae_gif_open(&gif, a.o.width, a.o.height, a.pal, err);
    if (s == VAE_OK) vae_animate_pick(vae_recording_n_frames(r), a.o.frames, pick);
    int delay = (100 + a.o.fps / 2) / a.o.fps;
    for (int i = 0; s == VAE_OK && i < a.o.frames; i++) {
        s = draw_frame(&a, pick[i], err);
        if (s != VAE_OK) break;
        vae_gif_quantize(a.pal, a.argb, a.idx, (size_t)a.o.width * a.o.height);
        int last = i == a.o.frames - 1;
        s = vae_gif_add(gif, a.idx, last && delay < HOLD_CS ? HOLD_CS : delay, err);
    }
    if (s == VAE_OK) s = vae_gif_save(gif, path, &bytes, err);
    if (s == VAE_OK && info) *info = (VaeAnimateInfo){a.o.frames, a.o.width, a.o.height, bytes};
    vae_gif_close(gif);
    free(pick);
    teardown(&a);
    return s;
}
