/* The hover tool's view: on each pane the hovered image's ring and, on VAE panes, its
 * posterior's samples (with flows: after them, over faint ones before) and 1 and 2 sigma
 * ellipses with a caption; in the panel the image with each pane's reconstruction; in
 * the dock (key E) the reconstruction beside decodes of posterior samples. */
#include <math.h>
#include <stdio.h>

#include "gfx.h"
#include "hover.h"
#include "posterior.h"
#include "tools.h"

typedef struct {
    SDL_Texture *orig;
    int orig_idx;
    SDL_Texture *recon[APP_MAX_PANES];
    unsigned recon_version[APP_MAX_PANES];
    SDL_Texture *sample[APP_MAX_PANES][APP_POST_DECODED]; /* decoded posterior samples */
    unsigned sample_version[APP_MAX_PANES];
} HoverCache;

static void refresh(void *cache, const void *tool, const AppState *s, AppGfx *g) {
    HoverCache *c = cache;
    const AppHover *h = tool;
    int rows = s->session->rows, cols = s->session->cols;
    if (s->hover < 0) return;
    if (!c->orig) {
        c->orig = app_image_texture(g, cols, rows);
        c->orig_idx = -1;
    }
    if (c->orig && c->orig_idx != s->hover) {
        const uint8_t *img = s->session->shown->images + (size_t)s->hover * s->session->pixels;
        app_image_upload_bytes(c->orig, img, cols, rows);
        c->orig_idx = s->hover;
    }
    for (int i = 0; i < s->n_panes; i++) {
        const AppHoverPane *hp = &h->pane[i];
        if (!c->recon[i]) c->recon[i] = app_image_texture(g, cols, rows);
        if (c->recon[i] && c->recon_version[i] != hp->recon_version) {
            app_image_upload(c->recon[i], hp->recon, cols, rows);
            c->recon_version[i] = hp->recon_version;
        }
        if (!h->decode_samples || c->sample_version[i] == hp->decoded_version) continue;
        for (int k = 0; k < APP_POST_DECODED; k++) {
            if (!c->sample[i][k]) c->sample[i][k] = app_image_texture(g, cols, rows);
            app_image_upload(c->sample[i][k], hp->decoded + (size_t)k * rows * cols, cols, rows);
        }
        c->sample_version[i] = hp->decoded_version;
    }
}

static void over(const AppDraw *d, int pane) {
    const AppState *s = d->s;
    const AppPane *p = &s->pane[pane];
    const AppHoverPane *h = &((const AppHover *)d->tool)->pane[pane];
    const VaeModel *m = app_pane_model(s, p);
    if (s->hover < 0 || !m) return;
    SDL_SetRenderDrawBlendMode(d->g->ren, SDL_BLENDMODE_BLEND);
    if (app_is_vae(m) && h->post_valid && h->post_idx == s->hover)
        app_draw_posterior(d->g, pane, p, m, h->z0, h->zk, APP_POST_SAMPLES, h->mu, h->sd, "");
    double hx, hy;
    app_pane_point(s, p, s->hover, &hx, &hy);
    if (fabs(hx) < 1e6 && fabs(hy) < 1e6) { /* the same image's ring in every pane */
        double rad = 6 * d->g->u;
        SDL_SetRenderDrawColor(d->g->ren, 255, 255, 255, 255);
        app_draw_circle(d->g->ren, hx, hy, rad);
        app_draw_circle(d->g->ren, hx, hy, rad + 1);
        app_mark(d->g, pane, p->rect, hx - rad - 1, hy - rad - 1, hx + rad + 1, hy + rad + 1);
    }
}

/* ---- the panel: the hovered image and its reconstructions ------------------------------ */

/* Each image's width: 4x, or what the original and one image per pane leave. */
static int image_width(const AppDraw *d, int width) {
    int cols = d->s->session->cols, most = (int)(4 * d->g->u) * cols;
    int w = app_strip_cell(d->g, width, 1 + d->s->n_panes, app_px(d->g, 12), 0, cols);
    return w < most ? w : most;
}

static int section_height(const AppDraw *d, int width, int avail) {
    (void)avail;
    const AppGfx *g = d->g;
    const AppSession *se = d->s->session;
    return app_text_line(&g->text, APP_FONT_BOLD) + app_px(g, 4) +
           image_width(d, width) * se->rows / se->cols + app_text_line(&g->text, APP_FONT_SMALL) +
           app_px(g, 12);
}

/* An image's caption, centred under it, or the pane's model alone if that is too wide. */
static void image_caption(AppGfx *g, const char *model, SDL_Rect dst, int room) {
    char cap[2][192];
    snprintf(cap[0], sizeof cap[0], "%s%s", model ? model : "original", model ? " recon" : "");
    snprintf(cap[1], sizeof cap[1], "%s", model ? model : "original");
    const char *c = app_text_fitting(g, APP_FONT_SMALL, room, cap, 2);
    int y = dst.y + dst.h + app_px(g, 2), tw = app_text_width(&g->text, APP_FONT_SMALL, c);
    if (tw <= room)
        app_text_draw(&g->text, APP_FONT_SMALL, c, dst.x + dst.w / 2, y, APP_DIM, APP_ALIGN_CENTER);
    else
        app_text_draw_within(g, APP_FONT_SMALL, c, dst.x, y, room, APP_DIM);
}

static void section_draw(const AppDraw *d, SDL_Rect r) {
    const AppState *s = d->s;
    const HoverCache *c = d->cache;
    AppGfx *g = d->g;
    int train = s->session->shown == &s->session->ds.train, x = r.x, y = r.y;
    if (s->hover >= 0) {
        int label = s->session->shown->labels[s->hover];
        app_text_drawf(&g->text, APP_FONT_BOLD, x, y, APP_TEXT, APP_ALIGN_LEFT,
                       "%s image #%d \xc2\xb7 %s", train ? "training" : "test", s->hover,
                       s->session->ds.class_names[label]);
    } else {
        app_text_draw(&g->text, APP_FONT_BOLD, train ? "training image" : "test image", x, y,
                      APP_TEXT, APP_ALIGN_LEFT);
        app_text_draw(&g->text, APP_FONT_SMALL, "hover a point to compare", x + r.w,
                      y + app_px(g, 2), APP_DIM, APP_ALIGN_RIGHT);
    }
    y += app_text_line(&g->text, APP_FONT_BOLD) + app_px(g, 4);
    int w = image_width(d, r.w), h = w * s->session->rows / s->session->cols;
    int gap = app_px(g, 12);
    for (int i = 0; i <= s->n_panes; i++) {
        SDL_Texture *tex = s->hover >= 0 && c->orig_idx == s->hover ? c->orig : NULL;
        if (i > 0) tex = s->hover >= 0 ? c->recon[i - 1] : NULL;
        SDL_Rect dst = {x + i * (w + gap), y, w, h};
        app_set_color(g->ren, APP_PANE_BG);
        SDL_RenderFillRect(g->ren, &dst);
        app_frame_rect(g, dst);
        if (tex) SDL_RenderCopy(g->ren, tex, NULL, &dst);
        image_caption(g, i ? app_snap_label(s->snap, s->pane[i - 1].model) : NULL, dst,
                      w + gap - app_px(g, 2));
    }
}

/* ---- the dock: one x, many z -------------------------------------------------------------- */

/* Each image's width: the reconstruction and the samples share the strip's width. */
static int strip_image_width(const AppDraw *d, int width) {
    return app_strip_cell(d->g, width, 1 + APP_POST_DECODED, app_px(d->g, 4), app_px(d->g, 16),
                          d->s->session->cols);
}

static int strip_height(const AppDraw *d, int pane, int width, int avail) {
    (void)pane, (void)avail;
    if (!((const AppHover *)d->tool)->decode_samples) return 0;
    const AppSession *se = d->s->session;
    return app_text_line(&d->g->text, APP_FONT_SMALL) +
           strip_image_width(d, width) * se->rows / se->cols;
}

static void strip_draw(const AppDraw *d, int pane, SDL_Rect r) {
    const AppState *s = d->s;
    const HoverCache *c = d->cache;
    const AppHoverPane *hp = &((const AppHover *)d->tool)->pane[pane];
    AppGfx *g = d->g;
    const VaeModel *m = app_pane_model(s, &s->pane[pane]);
    int lh = app_text_line(&g->text, APP_FONT_SMALL), w = strip_image_width(d, r.w);
    int h = w * s->session->rows / s->session->cols, gap = app_px(g, 4);
    const char *what =
        s->hover < 0 ? "hover a dot: its reconstruction, then decodes of q(z|x)"
        : m && m->cfg.kind == VAE_KIND_PCA ? "a PCA projects x to one z: its reconstruction only"
        : !app_is_vae(m)                   ? "an AE has one z per x: its reconstruction only"
                         : "reconstruction (decoded \xce\xbc) | decoded samples of q(z|x)";
    app_text_drawf_within(g, APP_FONT_SMALL, r.x, r.y, r.w, APP_DIM, "%s: %s",
                          app_snap_label(s->snap, s->pane[pane].model), what);
    if (s->hover < 0) return;
    SDL_Rect dst = {r.x, r.y + lh, w, h};
    SDL_RenderCopy(g->ren, c->recon[pane], NULL, &dst);
    if (!app_is_vae(m) || !hp->decoded_valid || hp->post_idx != s->hover) return;
    for (int i = 0; i < APP_POST_DECODED; i++) {
        dst.x = r.x + app_px(g, 12) + (i + 1) * (w + gap);
        if (c->sample[pane][i]) SDL_RenderCopy(g->ren, c->sample[pane][i], NULL, &dst);
    }
}

static const AppStripSection strips[] = {
    {.order = 30, .dynamic = 1, .height = strip_height, .draw = strip_draw},
};

static const AppPanelSection sections[] = {
    {.order = 30, .dynamic = 1, .height = section_height, .draw = section_draw},
};

static void cache_free(void *cache) {
    HoverCache *c = cache;
    if (c->orig) SDL_DestroyTexture(c->orig);
    for (int i = 0; i < APP_MAX_PANES; i++) {
        if (c->recon[i]) SDL_DestroyTexture(c->recon[i]);
        for (int k = 0; k < APP_POST_DECODED; k++)
            if (c->sample[i][k]) SDL_DestroyTexture(c->sample[i][k]);
    }
}

const AppToolView app_view_hover = {
    .cache_size = sizeof(HoverCache),
    .refresh = refresh,
    .over = over,
    .sections = sections,
    .n_sections = 1,
    .strips = strips,
    .n_strips = 1,
    .free = cache_free,
};
