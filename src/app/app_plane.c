/* The latent plane of one pane: auto-fit, the decoded point under the cursor, the
 * scatter layer (rasterised on the CPU into a cached texture, redone only when the view
 * or the snapshot changes), the manifold grid, axes, prior contours and the legend. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

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
    if (!p->view.user && (p->fit_seq != s->seq || resized || p->view.scale == 0)) {
        p->fit_seq = s->seq, p->fit_w = p->rect.w, p->fit_h = p->rect.h;
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
        uint8_t label = a->ds.test.labels[a->hover_idx];
        float probs[APP_PIXELS_MAX];
        vae_model_decode(m, &a->ws[p->model], s->mu[p->model] + (size_t)a->hover_idx * L,
                         m->cfg.kind == VAE_KIND_CVAE ? &label : NULL, 1, probs);
        app_image_upload(p->rec_tex, probs, a->cols, a->rows);
        p->rec_idx = a->hover_idx, p->rec_seq = s->seq;
    }
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

static inline Uint32 argb(SDL_Color c) {
    return 0xff000000u | (Uint32)c.r << 16 | (Uint32)c.g << 8 | c.b;
}

static void blend(Uint32 *px, SDL_Color c, float alpha) {
    Uint32 d = *px;
    float ia = 1 - alpha;
    Uint32 r = (Uint32)(c.r * alpha + (float)((d >> 16) & 255) * ia);
    Uint32 g = (Uint32)(c.g * alpha + (float)((d >> 8) & 255) * ia);
    Uint32 b = (Uint32)(c.b * alpha + (float)(d & 255) * ia);
    *px = 0xff000000u | r << 16 | g << 8 | b;
}

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
    for (double t = ceil(zx0 / step) * step; t <= zx1; t += step) {
        int x = (int)floor(app_view_px(v, r0, t));
        Uint32 c = fabs(t) < step * 1e-6 ? ax : gl;
        if (x >= 0 && x < w)
            for (int y = 0; y < h; y++)
                p->pixels[y * w + x] = c;
    }
    for (double t = ceil(zy0 / step) * step; t <= zy1; t += step) {
        int y = (int)floor(app_view_py(v, r0, t));
        Uint32 c = fabs(t) < step * 1e-6 ? ax : gl;
        if (y >= 0 && y < h)
            for (int x = 0; x < w; x++)
                p->pixels[y * w + x] = c;
    }
    /* points: anti-aliased discs, alpha-blended in test-set order */
    const AppSnapshot *s = a->snap;
    int n = s->n_points, L = m->cfg.latent;
    double rad = (n > 20000 ? 1.4 : n > 5000 ? 1.8 : 2.3) * a->u;
    float alpha = n > 20000 ? 0.55f : 0.8f;
    int R = (int)ceil(rad + 1);
    const float *mu = s->mu[p->model];
    const uint8_t *labels = a->ds.test.labels;
    for (int i = 0; i < n; i++) {
        double cx = app_view_px(v, r0, mu[(size_t)i * L]);
        double cy = app_view_py(v, r0, mu[(size_t)i * L + 1]);
        if (!(cx > -R && cx < w + R && cy > -R && cy < h + R)) continue;
        SDL_Color c = app_class_color(labels[i]);
        int x0 = (int)floor(cx) - R, y0 = (int)floor(cy) - R;
        for (int y = y0; y <= y0 + 2 * R; y++) {
            if (y < 0 || y >= h) continue;
            double dy = y + 0.5 - cy;
            for (int x = x0; x <= x0 + 2 * R; x++) {
                if (x < 0 || x >= w) continue;
                double dx = x + 0.5 - cx;
                double cov = rad + 0.5 - sqrt(dx * dx + dy * dy);
                if (cov <= 0) continue;
                blend(&p->pixels[y * w + x], c, alpha * (float)(cov > 1 ? 1 : cov));
            }
        }
    }
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
    if (p->layer_valid && p->layer_seq == a->snap->seq && same_view(&p->layer_view, &p->view))
        return;
    raster_layer(a, p, m);
    SDL_UpdateTexture(p->layer, NULL, p->pixels, w * (int)sizeof *p->pixels);
    p->layer_valid = 1;
    p->layer_seq = a->snap->seq;
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
                    zx = app_norm_icdf(fmin(1 - 1e-9, fmax(1e-9, cx0 + fx * (cx1 - cx0))));
                    zy = app_norm_icdf(fmin(1 - 1e-9, fmax(1e-9, cy0 + fy * (cy1 - cy0))));
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

static void draw_axes_labels(App *a, AppPane *p) {
    AppView *v = &p->view;
    AppRect r = p->rect;
    double step = app_nice_step(r.w / v->scale, r.w / (int)(90 * a->u) + 1);
    int digits = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (digits > 6) digits = 6;
    SDL_Color dim = APP_DIM;
    int lh = app_text_line(&a->text, APP_FONT_SMALL);
    app_set_color(a->ren, APP_AXIS);
    for (double t = ceil(app_view_zx(v, r, r.x) / step) * step; t <= app_view_zx(v, r, r.x + r.w);
         t += step) {
        int x = (int)floor(app_view_px(v, r, t));
        SDL_RenderDrawLine(a->ren, x, r.y + r.h, x, r.y + r.h + app_px(a, 4));
        app_text_drawf(&a->text, APP_FONT_SMALL, x, r.y + r.h + app_px(a, 5), dim, APP_ALIGN_CENTER,
                       "%.*f", digits, fabs(t) < step * 1e-6 ? 0.0 : t);
    }
    for (double t = ceil(app_view_zy(v, r, r.y + r.h) / step) * step; t <= app_view_zy(v, r, r.y);
         t += step) {
        int y = (int)floor(app_view_py(v, r, t));
        SDL_RenderDrawLine(a->ren, r.x - app_px(a, 4), y, r.x, y);
        app_text_drawf(&a->text, APP_FONT_SMALL, r.x - app_px(a, 6), y - lh / 2, dim,
                       APP_ALIGN_RIGHT, "%.*f", digits, fabs(t) < step * 1e-6 ? 0.0 : t);
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

void app_plane_draw(App *a, AppPane *p) {
    const VaeModel *m = app_pane_model(a, p);
    SDL_Rect rr = {p->rect.x, p->rect.y, p->rect.w, p->rect.h};
    /* title */
    const char *kind = m ? vae_kind_name(m->cfg.kind) : "-";
    char title[96];
    snprintf(title, sizeof title, "%s latent plane",
             m && m->cfg.kind == VAE_KIND_AE     ? "AE"
             : m && m->cfg.kind == VAE_KIND_CVAE ? "CVAE"
                                                 : "VAE");
    (void)kind;
    app_text_draw(&a->text, APP_FONT_BOLD, title, p->rect.x, p->frame.y + app_px(a, 10), APP_TEXT,
                  APP_ALIGN_LEFT);
    if (m && m->cfg.latent > 2)
        app_text_drawf(&a->text, APP_FONT_SMALL, p->rect.x + p->rect.w, p->frame.y + app_px(a, 12),
                       APP_DIM, APP_ALIGN_RIGHT, "dims 1-2 of %d (others 0 when decoding)",
                       m->cfg.latent);
    if (!m) {
        app_set_color(a->ren, APP_PANE_BG);
        SDL_RenderFillRect(a->ren, &rr);
        app_text_draw(&a->text, APP_FONT_NORMAL, "waiting for the first snapshot...",
                      p->rect.x + p->rect.w / 2, p->rect.y + p->rect.h / 2, APP_DIM,
                      APP_ALIGN_CENTER);
        return;
    }
    update_layer(a, p, m);
    if (p->layer && p->layer_valid) SDL_RenderCopy(a->ren, p->layer, NULL, &rr);
    SDL_RenderSetClipRect(a->ren, &rr);
    if (a->grid && p->grid_valid && p->grid_tex) {
        /* the last finished grid, placed at the latent extent it was decoded for */
        double x0 = app_view_px(&p->view, p->rect, p->gx0);
        double x1 = app_view_px(&p->view, p->rect, p->gx1);
        double y0 = app_view_py(&p->view, p->rect, p->gy1);
        double y1 = app_view_py(&p->view, p->rect, p->gy0);
        SDL_FRect d = {(float)x0, (float)y0, (float)(x1 - x0), (float)(y1 - y0)};
        SDL_RenderCopyF(a->ren, p->grid_tex, NULL, &d);
    }
    SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_BLEND);
    double ox = app_view_px(&p->view, p->rect, 0), oy = app_view_py(&p->view, p->rect, 0);
    if (is_vae(m)) { /* prior N(0, I): 1, 2, 3 sigma */
        SDL_SetRenderDrawColor(a->ren, 200, 210, 230, 110);
        for (int k = 1; k <= 3; k++) {
            draw_circle(a->ren, ox, oy, k * p->view.scale);
            app_text_drawf(&a->text, APP_FONT_SMALL, (int)(ox + k * p->view.scale * 0.7071) + 3,
                           (int)(oy - k * p->view.scale * 0.7071) - app_px(a, 14), APP_DIM,
                           APP_ALIGN_LEFT, "%d\xcf\x83", k);
        }
    }
    /* highlighted test point (the same image in every pane) */
    if (a->hover_idx >= 0) {
        int L = m->cfg.latent;
        const float *mu = a->snap->mu[p->model] + (size_t)a->hover_idx * L;
        double hx = app_view_px(&p->view, p->rect, mu[0]);
        double hy = app_view_py(&p->view, p->rect, mu[1]);
        draw_ring(a, hx, hy, 6 * a->u, APP_COLOR(255, 255, 255));
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
    SDL_RenderSetClipRect(a->ren, NULL);
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
