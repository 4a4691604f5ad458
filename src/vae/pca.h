/* PCA as a model kind: the top K principal components of a split, computed in closed form
 * (the covariance with OpenBLAS's ssyrk, its eigenvectors with LAPACK's dsyevr), held as a
 * linear autoencoder in the model's arena (model.h):
 *   enc.mu.weight (K, in) = C^T, enc.mu.bias = -C^T mean:  z = C^T (x - mean)
 *   dec.0.weight (in, K) = C,    dec.0.bias = mean:         x_hat = mean + C z
 * where the columns of C are the components, the largest variance first. Each component's
 * sign makes its largest-magnitude entry positive, so a fit is the same on every machine. */
#ifndef VAE_PCA_H
#define VAE_PCA_H

#include "data.h"
#include "model.h"
#include "status.h"

/* A pca's decodes are scored by the Bernoulli cross-entropy too (vae eval's bce), on values
 * clipped into (eps, 1 - eps): a pixel decoded at or beyond 0 or 1 costs at most -log eps. */
#define VAE_PCA_BCE_EPS 1e-4

typedef struct {
    int n;            /* images fitted */
    double total_var; /* trace of the covariance: the mean squared distance to the mean */
    /* the K largest eigenvalues of the covariance (1/n normalised), decreasing: the variance
     * along each component. The mean squared reconstruction error of the fitted images is
     * total_var minus their sum. */
    double var[VAE_MAX_LATENT];
} VaePcaFit;

/* Fit the top `latent` components of the images of s (pixels in [0, 1]) into m (initialised
 * here: kind pca, latent, s's image size, `classes` as metadata; the caller frees it).
 * latent must not exceed the pixels. fit may be NULL. */
VaeStatus vae_pca_fit(VaeModel *m, const VaeSplit *s, int latent, int classes, VaePcaFit *fit,
                      char err[VAE_ERR_LEN]);

/* What makes a pca's tensors a projection, checked when one is loaded: the decoder's weight
 * is the encoder's transposed, the components are orthonormal, and the encoder's bias is
 * -C^T (the decoder's bias). err names path and the first tensor that fails. */
VaeStatus vae_pca_check(const VaeModel *m, const char *path, char err[VAE_ERR_LEN]);

#endif
