/* The shared state's few functions (see state.h). */
#include "state.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

#define TOAST_S 4.0
#define DOT_PT 5.0 /* how near a dot the pointer must be to hover it, points */

void app_state_init(AppState *s, const AppOptions *o, AppSession *session) {
    memset(s, 0, sizeof *s);
    s->opt = o;
    s->session = session;
    s->hover = -1;
    s->u = 1;
    s->n_panes = 1;
    for (int i = 0; i < APP_MAX_PANES; i++) {
        s->pane[i].model = i;
        s->pane[i].ax[0] = 0, s->pane[i].ax[1] = 1;
    }
    s->pane[0].model = 0;
    s->layout_dirty = 1;
}

void app_state_free(AppState *s) {
    for (int m = 0; m < APP_MAX_MODELS; m++)
        vae_workspace_free(&s->ws[m]);
    app_snapshot_free(s->live);
    s->snap = s->live = NULL;
}

/* The decode workspaces follow the shown snapshot's model shapes (sized for a batch). */
static int fit_workspaces(AppState *s) {
    char err[VAE_ERR_LEN];
    for (int m = 0; s->snap && m < s->snap->n_models; m++)
        if (s->ws[m].max_batch == 0 &&
            vae_workspace_init(&s->ws[m], &s->snap->model[m], APP_DECODE_BATCH, err) != VAE_OK)
            return -1;
    return 0;
}

int app_state_show(AppState *s, const AppSnapshot *past) {
    AppSnapshot *snap = past ? (AppSnapshot *)past : s->live;
    s->past = past;
    s->fresh |= snap != s->snap || past; /* a past snapshot shown again was rebuilt */
    s->snap = snap;
    return fit_workspaces(s);
}

int app_state_take_snapshot(AppState *s) {
    AppSnapshot *snap = app_box_take(&s->session->box, s->live);
    s->fresh = 0;
    s->refresh_flops = APP_REFRESH_FLOPS;
    if (snap == s->live) return 0;
    s->live = snap;
    if (!s->past) s->snap = snap, s->fresh = 1;
    if (snap->n_events != s->events_seen && snap->message[0]) /* also for logs and tests */
        fprintf(stderr, "vae-explorer: trainer: %s\n", snap->message);
    s->events_seen = snap->n_events;
    if (snap->saves != s->saves_seen) { /* the trainer saved (S) */
        s->saves_seen = snap->saves;
        app_toast(s, snap->save_failed, "%s", snap->save_msg);
    }
    return fit_workspaces(s);
}

int app_decode_due(AppState *s, const VaeModel *m, int n, uint64_t cached_seq) {
    if (s->past || app_user_frame(s)) return 1;
    if (s->fresh) return 0;
    if (s->refresh_flops <= 0 && cached_seq + 1 >= s->snap->seq) return 0;
    s->refresh_flops -= n * vae_model_decode_flops(m);
    return 1;
}

void app_redraw_rect(AppState *s, AppRect r) {
    if (s->n_redraw_rects == APP_MAX_REDRAW_RECTS) {
        s->redraw |= APP_REDRAW_ALL;
        return;
    }
    s->redraw_rect[s->n_redraw_rects++] = r;
    s->redraw |= APP_REDRAW_RECTS;
}

double app_refresh_budget(const AppState *s) {
    return s->fresh && !s->past ? 0 : s->refresh_flops > 0 ? s->refresh_flops : 0;
}

void app_state_use_encoders(AppState *s, int on) {
    int before = s->encoder_users > 0;
    s->encoder_users += on ? 1 : -1;
    if (s->encoder_users < 0) s->encoder_users = 0;
    int now = s->encoder_users > 0;
    if (now != before) app_trainer_want_encoders(s->session->trainer, now);
}

void app_toast(AppState *s, int error, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->toast.text, sizeof s->toast.text, fmt, ap);
    va_end(ap);
    s->toast.error = error;
    s->toast.until = vae_now() + TOAST_S;
    s->toast.seq++;
}

int app_pane_at(const AppState *s, int x, int y) {
    for (int i = 0; i < s->n_panes; i++) {
        const AppRect *r = &s->pane[i].rect;
        if (x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h) return i;
    }
    return -1;
}

void app_pane_point(const AppState *s, const AppPane *p, int i, double *px, double *py) {
    int L = s->snap->model[p->model].cfg.latent;
    const float *mu = s->snap->mu[p->model] + (size_t)i * L;
    *px = app_view_px(&p->view, p->rect, mu[p->ax[0]]);
    *py = app_view_py(&p->view, p->rect, mu[p->ax[1]]);
}

int app_dot_at(const AppState *s, int x, int y) {
    int pane = app_pane_at(s, x, y);
    if (!s->snap || pane < 0 || !app_pane_model(s, &s->pane[pane])) return -1;
    int best = -1;
    double rad = DOT_PT * s->u, best_d2 = rad * rad;
    for (int i = 0; i < s->snap->n_points; i++) {
        double px, py;
        app_pane_point(s, &s->pane[pane], i, &px, &py);
        double dx = px - (x + 0.5), dy = py - (y + 0.5), d2 = dx * dx + dy * dy;
        if (d2 < best_d2) best_d2 = d2, best = i;
    }
    return best;
}

void app_image_code(const AppState *s, int model, int i, float *z) {
    const VaeModel *m = &s->snap->model[model];
    int L = m->cfg.latent;
    memcpy(z, s->snap->mu[model] + (size_t)i * L, (size_t)L * sizeof *z);
    vae_flow_apply(m, z, 1, NULL); /* nothing without flows */
}

const uint8_t *app_decode_label(const VaeModel *m, int cls, uint8_t *buf) {
    if (m->cfg.kind != VAE_KIND_CVAE) return NULL;
    *buf = (uint8_t)cls;
    return buf;
}

/* The kind, and "conv" for the convolutional architecture: an MLP and a conv VAE side by
 * side must not both be "VAE". */
const char *app_config_name(const VaeConfig *c) {
    int conv = c->arch == VAE_ARCH_CONV;
    switch (c->kind) {
    case VAE_KIND_AE: return conv ? "conv AE" : "AE";
    case VAE_KIND_CVAE: return conv ? "conv CVAE" : "CVAE";
    case VAE_KIND_PCA: return "PCA";
    default: return conv ? "conv VAE" : "VAE";
    }
}

const char *app_model_name(const VaeModel *m) {
    return m ? app_config_name(&m->cfg) : "-";
}

const char *app_snap_label(const AppSnapshot *snap, int m) {
    if (!snap || m < 0 || m >= snap->n_models) return "-";
    return snap->info[m].label[0] ? snap->info[m].label : app_model_name(&snap->model[m]);
}

void app_pane_title(const AppState *s, const AppPane *p, char *buf, size_t len) {
    snprintf(buf, len, "%s latent plane", s->snap ? app_snap_label(s->snap, p->model) : "VAE");
}
