/* `vae bench`: training throughput at a given shape on synthetic data, the OpenBLAS
 * sgemm-bound limit for the same GEMM shapes (the ceiling no implementation on this BLAS
 * can pass), and with --profile where the time of a step goes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "cli.h"
#include "clock.h"
#include "parallel.h"
#include "rng.h"

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define BENCH_ROUNDS 10 /* turns of training and of the sgemm limit */

/* Each layer's kernels against its GEMMs alone (one thread, whole batch). */
static void print_layers(const VaeModel *m, int batch, double seconds) {
    VaeBenchLayer ls[VAE_BENCH_MAX_LAYER_ROWS];
    int n;
    char err[VAE_ERR_LEN];
    if (vae_bench_layers(m, batch, seconds, ls, &n, err) != VAE_OK) {
        fprintf(stderr, "vae: bench: %s\n", err);
        return;
    }
    double total = 0, gemm = 0;
    for (int i = 0; i < n; i++)
        total += ls[i].forward + ls[i].backward, gemm += ls[i].sgemm;
    printf("layers (one thread, whole batch; us per step; sgemm = its GEMMs alone):\n");
    for (int i = 0; i < n; i++) {
        const VaeBenchLayer *l = &ls[i];
        double own = l->forward + l->backward;
        printf("  %-14s forward=%7.0f backward=%7.0f share=%5.1f%% sgemm=%7.0f "
               "sgemm_fraction=%.2f gflops=%.1f\n",
               l->name, l->forward * 1e6, l->backward * 1e6, 100 * own / total, l->sgemm * 1e6,
               own > 0 ? l->sgemm / own : 0, own > 0 ? l->flops / own * 1e-9 : 0);
    }
    printf("  %-14s %7.0f us, sgemm %7.0f us: sgemm_fraction=%.2f\n", "all layers", total * 1e6,
           gemm * 1e6, total > 0 ? gemm / total : 0);
}

/* Synthetic data: the cost of a step does not depend on the pixels. */
static VaeSplit synthetic_split(int n) {
    VaeSplit sp = {NULL, NULL, n, 28, 28};
    sp.images = malloc((size_t)sp.n * 784);
    sp.labels = malloc((size_t)sp.n);
    VaeRng r;
    vae_rng_seed(&r, 7, 7);
    for (size_t i = 0; sp.images && i < (size_t)sp.n * 784; i++)
        sp.images[i] = (uint8_t)vae_rng_below(&r, 256);
    for (int i = 0; sp.labels && i < sp.n; i++)
        sp.labels[i] = (uint8_t)vae_rng_below(&r, 10);
    return sp;
}

/* --profile: where the time of one step goes. */
static void print_profile(const VaeModel *m, const VaeSplit *sp, int batch, float seconds) {
    VaeBenchProfile pr;
    char err[VAE_ERR_LEN];
    if (vae_bench_profile(m, sp, batch, seconds / 2, &pr, err) != VAE_OK) return;
    printf("profile_us (one thread, whole batch): data=%.0f noise=%.0f forward=%.0f "
           "backward=%.0f adam=%.0f total=%.0f (sgemm=%.0f elementwise_and_overhead=%.0f)\n",
           pr.data * 1e6, pr.noise * 1e6, pr.forward * 1e6, pr.backward * 1e6, pr.adam * 1e6,
           pr.total * 1e6, pr.sgemm * 1e6, (pr.forward + pr.backward - pr.sgemm) * 1e6);
    print_layers(m, batch, seconds / 2);
}

/* --decode: one decode and a 32x32 grid, with the BLAS threads the explorer would use. */
static void print_decode(const VaeModel *m, float seconds, int blas_threads) {
    VaeBenchDecode d;
    char err[VAE_ERR_LEN];
    vae_blas_set_threads(blas_threads);
    if (vae_bench_decode(m, seconds / 2, &d, err) != VAE_OK) return;
    printf("decode_one_us=%.1f decode_grid32_ms=%.2f (best of %ld and %ld runs, %d BLAS "
           "thread%s)\n",
           d.one_s * 1e6, d.grid_s * 1e3, d.n_one, d.n_grid, vae_blas_get_threads(),
           vae_blas_get_threads() == 1 ? "" : "s");
}

int cmd_bench(int argc, char **argv) {
    int threads = vae_default_threads(), batch = 128, prof = 0, blas = 0, decode = 0, nearest = 0;
    const char *data = NULL, *dataset = NULL;
    float seconds = 5.0f;
    CliModelFlags mf = {"vae", NULL, "bernoulli", 2, "mlp"};
    const VaeOpt opts[] = {
        {"--threads", VAE_OPT_INT, &threads, "T", "training threads (default: the CPUs online)"},
        {"--blas-threads", VAE_OPT_FLAG, &blas, NULL,
         "give the threads to OpenBLAS instead of to data-parallel shards"},
        {"--batch", VAE_OPT_INT, &batch, "B", "minibatch size (default 128)"},
        {"--seconds", VAE_OPT_FLOAT, &seconds, "S", "time per measurement (default 5)"},
        {"--kind", VAE_OPT_STR, &mf.kind, "KIND", "vae, ae or cvae (default vae)"},
        {"--hidden", VAE_OPT_STR, &mf.hidden, "H1,H2",
         "dense hidden sizes (default 512,256; conv: 16)"},
        {"--arch", VAE_OPT_STR, &mf.arch, "A", "mlp or conv (default mlp)"},
        {"--latent", VAE_OPT_INT, &mf.latent, "N", "latent dimensions (default 2)"},
        {"--profile", VAE_OPT_FLAG, &prof, NULL, "also print where the time of a step goes"},
        {"--decode", VAE_OPT_FLAG, &decode, NULL, "also time one decode and a 32x32 grid decode"},
        {"--nearest", VAE_OPT_INT, &nearest, "K",
         "instead, time the search for the K nearest training images\nof each test image "
         "(pixel space) in --data or --dataset",
         1, 1000},
        {"--data", VAE_OPT_STR, &data, "DIR", "IDX dataset directory for --nearest"},
        {"--dataset", VAE_OPT_STR, &dataset, "NAME", "mnist (default) or fashion, for --nearest"},
    };
    const CliCommand cmd = {"bench",
                            "[--threads T] [--batch B] [--seconds S]",
                            "Training throughput on synthetic 28x28 data, and the sgemm-bound "
                            "limit for the same shapes and threads.",
                            opts,
                            (int)(sizeof opts / sizeof opts[0]),
                            0,
                            NULL};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if (batch < 1 || batch > 65536)
        return cli_error(CLI_USAGE, "bench: --batch must be in 1..65536");
    if (!(seconds > 0 && seconds <= 3600))
        return cli_error(CLI_USAGE, "bench: --seconds must be in (0, 3600]");
    if (threads < 1 || threads > VAE_MAX_WORKERS)
        return cli_error(CLI_USAGE, "bench: --threads must be in 1..%d", VAE_MAX_WORKERS);
    if (nearest) return cli_bench_nearest(data, dataset, nearest, seconds);
    VaeConfig cfg;
    if ((rc = cli_model_config(&mf, 10, &cfg))) return rc;

    VaeSplit sp = synthetic_split(batch * 32);
    if (!sp.images || !sp.labels) {
        free(sp.images), free(sp.labels);
        return cli_error(CLI_FAIL, "bench: out of memory");
    }
    VaeTrainConfig tc = vae_train_config_default();
    tc.batch = batch;
    tc.threads = blas ? 1 : threads;
    vae_blas_set_threads(blas ? threads : 1);
    VaeTrainer *t;
    char err[VAE_ERR_LEN];
    if (vae_trainer_create(&t, &cfg, NULL, &tc, &sp, err) != VAE_OK) {
        free(sp.images), free(sp.labels);
        return cli_error(CLI_FAIL, "bench: %s", err);
    }
    for (int i = 0; i < 10; i++)
        vae_trainer_step(t, NULL); /* warm-up */
    /* Training and the sgemm limit take turns in BENCH_ROUNDS slices, so that both see the
     * same machine: a shared host's speed drifts by tens of percent over seconds. The
     * fraction is the median of the rounds' own fractions. Each slice starts with one
     * untimed step, as the limit's GEMMs start on buffers their set-up just wrote. */
    long steps = 0;
    double train_s = 0, gemm_s = 0, frac[BENCH_ROUNDS];
    for (int round = 0; round < BENCH_ROUNDS; round++) {
        vae_trainer_step(t, NULL);
        long n = 0;
        double t0 = vae_now(), now;
        do {
            vae_trainer_step(t, NULL);
            n++;
            now = vae_now();
        } while (now - t0 < seconds / BENCH_ROUNDS);
        double g =
            vae_bench_sgemm_limit(vae_trainer_model(t), batch, threads, seconds / BENCH_ROUNDS);
        vae_blas_set_threads(blas ? threads : 1); /* the trainer's setting again */
        frac[round] = g / ((now - t0) / n);
        train_s += now - t0, steps += n, gemm_s += g / BENCH_ROUNDS;
    }
    double step_s = train_s / steps;
    qsort(frac, BENCH_ROUNDS, sizeof *frac, cmp_double);
    double fraction = (frac[BENCH_ROUNDS / 2 - 1] + frac[BENCH_ROUNDS / 2]) / 2;
    double fl = vae_bench_step_flops(vae_trainer_model(t), batch);
    printf("samples_per_s=%.0f gflops=%.2f threads=%d mode=%s batch=%d "
           "sgemm_limit_samples_per_s=%.0f sgemm_fraction=%.3f steps=%ld\n",
           batch / step_s, fl / step_s * 1e-9, threads, blas ? "blas" : "data-parallel", batch,
           batch / gemm_s, fraction, steps);
    if (prof) print_profile(vae_trainer_model(t), &sp, batch, seconds);
    if (decode) print_decode(vae_trainer_model(t), seconds, blas || threads > 1 ? threads : 1);
    vae_trainer_destroy(t);
    free(sp.images), free(sp.labels);
    return CLI_OK;
}
