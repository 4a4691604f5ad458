/* The user's own images (issue 14) on MNIST and the pretrained models: drawings and
 * pictures prepared as MNIST's digits were, corruption, one-pass reconstruction and
 * iterative inpainting, per-image scores, and the nearest training images. Figures are
 * printed for the record; no timing is asserted. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "fileio.h"
#include "image.h"
#include "parallel.h"
#include "trainer.h"

#define S VAE_MNIST_SIDE
#define D VAE_MNIST_PIXELS

static VaeDataset ds;
static VaeModel vae, ae;

static void digit(const VaeSplit *s, int i, float *x) {
    vae_data_batch(s, &i, 1, x);
}

static double sq_dist(const float *a, const float *b, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += (double)(a[i] - b[i]) * (a[i] - b[i]);
    return s;
}

/* ---- drawing ------------------------------------------------------------------------ */

/* An anti-aliased round brush of radius r along the segment (x0, y0) - (x1, y1) on a
 * (h, w) canvas: ink = coverage of each pixel centre's distance to the segment. */
static void stroke(float *c, int w, int h, double x0, double y0, double x1, double y1, double r) {
    double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double px = x + 0.5 - x0, py = y + 0.5 - y0;
            double t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            double ex = px - t * dx, ey = py - t * dy, d = sqrt(ex * ex + ey * ey);
            double v = r + 0.5 - d;
            v = v < 0 ? 0 : v > 1 ? 1 : v;
            if (v > c[y * w + x]) c[y * w + x] = (float)v;
        }
}

/* A "7" in the box (x, y, size) of a canvas. */
static void draw_seven(float *c, int w, int h, double x, double y, double size, double r) {
    stroke(c, w, h, x, y, x + size * 0.8, y, r);
    stroke(c, w, h, x + size * 0.8, y, x + size * 0.3, y + size, r);
}

/* Columns (x) or rows (y) holding any ink: [lo, hi). */
static void extent(const float *img, int axis, int *lo, int *hi) {
    *lo = S, *hi = 0;
    for (int y = 0; y < S; y++)
        for (int x = 0; x < S; x++)
            if (img[y * S + x] > 0.0f) {
                int v = axis ? y : x;
                if (v < *lo) *lo = v;
                if (v + 1 > *hi) *hi = v + 1;
            }
}

/* Prepared like MNIST: centre of mass within half a pixel of (14, 14), the ink within a
 * 20x20 box and filling it on its long side, full ink somewhere. */
static void check_centred(const float *out, const char *what, int long_side_x) {
    double cx, cy;
    CHECK_MSG(vae_image_center_of_mass(out, S, S, &cx, &cy), "%s: blank", what);
    CHECK_MSG(fabs(cx - 14.0) <= 0.5 + 1e-9 && fabs(cy - 14.0) <= 0.5 + 1e-9,
              "%s: centre of mass (%.2f, %.2f)", what, cx, cy);
    int x0, x1, y0, y1;
    extent(out, 0, &x0, &x1);
    extent(out, 1, &y0, &y1);
    CHECK_MSG(x1 - x0 <= VAE_MNIST_BOX && y1 - y0 <= VAE_MNIST_BOX, "%s: ink %dx%d", what, x1 - x0,
              y1 - y0);
    int long_side = long_side_x ? x1 - x0 : y1 - y0;
    CHECK_MSG(long_side >= VAE_MNIST_BOX - 1, "%s: long side %d", what, long_side);
    float top = 0.0f;
    for (int i = 0; i < D; i++)
        top = out[i] > top ? out[i] : top;
    CHECK_MSG(fabsf(top - 1.0f) < 1e-6f, "%s: darkest ink %.3f", what, top);
}

static void test_canvas(void) {
    char err[VAE_ERR_LEN];
    float c[S * S], out[D], out2[D];
    /* a small 7 in the top-left corner, and the same 7 in the bottom-right */
    memset(c, 0, sizeof c);
    draw_seven(c, S, S, 1.5, 1.5, 9.0, 0.9);
    CHECK(vae_image_center(c, S, S, out, err) == VAE_OK);
    check_centred(out, "small 7 top left", 0);
    memset(c, 0, sizeof c);
    draw_seven(c, S, S, 16.5, 15.5, 9.0, 0.9);
    CHECK(vae_image_center(c, S, S, out2, err) == VAE_OK);
    CHECK_MSG(!memcmp(out, out2, sizeof out), "the same strokes elsewhere prepare differently");
    /* a tall thin 1 keeps its aspect ratio; a wide dash too */
    memset(c, 0, sizeof c);
    stroke(c, S, S, 22.0, 2.0, 23.0, 12.0, 0.8);
    CHECK(vae_image_center(c, S, S, out, err) == VAE_OK);
    check_centred(out, "a 1 at the right", 0);
    int x0, x1;
    extent(out, 0, &x0, &x1);
    CHECK_MSG(x1 - x0 <= 7, "the 1 is %d pixels wide", x1 - x0);
    memset(c, 0, sizeof c);
    stroke(c, S, S, 3.0, 24.0, 13.0, 24.0, 0.8);
    CHECK(vae_image_center(c, S, S, out, err) == VAE_OK);
    check_centred(out, "a dash at the bottom", 1);
    /* a 280x200 canvas with a thick brush, drawn near its left edge */
    int bw = 280, bh = 200;
    float *big = calloc((size_t)bw * bh, sizeof(float));
    draw_seven(big, bw, bh, 10.0, 40.0, 120.0, 9.0);
    CHECK(vae_image_center(big, bw, bh, out, err) == VAE_OK);
    check_centred(out, "a large canvas", 0);
    free(big);
    /* a fine pen (a pixel wide) on a large sheet still reaches full ink */
    bw = 400, bh = 400;
    big = calloc((size_t)bw * bh, sizeof(float));
    draw_seven(big, bw, bh, 150.0, 100.0, 200.0, 0.5);
    CHECK(vae_image_center(big, bw, bh, out, err) == VAE_OK);
    check_centred(out, "a fine pen", 0);
    free(big);
    /* a blank canvas is not an error: zeros */
    memset(c, 0, sizeof c);
    out[0] = 1.0f;
    CHECK(vae_image_center(c, S, S, out, err) == VAE_OK);
    int ink = 0;
    for (int i = 0; i < D; i++)
        ink += out[i] != 0.0f;
    CHECK(ink == 0);
    CHECK(vae_image_center(c, 0, S, out, err) == VAE_ERR_ARG);
}

/* ---- a digit through a PNG and back ---------------------------------------------------- */

/* Digit x (28x28) as a picture: dark ink (20) on light paper (230), scaled by `scale`
 * with bilinear interpolation and placed at (ox, oy) on a (h, w) sheet. */
static void picture_of(const float *x, double scale, int ox, int oy, int w, int h, uint8_t *pic) {
    for (int y = 0; y < h; y++)
        for (int X = 0; X < w; X++) {
            double sx = (X - ox + 0.5) / scale - 0.5, sy = (y - oy + 0.5) / scale - 0.5, v = 0.0;
            int ix = (int)floor(sx), iy = (int)floor(sy);
            double fx = sx - ix, fy = sy - iy;
            for (int k = 0; k < 4; k++) {
                int px = ix + (k & 1), py = iy + (k >> 1);
                double wgt = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy);
                if (px >= 0 && px < S && py >= 0 && py < S) v += wgt * x[py * S + px];
            }
            pic[(size_t)y * w + X] = (uint8_t)lround(230.0 - 210.0 * v);
        }
}

/* A test digit drawn on paper (dark ink on a light sheet), scaled 2 to 2.5 times, moved,
 * written to PNG, read back and prepared, encodes to nearly the code of the original:
 * closer on average than the same digit moved by one pixel. */
static void test_png_digits(void) {
    const int n = 200, w = 123, h = 97;
    char path[1200], err[VAE_ERR_LEN];
    snprintf(path, sizeof path, "%s/images_test.png", check_tmpdir());
    uint8_t *pic = malloc((size_t)w * h), *back = NULL;
    VaeWorkspace ws;
    CHECK(vae_workspace_init(&ws, &vae, 1, err) == VAE_OK);
    double moved = 0.0, shifted = 0.0, pixels = 0.0;
    int closer = 0;
    float x[D], y[D], prepared[D], mu[2], mu2[2], mu1[2];
    for (int i = 0; i < n; i++) {
        digit(&ds.test, i, x);
        picture_of(x, 2.0 + 0.12 * (i % 5), 5 + 7 * (i % 6), 3 + (i % 4), w, h, pic);
        CHECK_MSG(vae_png_write(path, pic, w, h, 1, err) == VAE_OK, "%s", err);
        int bw, bh;
        CHECK_MSG(vae_png_read(path, 1, VAE_PNG_MAX_PIXELS, &back, &bw, &bh, err) == VAE_OK, "%s",
                  err);
        CHECK(back && bw == w && bh == h && !memcmp(back, pic, (size_t)w * h));
        CHECK_MSG(vae_image_to_mnist(back, bw, bh, prepared, err) == VAE_OK, "%s", err);
        free(back);
        back = NULL;
        pixels += sqrt(sq_dist(prepared, x, D) / D);
        memset(y, 0, sizeof y); /* the digit one pixel to the right */
        for (int p = 0; p < D; p++)
            if (p % S < S - 1) y[p + 1] = x[p];
        vae_model_encode(&vae, &ws, x, NULL, 1, mu, NULL);
        vae_model_encode(&vae, &ws, prepared, NULL, 1, mu2, NULL);
        vae_model_encode(&vae, &ws, y, NULL, 1, mu1, NULL);
        double d = hypot(mu2[0] - mu[0], mu2[1] - mu[1]),
               d1 = hypot(mu1[0] - mu[0], mu1[1] - mu[1]);
        moved += d / n, shifted += d1 / n;
        closer += d < d1;
    }
    printf("PNG digits: the code moved %.3f on average (a one-pixel shift moves it %.3f); closer "
           "than the shift for %d of %d; pixel RMS difference %.3f\n",
           moved, shifted, closer, n, pixels / n);
    CHECK(moved < 0.6 * shifted);
    CHECK(closer >= n * 2 / 3);
    vae_workspace_free(&ws);
    free(pic);
    /* a flat picture has no ink */
    uint8_t flat[64];
    memset(flat, 200, sizeof flat);
    CHECK(vae_image_to_mnist(flat, 8, 8, prepared, err) == VAE_ERR_FORMAT && strstr(err, "no ink"));
}

/* ---- corruption ---------------------------------------------------------------------- */

static void test_corruption(void) {
    enum { N = 20000 };
    static float x[N], y[N];
    char err[VAE_ERR_LEN];
    VaeRng r, r2;
    for (int i = 0; i < N; i++)
        x[i] = 0.5f;
    vae_rng_seed(&r, 1, 1);
    vae_corrupt_gaussian(x, N, 0.1f, &r);
    double m = 0, v = 0;
    for (int i = 0; i < N; i++)
        m += x[i] / N;
    for (int i = 0; i < N; i++)
        v += (x[i] - m) * (x[i] - m) / N;
    CHECK_MSG(fabs(m - 0.5) < 0.003 && fabs(sqrt(v) - 0.1) < 0.003, "mean %.4f sd %.4f", m,
              sqrt(v));
    for (int i = 0; i < N; i++)
        y[i] = 0.5f;
    vae_rng_seed(&r2, 1, 1);
    vae_corrupt_gaussian(y, N, 0.1f, &r2);
    CHECK(!memcmp(x, y, sizeof x)); /* the seed decides */
    vae_corrupt_gaussian(y, N, 5.0f, &r2);
    int clamped = 0;
    for (int i = 0; i < N; i++)
        clamped += y[i] == 0.0f || y[i] == 1.0f;
    CHECK(clamped > N / 2);
    for (int i = 0; i < N; i++)
        x[i] = 0.5f;
    vae_corrupt_salt_pepper(x, N, 0.2f, &r);
    int salt = 0, pepper = 0;
    for (int i = 0; i < N; i++)
        salt += x[i] == 1.0f, pepper += x[i] == 0.0f;
    CHECK_MSG(fabs((salt + pepper) / (double)N - 0.2) < 0.01 && abs(salt - pepper) < N / 50,
              "salt %d pepper %d", salt, pepper);
    uint8_t mask[D];
    memset(mask, 0, sizeof mask);
    CHECK(vae_mask_rect(mask, S, S, 0, 14, 28, 28, err) == VAE_OK);
    int n = 0;
    for (int i = 0; i < D; i++)
        n += mask[i];
    CHECK(n == 14 * 28 && mask[14 * S] && !mask[13 * S + 27]);
    CHECK(vae_mask_rect(mask, S, S, 0, 14, 29, 28, err) == VAE_ERR_ARG &&
          strstr(err, "0,14,29,28"));
    CHECK(vae_mask_rect(mask, S, S, 5, 5, 5, 9, err) == VAE_ERR_ARG);
    CHECK(vae_mask_rect(mask, S, S, -1, 0, 3, 3, err) == VAE_ERR_ARG);
    float img[D];
    for (int i = 0; i < D; i++)
        img[i] = 0.7f;
    vae_corrupt_mask(img, mask, D, 0.0f);
    CHECK(img[14 * S] == 0.0f && img[13 * S] == 0.7f);
}

/* ---- repair ------------------------------------------------------------------------------ */

/* Reconstructions of noisy digits are closer to the clean digit than the noisy input is.
 * A 2-D model's reconstruction of a clean digit is itself about 5.5 away (L2), so the noise
 * has to be stronger than that: Gaussian 0.5 (clamped, ~9.5 away) and salt and pepper 0.2. */
static void test_denoise(const VaeModel *m, const char *name) {
    const int n = 500;
    VaeWorkspace ws;
    char err[VAE_ERR_LEN];
    CHECK(vae_workspace_init(&ws, m, 1, err) == VAE_OK);
    VaeRng r;
    vae_rng_seed(&r, 14, 0);
    for (int kind = 0; kind < 2; kind++) {
        double noisy = 0, fixed = 0;
        int better = 0;
        float x[D], c[D], out[D];
        for (int i = 0; i < n; i++) {
            digit(&ds.test, i, x);
            memcpy(c, x, sizeof c);
            if (kind == 0)
                vae_corrupt_gaussian(c, D, 0.5f, &r);
            else
                vae_corrupt_salt_pepper(c, D, 0.2f, &r);
            vae_reconstruct(m, &ws, c, 0, out);
            double dn = sqrt(sq_dist(c, x, D)), df = sqrt(sq_dist(out, x, D));
            noisy += dn / n, fixed += df / n;
            better += df < dn;
        }
        printf("%s denoising (%s): L2 to the clean digit: noisy %.2f, reconstructed %.2f; "
               "closer for %d of %d\n",
               name, kind ? "salt and pepper 0.2" : "Gaussian 0.5", noisy, fixed, better, n);
        CHECK(fixed < noisy);
        CHECK(better >= n * 9 / 10);
    }
    vae_workspace_free(&ws);
}

/* Inpainting the lower half of every test digit: error on the missing pixels of K
 * iterations against one pass and against the training set's mean image. */
static void test_inpaint_lower_half(const VaeModel *m, const char *name) {
    const int iters = 10;
    char err[VAE_ERR_LEN];
    float mean[D] = {0}, x[D], c[D], one[D];
    for (int i = 0; i < ds.train.n; i++)
        for (int p = 0; p < D; p++)
            mean[p] += ds.train.images[(size_t)i * D + p] / 255.0f;
    for (int p = 0; p < D; p++)
        mean[p] /= (float)ds.train.n;
    uint8_t mask[D] = {0};
    CHECK(vae_mask_rect(mask, S, S, 0, 14, S, S, err) == VAE_OK);
    VaeWorkspace ws;
    CHECK(vae_workspace_init(&ws, m, 1, err) == VAE_OK);
    VaeRng r;
    vae_rng_seed(&r, 53, 0);
    double e_iter = 0, e_one = 0, e_mean = 0;
    int kept = 1;
    for (int i = 0; i < ds.test.n; i++) {
        digit(&ds.test, i, x);
        memcpy(c, x, sizeof c);
        vae_corrupt_mask(c, mask, D, 0.0f);
        vae_reconstruct(m, &ws, c, 0, one);
        for (int k = 0; k < iters; k++)
            vae_inpaint_step(m, &ws, c, mask, 0, &r);
        for (int p = 0; p < D; p++) {
            if (!mask[p]) {
                kept &= c[p] == x[p];
                continue;
            }
            e_iter += (double)(c[p] - x[p]) * (c[p] - x[p]);
            e_one += (double)(one[p] - x[p]) * (one[p] - x[p]);
            e_mean += (double)(mean[p] - x[p]) * (mean[p] - x[p]);
        }
    }
    int n = ds.test.n;
    printf("%s inpainting the lower half of %d test digits, squared error per image on the 392 "
           "missing pixels: %d iterations %.2f, one pass %.2f, mean image %.2f\n",
           name, n, iters, e_iter / n, e_one / n, e_mean / n);
    CHECK(kept);
    CHECK(e_iter < e_one);
    CHECK(e_iter < e_mean);
    vae_workspace_free(&ws);
}

/* Every kind: the known pixels are kept, the missing ones are the decoder's output for one
 * posterior sample drawn as vae_model_posterior_samples_from draws it (through the flows);
 * an AE is deterministic and a CVAE follows its label. Small untrained models suffice. */
static void test_inpaint_kinds(void) {
    const struct {
        VaeKind kind;
        int flows;
        const char *name;
    } kinds[] = {{VAE_KIND_VAE, 0, "vae"},
                 {VAE_KIND_AE, 0, "ae"},
                 {VAE_KIND_CVAE, 0, "cvae"},
                 {VAE_KIND_VAE, 3, "planar:3"}};
    char err[VAE_ERR_LEN];
    uint8_t mask[D] = {0};
    CHECK(vae_mask_rect(mask, S, S, 3, 10, 20, 25, err) == VAE_OK);
    float x[D], a[D], b[D], want[D];
    digit(&ds.test, 7, x);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        VaeConfig cfg = vae_config_default();
        cfg.kind = kinds[k].kind;
        cfg.flows = kinds[k].flows;
        cfg.n_hidden = 1;
        cfg.hidden[0] = 32;
        cfg.classes = 10;
        VaeModel m;
        VaeWorkspace ws;
        CHECK(vae_model_init(&m, &cfg, err) == VAE_OK);
        vae_model_init_params(&m, 3 + k);
        CHECK(vae_workspace_init(&ws, &m, 1, err) == VAE_OK);
        VaeRng r, copy;
        vae_rng_seed(&r, 9, 9);
        copy = r;
        memcpy(a, x, sizeof a);
        vae_inpaint_step(&m, &ws, a, mask, 4, &r);
        /* the same step by hand */
        float mu[2], lv[2], z[2];
        uint8_t label = 4;
        vae_model_encode(&m, &ws, x, &label, 1, mu, lv);
        uint64_t seed = vae_rng_u32(&copy);
        seed = seed << 32 | vae_rng_u32(&copy);
        vae_model_posterior_samples_from(&m, mu, lv, 1, seed, NULL, z);
        vae_model_decode(&m, &ws, z, &label, 1, want);
        int same = 1;
        for (int p = 0; p < D; p++)
            same &= a[p] == (mask[p] ? want[p] : x[p]);
        CHECK_MSG(same, "%s: one inpainting step", kinds[k].name);
        /* the one-pass reconstruction: decode of the mean (through the flows) */
        vae_flow_apply(&m, mu, 1, NULL);
        vae_model_decode(&m, &ws, mu, &label, 1, want);
        vae_reconstruct(&m, &ws, x, label, b);
        CHECK_MSG(!memcmp(b, want, sizeof b), "%s: reconstruction", kinds[k].name);
        /* another seed: a VAE samples another z, an AE does not */
        memcpy(b, x, sizeof b);
        vae_rng_seed(&r, 10, 9);
        vae_inpaint_step(&m, &ws, b, mask, 4, &r);
        int differ = memcmp(a, b, sizeof a) != 0;
        CHECK_MSG(differ == (kinds[k].kind != VAE_KIND_AE), "%s: seeds", kinds[k].name);
        if (kinds[k].kind == VAE_KIND_CVAE) {
            memcpy(b, x, sizeof b);
            vae_rng_seed(&r, 9, 9);
            vae_inpaint_step(&m, &ws, b, mask, 5, &r);
            CHECK_MSG(memcmp(a, b, sizeof a) != 0, "cvae: the label changes nothing");
        }
        /* the K-iteration loop is K steps */
        memcpy(a, x, sizeof a);
        memcpy(b, x, sizeof b);
        vae_rng_seed(&r, 11, 1);
        copy = r;
        CHECK(vae_inpaint(&m, a, mask, 4, 3, &r, err) == VAE_OK);
        for (int i = 0; i < 3; i++)
            vae_inpaint_step(&m, &ws, b, mask, 4, &copy);
        CHECK_MSG(!memcmp(a, b, sizeof a), "%s: vae_inpaint", kinds[k].name);
        vae_workspace_free(&ws);
        vae_model_free(&m);
    }
}

/* ---- scores ------------------------------------------------------------------------------ */

static void test_scores(void) {
    char err[VAE_ERR_LEN];
    const int n = ds.test.n, iw = 20;
    VaeImageScore *per = calloc((size_t)n, sizeof *per);
    VaeEvalStats ev, ev0;
    CHECK(vae_evaluate_per_image(&vae, &ds.test, iw, 5, NULL, NULL, &ev, per, err) == VAE_OK);
    CHECK(vae_evaluate(&vae, &ds.test, iw, 5, NULL, NULL, &ev0, err) == VAE_OK);
    CHECK(ev.neg_elbo == ev0.neg_elbo && ev.iwae_nll == ev0.iwae_nll);
    double sum[4] = {0};
    int consistent = 1;
    for (int i = 0; i < n; i++) {
        sum[0] += per[i].neg_elbo, sum[1] += per[i].recon, sum[2] += per[i].kl;
        sum[3] += per[i].iwae_nll;
        consistent &= fabs(per[i].neg_elbo - per[i].recon - per[i].kl) < 1e-9 && per[i].kl > 0;
    }
    CHECK(consistent);
    CHECK_MSG(fabs(sum[0] / n - ev.neg_elbo) < 1e-6 && fabs(sum[1] / n - ev.recon) < 1e-6 &&
                  fabs(sum[2] / n - ev.kl) < 1e-6 && fabs(sum[3] / n - ev.iwae_nll) < 1e-6,
              "per-image means %.4f %.4f %.4f %.4f vs %.4f %.4f %.4f %.4f", sum[0] / n, sum[1] / n,
              sum[2] / n, sum[3] / n, ev.neg_elbo, ev.recon, ev.kl, ev.iwae_nll);
    /* one image at a time: the same figures on average, reproducible, with and without a
     * kept scorer */
    VaeScorer *sc = NULL;
    CHECK(vae_scorer_create(&sc, &vae, iw, err) == VAE_OK);
    double elbo = 0, iwae = 0;
    float x[D];
    for (int i = 0; i < n; i++) {
        VaeImageScore s1, s2;
        digit(&ds.test, i, x);
        CHECK(vae_image_score(&vae, x, 0, iw, 100 + (uint64_t)i, &s1, err) == VAE_OK);
        vae_scorer_score(sc, &vae, x, 0, 100 + (uint64_t)i, &s2);
        if (memcmp(&s1, &s2, sizeof s1)) CHECK_MSG(0, "image %d: scorer and one-shot differ", i);
        elbo += s1.neg_elbo / n, iwae += s1.iwae_nll / n;
    }
    vae_scorer_destroy(sc);
    printf("scores: test set neg_elbo %.2f iwae_nll(%d) %.2f; one image at a time %.2f %.2f\n",
           ev.neg_elbo, iw, ev.iwae_nll, elbo, iwae);
    CHECK(fabs(elbo - ev.neg_elbo) < 1.0 && fabs(iwae - ev.iwae_nll) < 1.0);
    CHECK(iwae < elbo);
    /* noise is far less likely than a digit */
    VaeRng r;
    vae_rng_seed(&r, 2, 2);
    for (int p = 0; p < D; p++)
        x[p] = vae_rng_uniform(&r);
    VaeImageScore noise;
    CHECK(vae_image_score(&vae, x, 0, iw, 1, &noise, err) == VAE_OK);
    CHECK(noise.neg_elbo > 2 * ev.neg_elbo && noise.iwae_nll > 2 * ev.iwae_nll);
    /* an AE: recon only, and no importance weighting */
    VaeImageScore s;
    digit(&ds.test, 0, x);
    CHECK(vae_image_score(&ae, x, 0, 0, 1, &s, err) == VAE_OK);
    CHECK(s.kl == 0.0 && s.neg_elbo == s.recon && s.recon > 0);
    CHECK(vae_image_score(&ae, x, 0, 10, 1, &s, err) == VAE_ERR_ARG && strstr(err, "AE"));
    free(per);
}

/* ---- nearest images ------------------------------------------------------------------------ */

static void test_nearest(void) {
    const VaeSplit *t = &ds.train;
    const int k = 5;
    float *all = malloc(sizeof(float) * (size_t)t->n), x[D];
    for (int q = 0; q < 4; q++) {
        digit(&ds.test, q * 17, x);
        if (q == 3) digit(t, 1234, x); /* a training image: itself, at distance 0 */
        int idx[5];
        float d2[5];
        CHECK(vae_nearest_images(t, x, k, idx, d2) == k);
        for (int i = 0; i < t->n; i++) {
            double s = 0;
            for (int p = 0; p < D; p++) {
                double d = x[p] - t->images[(size_t)i * D + p] / 255.0;
                s += d * d;
            }
            all[i] = (float)s;
        }
        /* brute force: the k smallest, in order, ties to the lower index */
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int i = 0; i < t->n; i++) {
                int taken = 0;
                for (int u = 0; u < j; u++)
                    taken |= idx[u] == i;
                if (!taken && (best < 0 || all[i] < all[best])) best = i;
            }
            CHECK_MSG(idx[j] == best && fabsf(d2[j] - all[best]) < 1e-3f,
                      "query %d: neighbour %d is %d (%.4f), brute force %d (%.4f)", q, j, idx[j],
                      d2[j], best, all[best]);
        }
        if (q == 3) CHECK(idx[0] == 1234 && d2[0] < 1e-9f);
    }
    VaeSplit few = *t;
    few.n = 3;
    int idx[5];
    float d2[5];
    CHECK(vae_nearest_images(&few, x, 5, idx, d2) == 3);
    CHECK(d2[0] <= d2[1] && d2[1] <= d2[2]);
    CHECK(vae_nearest_images(t, x, 0, idx, d2) == 0);
    /* equal distances: the earlier image first (images 1 and 3 are the same) */
    few.images = malloc((size_t)4 * D);
    for (int i = 0; i < 4; i++)
        memset(few.images + (size_t)i * D, i == 3 ? 1 : i, D);
    few.n = 4;
    for (int p = 0; p < D; p++)
        x[p] = 1.0f / 255.0f;
    CHECK(vae_nearest_images(&few, x, 3, idx, d2) == 3);
    CHECK(idx[0] == 1 && idx[1] == 3 && d2[0] == 0.0f && d2[1] == 0.0f);
    free(few.images);
    free(all);
}

static int load_model(const char *name, VaeModel *m) {
    const char *dir = getenv("VAE_MODELS_DIR");
    char path[1200], err[VAE_ERR_LEN];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "models", name);
    if (vae_checkpoint_load(path, m, NULL, err) == VAE_OK) return 1;
    printf("cannot load %s: %s\n", path, err);
    return 0;
}

int main(void) {
    const char *dir = getenv("VAE_DATA_DIR");
    char err[VAE_ERR_LEN];
    if (!dir || vae_dataset_load(&ds, dir, err) != VAE_OK) {
        printf("MNIST data not found (%s): run scripts/fetch-data.sh\n",
               dir ? err : "VAE_DATA_DIR unset");
        return 1;
    }
    if (!load_model("mnist-vae.safetensors", &vae) || !load_model("mnist-ae.safetensors", &ae))
        return 1;
    vae_blas_set_threads(1); /* one image at a time: more BLAS threads only hand work around */
    test_canvas();
    test_png_digits();
    test_corruption();
    test_denoise(&vae, "VAE");
    test_denoise(&ae, "AE");
    test_inpaint_lower_half(&vae, "VAE");
    test_inpaint_lower_half(&ae, "AE");
    test_inpaint_kinds();
    test_scores();
    test_nearest();
    vae_model_free(&vae);
    vae_model_free(&ae);
    vae_dataset_free(&ds);
    return CHECK_DONE();
}
