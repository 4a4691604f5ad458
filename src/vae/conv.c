/* Conv2d and ConvTranspose2d on cblas_sgemm: im2col / col2im over CNHW activations, one
 * product per chunk of images (the whole batch when the scratch holds its columns). */
#include "conv.h"

#include <cblas.h>
#include <string.h>

VaeConvShape vae_conv_shape(int in_c, int out_c, int h, int w, int k, int stride, int pad) {
    VaeConvShape s = {in_c, h, w, out_c, 0, 0, k, stride, pad};
    s.oh = (h + 2 * pad - k) / stride + 1;
    s.ow = (w + 2 * pad - k) / stride + 1;
    return s;
}

VaeConvShape vae_convt_shape(int in_c, int out_c, int h, int w, int k, int stride, int pad,
                             int out_pad) {
    VaeConvShape s = {out_c, 0, 0, in_c, h, w, k, stride, pad};
    s.h = (h - 1) * stride - 2 * pad + k + out_pad;
    s.w = (w - 1) * stride - 2 * pad + k + out_pad;
    return s;
}

size_t vae_conv_cols(const VaeConvShape *s, int n) {
    return (size_t)s->c * s->k * s->k * (size_t)n * s->oh * s->ow;
}

/* Images per chunk: all B if their columns fit in cap floats, else as many as do (>= 1). */
static int chunk_images(const VaeConvShape *s, int B, size_t cap) {
    size_t per = vae_conv_cols(s, 1), n = per ? cap / per : (size_t)B;
    return n >= (size_t)B ? B : n < 1 ? 1 : (int)n;
}

/* The patch positions ox in [lo, hi) whose tap kx lands inside a row of width w. */
static void tap_range(int kx, int w, int ow, int stride, int pad, int *lo, int *hi) {
    int first = pad - kx, last = w - 1 + pad - kx; /* ox * stride must lie in [first, last] */
    *lo = first <= 0 ? 0 : (first + stride - 1) / stride;
    *hi = last < 0 ? 0 : last / stride + 1;
    if (*hi > ow) *hi = ow;
    if (*lo > *hi) *lo = *hi;
}

/* One row of a tap: col[ox] = line[ox st] for ox in [lo, hi), zeros around (add = 0), or
 * its adjoint line[ox st] += col[ox] (add = 1). Inlined with constant st and add, so the
 * strided loops compile to vector gathers and shuffles. */
static inline void tap_row(float *col, float *line, int lo, int hi, int ow, int st, int add) {
    if (add) {
        for (int ox = lo; ox < hi; ox++)
            line[ox * st] += col[ox];
        return;
    }
    for (int ox = 0; ox < lo; ox++)
        col[ox] = 0.0f;
    for (int ox = lo; ox < hi; ox++)
        col[ox] = line[ox * st];
    for (int ox = hi; ox < ow; ox++)
        col[ox] = 0.0f;
}

/* cols (c k k, n oh ow) from images b0 .. b0 + n - 1 of img (c, B, h, w), zeros where a tap
 * falls in the padding. add = 0: the im2col gather; add = 1: its adjoint (col2im), adding
 * cols into img. st is the stride, a constant where the callers below inline it. */
static inline void unfold_st(float *cols, float *img, int b0, int n, int B, const VaeConvShape *s,
                             int add, int st) {
    const int k = s->k, pad = s->pad, ow = s->ow;
    const size_t hw = (size_t)s->h * s->w, ohw = (size_t)s->oh * ow, ncol = (size_t)n * ohw;
    int lo[16], hi[16]; /* per kx; a larger kernel recomputes them per tap */
    for (int kx = 0; kx < k && kx < 16; kx++)
        tap_range(kx, s->w, ow, st, pad, &lo[kx], &hi[kx]);
    /* image by image, all k k taps of one image before the next: the image (a few KB)
     * stays in L1 while its taps read or add into it */
    for (int ci = 0; ci < s->c; ci++)
        for (int b = 0; b < n; b++) {
            float *src = img + (size_t)ci * B * hw + (size_t)(b0 + b) * hw;
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++) {
                    float *row = cols + ((size_t)(ci * k + ky) * k + kx) * ncol + (size_t)b * ohw;
                    int l, h;
                    if (kx < 16)
                        l = lo[kx], h = hi[kx];
                    else
                        tap_range(kx, s->w, ow, st, pad, &l, &h);
                    for (int oy = 0; oy < s->oh; oy++) {
                        float *col = row + (size_t)oy * ow;
                        int iy = oy * st - pad + ky;
                        if (iy < 0 || iy >= s->h) {
                            if (!add) memset(col, 0, sizeof(float) * (size_t)ow);
                            continue;
                        }
                        tap_row(col, src + (size_t)iy * s->w + kx - pad, l, h, ow, st, add);
                    }
                }
        }
}

static void unfold(float *cols, float *img, int b0, int n, int B, const VaeConvShape *s, int add) {
    if (s->stride == 1 && add)
        unfold_st(cols, img, b0, n, B, s, 1, 1);
    else if (s->stride == 1)
        unfold_st(cols, img, b0, n, B, s, 0, 1);
    else if (s->stride == 2 && add)
        unfold_st(cols, img, b0, n, B, s, 1, 2);
    else if (s->stride == 2)
        unfold_st(cols, img, b0, n, B, s, 0, 2);
    else
        unfold_st(cols, img, b0, n, B, s, add, s->stride);
}

static void im2col(float *cols, const float *img, int b0, int n, int B, const VaeConvShape *s) {
    unfold(cols, (float *)img, b0, n, B, s, 0); /* the gather only reads img */
}

static void col2im_add(float *img, const float *cols, int b0, int n, int B, const VaeConvShape *s) {
    unfold((float *)cols, img, b0, n, B, s, 1); /* the scatter only reads cols */
}

/* rows (channels) of n floats each set to bias */
static void fill_rows(float *x, const float *bias, int rows, size_t n) {
    for (int r = 0; r < rows; r++)
        for (size_t i = 0; i < n; i++)
            x[(size_t)r * n + i] = bias[r];
}

static void row_sums(float *sum, const float *x, int rows, size_t n) {
    for (int r = 0; r < rows; r++) {
        float acc = 0.0f;
        for (size_t i = 0; i < n; i++)
            acc += x[(size_t)r * n + i];
        sum[r] = acc;
    }
}

/* zero images b0 .. b0 + n - 1 of x (c, B, hw) */
static void zero_images(float *x, int c, int B, size_t hw, int b0, int n) {
    for (int ci = 0; ci < c; ci++)
        memset(x + ((size_t)ci * B + b0) * hw, 0, sizeof(float) * (size_t)n * hw);
}

/* ---------------------------------------------------------------------------- */

void vae_conv2d_forward(float *out, const float *inp, const float *weight, const float *bias, int B,
                        const VaeConvShape *s, float *cols, size_t cap) {
    const int ckk = s->c * s->k * s->k;
    const size_t ohw = (size_t)s->oh * s->ow, ld = (size_t)B * ohw;
    const int nb = chunk_images(s, B, cap);
    fill_rows(out, bias, s->oc, ld);
    for (int b0 = 0; b0 < B; b0 += nb) {
        int n = B - b0 < nb ? B - b0 : nb;
        im2col(cols, inp, b0, n, B, s);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s->oc, (int)(n * ohw), ckk, 1.0f,
                    weight, ckk, cols, (int)(n * ohw), 1.0f, out + b0 * ohw, (int)ld);
    }
}

void vae_conv2d_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                         const float *inp, const float *weight, int B, const VaeConvShape *s,
                         float *cols, size_t cap) {
    const int ckk = s->c * s->k * s->k;
    const size_t ohw = (size_t)s->oh * s->ow, ld = (size_t)B * ohw, hw = (size_t)s->h * s->w;
    const int nb = chunk_images(s, B, cap);
    row_sums(dbias, dout, s->oc, ld);
    for (int b0 = 0; b0 < B; b0 += nb) {
        int n = B - b0 < nb ? B - b0 : nb;
        const float *dchunk = dout + b0 * ohw;
        im2col(cols, inp, b0, n, B, s);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, s->oc, ckk, (int)(n * ohw), 1.0f,
                    dchunk, (int)ld, cols, (int)(n * ohw), b0 ? 1.0f : 0.0f, dweight, ckk);
        if (!dinp) continue;
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ckk, (int)(n * ohw), s->oc, 1.0f,
                    weight, ckk, dchunk, (int)ld, 0.0f, cols, (int)(n * ohw));
        zero_images(dinp, s->c, B, hw, b0, n);
        col2im_add(dinp, cols, b0, n, B, s);
    }
}

void vae_convt2d_forward(float *out, const float *inp, const float *weight, const float *bias,
                         int B, const VaeConvShape *s, float *cols, size_t cap) {
    const int ckk = s->c * s->k * s->k;
    const size_t ohw = (size_t)s->oh * s->ow, ld = (size_t)B * ohw;
    const int nb = chunk_images(s, B, cap);
    fill_rows(out, bias, s->c, (size_t)B * s->h * s->w);
    for (int b0 = 0; b0 < B; b0 += nb) {
        int n = B - b0 < nb ? B - b0 : nb;
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, ckk, (int)(n * ohw), s->oc, 1.0f,
                    weight, ckk, inp + b0 * ohw, (int)ld, 0.0f, cols, (int)(n * ohw));
        col2im_add(out, cols, b0, n, B, s);
    }
}

void vae_convt2d_backward(float *dinp, float *dweight, float *dbias, const float *dout,
                          const float *inp, const float *weight, int B, const VaeConvShape *s,
                          float *cols, size_t cap) {
    const int ckk = s->c * s->k * s->k;
    const size_t ohw = (size_t)s->oh * s->ow, ld = (size_t)B * ohw;
    const int nb = chunk_images(s, B, cap);
    row_sums(dbias, dout, s->c, (size_t)B * s->h * s->w);
    for (int b0 = 0; b0 < B; b0 += nb) {
        int n = B - b0 < nb ? B - b0 : nb;
        im2col(cols, dout, b0, n, B, s);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, s->oc, ckk, (int)(n * ohw), 1.0f,
                    inp + b0 * ohw, (int)ld, cols, (int)(n * ohw), b0 ? 1.0f : 0.0f, dweight, ckk);
        if (dinp)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s->oc, (int)(n * ohw), ckk, 1.0f,
                        weight, ckk, cols, (int)(n * ohw), 0.0f, dinp + b0 * ohw, (int)ld);
    }
}

/* ---------------------------------------------------------------------------- */

void vae_cnhw_from_rows(float *dst, const float *src, int B, int C, int HW, int ld_src) {
    for (int c = 0; c < C; c++)
        for (int b = 0; b < B; b++)
            memcpy(dst + ((size_t)c * B + b) * HW, src + (size_t)b * ld_src + (size_t)c * HW,
                   sizeof(float) * (size_t)HW);
}

void vae_cnhw_to_rows(float *dst, const float *src, int B, int C, int HW, int ld_dst) {
    for (int c = 0; c < C; c++)
        for (int b = 0; b < B; b++)
            memcpy(dst + (size_t)b * ld_dst + (size_t)c * HW, src + ((size_t)c * B + b) * HW,
                   sizeof(float) * (size_t)HW);
}
