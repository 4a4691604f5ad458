/* The side panel (status, decoded images, the hovered test image and its
 * reconstructions, loss curves) and the help overlay. Reads App state only. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app.h"

void app_image_upload(SDL_Texture *tex, const float *probs, int w, int h) {
    void *dst;
    int pitch;
    if (!tex || SDL_LockTexture(tex, NULL, &dst, &pitch) != 0) return;
    for (int y = 0; y < h; y++) {
        Uint32 *row = (Uint32 *)((uint8_t *)dst + (size_t)y * pitch);
        for (int x = 0; x < w; x++) {
            float v = probs[y * w + x];
            Uint32 g = (Uint32)((v > 0 ? (v < 1 ? v : 1) : 0) * 255 + 0.5f); /* NaN -> 0 */
            row[x] = 0xff000000u | g << 16 | g << 8 | g;
        }
    }
    SDL_UnlockTexture(tex);
}

static void frame_rect(App *a, SDL_Rect r) {
    app_set_color(a->ren, APP_AXIS);
    SDL_Rect o = {r.x - 1, r.y - 1, r.w + 2, r.h + 2};
    SDL_RenderDrawRect(a->ren, &o);
}

static const char *model_name(const VaeModel *m) {
    return !m                             ? "-"
           : m->cfg.kind == VAE_KIND_AE   ? "AE"
           : m->cfg.kind == VAE_KIND_CVAE ? "CVAE"
                                          : "VAE";
}

/* A test image from the dataset, uploaded into a cached texture. */
static SDL_Texture *original_texture(App *a, int idx) {
    if (!a->orig_tex) {
        a->orig_tex = SDL_CreateTexture(a->ren, SDL_PIXELFORMAT_ARGB8888,
                                        SDL_TEXTUREACCESS_STREAMING, a->cols, a->rows);
        if (!a->orig_tex) return NULL;
        SDL_SetTextureScaleMode(a->orig_tex, SDL_ScaleModeNearest);
        SDL_SetTextureBlendMode(a->orig_tex, SDL_BLENDMODE_NONE);
        a->orig_idx = -1;
    }
    if (a->orig_idx != idx) {
        float v[APP_PIXELS_MAX];
        const uint8_t *img = a->shown->images + (size_t)idx * a->pixels;
        for (int i = 0; i < a->pixels; i++)
            v[i] = img[i] / 255.0f;
        app_image_upload(a->orig_tex, v, a->cols, a->rows);
        a->orig_idx = idx;
    }
    return a->orig_tex;
}

/* ---- status ---------------------------------------------------------------------- */

/* A dimension whose KL stays below COLLAPSE_KL carries (at most) that much information
 * about x: its posterior has collapsed onto the prior. Var[mu_j] (the active units of
 * `vae eval`) is shown beside it but not required: mu can still wander a little along a
 * dimension the decoder has learnt to ignore. */
#define COLLAPSE_KL 0.1f
#define COLLAPSE_GRACE 200 /* steps after the KL warm-up before a training run is judged */

/* "%*.*f"; "%*.2e" from 1e5 on (a diverging run); "-" if not finite (a gap) */
static const char *num(char *buf, size_t len, int width, int prec, double v) {
    if (!isfinite(v))
        snprintf(buf, len, "%*s", width, "-");
    else if (fabs(v) >= 1e5)
        snprintf(buf, len, "%*.2e", width, v);
    else
        snprintf(buf, len, "%*.*f", width, prec, v);
    return buf;
}

/* Draw tokens left to right separated by gaps, wrapping to a new line when one does not
 * fit in w. Returns the y below the last line. */
static int draw_tokens(App *a, AppFont f, char (*tok)[64], int n, int x, int y, int w,
                       SDL_Color c) {
    int lh = app_text_line(&a->text, f), gap = app_px(a, 14), cx = x;
    for (int i = 0; i < n; i++) {
        int tw = app_text_width(&a->text, f, tok[i]);
        if (cx > x && cx + tw > x + w) cx = x, y += lh;
        cx += app_text_draw(&a->text, f, tok[i], cx, y, c, APP_ALIGN_LEFT) + gap;
    }
    return y + lh;
}

/* Text wrapped at spaces into at most max_lines lines of width w (the last one cut with
 * an ellipsis if need be). Returns the y below it. */
static int draw_wrapped(App *a, AppFont f, const char *text, int x, int y, int w, SDL_Color c,
                        int max_lines) {
    int lh = app_text_line(&a->text, f);
    const char *p = text;
    for (int line = 0; line < max_lines && *p; line++) {
        char buf[256];
        int n = 0, fit = 0; /* chars of p that fit, ending at a word boundary */
        while (p[n] && n < (int)sizeof buf - 4) {
            int e = n;
            while (p[e] == ' ')
                e++;
            while (p[e] && p[e] != ' ' && e < (int)sizeof buf - 4)
                e++;
            memcpy(buf, p, (size_t)e);
            buf[e] = 0;
            if (app_text_width(&a->text, f, buf) > w && fit > 0) break;
            n = fit = e;
        }
        if (fit == 0) { /* nothing but spaces left, within the buffer */
            fit = (int)strlen(p);
            if (fit > (int)sizeof buf - 4) fit = (int)sizeof buf - 4;
        }
        memcpy(buf, p, (size_t)fit);
        buf[fit] = 0;
        if (line == max_lines - 1 && p[fit]) { /* more than fits: cut the last line */
            for (int k = fit; k > 0; k--) {
                if (((unsigned char)buf[k] & 0xc0) == 0x80) continue; /* inside a UTF-8 char */
                snprintf(buf + k, sizeof buf - (size_t)k, "\xe2\x80\xa6");
                if (app_text_width(&a->text, f, buf) <= w) break;
            }
        }
        app_text_draw(&a->text, f, buf, x, y, c, APP_ALIGN_LEFT);
        y += lh;
        p += fit;
        while (*p == ' ')
            p++;
    }
    return y;
}

/* Whether model m is judged for collapse: a VAE, from a checkpoint at once, in training
 * only once past its warm-up (a fresh model starts with q close to the prior). */
static int collapse_judged(const App *a, int m) {
    const AppSnapshot *s = a->snap;
    if (!s->lstats[m].valid || s->model[m].cfg.kind == VAE_KIND_AE) return 0;
    return !a->trainer || s->latents_step >= (int64_t)s->kl_warmup + COLLAPSE_GRACE;
}

/* The collapsed dimensions of model m (KL below COLLAPSE_KL): writes the warning into msg
 * and returns how many there are (0: no warning). */
static int collapse_warning(const App *a, int m, char *msg, size_t len) {
    const AppSnapshot *s = a->snap;
    const AppLatentStats *st = &s->lstats[m];
    int L = s->model[m].cfg.latent;
    if (!collapse_judged(a, m)) return 0;
    int n = 0, dims[VAE_MAX_LATENT];
    for (int j = 0; j < L; j++)
        if (st->kl[j] < COLLAPSE_KL) dims[n++] = j;
    if (n == 0) return 0;
    if (n == 1) {
        snprintf(msg, len, "posterior collapse: dim %d KL %.2f nats (%d/%d active)", dims[0] + 1,
                 (double)st->kl[dims[0]], st->active, L);
    } else if (n <= 4) {
        char d[64] = "", k[64] = "";
        for (int i = 0; i < n; i++) {
            snprintf(d + strlen(d), sizeof d - strlen(d), "%s%d", i ? ", " : "", dims[i] + 1);
            snprintf(k + strlen(k), sizeof k - strlen(k), "%s%.2f", i ? ", " : "",
                     (double)st->kl[dims[i]]);
        }
        snprintf(msg, len, "posterior collapse: dims %s KL %s nats (%d/%d active)", d, k,
                 st->active, L);
    } else {
        snprintf(msg, len, "posterior collapse: %d of %d dims KL < %.1f nats (%d/%d active)", n, L,
                 (double)COLLAPSE_KL, st->active, L);
    }
    return n;
}

/* Per-dimension KL of a VAE as small bars (height ~ KL, up to the largest and at least
 * 1 nat), the values for up to 4 dims, and the active units; then a collapse warning. */
static int draw_kl_dims(App *a, int m, int x, int y) {
    const AppSnapshot *s = a->snap;
    const AppLatentStats *st = &s->lstats[m];
    int L = s->model[m].cfg.latent;
    int lh = app_text_line(&a->text, APP_FONT_SMALL);
    char label[32];
    /* with flows: the base Gaussian q0 against the prior (the flows' share is not per dim) */
    snprintf(label, sizeof label, "%s KL per dim%s",
             s->model[m].cfg.kind == VAE_KIND_CVAE ? "CVAE" : "VAE",
             s->model[m].cfg.flows > 0 ? " of q\xe2\x82\x80" : "");
    int cx = x + app_text_draw(&a->text, APP_FONT_SMALL, label, x, y, APP_DIM, APP_ALIGN_LEFT) +
             app_px(a, 8);
    float top = 1;
    for (int j = 0; j < L; j++)
        if (isfinite(st->kl[j]) && st->kl[j] > top) top = st->kl[j];
    int judged = collapse_judged(a, m);
    int bw = app_px(a, 120) / L - 1;
    if (bw > app_px(a, 8)) bw = app_px(a, 8);
    if (bw < 1) bw = 1;
    int bh = lh - app_px(a, 3), base = y + lh - app_px(a, 2);
    for (int j = 0; j < L; j++) {
        float f = isfinite(st->kl[j]) ? fminf(1, fmaxf(0, st->kl[j] / top)) : 1;
        int h = (int)(bh * f + 0.5f);
        if (h < 1) h = 1; /* a collapsed dim is still a visible baseline */
        int dead = judged && st->kl[j] < COLLAPSE_KL;
        app_set_color(a->ren, dead ? APP_WARN : APP_COLOR(180, 142, 173));
        SDL_Rect r = {cx + j * (bw + 1), base - h, bw, h};
        SDL_RenderFillRect(a->ren, &r);
    }
    cx += L * (bw + 1) + app_px(a, 8);
    char vals[96] = "", nb[32];
    if (L <= 4)
        for (int j = 0; j < L; j++)
            snprintf(vals + strlen(vals), sizeof vals - strlen(vals), "%s%s", j ? " " : "",
                     num(nb, sizeof nb, 0, 2, st->kl[j]));
    app_text_drawf(&a->text, APP_FONT_SMALL, cx, y, APP_DIM, APP_ALIGN_LEFT,
                   "%s%snats \xc2\xb7 %d/%d active%s", vals, vals[0] ? " " : "", st->active, L,
                   st->nonfinite ? " \xc2\xb7 non-finite rows skipped" : "");
    y += lh;
    char warn[160];
    if (collapse_warning(a, m, warn, sizeof warn)) {
        app_text_draw(&a->text, APP_FONT_SMALL, warn, x, y, APP_WARN, APP_ALIGN_LEFT);
        y += lh;
    }
    return y;
}

static int draw_status(App *a, int x, int y, int w) {
    const AppSnapshot *s = a->snap;
    int lh = app_text_line(&a->text, APP_FONT_MONO);
    SDL_Color dim = APP_DIM, txt = APP_TEXT;
    app_text_draw(&a->text, APP_FONT_TITLE, "vae-explorer", x, y, txt, APP_ALIGN_LEFT);
    app_text_drawf(&a->text, APP_FONT_NORMAL, x + w, y + app_px(a, 4), dim, APP_ALIGN_RIGHT,
                   "%s \xc2\xb7 %d %s images", a->ds.name, a->shown->n,
                   a->shown == &a->ds.train ? "training" : "test");
    y += app_text_line(&a->text, APP_FONT_TITLE) + app_px(a, 6);
    if (!s) {
        app_text_draw(&a->text, APP_FONT_MONO, "starting...", x, y, dim, APP_ALIGN_LEFT);
        return y + 4 * lh;
    }
    if (!a->trainer) {
        app_text_drawf(&a->text, APP_FONT_MONO, x, y, APP_ACCENT, APP_ALIGN_LEFT,
                       "checkpoint  step %lld  epoch %d  (not training)", (long long)s->step,
                       s->epoch);
    } else {
        SDL_Color c = s->paused ? APP_COLOR(235, 203, 139) : APP_COLOR(163, 190, 140);
        int dx = app_text_draw(&a->text, APP_FONT_MONO, s->paused ? "PAUSED " : "RUNNING", x, y, c,
                               APP_ALIGN_LEFT);
        app_text_drawf(&a->text, APP_FONT_MONO, x + dx + app_px(a, 10), y, txt, APP_ALIGN_LEFT,
                       "epoch %d  step %lld  %.0f samples/s", s->epoch + 1, (long long)s->step,
                       s->samples_per_s);
    }
    y += lh;
    for (int m = 0; m < s->n_models; m++) {
        const AppLoss *l = s->n_hist ? &s->hist[s->n_hist - 1].loss[m] : NULL;
        const VaeModel *mod = &s->model[m];
        char hidden[64], n1[32], n2[32], n3[32];
        vae_hidden_format(&mod->cfg, hidden, sizeof hidden);
        if (!l)
            app_text_drawf(&a->text, APP_FONT_MONO, x, y, txt, APP_ALIGN_LEFT,
                           "%-4s latent %d  hidden %s", model_name(mod), mod->cfg.latent, hidden);
        else if (mod->cfg.kind == VAE_KIND_AE)
            app_text_drawf(&a->text, APP_FONT_MONO, x, y, txt, APP_ALIGN_LEFT,
                           "%-4s recon %s                  (no KL)", model_name(mod),
                           num(n1, sizeof n1, 7, 2, l->recon));
        else
            app_text_drawf(&a->text, APP_FONT_MONO, x, y, txt, APP_ALIGN_LEFT,
                           "%-4s recon %s  KL %s  total %s", model_name(mod),
                           num(n1, sizeof n1, 7, 2, l->recon), num(n2, sizeof n2, 6, 2, l->kl),
                           num(n3, sizeof n3, 7, 2, l->total));
        y += lh;
    }
    /* the objective and the training settings, wrapped to the panel */
    const VaeModel *m0 = &s->model[0];
    char tok[10][64];
    int n = 0;
    snprintf(tok[n++], 64, "%s", vae_likelihood_name(m0->cfg.likelihood));
    if (m0->cfg.kind != VAE_KIND_AE) {
        if (a->trainer && s->kl_warmup > 0 && s->beta_eff < s->beta)
            snprintf(tok[n++], 64, "beta %.3g (warm-up: %.3g)", s->beta, s->beta_eff);
        else
            snprintf(tok[n++], 64, "beta %.3g", s->beta);
    }
    if (m0->cfg.flows > 0) snprintf(tok[n++], 64, "flows=planar:%d", m0->cfg.flows);
    if (a->trainer) {
        if (s->free_bits > 0) snprintf(tok[n++], 64, "free bits %.3g", s->free_bits);
        if (s->dropout > 0) snprintf(tok[n++], 64, "dropout %.3g", s->dropout);
        snprintf(tok[n++], 64, "lr %.1e", s->lr);
        snprintf(tok[n++], 64, "speed %s", app_trainer_speed_name(s->speed));
        snprintf(tok[n++], 64, "latents@%lld", (long long)s->latents_step);
    }
    y = draw_tokens(a, APP_FONT_SMALL, tok, n, x, y, w, dim);
    for (int m = 0; m < s->n_models; m++)
        if (s->lstats[m].valid) y = draw_kl_dims(a, m, x, y);
    /* the trainer's last event; the line is kept when empty so the panel does not jump */
    if (s->message[0]) return draw_wrapped(a, APP_FONT_SMALL, s->message, x, y, w, APP_WARN, 2);
    return y + app_text_line(&a->text, APP_FONT_SMALL);
}

/* ---- loss curves ---------------------------------------------------------------- */

static void draw_losses(App *a, SDL_Rect r) {
    const AppSnapshot *s = a->snap;
    int lh = app_text_line(&a->text, APP_FONT_SMALL);
    app_text_draw(&a->text, APP_FONT_BOLD, "Loss per sample (nats, log scale)", r.x, r.y, APP_TEXT,
                  APP_ALIGN_LEFT);
    r.y += app_text_line(&a->text, APP_FONT_BOLD) + lh + app_px(a, 4);
    r.h -= app_text_line(&a->text, APP_FONT_BOLD) + 2 * lh + app_px(a, 8);
    int left = app_px(a, 40);
    SDL_Rect plot = {r.x + left, r.y, r.w - left, r.h};
    if (plot.h < app_px(a, 30)) return;
    app_set_color(a->ren, APP_PANE_BG);
    SDL_RenderFillRect(a->ren, &plot);
    /* curves: (model, term) with a colour each */
    static const struct {
        int model, term;
        const char *name;
        SDL_Color c;
    } curves[] = {
        {0, 2, "total", {235, 203, 139, 255}},
        {0, 0, "recon", {136, 192, 208, 255}},
        {0, 1, "KL", {180, 142, 173, 255}},
        {1, 0, "AE recon", {208, 135, 112, 255}},
    };
    int n_curves = 4;
    /* legend above the plot */
    int lx = plot.x;
    for (int c = 0; c < n_curves; c++) {
        if (s && curves[c].model >= s->n_models) continue;
        const char *prefix = curves[c].model == 0 && s ? model_name(&s->model[0]) : "";
        char name[48];
        snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? " " : "", curves[c].name);
        app_set_color(a->ren, curves[c].c);
        SDL_Rect sw = {lx, r.y - lh + lh / 2 - 1 - app_px(a, 2), app_px(a, 12), app_px(a, 2) + 1};
        SDL_RenderFillRect(a->ren, &sw);
        lx += app_px(a, 16);
        lx += app_text_draw(&a->text, APP_FONT_SMALL, name, lx, r.y - lh - app_px(a, 2), APP_DIM,
                            APP_ALIGN_LEFT) +
              app_px(a, 12);
    }
    if (!s || s->n_hist < 2) {
        app_text_draw(&a->text, APP_FONT_SMALL,
                      s && !a->trainer ? "no training history" : "no data yet", plot.x + plot.w / 2,
                      plot.y + plot.h / 2 - lh / 2, APP_DIM, APP_ALIGN_CENTER);
        return;
    }
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < s->n_hist; i++)
        for (int c = 0; c < n_curves; c++) {
            if (curves[c].model >= s->n_models) continue;
            const AppLoss *l = &s->hist[i].loss[curves[c].model];
            double v = curves[c].term == 0 ? l->recon : curves[c].term == 1 ? l->kl : l->total;
            if (!(v > 0) || !isfinite(v)) continue;
            lo = fmin(lo, v), hi = fmax(hi, v);
        }
    if (!(lo < hi)) lo = hi / 2 + 1e-3, hi = hi * 2 + 1e-3;
    double llo = floor(log10(lo) * 4) / 4, lhi = ceil(log10(hi) * 4) / 4;
    if (lhi - llo < 0.5) llo = lhi - 0.5;
    double x0 = (double)s->hist[0].step, x1 = (double)s->hist[s->n_hist - 1].step;
    if (x1 <= x0) x1 = x0 + 1;
    /* y ticks at 1, 2, 5 x 10^k inside the range */
    /* (every stride-th decade only when a diverging run spans dozens of them) */
    app_set_color(a->ren, APP_GRIDLINE);
    int decades = (int)ceil(lhi) - (int)floor(llo), fit = plot.h / (lh + lh / 2);
    int stride = fit > 0 && decades > fit ? (decades + fit - 1) / fit : 1;
    for (int e = (int)floor(llo); e <= (int)ceil(lhi); e++) {
        static const double mant[] = {1, 2, 5};
        if (e % stride) continue;
        for (int k = 0; k < 3; k++) {
            double v = mant[k] * pow(10, e), lv = log10(v);
            if (lv < llo || lv > lhi) continue;
            if (lhi - llo > 2.5 && k) continue;
            int y = plot.y + plot.h - (int)((lv - llo) / (lhi - llo) * plot.h);
            SDL_RenderDrawLine(a->ren, plot.x, y, plot.x + plot.w - 1, y);
            char lab[32];
            if (v >= 1e5)
                snprintf(lab, sizeof lab, "1e%d", e);
            else
                snprintf(lab, sizeof lab, v >= 1 ? "%.0f" : "%.2g", v);
            app_text_draw(&a->text, APP_FONT_SMALL, lab, plot.x - app_px(a, 4), y - lh / 2, APP_DIM,
                          APP_ALIGN_RIGHT);
            app_set_color(a->ren, APP_GRIDLINE);
        }
    }
    static SDL_FPoint pts[APP_HIST_CAP];
    for (int c = 0; c < n_curves; c++) {
        if (curves[c].model >= s->n_models) continue;
        int n = 0;
        for (int i = 0; i < s->n_hist; i++) {
            const AppLoss *l = &s->hist[i].loss[curves[c].model];
            double v = curves[c].term == 0 ? l->recon : curves[c].term == 1 ? l->kl : l->total;
            if (!(v > 0) || !isfinite(v)) continue;
            double fy = (log10(v) - llo) / (lhi - llo);
            double fx = ((double)s->hist[i].step - x0) / (x1 - x0);
            pts[n++] = (SDL_FPoint){(float)(plot.x + fx * (plot.w - 1)),
                                    (float)(plot.y + plot.h - 1 - fy * (plot.h - 1))};
        }
        app_set_color(a->ren, curves[c].c);
        if (n >= 2) SDL_RenderDrawLinesF(a->ren, pts, n);
    }
    app_text_drawf(&a->text, APP_FONT_SMALL, plot.x, plot.y + plot.h + app_px(a, 2), APP_DIM,
                   APP_ALIGN_LEFT, "step %lld", (long long)s->hist[0].step);
    app_text_drawf(&a->text, APP_FONT_SMALL, plot.x + plot.w, plot.y + plot.h + app_px(a, 2),
                   APP_DIM, APP_ALIGN_RIGHT, "step %lld", (long long)s->hist[s->n_hist - 1].step);
}

/* ---- the panel ------------------------------------------------------------------- */

void app_panel_draw(App *a) {
    SDL_Rect pr = {a->panel.x, a->panel.y, a->panel.w, a->panel.h};
    app_set_color(a->ren, APP_GRIDLINE);
    SDL_RenderDrawLine(a->ren, pr.x, pr.y, pr.x, pr.y + pr.h);
    int pad = app_px(a, 16), x = pr.x + pad, w = pr.w - 2 * pad;
    int y = draw_status(a, x, pr.y + app_px(a, 10), w) + app_px(a, 6);
    int lh = app_text_line(&a->text, APP_FONT_SMALL);
    int gap = app_px(a, 12);
    /* decoded images under the cursor (one per pane) and the hovered test image: the part
     * of the panel a frame in which only the cursor moves redraws */
    int dyn_y = y;
    int k = a->n_panes == 2 ? (w - gap) / 2 / a->cols : w / a->cols;
    int kmax = (int)(10 * a->u);
    if (k > kmax) k = kmax;
    /* in a short window, smaller decoded images leave the loss curves ~90 points */
    int ks = (int)(4 * a->u), bold = app_text_line(&a->text, APP_FONT_BOLD);
    int below = bold + lh + app_px(a, 8) + gap +                         /* decoded titles */
                bold + app_px(a, 4) + ks * a->rows + lh + gap +          /* test image */
                bold + 2 * lh + app_px(a, 8) + app_px(a, 90) +           /* loss curves */
                app_text_line(&a->text, APP_FONT_SMALL) + app_px(a, 12); /* footer */
    int kfit = (pr.y + pr.h - y - below) / a->rows;
    if (k > kfit) k = kfit > 4 ? kfit : 4;
    int side = k * a->cols, side_h = k * a->rows;
    for (int i = 0; i < a->n_panes; i++) {
        AppPane *p = &a->pane[i];
        int ix = x + i * (side + gap);
        const VaeModel *m = app_pane_model(a, p);
        app_text_drawf(&a->text, APP_FONT_BOLD, ix, y, APP_TEXT, APP_ALIGN_LEFT, "%s decoded",
                       model_name(m));
        char zs[96];
        /* with flows the cursor is a point of z_K, the decoder's input */
        char n1[32], n2[32];
        snprintf(zs, sizeof zs, "%s = (%s, %s)", m && m->cfg.flows > 0 ? "z\xe2\x82\x96" : "z",
                 num(n1, sizeof n1, 0, 2, p->zx), num(n2, sizeof n2, 0, 2, p->zy));
        if (m && m->cfg.kind == VAE_KIND_CVAE)
            snprintf(zs + strlen(zs), sizeof zs - strlen(zs), "  class %s",
                     a->ds.class_names[a->cls]);
        app_text_draw(&a->text, APP_FONT_MONO, zs, ix, y + app_text_line(&a->text, APP_FONT_BOLD),
                      APP_ACCENT, APP_ALIGN_LEFT);
        SDL_Rect d = {ix, y + app_text_line(&a->text, APP_FONT_BOLD) + lh + app_px(a, 8), side,
                      side_h};
        frame_rect(a, d);
        if (m && p->dec_valid) SDL_RenderCopy(a->ren, p->dec_tex, NULL, &d);
    }
    y += app_text_line(&a->text, APP_FONT_BOLD) + lh + app_px(a, 8) + side_h + gap;
    /* the hovered test image and its reconstruction by each model */
    int small = ks * a->cols, small_h = ks * a->rows;
    if (a->hover_idx >= 0) {
        int label = a->shown->labels[a->hover_idx];
        app_text_drawf(&a->text, APP_FONT_BOLD, x, y, APP_TEXT, APP_ALIGN_LEFT,
                       "%s image #%d \xc2\xb7 %s", a->shown == &a->ds.train ? "training" : "test",
                       a->hover_idx, a->ds.class_names[label]);
    } else {
        app_text_draw(&a->text, APP_FONT_BOLD,
                      a->shown == &a->ds.train ? "training image" : "test image", x, y, APP_TEXT,
                      APP_ALIGN_LEFT);
        app_text_draw(&a->text, APP_FONT_SMALL, "hover a point to compare", x + w, y + app_px(a, 2),
                      APP_DIM, APP_ALIGN_RIGHT);
    }
    y += app_text_line(&a->text, APP_FONT_BOLD) + app_px(a, 4);
    const char *caps[3] = {"original", NULL, NULL};
    SDL_Texture *texs[3] = {NULL, NULL, NULL};
    char capbuf[2][32];
    int n_img = 1;
    if (a->hover_idx >= 0) texs[0] = original_texture(a, a->hover_idx);
    for (int i = 0; i < a->n_panes; i++) {
        snprintf(capbuf[i], sizeof capbuf[i], "%s recon",
                 model_name(app_pane_model(a, &a->pane[i])));
        caps[n_img] = capbuf[i];
        texs[n_img++] =
            a->hover_idx >= 0 && a->pane[i].rec_idx == a->hover_idx ? a->pane[i].rec_tex : NULL;
    }
    for (int i = 0; i < n_img; i++) {
        SDL_Rect d = {x + i * (small + gap), y, small, small_h};
        app_set_color(a->ren, APP_PANE_BG);
        SDL_RenderFillRect(a->ren, &d);
        frame_rect(a, d);
        if (texs[i]) SDL_RenderCopy(a->ren, texs[i], NULL, &d);
        app_text_draw(&a->text, APP_FONT_SMALL, caps[i], d.x + small / 2,
                      d.y + small_h + app_px(a, 2), APP_DIM, APP_ALIGN_CENTER);
    }
    y += small_h + lh + gap;
    a->panel_dyn = (SDL_Rect){pr.x + 1, dyn_y, pr.w - 1, y - dyn_y};
    /* loss curves, down to the footer */
    int footer = app_text_line(&a->text, APP_FONT_SMALL) + app_px(a, 12);
    SDL_Rect lr = {x, y, w, pr.y + pr.h - footer - y};
    draw_losses(a, lr);
    /* footer: a message, or the key hint */
    int fy = pr.y + pr.h - footer + app_px(a, 4);
    if (a->toast[0] && SDL_GetTicks() < a->toast_until)
        app_text_draw(&a->text, APP_FONT_SMALL, a->toast, x, fy,
                      a->toast_error ? APP_WARN : APP_ACCENT, APP_ALIGN_LEFT);
    else
        app_text_draw(
            &a->text, APP_FONT_SMALL,
            "H help \xc2\xb7 C compare \xc2\xb7 A AE/VAE \xc2\xb7 G grid \xc2\xb7 Space pause", x,
            fy, APP_DIM, APP_ALIGN_LEFT);
}

/* ---- help overlay --------------------------------------------------------------- */

static const char *const help_keys[][2] = {
    {"Space", "pause / resume training"},
    {"N", "one training step (while paused)"},
    {"R", "reset both models to fresh weights"},
    {"A", "show the AE / the VAE in the pane"},
    {"C", "compare: VAE and AE side by side"},
    {"G", "manifold grid: decode a grid over the view"},
    {"I", "grid spacing: linear / inverse normal CDF"},
    {"[  ]", "beta down / up (x1/1.25)"},
    {"-  =", "learning rate down / up (x1/2)"},
    {",  .", "training speed down / up"},
    {"0-9", "class to decode (CVAE models)"},
    {"S", "save both models to models/*.safetensors"},
    {"P", "screenshot to screenshots/*.png"},
    {"H  F1", "this help"},
    {"Q  Esc", "quit"},
    {"wheel", "zoom around the cursor"},
    {"right/middle drag", "pan"},
    {"double-click", "reset the view (auto-fit)"},
};

void app_help_draw(App *a) {
    SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_BLEND);
    SDL_SetRenderDrawColor(a->ren, 5, 6, 8, 215);
    SDL_Rect all = {0, 0, a->pix_w, a->pix_h};
    SDL_RenderFillRect(a->ren, &all);
    SDL_SetRenderDrawBlendMode(a->ren, SDL_BLENDMODE_NONE);
    int n = (int)(sizeof help_keys / sizeof *help_keys);
    int lh = app_text_line(&a->text, APP_FONT_NORMAL) + app_px(a, 4);
    int bw = app_px(a, 560), bh = n * lh + app_px(a, 110);
    SDL_Rect box = {(a->pix_w - bw) / 2, (a->pix_h - bh) / 2, bw, bh};
    SDL_SetRenderDrawColor(a->ren, 24, 27, 35, 250);
    SDL_RenderFillRect(a->ren, &box);
    app_set_color(a->ren, APP_AXIS);
    SDL_RenderDrawRect(a->ren, &box);
    int x = box.x + app_px(a, 28), y = box.y + app_px(a, 20);
    app_text_draw(&a->text, APP_FONT_TITLE, "Keys and mouse", x, y, APP_TEXT, APP_ALIGN_LEFT);
    y += app_text_line(&a->text, APP_FONT_TITLE) + app_px(a, 12);
    for (int i = 0; i < n; i++) {
        app_text_draw(&a->text, APP_FONT_BOLD, help_keys[i][0], x, y, APP_ACCENT, APP_ALIGN_LEFT);
        app_text_draw(&a->text, APP_FONT_NORMAL, help_keys[i][1], x + app_px(a, 170), y, APP_TEXT,
                      APP_ALIGN_LEFT);
        y += lh;
    }
    app_text_draw(&a->text, APP_FONT_SMALL,
                  "Move the mouse over a plane: the point under it is decoded every frame.", x,
                  y + app_px(a, 10), APP_DIM, APP_ALIGN_LEFT);
}
