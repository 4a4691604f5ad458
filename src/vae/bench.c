/* Benchmark kernels behind `vae bench` (see bench.h). */
#include "bench.h"

#include <cblas.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "clock.h"
#include "parallel.h"
#include "rng.h"
#include "step.h"

#define MAX_GEMMS (2 * VAE_MAX_HIDDEN + 2)

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

double vae_bench_step_flops(const VaeModel *m, int batch) {
    const VaeLinear *ls[MAX_GEMMS];
    int n = layers_of(m, ls);
    double f = 0;
    for (int i = 0; i < n; i++) {
        double mn = 2.0 * batch * ls[i]->in * ls[i]->out;
        f += mn * (i == 0 ? 2 : 3); /* forward, dW, and dinp except for the first layer */
    }
    return f;
}

/* The GEMMs of one training step at `rows` rows, with nothing else. */
typedef struct {
    int n;
    Gemm g[MAX_GEMMS];
    int rows;
    double seconds, step_s; /* in: how long to run; out: seconds per step */
} GemmSet;

static void gemm_set_free(GemmSet *s) {
    for (int i = 0; i < s->n; i++) {
        Gemm *g = &s->g[i];
        free(g->a), free(g->w), free(g->c), free(g->dc), free(g->da), free(g->dw);
    }
    s->n = 0;
}

static int gemm_set_init(GemmSet *s, const VaeModel *m, int rows) {
    const VaeLinear *ls[MAX_GEMMS];
    memset(s, 0, sizeof *s);
    int n = layers_of(m, ls);
    s->rows = rows;
    VaeRng r;
    vae_rng_seed(&r, 1, 1);
    for (int i = 0; i < n; i++, s->n++) {
        Gemm *g = &s->g[i];
        int in = ls[i]->in, out = ls[i]->out;
        g->in = in;
        g->out = out;
        float **bufs[6] = {&g->a, &g->w, &g->c, &g->dc, &g->da, &g->dw};
        size_t sizes[6] = {(size_t)rows * in,  (size_t)out * in,  (size_t)rows * out,
                           (size_t)rows * out, (size_t)rows * in, (size_t)out * in};
        for (int k = 0; k < 6; k++) {
            *bufs[k] = aligned_alloc(64, ((sizes[k] * 4 + 63) / 64) * 64);
            if (!*bufs[k]) {
                s->n++;
                gemm_set_free(s);
                return -1;
            }
            for (size_t j = 0; j < sizes[k]; j++)
                (*bufs[k])[j] = vae_rng_uniform(&r) - 0.5f;
        }
    }
    return 0;
}

/* The same calls, in the same order, as vae_step_forward / vae_step_backward. */
static void *gemm_set_run(void *arg) {
    GemmSet *s = arg;
    Gemm *g = s->g;
    const int B = s->rows;
    long steps = 0;
    double t0 = vae_now(), t;
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
        t = vae_now();
    } while (t - t0 < s->seconds || steps < 5);
    s->step_s = (t - t0) / steps;
    return NULL;
}

/* Seconds per step of the GEMMs of `rows` rows on one thread; 0 if out of memory. */
static double gemm_time(const VaeModel *m, int rows, double seconds) {
    GemmSet s;
    if (gemm_set_init(&s, m, rows) != 0) return 0;
    s.seconds = seconds;
    gemm_set_run(&s);
    gemm_set_free(&s);
    return s.step_s;
}

double vae_bench_sgemm_limit(const VaeModel *m, int batch, int threads, double seconds) {
    vae_blas_set_threads(threads);
    double best = gemm_time(m, batch, seconds / 2);
    vae_blas_set_threads(1);
    if (threads < 2) return best;
    if (threads > VAE_MAX_WORKERS) threads = VAE_MAX_WORKERS;
    GemmSet shard[VAE_MAX_WORKERS];
    pthread_t th[VAE_MAX_WORKERS];
    int ok = 1;
    for (int i = 0; i < threads; i++) {
        ok &= gemm_set_init(&shard[i], m, batch / threads + (i < batch % threads)) == 0;
        shard[i].seconds = seconds / 2;
    }
    if (ok) {
        int started = 1;
        for (int i = 1; i < threads; i++, started++)
            if (pthread_create(&th[i], NULL, gemm_set_run, &shard[i]) != 0) break;
        gemm_set_run(&shard[0]);
        for (int i = 1; i < started; i++)
            pthread_join(th[i], NULL);
        double slowest = 0;
        for (int i = 0; i < threads; i++)
            if (shard[i].step_s > slowest) slowest = shard[i].step_s;
        if (started == threads && slowest > 0 && (best <= 0 || slowest < best)) best = slowest;
    }
    for (int i = 0; i < threads; i++)
        gemm_set_free(&shard[i]);
    return best;
}

VaeStatus vae_bench_profile(const VaeModel *m, const VaeSplit *sp, int batch, double seconds,
                            VaeBenchProfile *out, char err[VAE_ERR_LEN]) {
    memset(out, 0, sizeof *out);
    if (batch < 1 || batch > sp->n)
        return vae_fail(err, VAE_ERR_ARG, "batch %d out of range", batch);
    vae_blas_set_threads(1);
    out->sgemm = gemm_time(m, batch, seconds);
    VaeStepBuffers sb;
    VaeModel copy;
    memset(&copy, 0, sizeof copy);
    VaeStatus st = vae_step_buffers_init(&sb, m, batch, err);
    if (st != VAE_OK) return st;
    if ((st = vae_model_clone(&copy, m, err)) != VAE_OK) {
        vae_step_buffers_free(&sb);
        return st;
    }
    float *grads = calloc(m->n_params, sizeof(float));
    float *mo = calloc(m->n_params, sizeof(float)), *v = calloc(m->n_params, sizeof(float));
    int *idx = malloc(sizeof(int) * (size_t)batch);
    if (!grads || !mo || !v || !idx) {
        st = vae_fail(err, VAE_ERR_NOMEM, "out of memory for the profile");
        goto done;
    }
    for (int i = 0; i < batch; i++)
        idx[i] = i;
    VaeRng r;
    vae_rng_seed(&r, 3, 3);
    VaeLossParams lp = {1.0f, 0.0f, 0.0f, 0, NULL};
    VaeLossValues loss;
    const int reps = 50;
    for (int k = 0; k < reps; k++) {
        double t0 = vae_now();
        vae_data_batch(sp, idx, batch, sb.x);
        double t1 = vae_now();
        vae_rng_normals(&r, sb.eps, batch * m->cfg.latent);
        double t2 = vae_now();
        vae_step_forward(&copy, &sb, sp->labels, batch, &lp, &loss);
        double t3 = vae_now();
        vae_step_backward(&copy, &sb, sp->labels, batch, &lp, grads);
        vae_all_finite(grads, m->n_params);
        double t4 = vae_now();
        vae_adam_step(copy.params, grads, mo, v, m->n_params, 1e-6f, 0.9f, 0.999f, 1e-8f, k + 1);
        double t5 = vae_now();
        out->data += t1 - t0, out->noise += t2 - t1, out->forward += t3 - t2;
        out->backward += t4 - t3, out->adam += t5 - t4;
    }
    out->data /= reps, out->noise /= reps, out->forward /= reps;
    out->backward /= reps, out->adam /= reps;
    out->total = out->data + out->noise + out->forward + out->backward + out->adam;
done:
    vae_model_free(&copy);
    free(idx), free(grads), free(mo), free(v);
    vae_step_buffers_free(&sb);
    return st;
}

VaeStatus vae_bench_decode(const VaeModel *m, double seconds, VaeBenchDecode *out,
                           char err[VAE_ERR_LEN]) {
    memset(out, 0, sizeof *out);
    const int G = 32 * 32, L = m->cfg.latent;
    VaeWorkspace ws;
    VaeStatus st = vae_workspace_init(&ws, m, G, err);
    if (st != VAE_OK) return st;
    float *z = calloc((size_t)G * L, sizeof(float)), *probs = malloc(sizeof(float) * G * m->n_in);
    uint8_t *labels = calloc(G, 1);
    if (!z || !probs || !labels) {
        st = vae_fail(err, VAE_ERR_NOMEM, "out of memory for the decode benchmark");
        goto done;
    }
    for (int i = 0; i < G; i++)
        z[(size_t)i * L] = -3.0f + 6.0f * (float)(i % 32) / 31.0f;
    out->one_s = out->grid_s = 1e9;
    double t_end = vae_now() + seconds;
    while (vae_now() < t_end || out->n_one < 20) {
        double t0 = vae_now();
        vae_model_decode(m, &ws, z, labels, 1, probs);
        double t1 = vae_now();
        if (t1 - t0 < out->one_s) out->one_s = t1 - t0;
        if (out->n_one++ % 50 == 0) {
            vae_model_decode(m, &ws, z, labels, G, probs);
            double t2 = vae_now();
            if (t2 - t1 < out->grid_s) out->grid_s = t2 - t1;
            out->n_grid++;
        }
    }
done:
    vae_workspace_free(&ws);
    free(z), free(probs), free(labels);
    return st;
}
