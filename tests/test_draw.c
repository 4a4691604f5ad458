/* The draw tool without a window: a session of 28x28 images, a snapshot of a small VAE
 * and AE with their encoders, every tool in a toolbox fed input as the front sends it.
 * Strokes drawn in a corner are centred before encoding; the code, samples and
 * reconstruction are the library's for the centred image and change as the strokes do;
 * the eraser and Backspace; scores and nearest images from the worker equal the
 * library's; a dropped or typed PNG becomes the drawing, a broken one leaves a message and
 * the drawing as it was; without encoders in the snapshot nothing is encoded. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "clock.h"
#include "draw.h"
#include "fileio.h"
#include "pca.h"
#include "repair.h"
#include "rng.h"
#include "tool_list.h"
#include "toolbox.h"

#define DECLARE(n) extern const AppTool app_tool_##n;
APP_TOOLS(DECLARE)
#define TOOL(n) &app_tool_##n,
static const AppTool *const all_tools[] = {APP_TOOLS(TOOL)};
#define N_TOOLS ((int)(sizeof all_tools / sizeof *all_tools))

#define SIDE 28
#define N_IMAGES 40
#define CANVAS_X 600 /* where the view would put the canvas: 10 pixels per canvas pixel */
#define CANVAS_Y 100
#define CELL 10

static void make_split(VaeSplit *s, int n, uint64_t seed) {
    VaeRng r;
    vae_rng_seed(&r, seed, 7);
    s->n = n, s->rows = SIDE, s->cols = SIDE;
    s->images = malloc((size_t)n * SIDE * SIDE);
    s->labels = malloc((size_t)n);
    for (int i = 0; i < n; i++) {
        s->labels[i] = (uint8_t)(i % 2);
        for (int p = 0; p < SIDE * SIDE; p++)
            s->images[i * SIDE * SIDE + p] = (uint8_t)(vae_rng_below(&r, 4) == 0 ? 255 : 0);
    }
}

typedef struct {
    AppOptions opt;
    AppSession session;
    AppState s;
    AppToolbox box;
    VaeModel model[2];
    AppDrawing *d;
} World;

/* A VAE and a second model of kind `second` (an AE, or a PCA fitted to the training set). */
static void world_open(World *w, int encoders, VaeKind second) {
    memset(w, 0, sizeof *w);
    char err[VAE_ERR_LEN];
    AppSession *se = &w->session;
    app_box_init(&se->box);
    make_split(&se->ds.train, N_IMAGES, 1);
    make_split(&se->ds.test, N_IMAGES, 2);
    se->ds.classes = 2;
    se->shown = &se->ds.test;
    se->rows = se->cols = SIDE, se->pixels = SIDE * SIDE, se->n_models = 2;
    VaeConfig c = vae_config_default();
    c.n_hidden = 1, c.hidden[0] = 16, c.classes = 2;
    for (int m = 0; m < 2; m++) {
        c.kind = m == 0 ? VAE_KIND_VAE : VAE_KIND_AE;
        CHECK(vae_model_init(&w->model[m], &c, err) == VAE_OK);
        vae_model_init_params(&w->model[m], 5 + (uint64_t)m);
    }
    if (second == VAE_KIND_PCA) {
        vae_model_free(&w->model[1]);
        CHECK(vae_pca_fit(&w->model[1], &se->ds.train, 2, 2, NULL, err) == VAE_OK);
    }
    const VaeModel *models[2] = {&w->model[0], &w->model[1]};
    AppSnapshot *snap = app_box_acquire(&se->box);
    CHECK(snap && app_snapshot_set_models(snap, models, 2, N_IMAGES, encoders) == 0);
    VaeRng r;
    vae_rng_seed(&r, 3, 3);
    for (int m = 0; m < 2; m++) /* the dots spread out over the plane */
        for (int i = 0; snap && i < N_IMAGES * c.latent; i++)
            snap->mu[m][i] = 2.0f * vae_rng_normal(&r), snap->lv[m][i] = m == 0 ? -2.0f : 0.0f;
    snap->seq = snap->latents_seq = 1;
    AppSnapshot *unread;
    app_box_publish(&se->box, snap, &unread);
    w->opt.tc = vae_train_config_default();
    app_state_init(&w->s, &w->opt, se);
    w->s.pane[0].rect = (AppRect){10, 10, 400, 300};
    CHECK(app_state_take_snapshot(&w->s) == 0);
    CHECK(app_toolbox_init(&w->box, all_tools, N_TOOLS, &w->s, err, sizeof err) == 0);
    w->d = app_toolbox_find(&w->box, "draw");
    CHECK(w->d != NULL);
}

static void world_close(World *w) {
    app_worker_stop(w->s.worker);
    app_toolbox_free(&w->box);
    app_state_free(&w->s);
    app_session_close(&w->session);
    for (int m = 0; m < 2; m++)
        vae_model_free(&w->model[m]);
}

static void frame(World *w) {
    w->s.now += 1;
    w->s.redraw = 0;
    app_toolbox_update(&w->box, &w->s);
    AppDrawing *d = w->d; /* what the view's layout does: the canvas in the panel */
    d->canvas_x = CANVAS_X, d->canvas_y = CANVAS_Y, d->canvas_side = SIDE * CELL;
}

static void send(World *w, AppInputKind kind, int key, int mods, int button, int x, int y,
                 const char *text) {
    AppInput in = {kind, key, mods, button, 1, x, y, 0, text};
    app_toolbox_input(&w->box, &w->s, &in);
}

/* A stroke from canvas pixel (x0, y0) to (x1, y1) with the button, in 8 moves. */
static void stroke(World *w, int button, float x0, float y0, float x1, float y1) {
    int px0 = CANVAS_X + (int)(x0 * CELL), py0 = CANVAS_Y + (int)(y0 * CELL);
    int px1 = CANVAS_X + (int)(x1 * CELL), py1 = CANVAS_Y + (int)(y1 * CELL);
    send(w, APP_IN_PRESS, 0, 0, button, px0, py0, NULL);
    for (int k = 1; k <= 8; k++)
        send(w, APP_IN_MOVE, 0, 0, 0, px0 + (px1 - px0) * k / 8, py0 + (py1 - py0) * k / 8, NULL);
    send(w, APP_IN_RELEASE, 0, 0, button, px1, py1, NULL);
    frame(w);
}

static float ink_sum(const float *x) {
    float s = 0;
    for (int i = 0; i < SIDE * SIDE; i++)
        s += x[i];
    return s;
}

static float max_diff(const float *a, const float *b, int n) {
    float d = 0;
    for (int i = 0; i < n; i++)
        d = fmaxf(d, fabsf(a[i] - b[i]));
    return d;
}

/* The tool's code, samples and reconstruction are the library's for its image. */
static void check_encoded(World *w) {
    const AppDrawing *d = w->d;
    const VaeModel *m = &w->s.snap->model[0];
    float mu[VAE_MAX_LATENT], lv[VAE_MAX_LATENT], recon[SIDE * SIDE];
    uint8_t label = 0;
    vae_model_encode(m, &w->s.ws[0], d->image, &label, 1, mu, lv);
    vae_reconstruct(m, &w->s.ws[0], d->image, 0, recon);
    CHECK(d->model[0].valid && d->model[1].valid);
    CHECK(max_diff(mu, d->model[0].mu, m->cfg.latent) == 0);
    CHECK(max_diff(lv, d->model[0].lv, m->cfg.latent) == 0);
    CHECK(max_diff(recon, d->model[0].recon, SIDE * SIDE) == 0);
    float z0[2 * APP_DRAW_SAMPLES], zk[2 * APP_DRAW_SAMPLES];
    vae_model_posterior_samples_from(m, mu, lv, APP_DRAW_SAMPLES, 1, z0, zk);
    CHECK(max_diff(zk, d->model[0].zk, 2 * APP_DRAW_SAMPLES) == 0);
}

static void test_strokes(World *w) {
    AppDrawing *d = w->d;
    frame(w);
    CHECK(!d->on && w->s.drawn == NULL);
    send(w, APP_IN_KEY, 'd', 0, 0, 0, 0, NULL);
    frame(w);
    CHECK(d->on && w->s.drawn == NULL);     /* on, nothing drawn yet */
    stroke(w, APP_BUTTON_LEFT, 3, 2, 6, 9); /* a short stroke in the top-left corner */
    CHECK(w->s.drawn == d->image);
    double cx, cy, kx, ky;
    CHECK(vae_image_center_of_mass(d->canvas, SIDE, SIDE, &kx, &ky));
    CHECK_MSG(kx < 7 && ky < 8, "the stroke is in the corner of the canvas (%.1f, %.1f)", kx, ky);
    CHECK(vae_image_center_of_mass(d->image, SIDE, SIDE, &cx, &cy));
    CHECK_MSG(fabs(cx - 13.5) <= 1 && fabs(cy - 13.5) <= 1, "centred: (%.2f, %.2f)", cx, cy);
    check_encoded(w);
    float mu1[VAE_MAX_LATENT];
    memcpy(mu1, d->model[0].mu, sizeof mu1);
    unsigned v1 = d->version;
    stroke(w, APP_BUTTON_LEFT, 12, 20, 24, 20); /* a bar across the bottom */
    CHECK(d->version != v1);
    CHECK_MSG(max_diff(mu1, d->model[0].mu, 2) > 1e-4f, "the code follows the strokes");
    check_encoded(w);
    float before = ink_sum(d->canvas);
    stroke(w, APP_BUTTON_RIGHT, 12, 20, 24, 20); /* the eraser over the bar */
    CHECK_MSG(ink_sum(d->canvas) < before - 5, "erased: %.1f -> %.1f", before, ink_sum(d->canvas));
    send(w, APP_IN_WHEEL, 0, 0, 0, CANVAS_X + 5, CANVAS_Y + 5, NULL);
    float brush = d->brush;
    send(w, APP_IN_WHEEL, 0, 0, 0, CANVAS_X + 5, CANVAS_Y + 5, NULL);
    CHECK(d->brush == brush); /* (no notches: nothing) */
    AppInput wheel = {APP_IN_WHEEL, 0, 0, 0, 0, CANVAS_X + 5, CANVAS_Y + 5, 2, NULL};
    app_toolbox_input(&w->box, &w->s, &wheel);
    CHECK(d->brush > brush);
    send(w, APP_IN_KEY, APP_KEY_BACKSPACE, 0, 0, 0, 0, NULL);
    frame(w);
    CHECK(ink_sum(d->canvas) == 0 && w->s.drawn == NULL);
}

/* Frames until the worker's results for the current drawing are in (a few seconds at most
 * on a loaded machine: the test waits for a state, not a time). */
static int wait_scored(World *w) {
    for (int i = 0; i < 4000; i++) {
        frame(w);
        if (w->d->model[0].scored == 1 && w->d->nearest_valid == 1) return 1;
        vae_sleep(0.002);
    }
    return 0;
}

static void test_scores(World *w) {
    char err[VAE_ERR_LEN];
    CHECK((w->s.worker = app_worker_start(err, sizeof err)) != NULL);
    stroke(w, APP_BUTTON_LEFT, 14, 4, 14, 24);
    CHECK(wait_scored(w));
    const AppDrawing *d = w->d;
    VaeImageScore sc;
    CHECK(vae_image_score(&w->s.snap->model[0], d->image, 0, APP_DRAW_IW, 7, &sc, err) == VAE_OK);
    CHECK_MSG(sc.neg_elbo == d->model[0].score.neg_elbo &&
                  sc.iwae_nll == d->model[0].score.iwae_nll,
              "-ELBO %g / %g, IW %g / %g", sc.neg_elbo, d->model[0].score.neg_elbo, sc.iwae_nll,
              d->model[0].score.iwae_nll);
    CHECK(d->model[0].score.iwae_nll > 0 && d->model[1].scored == 1);
    int idx[APP_DRAW_NEAREST];
    float dist2[APP_DRAW_NEAREST];
    int n = vae_nearest_images(&w->session.ds.train, d->image, APP_DRAW_NEAREST, idx, dist2);
    CHECK(n == APP_DRAW_NEAREST && d->n_nearest == n && !memcmp(idx, d->nearest, sizeof idx));
}

/* A light picture with a dark bar, w x h, written as a PNG. */
static void write_picture(const char *path, int pw, int ph) {
    uint8_t *px = malloc((size_t)pw * ph);
    for (int i = 0; i < pw * ph; i++)
        px[i] = (i % pw > pw / 3 && i % pw < pw / 2 && i / pw > ph / 5) ? 10 : 240;
    char err[VAE_ERR_LEN];
    CHECK(vae_png_write(path, px, pw, ph, 1, err) == VAE_OK);
    free(px);
}

static void test_load(World *w) {
    AppDrawing *d = w->d;
    const char *tmp = getenv("VAE_TMP") ? getenv("VAE_TMP") : "/tmp";
    char good[512], bad[512];
    snprintf(good, sizeof good, "%s/test_draw_%d.png", tmp, (int)getpid());
    snprintf(bad, sizeof bad, "%s/test_draw_%d.txt", tmp, (int)getpid());
    write_picture(good, 60, 90);
    FILE *f = fopen(bad, "w");
    CHECK(f && fputs("not a picture\n", f) >= 0 && fclose(f) == 0);
    send(w, APP_IN_DROP, 0, 0, 0, 0, 0, good);
    frame(w);
    CHECK(w->s.drawn && !w->s.toast.error && strstr(d->source, "test_draw_"));
    double cx, cy;
    CHECK(vae_image_center_of_mass(d->image, SIDE, SIDE, &cx, &cy));
    CHECK(fabs(cx - 13.5) <= 1 && fabs(cy - 13.5) <= 1);
    float kept[SIDE * SIDE];
    memcpy(kept, d->canvas, sizeof kept);
    unsigned seq = w->s.toast.seq;
    send(w, APP_IN_DROP, 0, 0, 0, 0, 0, bad);
    frame(w);
    CHECK_MSG(w->s.toast.error && w->s.toast.seq != seq && strstr(w->s.toast.text, "not a PNG"),
              "toast: %s", w->s.toast.text);
    CHECK(!memcmp(kept, d->canvas, sizeof kept));
    /* a huge picture (its header says 5000x5000): refused before anything is read */
    write_picture(bad, 2, 2);
    uint8_t *png = NULL;
    size_t len = 0;
    char err[VAE_ERR_LEN];
    CHECK(vae_file_read_all(bad, 1 << 20, &png, &len, err) == VAE_OK && len > 24);
    const uint8_t side[4] = {0, 0, 0x13, 0x88}; /* 5000, big-endian: IHDR width and height */
    memcpy(png + 16, side, 4), memcpy(png + 20, side, 4);
    const void *parts[1] = {png};
    CHECK(vae_file_write_atomic(bad, parts, &len, 1, err) == VAE_OK);
    free(png);
    send(w, APP_IN_DROP, 0, 0, 0, 0, 0, bad);
    frame(w);
    CHECK_MSG(w->s.toast.error && strstr(w->s.toast.text, "5000x5000"), "toast: %s",
              w->s.toast.text);
    CHECK(!memcmp(kept, d->canvas, sizeof kept));
    /* Ctrl+O, the path typed (in pieces, as text input comes), Return */
    send(w, APP_IN_KEY, APP_KEY_BACKSPACE, 0, 0, 0, 0, NULL);
    frame(w);
    CHECK(w->s.drawn == NULL);
    send(w, APP_IN_KEY, 'o', APP_MOD_CTRL, 0, 0, 0, NULL);
    CHECK(d->typing);
    send(w, APP_IN_TEXT, 0, 0, 0, 0, 0, tmp);
    send(w, APP_IN_KEY, 'q', 0, 0, 0, 0, NULL); /* taken by the prompt, not the window */
    CHECK(!w->s.quit);
    send(w, APP_IN_TEXT, 0, 0, 0, 0, 0, "x"); /* a typo, taken back */
    send(w, APP_IN_KEY, APP_KEY_BACKSPACE, 0, 0, 0, 0, NULL);
    send(w, APP_IN_TEXT, 0, 0, 0, 0, 0, good + strlen(tmp));
    send(w, APP_IN_KEY, APP_KEY_RETURN, 0, 0, 0, 0, NULL);
    frame(w);
    CHECK(!d->typing && w->s.drawn && !memcmp(kept, d->canvas, sizeof kept));
    remove(good), remove(bad);
}

/* Repair (U) of the drawing: the input is the drawing with the tool's noise and mask; the
 * one pass is the library's reconstruction of it; the chain is vae_inpaint_step's, keeps
 * the known pixels and moves the missing ones. */
static void test_repair(World *w) {
    AppRepair *r = app_toolbox_find(&w->box, "repair");
    CHECK(r != NULL);
    stroke(w, APP_BUTTON_LEFT, 14, 4, 14, 24);
    send(w, APP_IN_KEY, 'u', 0, 0, 0, 0, NULL);
    frame(w);
    CHECK(r->on && r->source == APP_SOURCE_DRAWN && r->n_missing == 0);
    r->input_x[0] = 100, r->input_y[0] = 400, r->input_side[0] = SIDE * 4; /* (the view's) */
    for (int y = 14; y < SIDE; y += 2) { /* erase the lower half */
        send(w, APP_IN_PRESS, 0, 0, APP_BUTTON_LEFT, 100, 400 + 4 * y, NULL);
        send(w, APP_IN_MOVE, 0, 0, 0, 100 + 4 * SIDE - 1, 400 + 4 * y, NULL);
        send(w, APP_IN_RELEASE, 0, 0, APP_BUTTON_LEFT, 100 + 4 * SIDE - 1, 400 + 4 * y, NULL);
    }
    CHECK_MSG(r->n_missing >= SIDE * 13, "%d pixels missing", r->n_missing);
    frame(w);
    float input[SIDE * SIDE], recon[SIDE * SIDE], chain[SIDE * SIDE];
    app_repair_corrupt(r, input);
    CHECK(max_diff(input, r->input, SIDE * SIDE) == 0);
    vae_reconstruct(&w->s.snap->model[0], &w->s.ws[0], input, 0, recon);
    CHECK(max_diff(recon, r->recon[0], SIDE * SIDE) == 0);
    VaeRng rng;
    vae_rng_seed(&rng, 1, 5);
    memcpy(chain, input, sizeof chain);
    for (int i = 0; i < 5; i++)
        frame(w);
    CHECK(r->iter[0] == 6);
    for (int i = 0; i < 6; i++)
        vae_inpaint_step(&w->s.snap->model[0], &w->s.ws[0], chain, r->mask, 0, &rng);
    CHECK(max_diff(chain, r->chain[0], SIDE * SIDE) == 0);
    int known_kept = 1, moved = 0;
    for (int i = 0; i < SIDE * SIDE; i++) {
        if (!r->mask[i]) known_kept &= r->chain[0][i] == input[i];
        if (r->mask[i]) moved += r->chain[0][i] != 0;
    }
    CHECK(known_kept && moved > 0);
    unsigned v = r->version;
    send(w, APP_IN_KEY, '\'', 0, 0, 0, 0, NULL); /* more noise: a new input, the chain anew */
    frame(w);
    CHECK(r->version != v && r->iter[0] == 1 && r->level[APP_NOISE_GAUSS] > 0.5f);
    send(w, APP_IN_KEY, 'u', APP_MOD_SHIFT, 0, 0, 0, NULL);
    frame(w);
    CHECK(r->n_missing == 0);
    send(w, APP_IN_KEY, 'u', 0, 0, 0, 0, NULL);
    frame(w);
}

/* Repair of a test image: a click on a dot holds it while the pointer crosses others. */
static void test_pin(World *w) {
    AppRepair *r = app_toolbox_find(&w->box, "repair");
    send(w, APP_IN_KEY, APP_KEY_BACKSPACE, 0, 0, 0, 0, NULL); /* no drawing: test images */
    send(w, APP_IN_KEY, 'u', 0, 0, 0, 0, NULL);
    frame(w);
    CHECK(r->on && w->s.left_tool == r && w->s.drawn == NULL);
    double x[2], y[2];
    int dot[2];
    for (int k = 0; k < 2; k++) {
        app_pane_point(&w->s, &w->s.pane[0], 3 + 4 * k, &x[k], &y[k]);
        dot[k] = app_dot_at(&w->s, (int)x[k], (int)y[k]);
    }
    CHECK(dot[0] >= 0 && dot[1] >= 0 && dot[0] != dot[1]);
    send(w, APP_IN_PRESS, 0, 0, APP_BUTTON_LEFT, (int)x[0], (int)y[0], NULL);
    send(w, APP_IN_RELEASE, 0, 0, APP_BUTTON_LEFT, (int)x[0], (int)y[0], NULL);
    frame(w);
    CHECK(r->source == APP_SOURCE_TEST && r->source_index == dot[0]);
    send(w, APP_IN_MOVE, 0, 0, 0, (int)x[1], (int)y[1], NULL);
    frame(w);
    CHECK_MSG(w->s.hover == dot[1] && r->source_index == dot[0], "hover %d, repairing %d",
              w->s.hover, r->source_index);
    const uint8_t *img = w->session.ds.test.images + (size_t)dot[0] * SIDE * SIDE;
    CHECK(r->clean[100] == img[100] / 255.0f && r->clean[400] == img[400] / 255.0f);
    send(w, APP_IN_KEY, 'u', 0, 0, 0, 0, NULL);
    frame(w);
    CHECK(w->s.left_tool == NULL);
}

/* A trainer's snapshot without encoders: the drawing waits for one that has them. */
static void test_no_encoders(void) {
    World w;
    world_open(&w, 0, VAE_KIND_AE);
    send(&w, APP_IN_KEY, 'd', 0, 0, 0, 0, NULL);
    frame(&w);
    stroke(&w, APP_BUTTON_LEFT, 10, 5, 12, 20);
    CHECK(w.s.drawn && !w.d->model[0].valid && w.s.encoder_users == 1);
    send(&w, APP_IN_KEY, 'd', 0, 0, 0, 0, NULL);
    frame(&w);
    CHECK(w.s.drawn == NULL && w.s.encoder_users == 0);
    world_close(&w);
}

/* A PCA beside the VAE: encoded and scored (without importance samples, as an AE). */
static void test_pca(void) {
    World w;
    world_open(&w, 1, VAE_KIND_PCA);
    char err[VAE_ERR_LEN];
    CHECK((w.s.worker = app_worker_start(err, sizeof err)) != NULL);
    send(&w, APP_IN_KEY, 'd', 0, 0, 0, 0, NULL);
    frame(&w);
    stroke(&w, APP_BUTTON_LEFT, 14, 4, 14, 24);
    CHECK(wait_scored(&w));
    const AppDrawModel *pca = &w.d->model[1];
    CHECK_MSG(pca->valid && pca->scored == 1 && pca->score.recon > 0 && pca->score.iwae_nll == 0,
              "PCA: valid %d, scored %d, recon %g", pca->valid, pca->scored, pca->score.recon);
    world_close(&w);
}

int main(void) {
    World w;
    world_open(&w, 1, VAE_KIND_AE);
    test_strokes(&w);
    test_scores(&w);
    test_load(&w);
    test_repair(&w);
    test_pin(&w);
    world_close(&w);
    test_no_encoders();
    test_pca();
    return CHECK_DONE();
}
