/* `vae bench`: training throughput at a given shape on synthetic data, the OpenBLAS
 * sgemm-bound limit for the same GEMM shapes (the ceiling no implementation on this BLAS
 * can pass), and with --profile where the time of a step goes. */
#include <cblas.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "cli.h"
#include "nn.h"
#include "pool.h"
#include "rng.h"
#include "step.h"

typedef struct {
    int in, out;
    float *a, *w, *c, *dc, *da, *dw; /* activations, weight, output and their gradients */
} Gemm;

/* The linear layers of one model, in forward order. */
static int layers_of(const VaeModel *m, const VaeLinear **out) {
    int n = 0;
    for (int i = 0; i < m->n_enc; i++)
        out[n++] = &m->enc[i];
    out[n++] = &m->head;
    for (int i = 0; i < m->n_dec; i++)
        out[n++] = &m->dec[i];
    return n;
}

static double flops_per_step(const VaeModel *m, int B) {
    const VaeLinear *ls[2 * VAE_MAX_HIDDEN + 2];
    int n = layers_of(m, ls);
    double f = 0;
    for (int i = 0; i < n; i++) {
        double mn = 2.0 * B * ls[i]->in * ls[i]->out;
        f += mn * (i == 0 ? 2 : 3); /* forward, dW, and dinp except for the first layer */
    }
    return f;
}

#define BENCH_ROUNDS 10 /* turns of training and of the sgemm limit */

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The GEMMs of one training step at `rows` rows, with nothing else. */
typedef struct {
    int n;
    Gemm g[2 * VAE_MAX_HIDDEN + 2];
    int rows;
    double seconds, step_s; /* in: how long to run; out: seconds per step */
} GemmSet;

static void gemm_set_init(GemmSet *s, const VaeModel *m, int rows) {
    const VaeLinear *ls[2 * VAE_MAX_HIDDEN + 2];
    s->n = layers_of(m, ls);
    s->rows = rows;
    VaeRng r;
    vae_rng_seed(&r, 1, 1);
    for (int i = 0; i < s->n; i++) {
        Gemm *g = &s->g[i];
        int in = ls[i]->in, out = ls[i]->out;
        g->in = in;
        g->out = out;
        float **bufs[6] = {&g->a, &g->w, &g->c, &g->dc, &g->da, &g->dw};
        size_t sizes[6] = {(size_t)rows * in,  (size_t)out * in,  (size_t)rows * out,
                           (size_t)rows * out, (size_t)rows * in, (size_t)out * in};
        for (int k = 0; k < 6; k++) {
            *bufs[k] = aligned_alloc(64, ((sizes[k] * 4 + 63) / 64) * 64);
            for (size_t j = 0; j < sizes[k]; j++)
                (*bufs[k])[j] = vae_rng_uniform(&r) - 0.5f;
        }
    }
}

static void gemm_set_free(GemmSet *s) {
    for (int i = 0; i < s->n; i++) {
        Gemm *g = &s->g[i];
        free(g->a), free(g->w), free(g->c), free(g->dc), free(g->da), free(g->dw);
    }
}

/* The same calls, in the same order, as vae_step_forward / vae_step_backward. */
static void *gemm_set_run(void *arg) {
    GemmSet *s = arg;
    Gemm *g = s->g;
    const int B = s->rows;
    long steps = 0;
    double t0 = cli_now(), t;
    do {
        for (int i = 0; i < s->n; i++)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, g[i].out, g[i].in, 1.0f, g[i].a,
                        g[i].in, g[i].w, g[i].in, 1.0f, g[i].c, g[i].out);
        for (int i = s->n - 1; i >= 0; i--) {
            if (i > 0)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, g[i].in, g[i].out, 1.0f,
                            g[i].dc, g[i].out, g[i].w, g[i].in, 0.0f, g[i].da, g[i].in);
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, g[i].out, g[i].in, B, 1.0f,
                        g[i].dc, g[i].out, g[i].a, g[i].in, 0.0f, g[i].dw, g[i].in);
        }
        steps++;
        t = cli_now();
    } while (t - t0 < s->seconds || steps < 5);
    s->step_s = (t - t0) / steps;
    return NULL;
}

/* Seconds per step of the GEMMs alone when `threads` threads share a batch of B rows:
 * the faster of OpenBLAS's own threading on the whole batch and one single-threaded
 * OpenBLAS per shard running concurrently (the ceiling either way of training). */
static double sgemm_limit(const VaeModel *m, int B, int threads, double seconds) {
    GemmSet whole;
    gemm_set_init(&whole, m, B);
    whole.seconds = seconds / 2;
    vae_blas_set_threads(threads);
    gemm_set_run(&whole);
    gemm_set_free(&whole);
    double best = whole.step_s;
    vae_blas_set_threads(1);
    if (threads > 1) {
        GemmSet shard[VAE_MAX_WORKERS];
        pthread_t th[VAE_MAX_WORKERS];
        double slowest = 0;
        for (int i = 0; i < threads; i++) {
            gemm_set_init(&shard[i], m, B / threads + (i < B % threads));
            shard[i].seconds = seconds / 2;
        }
        for (int i = 1; i < threads; i++)
            pthread_create(&th[i], NULL, gemm_set_run, &shard[i]);
        gemm_set_run(&shard[0]);
        for (int i = 1; i < threads; i++)
            pthread_join(th[i], NULL);
        for (int i = 0; i < threads; i++) {
            if (shard[i].step_s > slowest) slowest = shard[i].step_s;
            gemm_set_free(&shard[i]);
        }
        if (slowest < best) best = slowest;
    }
    return best;
}

/* Where a step's time goes: each phase timed alone over `reps` repetitions. */
static void profile(VaeTrainer *t, const VaeSplit *sp, int B, double sgemm_s) {
    const VaeModel *m = vae_trainer_model(t);
    VaeStepBuffers sb;
    char err[VAE_ERR_LEN];
    if (vae_step_buffers_init(&sb, m, B, err) != VAE_OK) return;
    float *grads = calloc(m->n_params, sizeof(float));
    float *mo = calloc(m->n_params, sizeof(float)), *v = calloc(m->n_params, sizeof(float));
    VaeModel copy;
    vae_model_clone(&copy, m, err);
    int *idx = malloc(sizeof(int) * (size_t)B);
    for (int i = 0; i < B; i++)
        idx[i] = i;
    VaeRng r;
    vae_rng_seed(&r, 3, 3);
    VaeLossParams lp = {1.0f, 0.0f, 0.0f, 0, NULL};
    VaeLossValues lv;
    const int reps = 50;
    double ph[5] = {0};
    for (int k = 0; k < reps; k++) {
        double t0 = cli_now();
        vae_data_batch(sp, idx, B, sb.x);
        double t1 = cli_now();
        vae_rng_normals(&r, sb.eps, B * m->cfg.latent);
        double t2 = cli_now();
        vae_step_forward(&copy, &sb, sp->labels, B, &lp, &lv);
        double t3 = cli_now();
        vae_step_backward(&copy, &sb, sp->labels, B, &lp, grads);
        vae_all_finite(grads, m->n_params);
        double t4 = cli_now();
        vae_adam_step(copy.params, grads, mo, v, m->n_params, 1e-6f, 0.9f, 0.999f, 1e-8f, k + 1);
        double t5 = cli_now();
        ph[0] += t1 - t0, ph[1] += t2 - t1, ph[2] += t3 - t2, ph[3] += t4 - t3, ph[4] += t5 - t4;
    }
    double total = 0;
    for (int i = 0; i < 5; i++)
        total += ph[i] /= reps;
    double other = ph[2] + ph[3] - sgemm_s;
    printf("profile_us (one thread, whole batch): data=%.0f noise=%.0f forward=%.0f backward=%.0f "
           "adam=%.0f total=%.0f "
           "(sgemm=%.0f elementwise_and_overhead=%.0f)\n",
           ph[0] * 1e6, ph[1] * 1e6, ph[2] * 1e6, ph[3] * 1e6, ph[4] * 1e6, total * 1e6,
           sgemm_s * 1e6, other * 1e6);
    vae_model_free(&copy);
    free(idx), free(grads), free(mo), free(v);
    vae_step_buffers_free(&sb);
}

/* Inference latency as the explorer sees it: one cursor decode, and a 32 x 32 manifold
 * grid decoded as one batch (best of repeated runs, with --threads BLAS threads). */
static void decode_latency(const VaeModel *m, double seconds) {
    VaeWorkspace ws;
    char err[VAE_ERR_LEN];
    const int G = 32 * 32, L = m->cfg.latent;
    float *z = calloc((size_t)G * L, sizeof(float)), *out = malloc(sizeof(float) * G * m->n_in);
    uint8_t *labels = calloc(G, 1);
    if (!z || !out || !labels || vae_workspace_init(&ws, m, G, err) != VAE_OK) {
        free(z), free(out), free(labels);
        return;
    }
    for (int i = 0; i < G; i++)
        z[(size_t)i * L] = -3.0f + 6.0f * (float)(i % 32) / 31.0f;
    double best1 = 1e9, bestg = 1e9, t_end = cli_now() + seconds;
    long n1 = 0;
    while (cli_now() < t_end || n1 < 20) {
        double t0 = cli_now();
        vae_model_decode(m, &ws, z, labels, 1, out);
        double t1 = cli_now();
        if (t1 - t0 < best1) best1 = t1 - t0;
        if (n1++ % 50 == 0) {
            vae_model_decode(m, &ws, z, labels, G, out);
            double t2 = cli_now();
            if (t2 - t1 < bestg) bestg = t2 - t1;
        }
    }
    printf("decode_one_us=%.1f decode_grid32_ms=%.2f (best of %ld and %ld runs, %d BLAS "
           "thread%s)\n",
           best1 * 1e6, bestg * 1e3, n1, (n1 + 49) / 50, vae_blas_get_threads(),
           vae_blas_get_threads() == 1 ? "" : "s");
    vae_workspace_free(&ws);
    free(z), free(out), free(labels);
}

int cmd_bench(int argc, char **argv) {
    int threads = cli_default_threads(), batch = 128, prof = 0, blas = 0, decode = 0;
    float seconds = 5.0f;
    CliModelFlags mf = {"vae", "512,256", "bernoulli", 2};
    const CliOpt opts[] = {
        {"--threads", OPT_INT, &threads, "T", "training threads (default: the CPUs online)"},
        {"--blas-threads", OPT_FLAG, &blas, NULL,
         "give the threads to OpenBLAS instead of to data-parallel shards"},
        {"--batch", OPT_INT, &batch, "B", "minibatch size (default 128)"},
        {"--seconds", OPT_FLOAT, &seconds, "S", "time per measurement (default 5)"},
        {"--kind", OPT_STR, &mf.kind, "KIND", "vae, ae or cvae (default vae)"},
        {"--hidden", OPT_STR, &mf.hidden, "H1,H2", "hidden sizes (default 512,256)"},
        {"--latent", OPT_INT, &mf.latent, "N", "latent dimensions (default 2)"},
        {"--profile", OPT_FLAG, &prof, NULL, "also print where the time of a step goes"},
        {"--decode", OPT_FLAG, &decode, NULL, "also time one decode and a 32x32 grid decode"},
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
    VaeConfig cfg;
    if ((rc = cli_model_config(&mf, 10, &cfg))) return rc;

    /* synthetic data: the cost of a step does not depend on the pixels */
    VaeSplit sp = {NULL, NULL, batch * 32, 28, 28};
    sp.images = malloc((size_t)sp.n * 784);
    sp.labels = malloc((size_t)sp.n);
    VaeRng r;
    vae_rng_seed(&r, 7, 7);
    for (size_t i = 0; i < (size_t)sp.n * 784; i++)
        sp.images[i] = (uint8_t)vae_rng_below(&r, 256);
    for (int i = 0; i < sp.n; i++)
        sp.labels[i] = (uint8_t)vae_rng_below(&r, 10);
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
        double t0 = cli_now(), now;
        do {
            vae_trainer_step(t, NULL);
            n++;
            now = cli_now();
        } while (now - t0 < seconds / BENCH_ROUNDS);
        double g = sgemm_limit(vae_trainer_model(t), batch, threads, seconds / BENCH_ROUNDS);
        vae_blas_set_threads(blas ? threads : 1); /* the trainer's setting again */
        frac[round] = g / ((now - t0) / n);
        train_s += now - t0, steps += n, gemm_s += g / BENCH_ROUNDS;
    }
    double step_s = train_s / steps;
    qsort(frac, BENCH_ROUNDS, sizeof *frac, cmp_double);
    double fraction = (frac[BENCH_ROUNDS / 2 - 1] + frac[BENCH_ROUNDS / 2]) / 2;
    double fl = flops_per_step(vae_trainer_model(t), batch);
    printf("samples_per_s=%.0f gflops=%.2f threads=%d mode=%s batch=%d "
           "sgemm_limit_samples_per_s=%.0f sgemm_fraction=%.3f steps=%ld\n",
           batch / step_s, fl / step_s * 1e-9, threads, blas ? "blas" : "data-parallel", batch,
           batch / gemm_s, fraction, steps);
    if (prof) {
        vae_blas_set_threads(1);
        GemmSet one;
        gemm_set_init(&one, vae_trainer_model(t), batch);
        one.seconds = seconds / 2;
        gemm_set_run(&one);
        gemm_set_free(&one);
        profile(t, &sp, batch, one.step_s);
    }
    if (decode) {
        vae_blas_set_threads(blas || threads > 1 ? threads : 1); /* the explorer's choice */
        decode_latency(vae_trainer_model(t), seconds / 2);
    }
    vae_trainer_destroy(t);
    free(sp.images), free(sp.labels);
    return CLI_OK;
}
