/* Measuring the library, for `vae bench`: the floating-point work of a training step, the
 * OpenBLAS sgemm-bound limit for a model's own GEMM shapes (the ceiling no implementation
 * on this BLAS can pass), where the time of a step goes, and inference latency as the
 * explorer sees it. Timings only: nothing here asserts on them. */
#ifndef VAE_BENCH_H
#define VAE_BENCH_H

#include "data.h"
#include "model.h"
#include "status.h"

/* FLOPs of one training step of batch rows: every GEMM of the forward and backward pass. */
double vae_bench_step_flops(const VaeModel *m, int batch);

/* Seconds per step of the GEMMs alone (the same calls, in the same order, as a training
 * step) when `threads` threads share a batch: the faster of OpenBLAS's own threading on
 * the whole batch and one single-threaded OpenBLAS per shard running concurrently. Leaves
 * OpenBLAS at 1 thread. Runs about `seconds`. */
double vae_bench_sgemm_limit(const VaeModel *m, int batch, int threads, double seconds);

/* Where one single-threaded step of the whole batch goes, seconds per phase (mean of 50
 * repetitions on a copy of m, with data from sp); sgemm is the limit above at 1 thread. */
typedef struct {
    double data, noise, forward, backward, adam, total;
    double sgemm;
} VaeBenchProfile;
VaeStatus vae_bench_profile(const VaeModel *m, const VaeSplit *sp, int batch, double seconds,
                            VaeBenchProfile *out, char err[VAE_ERR_LEN]);

/* Where a step's time goes layer by layer: each layer's forward (with its ReLU) and
 * backward kernels timed alone on one thread over a whole batch of random activations,
 * beside its GEMMs alone (the sgemm-bound limit of that layer). bench_layers.c. */
#define VAE_BENCH_MAX_LAYER_ROWS 16
typedef struct {
    char name[24];
    double forward, backward; /* seconds per step */
    double sgemm;             /* seconds per step of its GEMMs alone */
    double flops;             /* of its GEMMs per step */
} VaeBenchLayer;
VaeStatus vae_bench_layers(const VaeModel *m, int batch, double seconds, VaeBenchLayer *out,
                           int *n_out, char err[VAE_ERR_LEN]);

/* One decode of a single latent point (the cursor's) and of a 32 x 32 grid as one batch,
 * best of repeated runs over about `seconds`, with the BLAS threads as they are set. */
typedef struct {
    double one_s, grid_s;
    long n_one, n_grid; /* runs of each */
} VaeBenchDecode;
VaeStatus vae_bench_decode(const VaeModel *m, double seconds, VaeBenchDecode *out,
                           char err[VAE_ERR_LEN]);

#endif
