/* Corrupting an image for the denoising and inpainting experiments: Gaussian noise,
 * salt and pepper, and missing pixels. Every draw comes from the caller's generator. */
#include "image.h"

static float clamp01(float v) {
    return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
}

void vae_corrupt_gaussian(float *x, int n, float sigma, VaeRng *rng) {
    for (int i = 0; i < n; i++)
        x[i] = clamp01(x[i] + sigma * vae_rng_normal(rng));
}

void vae_corrupt_salt_pepper(float *x, int n, float p, VaeRng *rng) {
    for (int i = 0; i < n; i++)
        if (vae_rng_uniform(rng) < p) x[i] = vae_rng_u32(rng) & 1u ? 1.0f : 0.0f;
}

VaeStatus vae_mask_rect(uint8_t *mask, int w, int h, int x0, int y0, int x1, int y1,
                        char err[VAE_ERR_LEN]) {
    if (!mask || x0 < 0 || y0 < 0 || x1 > w || y1 > h || x0 >= x1 || y0 >= y1)
        return vae_fail(err, VAE_ERR_ARG,
                        "the rectangle %d,%d,%d,%d is empty or not inside the %dx%d image "
                        "(X0,Y0,X1,Y1 with 0 <= X0 < X1 <= %d and 0 <= Y0 < Y1 <= %d)",
                        x0, y0, x1, y1, w, h, w, h);
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            mask[(size_t)y * w + x] = 1;
    return VAE_OK;
}

void vae_corrupt_mask(float *x, const uint8_t *mask, int n, float fill) {
    for (int i = 0; i < n; i++)
        if (mask[i]) x[i] = fill;
}
