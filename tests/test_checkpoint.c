/* Checkpoints: bit-exact round trips for every kind, PyTorch names and shapes, metadata,
 * and checkpoints whose tensors disagree with their metadata rejected with a clear error. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rng.h"
#include "safetensors.h"
#include "trainer.h"

static void path_in_tmp(char *buf, size_t len, const char *name) {
    snprintf(buf, len, "%s/%s", check_tmpdir(), name);
}

static void round_trip(VaeArch arch, VaeKind kind, int latent, const char *hidden) {
    VaeConfig c = vae_config_default();
    vae_config_set_arch(&c, arch);
    c.kind = kind;
    c.latent = latent;
    CHECK(vae_hidden_parse(hidden, &c));
    char err[VAE_ERR_LEN], path[512];
    VaeModel a, b;
    CHECK(vae_model_init(&a, &c, err) == VAE_OK);
    vae_model_init_params(&a, 42);
    path_in_tmp(path, sizeof path, "roundtrip.safetensors");
    VaeCkptMeta meta = {0.5f, "mnist", 7, 1234, 99};
    CHECK_MSG(vae_checkpoint_save(path, &a, &meta, err) == VAE_OK, "%s", err);
    VaeCkptMeta got;
    VaeStatus s = vae_checkpoint_load(path, &b, &got, err);
    CHECK_MSG(s == VAE_OK, "%s", err);
    if (s != VAE_OK) return;
    CHECK(memcmp(&a.cfg, &b.cfg, sizeof a.cfg) == 0);
    int same = 1;
    for (int i = 0; i < a.n_info; i++)
        same &= memcmp(a.params + a.info[i].offset, b.params + b.info[i].offset,
                       a.info[i].size * sizeof(float)) == 0;
    CHECK_MSG(same, "%s latent %d: parameters differ after a round trip", vae_kind_name(kind),
              latent);
    CHECK(got.epoch == 7 && got.step == 1234 && got.seed == 99 && got.beta == 0.5f);
    CHECK(!strcmp(got.dataset, "mnist"));

    /* names and shapes as a PyTorch state_dict */
    VaeStFile st;
    CHECK(vae_st_read(&st, path, err) == VAE_OK);
    const VaeStTensor *t = vae_st_find(&st, "enc.0.weight");
    const int conv = arch == VAE_ARCH_CONV, feat = conv ? 64 * 7 * 7 : 784;
    CHECK(t && t->ndim == 2 && t->shape[0] == c.hidden[0] &&
          t->shape[1] == feat + (kind == VAE_KIND_CVAE ? 10 : 0));
    t = vae_st_find(&st, "dec.0.weight");
    CHECK(t && t->shape[1] == latent + (kind == VAE_KIND_CVAE ? 10 : 0));
    char last[32];
    snprintf(last, sizeof last, "dec.%d.weight", conv ? 0 : c.n_hidden);
    t = vae_st_find(&st, last);
    CHECK(t && t->shape[0] == feat && t->shape[1] == (conv ? a.dec_in : c.hidden[0]));
    if (conv) { /* nn.Conv2d [out, in, kh, kw], nn.ConvTranspose2d [in, out, kh, kw] */
        t = vae_st_find(&st, "enc.conv.1.weight");
        CHECK(t && t->ndim == 4 && t->shape[0] == 64 && t->shape[1] == 32 && t->shape[2] == 3 &&
              t->shape[3] == 3);
        t = vae_st_find(&st, "dec.conv.1.weight");
        CHECK(t && t->ndim == 4 && t->shape[0] == 64 && t->shape[1] == 32);
        t = vae_st_find(&st, "dec.conv.1.bias");
        CHECK(t && t->ndim == 1 && t->shape[0] == 32);
        t = vae_st_find(&st, "dec.conv.2.weight");
        CHECK(t && t->shape[0] == 32 && t->shape[1] == 1);
    }
    CHECK(!strcmp(vae_st_meta(&st, "arch"), conv ? "conv" : "mlp"));
    CHECK((vae_st_find(&st, "enc.logvar.weight") != NULL) == (kind != VAE_KIND_AE));
    CHECK(vae_st_find(&st, "enc.mu.bias") != NULL);
    const char *keys[] = {"format",  "kind",       "latent",     "hidden", "input",
                          "classes", "likelihood", "activation", "beta",   "dataset",
                          "epoch",   "step",       "seed"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        CHECK_MSG(vae_st_meta(&st, keys[i]) != NULL, "metadata %s missing", keys[i]);
    CHECK(!strcmp(vae_st_meta(&st, "hidden"), hidden));
    CHECK(!strcmp(vae_st_meta(&st, "input"), "28,28"));
    vae_st_free(&st);
    vae_model_free(&a);
    vae_model_free(&b);
}

/* Rewrite the reference VAE's checkpoint with one thing changed, expect a FORMAT error
 * whose message contains `needle`. */
static void expect_reject(const char *what, const char *rename_from, const char *rename_to,
                          int drop_last_dim, const char *meta_key, const char *meta_val,
                          const char *needle) {
    VaeConfig c = vae_config_default();
    VaeModel m;
    char err[VAE_ERR_LEN], path[512];
    CHECK(vae_model_init(&m, &c, err) == VAE_OK);
    vae_model_init_params(&m, 1);
    VaeStWriteTensor t[VAE_MAX_PARAMS];
    memset(t, 0, sizeof t); /* dtype F32, no raw bytes or chunks */
    for (int i = 0; i < m.n_info; i++) {
        t[i].name = m.info[i].name;
        t[i].ndim = m.info[i].ndim;
        t[i].shape[0] = m.info[i].shape[0];
        t[i].shape[1] = m.info[i].shape[1];
        t[i].data = m.params + m.info[i].offset;
        if (rename_from && !strcmp(t[i].name, rename_from)) {
            t[i].name = rename_to;
            if (drop_last_dim) t[i].shape[0] = 1; /* fewer rows than the metadata says */
        }
    }
    VaeStMeta md[] = {{"format", "vae-explorer/1"}, {"kind", "vae"},       {"latent", "2"},
                      {"hidden", "512,256"},        {"input", "28,28"},    {"classes", "10"},
                      {"likelihood", "bernoulli"},  {"activation", "relu"}};
    int nmd = (int)(sizeof md / sizeof md[0]);
    for (int i = 0; i < nmd; i++)
        if (meta_key && !strcmp(md[i].key, meta_key)) md[i].value = (char *)meta_val;
    path_in_tmp(path, sizeof path, "bad.safetensors");
    CHECK(vae_st_write(path, t, m.n_info, md, nmd, err) == VAE_OK);
    VaeModel out;
    VaeStatus s = vae_checkpoint_load(path, &out, NULL, err);
    CHECK_MSG(s != VAE_OK, "%s: accepted", what);
    CHECK_MSG(strstr(err, path) && strstr(err, needle), "%s: message \"%s\"", what, err);
    if (s == VAE_OK) vae_model_free(&out);
    vae_model_free(&m);
}

/* A checkpoint from before the conv architecture has no "arch": it loads as an mlp. The
 * same tensors said to be conv are rejected. */
static void old_file_is_mlp(void) {
    VaeConfig c = vae_config_default();
    VaeModel m, back;
    char err[VAE_ERR_LEN], path[512];
    CHECK(vae_model_init(&m, &c, err) == VAE_OK);
    vae_model_init_params(&m, 3);
    path_in_tmp(path, sizeof path, "old.safetensors");
    CHECK(vae_checkpoint_save(path, &m, NULL, err) == VAE_OK);
    VaeStFile st;
    CHECK(vae_st_read(&st, path, err) == VAE_OK);
    VaeStWriteTensor t[VAE_MAX_PARAMS];
    memset(t, 0, sizeof t);
    for (int i = 0; i < st.n_tensors; i++) {
        t[i].name = st.tensors[i].name;
        t[i].ndim = st.tensors[i].ndim;
        memcpy(t[i].shape, st.tensors[i].shape, sizeof t[i].shape);
        t[i].data = st.tensors[i].data;
    }
    VaeStMeta md[32];
    int n = 0;
    for (int i = 0; i < st.n_meta && n < 32; i++)
        if (strcmp(st.meta[i].key, "arch") != 0) md[n++] = st.meta[i];
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) md[n++] = (VaeStMeta){"arch", "conv"};
        CHECK(vae_st_write(path, t, st.n_tensors, md, n, err) == VAE_OK);
        VaeStatus s = vae_checkpoint_load(path, &back, NULL, err);
        if (pass == 0) {
            CHECK_MSG(s == VAE_OK && back.cfg.arch == VAE_ARCH_MLP, "no arch: %s", err);
        } else {
            CHECK_MSG(s == VAE_ERR_FORMAT && strstr(err, "tensors"), "said conv: %s", err);
        }
        if (s == VAE_OK) vae_model_free(&back);
    }
    vae_st_free(&st);
    vae_model_free(&m);
}

int main(void) {
    round_trip(VAE_ARCH_MLP, VAE_KIND_VAE, 2, "512,256");
    round_trip(VAE_ARCH_MLP, VAE_KIND_AE, 2, "512,256");
    round_trip(VAE_ARCH_MLP, VAE_KIND_CVAE, 2, "512,256");
    round_trip(VAE_ARCH_MLP, VAE_KIND_VAE, 8, "64,32,16");
    round_trip(VAE_ARCH_CONV, VAE_KIND_VAE, 2, "16");
    round_trip(VAE_ARCH_CONV, VAE_KIND_AE, 2, "16");
    round_trip(VAE_ARCH_CONV, VAE_KIND_CVAE, 8, "32,16");
    old_file_is_mlp();
    expect_reject("a renamed tensor", "dec.1.weight", "dec.9.weight", 0, NULL, NULL,
                  "dec.1.weight");
    expect_reject("a wrong shape", "enc.1.weight", "enc.1.weight", 1, NULL, NULL, "enc.1.weight");
    expect_reject("hidden sizes that do not match", NULL, NULL, 0, "hidden", "256,256", "shape");
    expect_reject("latent that does not match", NULL, NULL, 0, "latent", "3", "shape");
    expect_reject("a foreign format", NULL, NULL, 0, "format", "other/2", "not a vae-explorer");
    expect_reject("an unknown kind", NULL, NULL, 0, "kind", "gan", "kind");
    expect_reject("an unknown activation", NULL, NULL, 0, "activation", "tanh", "activation");
    expect_reject("an ae with logvar tensors", NULL, NULL, 0, "kind", "ae", "tensors");
    return CHECK_DONE();
}
