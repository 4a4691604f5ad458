/* Tests for animate.c, gif.c, bitfont.c and scatter.c: an animation read back with
 * giflib has the requested frames and size, frames that differ, the class colours where
 * the points are, a longer last frame and the loop extension; the options are checked;
 * frames are picked evenly, first and last included; the palette lookup finds exact
 * colours; the font and the scatter put pixels where they should. */
#include <errno.h>
#include <gif_lib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "animate.h"
#include "bitfont.h"
#include "check.h"
#include "gif.h"
#include "record.h"

static char dir[1024];

#define NP 60

/* One VAE (4x4 images) whose points walk outwards from 0: class k on a ray at angle k,
 * reaching radius 2 at the last of `frames` frames. */
static VaeRecording *walking(int frames, int decoders) {
    VaeRecordSetup su;
    memset(&su, 0, sizeof su);
    su.n_models = 1;
    su.cfg[0] = vae_config_default();
    su.cfg[0].input_h = su.cfg[0].input_w = 4;
    su.cfg[0].n_hidden = 1, su.cfg[0].hidden[0] = 8;
    uint8_t labels[NP];
    for (int i = 0; i < NP; i++)
        labels[i] = (uint8_t)(i % 10);
    VaeRecording *r = NULL;
    char err[VAE_ERR_LEN];
    VaeRecordBudget b = {100000000, 100000000};
    CHECK(vae_recording_create(&r, &su, labels, NP, &b, err) == VAE_OK);
    if (!r) return NULL;
    float mu[NP * 2], lv[NP * 2];
    for (int f = 0; f < frames; f++) {
        float t = 2.0f * (f + 1) / frames;
        for (int i = 0; i < NP; i++) {
            float rad = t * (0.5f + 0.5f * (float)(i / 10) / (NP / 10));
            mu[2 * i] = rad * cosf((float)(i % 10)), mu[2 * i + 1] = rad * sinf((float)(i % 10));
            lv[2 * i] = lv[2 * i + 1] = -1;
        }
        const float *m[1] = {mu}, *l[1] = {lv};
        CHECK(vae_recording_add_frame(r, (int64_t)f * f * 10, m, l, NULL, err) == VAE_OK);
        if (f < decoders) {
            VaeModel model;
            CHECK(vae_model_init(&model, &su.cfg[0], err) == VAE_OK);
            vae_model_init_params(&model, (uint64_t)f);
            const VaeModel *mp[1] = {&model};
            CHECK(vae_recording_add_decoders(r, (int64_t)f * f * 10, mp, err) == VAE_OK);
            vae_model_free(&model);
        }
    }
    return r;
}

/* The palette colour of pixel (x, y) of frame k. */
static uint32_t pixel(const GifFileType *g, int k, int x, int y) {
    const ColorMapObject *cm = g->SColorMap;
    GifColorType c = cm->Colors[g->SavedImages[k].RasterBits[(size_t)y * g->SWidth + x]];
    return VAE_ARGB(c.Red, c.Green, c.Blue);
}

static void test_gif(void) {
    VaeRecording *r = walking(12, 3);
    if (!r) return;
    char path[1200], err[VAE_ERR_LEN];
    snprintf(path, sizeof path, "%s/walk.gif", dir);
    VaeAnimateOptions o = vae_animate_defaults();
    o.width = 160, o.height = 120, o.frames = 5, o.fps = 20, o.grid = 1;
    VaeAnimateInfo info;
    CHECK_MSG(vae_animate_gif(r, &o, path, &info, err) == VAE_OK, "%s", err);
    CHECK(info.frames == 5 && info.width == 160 && info.height == 120 && info.bytes > 0);
    int e = 0;
    GifFileType *g = DGifOpenFileName(path, &e);
    CHECK(g && DGifSlurp(g) == GIF_OK);
    if (!g) return;
    CHECK(g->ImageCount == 5 && g->SWidth == 160 && g->SHeight == 120);
    for (int k = 1; k < g->ImageCount; k++) /* the points move: every frame is new */
        CHECK_MSG(
            memcmp(g->SavedImages[k].RasterBits, g->SavedImages[k - 1].RasterBits, 160 * 120) != 0,
            "frame %d repeats frame %d", k, k - 1);
    GraphicsControlBlock gcb;
    CHECK(DGifSavedExtensionToGCB(g, 0, &gcb) == GIF_OK && gcb.DelayTime == 5);
    CHECK(DGifSavedExtensionToGCB(g, 4, &gcb) == GIF_OK && gcb.DelayTime == 200);
    int loops = 0;
    for (int i = 0; i < g->SavedImages[0].ExtensionBlockCount; i++)
        loops |= g->SavedImages[0].ExtensionBlocks[i].ByteCount == 11 &&
                 !memcmp(g->SavedImages[0].ExtensionBlocks[i].Bytes, "NETSCAPE2.0", 11);
    CHECK(loops);
    /* the last frame: class 0's outermost point sits on the ray at angle 0, in its colour
     * (the dot's centre is the class colour at 0.8 over the background: its palette entry
     * is the nearest to that) */
    VaePlaneView v;
    float xy[NP * 2];
    vae_recording_frame_latents(r, 11, 0, xy, NULL);
    vae_plane_fit(&v, 160, 120, xy, NP, 1);
    int i = 50; /* class 0, radius 2 * (0.5 + 0.5 * 5/6) */
    int px = (int)vae_plane_px(&v, 160, xy[2 * i]), py = (int)vae_plane_py(&v, 120, xy[2 * i + 1]);
    uint32_t c = pixel(g, 4, px, py), want = vae_class_argb(0);
    int dist = abs((int)(c >> 16 & 255) - (int)(want >> 16 & 255)) +
               abs((int)(c >> 8 & 255) - (int)(want >> 8 & 255)) +
               abs((int)(c & 255) - (int)(want & 255));
    CHECK_MSG(dist < 80, "pixel %06x at the point, class colour %06x", c & 0xffffff,
              want & 0xffffff);
    DGifCloseFile(g, &e);
    vae_recording_destroy(r);
}

static void test_options(void) {
    VaeRecording *r = walking(6, 0);
    if (!r) return;
    char err[VAE_ERR_LEN];
    const struct {
        int w, h, fps, frames, grid, model;
        const char *needle;
    } bad[] = {
        {10, 10, 10, 0, 0, -1, "--size"},      {5000, 100, 10, 0, 0, -1, "--size"},
        {100, 100, 99, 0, 0, -1, "--fps"},     {100, 100, 10, 7, 0, -1, "--frames"},
        {100, 100, 10, -1, 0, -1, "--frames"}, {100, 100, 10, 0, 1, -1, "--grid"},
        {100, 100, 10, 0, 0, 1, "--model"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        VaeAnimateOptions o = {bad[i].w,      bad[i].h,    bad[i].fps,
                               bad[i].frames, bad[i].grid, bad[i].model};
        CHECK_MSG(vae_animate_resolve(r, &o, err) == VAE_ERR_ARG && strstr(err, bad[i].needle),
                  "case %zu: %s", i, err);
    }
    VaeAnimateOptions o = vae_animate_defaults();
    CHECK(vae_animate_resolve(r, &o, err) == VAE_OK);
    CHECK(o.width == 480 && o.height == 480 && o.fps == 10 && o.frames == 6);
    vae_recording_destroy(r);

    int idx[100];
    for (int n = 1; n <= 40; n++) {
        vae_animate_pick(40, n, idx);
        CHECK(idx[n - 1] == 39 && (n == 1 || idx[0] == 0));
        for (int k = 1; k < n; k++)
            CHECK(idx[k] > idx[k - 1]);
    }
}

static void test_pixels(void) {
    /* the palette finds its own colours exactly */
    static VaeGifPalette p;
    uint32_t colors[12];
    for (int i = 0; i < 10; i++)
        colors[i] = vae_class_argb(i);
    colors[10] = VAE_ARGB(0, 0, 0), colors[11] = VAE_ARGB(255, 255, 255);
    vae_gif_palette_init(&p, colors, 12);
    uint8_t idx[12];
    vae_gif_quantize(&p, colors, idx, 12);
    for (int i = 0; i < 12; i++)
        CHECK(idx[i] == i);
    /* the font: "1" at scale 2 is 10 x 14 pixels, its stem in the middle column */
    uint32_t px[20 * 20] = {0};
    CHECK(vae_bitfont_width("1", 2) == 10 && vae_bitfont_width("STEP 10", 1) == 41);
    vae_bitfont_draw(px, 20, 20, 0, 0, 2, 7, "1");
    int set = 0;
    for (int i = 0; i < 400; i++)
        set += px[i] == 7;
    CHECK(px[5 * 20 + 4] == 7 && px[0] == 0 && set == 4 * (2 + 1 + 1 + 1 + 1 + 1 + 3));
    /* the scatter: one point at the centre of the view, drawn in its class colour */
    float z[2] = {1.5f, -2};
    uint8_t label = 3;
    VaeScatterPoints pts = {z, 2, 1, {0, 1}, &label};
    VaePlaneView v = {1.5, -2, 40};
    VaeScatterColors c = {VAE_ARGB(0, 0, 0), VAE_ARGB(1, 1, 1), VAE_ARGB(2, 2, 2)};
    uint32_t img[32 * 32];
    CHECK(vae_scatter_raster(img, 32, 32, &v, 1, &pts, &c) == 0);
    uint32_t want = vae_class_argb(3), got = img[16 * 32 + 16];
    CHECK_MSG(fabs((double)(got >> 8 & 255) - 0.8 * (want >> 8 & 255)) < 3, "%06x vs %06x", got,
              want);
    CHECK(img[0] == c.bg);
    /* dots over a coloured background, two cut by the edges: each pixel is one coverage a
     * (0..256) blended channel by channel, (colour a + background (256 - a)) >> 8 */
    float zs[6] = {1.5f, -2, 1.1f, -1.65f, 1.9f, -2.38f};
    uint8_t labels[3] = {3, 1, 8};
    VaeScatterPoints three = {zs, 2, 3, {0, 1}, labels};
    c.bg = c.grid = c.axis = VAE_ARGB(200, 10, 90); /* no lines to tell apart */
    CHECK(vae_scatter_raster(img, 32, 32, &v, 1, &three, &c) == 0);
    int blended = 0, explained = 0;
    for (int i = 0; i < 32 * 32; i++) {
        if (img[i] == c.bg) continue;
        blended++;
        for (int l = 0, hit = 0; l < 3 && !hit; l++) {
            uint32_t col = vae_class_argb(labels[l]);
            for (uint32_t a = 0; a <= 256 && !hit; a++) {
                hit = 1;
                for (int sh = 0; sh <= 16; sh += 8) {
                    uint32_t f = col >> sh & 255, b = c.bg >> sh & 255;
                    hit &= (img[i] >> sh & 255) == (f * a + b * (256 - a)) >> 8;
                }
            }
            explained += hit;
        }
    }
    CHECK_MSG(blended > 40 && explained == blended, "%d of %d pixels", explained, blended);
}

/* vae_plane_over: where an image lands, what opaque and clear texels do, bilinear in
 * between, and extents far outside the pixels. */
static void test_over(void) {
    enum { W = 40, H = 20 };
    uint32_t px[W * H], bg = VAE_ARGB(10, 20, 30);
    uint32_t red = VAE_ARGB(200, 0, 0), half = 0x80400000u; /* premultiplied: 50 % of (128, 0, 0) */
    uint32_t two[2] = {VAE_ARGB(0, 0, 0), VAE_ARGB(255, 255, 255)};
    for (int i = 0; i < W * H; i++)
        px[i] = bg;
    /* one opaque texel over x 10..20, y 5..15: exactly those pixels, exactly its colour */
    CHECK(vae_plane_over(px, W, H, &red, 1, 1, 10, 5, 20, 15) == 0);
    int inside = 0, wrong = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int in = x >= 10 && x < 20 && y >= 5 && y < 15;
            inside += in;
            wrong += px[y * W + x] != (in ? red : bg);
        }
    CHECK_MSG(inside == 100 && wrong == 0, "%d wrong", wrong);
    /* a clear texel changes nothing; half alpha halves the background under its colour */
    uint32_t clear = 0;
    CHECK(vae_plane_over(px, W, H, &clear, 1, 1, 0, 0, W, H) == 0 && px[0] == bg &&
          px[5 * W + 10] == red);
    CHECK(vae_plane_over(px, W, H, &half, 1, 1, 0, 0, 1, 1) == 0);
    CHECK_MSG(px[0] == VAE_ARGB(64 + 5, 10, 15), "%08x", px[0]);
    /* black then white across the width: grey rises from the first texel's centre to the
     * second's, flat beyond them */
    CHECK(vae_plane_over(px, W, H, two, 2, 1, 0, 0, W, H) == 0);
    int rising = 1;
    for (int x = 1; x < W; x++)
        rising &= (px[x] & 255) >= (px[x - 1] & 255);
    CHECK(rising && (px[0] & 255) == 0 && (px[9] & 255) == 0 && (px[W - 1] & 255) == 255);
    uint32_t mid = px[W / 2] & 255;
    CHECK(mid > 100 && mid < 155 && (px[W / 2] >> 8 & 255) == mid);
    /* an extent a million pixels wide, or not finite: clipped, or nothing */
    CHECK(vae_plane_over(px, W, H, &red, 1, 1, -1e6, -1e6, 1e6, 1e6) == 0 && px[3 * W + 7] == red);
    CHECK(vae_plane_over(px, W, H, &bg, 1, 1, NAN, 0, W, H) == 0 && px[0] == red);
}

int main(void) {
    snprintf(dir, sizeof dir, "%s/animate_test", check_tmpdir());
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s\n", dir);
        return 1;
    }
    test_gif();
    test_options();
    test_pixels();
    test_over();
    return CHECK_DONE();
}
