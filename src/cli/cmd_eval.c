/* `vae eval` and `vae encode`: a checkpoint against a dataset's test split (encode
 * --image, a PNG of the user's, is in cmd_images.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fileio.h"
#include "latents.h"
#include "parallel.h"

typedef struct {
    CliProgress bar;
} EvalUi;

static int on_progress(void *ud, const VaeProgress *p) {
    EvalUi *ui = ud;
    cli_progress_show(&ui->bar, "eval", p->batch, p->batches, "", 0);
    return 0;
}

/* index,label,neg_elbo,recon,kl[,iwae_nll] for every image, written atomically. */
static int write_per_image(const char *path, const VaeSplit *s, const VaeImageScore *sc, int n,
                           int iw) {
    const size_t line = 96;
    char *csv = malloc(line * ((size_t)n + 1)), err[VAE_ERR_LEN];
    if (!csv) return cli_error(CLI_FAIL, "cannot write %s: out of memory", path);
    size_t len =
        (size_t)snprintf(csv, line, "index,label,neg_elbo,recon,kl%s\n", iw > 1 ? ",iwae_nll" : "");
    for (int i = 0; i < n; i++) {
        len += (size_t)snprintf(csv + len, line, "%d,%d,%.4f,%.4f,%.4f", i, s->labels[i],
                                sc[i].neg_elbo, sc[i].recon, sc[i].kl);
        if (iw > 1) len += (size_t)snprintf(csv + len, line, ",%.4f", sc[i].iwae_nll);
        csv[len++] = '\n';
    }
    const void *parts[1] = {csv};
    VaeStatus st = vae_file_write_atomic(path, parts, &len, 1, err);
    free(csv);
    return st == VAE_OK ? CLI_OK : cli_error(CLI_FAIL, "%s", err);
}

int cmd_eval(int argc, char **argv) {
    const char *data = NULL, *dataset = NULL, *model = NULL, *per_image = NULL;
    int iw = 0, threads = 0, binarize = 0;
    uint64_t seed = 0;
    const VaeOpt opts[] = {
        {"--data", VAE_OPT_STR, &data, "DIR", "IDX dataset directory (default: --dataset)"},
        {"--dataset", VAE_OPT_STR, &dataset, "NAME", "mnist or fashion"},
        {"--model", VAE_OPT_STR, &model, "FILE", "checkpoint (.safetensors), required"},
        {"--iw", VAE_OPT_INT, &iw, "K", "also the importance-weighted NLL bound with K samples"},
        {"--seed", VAE_OPT_U64, &seed, "S", "seed of the z samples (default 0)"},
        {"--threads", VAE_OPT_INT, &threads, "T", "OpenBLAS threads"},
        {"--binarize", VAE_OPT_FLAG, &binarize, NULL,
         "score a binarised test set (each pixel Bernoulli of its grey level, drawn once "
         "with a fixed seed): for models trained with train --binarize"},
        {"--per-image", VAE_OPT_STR, &per_image, "FILE.csv",
         "also write each test image's index,label,neg_elbo,recon,kl\n(and iwae_nll with --iw); "
         "their means are the line's figures"},
    };
    const CliCommand cmd = {
        "eval",
        "--model FILE [--data DIR] [--iw K] [--per-image FILE.csv]",
        "Evaluate on the test split; one line: neg_elbo recon kl mse bce [iwae_nll] active_units "
        "kl_dims, in nats per image (mse: summed squared error), and the model's kind, likelihood "
        "and flows. With flows, kl is the single-sample Monte Carlo KL and kl_dims are the base "
        "Gaussian's. A pca's recon is its bce, on values clipped into (1e-4, 1 - 1e-4).",
        opts,
        (int)(sizeof opts / sizeof opts[0]),
        0,
        NULL};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if (!model) return cli_error(CLI_USAGE, "eval: --model FILE is required");
    if (iw < 0 || iw > VAE_IW_MAX)
        return cli_error(CLI_USAGE, "eval: --iw must be in 0..%d", VAE_IW_MAX);
    if (threads < 0 || threads > 256)
        return cli_error(CLI_USAGE, "eval: --threads must be in 1..256, got %d", threads);
    VaeModel m;
    VaeCkptMeta meta;
    VaeDataset ds;
    VaeImageScore *scores = NULL;
    memset(&ds, 0, sizeof ds);
    if ((rc = cli_load_model(model, &m, &meta))) return rc;
    if ((rc = cli_load_dataset(&ds, data, dataset)) || (rc = cli_check_data(&m, &ds, model)))
        goto done;
    if (iw > 1 && !vae_kind_is_stochastic(m.cfg.kind)) {
        rc = cli_error(CLI_USAGE, "eval: --iw needs a VAE; %s is a %s (no posterior to sample)",
                       model, vae_kind_name(m.cfg.kind));
        goto done;
    }
    if (threads > 0) vae_blas_set_threads(threads);
    if (binarize) vae_split_binarize(&ds.test, 2026); /* the same binary images every run */
    EvalUi ui;
    cli_progress_init(&ui.bar);
    VaeEvalStats ev;
    char err[VAE_ERR_LEN];
    if (per_image && !(scores = malloc(sizeof *scores * (size_t)ds.test.n))) {
        rc = cli_error(CLI_FAIL, "eval: out of memory");
        goto done;
    }
    VaeStatus s = vae_evaluate_per_image(&m, &ds.test, iw, seed, iw > 1 ? on_progress : NULL, &ui,
                                         &ev, scores, err);
    if (iw > 1) cli_progress_show(&ui.bar, "eval", 1, 1, "", 1);
    if (s != VAE_OK) {
        rc = cli_error(CLI_FAIL, "eval: %s: %s", model, err);
        goto done;
    }
    if (per_image && (rc = write_per_image(per_image, &ds.test, scores, ev.n, iw))) goto done;
    printf("neg_elbo=%.2f recon=%.2f kl=%.2f mse=%.2f bce=%.2f", ev.neg_elbo, ev.recon, ev.kl,
           ev.mse, ev.bce);
    if (ev.iw) printf(" iwae_nll=%.2f iw=%d", ev.iwae_nll, ev.iw);
    printf(" active_units=%d kl_dims=", ev.active_units);
    for (int j = 0; j < m.cfg.latent; j++)
        printf(j ? ",%.2f" : "%.2f", ev.kl_dim[j]);
    printf(" n=%d kind=%s likelihood=%s", ev.n, vae_kind_name(m.cfg.kind),
           vae_likelihood_name(m.cfg.likelihood));
    if (m.cfg.flows) printf(" flows=planar:%d", m.cfg.flows);
    if (m.cfg.arch != VAE_ARCH_MLP) printf(" arch=%s", vae_arch_name(m.cfg.arch));
    if (binarize) printf(" binarized=1");
    printf("\n");
    rc = CLI_OK;
done:
    free(scores);
    vae_model_free(&m);
    vae_dataset_free(&ds);
    return rc;
}

int cmd_encode(int argc, char **argv) {
    const char *data = NULL, *dataset = NULL, *model = NULL, *out = NULL, *split = "test";
    const char *image = NULL;
    int label = -1, iw = 0, split_given = 0;
    uint64_t seed = 0;
    const VaeOpt opts[] = {
        {"--data", VAE_OPT_STR, &data, "DIR", "IDX dataset directory (default: --dataset)"},
        {"--dataset", VAE_OPT_STR, &dataset, "NAME", "mnist or fashion"},
        {"--model", VAE_OPT_STR, &model, "FILE", "checkpoint (.safetensors), required"},
        {"--split", VAE_OPT_STR, &split, "S", "test (default) or train", 0, 0, NULL, &split_given},
        {"--out", VAE_OPT_STR, &out, "FILE", "CSV to write (default: standard output)"},
        {"--image", VAE_OPT_STR, &image, "FILE.png",
         "encode a PNG of your own instead (prepared as MNIST's digits\nwere): one line mu=... "
         "logvar=... neg_elbo=... recon=... kl=..."},
        {"--label", VAE_OPT_INT, &label, "L", "its class, for a cvae (with --image)"},
        {"--iw", VAE_OPT_INT, &iw, "K",
         "with --image, also iwae_nll: -log p(x) estimated with K\nimportance samples", 0,
         VAE_IW_MAX},
        {"--seed", VAE_OPT_U64, &seed, "S", "seed of the z samples of the scores (default 0)"},
    };
    const CliCommand cmd = {
        "encode",
        "--model FILE [--data DIR] [--out latents.csv] | --model FILE --image FILE.png",
        "Encode a split: CSV index,label,mu1..muL,logvar1..logvarL; or one PNG: its code and "
        "its -ELBO (one z sample, nats), -log p(x) estimated with --iw K.",
        opts,
        (int)(sizeof opts / sizeof opts[0]),
        0,
        NULL};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if (!model) return cli_error(CLI_USAGE, "encode: --model FILE is required");
    if (image && (out || split_given))
        return cli_error(CLI_USAGE,
                         "encode: --image prints one line; --out and --split are for a split");
    if (!image && (label >= 0 || iw))
        return cli_error(CLI_USAGE, "encode: --label and --iw go with --image FILE.png");
    if (image) return cli_encode_image(model, image, label, iw, seed);
    if (strcmp(split, "test") && strcmp(split, "train"))
        return cli_error(CLI_USAGE, "encode: --split must be test or train, got \"%s\"", split);
    VaeModel m;
    VaeDataset ds;
    memset(&ds, 0, sizeof ds);
    VaeSplitEncoder *enc = NULL;
    float *mu = NULL, *lv = NULL;
    FILE *f = NULL;
    if ((rc = cli_load_model(model, &m, NULL))) return rc;
    if ((rc = cli_load_dataset(&ds, data, dataset)) || (rc = cli_check_data(&m, &ds, model)))
        goto done;
    const VaeSplit *sp = !strcmp(split, "train") ? &ds.train : &ds.test;
    const int L = m.cfg.latent;
    char err[VAE_ERR_LEN];
    const VaeModel *models[1] = {&m};
    mu = malloc(sizeof(float) * (size_t)sp->n * L);
    lv = calloc((size_t)sp->n * L, sizeof(float)); /* an AE's logvar: 0 */
    if (!mu || !lv ||
        vae_split_encoder_create(&enc, models, 1, sp, vae_default_threads(), err) != VAE_OK) {
        rc = cli_error(CLI_FAIL, "encode: out of memory");
        goto done;
    }
    vae_blas_set_threads(1); /* the encoder's workers each call BLAS */
    vae_split_encode(enc, models, &mu, &lv, NULL);
    f = out ? fopen(out, "w") : stdout;
    if (!f) {
        rc = cli_error(CLI_FAIL, "cannot write %s", out);
        goto done;
    }
    fprintf(f, "index,label");
    for (int j = 0; j < L; j++)
        fprintf(f, ",mu%d", j + 1);
    for (int j = 0; j < L; j++)
        fprintf(f, ",logvar%d", j + 1);
    fputc('\n', f);
    for (int r = 0; r < sp->n; r++) {
        fprintf(f, "%d,%d", r, sp->labels[r]);
        for (int j = 0; j < L; j++)
            fprintf(f, ",%.9g", mu[(size_t)r * L + j]);
        for (int j = 0; j < L; j++)
            fprintf(f, ",%.9g", lv[(size_t)r * L + j]);
        fputc('\n', f);
    }
    if (out && fclose(f) != 0) rc = cli_error(CLI_FAIL, "cannot write %s", out);
    f = NULL;
done:
    if (f && f != stdout) fclose(f);
    vae_split_encoder_destroy(enc);
    free(mu);
    free(lv);
    vae_model_free(&m);
    vae_dataset_free(&ds);
    return rc;
}
