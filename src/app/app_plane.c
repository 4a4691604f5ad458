/* The latent plane of one pane: auto-fit, the decoded point under the cursor, the
 * scatter layer (rasterised on the CPU into a cached texture, redone only when the view
 * or the snapshot changes), the manifold grid, axes, prior contours and the legend. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "rng.h"

const SDL_Color app_palette[10] = {
    /* Tableau 10 */
    {78, 121, 167, 255}, {242, 142, 43, 255},  {225, 87, 89, 255},   {118, 183, 178, 255},
    {89, 161, 79, 255},  {237, 201, 72, 255},  {176, 122, 161, 255}, {255, 157, 167, 255},
    {156, 117, 95, 255}, {186, 176, 172, 255},
};

static int same_view(const AppView *a, const AppView *b) {
    return a->cx == b->cx && a->cy == b->cy && a->scale == b->scale;
}

static int is_vae(const VaeModel *m) {
    return m && m->cfg.kind != VAE_KIND_AE;
}

void app_pane_free(AppPane *p) {
    if (p->layer) SDL_DestroyTexture(p->layer);
    if (p->dec_tex) SDL_DestroyTexture(p->dec_tex);
    if (p->rec_tex) SDL_DestroyTexture(p->rec_tex);
    if (p->grid_tex) SDL_DestroyTexture(p->grid_tex);
    free(p->pixels);
    free(p->post_z0);
    free(p->post_zk);
    free(p->job.z);
    free(p->job.probs);
    memset(p, 0, sizeof *p);
}

/* ---- update --------------------------------------------------------------------- */

static void decode_one(App *a, int model, const float *z, int cls, SDL_Texture *tex) {
    const VaeModel *m = &a->snap->model[model];
    float probs[APP_PIXELS_MAX];
    uint8_t label = (uint8_t)cls;
    vae_model_decode(m, &a->ws[model], z, m->cfg.kind == VAE_KIND_CVAE ? &label : NULL, 1, probs);
    app_image_upload(tex, probs, a->cols, a->rows);
}

static SDL_Texture *image_texture(App *a) {
    SDL_Texture *t = SDL_CreateTexture(a->ren, SDL_PIXELFORMAT_ARGB8888,
                                       SDL_TEXTUREACCESS_STREAMING, a->cols, a->rows);
    if (t) SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
    if (t) SDL_SetTextureBlendMode(t, SDL_BLENDMODE_NONE);
    return t;
}

void app_plane_update(App *a, AppPane *p) {
    const VaeModel *m = app_pane_model(a, p);
    if (!m) return;
    const AppSnapshot *s = a->snap;
    int L = m->cfg.latent;
    int resized = p->fit_w != p->rect.w || p->fit_h != p->rect.h;
    if (!p->view.user && (p->fit_seq != s->latents_seq || resized || p->view.scale == 0)) {
        p->fit_seq = s->latents_seq, p->fit_w = p->rect.w, p->fit_h = p->rect.h;
        /* fit on dims 1-2 of mu: pack them (stride L) for the fit */
        float *xy = malloc((size_t)s->n_points * 2 * sizeof *xy);
        if (xy) {
            for (int i = 0; i < s->n_points; i++) {
                xy[2 * i] = s->mu[p->model][(size_t)i * L];
                xy[2 * i + 1] = s->mu[p->model][(size_t)i * L + 1];
            }
            AppView v = p->view;
            app_view_fit(&v, p->rect, xy, s->n_points, is_vae(m));
            /* Refit only on a real change, so a converged plot stays still. */
            double ds = fabs(v.scale / (p->view.scale > 0 ? p->view.scale : 1) - 1);
            double dc = hypot(v.cx - p->view.cx, v.cy - p->view.cy) * v.scale;
            if (p->view.scale == 0 || resized || ds > 0.03 || dc > 0.03 * p->rect.w) p->view = v;
            free(xy);
        }
    }
    if (a->mouse_in && a->mx >= p->rect.x && a->mx < p->rect.x + p->rect.w && a->my >= p->rect.y &&
        a->my < p->rect.y + p->rect.h) {
        p->zx = app_view_zx(&p->view, p->rect, a->mx + 0.5);
        p->zy = app_view_zy(&p->view, p->rect, a->my + 0.5);
        p->has_z = 1;
    }
    if (!p->has_z) { /* until the cursor visits this pane: the centre of its view */
        p->zx = p->view.cx;
        p->zy = p->view.cy;
    }
    /* decode under the cursor: once per frame at most, and only if something changed */
    if (!p->dec_tex) p->dec_tex = image_texture(a);
    if (p->dec_tex && (!p->dec_valid || p->dec_seq != s->seq || p->dec_zx != p->zx ||
                       p->dec_zy != p->zy || p->dec_cls != a->cls)) {
        float z[VAE_MAX_LATENT] = {0};
        z[0] = (float)p->zx, z[1] = (float)p->zy;
        decode_one(a, p->model, z, a->cls, p->dec_tex);
        p->dec_seq = s->seq, p->dec_zx = p->zx, p->dec_zy = p->zy, p->dec_cls = a->cls;
        p->dec_valid = 1;
    }
}

/* The reconstruction of the hovered test point (decode of its mu), for the panel. */
void app_plane_recon(App *a, AppPane *p) {
    const VaeModel *m = app_pane_model(a, p);
    const AppSnapshot *s = a->snap;
    if (!m || a->hover_idx < 0) return;
    int L = m->cfg.latent;
    if (!p->rec_tex) p->rec_tex = image_texture(a);
    if (p->rec_tex && (p->rec_idx != a->hover_idx || p->rec_seq != s->seq)) {
        uint8_t label = a->shown->labels[a->hover_idx];
        float probs[APP_PIXELS_MAX];
        vae_model_decode(m, &a->ws[p->model], s->mu[p->model] + (size_t)a->hover_idx * L,
                         m->cfg.kind == VAE_KIND_CVAE ? &label : NULL, 1, probs);
        app_image_upload(p->rec_tex, probs, a->cols, a->rows);
        p->rec_idx = a->hover_idx, p->rec_seq = s->seq;
    }
}

/* 200 samples of q(z|x) for the hovered test point: z0 from the Gaussian, zk after the
 * flows (the same as z0 without). Seeded by the image index, so they hold still while
 * hovering and change only when the model does. The Gaussian is the snapshot's latents
 * (the dot's own mu and logvar: a trainer's snapshot has no encoder). */
void app_plane_posterior(App *a, AppPane *p) {
    const VaeModel *m = app_pane_model(a, p);
    const AppSnapshot *s = a->snap;
    int i = a->hover_idx;
    if (!is_vae(m) || i < 0) return;
    if (p->post_valid && p->post_idx == i && p->post_seq == s->seq) return;
    size_t n = (size_t)APP_POST_SAMPLES * VAE_MAX_LATENT;
    if (!p->post_z0) p->post_z0 = malloc(n * sizeof *p->post_z0);
    if (!p->post_zk) p->post_zk = malloc(n * sizeof *p->post_zk);
    if (!p->post_z0 || !p->post_zk) return;
    const int L = m->cfg.latent;
    const float *mu = s->mu[p->model] + (size_t)i * L, *lv = s->lv[p->model] + (size_t)i * L;
    vae_model_posterior_samples_from(m, mu, lv, APP_POST_SAMPLES, (uint64_t)i, p->post_z0,
                                     p->post_zk);
    for (int j = 0; j < 2; j++) {
        p->post_mu[j] = mu[j];
        p->post_sd[j] = expf(0.5f * lv[j]);
    }
    p->post_idx = i, p->post_seq = s->seq, p->post_valid = 1;
}

int app_plane_hover(App *a, AppPane *p) {
    const VaeModel *m = app_pane_model(a, p);
    if (!m || !a->mouse_in || a->mx < p->rect.x || a->mx >= p->rect.x + p->rect.w ||
        a->my < p->rect.y || a->my >= p->rect.y + p->rect.h || a->grid)
        return -1;
    int L = m->cfg.latent, best = -1;
    double r = 5.0 * a->u, best_d2 = r * r;
    const float *mu = a->snap->mu[p->model];
    for (int i = 0; i < a->snap->n_points; i++) {
        double dx = app_view_px(&p->view, p->rect, mu[(size_t)i * L]) - (a->mx + 0.5);
        double dy = app_view_py(&p->view, p->rect, mu[(size_t)i * L + 1]) - (a->my + 0.5);
        double d2 = dx * dx + dy * dy;
        if (d2 < best_d2) best_d2 = d2, best = i;
    }
    return best;
}

/* ---- the scatter layer (CPU raster) ----------------------------------------------- */

/* Tick multiples k0..k1 of step inside [lo, hi]; returns k1 - k0 (the loop count - 1), or
 * -1 when there are none or too many. Counting in integers keeps a loop finite where
 * t += step would not advance (a latent space blown up to 1e19 by a diverging run). */
static int ticks(double lo, double hi, double step, double *k0, double *k1) {
    if (!(step > 0) || !isfinite(lo) || !isfinite(hi)) return -1;
    *k0 = ceil(lo / step), *k1 = floor(hi / step);
    double n = *k1 - *k0;
    return n >= 0 && n <= 200 ? (int)n : -1;
}

static inline Uint32 argb(SDL_Color c) {
    return 0xff000000u | (Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b;
}

#define STAMP_SUB 4 /* sub-pixel positions per axis of the scatter's dot stamps */

static void raster_layer(App *a, AppPane *p, const VaeModel *m) {
    int w = p->rect.w, h = p->rect.h;
    Uint32 bg = argb(APP_PANE_BG), gl = argb(APP_GRIDLINE), ax = argb(APP_AXIS);
    for (int i = 0; i < w * h; i++)
        p->pixels[i] = bg;
    /* tick grid lines, then the axes through 0 */
    AppView *v = &p->view;
    AppRect r0 = {0, 0, w, h};
    double step = app_nice_step(w / v->scale, w / (int)(90 * a->u) + 1);
    double zx0 = app_view_zx(v, r0, 0), zx1 = app_view_zx(v, r0, w);
    double zy0 = app_view_zy(v, r0, h), zy1 = app_view_zy(v, r0, 0);
    double k0, k1;
    for (int k = ticks(zx0, zx1, step, &k0, &k1); k >= 0; k--) {
        double t = (k0 + k) * step;
        double fx = app_view_px(v, r0, t);
        Uint32 c = fabs(t) < step * 1e-6 ? ax : gl;
        if (fx >= 0 && fx < w)
            for (int y = 0, x = (int)fx; y < h; y++)
                p->pixels[y * w + x] = c;
    }
    for (int k = ticks(zy0, zy1, step, &k0, &k1); k >= 0; k--) {
        double t = (k0 + k) * step;
        double fy = app_view_py(v, r0, t);
        Uint32 c = fabs(t) < step * 1e-6 ? ax : gl;
        if (fy >= 0 && fy < h)
            for (int x = 0, y = (int)fy; x < w; x++)
                p->pixels[y * w + x] = c;
    }
    /* points: anti-aliased discs, alpha-blended in test-set order */
    const AppSnapshot *s = a->snap;
    int n = s->n_points, L = m->cfg.latent;
    double rad = (n > 20000 ? 1.4 : n > 5000 ? 1.8 : 2.3) * a->u;
    float alpha = n > 20000 ? 0.55f : 0.8f;
    int R = (int)ceil(rad + 1), S = 2 * R + 1;
    /* The disc's coverage (times alpha, 0..256) precomputed for STAMP_SUB x STAMP_SUB
     * sub-pixel positions of its centre: a dot is then integer blends only (10,000 dots
     * in about a millisecond), placed to a quarter pixel. */
    uint16_t *stamp = malloc((size_t)STAMP_SUB * STAMP_SUB * (size_t)(S * S) * sizeof *stamp);
    if (!stamp) return;
    for (int q = 0; q < STAMP_SUB * STAMP_SUB; q++) {
        double fx = (q % STAMP_SUB + 0.5) / STAMP_SUB, fy = (q / STAMP_SUB + 0.5) / STAMP_SUB;
        for (int k = 0; k < S * S; k++) {
            double dx = k % S - R + 0.5 - fx, dy = k / S - R + 0.5 - fy;
            double cov = fmin(1, fmax(0, rad + 0.5 - sqrt(dx * dx + dy * dy)));
            stamp[q * S * S + k] = (uint16_t)(alpha * cov * 256 + 0.5);
        }
    }
    const float *mu = s->mu[p->model];
    const uint8_t *labels = a->shown->labels;
    for (int i = 0; i < n; i++) {
        double cx = app_view_px(v, r0, mu[(size_t)i * L]);
        double cy = app_view_py(v, r0, mu[(size_t)i * L + 1]);
        if (!(cx > -R && cx < w + R && cy > -R && cy < h + R)) continue;
        SDL_Color c = app_class_color(labels[i]);
        int ix = (int)floor(cx), iy = (int)floor(cy);
        int qx = (int)((cx - ix) * STAMP_SUB), qy = (int)((cy - iy) * STAMP_SUB);
        const uint16_t *st = stamp + ((qy < STAMP_SUB ? qy : STAMP_SUB - 1) * STAMP_SUB +
                                      (qx < STAMP_SUB ? qx : STAMP_SUB - 1)) *
                                         S * S;
        for (int ky = 0; ky < S; ky++) {
            int y = iy - R + ky;
            if (y < 0 || y >= h) continue;
            Uint32 *row = p->pixels + (size_t)y * w;
            for (int kx = 0; kx < S; kx++) {
                int x = ix - R + kx;
                Uint32 al = st[ky * S + kx];
                if (al == 0 || x < 0 || x >= w) continue;
                Uint32 d = row[x], ia = 256 - al;
                Uint32 r = (c.r * al + ((d >> 16) & 255) * ia) >> 8;
                Uint32 g = (c.g * al + ((d >> 8) & 255) * ia) >> 8;
                Uint32 b = (c.b * al + (d & 255) * ia) >> 8;
                row[x] = 0xff000000u | r << 16 | g << 8 | b;
            }
        }
    }
    free(stamp);
}

static void update_layer(App *a, AppPane *p, const VaeModel *m) {
    int w = p->rect.w, h = p->rect.h;
    if (w <= 0 || h <= 0) return;
    if (!p->layer || p->layer_w != w || p->layer_h != h) {
        if (p->layer) SDL_DestroyTexture(p->layer);
        free(p->pixels);
        p->layer =
            SDL_CreateTexture(a->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h);
        p->pixels = malloc((size_t)w * (size_t)h * sizeof *p->pixels);
        p->layer_w = w, p->layer_h = h, p->layer_valid = 0;
        if (!p->layer || !p->pixels) return;
        SDL_SetTextureBlendMode(p->layer, SDL_BLENDMODE_NONE);
    }
    if (p->layer_valid && p->layer_seq == a->snap->latents_seq &&
        same_view(&p->layer_view, &p->view))
        return;
    raster_layer(a, p, m);
    SDL_UpdateTexture(p->layer, NULL, p->pixels, w * (int)sizeof *p->pixels);
    p->layer_valid = 1;
    p->layer_seq = a->snap->latents_seq;
    p->layer_view = p->view;
}

/* ---- manifold grid ----------------------------------------------------------------- */

/* Start a new grid job if the view, snapshot, spacing or class changed, then decode up
 * to budget tiles (the rest next frame), so a re-decode never stalls a frame. */
void app_grid_step(App *a, AppPane *p, int budget) {
    const VaeModel *m = app_pane_model(a, p);
    if (!m || !a->grid) return;
    AppGridJob *j = &p->job;
    int L = m->cfg.latent;
    int stale_tex = !p->grid_valid || p->grid_seq != a->snap->seq;
    int want_new = !j->active && (stale_tex || !same_view(&j->view, &p->view) ||
                                  j->icdf != a->grid_icdf || j->cls != a->cls);
    if (j->active &&
        (!same_view(&j->view, &p->view) || j->icdf != a->grid_icdf || j->cls != a->cls))
        want_new = 1; /* the view moved on: restart */
    if (want_new) {
        double tile = 36 * a->u;
        int nx = (int)fmax(4, fmin(40, round(p->rect.w / tile)));
        int ny = (int)fmax(4, fmin(40, round(p->rect.h / tile)));
        free(j->z);
        free(j->probs);
        j->z = calloc((size_t)nx * ny * L, sizeof *j->z);
        j->probs = malloc((size_t)nx * ny * a->pixels * sizeof *j->probs);
        if (!j->z || !j->probs) {
            j->active = 0;
            return;
        }
        j->nx = nx, j->ny = ny, j->next = 0;
        j->view = p->view, j->seq = a->snap->seq, j->icdf = a->grid_icdf, j->cls = a->cls;
        j->zx0 = app_view_zx(&p->view, p->rect, p->rect.x);
        j->zx1 = app_view_zx(&p->view, p->rect, p->rect.x + p->rect.w);
        j->zy1 = app_view_zy(&p->view, p->rect, p->rect.y);
        j->zy0 = app_view_zy(&p->view, p->rect, p->rect.y + p->rect.h);
        double cx0 = app_norm_cdf(j->zx0), cx1 = app_norm_cdf(j->zx1);
        double cy0 = app_norm_cdf(j->zy0), cy1 = app_norm_cdf(j->zy1);
        for (int ty = 0; ty < ny; ty++) {
            for (int tx = 0; tx < nx; tx++) {
                double fx = (tx + 0.5) / nx, fy = 1 - (ty + 0.5) / ny; /* row 0 at the top */
                double zx = j->zx0 + fx * (j->zx1 - j->zx0), zy = j->zy0 + fy * (j->zy1 - j->zy0);
                if (j->icdf) { /* evenly spaced in prior probability over the visible range */
                    zx = vae_normal_icdf(fmin(1 - 1e-9, fmax(1e-9, cx0 + fx * (cx1 - cx0))));
                    zy = vae_normal_icdf(fmin(1 - 1e-9, fmax(1e-9, cy0 + fy * (cy1 - cy0))));
                }
                float *z = j->z + ((size_t)ty * nx + tx) * L;
                z[0] = (float)zx, z[1] = (float)zy;
            }
        }
        j->active = 1;
    }
    if (!j->active) return;
    if (j->seq != a->snap->seq) j->seq = a->snap->seq; /* finish with the newest model */
    int total = j->nx * j->ny;
    uint8_t labels[APP_DECODE_BATCH];
    memset(labels, a->cls, sizeof labels);
    while (budget > 0 && j->next < total) {
        int b = total - j->next;
        if (b > APP_DECODE_BATCH) b = APP_DECODE_BATCH;
        if (b > budget) b = budget;
        vae_model_decode(m, &a->ws[p->model], j->z + (size_t)j->next * L,
                         m->cfg.kind == VAE_KIND_CVAE ? labels : NULL, b,
                         j->probs + (size_t)j->next * a->pixels);
        j->next += b;
        budget -= b;
    }
    if (j->next < total) return;
    /* done: tile the images into the grid texture */
    int tw = j->nx * a->cols, th = j->ny * a->rows;
    if (!p->grid_tex || p->grid_tw != tw || p->grid_th != th) {
        if (p->grid_tex) SDL_DestroyTexture(p->grid_tex);
        p->grid_tex = SDL_CreateTexture(a->ren, SDL_PIXELFORMAT_ARGB8888,
                                        SDL_TEXTUREACCESS_STREAMING, tw, th);
        p->grid_tw = tw, p->grid_th = th;
        if (!p->grid_tex) return;
        SDL_SetTextureScaleMode(p->grid_tex, SDL_ScaleModeLinear);
        SDL_SetTextureBlendMode(p->grid_tex, SDL_BLENDMODE_NONE);
    }
    void *dst;
    int pitch;
    if (SDL_LockTexture(p->grid_tex, NULL, &dst, &pitch) == 0) {
        for (int t = 0; t < total; t++) {
            int tx = t % j->nx, ty = t / j->nx;
            const float *pr = j->probs + (size_t)t * a->pixels;
            for (int y = 0; y < a->rows; y++) {
                Uint32 *row =
                    (Uint32 *)((uint8_t *)dst + (size_t)(ty * a->rows + y) * pitch) + tx * a->cols;
                for (int x = 0; x < a->cols; x++) {
                    Uint32 g = (Uint32)(fminf(1, fmaxf(0, pr[y * a->cols + x])) * 255 + 0.5f);
                    row[x] = 0xff000000u | g << 16 | g << 8 | g;
                }
            }
        }
        SDL_UnlockTexture(p->grid_tex);
    }
    p->gx0 = j->zx0, p->gx1 = j->zx1, p->gy0 = j->zy0, p->gy1 = j->zy1;
    p->grid_seq = j->seq;
    p->grid_valid = 1;
    j->active = 0;
}

/* ---- drawing ------------------------------------------------------------------------- */

static void draw_circle(SDL_Renderer *r, double cx, double cy, double rad) {
    SDL_FPoint pts[129];
    for (int i = 0; i <= 128; i++) {
        double t = 6.283185307179586 * i / 128;
        pts[i] = (SDL_FPoint){(float)(cx + rad * cos(t)), (float)(cy + rad * sin(t))};
    }
    SDL_RenderDrawLinesF(r, pts, 129);
}

static void tick_label(char *buf, size_t len, double t, int big, int digits) {
    if (big)
        snprintf(buf, len, "%.3g", t);
    else
        snprintf(buf, len, "%.*f", digits, t);
}

static void draw_axes_labels(App *a, AppPane *p) {
    AppView *v = &p->view;
    AppRect r = p->rect;
    double step = app_nice_step(r.w / v->scale, r.w / (int)(90 * a->u) + 1);
    int digits = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (digits > 6) digits = 6;
    SDL_Color dim = APP_DIM;
    int lh = app_text_line(&a->text, APP_FONT_SMALL);
    app_set_color(a->ren, APP_AXIS);
    /* beyond 1e4 (a diverging run) ticks are written in 3 significant digits */
    double zx0 = app_view_zx(v, r, r.x), zx1 = app_view_zx(v, r, r.x + r.w);
    double zy0 = app_view_zy(v, r, r.y + r.h), zy1 = app_view_zy(v, r, r.y);
    int big = fmax(fmax(fabs(zx0), fabs(zx1)), fmax(fabs(zy0), fabs(zy1))) >= 1e4;
    char lab[32];
    double k0, k1;
    for (int k = ticks(zx0, zx1, step, &k0, &k1); k >= 0; k--) {
        double t = (k0 + k) * step;
        t = fabs(t) < step * 1e-6 ? 0.0 : t;
        int x = (int)floor(app_view_px(v, r, t));
        tick_label(lab, sizeof lab, t, big, digits);
        SDL_RenderDrawLine(a->ren, x, r.y + r.h, x, r.y + r.h + app_px(a, 4));
        app_text_draw(&a->text, APP_FONT_SMALL, lab, x, r.y + r.h + app_px(a, 5), dim,
                      APP_ALIGN_CENTER);
    }
    for (int k = ticks(zy0, zy1, step, &k0, &k1); k >= 0; k--) {
        double t = (k0 + k) * step;
        t = fabs(t) < step * 1e-6 ? 0.0 : t;
        int y = (int)floor(app_view_py(v, r, t));
        tick_label(lab, sizeof lab, t, big, digits);
        SDL_RenderDrawLine(a->ren, r.x - app_px(a, 4), y, r.x, y);
        app_text_draw(&a->text, APP_FONT_SMALL, lab, r.x - app_px(a, 6), y - lh / 2, dim,
                      APP_ALIGN_RIGHT);
    }
    app_text_draw(&a->text, APP_FONT_NORMAL, "z\xe2\x82\x81", r.x + r.w,
                  r.y + r.h + lh + app_px(a, 4), APP_DIM, APP_ALIGN_RIGHT);
    app_text_draw(&a->text, APP_FONT_NORMAL, "z\xe2\x82\x82", p->frame.x + app_px(a, 6),
                  r.y + r.h / 2 - lh / 2, APP_DIM, APP_ALIGN_LEFT);
}

static void draw_legend(App *a, AppPane *p) {
    int n = a->ds.classes > 10 ? 10 : a->ds.classes;
    int lh = app_text_line(&a->text, APP_FONT_SMALL);
    int wmax = 0;
    for (int k = 0; k < n; k++) {
        int w = app_text_width(&a->text, APP_FONT_SMALL, a->ds.class_names[k]);
        if (w > wmax) wmax = w;
    }
    int pad = app_px(a, 6), dot = app_px(a, 8);
    SDL_Rect box = {p->rect.x + app_px(a, 8), p->rect.y + app_px(a, 8), wmax + dot + 3 * pad,
                    n * lh + 2 * pad};
    SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(a->ren, 12, 14, 18, 200);
    SDL_RenderFillRect(a->ren, &box);
    SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_NONE);
    for (int k = 0; k < n; k++) {
        int y = box.y + pad + k * lh;
        app_set_color(a->ren, app_class_color(k));
        SDL_Rect sw = {box.x + pad, y + (lh - dot) / 2, dot, dot};
        SDL_RenderFillRect(a->ren, &sw);
        app_text_draw(&a->text, APP_FONT_SMALL, a->ds.class_names[k], box.x + 2 * pad + dot, y,
                      APP_TEXT, APP_ALIGN_LEFT);
    }
}

static void draw_ring(App *a, double x, double y, double rad, SDL_Color c) {
    app_set_color(a->ren, c);
    draw_circle(a->ren, x, y, rad);
    draw_circle(a->ren, x, y, rad + 1);
}

/* Add the box (x0, y0)-(x1, y1), with a margin for line widths and rounding, to the pane's
 * overlay: what a frame in which only the cursor moves has to redraw. */
static void mark(AppPane *p, double x0, double y0, double x1, double y1) {
    const AppRect *r = &p->rect;
    x0 = fmax(x0 - 3, r->x), y0 = fmax(y0 - 3, r->y);
    x1 = fmin(x1 + 4, r->x + r->w), y1 = fmin(y1 + 4, r->y + r->h);
    if (!(x0 < x1 && y0 < y1)) return;
    SDL_Rect b = {(int)x0, (int)y0, (int)ceil(x1) - (int)x0, (int)ceil(y1) - (int)y0};
    if (SDL_RectEmpty(&p->overlay))
        p->overlay = b;
    else
        SDL_UnionRect(&p->overlay, &b, &p->overlay);
}

static void draw_ellipse(SDL_Renderer *r, double cx, double cy, double rx, double ry) {
    SDL_FPoint pts[65];
    for (int i = 0; i <= 64; i++) {
        double t = 6.283185307179586 * i / 64;
        pts[i] = (SDL_FPoint){(float)(cx + rx * cos(t)), (float)(cy + ry * sin(t))};
    }
    SDL_RenderDrawLinesF(r, pts, 65);
}

/* Dots of n latent samples (stride L), each a light square on a dark one so they read
 * over the coloured scatter. Returns how many are in view, their bounding box in *bb. */
static int draw_samples(App *a, AppPane *p, const float *z, int n, int L, Uint8 alpha,
                        SDL_FRect *bb) {
    SDL_FRect dark[APP_POST_SAMPLES], light[APP_POST_SAMPLES];
    float d = 2.0f * a->u, o = 1.0f;
    float x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    int k = 0;
    for (int i = 0; i < n && k < APP_POST_SAMPLES; i++) {
        float x = (float)app_view_px(&p->view, p->rect, z[(size_t)i * L]);
        float y = (float)app_view_py(&p->view, p->rect, z[(size_t)i * L + 1]);
        if (!(x > p->rect.x - d && x < p->rect.x + p->rect.w + d && y > p->rect.y - d &&
              y < p->rect.y + p->rect.h + d))
            continue; /* out of view, or not finite */
        dark[k] = (SDL_FRect){x - d / 2 - o, y - d / 2 - o, d + 2 * o, d + 2 * o};
        light[k++] = (SDL_FRect){x - d / 2, y - d / 2, d, d};
        x0 = fminf(x0, x), y0 = fminf(y0, y), x1 = fmaxf(x1, x), y1 = fmaxf(y1, y);
    }
    *bb = k ? (SDL_FRect){x0, y0, x1 - x0, y1 - y0} : (SDL_FRect){0, 0, 0, 0};
    if (k) mark(p, x0 - d, y0 - d, x1 + d, y1 + d);
    SDL_SetRenderDrawColor(a->ren, 10, 12, 16, (Uint8)(alpha * 3 / 4));
    SDL_RenderFillRectsF(a->ren, dark, k);
    SDL_SetRenderDrawColor(a->ren, 255, 255, 255, alpha);
    SDL_RenderFillRectsF(a->ren, light, k);
    return k;
}

/* A caption in a dark box beside box bb (right of it, else left of it, else in the plot's
 * bottom-left corner), inside the plot. */
static void draw_caption(App *a, AppPane *p, SDL_FRect bb, const char *l1, const char *l2) {
    int lh = app_text_line(&a->text, APP_FONT_SMALL), pad = app_px(a, 5);
    int w = app_text_width(&a->text, APP_FONT_SMALL, l1);
    if (l2) {
        int w2 = app_text_width(&a->text, APP_FONT_SMALL, l2);
        if (w2 > w) w = w2;
    }
    int bw = w + 2 * pad, bh = (l2 ? 2 : 1) * lh + 2 * pad, gap = app_px(a, 10);
    int x = (int)(bb.x + bb.w) + gap, y = (int)(bb.y + bb.h / 2) - bh / 2;
    if (x + bw > p->rect.x + p->rect.w) x = (int)bb.x - gap - bw;
    if (x < p->rect.x) { /* no room beside the samples: keep them in sight */
        x = p->rect.x + app_px(a, 8);
        y = p->rect.y + p->rect.h - bh - app_px(a, 8);
    }
    if (y < p->rect.y) y = p->rect.y;
    if (y + bh > p->rect.y + p->rect.h) y = p->rect.y + p->rect.h - bh;
    SDL_Rect box = {x, y, bw, bh};
    mark(p, x, y, x + bw, y + bh);
    SDL_SetRenderDrawColor(a->ren, 12, 14, 18, 215);
    SDL_RenderFillRect(a->ren, &box);
    app_text_draw(&a->text, APP_FONT_SMALL, l1, x + pad, y + pad, APP_TEXT, APP_ALIGN_LEFT);
    if (l2)
        app_text_draw(&a->text, APP_FONT_SMALL, l2, x + pad, y + pad + lh, APP_DIM, APP_ALIGN_LEFT);
}

/* The hovered test point's posterior: with flows the samples z_K (the decoder's input,
 * the space of the plane's cursor and prior) over faint samples of the base Gaussian z_0;
 * without, the Gaussian's samples and its 1 and 2 sigma ellipses. Blending is on. */
static void draw_posterior(App *a, AppPane *p, const VaeModel *m) {
    if (!p->post_valid || p->post_idx != a->hover_idx) return;
    int L = m->cfg.latent, K = m->cfg.flows;
    SDL_FRect bb;
    char l1[96];
    if (K > 0) {
        draw_samples(a, p, p->post_z0, APP_POST_SAMPLES, L, 70, &bb);
        if (!draw_samples(a, p, p->post_zk, APP_POST_SAMPLES, L, 255, &bb)) return;
        snprintf(l1, sizeof l1, "q(z|x) after %d planar flow%s: %d samples", K, K == 1 ? "" : "s",
                 APP_POST_SAMPLES);
        draw_caption(a, p, bb, l1, "faint: before the flows (z\xe2\x82\x80)");
        return;
    }
    double cx = app_view_px(&p->view, p->rect, p->post_mu[0]);
    double cy = app_view_py(&p->view, p->rect, p->post_mu[1]);
    double rx = p->post_sd[0] * p->view.scale, ry = p->post_sd[1] * p->view.scale;
    int shown = draw_samples(a, p, p->post_zk, APP_POST_SAMPLES, L, 255, &bb);
    if (isfinite(rx) && isfinite(ry) && rx < 1e6 && ry < 1e6 && fabs(cx) < 1e6 && fabs(cy) < 1e6) {
        SDL_SetRenderDrawColor(a->ren, 255, 255, 255, 220);
        draw_ellipse(a->ren, cx, cy, rx, ry);
        SDL_SetRenderDrawColor(a->ren, 255, 255, 255, 120);
        draw_ellipse(a->ren, cx, cy, 2 * rx, 2 * ry);
        mark(p, cx - 2 * rx, cy - 2 * ry, cx + 2 * rx, cy + 2 * ry);
        SDL_FRect eb = {(float)(cx - 2 * rx), (float)(cy - 2 * ry), (float)(4 * rx),
                        (float)(4 * ry)};
        if (!shown) bb = eb, shown = 1;
    }
    if (!shown) return;
    snprintf(l1, sizeof l1, "q(z|x) = N(\xce\xbc, \xcf\x83\xc2\xb2): %d samples", APP_POST_SAMPLES);
    draw_caption(a, p, bb, l1, "ellipses: 1\xcf\x83 and 2\xcf\x83");
}

void app_plane_draw(App *a, AppPane *p) {
    const VaeModel *m = app_pane_model(a, p);
    SDL_Rect rr = {p->rect.x, p->rect.y, p->rect.w, p->rect.h};
    /* title */
    char title[96];
    snprintf(title, sizeof title, "%s latent plane",
             m && m->cfg.kind == VAE_KIND_AE     ? "AE"
             : m && m->cfg.kind == VAE_KIND_CVAE ? "CVAE"
                                                 : "VAE");
    int tw = app_text_draw(&a->text, APP_FONT_BOLD, title, p->rect.x, p->frame.y + app_px(a, 10),
                           APP_TEXT, APP_ALIGN_LEFT);
    /* what the plane's coordinates are, in the longest wording that fits beside the title */
    if (m && (m->cfg.latent > 2 || m->cfg.flows > 0)) {
        char cap[3][160];
        int L = m->cfg.latent;
        if (m->cfg.flows > 0) {
            snprintf(cap[0], sizeof cap[0],
                     "dots: encoder mean \xce\xbc (before the flows) \xc2\xb7 cursor, prior: "
                     "z\xe2\x82\x96 (after)%s",
                     L > 2 ? " \xc2\xb7 dims 1-2" : "");
            snprintf(cap[1], sizeof cap[1],
                     "dots: \xce\xbc before the flows \xc2\xb7 cursor: "
                     "z\xe2\x82\x96");
            snprintf(cap[2], sizeof cap[2], "dots: \xce\xbc before the flows");
        } else {
            snprintf(cap[0], sizeof cap[0], "dims 1-2 of %d (others 0 when decoding)", L);
            snprintf(cap[1], sizeof cap[1], "dims 1-2 of %d", L);
            cap[2][0] = 0;
        }
        int room = p->rect.w - tw - app_px(a, 16);
        for (int i = 0; i < 3; i++) {
            if (!cap[i][0] || app_text_width(&a->text, APP_FONT_SMALL, cap[i]) > room) continue;
            app_text_draw(&a->text, APP_FONT_SMALL, cap[i], p->rect.x + p->rect.w,
                          p->frame.y + app_px(a, 12), APP_DIM, APP_ALIGN_RIGHT);
            break;
        }
    }
    if (!m) {
        app_set_color(a->ren, APP_PANE_BG);
        SDL_RenderFillRect(a->ren, &rr);
        app_text_draw(&a->text, APP_FONT_NORMAL, "waiting for the first snapshot...",
                      p->rect.x + p->rect.w / 2, p->rect.y + p->rect.h / 2, APP_DIM,
                      APP_ALIGN_CENTER);
        return;
    }
    update_layer(a, p, m);
    p->overlay = (SDL_Rect){0, 0, 0, 0};
    if (p->layer && p->layer_valid) SDL_RenderCopy(a->ren, p->layer, NULL, &rr);
    app_clip(a, &rr);
    if (a->grid && p->grid_valid && p->grid_tex) {
        /* the last finished grid, placed at the latent extent it was decoded for */
        double x0 = app_view_px(&p->view, p->rect, p->gx0);
        double x1 = app_view_px(&p->view, p->rect, p->gx1);
        double y0 = app_view_py(&p->view, p->rect, p->gy1);
        double y1 = app_view_py(&p->view, p->rect, p->gy0);
        /* only its part inside the plot: after a zoom (or a diverging run's refit) the
         * extent can be millions of pixels, which a software renderer would allocate */
        double cx0 = fmax(x0, rr.x), cy0 = fmax(y0, rr.y);
        double cx1 = fmin(x1, rr.x + rr.w), cy1 = fmin(y1, rr.y + rr.h);
        if (cx0 < cx1 && cy0 < cy1) {
            double sx = p->grid_tw / (x1 - x0), sy = p->grid_th / (y1 - y0);
            SDL_Rect src = {(int)floor((cx0 - x0) * sx), (int)floor((cy0 - y0) * sy), 0, 0};
            int ex = (int)ceil((cx1 - x0) * sx), ey = (int)ceil((cy1 - y0) * sy);
            src.w = (ex < p->grid_tw ? ex : p->grid_tw) - src.x;
            src.h = (ey < p->grid_th ? ey : p->grid_th) - src.y;
            /* the destination of those whole texels, so the tiles keep their places */
            SDL_FRect d = {(float)(x0 + src.x / sx), (float)(y0 + src.y / sy), (float)(src.w / sx),
                           (float)(src.h / sy)};
            if (src.w > 0 && src.h > 0) SDL_RenderCopyF(a->ren, p->grid_tex, &src, &d);
        }
    }
    SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_BLEND);
    double ox = app_view_px(&p->view, p->rect, 0), oy = app_view_py(&p->view, p->rect, 0);
    /* prior N(0, I): 1, 2, 3 sigma (unless the view is so far out they would be a dot) */
    if (is_vae(m) && p->view.scale >= 4 && p->view.scale < 1e5 && fabs(ox) < 1e6 &&
        fabs(oy) < 1e6) {
        SDL_SetRenderDrawColor(a->ren, 200, 210, 230, 110);
        for (int k = 1; k <= 3; k++) {
            draw_circle(a->ren, ox, oy, k * p->view.scale);
            app_text_drawf(&a->text, APP_FONT_SMALL, (int)(ox + k * p->view.scale * 0.7071) + 3,
                           (int)(oy - k * p->view.scale * 0.7071) - app_px(a, 14), APP_DIM,
                           APP_ALIGN_LEFT, "%d\xcf\x83", k);
        }
    }
    /* the hovered point's posterior, then its ring (the same image in every pane) */
    if (a->hover_idx >= 0 && is_vae(m)) draw_posterior(a, p, m);
    if (a->hover_idx >= 0) {
        int L = m->cfg.latent;
        const float *mu = a->snap->mu[p->model] + (size_t)a->hover_idx * L;
        double hx = app_view_px(&p->view, p->rect, mu[0]);
        double hy = app_view_py(&p->view, p->rect, mu[1]);
        if (fabs(hx) < 1e6 && fabs(hy) < 1e6) {
            double r = 6 * a->u + 1;
            draw_ring(a, hx, hy, 6 * a->u, APP_COLOR(255, 255, 255));
            mark(p, hx - r, hy - r, hx + r, hy + r);
        }
    }
    /* the decoded point: a crosshair where the cursor is (or was) */
    double cx = app_view_px(&p->view, p->rect, p->zx), cy = app_view_py(&p->view, p->rect, p->zy);
    int arm = app_px(a, 9), gap = app_px(a, 3);
    SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(a->ren, 255, 255, 255, 255);
    SDL_RenderDrawLineF(a->ren, (float)(cx - arm), (float)cy, (float)(cx - gap), (float)cy);
    SDL_RenderDrawLineF(a->ren, (float)(cx + gap), (float)cy, (float)(cx + arm), (float)cy);
    SDL_RenderDrawLineF(a->ren, (float)cx, (float)(cy - arm), (float)cx, (float)(cy - gap));
    SDL_RenderDrawLineF(a->ren, (float)cx, (float)(cy + gap), (float)cx, (float)(cy + arm));
    mark(p, cx - arm, cy - arm, cx + arm, cy + arm);
    app_clip(a, NULL);
    app_set_color(a->ren, APP_AXIS);
    SDL_RenderDrawRect(a->ren, &rr);
    draw_axes_labels(a, p);
    if (!a->grid) draw_legend(a, p);
    if (a->grid && p->job.active) {
        app_text_drawf(&a->text, APP_FONT_SMALL, p->rect.x + p->rect.w - app_px(a, 8),
                       p->rect.y + app_px(a, 8), APP_DIM, APP_ALIGN_RIGHT, "decoding grid %d/%d",
                       p->job.next, p->job.nx * p->job.ny);
    }
}
