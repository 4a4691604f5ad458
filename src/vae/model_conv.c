/* The conv architecture's stacks (Keras's VAE example) around the dense layers: the encoder's
 * convolutions before the trunk and the decoder's transposed convolutions after its dense
 * layer, forward for inference and training, backward for the training step. */
#include <stdint.h>

#include "conv.h"
#include "nn.h"

static size_t image_size(const VaeConvShape *s) {
    return (size_t)s->c * s->h * s->w;
}

static size_t patch_size(const VaeConvShape *s) {
    return (size_t)s->oc * s->oh * s->ow;
}

size_t vae_conv_cols_cap(const VaeModel *m, int max_batch) {
    size_t widest = 0;
    for (int i = 0; i < m->n_econv; i++)
        if (vae_conv_cols(&m->econv[i].s, 1) > widest) widest = vae_conv_cols(&m->econv[i].s, 1);
    for (int i = 0; i < m->n_dconv; i++)
        if (vae_conv_cols(&m->dconv[i].s, 1) > widest) widest = vae_conv_cols(&m->dconv[i].s, 1);
    int n = max_batch < VAE_CONV_CHUNK ? max_batch : VAE_CONV_CHUNK;
    return widest * (size_t)(n > 0 ? n : 1);
}

int vae_conv_max_width(const VaeModel *m) {
    size_t w = 0;
    for (int i = 0; i < m->n_econv + m->n_dconv; i++) {
        const VaeConvShape *s = i < m->n_econv ? &m->econv[i].s : &m->dconv[i - m->n_econv].s;
        if (image_size(s) > w) w = image_size(s);
        if (patch_size(s) > w) w = patch_size(s);
    }
    return (int)w;
}

void vae_conv_encode(const VaeModel *m, VaeWorkspace *ws, const float *x, int n) {
    const float *p = m->params, *in = x; /* (n, H W) is CNHW with one channel */
    for (int i = 0; i < m->n_econv; i++) {
        const VaeConvLayer *l = &m->econv[i];
        vae_conv2d_forward(ws->ea[i], in, p + l->w, p + l->b, n, &l->s, ws->cols, ws->cols_cap);
        vae_relu_forward(ws->ea[i], (size_t)n * patch_size(&l->s));
        in = ws->ea[i];
    }
    const VaeConvShape *last = &m->econv[m->n_econv - 1].s;
    vae_cnhw_to_rows(ws->x, in, n, last->oc, last->oh * last->ow, m->enc_in);
}

void vae_conv_decode(const VaeModel *m, VaeWorkspace *ws, int n, float *logits) {
    const float *p = m->params;
    const VaeConvShape *first = &m->dconv[0].s;
    vae_cnhw_from_rows(ws->da[0], ws->g[m->n_dec - 1], n, first->oc, first->oh * first->ow,
                       m->feat);
    for (int i = 0; i < m->n_dconv; i++) {
        const VaeConvLayer *l = &m->dconv[i];
        int last = i == m->n_dconv - 1;
        float *out = last ? logits : ws->da[i + 1]; /* (n, H W) logits: one channel */
        vae_convt2d_forward(out, ws->da[i], p + l->w, p + l->b, n, &l->s, ws->cols, ws->cols_cap);
        if (!last) vae_relu_forward(out, (size_t)n * image_size(&l->s));
    }
}

void vae_conv_decode_backward(const VaeModel *m, VaeWorkspace *ws, const float *dlogits, int n,
                              float *dfeat, float *grads, float *s0, float *s1) {
    const float *p = m->params, *dout = dlogits;
    float *bufs[2] = {s0, s1};
    for (int i = m->n_dconv - 1, cur = 0; i >= 0; i--, cur ^= 1) {
        const VaeConvLayer *l = &m->dconv[i];
        float *dinp = bufs[cur];
        vae_convt2d_backward(dinp, grads + l->w, grads + l->b, dout, ws->da[i], p + l->w, n, &l->s,
                             ws->cols, ws->cols_cap);
        /* every da[i] is a ReLU output: da[0] the dense layer's, unflattened */
        vae_relu_backward(dinp, ws->da[i], (size_t)n * patch_size(&l->s));
        dout = dinp;
    }
    const VaeConvShape *first = &m->dconv[0].s;
    vae_cnhw_to_rows(dfeat, dout, n, first->oc, first->oh * first->ow, m->feat);
}

void vae_conv_encode_backward(const VaeModel *m, VaeWorkspace *ws, const float *x,
                              const float *drows, int n, float *grads, float *s0, float *s1) {
    const float *p = m->params;
    const int top = m->n_econv - 1;
    const VaeConvShape *last = &m->econv[top].s;
    vae_cnhw_from_rows(s0, drows, n, last->oc, last->oh * last->ow, m->enc_in);
    vae_relu_backward(s0, ws->ea[top], (size_t)n * patch_size(last));
    const float *dout = s0;
    float *bufs[2] = {s1, s0};
    for (int i = top, cur = 0; i >= 0; i--, cur ^= 1) {
        const VaeConvLayer *l = &m->econv[i];
        float *dinp = i ? bufs[cur] : NULL; /* the images' gradient is never needed */
        vae_conv2d_backward(dinp, grads + l->w, grads + l->b, dout, i ? ws->ea[i - 1] : x, p + l->w,
                            n, &l->s, ws->cols, ws->cols_cap);
        if (i) vae_relu_backward(dinp, ws->ea[i - 1], (size_t)n * image_size(&l->s));
        dout = dinp;
    }
}
