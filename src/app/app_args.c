/* Command-line flags of the explorer: a table-free, strict parser (unknown flag,
 * missing value or a value out of range is an error naming the flag). */
#include "app_args.h"

#include "pool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: vae-explorer [options]\n"
    "\n"
    "Trains a VAE and a plain autoencoder side by side and shows their 2-D latent\n"
    "planes live; the point under the mouse cursor is decoded every frame.\n"
    "\n"
    "data:\n"
    "  --data DIR            IDX files (train/t10k-images/labels, plain or .gz)\n"
    "  --dataset NAME        mnist (data/mnist, default) or fashion\n"
    "                        (/usr/share/datasets/fashion-mnist)\n"
    "  --scatter test|train  the images on the plane: the test set (default) or the\n"
    "                        training set (60,000 for fashion; re-encoded less often)\n"
    "models:\n"
    "  --model FILE          start the VAE (left pane) from a safetensors checkpoint\n"
    "  --ae-model FILE       start the AE from a checkpoint\n"
    "  --no-train            explore the checkpoints only (needs --model)\n"
    "training (as in `vae train`):\n"
    "  --kind vae|cvae|ae    kind of the main model (default vae; the second is an ae of\n"
    "                        the same shape, without flows)\n"
    "  --epochs N            pause after N epochs (default: train until paused)\n"
    "  --batch B             minibatch size (default 128)\n"
    "  --lr LR               Adam learning rate (default 1e-3)\n"
    "  --beta B              KL weight (default 1, or the checkpoint's)\n"
    "  --kl-warmup STEPS     linear KL warm-up 0 -> beta over STEPS steps (default 0)\n"
    "  --free-bits F         per-dimension KL floor in nats (default 0)\n"
    "  --dropout P           dropout on the input and on z while training (default 0)\n"
    "  --likelihood L        bernoulli (BCE, default) or gaussian (MSE)\n"
    "  --flow planar:K       K planar normalising flows on the posterior (default none)\n"
    "  --hidden H1,H2        hidden sizes (default 512,256)\n"
    "  --latent L            latent size (default 2; the plane shows dims 1 and 2)\n"
    "                        (--kind --hidden --latent --likelihood --flow shape a fresh\n"
    "                        model; with --model the checkpoint's are used)\n"
    "  --seed S              random seed (default 1)\n"
    "  --threads T           training threads: data-parallel shards of each batch\n"
    "                        (default: the CPUs online, as vae train; 1 keeps frames\n"
    "                        steadier on a busy machine)\n"
    "window:\n"
    "  --size WxH            window size in points (default 1280x800)\n"
    "  --frames N            quit after N frames\n"
    "  --screenshot FILE     save the last frame as PNG\n"
    "  --script FILE         timed input events (see docs/explorer.md)\n"
    "  --stats               print frames, fps, p50/p99 frame ms, training samples/s at exit\n"
    "  --help                this text\n"
    "\n"
    "keys: H or F1 in the window lists them.\n";

const char *app_args_usage(void) {
    return usage;
}

static int parse_long(const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return 0;
    *out = v;
    return 1;
}

static int parse_float(const char *s, float lo, float hi, float *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi)) return 0;
    *out = (float)v;
    return 1;
}

int app_args_parse(AppOptions *o, int argc, char **argv, char *err, int err_len) {
    memset(o, 0, sizeof *o);
    o->dataset = "mnist";
    o->cfg = vae_config_default();
    o->tc = vae_train_config_default();
    /* as `vae train`: measured on 2 cores, 2 shards train 81 % as fast as `vae bench` with
     * the window's p99 frame time at ~11 ms (docs/explorer.md) */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = cpus < 1 ? 1 : cpus > VAE_MAX_WORKERS ? VAE_MAX_WORKERS : (int)cpus;
    o->width = 1280;
    o->height = 800;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            o->help = 1;
            return 0;
        }
        if (!strcmp(a, "--no-train")) {
            o->no_train = 1;
            continue;
        }
        if (!strcmp(a, "--stats")) {
            o->stats = 1;
            continue;
        }
        /* Every other flag takes a value: --flag VALUE or --flag=VALUE. */
        const char *v = NULL;
        char name[32];
        const char *eq = strchr(a, '=');
        if (strncmp(a, "--", 2) != 0) {
            snprintf(err, (size_t)err_len, "unexpected argument '%s' (see --help)", a);
            return -1;
        }
        if (eq) {
            size_t n = (size_t)(eq - a);
            if (n >= sizeof name) n = sizeof name - 1;
            memcpy(name, a, n);
            name[n] = 0;
            v = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", a);
        }
        static const char *const valued[] = {
            "--data",      "--dataset",   "--scatter", "--model",      "--ae-model",   "--kind",
            "--epochs",    "--batch",     "--lr",      "--beta",       "--hidden",     "--latent",
            "--seed",      "--threads",   "--size",    "--frames",     "--screenshot", "--script",
            "--kl-warmup", "--free-bits", "--dropout", "--likelihood", "--flow"};
        int known = 0;
        for (size_t k = 0; k < sizeof valued / sizeof *valued; k++)
            if (!strcmp(name, valued[k])) known = 1;
        if (!known) {
            snprintf(err, (size_t)err_len, "unknown flag '%s' (see --help)", name);
            return -1;
        }
        if (!v) {
            if (i + 1 >= argc) {
                snprintf(err, (size_t)err_len, "%s needs a value", name);
                return -1;
            }
            v = argv[++i];
        }
        long l = 0;
        int ok = 1;
        if (!strcmp(name, "--data")) {
            o->data_dir = v;
        } else if (!strcmp(name, "--dataset")) {
            ok = !strcmp(v, "mnist") || !strcmp(v, "fashion");
            o->dataset = v;
        } else if (!strcmp(name, "--scatter")) {
            ok = !strcmp(v, "train") || !strcmp(v, "test");
            o->scatter_train = !strcmp(v, "train");
        } else if (!strcmp(name, "--model")) {
            o->model_path = v;
        } else if (!strcmp(name, "--ae-model")) {
            o->ae_path = v;
        } else if (!strcmp(name, "--kind")) {
            ok = vae_kind_parse(v, &o->cfg.kind);
            o->shape_flag = 1;
        } else if (!strcmp(name, "--epochs")) {
            ok = parse_long(v, 0, 1000000, &l);
            o->epochs = (int)l;
        } else if (!strcmp(name, "--batch")) {
            ok = parse_long(v, 1, 65536, &l);
            o->tc.batch = (int)l;
        } else if (!strcmp(name, "--lr")) {
            /* up to absurd rates: the trainer's guards (skip, restore, halve) are a demo */
            ok = parse_float(v, 1e-8f, 1e30f, &o->tc.lr);
        } else if (!strcmp(name, "--beta")) {
            ok = parse_float(v, 0.0f, 1000.0f, &o->tc.beta);
            o->beta_set = 1;
        } else if (!strcmp(name, "--kl-warmup")) {
            ok = parse_long(v, 0, 100000000L, &l);
            o->tc.kl_warmup = (int)l;
        } else if (!strcmp(name, "--free-bits")) {
            ok = parse_float(v, 0.0f, 100.0f, &o->tc.free_bits);
        } else if (!strcmp(name, "--dropout")) {
            ok = parse_float(v, 0.0f, 0.95f, &o->tc.dropout);
        } else if (!strcmp(name, "--likelihood")) {
            ok = vae_likelihood_parse(v, &o->cfg.likelihood);
            o->shape_flag = 1;
        } else if (!strcmp(name, "--flow")) {
            ok = vae_flow_parse(v, &o->cfg.flows);
            o->shape_flag = 1;
        } else if (!strcmp(name, "--hidden")) {
            ok = vae_hidden_parse(v, &o->cfg);
            o->shape_flag = 1;
        } else if (!strcmp(name, "--latent")) {
            ok = parse_long(v, 2, VAE_MAX_LATENT, &l);
            o->cfg.latent = (int)l;
            o->shape_flag = 1;
        } else if (!strcmp(name, "--seed")) {
            ok = parse_long(v, 0, 0x7fffffffL, &l);
            o->tc.seed = (uint64_t)l;
        } else if (!strcmp(name, "--threads")) {
            ok = parse_long(v, 1, VAE_MAX_WORKERS, &l);
            o->threads = (int)l;
        } else if (!strcmp(name, "--size")) {
            int w, h;
            char tail;
            ok = sscanf(v, "%dx%d%c", &w, &h, &tail) == 2 && w >= 320 && h >= 240 && w <= 16384 &&
                 h <= 16384;
            o->width = w;
            o->height = h;
        } else if (!strcmp(name, "--frames")) {
            ok = parse_long(v, 1, 1000000000L, &l);
            o->frames = l;
        } else if (!strcmp(name, "--screenshot")) {
            o->screenshot = v;
        } else if (!strcmp(name, "--script")) {
            o->script = v;
        }
        if (!ok || !*v) {
            snprintf(err, (size_t)err_len, "bad value '%s' for %s (see --help)", v, name);
            return -1;
        }
    }
    if (o->no_train && !o->model_path) {
        snprintf(err, (size_t)err_len, "--no-train needs --model FILE");
        return -1;
    }
    if (o->ae_path && !o->model_path && o->no_train) {
        snprintf(err, (size_t)err_len, "--ae-model with --no-train needs --model too");
        return -1;
    }
    return 0;
}
