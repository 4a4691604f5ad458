/* 2-D convolution and transposed convolution, forward and backward, on cblas_sgemm through
 * im2col / col2im, with the conventions of PyTorch's nn.Conv2d / nn.ConvTranspose2d (square
 * kernels, the same stride and padding on both axes).
 *
 * Activations are channel-major across the batch, "CNHW": a (C, B, H, W) tensor is C rows
 * of B * H * W floats. Then a whole batch's im2col is one matrix (C * K * K, B * OH * OW)
 * and a layer's product is one sgemm whose result is already the next layer's CNHW input,
 * with no transpose. When the scratch cannot hold the whole batch's columns, the batch runs
 * in chunks of as many images as fit (sub-blocks of the same matrices, through the leading
 * dimensions). With one channel (the image, the logits) CNHW is the plain (B, H * W).
 *
 * A VaeConvShape (model.h) describes both layers from the side of the convolution. */
#ifndef VAE_CONV_H
#define VAE_CONV_H

#include <stddef.h>

#include "model.h"

/* A Conv2d of in_c -> out_c on h x w inputs. */
VaeConvShape vae_conv_shape(int in_c, int out_c, int h, int w, int k, int stride, int pad);
/* A ConvTranspose2d of in_c -> out_c on h x w inputs; the output is
 * (h - 1) stride - 2 pad + k + out_pad high (and wide). */
VaeConvShape vae_convt_shape(int in_c, int out_c, int h, int w, int k, int stride, int pad,
                             int out_pad);

/* Floats of scratch for the columns of n images (at least one image's are needed). */
size_t vae_conv_cols(const VaeConvShape *s, int n);

/* Conv2d: out (oc, B, oh, ow) = weight (oc, c, k, k) * inp (c, B, h, w) + bias (oc).
 * cols: scratch of cap floats (>= vae_conv_cols(s, 1)). */
void vae_conv2d_forward(float *out, const float *inp, const float *weight, const float *bias, int B,
                        const VaeConvShape *s, float *cols, size_t cap);
/* dweight and dbias are overwritten; dinp (c, B, h, w) is skipped if NULL. */
void vae_conv2d_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                         const float *inp, const float *weight, int B, const VaeConvShape *s,
                         float *cols, size_t cap);

/* ConvTranspose2d: out (c, B, h, w) from inp (oc, B, oh, ow), weight (oc, c, k, k) -- PyTorch's
 * [in, out, kh, kw] -- and bias (c). */
void vae_convt2d_forward(float *out, const float *inp, const float *weight, const float *bias,
                         int B, const VaeConvShape *s, float *cols, size_t cap);
/* dweight and dbias are overwritten; dinp (oc, B, oh, ow) is skipped if NULL. */
void vae_convt2d_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                          const float *inp, const float *weight, int B, const VaeConvShape *s,
                          float *cols, size_t cap);

/* (B, C * HW) rows <-> (C, B, HW): PyTorch's flatten order to and from CNHW. */
void vae_cnhw_from_rows(float *dst, const float *src, int B, int C, int HW, int ld_src);
void vae_cnhw_to_rows(float *dst, const float *src, int B, int C, int HW, int ld_dst);

/* ---- the conv architecture's stacks around the dense layers (model_conv.c) ---- */

/* Floats of im2col scratch a workspace for max_batch images holds: the columns of up to
 * VAE_CONV_CHUNK images of the widest layer. More gain nothing: 16 images already make
 * products of thousands of columns, and their columns stay nearer the cache (interleaved
 * `vae bench --arch conv` runs: 16 trained 10-15 % faster than 64, and the window's peak
 * RSS with conv models fell by 30 MB; docs/performance.md). */
#define VAE_CONV_CHUNK 16
size_t vae_conv_cols_cap(const VaeModel *m, int max_batch);
/* Floats per image of the widest conv activation (0 for mlp): backward scratch width. */
int vae_conv_max_width(const VaeModel *m);

/* x (n, n_in) images -> conv, ReLU, conv, ReLU (ws->ea) -> ws->x (n, enc_in), flattened in
 * PyTorch's (c, h, w) order into the first feat columns. */
void vae_conv_encode(const VaeModel *m, VaeWorkspace *ws, const float *x, int n);
/* ws->g[n_dec - 1] (n, feat), the last dense output after its ReLU -> unflattened (ws->da[0])
 * -> the transposed convolutions -> logits (n, n_in). */
void vae_conv_decode(const VaeModel *m, VaeWorkspace *ws, int n, float *logits);

/* Backward of vae_conv_decode: dlogits (n, n_in) -> dfeat (n, feat), the gradient of the
 * last dense layer's output before its ReLU; writes the decoder convs' gradients. s0, s1:
 * scratch of n * vae_conv_max_width floats each. */
void vae_conv_decode_backward(const VaeModel *m, VaeWorkspace *ws, const float *dlogits, int n,
                              float *dfeat, float *grads, float *s0, float *s1);
/* Backward of vae_conv_encode: drows (n, enc_in), the gradient of ws->x (the one-hot columns
 * ignored), and x the images it read -> the encoder convs' gradients. */
void vae_conv_encode_backward(const VaeModel *m, VaeWorkspace *ws, const float *x,
                              const float *drows, int n, float *grads, float *s0, float *s1);

#endif
