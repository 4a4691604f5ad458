/* PCA in closed form (see pca.h): the mean, the covariance summed over chunks of images
 * (ssyrk in float within a chunk, double between chunks), its top eigenvectors (dsyevr),
 * and the linear autoencoder they make. */
#include "pca.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lapack.h"

#define PCA_CHUNK 512       /* images per ssyrk */
#define PCA_MAX_PIXELS 4096 /* a D x D covariance in double: 128 MB at this size */
#define PCA_CHECK_TOL 1e-3  /* a loaded pca's orthonormality and bias, absolute */
#define PCA_TRANSPOSE_TOL 1e-5

/* ---- the covariance ------------------------------------------------------------------- */

/* mean (D) of the images of s, in [0, 1]. */
static void split_mean(const VaeSplit *s, int D, double *mean) {
    memset(mean, 0, sizeof(double) * (size_t)D);
    for (int r = 0; r < s->n; r++) {
        const uint8_t *img = s->images + (size_t)r * D;
        for (int i = 0; i < D; i++)
            mean[i] += img[i];
    }
    for (int i = 0; i < D; i++)
        mean[i] /= 255.0 * s->n;
}

/* cov (D, D), upper triangle (row-major) = (1/n) sum (x - mean)(x - mean)^T. x (CHUNK + 1,
 * D) and part (D, D) are scratch. */
static void covariance(const VaeSplit *s, int D, const double *mean, float *x, float *part,
                       double *cov) {
    float *meanf = x + (size_t)PCA_CHUNK * D;
    int idx[PCA_CHUNK];
    for (int i = 0; i < D; i++)
        meanf[i] = (float)mean[i];
    memset(cov, 0, sizeof(double) * (size_t)D * D);
    for (int at = 0; at < s->n; at += PCA_CHUNK) {
        int b = s->n - at < PCA_CHUNK ? s->n - at : PCA_CHUNK;
        for (int r = 0; r < b; r++)
            idx[r] = at + r;
        vae_data_batch(s, idx, b, x);
        for (int r = 0; r < b; r++)
            for (int i = 0; i < D; i++)
                x[(size_t)r * D + i] -= meanf[i];
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, D, b, 1.0f, x, D, 0.0f, part, D);
        for (int i = 0; i < D; i++)
            for (int j = i; j < D; j++)
                cov[(size_t)i * D + j] += part[(size_t)i * D + j];
    }
    for (int i = 0; i < D; i++)
        for (int j = i; j < D; j++)
            cov[(size_t)i * D + j] /= s->n;
}

/* The K largest eigenpairs of cov (D, D; its upper triangle, destroyed): var (K)
 * decreasing, comp (K, D) the matching unit eigenvectors. 0, or LAPACK's info. */
static int top_eigen(double *cov, int D, int K, double *var, double *comp) {
    /* row-major upper is column-major lower: LAPACK reads the same numbers */
    int il = D - K + 1, iu = D, found = 0, info = 0, lwork = -1, liwork = -1, iwq = 0;
    double vl = 0, vu = 0, abstol = 0, wq = 0;
    double *w = malloc(sizeof(double) * (size_t)D), *z = malloc(sizeof(double) * (size_t)D * K);
    int *isuppz = malloc(sizeof(int) * 2 * (size_t)K);
    double *work = NULL;
    int *iwork = NULL;
    if (!w || !z || !isuppz) goto nomem;
    dsyevr_("V", "I", "L", &D, cov, &D, &vl, &vu, &il, &iu, &abstol, &found, w, z, &D, isuppz, &wq,
            &lwork, &iwq, &liwork, &info, 1, 1, 1);
    if (info != 0) goto done;
    lwork = (int)wq, liwork = iwq;
    work = malloc(sizeof(double) * (size_t)lwork);
    iwork = malloc(sizeof(int) * (size_t)liwork);
    if (!work || !iwork) goto nomem;
    dsyevr_("V", "I", "L", &D, cov, &D, &vl, &vu, &il, &iu, &abstol, &found, w, z, &D, isuppz, work,
            &lwork, iwork, &liwork, &info, 1, 1, 1);
    if (info == 0 && found != K) info = -100;
    for (int k = 0; info == 0 && k < K; k++) { /* ascending from LAPACK: largest first here */
        var[k] = w[K - 1 - k];
        memcpy(comp + (size_t)k * D, z + (size_t)(K - 1 - k) * D, sizeof(double) * (size_t)D);
    }
    goto done;
nomem:
    info = -1000;
done:
    free(w), free(z), free(isuppz), free(work), free(iwork);
    return info;
}

/* ---- the model ------------------------------------------------------------------------- */

/* The linear autoencoder of pca.h from comp (K, D) and mean (D), each component's sign set
 * so that its largest-magnitude entry is positive. */
static void fill_model(VaeModel *m, const double *comp, const double *mean) {
    const int K = m->cfg.latent, D = m->n_in;
    float *enc_w = m->params + m->head.w, *enc_b = m->params + m->head.b;
    float *dec_w = m->params + m->dec[0].w, *dec_b = m->params + m->dec[0].b;
    for (int k = 0; k < K; k++) {
        const double *c = comp + (size_t)k * D;
        int big = 0;
        for (int i = 1; i < D; i++)
            if (fabs(c[i]) > fabs(c[big])) big = i;
        double sign = c[big] < 0 ? -1.0 : 1.0, proj = 0;
        for (int i = 0; i < D; i++) {
            float v = (float)(sign * c[i]);
            enc_w[(size_t)k * D + i] = v;
            dec_w[(size_t)i * K + k] = v;
            proj += (double)v * mean[i];
        }
        enc_b[k] = (float)-proj;
    }
    for (int i = 0; i < D; i++)
        dec_b[i] = (float)mean[i];
}

VaeStatus vae_pca_fit(VaeModel *m, const VaeSplit *s, int latent, int classes, VaePcaFit *fit,
                      char err[VAE_ERR_LEN]) {
    memset(m, 0, sizeof *m);
    const int D = s->rows * s->cols;
    if (s->n < 1) return vae_fail(err, VAE_ERR_ARG, "no images to fit the PCA to");
    if (D > PCA_MAX_PIXELS)
        return vae_fail(err, VAE_ERR_ARG, "a PCA of %dx%d images: at most %d pixels", s->rows,
                        s->cols, PCA_MAX_PIXELS);
    if (latent < 1 || latent > D || latent > VAE_MAX_LATENT)
        return vae_fail(err, VAE_ERR_ARG, "%d components: need 1..%d", latent,
                        D < VAE_MAX_LATENT ? D : VAE_MAX_LATENT);
    VaeConfig cfg = vae_config_default();
    cfg.kind = VAE_KIND_PCA, cfg.n_hidden = 0, cfg.latent = latent, cfg.classes = classes;
    cfg.input_h = s->rows, cfg.input_w = s->cols, cfg.likelihood = VAE_LIK_GAUSSIAN;
    VaeStatus st = vae_model_init(m, &cfg, err);
    if (st != VAE_OK) return st;
    size_t DD = (size_t)D * D;
    double *mean = malloc(sizeof(double) * D), *cov = malloc(sizeof(double) * DD);
    double *comp = malloc(sizeof(double) * (size_t)latent * D);
    float *x = malloc(sizeof(float) * (PCA_CHUNK + 1) * D), *part = malloc(sizeof(float) * DD);
    VaePcaFit f = {s->n, 0, {0}};
    if (!mean || !cov || !comp || !x || !part) {
        st = vae_fail(err, VAE_ERR_NOMEM, "cannot allocate a %dx%d covariance", D, D);
        goto done;
    }
    split_mean(s, D, mean);
    covariance(s, D, mean, x, part, cov);
    for (int i = 0; i < D; i++)
        f.total_var += cov[(size_t)i * D + i];
    int info = top_eigen(cov, D, latent, f.var, comp);
    if (info != 0) {
        st = vae_fail(err, info == -1000 ? VAE_ERR_NOMEM : VAE_ERR_NUMERIC,
                      "the covariance's eigenvectors: LAPACK dsyevr failed (info %d)", info);
        goto done;
    }
    fill_model(m, comp, mean);
    if (fit) *fit = f;
done:
    free(mean), free(cov), free(comp), free(x), free(part);
    if (st != VAE_OK) vae_model_free(m);
    return st;
}

/* ---- checking a loaded one --------------------------------------------------------------- */

VaeStatus vae_pca_check(const VaeModel *m, const char *path, char err[VAE_ERR_LEN]) {
    const int K = m->cfg.latent, D = m->n_in;
    const float *enc_w = m->params + m->head.w, *enc_b = m->params + m->head.b;
    const float *dec_w = m->params + m->dec[0].w, *dec_b = m->params + m->dec[0].b;
    for (int k = 0; k < K; k++)
        for (int i = 0; i < D; i++)
            if (fabsf(dec_w[(size_t)i * K + k] - enc_w[(size_t)k * D + i]) > PCA_TRANSPOSE_TOL)
                return vae_fail(err, VAE_ERR_FORMAT,
                                "%s: a pca's \"dec.0.weight\" must be \"enc.mu.weight\" "
                                "transposed (row %d, column %d differs)",
                                path, i, k);
    for (int k = 0; k < K; k++) {
        const float *ck = enc_w + (size_t)k * D;
        for (int l = 0; l <= k; l++) {
            const float *cl = enc_w + (size_t)l * D;
            double dot = 0;
            for (int i = 0; i < D; i++)
                dot += (double)ck[i] * cl[i];
            if (fabs(dot - (k == l)) > PCA_CHECK_TOL)
                return vae_fail(err, VAE_ERR_FORMAT,
                                "%s: a pca's components (rows of \"enc.mu.weight\") must be "
                                "orthonormal: rows %d and %d have dot product %.4g",
                                path, l, k, dot);
        }
        double proj = 0;
        for (int i = 0; i < D; i++)
            proj += (double)ck[i] * dec_b[i];
        if (fabs(enc_b[k] + proj) > PCA_CHECK_TOL)
            return vae_fail(err, VAE_ERR_FORMAT,
                            "%s: a pca's \"enc.mu.bias\" must be minus the components times the "
                            "mean (\"dec.0.bias\"): entry %d is %.4g, not %.4g",
                            path, k, (double)enc_b[k], -proj);
    }
    return VAE_OK;
}
