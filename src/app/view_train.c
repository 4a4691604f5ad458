/* The training tool's view: the status at the top of the panel. Running or paused,
 * epoch, step, samples/s; the last loss terms per model; the objective and the settings;
 * each VAE's KL per latent dimension with its active units and a posterior-collapse
 * warning; the trainer's last event. The same code measures (height) and draws. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gfx.h"
#include "tools.h"

/* A dimension whose KL stays below COLLAPSE_KL carries (at most) that much information
 * about x: its posterior has collapsed onto the prior. Var[mu_j] (the active units of
 * `vae eval`) is shown beside it but not required: mu can still wander a little along a
 * dimension the decoder has learnt to ignore. */
#define COLLAPSE_KL 0.1f
#define COLLAPSE_GRACE 200 /* steps after the KL warm-up before a training run is judged */

#define PAUSED_COLOR APP_ARGB(235, 203, 139)
#define RUNNING_COLOR APP_ARGB(163, 190, 140)
#define KL_COLOR APP_ARGB(180, 142, 173)

/* Tokens left to right separated by gaps, wrapping when one does not fit in w. Returns
 * the y below the last line. */
static int tokens(AppGfx *g, int draw, char (*tok)[64], int n, int x, int y, int w) {
    int lh = app_text_line(&g->text, APP_FONT_SMALL), gap = app_px(g, 14), cx = x;
    for (int i = 0; i < n; i++) {
        int tw = app_text_width(&g->text, APP_FONT_SMALL, tok[i]);
        if (cx > x && cx + tw > x + w) cx = x, y += lh;
        if (draw) app_text_draw(&g->text, APP_FONT_SMALL, tok[i], cx, y, APP_DIM, APP_ALIGN_LEFT);
        cx += tw + gap;
    }
    return y + lh;
}

/* One line of text, at most w wide, from p: the bytes that fit, ending at a word boundary
 * (cut with an ellipsis if last and more remains). Returns the bytes of p consumed. */
static int wrap_line(AppGfx *g, const char *p, int w, int last, char *buf, int cap) {
    int n = 0, fit = 0;
    while (p[n] && n < cap - 4) {
        int e = n;
        while (p[e] == ' ')
            e++;
        while (p[e] && p[e] != ' ' && e < cap - 4)
            e++;
        memcpy(buf, p, (size_t)e);
        buf[e] = 0;
        if (app_text_width(&g->text, APP_FONT_SMALL, buf) > w && fit > 0) break;
        n = fit = e;
    }
    if (fit == 0) { /* nothing but spaces left, within the buffer */
        fit = (int)strlen(p);
        if (fit > cap - 4) fit = cap - 4;
    }
    memcpy(buf, p, (size_t)fit);
    buf[fit] = 0;
    if (last && p[fit]) { /* more than fits: cut the last line */
        for (int k = fit; k > 0; k--) {
            if (((unsigned char)buf[k] & 0xc0) == 0x80) continue; /* inside a UTF-8 char */
            snprintf(buf + k, (size_t)(cap - k), "\xe2\x80\xa6");
            if (app_text_width(&g->text, APP_FONT_SMALL, buf) <= w) break;
        }
    }
    return fit;
}

/* Text wrapped at spaces into at most max_lines lines of width w. Returns the y below. */
static int wrapped(AppGfx *g, int draw, const char *text, int x, int y, int w, int max_lines) {
    int lh = app_text_line(&g->text, APP_FONT_SMALL);
    const char *p = text;
    for (int line = 0; line < max_lines && *p; line++) {
        char buf[256];
        p += wrap_line(g, p, w, line == max_lines - 1, buf, (int)sizeof buf);
        if (draw) app_text_draw(&g->text, APP_FONT_SMALL, buf, x, y, APP_WARN, APP_ALIGN_LEFT);
        y += lh;
        while (*p == ' ')
            p++;
    }
    return y;
}

/* Whether model m is judged for collapse: a VAE, from a checkpoint at once, in training
 * only once past its warm-up (a fresh model starts with q close to the prior). */
static int collapse_judged(const AppState *s, int m) {
    const AppSnapshot *snap = s->snap;
    if (!snap->lstats[m].valid || !app_is_vae(&snap->model[m])) return 0;
    return !s->session->trainer ||
           snap->latents_step >= (int64_t)snap->info[m].kl_warmup + COLLAPSE_GRACE;
}

/* The collapsed dimensions of model m (KL below COLLAPSE_KL) as a warning in msg; returns
 * how many there are (0: no warning). */
static int collapse_warning(const AppState *s, int m, char *msg, size_t len) {
    const VaeLatentStats *st = &s->snap->lstats[m];
    int L = s->snap->model[m].cfg.latent, n = 0, dims[VAE_MAX_LATENT];
    if (!collapse_judged(s, m)) return 0;
    for (int j = 0; j < L; j++)
        if (st->kl[j] < COLLAPSE_KL) dims[n++] = j;
    if (n == 0) return 0;
    if (n > 4) {
        snprintf(msg, len, "posterior collapse: %d of %d dims KL < %.1f nats (%d/%d active)", n, L,
                 (double)COLLAPSE_KL, st->active, L);
        return n;
    }
    char d[64] = "", k[64] = "";
    for (int i = 0; i < n; i++) {
        snprintf(d + strlen(d), sizeof d - strlen(d), "%s%d", i ? ", " : "", dims[i] + 1);
        snprintf(k + strlen(k), sizeof k - strlen(k), "%s%.2f", i ? ", " : "",
                 (double)st->kl[dims[i]]);
    }
    snprintf(msg, len, "posterior collapse: dim%s %s KL %s nats (%d/%d active)", n > 1 ? "s" : "",
             d, k, st->active, L);
    return n;
}

/* Per-dimension KL of a VAE as small bars (height ~ KL, up to the largest and at least
 * 1 nat), the values for up to 4 dims, and the active units; then the collapse warning. */
static int kl_dims(AppGfx *g, int draw, const AppState *s, int m, int x, int y) {
    const AppSnapshot *snap = s->snap;
    const VaeLatentStats *st = &snap->lstats[m];
    int L = snap->model[m].cfg.latent, lh = app_text_line(&g->text, APP_FONT_SMALL);
    char warn[160];
    int warned = collapse_warning(s, m, warn, sizeof warn);
    if (!draw) return y + lh * (warned ? 2 : 1);
    char label[32];
    /* with flows: the base Gaussian q0 against the prior (the flows' share is not per dim) */
    snprintf(label, sizeof label, "%s KL per dim%s", app_snap_label(snap, m),
             snap->model[m].cfg.flows > 0 ? " of q\xe2\x82\x80" : "");
    int cx = x + app_text_draw(&g->text, APP_FONT_SMALL, label, x, y, APP_DIM, APP_ALIGN_LEFT) +
             app_px(g, 8);
    float top = 1;
    for (int j = 0; j < L; j++)
        if (isfinite(st->kl[j]) && st->kl[j] > top) top = st->kl[j];
    int judged = collapse_judged(s, m);
    int bw = app_px(g, 120) / L - 1;
    bw = bw > app_px(g, 8) ? app_px(g, 8) : bw < 1 ? 1 : bw;
    int bh = lh - app_px(g, 3), base = y + lh - app_px(g, 2);
    for (int j = 0; j < L; j++) {
        float f = isfinite(st->kl[j]) ? fminf(1, fmaxf(0, st->kl[j] / top)) : 1;
        int h = (int)(bh * f + 0.5f);
        h = h < 1 ? 1 : h; /* a collapsed dim is still a visible baseline */
        app_set_color(g->ren, judged && st->kl[j] < COLLAPSE_KL ? APP_WARN : KL_COLOR);
        SDL_Rect r = {cx + j * (bw + 1), base - h, bw, h};
        SDL_RenderFillRect(g->ren, &r);
    }
    cx += L * (bw + 1) + app_px(g, 8);
    char vals[96] = "", nb[32];
    for (int j = 0; L <= 4 && j < L; j++)
        snprintf(vals + strlen(vals), sizeof vals - strlen(vals), "%s%s", j ? " " : "",
                 app_num(nb, sizeof nb, 0, 2, st->kl[j]));
    app_text_drawf(&g->text, APP_FONT_SMALL, cx, y, APP_DIM, APP_ALIGN_LEFT,
                   "%s%snats \xc2\xb7 %d/%d active%s", vals, vals[0] ? " " : "", st->active, L,
                   st->nonfinite ? " \xc2\xb7 non-finite rows skipped" : "");
    y += lh;
    if (warned) {
        app_text_draw(&g->text, APP_FONT_SMALL, warn, x, y, APP_WARN, APP_ALIGN_LEFT);
        y += lh;
    }
    return y;
}

/* "RUNNING epoch 3 step 120 ..." or the checkpoint's line, or the replay's. */
static void state_line(AppGfx *g, const AppState *s, int x, int y) {
    const AppSnapshot *snap = s->snap;
    if (s->past || s->opt->replay) { /* a recorded step: the timeline's */
        int64_t last = s->live ? s->live->step : snap->step;
        int dx =
            app_text_draw(&g->text, APP_FONT_MONO, "REPLAY ", x, y, APP_ACCENT, APP_ALIGN_LEFT);
        app_text_drawf(&g->text, APP_FONT_MONO, x + dx + app_px(g, 10), y, APP_TEXT, APP_ALIGN_LEFT,
                       "epoch %d  step %lld of %lld%s", snap->epoch + 1, (long long)snap->step,
                       (long long)last, snap->paused ? "  (paused then)" : "");
        return;
    }
    if (!s->session->trainer) {
        app_text_drawf(&g->text, APP_FONT_MONO, x, y, APP_ACCENT, APP_ALIGN_LEFT,
                       "checkpoint  step %lld  epoch %d  (not training)", (long long)snap->step,
                       snap->epoch);
        return;
    }
    int dx = app_text_draw(&g->text, APP_FONT_MONO, snap->paused ? "PAUSED " : "RUNNING", x, y,
                           snap->paused ? PAUSED_COLOR : RUNNING_COLOR, APP_ALIGN_LEFT);
    app_text_drawf(&g->text, APP_FONT_MONO, x + dx + app_px(g, 10), y, APP_TEXT, APP_ALIGN_LEFT,
                   "epoch %d  step %lld  %.0f samples/s", snap->epoch + 1, (long long)snap->step,
                   snap->samples_per_s);
}

/* Whether model m's objective is not its -ELBO: beta other than 1, or KL clipping. */
static int elbo_apart(const AppSnapshot *snap, int m) {
    const AppModelInfo *in = &snap->info[m];
    return app_is_vae(&snap->model[m]) && (in->beta_eff != 1.0f || in->free_bits > 0);
}

/* Under such a model's line: its -ELBO, and what the objective weighs differently. */
static void elbo_line(AppGfx *g, const AppSnapshot *snap, int m, int x, int y) {
    const AppLoss *l = snap->n_hist ? &snap->hist[snap->n_hist - 1].loss[m] : NULL;
    const AppModelInfo *in = &snap->info[m];
    char n1[32], why[64] = "";
    if (in->beta_eff != 1.0f) snprintf(why, sizeof why, "KL weighed by beta %.3g", in->beta_eff);
    if (in->free_bits > 0)
        snprintf(why + strlen(why), sizeof why - strlen(why), "%sKL clipped at %.3g nats/dim",
                 why[0] ? ", " : "", in->free_bits);
    app_text_drawf(&g->text, APP_FONT_SMALL, x + app_px(g, 40), y, APP_DIM, APP_ALIGN_LEFT,
                   "-ELBO %s = recon + KL (the objective: %s)",
                   app_num(n1, sizeof n1, 0, 2, l ? l->recon + l->kl : NAN), why);
}

/* Model m's latest held-out reconstruction loss, NaN before the first. */
static double last_test_recon(const AppSnapshot *snap, int m) {
    for (int i = snap->n_hist - 1; i >= 0; i--)
        if (isfinite(snap->hist[i].test[m].recon)) return snap->hist[i].test[m].recon;
    return NAN;
}

static void model_line(AppGfx *g, const AppSnapshot *snap, int m, int x, int y) {
    const AppLoss *l = snap->n_hist ? &snap->hist[snap->n_hist - 1].loss[m] : NULL;
    const VaeModel *mod = &snap->model[m];
    const char *name = app_snap_label(snap, m);
    char hidden[64], n1[32], n2[32], n3[32];
    vae_hidden_format(&mod->cfg, hidden, sizeof hidden);
    if (!l)
        app_text_drawf(&g->text, APP_FONT_MONO, x, y, APP_TEXT, APP_ALIGN_LEFT,
                       "%-4s latent %d  hidden %s", name, mod->cfg.latent, hidden);
    else if (mod->cfg.kind == VAE_KIND_PCA) /* fitted: the held-out figure only */
        app_text_drawf(&g->text, APP_FONT_MONO, x, y, APP_TEXT, APP_ALIGN_LEFT,
                       "%-4s test recon %s             (fitted, no KL)", name,
                       app_num(n1, sizeof n1, 7, 2, last_test_recon(snap, m)));
    else if (!app_is_vae(mod))
        app_text_drawf(&g->text, APP_FONT_MONO, x, y, APP_TEXT, APP_ALIGN_LEFT,
                       "%-4s recon %s                  (no KL)", name,
                       app_num(n1, sizeof n1, 7, 2, l->recon));
    else /* the objective: recon + beta KL (clipped); with beta 1 and no clipping, -ELBO */
        app_text_drawf(
            &g->text, APP_FONT_MONO, x, y, APP_TEXT, APP_ALIGN_LEFT, "%-4s recon %s  KL %s  %s %s",
            name, app_num(n1, sizeof n1, 7, 2, l->recon), app_num(n2, sizeof n2, 6, 2, l->kl),
            elbo_apart(snap, m) ? "objective" : "total", app_num(n3, sizeof n3, 7, 2, l->total));
}

/* The objective and the training settings, as tokens. */
static int settings(const AppState *s, char (*tok)[64]) {
    const AppSnapshot *snap = s->snap;
    const VaeModel *m0 = &snap->model[0];
    int training = s->session->trainer != NULL, n = 0;
    if (m0->cfg.arch == VAE_ARCH_CONV) snprintf(tok[n++], 64, "conv (Keras's VAE)");
    snprintf(tok[n++], 64, "%s", vae_likelihood_name(m0->cfg.likelihood));
    /* grey pixels: no reconstruction gets a Bernoulli likelihood's loss to 0 */
    if (m0->cfg.likelihood == VAE_LIK_BERNOULLI && s->session->bce_floor > 0)
        snprintf(tok[n++], 64, "BCE floor %.1f (grey pixels)", s->session->bce_floor);
    if (app_is_vae(m0)) {
        const AppModelInfo *in = &snap->info[0];
        if (training && in->kl_warmup > 0 && in->beta_eff < in->beta)
            snprintf(tok[n++], 64, "beta %.3g (warm-up: %.3g)", in->beta, in->beta_eff);
        else
            snprintf(tok[n++], 64, "beta %.3g", in->beta);
    }
    if (m0->cfg.flows > 0) snprintf(tok[n++], 64, "flows=planar:%d", m0->cfg.flows);
    if (training) {
        const AppModelInfo *in = &snap->info[0];
        if (in->free_bits > 0)
            snprintf(tok[n++], 64, "KL clipping (free bits) %.3g", in->free_bits);
        if (in->dropout > 0) snprintf(tok[n++], 64, "dropout %.3g", in->dropout);
        snprintf(tok[n++], 64, "lr %.1e", in->lr);
        snprintf(tok[n++], 64, "speed %s", app_trainer_speed_name(snap->speed));
        snprintf(tok[n++], 64, "latents@%lld", (long long)snap->latents_step);
    }
    return n;
}

/* The status in r (draw), or its height (measure). */
static int status(const AppDraw *d, SDL_Rect r, int draw) {
    const AppState *s = d->s;
    const AppSnapshot *snap = s->snap;
    AppGfx *g = d->g;
    int lh = app_text_line(&g->text, APP_FONT_MONO), x = r.x, y = r.y, w = r.w;
    if (draw) {
        app_text_draw(&g->text, APP_FONT_TITLE, "vae-explorer", x, y, APP_TEXT, APP_ALIGN_LEFT);
        app_text_drawf(&g->text, APP_FONT_NORMAL, x + w, y + app_px(g, 4), APP_DIM, APP_ALIGN_RIGHT,
                       "%s \xc2\xb7 %d %s images", s->session->ds.name, s->session->shown->n,
                       s->session->shown == &s->session->ds.train ? "training" : "test");
    }
    y += app_text_line(&g->text, APP_FONT_TITLE) + app_px(g, 6);
    if (!snap) {
        if (draw)
            app_text_draw(&g->text, APP_FONT_MONO, "starting...", x, y, APP_DIM, APP_ALIGN_LEFT);
        return y + 4 * lh - r.y + app_px(g, 6);
    }
    if (draw) state_line(g, s, x, y);
    y += lh;
    for (int m = 0; m < snap->n_models; m++, y += lh) {
        if (draw) model_line(g, snap, m, x, y);
        if (!elbo_apart(snap, m)) continue;
        y += lh;
        if (draw) elbo_line(g, snap, m, x, y);
    }
    char tok[12][64];
    y = tokens(g, draw, tok, settings(s, tok), x, y, w);
    for (int m = 0; m < snap->n_models; m++)
        if (snap->lstats[m].valid) y = kl_dims(g, draw, s, m, x, y);
    /* the trainer's last event; the line is kept when empty so the panel does not jump */
    if (snap->message[0])
        y = wrapped(g, draw, snap->message, x, y, w, 2);
    else
        y += app_text_line(&g->text, APP_FONT_SMALL);
    return y - r.y + app_px(g, 6);
}

static int section_height(const AppDraw *d, int width, int avail) {
    (void)avail;
    return status(d, (SDL_Rect){0, 0, width, 0}, 0);
}

static void section_draw(const AppDraw *d, SDL_Rect r) {
    status(d, r, 1);
}

static const AppPanelSection sections[] = {
    {.order = 10, .height = section_height, .draw = section_draw},
};

const AppToolView app_view_train = {
    .sections = sections,
    .n_sections = 1,
};
