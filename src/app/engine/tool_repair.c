/* Corrupt and repair (key U): the drawn or loaded image, else a clicked test image (held
 * until a click off the dots), else the test image last hovered,
 * with Gaussian or salt-and-pepper noise (J; its level ; and ') and pixels erased with a
 * mask brush on the input under any pane (left drag; right drag gives them back; Shift+U
 * clears the mask). Under each pane: the corrupted input, that model's one-pass
 * reconstruction (a denoiser), and its inpainting of the missing pixels: z ~ q(z|x),
 * decode, the decoded pixels put back where pixels are missing, the known ones kept,
 * one iteration a frame up to APP_REPAIR_ITERS. */
#include <string.h>

#include "draw.h" /* app_canvas_stroke */
#include "repair.h"
#include "tool.h"

#define NOISE_SEED 11
#define MASK_BRUSH 1.5f /* image pixels */

static const float level_lo[APP_NOISE_KINDS] = {0, 0.05f, 0.05f};
static const float level_hi[APP_NOISE_KINDS] = {0, 1.0f, 0.5f};
static const float level_step[APP_NOISE_KINDS] = {0, 0.05f, 0.05f};

void app_repair_corrupt(const AppRepair *r, float *out) {
    memcpy(out, r->clean, sizeof r->clean);
    VaeRng rng;
    vae_rng_seed(&rng, NOISE_SEED, (uint64_t)r->noise);
    if (r->noise == APP_NOISE_GAUSS)
        vae_corrupt_gaussian(out, VAE_MNIST_PIXELS, r->level[r->noise], &rng);
    if (r->noise == APP_NOISE_SALT_PEPPER)
        vae_corrupt_salt_pepper(out, VAE_MNIST_PIXELS, r->level[r->noise], &rng);
    vae_corrupt_mask(out, r->mask, VAE_MNIST_PIXELS, 0.0f);
}

/* ---- input ------------------------------------------------------------------------------ */

/* The pane whose input image holds pixel (x, y), with the point in image pixels; or -1. */
static int input_at(const AppRepair *r, int x, int y, float *ix, float *iy) {
    for (int p = 0; p < APP_MAX_PANES; p++) {
        int side = r->input_side[p];
        if (side <= 0) continue;
        *ix = (float)(x - r->input_x[p]) * VAE_MNIST_SIDE / (float)side;
        *iy = (float)(y - r->input_y[p]) * VAE_MNIST_SIDE / (float)side;
        if (*ix >= 0 && *iy >= 0 && *ix < VAE_MNIST_SIDE && *iy < VAE_MNIST_SIDE) return p;
    }
    return -1;
}

/* The stroke on the mask so far, as missing pixels (half covered or more). */
static void mask_changed(AppRepair *r) {
    r->n_missing = 0;
    for (int i = 0; i < VAE_MNIST_PIXELS; i++)
        r->n_missing += r->mask[i] = r->mask_ink[i] >= 0.5f;
    r->dirty = 1;
}

static int pointer(AppRepair *r, const AppInput *in) {
    float ix = 0, iy = 0;
    int over = input_at(r, in->x, in->y, &ix, &iy) >= 0;
    if (in->kind == APP_IN_PRESS) {
        if (!over || (in->button != APP_BUTTON_LEFT && in->button != APP_BUTTON_RIGHT)) return 0;
        r->stroke = in->button == APP_BUTTON_LEFT ? 1 : 2;
        r->last_x = ix, r->last_y = iy;
    } else if (in->kind == APP_IN_RELEASE && r->stroke) {
        r->stroke = 0;
        return 1;
    } else if (in->kind != APP_IN_MOVE || !r->stroke) {
        return 0;
    }
    if (!over) { /* off the image: the stroke goes on from where it comes back */
        return 1;
    }
    app_canvas_stroke(r->mask_ink, VAE_MNIST_SIDE, r->last_x, r->last_y, ix, iy, MASK_BRUSH,
                      r->stroke == 2);
    r->last_x = ix, r->last_y = iy;
    mask_changed(r);
    return 1;
}

static void set_level(AppRepair *r, int dir) {
    AppNoise k = r->noise;
    float v = r->level[k] + (float)dir * level_step[k];
    r->level[k] = v < level_lo[k] ? level_lo[k] : v > level_hi[k] ? level_hi[k] : v;
    r->dirty = 1;
}

static int key(AppRepair *r, AppState *s, const AppInput *in) {
    if (in->key == 'u' && !in->mods) {
        r->on = !r->on;
        if (r->on) s->left_tool = r; /* a click on a dot holds that image */
        if (!r->on && s->left_tool == r) s->left_tool = NULL;
        s->layout_dirty = 1;
        return 1;
    }
    if (!r->on) return 0;
    if (in->key == 'u' && in->mods == APP_MOD_SHIFT) {
        memset(r->mask_ink, 0, sizeof r->mask_ink);
        mask_changed(r);
    } else if (in->key == 'j' && !in->mods) {
        r->noise = (AppNoise)((r->noise + 1) % APP_NOISE_KINDS);
        r->dirty = 1;
    } else if (in->key == ';' || in->key == '\'') {
        set_level(r, in->key == ';' ? -1 : 1);
    } else {
        return 0;
    }
    return 1;
}

/* A left click on a plane while the tool has the left button: the dot under it is held
 * (the pointer can cross other dots on its way to the strips), a click off the dots lets
 * the hovered image be taken again. */
static int pin(AppRepair *r, AppState *s, const AppInput *in) {
    if (in->kind != APP_IN_PRESS || in->button != APP_BUTTON_LEFT || s->left_tool != r ||
        app_pane_at(s, in->x, in->y) < 0)
        return 0;
    r->pinned = s->snap ? app_dot_at(s, in->x, in->y) : -1;
    return 1;
}

static int input(void *self, AppState *s, const AppInput *in) {
    AppRepair *r = self;
    if (in->kind == APP_IN_KEY) return key(r, s, in);
    return r->on && (pointer(r, in) || pin(r, s, in));
}

/* ---- update ----------------------------------------------------------------------------- */

/* The drawn image while there is one, else the clicked test image, else the one hovered
 * last. */
static void take_source(AppRepair *r, const AppState *s) {
    int test = r->pinned >= 0 ? r->pinned : s->hover;
    if (s->drawn) {
        if (r->source == APP_SOURCE_DRAWN && r->source_version == s->drawn_version) return;
        memcpy(r->clean, s->drawn, sizeof r->clean);
        r->source = APP_SOURCE_DRAWN, r->source_version = s->drawn_version;
    } else if (test >= 0 && s->session->pixels == VAE_MNIST_PIXELS) {
        if (r->source == APP_SOURCE_TEST && r->source_index == test) return;
        const uint8_t *img = s->session->shown->images + (size_t)test * VAE_MNIST_PIXELS;
        for (int i = 0; i < VAE_MNIST_PIXELS; i++)
            r->clean[i] = img[i] / 255.0f;
        r->source = APP_SOURCE_TEST, r->source_index = test;
    } else {
        if (r->source != APP_SOURCE_DRAWN) return;
        r->source = APP_SOURCE_NONE; /* the drawing went: nothing to repair until a hover */
    }
    r->dirty = 1;
}

/* A new input: the chains start again from it, the reconstructions are redone. */
static void remake_input(AppRepair *r, AppState *s) {
    app_repair_corrupt(r, r->input);
    for (int m = 0; m < APP_MAX_MODELS; m++) {
        memcpy(r->chain[m], r->input, sizeof r->input);
        r->iter[m] = 0, r->recon_seq[m] = 0;
        vae_rng_seed(&r->rng[m], 1 + (uint64_t)m, 5);
    }
    r->dirty = 0;
    r->version++;
    s->redraw |= APP_REDRAW_CURSOR;
}

/* Model m: its reconstruction for this snapshot, and one more iteration of its chain. */
static void repair_model(AppRepair *r, AppState *s, int m) {
    const VaeModel *mod = &s->snap->model[m];
    uint8_t label = (uint8_t)s->cls;
    if (r->recon_seq[m] != s->snap->seq &&
        (r->recon_seq[m] == 0 || app_decode_due(s, mod, 2, r->recon_seq[m]))) {
        vae_reconstruct(mod, &s->ws[m], r->input, label, r->recon[m]);
        r->recon_seq[m] = s->snap->seq;
        r->results++;
    }
    if (r->n_missing > 0 && r->iter[m] < APP_REPAIR_ITERS) {
        vae_inpaint_step(mod, &s->ws[m], r->chain[m], r->mask, label, &r->rng[m]);
        r->iter[m]++;
        r->results++;
    }
}

static void update(void *self, AppState *s) {
    AppRepair *r = self;
    if (r->on != r->asked_encoders) {
        app_state_use_encoders(s, r->on);
        r->asked_encoders = r->on;
    }
    if (!r->on) return;
    if (!s->left_tool) s->left_tool = r; /* given back by the tool turned off */
    AppRepairSource before = r->source;
    take_source(r, s);
    if ((before == APP_SOURCE_NONE) != (r->source == APP_SOURCE_NONE)) s->layout_dirty = 1;
    if (r->source == APP_SOURCE_NONE || !app_can_encode(s)) return;
    if (r->dirty) remake_input(r, s);
    unsigned results = r->results;
    for (int p = 0; p < s->n_panes; p++) {
        int m = s->pane[p].model;
        if (m < s->snap->n_models && s->snap->model[m].n_in == VAE_MNIST_PIXELS)
            repair_model(r, s, m);
    }
    if (r->results != results) s->redraw |= APP_REDRAW_CURSOR; /* the strips follow */
}

static int init(void *self, AppState *s) {
    (void)s;
    AppRepair *r = self;
    r->pinned = -1;
    r->noise = APP_NOISE_GAUSS;
    r->level[APP_NOISE_GAUSS] = 0.5f; /* where one pass beats the noisy input (docs/images.md) */
    r->level[APP_NOISE_SALT_PEPPER] = 0.2f;
    return 0;
}

static const AppHelpLine help[] = {
    {"U", "corrupt and repair the drawn or hovered one"},
    {"click a dot (U)", "hold that image (off the dots: let go)"},
    {"J", "noise: Gaussian / salt-and-pepper / none (U)"},
    {";  '", "noise level down / up (U)"},
    {"drag (U)", "on the input: left erases, right restores"},
    {"Shift+U", "restore every erased pixel"},
};

const AppTool app_tool_repair = {
    .name = "repair",
    .title = "Corrupt and repair",
    .size = sizeof(AppRepair),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .init = init,
    .input = input,
    .update = update,
};
