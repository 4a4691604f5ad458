/* The user's own images: any picture or a drawing canvas made into a 28x28 digit the way
 * MNIST's were made, corrupted with noise or missing pixels, repaired with a model (the
 * one-pass reconstruction and iterative inpainting of Rezende, Mohamed & Wierstra 2014,
 * section 5.3), and compared with a training set in pixel space. Images are row-major;
 * floats are in [0, 1] with 1 = ink, as the models see them. */
#ifndef VAE_IMAGE_H
#define VAE_IMAGE_H

#include <stdint.h>

#include "data.h"
#include "model.h"
#include "rng.h"
#include "status.h"

#define VAE_MNIST_SIDE 28 /* the prepared image, pixels a side */
#define VAE_MNIST_BOX 20  /* the box the ink is fitted into */
#define VAE_MNIST_PIXELS (VAE_MNIST_SIDE * VAE_MNIST_SIDE)

/* ---- preparation --------------------------------------------------------------- */

/* A grey picture (h, w) of any size -> out (28, 28), as MNIST's digits were made: inverted
 * when its border is light (dark ink on paper), the border's level taken as the paper and
 * the darkest ink as 1; then as vae_image_center. VAE_ERR_FORMAT if there is no ink (a
 * blank or flat picture). */
VaeStatus vae_image_to_mnist(const uint8_t *grey, int w, int h, float *out, char err[VAE_ERR_LEN]);

/* Ink (h, w) in [0, 1], such as a canvas the user draws on (any size, 28x28 included) ->
 * out (28, 28): the ink's bounding box scaled to fit a 20x20 box keeping its aspect ratio
 * (area-averaging resample: each output pixel is the mean of the area it covers, which
 * anti-aliases), the ink stretched so its darkest pixel is 1, and placed with its centre
 * of mass at pixel (14, 14) to the nearest pixel, where MNIST's files have it. The box is
 * that of the ink at half the darkest or more (the edge of an anti-aliased stroke); ink
 * outside it is dropped. A blank canvas gives zeros and VAE_OK. */
VaeStatus vae_image_center(const float *ink, int w, int h, float *out, char err[VAE_ERR_LEN]);

/* Centre of mass (pixel indices, x right, y down) of an image (h, w); 0 if it is blank. */
int vae_image_center_of_mass(const float *img, int w, int h, double *cx, double *cy);

/* ---- corruption ---------------------------------------------------------------- */

/* x (n) += N(0, sigma^2) per pixel, clamped to [0, 1]. */
void vae_corrupt_gaussian(float *x, int n, float sigma, VaeRng *rng);
/* Each pixel with probability p becomes 0 or 1 (even odds). */
void vae_corrupt_salt_pepper(float *x, int n, float p, VaeRng *rng);
/* mask (h, w): 1 inside the rectangle [x0, x1) x [y0, y1) (ends exclusive), other pixels
 * unchanged. VAE_ERR_ARG, naming the rectangle, unless 0 <= x0 < x1 <= w and the same
 * for y. */
VaeStatus vae_mask_rect(uint8_t *mask, int w, int h, int x0, int y0, int x1, int y1,
                        char err[VAE_ERR_LEN]);
/* x (n) = fill where mask (n) is nonzero: the pixels are missing. */
void vae_corrupt_mask(float *x, const uint8_t *mask, int n, float fill);

/* ---- repair -----------------------------------------------------------------------
 * Every kind works: vae, cvae (label conditions encoder and decoder), ae (deterministic:
 * z = mu) and planar flows (z sampled, then through the flows). */

/* out (n_in) = decode(mu(x)): the posterior mean, pushed through the flows if any. x and
 * out are (n_in) in [0, 1] and may be the same buffer. ws from vae_workspace_init (any
 * max_batch): its logits buffer is used as scratch. */
void vae_reconstruct(const VaeModel *m, VaeWorkspace *ws, const float *x, uint8_t label,
                     float *out);

/* One inpainting iteration on x (n_in), in place: z ~ q(z | x), decode, and the decoded
 * probabilities written where mask (n_in) is nonzero (the missing pixels); the known
 * pixels are kept. ws as for vae_reconstruct. A front end calls it once per frame to
 * animate the chain. */
void vae_inpaint_step(const VaeModel *m, VaeWorkspace *ws, float *x, const uint8_t *mask,
                      uint8_t label, VaeRng *rng);

/* iters iterations of vae_inpaint_step with a workspace of its own. */
VaeStatus vae_inpaint(const VaeModel *m, float *x, const uint8_t *mask, uint8_t label, int iters,
                      VaeRng *rng, char err[VAE_ERR_LEN]);

/* ---- nearest images ------------------------------------------------------------ */

/* The k images of s nearest to x (s->rows * s->cols floats in [0, 1]) in pixel space
 * (squared L2 of the [0, 1] pixels), nearest first, ties to the lower index: idx (k) and
 * dist2 (k). k is capped at s->n; returns how many were found (0 for bad arguments). */
int vae_nearest_images(const VaeSplit *s, const float *x, int k, int *idx, float *dist2);

#endif
