/* The explorer's tools without a window: a session on a tiny synthetic dataset, a
 * snapshot of two small models (a VAE and an AE), the engine's tools run through a
 * toolbox with input as the front would send it, and each tool's state checked against
 * the library: the view fits and follows the wheel and drags, the cursor decodes what the
 * model decodes, hovering finds the image and reconstructs it, compare switches panes,
 * the grid decodes its tiles, and the window's keys do what they say. */
#include <math.h>
#include <string.h>

#include "attr.h"
#include "check.h"
#include "cursor.h"
#include "density.h"
#include "grid.h"
#include "hover.h"
#include "interp.h"
#include "latent_ops.h"
#include "prior.h"
#include "rng.h"
#include "tool_list.h"
#include "toolbox.h"
#include "traverse.h"

#define DECLARE(n) extern const AppTool app_tool_##n;
APP_TOOLS(DECLARE)
#define TOOL(n) &app_tool_##n,
static const AppTool *const all_tools[] = {APP_TOOLS(TOOL)};
#define N_TOOLS ((int)(sizeof all_tools / sizeof *all_tools))

#define N_TEST 64
#define SIDE 8

static void make_split(VaeSplit *s, int n, uint64_t seed) {
    VaeRng r;
    vae_rng_seed(&r, seed, 7);
    s->n = n, s->rows = SIDE, s->cols = SIDE;
    s->images = malloc((size_t)n * SIDE * SIDE);
    s->labels = malloc((size_t)n);
    for (int i = 0; i < n; i++) {
        s->labels[i] = (uint8_t)(i % 2);
        for (int p = 0; p < SIDE * SIDE; p++)
            s->images[i * SIDE * SIDE + p] = (uint8_t)vae_rng_below(&r, 256);
    }
}

typedef struct {
    AppOptions opt;
    AppSession session;
    AppState s;
    AppToolbox box;
    VaeModel model[2];
} World;

/* A session with a published snapshot of a VAE and an AE of `latent` dimensions (their
 * latents spread out), the state with one 400 x 300 pane at (100, 50), and the tools. */
static void world_open(World *w, int latent) {
    memset(w, 0, sizeof *w);
    char err[VAE_ERR_LEN];
    AppSession *se = &w->session;
    app_box_init(&se->box);
    make_split(&se->ds.train, 16, 1);
    make_split(&se->ds.test, N_TEST, 2);
    se->ds.classes = 2;
    snprintf(se->ds.name, sizeof se->ds.name, "synthetic");
    snprintf(se->ds.class_names[0], 24, "0"), snprintf(se->ds.class_names[1], 24, "1");
    se->shown = &se->ds.test;
    se->rows = se->cols = SIDE, se->pixels = SIDE * SIDE, se->n_models = 2;
    VaeConfig c = vae_config_default();
    c.input_h = c.input_w = SIDE, c.n_hidden = 1, c.hidden[0] = 16, c.classes = 2;
    c.latent = latent;
    for (int m = 0; m < 2; m++) {
        c.kind = m == 0 ? VAE_KIND_VAE : VAE_KIND_AE;
        CHECK(vae_model_init(&w->model[m], &c, err) == VAE_OK);
        vae_model_init_params(&w->model[m], 5 + (uint64_t)m);
    }
    const VaeModel *models[2] = {&w->model[0], &w->model[1]};
    AppSnapshot *snap = app_box_acquire(&se->box);
    CHECK(snap && app_snapshot_set_models(snap, models, 2, N_TEST, 1) == 0);
    VaeRng r;
    vae_rng_seed(&r, 3, 3);
    for (int m = 0; m < 2; m++)
        for (int i = 0; i < N_TEST * latent; i++) {
            snap->mu[m][i] = 2.0f * vae_rng_normal(&r);
            snap->lv[m][i] = m == 0 ? -2.0f : 0.0f;
        }
    snap->seq = snap->latents_seq = 1;
    AppSnapshot *unread;
    app_box_publish(&se->box, snap, &unread);
    w->opt.tc = vae_train_config_default();
    app_state_init(&w->s, &w->opt, se);
    w->s.pane[0].rect = (AppRect){100, 50, 400, 300};
    w->s.pane[0].frame = (AppRect){50, 0, 500, 400};
    CHECK(app_state_take_snapshot(&w->s) == 0 && w->s.fresh);
    CHECK(app_toolbox_init(&w->box, all_tools, N_TOOLS, &w->s, err, sizeof err) == 0);
}

static void world_close(World *w) {
    app_toolbox_free(&w->box);
    app_state_free(&w->s);
    app_session_close(&w->session);
    for (int m = 0; m < 2; m++)
        vae_model_free(&w->model[m]);
}

static void send(World *w, AppInputKind kind, int key, int button, int x, int y) {
    AppInput in = {kind, key, 0, button, 1, x, y, 0, NULL};
    app_toolbox_input(&w->box, &w->s, &in);
}

/* A frame, a second after the last (no tool waits for time to pass), as the window's:
 * the input sent before it, the newest snapshot, the tools' updates. */
static void frame(World *w) {
    w->s.now += 1;
    CHECK(app_state_take_snapshot(&w->s) == 0);
    app_toolbox_update(&w->box, &w->s);
    w->s.redraw = 0;
    w->s.frame++;
}

static float max_diff(const float *a, const float *b, int n) {
    float d = 0;
    for (int i = 0; i < n; i++)
        d = fmaxf(d, fabsf(a[i] - b[i]));
    return d;
}

static void test_view_and_cursor(World *w) {
    AppPane *p = &w->s.pane[0];
    frame(w);
    CHECK_MSG(p->view.scale > 0, "the view is fitted on the first update");
    /* every point (but 0.2 % per side: none of 64) and the prior's 3 sigma in view */
    int inside = 0;
    for (int i = 0; i < N_TEST; i++) {
        double px, py;
        app_pane_point(&w->s, p, i, &px, &py);
        inside += px >= p->rect.x && px < p->rect.x + p->rect.w && py >= p->rect.y &&
                  py < p->rect.y + p->rect.h;
    }
    CHECK_MSG(inside == N_TEST, "%d of %d points in the fitted view", inside, N_TEST);
    /* the cursor: the code under the pointer, decoded as the model decodes it */
    send(w, APP_IN_MOVE, 0, 0, 250, 120);
    CHECK(w->s.redraw == APP_REDRAW_CURSOR);
    frame(w);
    AppCursor *cur = app_toolbox_find(&w->box, "cursor");
    double zx = app_view_zx(&p->view, p->rect, 250.5), zy = app_view_zy(&p->view, p->rect, 120.5);
    CHECK(fabs(p->cursor[0] - zx) < 1e-5 && fabs(p->cursor[1] - zy) < 1e-5);
    float want[SIDE * SIDE], z[2] = {(float)zx, (float)zy};
    vae_model_decode(&w->s.snap->model[0], &w->s.ws[0], z, NULL, 1, want);
    CHECK_MSG(max_diff(cur->pane[0].probs, want, SIDE * SIDE) < 1e-6, "cursor decode");
    unsigned v = cur->pane[0].version;
    frame(w);
    CHECK_MSG(cur->pane[0].version == v, "no re-decode while nothing changed");
    /* the wheel zooms around the pointer: the code under it stays put */
    AppInput wheel = {APP_IN_WHEEL, 0, 0, 0, 0, 0, 0, 2, NULL};
    double scale = p->view.scale;
    app_toolbox_input(&w->box, &w->s, &wheel);
    CHECK(p->view.user && fabs(p->view.scale / scale - 1.44) < 1e-9);
    CHECK(fabs(app_view_zx(&p->view, p->rect, 250.5) - zx) < 1e-9 &&
          fabs(app_view_zy(&p->view, p->rect, 120.5) - zy) < 1e-9);
    /* a right drag pans by the pointer's path */
    double cx = p->view.cx;
    send(w, APP_IN_PRESS, 0, APP_BUTTON_RIGHT, 300, 200);
    send(w, APP_IN_MOVE, 0, 0, 340, 200);
    CHECK(w->s.redraw & APP_REDRAW_ALL);
    send(w, APP_IN_RELEASE, 0, APP_BUTTON_RIGHT, 340, 200);
    CHECK(fabs(p->view.cx - (cx - 40 / p->view.scale)) < 1e-9);
    /* a double click fits again */
    AppInput dbl = {APP_IN_PRESS, 0, 0, APP_BUTTON_LEFT, 2, 300, 200, 0, NULL};
    app_toolbox_input(&w->box, &w->s, &dbl);
    frame(w);
    CHECK(!p->view.user && fabs(p->view.scale - scale) < 1e-9);
}

static void test_hover(World *w) {
    AppPane *p = &w->s.pane[0];
    AppHover *hv = app_toolbox_find(&w->box, "hover");
    double px, py;
    app_pane_point(&w->s, p, 7, &px, &py);
    send(w, APP_IN_MOVE, 0, 0, (int)px, (int)py);
    frame(w);
    CHECK_MSG(w->s.hover >= 0, "a dot under the pointer is hovered");
    int i = w->s.hover;
    float want[SIDE * SIDE];
    vae_model_decode(&w->s.snap->model[0], &w->s.ws[0], w->s.snap->mu[0] + 2 * i, NULL, 1, want);
    CHECK_MSG(max_diff(hv->pane[0].recon, want, SIDE * SIDE) < 1e-6, "reconstruction of %d", i);
    CHECK(hv->pane[0].post_valid && hv->pane[0].post_idx == i);
    /* the samples spread around mu with sigma exp(-1) */
    double m0 = 0, s0 = 0;
    for (int k = 0; k < APP_POST_SAMPLES; k++)
        m0 += hv->pane[0].zk[2 * k] / APP_POST_SAMPLES;
    for (int k = 0; k < APP_POST_SAMPLES; k++)
        s0 += pow(hv->pane[0].zk[2 * k] - m0, 2) / APP_POST_SAMPLES;
    CHECK_MSG(fabs(m0 - w->s.snap->mu[0][2 * i]) < 0.1 && fabs(sqrt(s0) - exp(-1.0)) < 0.08,
              "posterior samples mean %.3f sd %.3f", m0, sqrt(s0));
    send(w, APP_IN_LEAVE, 0, 0, 0, 0);
    frame(w);
    CHECK(w->s.hover == -1);
}

static void test_compare(World *w) {
    send(w, APP_IN_KEY, 'a', 0, 0, 0);
    CHECK(w->s.n_panes == 1 && w->s.pane[0].model == 1 && w->s.layout_dirty);
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    CHECK(w->s.n_panes == 2 && w->s.pane[0].model == 0 && w->s.pane[1].model == 1);
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    CHECK_MSG(w->s.n_panes == 1 && w->s.pane[0].model == 1, "back to the model shown before");
    send(w, APP_IN_KEY, 'a', 0, 0, 0);
    CHECK(w->s.pane[0].model == 0 && w->s.pane[0].view.scale == 0);
    frame(w);
    /* the same z in both panes: the pointer's code in pane 1 is pane 2's cursor */
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    w->s.pane[1].rect = (AppRect){600, 50, 400, 300};
    send(w, APP_IN_KEY, 'b', 0, 0, 0);
    CHECK(w->s.same_z);
    send(w, APP_IN_MOVE, 0, 0, 200, 150);
    frame(w);
    CHECK_MSG(!memcmp(w->s.pane[0].cursor, w->s.pane[1].cursor, sizeof w->s.pane[0].cursor),
              "pane 2 decodes (%g, %g), pane 1 (%g, %g)", w->s.pane[1].cursor[0],
              w->s.pane[1].cursor[1], w->s.pane[0].cursor[0], w->s.pane[0].cursor[1]);
    AppCursor *cur = app_toolbox_find(&w->box, "cursor");
    float want[SIDE * SIDE];
    vae_model_decode(&w->s.snap->model[1], &w->s.ws[1], w->s.pane[0].cursor, NULL, 1, want);
    CHECK(max_diff(cur->pane[1].probs, want, SIDE * SIDE) < 1e-6);
    send(w, APP_IN_KEY, 'b', 0, 0, 0);
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    frame(w);
}

/* A new snapshot of n models: the world's VAE and AE, then copies of the VAE as forks of
 * model 0 (their latents the VAE's). */
static void publish_forks(World *w, int n) {
    const VaeModel *models[APP_MAX_MODELS];
    for (int m = 0; m < n; m++)
        models[m] = &w->model[m == 1];
    AppSnapshot *snap = app_box_acquire(&w->session.box);
    CHECK(snap && app_snapshot_set_models(snap, models, n, N_TEST, 1) == 0);
    int latent = w->model[0].cfg.latent;
    for (int m = 0; m < n; m++) {
        memcpy(snap->mu[m], w->s.snap->mu[m == 1], sizeof(float) * N_TEST * latent);
        memcpy(snap->lv[m], w->s.snap->lv[m == 1], sizeof(float) * N_TEST * latent);
        snap->info[m].fork_of = m >= 2 ? 0 : -1;
    }
    snap->seq = snap->latents_seq = w->s.live->seq + 1;
    AppSnapshot *unread;
    app_box_publish(&w->session.box, snap, &unread); /* the next frame takes it */
}

/* The --fork models of the launch join the panes of C as the trainer makes them; a fork
 * made later from the window goes beside its parent. */
static void test_forks_join(World *w) {
    w->session.n_models = 3; /* the VAE, the AE and one --fork */
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    CHECK(w->s.n_panes == 2);
    publish_forks(w, 3);
    frame(w);
    CHECK(w->s.snap->n_models == 3);
    CHECK_MSG(w->s.n_panes == 3 && w->s.pane[0].model == 0 && w->s.pane[2].model == 2,
              "the launch's fork joins the panes: %d panes, the first shows model %d", w->s.n_panes,
              w->s.pane[0].model);
    publish_forks(w, 4);
    frame(w);
    CHECK(w->s.snap->n_models == 4);
    CHECK_MSG(w->s.n_panes == 2 && w->s.pane[0].model == 0 && w->s.pane[1].model == 3,
              "a fork from the window beside its parent: %d panes", w->s.n_panes);
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    CHECK(w->s.n_panes == 1);
    frame(w);
}

/* The prior's strips after a new snapshot: kept in the frame that brings it (which redraws
 * the planes), decoded again over the next ones, at most APP_REFRESH_FLOPS of such decodes
 * a frame after the first; what the user asks for is decoded at once. */
static void test_refresh_spread(World *w) {
    AppPrior *pr = app_toolbox_find(&w->box, "prior");
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    send(w, APP_IN_KEY, 'z', 0, 0, 0);
    frame(w);
    CHECK(w->s.n_panes == 2 && pr->pane[0].valid && pr->pane[1].valid);
    uint64_t old = w->s.snap->seq;
    publish_forks(w, 2);
    frame(w);
    CHECK_MSG(w->s.fresh && w->s.snap->seq == old + 1 && pr->pane[0].seq == old &&
                  pr->pane[1].seq == old,
              "the snapshot's own frame decodes nothing again");
    frame(w);
    CHECK_MSG(pr->pane[0].seq == old + 1, "the next frame decodes the first pane's strip");
    for (int k = 0; k < 4; k++)
        frame(w);
    CHECK(pr->pane[1].seq == old + 1);
    publish_forks(w, 2);
    send(w, APP_IN_KEY, 'z', 0, 0, 0); /* a new draw in the snapshot's frame: at once */
    frame(w);
    CHECK_MSG(w->s.fresh && pr->pane[0].seq == old + 2 && pr->pane[1].seq == old + 2,
              "the user's redraw decodes in its frame");
    /* the budget: the first refresh of a frame whatever its size, then what it leaves, and
     * one a whole snapshot behind regardless */
    const VaeModel *m = &w->s.snap->model[0];
    int big = (int)(APP_REFRESH_FLOPS / vae_model_decode_flops(m)) + 1;
    frame(w);
    CHECK(!w->s.fresh && app_decode_due(&w->s, m, big, w->s.snap->seq - 1));
    CHECK(!app_decode_due(&w->s, m, 1, w->s.snap->seq - 1));
    CHECK(app_decode_due(&w->s, m, 1, w->s.snap->seq - 2));
    AppInput hide = {APP_IN_KEY, 'z', APP_MOD_SHIFT, 0, 0, 0, 0, 0, NULL};
    app_toolbox_input(&w->box, &w->s, &hide);
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    frame(w);
    CHECK(!pr->on && w->s.n_panes == 1);
}

static void test_grid(World *w) {
    AppGrid *g = app_toolbox_find(&w->box, "grid");
    send(w, APP_IN_KEY, 'g', 0, 0, 0);
    CHECK(g->on);
    for (int k = 0; k < 100 && g->job[0].finished == 0; k++)
        frame(w);
    AppGridJob *j = &g->job[0];
    CHECK_MSG(j->finished == 1 && !j->active, "the grid completes in batches");
    CHECK(w->s.scatter_hidden && w->s.hover == -1);
    int t = j->nx * j->ny / 2 + 1;
    float want[SIDE * SIDE];
    vae_model_decode(&w->s.snap->model[0], &w->s.ws[0], j->z + 2 * t, NULL, 1, want);
    CHECK_MSG(max_diff(j->probs + t * SIDE * SIDE, want, SIDE * SIDE) < 1e-6, "tile %d", t);
    /* tiles span the visible region: the first column's x is half a tile from the left */
    CHECK(fabs(j->z[0] - (j->zx0 + 0.5 * (j->zx1 - j->zx0) / j->nx)) < 1e-5);
    frame(w);
    CHECK_MSG(g->job[0].finished == 1 && !g->job[0].active, "nothing changed: no new grid");
    send(w, APP_IN_KEY, 'i', 0, 0, 0);
    for (int k = 0; k < 100 && g->job[0].finished < 2; k++)
        frame(w);
    /* inverse-CDF spacing: tiles evenly spaced in prior probability */
    double c0 = 0.5 * erfc(-j->zx0 / sqrt(2)), c1 = 0.5 * erfc(-j->zx1 / sqrt(2));
    CHECK_MSG(j->finished == 2 &&
                  fabs(j->z[0] - vae_normal_icdf(c0 + 0.5 * (c1 - c0) / j->nx)) < 1e-4,
              "icdf tile at %f", j->z[0]);
    send(w, APP_IN_KEY, 'g', 0, 0, 0);
    frame(w);
    CHECK(!w->s.scatter_hidden);
}

/* A left click at pixel (x, y), as the front sends it. */
static void click_at(World *w, int x, int y) {
    send(w, APP_IN_MOVE, 0, 0, x, y);
    send(w, APP_IN_PRESS, 0, APP_BUTTON_LEFT, x, y);
    send(w, APP_IN_RELEASE, 0, APP_BUTTON_LEFT, x, y);
}

/* A test image from `from` on whose dot in pane 0 a click lands (no other dot nearer). */
static int clickable_dot(World *w, int from, int *x, int *y) {
    for (int i = from; i < N_TEST; i++) {
        double px, py;
        app_pane_point(&w->s, &w->s.pane[0], i, &px, &py);
        *x = (int)floor(px), *y = (int)floor(py);
        if (app_dot_at(&w->s, *x, *y) == i) return i;
    }
    return -1;
}

/* Row k (of n) of probs against the decode of code z by pane p's model. */
static float row_diff(World *w, int p, const float *probs, int k, const float *z) {
    float want[SIDE * SIDE];
    int m = w->s.pane[p].model;
    vae_model_decode(&w->s.snap->model[m], &w->s.ws[m], z, NULL, 1, want);
    return max_diff(probs + k * SIDE * SIDE, want, SIDE * SIDE);
}

/* Interpolation: two clicked images' path starts and ends at each model's own codes of
 * them and is linear between; a drag gives the path between the two points, on every
 * pane's axes. */
static void test_interp(World *w) {
    AppInterp *it = app_toolbox_find(&w->box, "interp");
    AppState *s = &w->s;
    send(w, APP_IN_KEY, 'l', 0, 0, 0);
    CHECK(it->on && s->left_tool == it);
    frame(w);
    int x0, y0, x1, y1, i = clickable_dot(w, 0, &x0, &y0), j = clickable_dot(w, i + 1, &x1, &y1);
    CHECK(i >= 0 && j >= 0);
    click_at(w, x0, y0);
    frame(w);
    CHECK_MSG(it->n_ends == 1 && it->idx[0] == i && !it->pane[0].valid, "the start: %d", i);
    click_at(w, x1, y1);
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    s->pane[1].rect = (AppRect){600, 50, 400, 300};
    frame(w);
    CHECK(it->ends == APP_ENDS_IMAGES && it->n_ends == 2 && it->idx[1] == j);
    const int last = APP_INTERP_STEPS - 1;
    for (int p = 0; p < 2; p++) { /* each model between its own codes of images i and j */
        const float *mu = s->snap->mu[s->pane[p].model];
        float mid[2], t = 3.0f / last;
        for (int d = 0; d < 2; d++)
            mid[d] = (1 - t) * mu[2 * i + d] + t * mu[2 * j + d];
        AppInterpPane *ip = &it->pane[p];
        CHECK_MSG(ip->valid && row_diff(w, p, ip->probs, 0, mu + 2 * i) < 1e-6 &&
                      row_diff(w, p, ip->probs, last, mu + 2 * j) < 1e-6,
                  "pane %d: the ends decode the images' codes", p);
        CHECK_MSG(row_diff(w, p, ip->probs, 3, mid) < 1e-5, "pane %d: a linear path", p);
    }
    unsigned v = it->pane[0].version;
    frame(w);
    CHECK_MSG(it->pane[0].version == v, "no re-decode while nothing changed");
    /* Shift+L: a 2-D latent has no spherical path (a message; the path stays linear) */
    AppInput shift_l = {APP_IN_KEY, 'l', APP_MOD_SHIFT, 0, 0, 0, 0, 0, NULL};
    app_toolbox_input(&w->box, &w->s, &shift_l);
    frame(w);
    CHECK(it->on && it->spherical && !it->pane[0].spherical && s->toast.error);
    app_toolbox_input(&w->box, &w->s, &shift_l);
    /* a drag in pane 0: from the press to the release, on both panes' axes */
    send(w, APP_IN_PRESS, 0, APP_BUTTON_LEFT, 150, 100);
    send(w, APP_IN_MOVE, 0, 0, 200, 150);
    send(w, APP_IN_MOVE, 0, 0, 300, 250);
    send(w, APP_IN_RELEASE, 0, APP_BUTTON_LEFT, 300, 250);
    frame(w);
    const AppPane *p0 = &s->pane[0];
    float a[2] = {(float)app_view_zx(&p0->view, p0->rect, 150.5),
                  (float)app_view_zy(&p0->view, p0->rect, 100.5)};
    float b[2] = {(float)app_view_zx(&p0->view, p0->rect, 300.5),
                  (float)app_view_zy(&p0->view, p0->rect, 250.5)};
    CHECK(it->ends == APP_ENDS_POINTS);
    for (int p = 0; p < 2; p++)
        CHECK_MSG(row_diff(w, p, it->pane[p].probs, 0, a) < 1e-6 &&
                      row_diff(w, p, it->pane[p].probs, last, b) < 1e-6,
                  "pane %d decodes the dragged points", p);
    send(w, APP_IN_KEY, 'l', 0, 0, 0);
    CHECK(!it->on && s->left_tool == NULL);
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    frame(w);
}

/* The mean of pane p's model's codes of the images whose dots in pane 0 are inside the box
 * (x0, y0)-(x1, y1). */
static void box_mean(World *w, int p, int x0, int y0, int x1, int y1, float *mean) {
    const float *mu = w->s.snap->mu[w->s.pane[p].model];
    double sum[2] = {0, 0};
    int n = 0;
    for (int i = 0; i < N_TEST; i++) {
        double px, py;
        app_pane_point(&w->s, &w->s.pane[0], i, &px, &py);
        if (px < x0 || px >= x1 + 1 || py < y0 || py >= y1 + 1) continue;
        sum[0] += mu[2 * i], sum[1] += mu[2 * i + 1], n++;
    }
    mean[0] = (float)(sum[0] / n), mean[1] = (float)(sum[1] / n);
}

/* Attribute vectors: the arrow's ends are the groups' means of each model's own codes
 * (classes, then a box), v their difference, and the strip decodes z + t v of the hovered
 * or the clicked image. */
static void test_attr(World *w) {
    AppAttr *a = app_toolbox_find(&w->box, "attr");
    AppState *s = &w->s;
    send(w, APP_IN_KEY, 'v', 0, 0, 0);
    CHECK(a->on && s->left_tool == a);
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    s->pane[1].rect = (AppRect){600, 50, 400, 300};
    frame(w);
    CHECK_MSG(a->group[0].kind == APP_GROUP_CLASS && a->group[0].cls == 0 && a->group[1].cls == 1,
              "two classes: 0 -> 1 to start with");
    for (int p = 0; p < 2; p++) {
        const float *mu = s->snap->mu[s->pane[p].model];
        const AppAttrPane *ap = &a->pane[p];
        float m0[2], m1[2];
        vae_latent_mean_class(mu, s->session->shown->labels, N_TEST, 2, 0, m0);
        vae_latent_mean_class(mu, s->session->shown->labels, N_TEST, 2, 1, m1);
        CHECK_MSG(ap->means_valid && max_diff(ap->mean[0], m0, 2) < 1e-6 &&
                      max_diff(ap->mean[1], m1, 2) < 1e-6,
                  "pane %d: the arrow goes from class 0's mean to class 1's", p);
        CHECK(fabsf(ap->v[0] - (m1[0] - m0[0])) < 1e-6 && fabsf(ap->v[1] - (m1[1] - m0[1])) < 1e-6);
    }
    /* hovering an image: its code plus t v, t from 0 to 1.5, decoded in every pane */
    int x, y, i = clickable_dot(w, 3, &x, &y);
    send(w, APP_IN_MOVE, 0, 0, x, y);
    frame(w);
    CHECK(a->img == i);
    for (int p = 0; p < 2; p++) {
        const float *mu = s->snap->mu[s->pane[p].model] + 2 * i, *v = a->pane[p].v;
        float end[2] = {mu[0] + VAE_ATTRIBUTE_T_MAX * v[0], mu[1] + VAE_ATTRIBUTE_T_MAX * v[1]};
        CHECK_MSG(a->pane[p].strip_valid && row_diff(w, p, a->pane[p].probs, 0, mu) < 1e-6 &&
                      row_diff(w, p, a->pane[p].probs, APP_ATTR_STEPS - 1, end) < 1e-5,
                  "pane %d: image %d + t v", p, i);
    }
    /* the right arrow: the start is class 1 (so v is 0); a box is the next group, the end */
    send(w, APP_IN_KEY, APP_KEY_RIGHT, 0, 0, 0);
    send(w, APP_IN_PRESS, 0, APP_BUTTON_LEFT, 120, 60);
    send(w, APP_IN_MOVE, 0, 0, 250, 180);
    send(w, APP_IN_MOVE, 0, 0, 330, 260);
    send(w, APP_IN_RELEASE, 0, APP_BUTTON_LEFT, 330, 260);
    frame(w);
    CHECK(a->group[0].cls == 1 && a->group[1].kind == APP_GROUP_BOX && a->next == 0);
    for (int p = 0; p < 2; p++) {
        float want[2];
        box_mean(w, p, 120, 60, 330, 260, want);
        CHECK_MSG(max_diff(a->pane[p].mean[1], want, 2) < 1e-5,
                  "pane %d: the end is the mean of the images in the box", p);
    }
    /* a click on a dot holds it: v applies to it when the pointer is elsewhere */
    int j = clickable_dot(w, i + 1, &x, &y);
    click_at(w, x, y);
    send(w, APP_IN_MOVE, 0, 0, 5, 5);
    frame(w);
    CHECK_MSG(s->hover < 0 && a->img == j &&
                  row_diff(w, 0, a->pane[0].probs, 0, s->snap->mu[0] + 2 * j) < 1e-6,
              "the clicked image %d is held", j);
    send(w, APP_IN_KEY, 'v', 0, 0, 0);
    CHECK(!a->on && s->left_tool == NULL && a->held == -1);
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    frame(w);
}

static void test_window_keys(World *w) {
    send(w, APP_IN_KEY, 'h', 0, 0, 0);
    CHECK(w->s.help);
    send(w, APP_IN_KEY, APP_KEY_ESCAPE, 0, 0, 0);
    CHECK_MSG(!w->s.help && !w->s.quit, "Escape closes the help first");
    send(w, APP_IN_KEY, ' ', 0, 0, 0);
    CHECK_MSG(strstr(w->s.toast.text, "not training") && w->s.toast.error, "%s", w->s.toast.text);
    send(w, APP_IN_KEY, '3', 0, 0, 0);
    CHECK_MSG(w->s.cls == 0 && strstr(w->s.toast.text, "CVAE"), "class keys need a CVAE");
    send(w, APP_IN_KEY, APP_KEY_ESCAPE, 0, 0, 0);
    CHECK(w->s.quit);
}

/* Row r of pane p's traversal against its code z: the row's dimension goes from -2 to +2
 * around z, the others are z's; each step decodes to what the model decodes there. */
static int row_ok(World *w, int p, int r, const float *z) {
    const AppTravPane *tp = &((AppTrav *)app_toolbox_find(&w->box, "traverse"))->pane[p];
    int L = tp->L, d = tp->dims[r], ok = 1;
    for (int k = 0; k < APP_TRAV_STEPS; k++) {
        const float *c = tp->codes + ((size_t)r * APP_TRAV_STEPS + k) * L;
        for (int j = 0; j < L; j++) {
            float want = j == d ? z[j] - 2.0f + 4.0f * k / (APP_TRAV_STEPS - 1) : z[j];
            ok &= fabsf(c[j] - want) < 1e-5f;
        }
        ok &= row_diff(w, p, tp->probs, r * APP_TRAV_STEPS + k, c) < 1e-6;
    }
    return ok;
}

/* Traversals on 5-D latents: rows by the VAE's KL (by Var[mu] for the AE), each varying
 * only its dimension around the hovered image's code, else the cursor's. */
static void test_traverse(World *w) {
    AppState *s = &w->s;
    AppTrav *t = app_toolbox_find(&w->box, "traverse");
    const float kl[5] = {0.05f, 1.2f, 0.3f, 2.0f, 0.01f}, var[5] = {1, 2, 5, 4, 3};
    const int by_kl[5] = {3, 1, 2, 0, 4}, by_var[5] = {2, 3, 4, 1, 0};
    s->snap->lstats[0].valid = 1, s->snap->lstats[1].valid = 0; /* an AE has no KL */
    for (int j = 0; j < 5; j++)
        s->snap->lstats[0].kl[j] = kl[j], s->snap->lstats[1].var[j] = var[j];
    send(w, APP_IN_KEY, 't', 0, 0, 0);
    send(w, APP_IN_KEY, 'c', 0, 0, 0);
    s->pane[1].rect = (AppRect){600, 50, 400, 300};
    frame(w);
    int x, y, i = clickable_dot(w, 0, &x, &y);
    send(w, APP_IN_MOVE, 0, 0, x, y);
    frame(w);
    CHECK(s->hover == i);
    for (int p = 0; p < 2; p++) {
        const AppTravPane *tp = &t->pane[p];
        const int *want = p == 0 ? by_kl : by_var;
        int ordered = tp->valid && tp->n_rows == 5 && tp->img == i && tp->has_kl == (p == 0);
        for (int r = 0; r < 5; r++)
            ordered &= tp->dims[r] == want[r];
        CHECK_MSG(ordered, "pane %d: rows by %s", p, p == 0 ? "KL" : "Var[mu]");
        int rows_ok = 1;
        for (int r = 0; r < tp->n_rows; r++)
            rows_ok &= row_ok(w, p, r, s->snap->mu[s->pane[p].model] + (size_t)i * 5);
        CHECK_MSG(rows_ok, "pane %d: each row varies its dimension around image %d's code", p, i);
    }
    CHECK_MSG(t->pane[0].kl[0] == 2.0f && t->pane[0].kl[4] < APP_TRAV_COLLAPSED,
              "labels: the largest KL first, a collapsed dimension last");
    /* off the dots: the cursor's code */
    send(w, APP_IN_MOVE, 0, 0, 101, 51);
    frame(w);
    CHECK_MSG(s->hover < 0 && t->pane[0].img == -1 && row_ok(w, 0, 0, s->pane[0].cursor),
              "the cursor's code, when no dot is hovered");
    unsigned v = t->pane[0].version;
    frame(w);
    CHECK_MSG(t->pane[0].version == v, "no re-decode while nothing changed");
    /* a code that changes every frame is decoded at most every APP_TRAV_EVERY_S */
    send(w, APP_IN_MOVE, 0, 0, 102, 52);
    frame(w);
    send(w, APP_IN_MOVE, 0, 0, 103, 53);
    w->s.now += 0.02 - 1; /* frame() adds 1 */
    frame(w);
    CHECK_MSG(t->pane[0].version == v + 1, "a traversal 20 ms after the last waits");
    w->s.now += APP_TRAV_EVERY_S - 1;
    frame(w);
    CHECK_MSG(t->pane[0].version == v + 2 && row_ok(w, 0, 0, s->pane[0].cursor),
              "then the pointer's code now is decoded");
}

/* The aggregate posterior on a grid equals the direct sum of the Gaussians; q = p leaves
 * no holes; codes far from the prior leave it all in holes. */
static void test_density(void) {
    enum { N = 50, L = 3, GW = 7, GH = 5 };
    float mu[N * L], lv[N * L], q[GW * GH], p[GW * GH];
    VaeRng r;
    vae_rng_seed(&r, 9, 9);
    for (int i = 0; i < N * L; i++)
        mu[i] = vae_rng_normal(&r), lv[i] = 0.5f * vae_rng_normal(&r);
    AppDensity d = {mu, lv, N, L, {2, 0}, -2, 3, -1, 2, GW, GH, q, p, 0};
    CHECK(app_density_compute(&d) == 0);
    double worst = 0;
    for (int row = 0; row < GH; row++)
        for (int c = 0; c < GW; c++) {
            double x = -2 + (c + 0.5) * 5.0 / GW, y = 2 - (row + 0.5) * 3.0 / GH, sum = 0;
            for (int i = 0; i < N; i++) {
                double sx = exp(0.5 * lv[i * L + 2]), sy = exp(0.5 * lv[i * L + 0]);
                double tx = (x - mu[i * L + 2]) / sx, ty = (y - mu[i * L + 0]) / sy;
                sum += exp(-0.5 * (tx * tx + ty * ty)) / (2 * 3.14159265358979 * sx * sy) / N;
            }
            worst = fmax(worst, fabs(q[row * GW + c] - log(sum)));
            worst = fmax(worst, fabs(p[row * GW + c] -
                                     (-0.5 * (x * x + y * y) - log(2 * 3.14159265358979))));
        }
    CHECK_MSG(worst < 1e-4, "log densities off by %g", worst);
    for (int i = 0; i < N * L; i++)
        mu[i] = 0, lv[i] = 0;
    CHECK(app_density_compute(&d) == 0 && d.hole_mass < 1e-3);
    for (int i = 0; i < N * L; i++)
        mu[i] = 10;
    CHECK_MSG(app_density_compute(&d) == 0 && d.hole_mass > 0.999, "hole mass %g", d.hole_mass);
}

/* Help lines name each key once: no two tools answer the same key. */
static void test_keys_unique(void) {
    const AppTool *const *tools = all_tools;
    int dup = 0;
    for (int a = 0; a < N_TOOLS; a++)
        for (int i = 0; i < tools[a]->n_help; i++)
            for (int b = 0; b < N_TOOLS; b++)
                for (int k = 0; k < tools[b]->n_help; k++)
                    if ((a != b || i != k) &&
                        !strcmp(tools[a]->help[i].keys, tools[b]->help[k].keys))
                        dup++;
    CHECK_MSG(dup == 0, "%d help lines share their keys", dup);
}

int main(void) {
    World w;
    world_open(&w, 2);
    test_view_and_cursor(&w);
    test_hover(&w);
    test_compare(&w);
    test_refresh_spread(&w);
    test_grid(&w);
    test_interp(&w);
    test_attr(&w);
    test_window_keys(&w);
    test_forks_join(&w);
    world_close(&w);
    world_open(&w, 5);
    test_traverse(&w);
    world_close(&w);
    test_density();
    test_keys_unique();
    return CHECK_DONE();
}
