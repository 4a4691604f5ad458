/* Per-layer profile for `vae bench --profile`: each layer's kernels timed alone against its
 * own GEMMs alone, so the gap between them (im2col / col2im, bias, ReLU, transposes) shows
 * where a step's time goes beyond the sgemm-bound limit. */
#include <stdlib.h>
#include <string.h>

#include "bench_impl.h"
#include "clock.h"
#include "conv.h"
#include "nn.h"
#include "parallel.h"
#include "rng.h"

/* A layer's buffers for a batch: input, output, their gradients, weight, bias and theirs. */
typedef struct {
    float *inp, *out, *dinp, *dout, *w, *b, *dw, *db, *cols;
    size_t cap;
} LayerBufs;

static void bufs_free(LayerBufs *lb) {
    free(lb->inp), free(lb->out), free(lb->dinp), free(lb->dout);
    free(lb->w), free(lb->b), free(lb->dw), free(lb->db), free(lb->cols);
}

static float *random_floats(size_t n, VaeRng *r) {
    float *x = malloc(sizeof(float) * (n ? n : 1));
    for (size_t i = 0; x && i < n; i++)
        x[i] = vae_rng_uniform(r) - 0.5f;
    return x;
}

static int bufs_init(LayerBufs *lb, const VaeModel *m, const VaeBenchLayerRef *l, int B) {
    memset(lb, 0, sizeof *lb);
    size_t n_in, n_out, n_w, n_b;
    if (l->lin) {
        n_in = (size_t)B * l->lin->in, n_out = (size_t)B * l->lin->out;
        n_w = (size_t)l->lin->in * l->lin->out, n_b = (size_t)l->lin->out;
    } else {
        const VaeConvShape *s = &l->conv->s;
        size_t img = (size_t)B * s->c * s->h * s->w, patch = (size_t)B * s->oc * s->oh * s->ow;
        n_in = l->conv->transposed ? patch : img, n_out = l->conv->transposed ? img : patch;
        n_w = (size_t)s->oc * s->c * s->k * s->k,
        n_b = (size_t)(l->conv->transposed ? s->c : s->oc);
        lb->cap = vae_conv_cols_cap(m, B);
    }
    VaeRng r;
    vae_rng_seed(&r, 5, 5);
    lb->inp = random_floats(n_in, &r), lb->dinp = random_floats(n_in, &r);
    lb->out = random_floats(n_out, &r), lb->dout = random_floats(n_out, &r);
    lb->w = random_floats(n_w, &r), lb->dw = random_floats(n_w, &r);
    lb->b = random_floats(n_b, &r), lb->db = random_floats(n_b, &r);
    lb->cols = random_floats(lb->cap, &r);
    return lb->inp && lb->dinp && lb->out && lb->dout && lb->w && lb->dw && lb->b && lb->db &&
                   lb->cols
               ? 0
               : -1;
}

/* One forward (backward = 0) or backward of the layer, as the training step runs it. */
static void run_layer(const VaeBenchLayerRef *l, LayerBufs *lb, int B, int first, int backward) {
    float *dinp = first ? NULL : lb->dinp;
    if (l->lin) {
        const VaeLinear *li = l->lin;
        if (!backward) {
            vae_linear_forward(lb->out, lb->inp, lb->w, lb->b, B, li->in, li->out);
            vae_relu_forward(lb->out, (size_t)B * li->out);
            return;
        }
        vae_linear_backward(dinp, lb->dw, lb->db, lb->dout, lb->inp, lb->w, B, li->in, li->out, 0);
        if (dinp) vae_relu_backward(dinp, lb->inp, (size_t)B * li->in);
        return;
    }
    const VaeConvShape *s = &l->conv->s;
    size_t n_out = (size_t)B * (l->conv->transposed ? s->c * s->h * s->w : s->oc * s->oh * s->ow);
    size_t n_in = (size_t)B * (l->conv->transposed ? s->oc * s->oh * s->ow : s->c * s->h * s->w);
    if (!backward) {
        if (l->conv->transposed)
            vae_convt2d_forward(lb->out, lb->inp, lb->w, lb->b, B, s, lb->cols, lb->cap);
        else
            vae_conv2d_forward(lb->out, lb->inp, lb->w, lb->b, B, s, lb->cols, lb->cap);
        vae_relu_forward(lb->out, n_out);
        return;
    }
    if (l->conv->transposed)
        vae_convt2d_backward(dinp, lb->dw, lb->db, lb->dout, lb->inp, lb->w, B, s, lb->cols,
                             lb->cap);
    else
        vae_conv2d_backward(dinp, lb->dw, lb->db, lb->dout, lb->inp, lb->w, B, s, lb->cols,
                            lb->cap);
    if (dinp) vae_relu_backward(dinp, lb->inp, n_in);
}

/* Best of repeated runs over about `seconds` (the least disturbed by other load). */
static double time_layer(const VaeBenchLayerRef *l, LayerBufs *lb, int B, int first, int backward,
                         double seconds) {
    double best = 1e9, t_end = vae_now() + seconds;
    int runs = 0;
    while (vae_now() < t_end || runs < 3) {
        double t0 = vae_now();
        run_layer(l, lb, B, first, backward);
        double dt = vae_now() - t0;
        if (dt < best) best = dt;
        runs++;
    }
    return best;
}

VaeStatus vae_bench_layers(const VaeModel *m, int batch, double seconds, VaeBenchLayer *out,
                           int *n_out, char err[VAE_ERR_LEN]) {
    VaeBenchLayerRef ls[VAE_BENCH_MAX_LAYERS];
    int n = vae_bench_layers_of(m, ls);
    *n_out = 0;
    if (n > VAE_BENCH_MAX_LAYER_ROWS)
        return vae_fail(err, VAE_ERR_ARG, "%d layers: more than the profile holds", n);
    VaeBenchGemms g;
    vae_bench_gemms_of(m, batch, &g);
    vae_blas_set_threads(1);
    const double share = seconds / n / 3; /* forward, backward, GEMMs */
    for (int i = 0; i < n; i++) {
        VaeBenchLayer *o = &out[i];
        memset(o, 0, sizeof *o);
        vae_bench_layer_name(m, &ls[i], o->name, sizeof o->name);
        LayerBufs lb;
        if (bufs_init(&lb, m, &ls[i], batch) != 0) {
            bufs_free(&lb);
            return vae_fail(err, VAE_ERR_NOMEM, "out of memory for the layer profile");
        }
        o->forward = time_layer(&ls[i], &lb, batch, i == 0, 0, share);
        o->backward = time_layer(&ls[i], &lb, batch, i == 0, 1, share);
        bufs_free(&lb);
        o->sgemm = vae_bench_gemms_time(&g, i, share, 1); /* best of, as the kernels */
        for (int k = 0; k < g.n; k++)
            if (g.op[k].layer == i)
                o->flops += 2.0 * g.op[k].m * g.op[k].n * g.op[k].k * g.op[k].reps;
    }
    *n_out = n;
    return VAE_OK;
}
