/* The posterior q(z|x) of one image on a pane, as the hover and draw tools mark it: its
 * samples (with flows: after them, over faint ones before), its 1 and 2 sigma ellipses,
 * and a caption beside them. */
#include <math.h>
#include <stdio.h>

#include "posterior.h"

/* Dots of n latent samples (stride L, on the pane's axes), each a light square on a dark
 * one so they read over the coloured scatter. Returns how many are in view, their
 * bounding box in *bb. Blending is on. */
static int draw_samples(AppGfx *g, int pane, const AppPane *p, const float *z, int n, int L,
                        Uint8 alpha, SDL_FRect *bb) {
    SDL_FRect dark[APP_POSTERIOR_MAX], light[APP_POSTERIOR_MAX];
    float d = 2.0f * g->u, o = 1.0f;
    float x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    int k = 0;
    for (int i = 0; i < n && k < APP_POSTERIOR_MAX; i++) {
        float x = (float)app_view_px(&p->view, p->rect, z[(size_t)i * L + p->ax[0]]);
        float y = (float)app_view_py(&p->view, p->rect, z[(size_t)i * L + p->ax[1]]);
        if (!(x > p->rect.x - d && x < p->rect.x + p->rect.w + d && y > p->rect.y - d &&
              y < p->rect.y + p->rect.h + d))
            continue; /* out of view, or not finite */
        dark[k] = (SDL_FRect){x - d / 2 - o, y - d / 2 - o, d + 2 * o, d + 2 * o};
        light[k++] = (SDL_FRect){x - d / 2, y - d / 2, d, d};
        x0 = fminf(x0, x), y0 = fminf(y0, y), x1 = fmaxf(x1, x), y1 = fmaxf(y1, y);
    }
    *bb = k ? (SDL_FRect){x0, y0, x1 - x0, y1 - y0} : (SDL_FRect){0, 0, 0, 0};
    if (k) app_mark(g, pane, p->rect, x0 - d, y0 - d, x1 + d, y1 + d);
    SDL_SetRenderDrawColor(g->ren, 10, 12, 16, (Uint8)(alpha * 3 / 4));
    SDL_RenderFillRectsF(g->ren, dark, k);
    SDL_SetRenderDrawColor(g->ren, 255, 255, 255, alpha);
    SDL_RenderFillRectsF(g->ren, light, k);
    return k;
}

/* A caption in a dark box beside box bb (right of it, else left of it, else in the plot's
 * bottom-left corner), inside the plot. */
static void draw_caption(AppGfx *g, int pane, const AppPane *p, SDL_FRect bb, const char *l1,
                         const char *l2) {
    int lh = app_text_line(&g->text, APP_FONT_SMALL), pad = app_px(g, 5);
    int w = app_text_width(&g->text, APP_FONT_SMALL, l1);
    int w2 = app_text_width(&g->text, APP_FONT_SMALL, l2);
    w = w2 > w ? w2 : w;
    int bw = w + 2 * pad, bh = 2 * lh + 2 * pad, gap = app_px(g, 10);
    int x = (int)(bb.x + bb.w) + gap, y = (int)(bb.y + bb.h / 2) - bh / 2;
    const AppRect *r = &p->rect;
    if (x + bw > r->x + r->w) x = (int)bb.x - gap - bw;
    if (x < r->x) { /* no room beside the samples: keep them in sight */
        x = r->x + app_px(g, 8);
        y = r->y + r->h - bh - app_px(g, 8);
    }
    if (y < r->y) y = r->y;
    if (y + bh > r->y + r->h) y = r->y + r->h - bh;
    app_mark(g, pane, *r, x, y, x + bw, y + bh);
    app_shade_rect(g, (SDL_Rect){x, y, bw, bh}, 215);
    app_text_draw(&g->text, APP_FONT_SMALL, l1, x + pad, y + pad, APP_TEXT, APP_ALIGN_LEFT);
    app_text_draw(&g->text, APP_FONT_SMALL, l2, x + pad, y + pad + lh, APP_DIM, APP_ALIGN_LEFT);
}

/* With flows the samples z_K (the decoder's input, the space of the cursor and the prior)
 * over faint samples of the base Gaussian z_0; without, the Gaussian's samples and its 1
 * and 2 sigma ellipses. */
void app_draw_posterior(AppGfx *g, int pane, const AppPane *p, const VaeModel *m, const float *z0,
                        const float *zk, int n, const float mu[2], const float sd[2],
                        const char *who) {
    int L = m->cfg.latent, K = m->cfg.flows;
    SDL_FRect bb;
    char l1[128];
    if (K > 0) {
        draw_samples(g, pane, p, z0, n, L, 70, &bb);
        if (!draw_samples(g, pane, p, zk, n, L, 255, &bb) || !who) return;
        snprintf(l1, sizeof l1, "%sq(z|x) after %d planar flow%s: %d samples", who, K,
                 K == 1 ? "" : "s", n);
        draw_caption(g, pane, p, bb, l1, "faint: before the flows (z\xe2\x82\x80)");
        return;
    }
    double cx = app_view_px(&p->view, p->rect, mu[0]);
    double cy = app_view_py(&p->view, p->rect, mu[1]);
    double rx = sd[0] * p->view.scale, ry = sd[1] * p->view.scale;
    int shown = draw_samples(g, pane, p, zk, n, L, 255, &bb);
    if (isfinite(rx) && isfinite(ry) && rx < 1e6 && ry < 1e6 && fabs(cx) < 1e6 && fabs(cy) < 1e6) {
        SDL_SetRenderDrawColor(g->ren, 255, 255, 255, 220);
        app_draw_ellipse(g->ren, cx, cy, rx, ry);
        SDL_SetRenderDrawColor(g->ren, 255, 255, 255, 120);
        app_draw_ellipse(g->ren, cx, cy, 2 * rx, 2 * ry);
        app_mark(g, pane, p->rect, cx - 2 * rx, cy - 2 * ry, cx + 2 * rx, cy + 2 * ry);
        if (!shown) {
            bb = (SDL_FRect){(float)(cx - 2 * rx), (float)(cy - 2 * ry), (float)(4 * rx),
                             (float)(4 * ry)};
            shown = 1;
        }
    }
    if (!shown || !who) return;
    snprintf(l1, sizeof l1, "%sq(z|x) = N(\xce\xbc, \xcf\x83\xc2\xb2): %d samples", who, n);
    draw_caption(g, pane, p, bb, l1, "ellipses: 1\xcf\x83 and 2\xcf\x83");
}
