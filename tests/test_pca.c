/* PCA as a model kind (pca.h): the fit's defining properties on synthetic 4x4 images, where
 * every component fits in a model (components orthonormal, variances decreasing, all of
 * them reconstruct exactly, two of them leave exactly the discarded eigenvalues as error),
 * its model (pixel values, not logits; scored without a KL; saved, loaded and checked), and
 * the same error identity on MNIST when the data is there. numpy's PCA is the reference in
 * tests/torch_crosscheck.test.py. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pca.h"
#include "rng.h"
#include "trainer.h"

#define SIDE 4
#define PIX (SIDE * SIDE)
#define N_IMAGES 300

/* Images from a few directions of decreasing spread plus noise: distinct eigenvalues. */
static VaeSplit synthetic(void) {
    VaeSplit s = {malloc(N_IMAGES * PIX), calloc(N_IMAGES, 1), N_IMAGES, SIDE, SIDE};
    VaeRng r;
    vae_rng_seed(&r, 11, 3);
    float dir[3][PIX];
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < PIX; i++)
            dir[k][i] = vae_rng_normal(&r);
    for (int n = 0; n < N_IMAGES; n++) {
        float a[3] = {30 * vae_rng_normal(&r), 15 * vae_rng_normal(&r), 6 * vae_rng_normal(&r)};
        for (int i = 0; i < PIX; i++) {
            float v = 128 + a[0] * dir[0][i] + a[1] * dir[1][i] + a[2] * dir[2][i] +
                      4 * vae_rng_normal(&r);
            s.images[n * PIX + i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : lrintf(v));
        }
    }
    return s;
}

static VaeModel fit(const VaeSplit *s, int k, VaePcaFit *f) {
    VaeModel m;
    char err[VAE_ERR_LEN];
    VaeStatus st = vae_pca_fit(&m, s, k, 10, f, err);
    CHECK_MSG(st == VAE_OK, "vae_pca_fit %d: %s", k, err);
    if (st != VAE_OK) exit(CHECK_DONE());
    return m;
}

/* Mean over the images of s of the summed squared error of m's reconstructions. */
static double recon_error(const VaeModel *m, const VaeSplit *s) {
    const int D = m->n_in, L = m->cfg.latent;
    VaeWorkspace ws;
    char err[VAE_ERR_LEN];
    CHECK(vae_workspace_init(&ws, m, 64, err) == VAE_OK);
    float *x = malloc(sizeof(float) * D), *z = malloc(sizeof(float) * L);
    float *y = malloc(sizeof(float) * D);
    double sum = 0;
    for (int n = 0; n < s->n; n++) {
        vae_data_batch(s, &n, 1, x);
        vae_model_encode(m, &ws, x, NULL, 1, z, NULL);
        vae_model_decode_logits(m, &ws, z, NULL, 1, y);
        for (int i = 0; i < D; i++)
            sum += ((double)y[i] - x[i]) * ((double)y[i] - x[i]);
    }
    free(x), free(z), free(y);
    vae_workspace_free(&ws);
    return sum / s->n;
}

static double rel(double a, double b) {
    return fabs(a - b) / fmax(fabs(b), 1e-12);
}

/* ---- the fit ------------------------------------------------------------------------ */

static void test_all_components(const VaeSplit *s) {
    VaePcaFit f;
    VaeModel m = fit(s, PIX, &f);
    const float *c = m.params + m.head.w; /* (PIX, PIX): row k = component k */
    double worst = 0, sum = 0;
    for (int k = 0; k < PIX; k++)
        for (int l = 0; l < PIX; l++) {
            double dot = 0;
            for (int i = 0; i < PIX; i++)
                dot += (double)c[k * PIX + i] * c[l * PIX + i];
            worst = fmax(worst, fabs(dot - (k == l)));
        }
    CHECK_MSG(worst < 1e-5, "components orthonormal: worst |C^T C - I| %.3g", worst);
    int decreasing = 1;
    for (int k = 0; k < PIX; k++) {
        decreasing &= k == 0 || f.var[k] <= f.var[k - 1];
        sum += f.var[k];
    }
    CHECK_MSG(decreasing && f.var[PIX - 1] > 0, "variances decreasing, positive: %.4g .. %.4g",
              f.var[0], f.var[PIX - 1]);
    CHECK_MSG(rel(sum, f.total_var) < 1e-5, "eigenvalues sum to the trace: %.6g vs %.6g", sum,
              f.total_var);
    double err = recon_error(&m, s);
    CHECK_MSG(err < 1e-8 * f.total_var, "all %d components reconstruct exactly: error %.3g", PIX,
              err);
    printf("synthetic %dx%d: variances %.4f %.4f %.4f ... total %.4f, full error %.2g\n", SIDE,
           SIDE, f.var[0], f.var[1], f.var[2], f.total_var, err);

    VaePcaFit f2;
    VaeModel m2 = fit(s, 2, &f2);
    double discarded = 0, diff = 0;
    for (int k = 2; k < PIX; k++)
        discarded += f.var[k];
    double err2 = recon_error(&m2, s);
    CHECK_MSG(rel(err2, discarded) < 1e-4, "2-D error %.6f = sum of discarded eigenvalues %.6f",
              err2, discarded);
    for (int i = 0; i < 2 * PIX; i++) /* the same two components, the same signs */
        diff = fmax(diff, fabs(m2.params[m2.head.w + i] - c[i]));
    CHECK_MSG(diff < 1e-5, "K=2 components are the first two of K=16: max diff %.3g", diff);
    vae_model_free(&m);
    vae_model_free(&m2);
}

/* ---- the model ---------------------------------------------------------------------- */

static void test_model(const VaeSplit *s) {
    VaePcaFit f;
    VaeModel m = fit(s, 2, &f);
    char err[VAE_ERR_LEN];
    CHECK(m.cfg.kind == VAE_KIND_PCA && !vae_kind_is_stochastic(m.cfg.kind));
    CHECK(m.n_info == 4 && !strcmp(m.info[0].name, "enc.mu.weight") &&
          !strcmp(m.info[2].name, "dec.0.weight") && m.info[2].shape[0] == PIX);
    /* far along a component the values leave [0, 1]: shown clipped, scored as they are */
    VaeWorkspace ws;
    CHECK(vae_workspace_init(&ws, &m, 1, err) == VAE_OK);
    float z[2] = {400.0f, 0.0f}, shown[PIX], raw[PIX];
    vae_model_decode(&m, &ws, z, NULL, 1, shown);
    vae_model_decode_logits(&m, &ws, z, NULL, 1, raw);
    int clipped = 1, outside = 0;
    for (int i = 0; i < PIX; i++) {
        float want = raw[i] < 0 ? 0 : raw[i] > 1 ? 1 : raw[i];
        clipped &= shown[i] == want;
        outside += raw[i] < 0 || raw[i] > 1;
    }
    CHECK_MSG(clipped && outside > 0, "decode clips the pixel values (%d outside [0, 1])", outside);
    vae_workspace_free(&ws);

    VaeEvalStats ev;
    CHECK(vae_evaluate(&m, s, 0, 1, NULL, NULL, &ev, err) == VAE_OK);
    double want_mse = f.total_var - f.var[0] - f.var[1];
    CHECK_MSG(rel(ev.mse, want_mse) < 1e-4 && ev.kl == 0 && ev.recon == ev.bce &&
                  ev.neg_elbo == ev.recon && ev.bce > 0,
              "eval: mse %.5f (want %.5f), bce %.3f, recon %.3f, kl %g", ev.mse, want_mse, ev.bce,
              ev.recon, ev.kl);
    CHECK(vae_evaluate(&m, s, 10, 1, NULL, NULL, &ev, err) == VAE_ERR_ARG); /* no posterior */

    VaeTrainer *t = NULL;
    VaeTrainConfig tc = vae_train_config_default();
    CHECK(vae_trainer_create(&t, &m.cfg, &m, &tc, s, err) == VAE_ERR_ARG && !t);

    char path[512];
    snprintf(path, sizeof path, "%s/test_pca.safetensors", check_tmpdir());
    VaeModel back;
    CHECK(vae_checkpoint_save(path, &m, NULL, err) == VAE_OK);
    CHECK_MSG(vae_checkpoint_load(path, &back, NULL, err) == VAE_OK, "reload: %s", err);
    CHECK(back.cfg.kind == VAE_KIND_PCA && back.cfg.n_hidden == 0 &&
          !memcmp(back.params, m.params, sizeof(float) * m.n_params));
    vae_model_free(&back);
    /* a decoder that is not the encoder's transpose is no projection */
    m.params[m.dec[0].w + 3] += 0.01f;
    CHECK(vae_checkpoint_save(path, &m, NULL, err) == VAE_OK);
    CHECK(vae_checkpoint_load(path, &back, NULL, err) == VAE_ERR_FORMAT);
    CHECK_MSG(strstr(err, "transposed") != NULL, "%s", err);
    remove(path);
    vae_model_free(&m);
}

/* ---- MNIST -------------------------------------------------------------------------- */

static void test_mnist(void) {
    const char *dir = getenv("VAE_DATA_DIR");
    VaeDataset ds;
    char err[VAE_ERR_LEN];
    if (!dir || vae_dataset_load(&ds, dir, err) != VAE_OK) {
        printf("no MNIST in VAE_DATA_DIR: the MNIST check is skipped\n");
        return;
    }
    VaePcaFit f;
    VaeModel m = fit(&ds.train, 2, &f);
    double err2 = recon_error(&m, &ds.train), want = f.total_var - f.var[0] - f.var[1];
    CHECK_MSG(rel(err2, want) < 1e-3, "MNIST 2-D error %.4f = discarded variance %.4f", err2, want);
    CHECK(f.var[0] > f.var[1] && f.n == ds.train.n);
    printf("MNIST: variances %.3f %.3f of %.3f; train error %.3f\n", f.var[0], f.var[1],
           f.total_var, err2);
    vae_model_free(&m);
    vae_dataset_free(&ds);
}

int main(void) {
    VaeSplit s = synthetic();
    test_all_components(&s);
    test_model(&s);
    char err[VAE_ERR_LEN];
    VaeModel m;
    CHECK(vae_pca_fit(&m, &s, PIX + 1, 10, NULL, err) == VAE_ERR_ARG); /* more than pixels */
    CHECK(vae_pca_fit(&m, &s, 0, 10, NULL, err) == VAE_ERR_ARG);
    free(s.images), free(s.labels);
    test_mnist();
    return CHECK_DONE();
}
