/* `vae reconstruct` (a test image or the user's PNG, corrupted and repaired),
 * `vae encode --image` (the code and scores of a PNG; the user's own images are prepared
 * as MNIST's digits were) and `vae bench --nearest` (the nearest training images' time). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "fileio.h"
#include "image.h"

typedef struct {
    enum { NOISE_NONE, NOISE_GAUSS, NOISE_SP } kind;
    float level;
} Noise;

/* "gauss:S" (S >= 0) or "sp:P" (0 <= P <= 1) */
static int parse_noise(const char *v, void *dst) {
    Noise *n = dst;
    const char *num = !strncmp(v, "gauss:", 6) ? v + 6 : !strncmp(v, "sp:", 3) ? v + 3 : NULL;
    if (!num || !*num) return 0;
    char *end;
    errno = 0;
    float x = strtof(num, &end);
    if (*end || errno || !isfinite(x) || x < 0) return 0;
    n->kind = num == v + 6 ? NOISE_GAUSS : NOISE_SP;
    if (n->kind == NOISE_SP && x > 1) return 0;
    n->level = x;
    return 1;
}

/* "X0,Y0,X1,Y1": four integers (checked against the image size later) */
static int parse_rect(const char *v, void *dst) {
    float f[4];
    int n, *r = dst;
    if (!cli_parse_floats(v, f, 4, &n) || n != 4) return 0;
    for (int i = 0; i < 4; i++) {
        if (f[i] != floorf(f[i]) || fabsf(f[i]) > 1e6f) return 0;
        r[i] = (int)f[i];
    }
    return 1;
}

int cli_load_image(const char *path, const VaeModel *m, float *x) {
    if (m->cfg.input_h != VAE_MNIST_SIDE || m->cfg.input_w != VAE_MNIST_SIDE)
        return cli_error(CLI_USAGE, "--image needs a model of %dx%d images; this one takes %dx%d",
                         VAE_MNIST_SIDE, VAE_MNIST_SIDE, m->cfg.input_h, m->cfg.input_w);
    char err[VAE_ERR_LEN];
    uint8_t *grey = NULL;
    int w, h;
    VaeStatus s = vae_png_read(path, 1, VAE_PNG_MAX_PIXELS, &grey, &w, &h, err);
    if (s != VAE_OK) return cli_error(s == VAE_ERR_NOMEM ? CLI_FAIL : CLI_USAGE, "%s", err);
    s = vae_image_to_mnist(grey, w, h, x, err);
    free(grey);
    if (s != VAE_OK) return cli_error(CLI_USAGE, "%s: %s", path, err);
    return CLI_OK;
}

/* The clean image: a test image (its label) or the user's PNG (label from --label). */
static int load_input(const VaeModel *m, const char *model, const char *image, int index,
                      const char *data, const char *dataset, float *x, int *label) {
    if (image) return cli_load_image(image, m, x);
    VaeDataset ds;
    int rc = cli_load_dataset(&ds, data, dataset);
    if (rc) return rc;
    if (!(rc = cli_check_data(m, &ds, model)) &&
        !(rc = cli_check_index("reconstruct", "--index", index, &ds.test))) {
        vae_data_batch(&ds.test, &index, 1, x);
        if (*label < 0 && m->cfg.kind == VAE_KIND_CVAE) *label = ds.test.labels[index];
    }
    vae_dataset_free(&ds);
    return rc;
}

static void print_pixels(const float *x, int n) {
    for (int i = 0; i < n; i++)
        printf("%.6g%c", x[i], i + 1 < n ? ',' : '\n');
}

/* img (3, n_in): from the clean image, the corrupted one (noise, then the mask's pixels
 * set to 0) and its repair (one pass, or iters iterations of inpainting). */
static void corrupt_and_repair(const VaeModel *m, VaeWorkspace *ws, const Noise *noise,
                               const uint8_t *mask, int iters, uint8_t label, uint64_t seed,
                               float *img) {
    const int n = m->n_in;
    float *clean = img, *bad = img + n, *fixed = img + 2 * n;
    VaeRng rng;
    vae_rng_seed(&rng, seed, 0x14);
    memcpy(bad, clean, sizeof(float) * (size_t)n);
    if (noise->kind == NOISE_GAUSS) vae_corrupt_gaussian(bad, n, noise->level, &rng);
    if (noise->kind == NOISE_SP) vae_corrupt_salt_pepper(bad, n, noise->level, &rng);
    vae_corrupt_mask(bad, mask, n, 0.0f);
    if (iters == 0) {
        vae_reconstruct(m, ws, bad, label, fixed);
        return;
    }
    memcpy(fixed, bad, sizeof(float) * (size_t)n);
    for (int k = 0; k < iters; k++)
        vae_inpaint_step(m, ws, fixed, mask, label, &rng);
}

int cmd_reconstruct(int argc, char **argv) {
    const char *model = NULL, *image = NULL, *out = NULL, *data = NULL, *dataset = NULL;
    int index = -1, iters = 0, label = -1, scale = 1, has_mask = 0, rect[4] = {0};
    Noise noise = {NOISE_NONE, 0.0f};
    uint64_t seed = 0;
    const VaeOpt opts[] = {
        {"--model", VAE_OPT_STR, &model, "FILE", "checkpoint (.safetensors), required"},
        {"--index", VAE_OPT_INT, &index, "I", "test image I of the dataset", 0, 1e8},
        {"--image", VAE_OPT_STR, &image, "FILE.png",
         "a PNG of your own (any size, colour or grey, dark ink on light\npaper or light on "
         "dark), prepared as MNIST's digits were"},
        {"--data", VAE_OPT_STR, &data, "DIR", "IDX dataset directory for --index"},
        {"--dataset", VAE_OPT_STR, &dataset, "NAME", "mnist (default) or fashion, for --index"},
        {"--label", VAE_OPT_INT, &label, "L", "class to condition on (cvae; --index: its label)"},
        {"--noise", VAE_OPT_PARSE, &noise, "gauss:S|sp:P",
         "Gaussian noise of standard deviation S (clamped to [0, 1]),\nor salt and pepper: "
         "each pixel 0 or 1 with probability P",
         0, 0, parse_noise},
        {"--mask", VAE_OPT_PARSE, rect, "X0,Y0,X1,Y1",
         "pixels [X0, X1) x [Y0, Y1) are missing (set to 0); the lower\nhalf is 0,14,28,28", 0, 0,
         parse_rect, &has_mask},
        {"--iters", VAE_OPT_INT, &iters, "K",
         "inpaint the masked pixels with K iterations of: sample z ~\nq(z|x), decode, put the "
         "decoded pixels back (default 0: one\npass, the decode of the posterior mean)",
         0, 100000},
        {"--seed", VAE_OPT_U64, &seed, "S", "seed of the noise and the samples (default 0)"},
        {"--out", VAE_OPT_STR, &out, "FILE.png",
         "write clean | corrupted | reconstructed side by side"},
        {"--scale", VAE_OPT_INT, &scale, "N", "PNG pixels per image pixel (default 1)", 1, 64},
    };
    const CliCommand cmd = {
        "reconstruct",
        "--model FILE (--index I | --image FILE.png) [--noise gauss:S | --noise sp:P] "
        "[--mask X0,Y0,X1,Y1] [--iters K] [--seed S] [--out FILE.png]",
        "Corrupt an image and repair it with the model. Without --out print three lines of "
        "comma-separated pixel values in [0, 1]: the clean image, the corrupted one and the "
        "reconstruction.",
        opts,
        (int)(sizeof opts / sizeof opts[0]),
        0,
        NULL};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if (!model) return cli_error(CLI_USAGE, "reconstruct: --model FILE is required");
    if ((index >= 0) == (image != NULL))
        return cli_error(CLI_USAGE, "reconstruct: give one of --index I and --image FILE.png");
    if (iters > 0 && !has_mask)
        return cli_error(CLI_USAGE, "reconstruct: --iters inpaints the pixels of --mask; give one");
    VaeModel m;
    if ((rc = cli_load_model(model, &m, NULL))) return rc;
    const int n = m.n_in;
    float *img = malloc(sizeof(float) * 3 * (size_t)n); /* clean, corrupted, reconstructed */
    uint8_t *mask = calloc((size_t)n, 1);
    VaeWorkspace ws;
    char err[VAE_ERR_LEN];
    memset(&ws, 0, sizeof ws);
    if (!img || !mask || vae_workspace_init(&ws, &m, 1, err) != VAE_OK) {
        rc = cli_error(CLI_FAIL, "reconstruct: out of memory");
        goto done;
    }
    if ((rc = load_input(&m, model, image, index, data, dataset, img, &label))) goto done;
    if ((rc = cli_check_label(&m, label, "reconstruct"))) goto done;
    if (has_mask && vae_mask_rect(mask, m.cfg.input_w, m.cfg.input_h, rect[0], rect[1], rect[2],
                                  rect[3], err) != VAE_OK) {
        rc = cli_error(CLI_USAGE, "reconstruct: --mask: %s", err);
        goto done;
    }
    corrupt_and_repair(&m, &ws, &noise, mask, iters, (uint8_t)(label < 0 ? 0 : label), seed, img);
    if (out) {
        VaeStatus s = vae_png_write_tiles(out, img, 3, 3, m.cfg.input_h, m.cfg.input_w, scale, err);
        rc = s == VAE_OK ? CLI_OK : cli_error(CLI_FAIL, "%s", err);
    } else {
        for (int k = 0; k < 3; k++)
            print_pixels(img + (size_t)k * n, n);
        rc = CLI_OK;
    }
done:
    vae_workspace_free(&ws);
    free(img);
    free(mask);
    vae_model_free(&m);
    return rc;
}

int cli_encode_image(const char *model, const char *image, int label, int iw, uint64_t seed) {
    VaeModel m;
    int rc = cli_load_model(model, &m, NULL);
    if (rc) return rc;
    float *x = malloc(sizeof(float) * (size_t)m.n_in);
    char err[VAE_ERR_LEN];
    if (!x) {
        rc = cli_error(CLI_FAIL, "encode: out of memory");
        goto done;
    }
    if ((rc = cli_load_image(image, &m, x)) || (rc = cli_check_label(&m, label, "encode")))
        goto done;
    if (iw > 1 && !vae_kind_is_stochastic(m.cfg.kind)) {
        rc = cli_error(CLI_USAGE, "encode: --iw needs a VAE; %s is a %s (no posterior to sample)",
                       model, vae_kind_name(m.cfg.kind));
        goto done;
    }
    uint8_t lab = (uint8_t)(label < 0 ? 0 : label);
    float mu[VAE_MAX_LATENT], lv[VAE_MAX_LATENT];
    VaeWorkspace ws;
    if (vae_workspace_init_encoder(&ws, &m, 1, err) != VAE_OK) {
        rc = cli_error(CLI_FAIL, "encode: %s", err);
        goto done;
    }
    vae_model_encode(&m, &ws, x, &lab, 1, mu, lv);
    vae_workspace_free(&ws);
    VaeImageScore sc;
    VaeStatus s = vae_image_score(&m, x, lab, iw, seed, &sc, err);
    if (s != VAE_OK) {
        rc = cli_error(CLI_FAIL, "encode: %s: %s", image, err);
        goto done;
    }
    printf("mu=");
    for (int j = 0; j < m.cfg.latent; j++)
        printf(j ? ",%.6g" : "%.6g", mu[j]);
    printf(" logvar=");
    for (int j = 0; j < m.cfg.latent; j++)
        printf(j ? ",%.6g" : "%.6g", lv[j]);
    printf(" neg_elbo=%.2f recon=%.2f kl=%.2f", sc.neg_elbo, sc.recon, sc.kl);
    if (iw > 1) printf(" iwae_nll=%.2f iw=%d", sc.iwae_nll, iw);
    printf("\n");
    rc = CLI_OK;
done:
    free(x);
    vae_model_free(&m);
    return rc;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int cli_bench_nearest(const char *data, const char *dataset, int k, float seconds) {
    VaeDataset ds;
    int rc = cli_load_dataset(&ds, data, dataset);
    if (rc) return rc;
    const int n_in = ds.train.rows * ds.train.cols, max_q = 100000;
    float *x = malloc(sizeof(float) * (size_t)n_in), *d2 = malloc(sizeof(float) * (size_t)k);
    int *idx = malloc(sizeof(int) * (size_t)k);
    double *ms = malloc(sizeof(double) * max_q), t_end = vae_now() + seconds;
    if (!x || !d2 || !idx || !ms) {
        rc = cli_error(CLI_FAIL, "bench: out of memory");
        goto done;
    }
    /* the test images in turn as queries, each timed alone */
    int q = 0;
    for (; q < max_q && (q < 3 || vae_now() < t_end); q++) {
        int i = q % ds.test.n;
        vae_data_batch(&ds.test, &i, 1, x);
        double t0 = vae_now();
        vae_nearest_images(&ds.train, x, k, idx, d2);
        ms[q] = (vae_now() - t0) * 1e3;
    }
    qsort(ms, (size_t)q, sizeof *ms, cmp_double);
    printf("nearest_ms=%.2f (median of %d queries; p10 %.2f, p90 %.2f) images=%d k=%d "
           "dataset=%s\n",
           ms[q / 2], q, ms[q / 10], ms[q * 9 / 10], ds.train.n, k, ds.name);
done:
    free(x), free(d2), free(idx), free(ms);
    vae_dataset_free(&ds);
    return rc;
}
