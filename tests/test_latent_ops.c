/* The generation tools' library (latent_ops.h), each by its defining property: paths end at
 * the two images' reconstructions and a spherical path keeps its norm between the ends'
 * along the great circle; (mean of 8s - mean of 3s) added to a 3 makes it decode nearest
 * the 8s' mean image; a traversal changes the image most along the dimensions of largest
 * KL. On MNIST with the pretrained 2-D VAE and AE (models/) and an 8-D beta-VAE trained
 * here. Figures are printed for the record; no timing is asserted. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "latent_ops.h"
#include "trainer.h"

static VaeDataset ds;
static char err[VAE_ERR_LEN];

/* ---- helpers ---------------------------------------------------------------------- */

static double dot(const float *a, const float *b, int L) {
    double s = 0;
    for (int j = 0; j < L; j++)
        s += (double)a[j] * b[j];
    return s;
}

static double max_abs_diff(const float *a, const float *b, int n) {
    double m = 0;
    for (int i = 0; i < n; i++)
        m = fmax(m, fabs((double)a[i] - b[i]));
    return m;
}

static double mean_abs_diff(const float *a, const float *b, int n) {
    double s = 0;
    for (int i = 0; i < n; i++)
        s += fabs((double)a[i] - b[i]);
    return s / n;
}

/* Codes (n, L) of the whole test split, and its latent statistics. */
static float *test_codes(const VaeModel *m, VaeLatentStats *st) {
    const int L = m->cfg.latent;
    const VaeModel *models[1] = {m};
    VaeSplitEncoder *enc = NULL;
    float *mu = malloc(sizeof(float) * (size_t)ds.test.n * L),
          *lv = malloc(sizeof(float) * (size_t)ds.test.n * L);
    CHECK(vae_split_encoder_create(&enc, models, 1, &ds.test, 2, err) == VAE_OK);
    vae_split_encode(enc, models, &mu, &lv, st);
    vae_split_encoder_destroy(enc);
    free(lv);
    vae_flow_apply(m, mu, ds.test.n, NULL);
    return mu;
}

static int load_model(const char *name, VaeModel *m) {
    const char *dir = getenv("VAE_MODELS_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : "models", name);
    VaeStatus s = vae_checkpoint_load(path, m, NULL, err);
    CHECK_MSG(s == VAE_OK, "%s", err);
    return s == VAE_OK;
}

/* A VAE of latent size L trained for epochs (seed 0) into out. */
static void train_model(int latent, float beta, int epochs, VaeModel *out) {
    VaeConfig c = vae_config_default();
    c.latent = latent;
    VaeTrainConfig tc = vae_train_config_default();
    tc.beta = beta;
    VaeTrainer *t = NULL;
    VaeStatus s = vae_trainer_create(&t, &c, NULL, &tc, &ds.train, err);
    CHECK_MSG(s == VAE_OK, "trainer: %s", err);
    if (s != VAE_OK) exit(CHECK_DONE());
    for (int e = 0; e < epochs; e++)
        vae_trainer_epoch(t, NULL, NULL, NULL);
    CHECK(vae_model_clone(out, vae_trainer_model(t), err) == VAE_OK);
    vae_trainer_destroy(t);
}

/* ---- paths on synthetic codes ----------------------------------------------------- */

/* The spherical path's two properties on one pair: every norm lies between the ends'
 * (linear in t), and the direction turns at a constant rate within the plane of the ends
 * (the great circle). Returns the worst deviations for the message. */
static int spherical_ok(const float *z0, const float *z1, int L, int steps, double *worst) {
    float path[16 * VAE_MAX_LATENT];
    CHECK(vae_latent_path(z0, z1, L, steps, VAE_PATH_SPHERICAL, path, err) == VAE_OK);
    double r0 = sqrt(dot(z0, z0, L)), r1 = sqrt(dot(z1, z1, L));
    double omega = acos(fmax(-1, fmin(1, dot(z0, z1, L) / (r0 * r1))));
    double lo = fmin(r0, r1), hi = fmax(r0, r1), tol = 1e-5 * hi;
    int ok = !memcmp(path, z0, sizeof(float) * L) &&
             !memcmp(path + (steps - 1) * L, z1, sizeof(float) * L);
    *worst = 0;
    for (int k = 0; k < steps; k++) {
        const float *p = path + k * L;
        double t = (double)k / (steps - 1), r = sqrt(dot(p, p, L));
        double angle = acos(fmax(-1, fmin(1, dot(p, z0, L) / (r * r0))));
        double angle1 = acos(fmax(-1, fmin(1, dot(p, z1, L) / (r * r1))));
        /* on the great circle between the ends: the two angles add up to the ends' angle */
        double dev = fmax(fabs(angle - t * omega), fabs(angle + angle1 - omega));
        if (omega > 3.1415) dev = fabs(angle - t * omega); /* antiparallel: any circle */
        *worst = fmax(*worst, dev);
        ok &= r >= lo - tol && r <= hi + tol && fabs(r - ((1 - t) * r0 + t * r1)) < tol;
        ok &= dev < 1e-4;
    }
    return ok;
}

static void test_paths_synthetic(void) {
    VaeRng rng;
    vae_rng_seed(&rng, 7, 1);
    float z0[VAE_MAX_LATENT], z1[VAE_MAX_LATENT], path[16 * VAE_MAX_LATENT];
    int all_ok = 1;
    double worst = 0, w;
    for (int trial = 0; trial < 200; trial++) {
        int L = 2 + trial % 15;
        vae_rng_normals(&rng, z0, L);
        vae_rng_normals(&rng, z1, L);
        for (int j = 0; j < L; j++)
            z1[j] *= 0.2f + 3 * vae_rng_uniform(&rng); /* unequal norms */
        all_ok &= spherical_ok(z0, z1, L, 2 + trial % 14, &w);
        worst = fmax(worst, w);
    }
    CHECK_MSG(all_ok, "spherical paths leave the norm band or the great circle (worst %.2g rad)",
              worst);

    /* the edge cases: parallel, antiparallel, a zero end */
    const int L = 5;
    for (int j = 0; j < L; j++)
        z0[j] = (float)(j - 1.5);
    for (int j = 0; j < L; j++)
        z1[j] = 2.5f * z0[j];
    float lin[16 * VAE_MAX_LATENT];
    CHECK(vae_latent_path(z0, z1, L, 9, VAE_PATH_SPHERICAL, path, err) == VAE_OK);
    CHECK(vae_latent_path(z0, z1, L, 9, VAE_PATH_LINEAR, lin, err) == VAE_OK);
    CHECK_MSG(max_abs_diff(path, lin, 9 * L) < 1e-5,
              "parallel ends: the spherical path is the line");
    CHECK_MSG(spherical_ok(z0, z1, L, 9, &w), "parallel ends (%.2g)", w);
    for (int j = 0; j < L; j++)
        z1[j] = -0.5f * z0[j];
    CHECK_MSG(spherical_ok(z0, z1, L, 9, &w), "antiparallel ends (%.2g)", w);
    memset(z1, 0, sizeof z1);
    CHECK(vae_latent_path(z0, z1, L, 9, VAE_PATH_SPHERICAL, path, err) == VAE_OK);
    CHECK(vae_latent_path(z0, z1, L, 9, VAE_PATH_LINEAR, lin, err) == VAE_OK);
    CHECK_MSG(max_abs_diff(path, lin, 9 * L) < 1e-6, "a zero end: the spherical path is the line");
    float mid[VAE_MAX_LATENT];
    CHECK(vae_latent_path(z0, z1, L, 3, VAE_PATH_LINEAR, path, err) == VAE_OK);
    for (int j = 0; j < L; j++)
        mid[j] = 0.5f * z0[j];
    CHECK_MSG(max_abs_diff(path + L, mid, L) < 1e-6, "the linear path's midpoint");

    /* what is refused */
    CHECK(vae_latent_path(z0, z1, 1, 5, VAE_PATH_SPHERICAL, path, err) == VAE_ERR_ARG);
    CHECK(vae_latent_path(z0, z1, 1, 5, VAE_PATH_LINEAR, path, err) == VAE_OK);
    CHECK(vae_latent_path(z0, z1, L, 1, VAE_PATH_LINEAR, path, err) == VAE_ERR_ARG);
    z1[2] = NAN;
    CHECK(vae_latent_path(z0, z1, L, 5, VAE_PATH_LINEAR, path, err) == VAE_ERR_ARG);
    printf("paths: 200 random spherical paths (L 2..16): norms within the ends', on the great "
           "circle to %.1e rad\n",
           worst);
}

/* ---- the code of an image ---------------------------------------------------------- */

/* With flows the code is the posterior mean pushed through them: what the decoder gets
 * from a posterior sample of (almost) no variance. The flows start as the identity, so
 * they are set at random here. */
static void test_codes_with_flows(void) {
    VaeConfig c = vae_config_default();
    c.hidden[0] = 64, c.hidden[1] = 32, c.latent = 4, c.flows = 3;
    VaeModel m;
    CHECK(vae_model_init(&m, &c, err) == VAE_OK);
    vae_model_init_params(&m, 5);
    VaeRng rng;
    vae_rng_seed(&rng, 11, 0);
    for (int i = 0; i < c.flows * c.latent; i++) {
        m.params[m.flow_u + i] = 0.7f * vae_rng_normal(&rng);
        m.params[m.flow_w + i] = 0.7f * vae_rng_normal(&rng);
    }
    for (int k = 0; k < c.flows; k++)
        m.params[m.flow_b + k] = 0.5f * vae_rng_normal(&rng);
    enum { B = 4, L = 4 };
    const int idx[B] = {0, 1, 2, 3};
    float x[B * 784], z[B * L], mu[B * L], lv[B * L], zk[L], tiny[L];
    VaeWorkspace ws;
    CHECK(vae_workspace_init(&ws, &m, B, err) == VAE_OK);
    vae_data_batch(&ds.test, idx, B, x);
    vae_latent_codes(&m, &ws, x, NULL, B, z);
    vae_model_encode(&m, &ws, x, NULL, B, mu, lv);
    for (int j = 0; j < L; j++)
        tiny[j] = VAE_LOGVAR_MIN;
    double off = 0, moved = 0;
    for (int i = 0; i < B; i++) {
        vae_model_posterior_samples_from(&m, mu + i * L, tiny, 1, 3, NULL, zk);
        off = fmax(off, max_abs_diff(zk, z + i * L, L));
        moved = fmax(moved, max_abs_diff(mu + i * L, z + i * L, L));
    }
    CHECK_MSG(off < 1e-4 && moved > 1e-2,
              "with flows the code is %.2g from the flowed mean (and %.2g from the mean)", off,
              moved);
    vae_workspace_free(&ws);
    vae_model_free(&m);
}

/* ---- interpolation on MNIST ------------------------------------------------------- */

/* Decoding a path between test images a and b starts at a's reconstruction (the decode of
 * the encoder's code for a) and ends at b's, for both kinds of path. The reconstructions are
 * computed here from vae_model_encode, independently of vae_latent_codes. */
static double interpolation_ends(const VaeModel *m, VaeWorkspace *ws, int a, int b,
                                 VaePathKind kind) {
    const int L = m->cfg.latent, D = m->n_in, steps = 8, idx[2] = {a, b};
    float x[2 * 784], z[2 * VAE_MAX_LATENT], mu[2 * VAE_MAX_LATENT], recon[2 * 784];
    float path[8 * VAE_MAX_LATENT], *dec = malloc(sizeof(float) * (size_t)steps * D);
    vae_data_batch(&ds.test, idx, 2, x);
    vae_latent_codes(m, ws, x, NULL, 2, z);
    vae_model_encode(m, ws, x, NULL, 2, mu, NULL);
    vae_model_decode(m, ws, mu, NULL, 2, recon);
    CHECK(vae_latent_path(z, z + L, L, steps, kind, path, err) == VAE_OK);
    vae_model_decode(m, ws, path, NULL, steps, dec);
    double d = fmax(max_abs_diff(dec, recon, D), max_abs_diff(dec + (steps - 1) * D, recon + D, D));
    /* and it goes somewhere in between: the middle is neither end */
    double mid =
        fmin(mean_abs_diff(dec + 4 * D, recon, D), mean_abs_diff(dec + 4 * D, recon + D, D));
    CHECK_MSG(a == b || mid > 1e-3, "the path between %d and %d does not move (%.2g)", a, b, mid);
    free(dec);
    return d;
}

static void test_interpolation(const VaeModel *m, const char *name) {
    VaeWorkspace ws;
    CHECK(vae_workspace_init(&ws, m, 8, err) == VAE_OK);
    double worst = 0;
    for (int pair = 0; pair < 20; pair++) {
        int a = pair * 97 % ds.test.n, b = (pair * 389 + 11) % ds.test.n;
        worst = fmax(worst, interpolation_ends(m, &ws, a, b, VAE_PATH_LINEAR));
        worst = fmax(worst, interpolation_ends(m, &ws, a, b, VAE_PATH_SPHERICAL));
    }
    CHECK_MSG(worst < 1e-6, "%s: an interpolation's ends are %.2g from the reconstructions", name,
              worst);
    printf("interpolation (%s): 20 pairs, linear and spherical: ends at the reconstructions to "
           "%.1e\n",
           name, worst);

    /* the 2-D codes themselves: a spherical path between two images keeps the norm band */
    float *codes = test_codes(m, NULL);
    int ok = 1;
    double w, worst_angle = 0;
    for (int pair = 0; pair < 50; pair++) {
        int a = pair * 37 % ds.test.n, b = (pair * 211 + 5) % ds.test.n;
        ok &= spherical_ok(codes + a * 2, codes + b * 2, 2, 12, &w);
        worst_angle = fmax(worst_angle, w);
    }
    CHECK_MSG(ok, "%s: spherical paths between test codes leave the norm band or the circle (%.2g)",
              name, worst_angle);
    free(codes);
    vae_workspace_free(&ws);
}

/* ---- attribute vectors ------------------------------------------------------------ */

/* The mean test image of each class (C, D), in [0, 1]. */
static double *class_mean_images(int D) {
    double *mean = calloc((size_t)ds.classes * D, sizeof(double));
    int count[VAE_MAX_CLASSES] = {0};
    for (int i = 0; i < ds.test.n; i++) {
        int k = ds.test.labels[i];
        count[k]++;
        for (int p = 0; p < D; p++)
            mean[(size_t)k * D + p] += ds.test.images[(size_t)i * D + p] / 255.0;
    }
    for (int k = 0; k < ds.classes; k++)
        for (int p = 0; p < D; p++)
            mean[(size_t)k * D + p] /= count[k] ? count[k] : 1;
    return mean;
}

static int nearest_class(const float *img, const double *mean, int D) {
    int best = 0;
    double best_d = INFINITY;
    for (int k = 0; k < ds.classes; k++) {
        double d = 0;
        for (int p = 0; p < D; p++) {
            double e = img[p] - mean[(size_t)k * D + p];
            d += e * e;
        }
        if (d < best_d) best_d = d, best = k;
    }
    return best;
}

/* The three ways of naming a group agree: by class, by mask, by a list of rows. */
static void check_group_means(const float *codes, int L, int cls) {
    const size_t n = ds.test.n > 0 ? (size_t)ds.test.n : 1;
    uint8_t *mask = calloc(n, 1);
    int *rows = malloc(sizeof(int) * n), k = 0;
    for (int i = 0; i < ds.test.n; i++)
        if (ds.test.labels[i] == cls) mask[i] = 1, rows[k++] = i;
    float a[VAE_MAX_LATENT], b[VAE_MAX_LATENT], c[VAE_MAX_LATENT];
    int na = vae_latent_mean_class(codes, ds.test.labels, ds.test.n, L, cls, a);
    int nb = vae_latent_mean_mask(codes, mask, ds.test.n, L, b);
    int nc = vae_latent_mean_rows(codes, rows, k, L, c);
    CHECK(na == k && nb == k && nc == k);
    CHECK(max_abs_diff(a, b, L) == 0 && max_abs_diff(a, c, L) == 0);
    CHECK(vae_latent_mean_rows(codes, rows, 0, L, c) == 0 && c[0] == 0);
    free(mask);
    free(rows);
}

/* z + (mean code of the 8s - mean code of the 3s), t = 1, for every test 3: the fraction
 * whose decode is then nearest (in pixels) the 8s' mean test image. */
static double arithmetic_fraction(const VaeModel *m, const char *name) {
    const int L = m->cfg.latent, D = m->n_in, steps = 7, t1 = 4; /* t = 1.5 * 4 / 6 = 1 */
    float *codes = test_codes(m, NULL), m3[VAE_MAX_LATENT], m8[VAE_MAX_LATENT], v[VAE_MAX_LATENT];
    double *mean = class_mean_images(D);
    check_group_means(codes, L, 3);
    CHECK(vae_latent_mean_class(codes, ds.test.labels, ds.test.n, L, 3, m3) > 0);
    CHECK(vae_latent_mean_class(codes, ds.test.labels, ds.test.n, L, 8, m8) > 0);
    vae_latent_attribute(m3, m8, L, v);
    VaeWorkspace ws;
    CHECK(vae_workspace_init(&ws, m, steps, err) == VAE_OK);
    float path[7 * VAE_MAX_LATENT], *dec = malloc(sizeof(float) * (size_t)steps * D);
    int threes = 0, was3 = 0, moved = 0, moved_of_was3 = 0, at_end = 0, starts_at_z = 1;
    for (int i = 0; i < ds.test.n; i++) {
        if (ds.test.labels[i] != 3) continue;
        const float *z = codes + (size_t)i * L;
        CHECK(vae_latent_attribute_path(z, v, L, VAE_ATTRIBUTE_T_MAX, steps, path, err) == VAE_OK);
        starts_at_z &= !memcmp(path, z, sizeof(float) * L); /* t = 0 */
        vae_model_decode(m, &ws, path, NULL, steps, dec);
        int before = nearest_class(dec, mean, D), after = nearest_class(dec + t1 * D, mean, D);
        threes++;
        was3 += before == 3;
        moved += after == 8;
        moved_of_was3 += before == 3 && after == 8;
        at_end += nearest_class(dec + (steps - 1) * D, mean, D) == 8;
    }
    double frac = (double)moved / threes;
    printf("arithmetic (%s): z + (mean 8 - mean 3) decodes nearest the 8s' mean image for %d of "
           "%d test 3s (%.2f; %d at t = 1.5); %d of the %d whose own decode is nearest the 3s' "
           "mean\n",
           name, moved, threes, frac, at_end, moved_of_was3, was3);
    CHECK_MSG(was3 > threes / 2, "%s: only %d of %d 3s decode nearest the 3s' mean to begin with",
              name, was3, threes);
    CHECK_MSG(starts_at_z, "an attribute path does not start at the image's code");
    vae_workspace_free(&ws);
    free(dec);
    free(mean);
    free(codes);
    return frac;
}

/* On an 8-D VAE (beta 1, AR_EPOCHS) most 3s move (0.67 at seed 0; 0.57 at seeds 1 and 2).
 * On the pretrained 2-D VAE they do not (0.14): its plane tangles the 3s, 5s and 8s, and
 * the 8s' mean code decodes nearest the 5s' mean image; printed for the record. */
#define AR_EPOCHS 10
static void test_arithmetic(const VaeModel *vae2, const VaeModel *ae2) {
    VaeModel m;
    train_model(8, 1.0f, AR_EPOCHS, &m);
    double frac = arithmetic_fraction(&m, "latent 8, beta 1");
    CHECK_MSG(frac > 0.5, "only %.2f of the 3s moved to 8", frac);
    if (vae2) arithmetic_fraction(vae2, "pretrained 2-D VAE");
    if (ae2) arithmetic_fraction(ae2, "pretrained 2-D AE");
    vae_model_free(&m);
}

/* ---- traversals ------------------------------------------------------------------- */

/* Spearman's rank correlation of x and y (n <= 64, no ties expected). */
static double spearman(const double *x, const double *y, int n) {
    double rx[64], ry[64], d2 = 0;
    for (int i = 0; i < n; i++) {
        rx[i] = ry[i] = 0;
        for (int j = 0; j < n; j++)
            rx[i] += x[j] < x[i], ry[i] += y[j] < y[i];
    }
    for (int i = 0; i < n; i++)
        d2 += (rx[i] - ry[i]) * (rx[i] - ry[i]);
    return 1 - 6 * d2 / (n * ((double)n * n - 1));
}

/* An 8-D beta-VAE (beta 4) leaves some dimensions collapsed (KL ~ 0: the decoder ignores
 * them) and spreads the rest; TR_EPOCHS shows it (10 epochs: KL 0.01-0.04 on three dims,
 * 0.8-1.6 on five, seed 0). A traversal row's pixel change, averaged over test images,
 * follows its dimension's KL: rank correlation near 1, collapsed rows nearly still. */
#define TR_LATENT 8
#define TR_EPOCHS 10
#define TR_IMAGES 16
static void test_traversal(void) {
    VaeModel model;
    train_model(TR_LATENT, 4.0f, TR_EPOCHS, &model);
    const VaeModel *m = &model;
    const int L = TR_LATENT, D = m->n_in, steps = 9, n = L * steps;
    VaeLatentStats st;
    float *codes = test_codes(m, &st), *grid = malloc(sizeof(float) * n * L);
    float *dec = malloc(sizeof(float) * (size_t)n * D);
    int order[VAE_MAX_LATENT];
    vae_latent_dims_by_kl(&st, L, order);
    int sorted = 1;
    for (int r = 1; r < L; r++)
        sorted &= st.kl[order[r - 1]] >= st.kl[order[r]];
    CHECK_MSG(sorted, "dimensions not sorted by KL, largest first");
    double change[TR_LATENT] = {0}, kl[TR_LATENT];
    VaeWorkspace ws;
    CHECK(vae_workspace_init(&ws, m, 64, err) == VAE_OK);
    for (int img = 0; img < TR_IMAGES; img++) {
        const float *z = codes + (size_t)(img * 113 % ds.test.n) * L;
        CHECK(vae_latent_traversal(z, L, order, L, VAE_TRAVERSE_RANGE, steps, grid, err) == VAE_OK);
        vae_model_decode(m, &ws, grid, NULL, n, dec);
        for (int r = 0; r < L; r++) /* the row's path length in pixel space */
            for (int k = 1; k < steps; k++)
                change[r] += mean_abs_diff(dec + (size_t)(r * steps + k) * D,
                                           dec + (size_t)(r * steps + k - 1) * D, D) /
                             TR_IMAGES;
    }
    double min_active = INFINITY, max_collapsed = 0;
    printf("traversal: latent %d, beta 4, %d epochs; row: dim KL change\n", L, TR_EPOCHS);
    for (int r = 0; r < L; r++) {
        kl[r] = st.kl[order[r]];
        printf("  %d: dim %d  KL %.3f  change %.4f\n", r, order[r], kl[r], change[r]);
        if (kl[r] > 0.5) min_active = fmin(min_active, change[r]);
        if (kl[r] < 0.1) max_collapsed = fmax(max_collapsed, change[r]);
    }
    double rho = spearman(kl, change, L);
    printf("traversal: rank correlation of KL and pixel change %.2f; collapsed dims' largest "
           "change %.4f, active dims' smallest %.4f\n",
           rho, max_collapsed, min_active);
    CHECK_MSG(rho > 0.8, "pixel change does not follow KL (rank correlation %.2f)", rho);
    CHECK_MSG(max_collapsed < 0.25 * min_active,
              "a collapsed dimension changes the image %.4f, an active one only %.4f",
              max_collapsed, min_active);
    /* each row moves its own dimension only, through the code itself at its middle step */
    const float *z = codes + (size_t)((TR_IMAGES - 1) * 113 % ds.test.n) * L;
    int own_dim_only = 1;
    for (int r = 0; r < L; r++)
        for (int k = 0; k < steps; k++)
            for (int j = 0; j < L; j++)
                own_dim_only &= (j != order[r] || k == steps / 2) ==
                                (grid[((size_t)r * steps + k) * L + j] == z[j]);
    CHECK_MSG(own_dim_only, "a traversal row moves another dimension, or misses the code");
    int dims_bad[1] = {L};
    CHECK(vae_latent_traversal(codes, L, dims_bad, 1, 2, steps, grid, err) == VAE_ERR_ARG);
    CHECK(vae_latent_traversal(codes, L, order, L, 0, steps, grid, err) == VAE_ERR_ARG);
    vae_workspace_free(&ws);
    free(dec);
    free(grid);
    free(codes);
    vae_model_free(&model);
}

/* An AE has no KL: the order falls back to Var[mu], largest first. */
static void test_order_without_kl(void) {
    VaeLatentStats st;
    memset(&st, 0, sizeof st);
    const float var[5] = {0.5f, 3, 0.5f, 7, 0}, kl[5] = {9, 0, 0, 0, 8};
    memcpy(st.var, var, sizeof var);
    memcpy(st.kl, kl, sizeof kl);
    int order[5];
    vae_latent_dims_by_kl(&st, 5, order);
    CHECK(order[0] == 3 && order[1] == 1 && order[2] == 0 && order[3] == 2 && order[4] == 4);
    st.valid = 1;
    vae_latent_dims_by_kl(&st, 5, order);
    CHECK(order[0] == 0 && order[1] == 4 && order[2] == 1 && order[3] == 2 && order[4] == 3);
}

/* ---- prior samples ---------------------------------------------------------------- */

static void test_prior(void) {
    enum { N = 4000, L = 8 };
    static float a[N * L], b[N * L];
    VaeRng r1, r2;
    vae_rng_seed(&r1, 3, 9);
    vae_rng_seed(&r2, 3, 9);
    vae_latent_prior_samples(&r1, N, L, a);
    vae_latent_prior_samples(&r2, N, L, b);
    CHECK_MSG(!memcmp(a, b, sizeof a), "the same seed gives other prior samples");
    int ok = 1;
    for (int j = 0; j < L; j++) {
        double s = 0, s2 = 0;
        for (int i = 0; i < N; i++)
            s += a[i * L + j], s2 += (double)a[i * L + j] * a[i * L + j];
        double mean = s / N, var = s2 / N - mean * mean;
        ok &= fabs(mean) < 0.06 && fabs(var - 1) < 0.08; /* ~4 standard errors */
    }
    CHECK_MSG(ok, "prior samples are not N(0, I)");
}

int main(void) {
    const char *dir = getenv("VAE_DATA_DIR");
    if (!dir || vae_dataset_load(&ds, dir, err) != VAE_OK) {
        printf("MNIST data not found (%s): run scripts/fetch-data.sh\n",
               dir ? err : "VAE_DATA_DIR unset");
        return 1;
    }
    test_paths_synthetic();
    test_order_without_kl();
    test_prior();
    test_codes_with_flows();
    VaeModel vae = {0}, ae = {0};
    int have = load_model("mnist-vae.safetensors", &vae);
    have &= load_model("mnist-ae.safetensors", &ae);
    if (have) {
        test_interpolation(&vae, "VAE");
        test_interpolation(&ae, "AE");
    }
    test_arithmetic(have ? &vae : NULL, have ? &ae : NULL);
    test_traversal();
    vae_model_free(&vae);
    vae_model_free(&ae);
    vae_dataset_free(&ds);
    return CHECK_DONE();
}
