/* Training on real MNIST: the loss falls to a sane level in a few epochs, the AE
 * reconstructs better than the VAE, runs are reproducible for a seed, and the NaN/Inf
 * guards engage, report and recover when training is forced to diverge. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "trainer.h"

static VaeDataset ds;
static int n_logs;

static void count_log(void *ud, const char *msg) {
    (void)ud;
    n_logs++;
    printf("  trainer log: %s\n", msg);
}

static VaeTrainer *make_with(VaeKind kind, float lr, uint64_t seed, int threads, float free_bits,
                             float dropout, int flows) {
    VaeConfig c = vae_config_default();
    c.kind = kind;
    c.flows = flows;
    VaeTrainConfig tc = vae_train_config_default();
    tc.lr = lr;
    tc.seed = seed;
    tc.threads = threads;
    tc.free_bits = free_bits;
    tc.dropout = dropout;
    VaeTrainer *t = NULL;
    char err[VAE_ERR_LEN];
    VaeStatus s = vae_trainer_create(&t, &c, NULL, &tc, &ds.train, err);
    CHECK_MSG(s == VAE_OK, "trainer_create: %s", err);
    return t;
}

static VaeTrainer *make(VaeKind kind, float lr, uint64_t seed) {
    return make_with(kind, lr, seed, 1, 0.0f, 0.0f, 0);
}

static VaeEvalStats train_eval(VaeKind kind, int epochs) {
    VaeTrainer *t = make(kind, 1e-3f, 0);
    for (int e = 0; e < epochs; e++)
        vae_trainer_epoch(t, NULL, NULL, NULL);
    CHECK(vae_trainer_epoch_index(t) == epochs);
    VaeEvalStats ev;
    char err[VAE_ERR_LEN];
    CHECK(vae_evaluate(vae_trainer_model(t), &ds.test, 0, 0, NULL, NULL, &ev, err) == VAE_OK);
    vae_trainer_destroy(t);
    return ev;
}

static void test_learns(void) {
    const int epochs = 4;
    VaeEvalStats vae = train_eval(VAE_KIND_VAE, epochs), ae = train_eval(VAE_KIND_AE, epochs);
    printf("after %d epochs: VAE neg_elbo %.2f (recon %.2f kl %.2f, %d active units); AE recon "
           "%.2f\n",
           epochs, vae.neg_elbo, vae.recon, vae.kl, vae.active_units, ae.recon);
    /* an untrained model is at ~543 nats (784 log 2); a 2-D VAE reaches ~165 in 4 epochs */
    CHECK_MSG(vae.neg_elbo < 180.0, "VAE neg_elbo %.2f", vae.neg_elbo);
    CHECK_MSG(vae.kl > 2.0 && vae.kl < 15.0, "VAE kl %.2f", vae.kl);
    CHECK(vae.active_units == 2);
    CHECK_MSG(ae.recon < vae.recon, "AE recon %.2f >= VAE recon %.2f", ae.recon, vae.recon);
    CHECK(ae.kl == 0.0);
}

static void test_reproducible(void) {
    VaeTrainer *a = make(VAE_KIND_VAE, 1e-3f, 5), *b = make(VAE_KIND_VAE, 1e-3f, 5);
    for (int i = 0; i < 20; i++) {
        vae_trainer_step(a, NULL);
        vae_trainer_step(b, NULL);
    }
    const VaeModel *ma = vae_trainer_model(a), *mb = vae_trainer_model(b);
    CHECK(memcmp(ma->params, mb->params, ma->n_params * sizeof(float)) == 0);
    vae_trainer_destroy(a);
    vae_trainer_destroy(b);
}

/* Data-parallel shards compute the same step as one thread: same noise, same batch, only
 * the order of the gradient sums differs, so parameters agree to float rounding. */
/* Trainers sharing workers, gradient arenas and step buffers (the explorer's VAE and AE,
 * stepped in turn) train exactly as trainers with their own: every float of both arenas,
 * the alignment padding included (the other model's gradients must not leak into it).
 * The AE's head is half the VAE's, so each model's padding lies under the other's
 * tensors. VAE first, as the explorer does: the AE uses the VAE's step buffers; AE first:
 * the arenas grow when the VAE joins, and the AE's buffers are too small for it. */
static void test_shared(int threads, int vae_first) {
    VaeConfig cv = vae_config_default(), ca = vae_config_default();
    ca.kind = VAE_KIND_AE;
    VaeTrainConfig tc = vae_train_config_default();
    tc.threads = threads;
    char err[VAE_ERR_LEN];
    VaeTrainShared *sh = NULL;
    CHECK_MSG(vae_train_shared_create(&sh, threads, err) == VAE_OK, "%s", err);
    VaeTrainer *sv = NULL, *sa = NULL, *ov = NULL, *oa = NULL;
    for (int k = 0; k < 2; k++) {
        if (k == !vae_first)
            CHECK(vae_trainer_create_shared(&sv, &cv, NULL, &tc, &ds.train, sh, err) == VAE_OK);
        else
            CHECK(vae_trainer_create_shared(&sa, &ca, NULL, &tc, &ds.train, sh, err) == VAE_OK);
    }
    CHECK(vae_trainer_create(&ov, &cv, NULL, &tc, &ds.train, err) == VAE_OK);
    CHECK(vae_trainer_create(&oa, &ca, NULL, &tc, &ds.train, err) == VAE_OK);
    for (int i = 0; i < 12; i++) {
        vae_trainer_step(sv, NULL);
        vae_trainer_step(sa, NULL);
        vae_trainer_step(ov, NULL);
        vae_trainer_step(oa, NULL);
    }
    const VaeModel *a = vae_trainer_model(sv), *b = vae_trainer_model(ov);
    CHECK_MSG(memcmp(a->params, b->params, a->n_params * sizeof(float)) == 0,
              "%d threads: the shared VAE differs from its own-arena twin", threads);
    a = vae_trainer_model(sa), b = vae_trainer_model(oa);
    CHECK_MSG(memcmp(a->params, b->params, a->n_params * sizeof(float)) == 0,
              "%d threads: the shared AE differs from its own-arena twin", threads);
    VaeTrainer *bad = NULL;
    tc.threads = threads + 1;
    CHECK(vae_trainer_create_shared(&bad, &cv, NULL, &tc, &ds.train, sh, err) == VAE_ERR_ARG);
    CHECK(bad == NULL && strstr(err, "threads") != NULL);
    vae_trainer_destroy(sv);
    vae_trainer_destroy(sa);
    vae_trainer_destroy(ov);
    vae_trainer_destroy(oa);
    vae_train_shared_destroy(sh);
}

/* An epoch whose last batch has fewer rows than shards: the empty shard adds nothing, and
 * the step is not taken for a non-finite one (its loss over zero rows was 0/0). */
static void test_empty_shard(void) {
    VaeSplit small = ds.train;
    small.n = 129; /* batches of 128 and 1; with 2 shards the second batch leaves one empty */
    VaeConfig c = vae_config_default();
    VaeTrainConfig tc = vae_train_config_default();
    tc.threads = 2;
    VaeTrainer *t = NULL;
    char err[VAE_ERR_LEN];
    CHECK(vae_trainer_create(&t, &c, NULL, &tc, &small, err) == VAE_OK);
    for (int i = 0; i < 4; i++) {
        VaeStepStats st;
        vae_trainer_step(t, &st);
        CHECK_MSG(!st.skipped && isfinite(st.loss), "step %d of a 129-image epoch skipped", i);
    }
    vae_trainer_destroy(t);
}

static void test_threads_agree(const char *what, VaeKind kind, float free_bits, float dropout,
                               int flows) {
    VaeTrainer *a = make_with(kind, 1e-3f, 3, 1, free_bits, dropout, flows);
    VaeTrainer *b = make_with(kind, 1e-3f, 3, 2, free_bits, dropout, flows);
    VaeTrainer *c = make_with(kind, 1e-3f, 3, 3, free_bits, dropout, flows);
    double la = 0, lb = 0, lc = 0;
    for (int i = 0; i < 30; i++) {
        VaeStepStats sa, sb, sc;
        vae_trainer_step(a, &sa);
        vae_trainer_step(b, &sb);
        vae_trainer_step(c, &sc);
        la += sa.loss, lb += sb.loss, lc += sc.loss;
    }
    const VaeModel *ma = vae_trainer_model(a), *mb = vae_trainer_model(b),
                   *mc = vae_trainer_model(c);
    /* Adam moves a weight by about lr whatever the size of its gradient, so a gradient at
     * the level of float rounding (the weight of a pixel that is almost always 0, say) can
     * move it either way, and such weights end a step or two apart: they must be rare and
     * scattered. A shard summed wrong moves whole tensors. */
    double worst = 0;
    size_t apart = 0, worst_tensor = 0; /* parameters more than a tenth of a step apart */
    const char *worst_name = "";
    for (int k = 0; k < ma->n_info; k++) {
        const VaeParamInfo *t = &ma->info[k];
        size_t n = 0;
        for (size_t i = t->offset; i < t->offset + t->size; i++) {
            double d =
                fmax(fabs(ma->params[i] - mb->params[i]), fabs(ma->params[i] - mc->params[i]));
            worst = fmax(worst, d);
            n += d > 1e-4;
        }
        apart += n;
        if (t->size >= 1000 && n * 100 > t->size && n > worst_tensor)
            worst_tensor = n, worst_name = t->name;
    }
    printf("%s: 1 vs 2 vs 3 threads after 30 steps: loss sums %.4f %.4f %.4f, %zu of %zu "
           "parameters more than 1e-4 apart (max %.2g)\n",
           what, la, lb, lc, apart, ma->n_params, worst);
    CHECK_MSG(fabs(la - lb) < 1e-3 * fabs(la) && fabs(la - lc) < 1e-3 * fabs(la), "%s losses",
              what);
    CHECK_MSG(apart * 5000 <= ma->n_params, "%s: %zu parameters apart", what, apart);
    CHECK_MSG(worst_tensor == 0, "%s: %zu parameters of %s apart (over 1 %%)", what, worst_tensor,
              worst_name);
    vae_trainer_destroy(a);
    vae_trainer_destroy(b);
    vae_trainer_destroy(c);
}

static void test_guards(void) {
    /* A learning rate of 1e10 overflows the activations to Inf within a few steps. */
    VaeTrainer *t = make(VAE_KIND_VAE, 1e10f, 1);
    vae_trainer_set_log(t, count_log, NULL);
    int skipped = 0, restored = 0, finite_after = 0;
    for (int i = 0; i < 200; i++) {
        VaeStepStats st;
        vae_trainer_step(t, &st);
        skipped += st.skipped;
        restored += st.restored;
        if (restored && !st.skipped) finite_after++;
    }
    const VaeModel *m = vae_trainer_model(t);
    int params_finite = 1;
    for (size_t i = 0; i < m->n_params; i++)
        params_finite &= isfinite(m->params[i]) != 0;
    printf("forced divergence: %d skipped steps, %d restores, lr now %g, %d good steps after "
           "the first restore\n",
           skipped, restored, (double)vae_trainer_config(t)->lr, finite_after);
    CHECK(skipped > 0);
    CHECK(restored > 0);
    CHECK(n_logs >= restored);
    CHECK(vae_trainer_config(t)->lr < 1e10f);
    CHECK(params_finite);
    CHECK(finite_after > 0);
    vae_trainer_destroy(t);
}

int main(void) {
    const char *dir = getenv("VAE_DATA_DIR");
    char err[VAE_ERR_LEN];
    if (!dir || vae_dataset_load(&ds, dir, err) != VAE_OK) {
        printf("MNIST data not found (%s): run scripts/fetch-data.sh\n",
               dir ? err : "VAE_DATA_DIR unset");
        return 1;
    }
    test_learns();
    test_reproducible();
    test_threads_agree("vae", VAE_KIND_VAE, 0.0f, 0.0f, 0);
    test_threads_agree("ae", VAE_KIND_AE, 0.0f, 0.0f, 0);
    test_threads_agree("cvae", VAE_KIND_CVAE, 0.0f, 0.0f, 0);
    test_threads_agree("vae + free bits 1.5", VAE_KIND_VAE, 1.5f, 0.0f, 0);
    test_threads_agree("vae + dropout 0.2", VAE_KIND_VAE, 0.0f, 0.2f, 0);
    test_threads_agree("vae + planar:4", VAE_KIND_VAE, 0.0f, 0.0f, 4);
    test_empty_shard();
    test_shared(1, 1);
    test_shared(2, 1);
    test_shared(2, 0);
    test_guards();
    vae_dataset_free(&ds);
    return CHECK_DONE();
}
