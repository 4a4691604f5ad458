/* Benchmark kernels behind `vae bench` (see bench.h). */
#include "bench.h"

#include <cblas.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "bench_impl.h"
#include "clock.h"
#include "conv.h"
#include "parallel.h"
#include "rng.h"
#include "step.h"

/* ---- the GEMMs of a training step ------------------------------------------------- */

static void add_gemm(VaeBenchGemms *g, int layer, int forward, int ta, int tb, int m, int n, int k,
                     int reps) {
    g->op[g->n++] = (VaeBenchGemm){layer, forward, ta, tb, m, n, k, reps};
}

/* A dense layer's products (nn.c): forward; input gradient (unless first), weight gradient. */
static void linear_gemms(VaeBenchGemms *g, const VaeLinear *l, int rows, int layer, int pass,
                         int dinp) {
    if (pass == 0) add_gemm(g, layer, 1, 0, 1, rows, l->out, l->in, 1);
    if (pass == 1 && dinp) add_gemm(g, layer, 0, 0, 0, rows, l->in, l->out, 1);
    if (pass == 1) add_gemm(g, layer, 0, 1, 0, l->out, l->in, rows, 1);
}

/* A conv layer's products per chunk of images (conv.c): the whole chunks, then the rest. */
static void conv_gemms(VaeBenchGemms *g, const VaeConvLayer *l, int rows, size_t cap, int layer,
                       int pass, int dinp) {
    const VaeConvShape *s = &l->s;
    const int ckk = s->c * s->k * s->k, ohw = s->oh * s->ow;
    size_t per = vae_conv_cols(s, 1);
    int nb = cap / per >= (size_t)rows ? rows : (int)(cap / per);
    for (int part = 0; part < 2; part++) {
        int n = part ? rows % nb : nb, reps = part ? 1 : rows / nb;
        if (n == 0 || reps == 0) continue;
        if (pass == 0) {
            if (l->transposed)
                add_gemm(g, layer, 1, 1, 0, ckk, n * ohw, s->oc, reps);
            else
                add_gemm(g, layer, 1, 0, 0, s->oc, n * ohw, ckk, reps);
            continue;
        }
        add_gemm(g, layer, 0, 0, 1, s->oc, ckk, n * ohw, reps); /* weight gradient */
        if (dinp && l->transposed) add_gemm(g, layer, 0, 0, 0, s->oc, n * ohw, ckk, reps);
        if (dinp && !l->transposed) add_gemm(g, layer, 0, 1, 0, ckk, n * ohw, s->oc, reps);
    }
}

int vae_bench_layers_of(const VaeModel *m, VaeBenchLayerRef *out) {
    int n = 0;
    for (int i = 0; i < m->n_econv; i++)
        out[n++] = (VaeBenchLayerRef){NULL, &m->econv[i]};
    for (int i = 0; i < m->n_enc; i++)
        out[n++] = (VaeBenchLayerRef){&m->enc[i], NULL};
    out[n++] = (VaeBenchLayerRef){&m->head, NULL};
    for (int i = 0; i < m->n_dec; i++)
        out[n++] = (VaeBenchLayerRef){&m->dec[i], NULL};
    for (int i = 0; i < m->n_dconv; i++)
        out[n++] = (VaeBenchLayerRef){NULL, &m->dconv[i]};
    return n;
}

void vae_bench_layer_name(const VaeModel *m, const VaeBenchLayerRef *l, char *buf, size_t len) {
    if (l->lin == &m->head)
        snprintf(buf, len, vae_kind_is_stochastic(m->cfg.kind) ? "enc.mu+logvar" : "enc.mu");
    else if (l->lin && l->lin >= m->dec && l->lin < m->dec + m->n_dec)
        snprintf(buf, len, "dec.%d", (int)(l->lin - m->dec));
    else if (l->lin)
        snprintf(buf, len, "enc.%d", (int)(l->lin - m->enc));
    else if (l->conv->transposed)
        snprintf(buf, len, "dec.conv.%d", (int)(l->conv - m->dconv));
    else
        snprintf(buf, len, "enc.conv.%d", (int)(l->conv - m->econv));
}

void vae_bench_gemms_of(const VaeModel *m, int rows, VaeBenchGemms *g) {
    VaeBenchLayerRef ls[VAE_BENCH_MAX_LAYERS];
    const int n = vae_bench_layers_of(m, ls);
    const size_t cap = vae_conv_cols_cap(m, rows);
    g->n = 0;
    for (int pass = 0; pass < 2; pass++) /* forward in order, then backward in reverse */
        for (int k = 0; k < n; k++) {
            int i = pass ? n - 1 - k : k, dinp = i > 0; /* not the first layer's input */
            if (ls[i].lin)
                linear_gemms(g, ls[i].lin, rows, i, pass, dinp);
            else
                conv_gemms(g, ls[i].conv, rows, cap, i, pass, dinp);
        }
}

double vae_bench_step_flops(const VaeModel *m, int batch) {
    VaeBenchGemms g;
    vae_bench_gemms_of(m, batch, &g);
    double f = 0;
    for (int i = 0; i < g.n; i++)
        f += 2.0 * g.op[i].m * g.op[i].n * g.op[i].k * g.op[i].reps;
    return f;
}

/* The GEMMs of one layer (or all), with their operands, run as one unit of work. */
typedef struct {
    const VaeBenchGemms *g;
    int layer;
    float *a[VAE_BENCH_MAX_GEMMS], *b[VAE_BENCH_MAX_GEMMS], *c[VAE_BENCH_MAX_GEMMS];
    double seconds, step_s; /* in: how long to run; out: seconds per run */
    double best_s;          /* out: the fastest run */
} GemmSet;

static void gemm_set_free(GemmSet *s) {
    for (int i = 0; i < VAE_BENCH_MAX_GEMMS; i++)
        free(s->a[i]), free(s->b[i]), free(s->c[i]);
}

static int gemm_set_init(GemmSet *s, const VaeBenchGemms *g, int layer) {
    memset(s, 0, sizeof *s);
    s->g = g;
    s->layer = layer;
    VaeRng r;
    vae_rng_seed(&r, 1, 1);
    for (int i = 0; i < g->n; i++) {
        const VaeBenchGemm *o = &g->op[i];
        if (layer >= 0 && o->layer != layer) continue;
        size_t sizes[3] = {(size_t)o->m * o->k, (size_t)o->k * o->n, (size_t)o->m * o->n};
        float **bufs[3] = {&s->a[i], &s->b[i], &s->c[i]};
        for (int k = 0; k < 3; k++) {
            *bufs[k] = aligned_alloc(64, ((sizes[k] * 4 + 63) / 64) * 64);
            if (!*bufs[k]) {
                gemm_set_free(s);
                return -1;
            }
            for (size_t j = 0; j < sizes[k]; j++)
                (*bufs[k])[j] = vae_rng_uniform(&r) - 0.5f;
        }
    }
    return 0;
}

static void *gemm_set_run(void *arg) {
    GemmSet *s = arg;
    const VaeBenchGemms *g = s->g;
    long runs = 0;
    double t0 = vae_now(), t = t0, prev;
    s->best_s = 1e9;
    do {
        prev = t;
        for (int i = 0; i < g->n; i++) {
            const VaeBenchGemm *o = &g->op[i];
            if (!s->a[i]) continue;
            for (int r = 0; r < o->reps; r++)
                cblas_sgemm(CblasRowMajor, o->ta ? CblasTrans : CblasNoTrans,
                            o->tb ? CblasTrans : CblasNoTrans, o->m, o->n, o->k, 1.0f, s->a[i],
                            o->ta ? o->m : o->k, s->b[i], o->tb ? o->k : o->n, 0.0f, s->c[i], o->n);
        }
        runs++;
        t = vae_now();
        if (t - prev < s->best_s) s->best_s = t - prev;
    } while (t - t0 < s->seconds || runs < 5);
    s->step_s = (t - t0) / runs;
    return NULL;
}

double vae_bench_gemms_time(const VaeBenchGemms *g, int layer, double seconds, int best) {
    GemmSet s;
    if (gemm_set_init(&s, g, layer) != 0) return 0;
    s.seconds = seconds;
    gemm_set_run(&s);
    gemm_set_free(&s);
    return best ? s.best_s : s.step_s;
}

/* Seconds per step of the GEMMs of `rows` rows on one thread; 0 if out of memory. */
static double gemm_time(const VaeModel *m, int rows, double seconds) {
    VaeBenchGemms g;
    vae_bench_gemms_of(m, rows, &g);
    return vae_bench_gemms_time(&g, -1, seconds, 0);
}

double vae_bench_sgemm_limit(const VaeModel *m, int batch, int threads, double seconds) {
    vae_blas_set_threads(threads);
    double best = gemm_time(m, batch, seconds / 2);
    vae_blas_set_threads(1);
    if (threads < 2) return best;
    if (threads > VAE_MAX_WORKERS) threads = VAE_MAX_WORKERS;
    VaeBenchGemms shapes[VAE_MAX_WORKERS];
    GemmSet shard[VAE_MAX_WORKERS];
    pthread_t th[VAE_MAX_WORKERS];
    int ok = 1;
    for (int i = 0; i < threads; i++) {
        vae_bench_gemms_of(m, batch / threads + (i < batch % threads), &shapes[i]);
        ok &= gemm_set_init(&shard[i], &shapes[i], -1) == 0;
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
