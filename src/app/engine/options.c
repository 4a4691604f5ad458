/* Command-line flags of the explorer: one table read by the library's strict parser
 * (args.h) and by --help. */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "data.h"
#include "parallel.h"

static const char preamble[] =
    "usage: vae-explorer [options]\n"
    "\n"
    "Trains a VAE and a plain autoencoder side by side and shows their 2-D latent\n"
    "planes live; the point under the mouse cursor is decoded every frame.\n"
    "\n";
static const char epilogue[] = "\nkeys and mouse (also H or F1 in the window):\n";

/* A trained kind: a PCA is not trained (--pca computes one, --model loads one). */
static int parse_kind(const char *v, void *dst) {
    VaeKind k;
    if (!vae_kind_parse(v, &k) || k == VAE_KIND_PCA) return 0;
    *(VaeKind *)dst = k;
    return 1;
}
static int parse_likelihood(const char *v, void *dst) {
    return vae_likelihood_parse(v, dst);
}
static int parse_flow(const char *v, void *dst) {
    return vae_flow_parse(v, dst);
}
static int parse_arch(const char *v, void *dst) {
    return vae_arch_parse(v, dst);
}
static int parse_hidden(const char *v, void *dst) {
    return vae_hidden_parse(v, dst);
}
/* --model FILE, repeatable. */
static int parse_model(const char *v, void *dst) {
    AppOptions *o = dst;
    if (o->n_models >= APP_MAX_MODELS) return 0;
    o->models[o->n_models++] = v;
    o->model_path = o->models[0];
    return 1;
}

/* --fork beta=4, lr=1e-4, likelihood=gaussian, seed=7, free-bits=0.5, dropout=0.2. */
static int parse_fork(const char *v, void *dst) {
    AppOptions *o = dst;
    static const char *const names[] = {"beta", "lr", "free-bits", "dropout", "likelihood", "seed"};
    const char *eq = strchr(v, '=');
    if (!eq || o->n_forks >= APP_MAX_MODELS) return 0;
    AppFork f = {0, -1, 0};
    for (int k = 0; k < (int)(sizeof names / sizeof *names); k++)
        if ((size_t)(eq - v) == strlen(names[k]) && !strncmp(v, names[k], strlen(names[k])))
            f.what = k;
    char *end;
    if (f.what == APP_SET_LIKELIHOOD) {
        VaeLikelihood l;
        if (!vae_likelihood_parse(eq + 1, &l)) return 0;
        f.value = (float)l;
    } else if (f.what >= 0) {
        f.value = strtof(eq + 1, &end);
        if (end == eq + 1 || *end || !(f.value >= 0) || f.value > 1e9f) return 0;
    } else {
        return 0;
    }
    o->forks[o->n_forks++] = f;
    return 1;
}

static int parse_size(const char *v, void *dst) {
    int *wh = dst, w, h;
    char tail;
    if (sscanf(v, "%dx%d%c", &w, &h, &tail) != 2 || w < 320 || h < 240 || w > 16384 || h > 16384)
        return 0;
    wh[0] = w, wh[1] = h;
    return 1;
}

#define MAX_OPTS 40

/* The flag table: parsing and --help both read it. */
static int options_table(AppOptions *o, VaeOpt *t) {
    const VaeOpt opts[] = {
        {"data:", VAE_OPT_SECTION},
        {"--data", VAE_OPT_STR, &o->data_dir, "DIR",
         "IDX files (train/t10k-images/labels, plain or .gz)"},
        {"--dataset", VAE_OPT_CHOICE, &o->dataset, "mnist|fashion",
         "mnist (data/mnist, default) or fashion\n(" VAE_FASHION_DIR ")"},
        {"--scatter", VAE_OPT_CHOICE, &o->scatter, "test|train",
         "the images on the plane: the test set (default) or the\ntraining set (60,000 for "
         "fashion; re-encoded less often)"},
        {"models:", VAE_OPT_SECTION},
        {"--model", VAE_OPT_PARSE, o, "FILE",
         "start the VAE (left pane) from a safetensors checkpoint; again\nfor more models side by "
         "side (any kinds; at most 4)",
         0, 0, parse_model},
        {"--ae-model", VAE_OPT_STR, &o->ae_path, "FILE", "start the AE from a checkpoint"},
        {"--no-train", VAE_OPT_FLAG, &o->no_train, NULL,
         "explore the checkpoints only (needs --model)"},
        {"--replay", VAE_OPT_STR, &o->replay, "FILE",
         "open a recording (vae train --record, Shift+S) and replay it:\nno training, every tool "
         "on the recorded models"},
        {"--no-record", VAE_OPT_FLAG, &o->no_record, NULL,
         "do not record the run (no timeline, no replay)"},
        {"--pca", VAE_OPT_FLAG, &o->pca, NULL,
         "also a PCA of the training split, computed at launch, in a pane\nof its own (its latent "
         "size: the first model's)"},
        {"--fork", VAE_OPT_PARSE, o, "SETTING=V",
         "also train a fork of the first model with one setting changed:\nbeta=4, lr=1e-4, "
         "likelihood=gaussian, seed=7, free-bits=0.5,\ndropout=0.2 (again for more forks)",
         0, 0, parse_fork},
        {"training (as in `vae train`):", VAE_OPT_SECTION},
        {"--kind", VAE_OPT_PARSE, &o->cfg.kind, "vae|cvae|ae",
         "kind of the main model (default vae; the second is an ae of\nthe same shape, without "
         "flows)",
         0, 0, parse_kind, &o->shape_flag},
        {"--epochs", VAE_OPT_INT, &o->epochs, "N",
         "pause after N epochs (default: train until paused)", 0, 1000000},
        {"--batch", VAE_OPT_INT, &o->tc.batch, "B", "minibatch size (default 128)", 1, 65536},
        /* up to absurd rates: the trainer's guards (skip, restore, halve) are a demo */
        {"--lr", VAE_OPT_FLOAT, &o->tc.lr, "LR", "Adam learning rate (default 1e-3)", 1e-8, 1e30},
        {"--beta", VAE_OPT_FLOAT, &o->tc.beta, "B", "KL weight (default 1, or the checkpoint's)", 0,
         1000, NULL, &o->beta_set},
        {"--kl-warmup", VAE_OPT_INT, &o->tc.kl_warmup, "STEPS",
         "linear KL warm-up 0 -> beta over STEPS steps (default 0)", 0, 100000000},
        {"--free-bits", VAE_OPT_FLOAT, &o->tc.free_bits, "F",
         "per-dimension KL floor in nats (default 0)", 0, 100},
        {"--dropout", VAE_OPT_FLOAT, &o->tc.dropout, "P",
         "dropout on the input and on z while training (default 0)", 0, 0.95},
        {"--likelihood", VAE_OPT_PARSE, &o->cfg.likelihood, "bernoulli|gaussian",
         "bernoulli (BCE, default) or gaussian (MSE)", 0, 0, parse_likelihood, &o->shape_flag},
        {"--flow", VAE_OPT_PARSE, &o->cfg.flows, "planar:K",
         "K planar normalising flows on the posterior (default none)", 0, 0, parse_flow,
         &o->shape_flag},
        {"--arch", VAE_OPT_PARSE, &o->cfg.arch, "mlp|conv",
         "mlp (dense layers, default) or conv (Keras's convolutional\nVAE); both models of the "
         "window get it",
         0, 0, parse_arch, &o->shape_flag},
        {"--hidden", VAE_OPT_PARSE, &o->cfg, "H1,H2",
         "dense hidden sizes (default 512,256; conv: 16)", 0, 0, parse_hidden, &o->hidden_set},
        {"--latent", VAE_OPT_INT, &o->cfg.latent, "L",
         "latent size (default 2; the plane shows dims 1 and 2)\n(--kind --arch --hidden "
         "--latent --likelihood --flow shape a\nfresh model; with --model the checkpoint's are "
         "used)",
         2, VAE_MAX_LATENT, NULL, &o->shape_flag},
        {"--seed", VAE_OPT_U64, &o->tc.seed, "S", "random seed (default 1)", 0, 2147483647},
        {"--threads", VAE_OPT_INT, &o->threads, "T",
         "training threads: data-parallel shards of each batch\n(default: the CPUs online, as "
         "vae train; 1 keeps frames\nsteadier on a busy machine)",
         1, VAE_MAX_WORKERS},
        {"window:", VAE_OPT_SECTION},
        {"--size", VAE_OPT_PARSE, &o->width, "WxH", "window size in points (default 1280x800)", 0,
         0, parse_size},
        {"--frames", VAE_OPT_LONG, &o->frames, "N", "quit after N frames", 1, 1000000000},
        {"--screenshot", VAE_OPT_STR, &o->screenshot, "FILE", "save the last frame as PNG"},
        {"--script", VAE_OPT_STR, &o->script, "FILE", "timed input events (see docs/explorer.md)"},
        {"--image", VAE_OPT_STR, &o->image, "FILE.png",
         "start with this picture in the draw tool (D), encoded"},
        {"--stats", VAE_OPT_FLAG, &o->stats, NULL,
         "print frames, fps, p50/p99 frame ms, training samples/s at exit"},
        {"--help", VAE_OPT_FLAG, &o->help, NULL, "this text"},
    };
    _Static_assert(sizeof opts / sizeof *opts <= MAX_OPTS, "MAX_OPTS is too small");
    int n = (int)(sizeof opts / sizeof *opts);
    if (t) memcpy(t, opts, sizeof opts);
    return n;
}

void app_args_print_usage(FILE *f) {
    AppOptions o;
    VaeOpt t[MAX_OPTS];
    int n = options_table(&o, t);
    VaeArgs a = {"vae-explorer", t, n, 0};
    fputs(preamble, f);
    vae_args_print_help(&a, f);
    fputs(epilogue, f);
}

int app_args_parse(AppOptions *o, int argc, char **argv, char *err, int err_len) {
    memset(o, 0, sizeof *o);
    o->dataset = "mnist";
    o->scatter = "test";
    o->cfg = vae_config_default();
    o->tc = vae_train_config_default();
    o->threads = vae_default_threads();
    o->width = 1280;
    o->height = 800;
    VaeOpt t[MAX_OPTS];
    VaeArgs a = {"vae-explorer", t, options_table(o, t), 0};
    const char *pos[1];
    int n_pos;
    char e[VAE_ERR_LEN];
    if (vae_args_parse(&a, argc - 1, argv + 1, pos, &n_pos, &o->help, e) != VAE_OK) {
        snprintf(err, (size_t)err_len, "%s", e);
        return -1;
    }
    o->scatter_train = !strcmp(o->scatter, "train");
    if (o->help) return 0;
    if (!o->hidden_set) { /* the architecture's own sizes, whatever the order of the flags */
        VaeConfig sizes = o->cfg;
        vae_config_set_arch(&sizes, o->cfg.arch);
        o->cfg.n_hidden = sizes.n_hidden;
        memcpy(o->cfg.hidden, sizes.hidden, sizeof sizes.hidden);
    }
    o->shape_flag |= o->hidden_set;
    if (o->no_train && !o->model_path) {
        snprintf(err, (size_t)err_len, "--no-train needs --model FILE");
        return -1;
    }
    if (o->n_forks && o->no_train) {
        snprintf(err, (size_t)err_len, "--fork trains: not with --no-train");
        return -1;
    }
    if (o->ae_path && o->n_models > 1) {
        snprintf(err, (size_t)err_len, "--ae-model with several --model: give each as --model");
        return -1;
    }
    if (o->n_models + (o->ae_path != NULL) + o->n_forks + o->pca > APP_MAX_MODELS) {
        snprintf(err, (size_t)err_len, "at most %d models with the forks", APP_MAX_MODELS);
        return -1;
    }
    if (o->replay &&
        (o->n_models || o->ae_path || o->no_train || o->n_forks || o->shape_flag || o->pca)) {
        snprintf(err, (size_t)err_len,
                 "--replay shows the recorded models: not with --model, --ae-model, --no-train, "
                 "--fork, --pca or a model's shape");
        return -1;
    }
    if (o->ae_path && !o->model_path && o->no_train) {
        snprintf(err, (size_t)err_len, "--ae-model with --no-train needs --model too");
        return -1;
    }
    return 0;
}
