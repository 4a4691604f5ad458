/* Interpolation (key L): choose two ends, two test images (click a dot, then another) or
 * two points of a plane (press on one and drag to the other), and each pane's model
 * decodes APP_INTERP_STEPS codes along the path between them. Between two images each
 * model walks between its own codes of the same two images (a smooth latent space decodes
 * to plausible digits all the way); between two points each pane takes those coordinates
 * on its axes, the other dimensions at the pane's base. Shift+L switches between a linear
 * and a spherical path (slerp: above 2 dimensions a linear path cuts through the prior's
 * low-density middle). */
#include <string.h>

#include "interp.h"
#include "latent_ops.h"
#include "tool.h"

static int key(AppInterp *it, AppState *s, int k, int mods) {
    if (k != 'l') return 0;
    if (!(mods & APP_MOD_SHIFT)) {
        it->on = !it->on;
        if (it->on) s->left_tool = it;
        if (!it->on && s->left_tool == it) s->left_tool = NULL;
        if (it->on && it->n_ends < 2)
            app_toast(s, 0, "interpolation: click a dot, then another (or drag across a plane)");
        s->layout_dirty = 1;
        return 1;
    }
    it->spherical = !it->spherical; /* Shift+L */
    int any = 0;                    /* a pane whose path can be spherical */
    for (int i = 0; i < s->n_panes; i++) {
        const VaeModel *m = app_pane_model(s, &s->pane[i]);
        any |= m && m->cfg.latent > 2;
    }
    if (it->spherical && !any)
        app_toast(s, 1, "spherical paths need more than 2 latent dimensions: linear here");
    else
        app_toast(s, 0, "interpolation: %s path", it->spherical ? "spherical" : "linear");
    return 1;
}

/* A click on a dot: the start, or the end when only the start is set. */
static void click(AppInterp *it, AppState *s) {
    int i = app_dot_at(s, it->gesture.x, it->gesture.y);
    if (i < 0) {
        app_toast(s, 1, "interpolation: click on a dot (or drag between two points)");
        return;
    }
    if (it->ends == APP_ENDS_IMAGES && it->n_ends == 1) {
        it->idx[1] = i, it->n_ends = 2;
        return;
    }
    it->ends = APP_ENDS_IMAGES, it->idx[0] = i, it->n_ends = 1;
}

/* A drag: from the press to the pointer, in the coordinates of the pane's view. */
static void drag(AppInterp *it, const AppState *s) {
    const AppGesture *g = &it->gesture;
    const AppPane *p = &s->pane[g->pane];
    it->pt[0][0] = (float)app_view_zx(&p->view, p->rect, g->x0 + 0.5);
    it->pt[0][1] = (float)app_view_zy(&p->view, p->rect, g->y0 + 0.5);
    it->pt[1][0] = (float)app_view_zx(&p->view, p->rect, g->x + 0.5);
    it->pt[1][1] = (float)app_view_zy(&p->view, p->rect, g->y + 0.5);
    it->ends = APP_ENDS_POINTS, it->n_ends = 2;
}

static int input(void *self, AppState *s, const AppInput *in) {
    AppInterp *it = self;
    if (in->kind == APP_IN_KEY) return key(it, s, in->key, in->mods);
    if (!it->on || s->left_tool != it) return 0;
    switch (app_gesture_input(&it->gesture, s, in)) {
    case APP_GESTURE_PRESS: return 1;
    case APP_GESTURE_DRAG: /* the path follows the pointer: other tools follow it too */
        drag(it, s);
        s->redraw |= APP_REDRAW_ALL;
        return 0;
    case APP_GESTURE_DROP: drag(it, s); return 1;
    case APP_GESTURE_CLICK: click(it, s); return 1;
    default: return 0;
    }
}

/* End k's code (L) on pane p: its model's code of the image, or the point on the pane's
 * axes with the other dimensions at its base. 0, or -1 for an image not shown. */
static int end_code(const AppInterp *it, const AppState *s, const AppPane *p, int k, float *z) {
    int L = s->snap->model[p->model].cfg.latent;
    if (it->ends == APP_ENDS_IMAGES) {
        if (it->idx[k] < 0 || it->idx[k] >= s->snap->n_points) return -1;
        app_image_code(s, p->model, it->idx[k], z);
        return 0;
    }
    memcpy(z, p->base, (size_t)L * sizeof *z);
    z[p->ax[0]] = it->pt[k][0], z[p->ax[1]] = it->pt[k][1];
    return 0;
}

/* The path (steps, L) from z0 to z1 of the kind chosen (linear where L is 2 or less). */
static VaeStatus path(const AppInterp *it, const float *z0, const float *z1, int L, int steps,
                      float *out) {
    char err[VAE_ERR_LEN];
    VaePathKind kind = it->spherical && L > 2 ? VAE_PATH_SPHERICAL : VAE_PATH_LINEAR;
    return vae_latent_path(z0, z1, L, steps, kind, out, err);
}

/* The finer path's projection on the pane's axes, for drawing. */
static void trace(AppInterpPane *ip, const AppInterp *it, const float *z0, const float *z1,
                  const AppPane *p, int L) {
    float fine[APP_INTERP_CURVE * VAE_MAX_LATENT];
    if (path(it, z0, z1, L, APP_INTERP_CURVE, fine) != VAE_OK) return;
    for (int k = 0; k < APP_INTERP_CURVE; k++) {
        ip->curve[k][0] = fine[(size_t)k * L + p->ax[0]];
        ip->curve[k][1] = fine[(size_t)k * L + p->ax[1]];
    }
    ip->ax[0] = p->ax[0], ip->ax[1] = p->ax[1];
}

/* Pane i's path and its decodes, redone only when the path, the model, the snapshot or
 * the class changed (the decodes as app_decode_due says). */
static void update_pane(AppInterp *it, AppState *s, int i) {
    const AppPane *p = &s->pane[i];
    const VaeModel *m = app_pane_model(s, p);
    AppInterpPane *ip = &it->pane[i];
    int L = m->cfg.latent, sph = it->spherical && L > 2;
    float z0[VAE_MAX_LATENT], z1[VAE_MAX_LATENT], z[APP_INTERP_STEPS * VAE_MAX_LATENT];
    if (end_code(it, s, p, 0, z0) != 0 || end_code(it, s, p, 1, z1) != 0 ||
        path(it, z0, z1, L, APP_INTERP_STEPS, z) != VAE_OK) {
        ip->valid = 0;
        return;
    }
    size_t bytes = (size_t)APP_INTERP_STEPS * L * sizeof *z;
    int same_path = ip->valid && ip->L == L && ip->spherical == sph && !memcmp(ip->z, z, bytes) &&
                    ip->ax[0] == p->ax[0] && ip->ax[1] == p->ax[1];
    if (same_path && ip->seq == s->snap->seq && ip->model == p->model && ip->cls == s->cls) return;
    if (!same_path) { /* the path on the plane: drawn only in whole frames */
        trace(ip, it, z0, z1, p, L);
        memcpy(ip->z, z, bytes);
        ip->L = L, ip->spherical = sph;
        s->redraw |= APP_REDRAW_ALL;
    }
    if (ip->valid && !app_decode_due(s, m, APP_INTERP_STEPS, ip->seq)) return;
    uint8_t labels[APP_INTERP_STEPS];
    memset(labels, s->cls, sizeof labels);
    vae_model_decode(m, &s->ws[p->model], ip->z, m->cfg.kind == VAE_KIND_CVAE ? labels : NULL,
                     APP_INTERP_STEPS, ip->probs);
    ip->valid = 1;
    ip->seq = s->snap->seq, ip->model = p->model, ip->cls = s->cls;
    ip->version++;
    s->redraw |= APP_REDRAW_DOCK; /* the strip */
}

static void update(void *self, AppState *s) {
    AppInterp *it = self;
    if (!it->on) return;
    if (!s->left_tool) s->left_tool = it; /* given back by the tool turned off */
    if (!s->snap || it->n_ends < 2) return;
    for (int i = 0; i < s->n_panes; i++)
        if (app_pane_model(s, &s->pane[i])) update_pane(it, s, i);
}

static const AppHelpLine help[] = {
    {"L", "decodes along a path from one end to the other"},
    {"Shift+L", "its path: linear / spherical (latent > 2)"},
    {"click, click (L)", "the ends: two test images"},
    {"left drag (L)", "the ends: two points of the plane"},
};

const AppTool app_tool_interp = {
    .name = "interp",
    .title = "Interpolation",
    .size = sizeof(AppInterp),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .input = input,
    .update = update,
};
