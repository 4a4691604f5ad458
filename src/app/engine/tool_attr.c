/* Attribute vectors (key V): a start group and an end group of test images, each a class
 * (arrow keys: left/right the start's, up/down the end's) or the dots inside a box
 * dragged on a plane (the first box the start, the next the end); on each pane's model
 * v = mean(end) - mean(start) of its own codes of them, and v added to the hovered (or a
 * clicked, held) image's code: z + t v for t from 0 to 1.5, decoded ("this 3, made more
 * like an 8"). The groups start as 3 -> 8. */
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "latent_ops.h"
#include "tool.h"

static int init(void *self, AppState *s) {
    (void)s;
    AppAttr *a = self;
    a->held = a->img = -1;
    for (int i = 0; i < APP_MAX_PANES; i++)
        a->pane[i].img = -1;
    return 0;
}

static void attr_free(void *self) {
    AppAttr *a = self;
    for (int k = 0; k < 2; k++)
        free(a->group[k].mask);
    for (int i = 0; i < APP_MAX_PANES; i++)
        free(a->pane[i].codes);
}

static void set_class(AppAttr *a, int k, int cls) {
    a->group[k].kind = APP_GROUP_CLASS, a->group[k].cls = cls;
    a->groups_version++;
}

static void toggle(AppAttr *a, AppState *s) {
    a->on = !a->on;
    if (!a->on) {
        if (s->left_tool == a) s->left_tool = NULL;
        a->held = -1;
    } else {
        s->left_tool = a;
        if (a->groups_version == 0) { /* the first time: "this 3, made more like an 8" */
            int classes = s->session->ds.classes;
            set_class(a, 0, classes > 8 ? 3 : 0);
            set_class(a, 1, classes > 8 ? 8 : classes > 1 ? 1 : 0);
        }
    }
    s->layout_dirty = 1;
}

/* The arrow keys: the start's class (left / right) or the end's (down / up), one on. */
static int arrow(AppAttr *a, AppState *s, int key) {
    int k = key == APP_KEY_LEFT || key == APP_KEY_RIGHT ? 0 : 1;
    int step = key == APP_KEY_RIGHT || key == APP_KEY_UP ? 1 : -1;
    int n = s->session->ds.classes > 0 ? s->session->ds.classes : 1;
    int c = a->group[k].kind == APP_GROUP_CLASS ? a->group[k].cls + step : a->group[k].cls;
    set_class(a, k, (c % n + n) % n);
    a->next = 1 - k; /* a box drawn next sets the other group */
    return 1;
}

static int key(AppAttr *a, AppState *s, int k) {
    if (k == 'v') {
        toggle(a, s);
        return 1;
    }
    if (!a->on || (k != APP_KEY_LEFT && k != APP_KEY_RIGHT && k != APP_KEY_UP && k != APP_KEY_DOWN))
        return 0;
    return arrow(a, s, k);
}

/* Which dots of pane p are inside the gesture's box: mask (n) and the count. */
static int dots_in_box(const AppState *s, const AppPane *p, const AppGesture *g, uint8_t *mask) {
    int x0 = g->x0 < g->x ? g->x0 : g->x, x1 = g->x0 < g->x ? g->x : g->x0;
    int y0 = g->y0 < g->y ? g->y0 : g->y, y1 = g->y0 < g->y ? g->y : g->y0, count = 0;
    for (int i = 0; i < s->snap->n_points; i++) {
        double px, py;
        app_pane_point(s, p, i, &px, &py);
        mask[i] = px >= x0 && px < x1 + 1 && py >= y0 && py < y1 + 1;
        count += mask[i];
    }
    return count;
}

/* A box dropped: the images whose dots in that pane are inside it make the next group. */
static void drop_box(AppAttr *a, AppState *s) {
    const AppGesture *g = &a->gesture;
    const AppPane *p = &s->pane[g->pane];
    if (!app_pane_model(s, p)) return;
    uint8_t *mask = malloc((size_t)s->snap->n_points + 1);
    int count = mask ? dots_in_box(s, p, g, mask) : 0;
    if (count == 0) {
        free(mask);
        app_toast(s, 1, "attribute vector: no test image in that box");
        return;
    }
    int k = a->next;
    AppGroup *gr = &a->group[k];
    free(gr->mask);
    gr->mask = mask, gr->kind = APP_GROUP_BOX, gr->pane = g->pane;
    gr->ax[0] = p->ax[0], gr->ax[1] = p->ax[1];
    gr->box[0] = (float)app_view_zx(&p->view, p->rect, g->x0 + 0.5);
    gr->box[1] = (float)app_view_zy(&p->view, p->rect, g->y0 + 0.5);
    gr->box[2] = (float)app_view_zx(&p->view, p->rect, g->x + 0.5);
    gr->box[3] = (float)app_view_zy(&p->view, p->rect, g->y + 0.5);
    a->groups_version++;
    a->next = 1 - k;
    app_toast(s, 0, "attribute vector: the %s group is the %d images in the box%s",
              k == 0 ? "start" : "end", count, k == 0 ? " (now drag the end's)" : "");
}

/* A click on a dot holds that image (v is applied to it); again, or off the dots, lets
 * go (back to the hovered image). */
static void click(AppAttr *a, AppState *s) {
    int i = app_dot_at(s, a->gesture.x, a->gesture.y);
    a->held = i >= 0 && i != a->held ? i : -1;
}

static int input(void *self, AppState *s, const AppInput *in) {
    AppAttr *a = self;
    if (in->kind == APP_IN_KEY) return key(a, s, in->key);
    if (!a->on || s->left_tool != a) return 0;
    switch (app_gesture_input(&a->gesture, s, in)) {
    case APP_GESTURE_PRESS: return 1;
    case APP_GESTURE_DRAG: s->redraw |= APP_REDRAW_ALL; return 0; /* the box follows */
    case APP_GESTURE_DROP: drop_box(a, s); return 1;
    case APP_GESTURE_CLICK: click(a, s); return 1;
    default: return 0;
    }
}

/* ---- per pane: the means and v of its model's codes, and v applied -------------------- */

/* The model's codes of every shown image (n, L): its mu, or with flows the flowed means
 * (computed into ap->codes). NULL out of memory. */
static const float *model_codes(AppAttrPane *ap, const AppState *s, int model) {
    const VaeModel *m = &s->snap->model[model];
    size_t n = (size_t)s->snap->n_points, L = (size_t)m->cfg.latent;
    if (m->cfg.flows == 0) return s->snap->mu[model];
    float *c = realloc(ap->codes, n * L * sizeof *c);
    if (!c) return NULL;
    ap->codes = c;
    memcpy(c, s->snap->mu[model], n * L * sizeof *c);
    vae_flow_apply(m, c, (int)n, NULL);
    return c;
}

static int group_mean(const AppGroup *g, const AppState *s, const float *codes, int L,
                      float *mean) {
    int n = s->snap->n_points;
    if (g->kind == APP_GROUP_CLASS)
        return vae_latent_mean_class(codes, s->session->shown->labels, n, L, g->cls, mean);
    return g->mask ? vae_latent_mean_mask(codes, g->mask, n, L, mean) : 0;
}

static void update_means(AppAttrPane *ap, const AppAttr *a, AppState *s, const AppPane *p) {
    if (ap->means_valid && ap->latents_seq == s->snap->latents_seq && ap->means_model == p->model &&
        ap->groups_version == a->groups_version)
        return;
    int L = s->snap->model[p->model].cfg.latent;
    const float *codes = model_codes(ap, s, p->model);
    if (!codes) return;
    for (int k = 0; k < 2; k++)
        ap->count[k] = group_mean(&a->group[k], s, codes, L, ap->mean[k]);
    vae_latent_attribute(ap->mean[0], ap->mean[1], L, ap->v);
    ap->L = L, ap->means_valid = 1, ap->means_version++;
    ap->latents_seq = s->snap->latents_seq, ap->means_model = p->model;
    ap->groups_version = a->groups_version;
    s->redraw |= APP_REDRAW_ALL; /* the arrow moved */
}

/* The image's code plus t v, decoded when the image, v, the snapshot or the class changed. */
static void update_strip(AppAttrPane *ap, const AppAttr *a, AppState *s, const AppPane *p) {
    const VaeModel *m = &s->snap->model[p->model];
    if (a->img < 0 || a->img >= s->snap->n_points || !ap->means_valid || !ap->count[0] ||
        !ap->count[1]) {
        ap->strip_valid = 0;
        return;
    }
    if (ap->strip_valid && ap->img == a->img && ap->strip_means == ap->means_version &&
        ap->seq == s->snap->seq && ap->model == p->model && ap->cls == s->cls)
        return;
    if (ap->strip_valid && !app_decode_due(s, m, APP_ATTR_STEPS, ap->seq)) return;
    float z0[VAE_MAX_LATENT];
    char err[VAE_ERR_LEN];
    app_image_code(s, p->model, a->img, z0);
    if (vae_latent_attribute_path(z0, ap->v, ap->L, VAE_ATTRIBUTE_T_MAX, APP_ATTR_STEPS, ap->z,
                                  err) != VAE_OK) {
        ap->strip_valid = 0;
        return;
    }
    uint8_t labels[APP_ATTR_STEPS];
    memset(labels, s->cls, sizeof labels);
    vae_model_decode(m, &s->ws[p->model], ap->z, m->cfg.kind == VAE_KIND_CVAE ? labels : NULL,
                     APP_ATTR_STEPS, ap->probs);
    ap->img = a->img, ap->strip_means = ap->means_version, ap->strip_valid = 1;
    ap->seq = s->snap->seq, ap->model = p->model, ap->cls = s->cls;
    ap->version++;
    s->redraw |= APP_REDRAW_CURSOR; /* the dock's strip and the image's path on the plane */
}

static void update(void *self, AppState *s) {
    AppAttr *a = self;
    if (!a->on) return;
    if (!s->left_tool) s->left_tool = a; /* given back by the tool that had it */
    if (!s->snap) return;
    a->img = a->held >= 0 ? a->held : s->hover;
    for (int i = 0; i < s->n_panes; i++) {
        if (!app_pane_model(s, &s->pane[i])) continue;
        update_means(&a->pane[i], a, s, &s->pane[i]);
        update_strip(&a->pane[i], a, s, &s->pane[i]);
    }
}

static const AppHelpLine help[] = {
    {"V", "v = mean(end group) - mean(start group)"},
    {"\xe2\x86\x90 \xe2\x86\x92", "the start group's class (V)"},
    {"\xe2\x86\x93 \xe2\x86\x91", "the end group's class (V)"},
    {"drag a box (V)", "the dots in it: the start group, then the end"},
    {"click a dot (V)", "add v to it (again: to the hovered one)"},
};

const AppTool app_tool_attr = {
    .name = "attr",
    .title = "Attribute vectors",
    .size = sizeof(AppAttr),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .init = init,
    .free = attr_free,
    .input = input,
    .update = update,
};
