/* What bench.c and bench_layers.c share: a model's layers in forward order and the GEMMs
 * of one training step with their shapes, as the kernels issue them. */
#ifndef VAE_BENCH_IMPL_H
#define VAE_BENCH_IMPL_H

#include "bench.h"

#define VAE_BENCH_MAX_LAYERS (2 * VAE_MAX_HIDDEN + 2 + 2 * VAE_MAX_CONV)
#define VAE_BENCH_MAX_GEMMS (6 * VAE_BENCH_MAX_LAYERS)

/* One layer: a dense one (lin) or a conv one (conv). */
typedef struct {
    const VaeLinear *lin;
    const VaeConvLayer *conv;
} VaeBenchLayerRef;

/* One cblas_sgemm call, row-major: C (m, n) = op(A) op(B), issued reps times. */
typedef struct {
    int layer;   /* index in the model's layer list */
    int forward; /* 1: of the forward pass */
    int ta, tb;  /* A (or B) transposed */
    int m, n, k, reps;
} VaeBenchGemm;

typedef struct {
    int n;
    VaeBenchGemm op[VAE_BENCH_MAX_GEMMS];
} VaeBenchGemms;

/* The layers in forward order; -> their number. */
int vae_bench_layers_of(const VaeModel *m, VaeBenchLayerRef *out);
/* "enc.conv.1", "enc.0", "enc.mu+logvar", "dec.0", ... */
void vae_bench_layer_name(const VaeModel *m, const VaeBenchLayerRef *l, char *buf, size_t len);
/* The GEMMs of one training step of `rows` rows: the forward pass, then the backward. */
void vae_bench_gemms_of(const VaeModel *m, int rows, VaeBenchGemms *g);
/* Seconds per run of the GEMMs of g whose layer is `layer` (-1: all) on the calling
 * thread over about `seconds`: the mean, or the fastest run if best; 0 if out of memory. */
double vae_bench_gemms_time(const VaeBenchGemms *g, int layer, double seconds, int best);

#endif
