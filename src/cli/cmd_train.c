/* `vae train`: train a model on a dataset and write a safetensors checkpoint after every
 * epoch (atomically, so an interrupted run leaves the last finished epoch on disk). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "parallel.h"
#include "train_record.h"

typedef struct {
    CliProgress bar;
    char label[48];
    int64_t steps0;
    double t0;
    int batch, quiet;
    CliRecorder *rec; /* --record, else NULL */
    VaeTrainer *trainer;
    int rc; /* a recording's failure stops the epoch */
} TrainUi;

static int on_progress(void *ud, const VaeProgress *p) {
    TrainUi *ui = ud;
    if (ui->rec && (ui->rc = cli_recorder_step(ui->rec, ui->trainer, p)) != CLI_OK) return 1;
    if (ui->quiet) return 0;
    char tail[160];
    double sps = (double)(p->step - ui->steps0) * ui->batch / (vae_now() - ui->t0 + 1e-9);
    snprintf(tail, sizeof tail, "loss %.2f recon %.2f kl %.2f  %.0f samples/s", p->loss, p->recon,
             p->kl, sps);
    cli_progress_show(&ui->bar, ui->label, p->batch, p->batches, tail, 0);
    return 0;
}

static void on_log(void *ud, const char *msg) {
    (void)ud;
    fprintf(stderr, "\nvae: %s\n", msg);
}

/* Fail now, not after the first epoch, when a file cannot go to path (flag names it). */
static int check_writable(const char *flag, const char *path) {
    char dir[4096];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) != 0)
        return cli_error(CLI_FAIL, "train: %s %s: directory %s is missing or not writable", flag,
                         path, dir);
    return CLI_OK;
}

/* --init: load the checkpoint into start and cfg; a shape flag given on the command line
 * (it differs from its default) must agree with the model, which keeps its shape. */
static int load_init(const char *init, const CliModelFlags *mf, const CliModelFlags *mf_default,
                     VaeConfig *cfg, VaeModel *start) {
    char err[VAE_ERR_LEN];
    VaeCkptMeta im;
    if (vae_checkpoint_load(init, start, &im, err) != VAE_OK)
        return cli_error(CLI_USAGE, "%s", err);
    const VaeConfig *sc = &start->cfg;
    const char *bad = NULL;
    if (mf->kind != mf_default->kind && cfg->kind != sc->kind) bad = "--kind";
    if (mf->likelihood != mf_default->likelihood && cfg->likelihood != sc->likelihood)
        bad = "--likelihood";
    if (mf->latent != mf_default->latent && cfg->latent != sc->latent) bad = "--latent";
    if (mf->arch != mf_default->arch && cfg->arch != sc->arch) bad = "--arch";
    if (mf->hidden != mf_default->hidden &&
        (cfg->n_hidden != sc->n_hidden ||
         memcmp(cfg->hidden, sc->hidden, sizeof cfg->hidden[0] * (size_t)cfg->n_hidden)))
        bad = "--hidden";
    if (bad)
        return cli_error(CLI_USAGE,
                         "train: %s disagrees with the model in %s (a model loaded with --init "
                         "keeps its shape)",
                         bad, init);
    *cfg = *sc;
    return CLI_OK;
}

/* The epochs: progress, the checkpoint after each (atomic), the recording's epoch end. */
static int train_epochs(TrainUi *ui, int epochs, const char *out, VaeCkptMeta *meta) {
    VaeTrainer *t = ui->trainer;
    char err[VAE_ERR_LEN];
    for (int e = 0; e < epochs; e++) {
        cli_progress_init(&ui->bar);
        snprintf(ui->label, sizeof ui->label, "epoch %*d/%d", epochs >= 10 ? 2 : 1, e + 1, epochs);
        ui->steps0 = vae_trainer_steps(t);
        ui->t0 = vae_now();
        VaeProgress p;
        vae_trainer_epoch(t, ui->quiet && !ui->rec ? NULL : on_progress, ui, &p);
        if (ui->rc) return ui->rc;
        if (!ui->quiet) {
            char tail[160];
            double sps = (double)(p.step - ui->steps0) * ui->batch / (vae_now() - ui->t0 + 1e-9);
            snprintf(tail, sizeof tail, "loss=%.2f recon=%.2f kl=%.2f samples_per_s=%.0f", p.loss,
                     p.recon, p.kl, sps);
            cli_progress_show(&ui->bar, ui->label, p.batches, p.batches, tail, 1);
        }
        meta->epoch = vae_trainer_epoch_index(t);
        meta->step = vae_trainer_steps(t);
        meta->beta = vae_trainer_config(t)->beta;
        if (vae_checkpoint_save(out, vae_trainer_model(t), meta, err) != VAE_OK)
            return cli_error(CLI_FAIL, "%s", err);
        int rc;
        if (ui->rec && (rc = cli_recorder_epoch_end(ui->rec, e == epochs - 1))) return rc;
    }
    return CLI_OK;
}

/* The trained model's test figures, one line on stderr. */
static int report_test(const VaeModel *m, const VaeSplit *test, uint64_t seed, int quiet,
                       const char *out) {
    VaeEvalStats ev;
    char err[VAE_ERR_LEN];
    if (vae_evaluate(m, test, 1, seed, NULL, NULL, &ev, err) != VAE_OK)
        return cli_error(CLI_FAIL, "train: evaluation failed: %s", err);
    if (!quiet)
        fprintf(stderr, "test: neg_elbo=%.2f recon=%.2f kl=%.2f (n=%d, likelihood=%s); wrote %s\n",
                ev.neg_elbo, ev.recon, ev.kl, ev.n, vae_likelihood_name(m->cfg.likelihood), out);
    return CLI_OK;
}

/* The model to train: the shape flags, or --init's checkpoint (into start). */
static int model_config(const CliModelFlags *mf, const CliModelFlags *mf_default, const char *flow,
                        const char *init, const VaeDataset *ds, VaeConfig *cfg, VaeModel *start) {
    int rc;
    if ((rc = cli_model_config(mf, ds->classes, cfg))) return rc;
    if (flow && !vae_flow_parse(flow, &cfg->flows))
        return cli_error(CLI_USAGE, "train: --flow must be planar:K with K in 0..%d, got \"%s\"",
                         VAE_MAX_FLOWS, flow);
    cfg->input_h = ds->train.rows;
    cfg->input_w = ds->train.cols;
    if (!init) return CLI_OK;
    if (flow) return cli_error(CLI_USAGE, "train: --flow cannot change a model loaded with --init");
    return load_init(init, mf, mf_default, cfg, start);
}

/* The flags' values that no flag table can check: before any work. */
static int check_flags(const char *out, const char *record, int epochs, int threads) {
    int rc;
    if (!out) return cli_error(CLI_USAGE, "train: --out FILE.safetensors is required");
    if (record && !strcmp(record, out))
        return cli_error(CLI_USAGE, "train: --record %s is the --out file too", record);
    if ((rc = check_writable("--out", out)) ||
        (record && (rc = check_writable("--record", record))))
        return rc;
    if (epochs < 1 || epochs > 100000)
        return cli_error(CLI_USAGE, "train: --epochs must be in 1..100000, got %d", epochs);
    if (threads < 1 || threads > VAE_MAX_WORKERS)
        return cli_error(CLI_USAGE, "train: --threads must be in 1..%d, got %d", VAE_MAX_WORKERS,
                         threads);
    return CLI_OK;
}

int cmd_train(int argc, char **argv) {
    const char *data = NULL, *dataset = NULL, *out = NULL, *init = NULL, *flow = NULL;
    const char *record = NULL;
    CliModelFlags mf = {"vae", NULL, "bernoulli", 2, "mlp"};
    const CliModelFlags mf_default = mf; /* a flag given on the command line differs */
    VaeTrainConfig tc = vae_train_config_default();
    int epochs = 30, threads = vae_default_threads(), quiet = 0;
    const VaeOpt opts[] = {
        {"--data", VAE_OPT_STR, &data, "DIR", "IDX dataset directory (default: --dataset)"},
        {"--dataset", VAE_OPT_STR, &dataset, "NAME",
         "mnist (data/mnist) or fashion (Debian package)"},
        {"--kind", VAE_OPT_STR, &mf.kind, "KIND", "vae, ae, cvae, or pca (closed form; no epochs)"},
        {"--epochs", VAE_OPT_INT, &epochs, "N", "passes over the training set (default 30)"},
        {"--batch", VAE_OPT_INT, &tc.batch, "B", "minibatch size (default 128)"},
        {"--lr", VAE_OPT_FLOAT, &tc.lr, "LR", "Adam learning rate (default 0.001)"},
        {"--beta", VAE_OPT_FLOAT, &tc.beta, "B", "KL weight, beta-VAE (default 1)"},
        {"--kl-warmup", VAE_OPT_INT, &tc.kl_warmup, "STEPS",
         "linear KL warm-up 0 -> beta (default 0)"},
        {"--free-bits", VAE_OPT_FLOAT, &tc.free_bits, "F",
         "per-dimension KL floor in nats (default 0)"},
        {"--dropout", VAE_OPT_FLOAT, &tc.dropout, "P", "dropout on the input and on z (default 0)"},
        {"--likelihood", VAE_OPT_STR, &mf.likelihood, "L", "bernoulli (BCE) or gaussian (MSE)"},
        {"--flow", VAE_OPT_STR, &flow, "planar:K",
         "K planar normalising flows on the posterior sample, K <= 32 (default none)"},
        {"--hidden", VAE_OPT_STR, &mf.hidden, "H1,H2",
         "dense hidden sizes (default 512,256; conv: the encoder's dense layer, 16)"},
        {"--arch", VAE_OPT_STR, &mf.arch, "A",
         "mlp (dense layers) or conv (Keras's convolutional VAE) (default mlp)"},
        {"--latent", VAE_OPT_INT, &mf.latent, "N", "latent dimensions (default 2)"},
        {"--seed", VAE_OPT_U64, &tc.seed, "S", "random seed (default 0)"},
        {"--threads", VAE_OPT_INT, &threads, "T",
         "threads: data-parallel shards of each batch (default: the CPUs online)"},
        {"--init", VAE_OPT_STR, &init, "FILE",
         "start from this checkpoint (its shape: shape flags must agree with it)"},
        {"--out", VAE_OPT_STR, &out, "FILE", "checkpoint to write (.safetensors), required"},
        {"--record", VAE_OPT_STR, &record, "FILE",
         "also record the run for replay (vae animate): the test split's latents and the "
         "decoder at steps spread in log(step), the losses; rewritten after epochs"},
        {"--binarize", VAE_OPT_FLAG, &tc.binarize, NULL,
         "dynamic binarisation: each pixel drawn as Bernoulli(grey level) at every use"},
        {"--quiet", VAE_OPT_FLAG, &quiet, NULL, "no progress output"},
    };
    const CliCommand cmd = {
        "train",
        "--out FILE.safetensors [options]",
        "Train a VAE or plain AE (the checkpoint is rewritten after each epoch), or compute a PCA.",
        opts,
        (int)(sizeof opts / sizeof opts[0]),
        0,
        NULL};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if ((rc = check_flags(out, record, epochs, threads))) return rc;
    if (!strcmp(mf.kind, "pca")) {
        CliPcaTrain pca = {data, dataset, out, mf.latent, threads, quiet, tc.seed};
        return cli_train_pca(argc, argv, &pca);
    }

    VaeDataset ds;
    if ((rc = cli_load_dataset(&ds, data, dataset))) return rc;
    VaeConfig cfg;
    VaeModel start;
    memset(&start, 0, sizeof start);
    VaeTrainer *t = NULL;
    CliRecorder recorder;
    memset(&recorder, 0, sizeof recorder);
    char err[VAE_ERR_LEN];
    if ((rc = model_config(&mf, &mf_default, flow, init, &ds, &cfg, &start))) goto done;
    /* each shard calls BLAS on its own thread; more BLAS threads would only contend */
    tc.threads = threads;
    vae_blas_set_threads(1);
    VaeStatus s = vae_trainer_create(&t, &cfg, init ? &start : NULL, &tc, &ds.train, err);
    if (s != VAE_OK) {
        rc = cli_error(s == VAE_ERR_NOMEM ? CLI_FAIL : CLI_USAGE, "train: %s", err);
        goto done;
    }
    vae_trainer_set_log(t, on_log, NULL);
    VaeCkptMeta meta = {tc.beta, "", 0, 0, tc.seed};
    snprintf(meta.dataset, sizeof meta.dataset, "%s", ds.name);
    TrainUi ui = {.batch = tc.batch, .quiet = quiet, .trainer = t};
    if (record) {
        if ((rc = cli_recorder_open(&recorder, record, t, &ds, epochs, threads))) goto done;
        ui.rec = &recorder;
    }
    if ((rc = train_epochs(&ui, epochs, out, &meta))) goto done;
    if (record && !quiet) cli_recorder_report(&recorder);
    vae_blas_set_threads(threads); /* evaluation is one thread calling BLAS */
    if ((rc = report_test(vae_trainer_model(t), &ds.test, tc.seed, quiet, out))) goto done;
    rc = CLI_OK;
done:
    cli_recorder_close(&recorder);
    vae_trainer_destroy(t);
    vae_model_free(&start);
    vae_dataset_free(&ds);
    return rc;
}
