/* `vae train --kind pca`: the top principal components of the training split in closed
 * form (pca.h), saved as a checkpoint like a trained model's, and scored on the test split.
 * No epochs: the flags that shape or steer training do not apply and are refused. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "parallel.h"
#include "pca.h"

/* The flags of `vae train` a PCA takes; the others (epochs, lr, hidden, ...) are refused. */
static const char *const pca_flags[] = {"--data", "--dataset", "--kind",    "--latent",
                                        "--out",  "--seed",    "--threads", "--quiet"};

/* The first flag of argv (already parsed by cli_parse: every flag but --quiet takes a
 * value) that a PCA does not take, or NULL. */
static const char *refused_flag(int argc, char **argv, char *name, size_t len) {
    for (int i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        snprintf(name, len, "%.*s", eq ? (int)(eq - argv[i]) : (int)strlen(argv[i]), argv[i]);
        int known = 0;
        for (size_t k = 0; k < sizeof pca_flags / sizeof *pca_flags; k++)
            known |= !strcmp(name, pca_flags[k]);
        if (!known) return name;
        if (!eq && strcmp(name, "--quiet") != 0) i++; /* its value */
    }
    return NULL;
}

int cli_train_pca(int argc, char **argv, const CliPcaTrain *a) {
    char flag[64];
    if (refused_flag(argc, argv, flag, sizeof flag))
        return cli_error(CLI_USAGE,
                         "train: %s does not apply to --kind pca (computed in closed form, not "
                         "trained; it takes --latent K)",
                         flag);
    VaeDataset ds;
    int rc = cli_load_dataset(&ds, a->data, a->dataset);
    if (rc) return rc;
    VaeModel m;
    VaePcaFit fit;
    VaeEvalStats ev;
    char err[VAE_ERR_LEN];
    vae_blas_set_threads(a->threads);
    double t0 = vae_now();
    VaeStatus s = vae_pca_fit(&m, &ds.train, a->latent, ds.classes, &fit, err);
    if (s != VAE_OK) {
        vae_dataset_free(&ds);
        return cli_error(s == VAE_ERR_ARG ? CLI_USAGE : CLI_FAIL, "train: %s", err);
    }
    double secs = vae_now() - t0, kept = 0;
    for (int k = 0; k < a->latent; k++)
        kept += fit.var[k];
    VaeCkptMeta meta = {0.0f, "", 0, 0, a->seed}; /* beta 0: there is no KL term */
    snprintf(meta.dataset, sizeof meta.dataset, "%s", ds.name);
    if ((s = vae_checkpoint_save(a->out, &m, &meta, err)) != VAE_OK)
        rc = cli_error(CLI_FAIL, "%s", err);
    else if ((s = vae_evaluate(&m, &ds.test, 0, a->seed, NULL, NULL, &ev, err)) != VAE_OK)
        rc = cli_error(CLI_FAIL, "train: evaluation failed: %s", err);
    else if (!a->quiet)
        fprintf(stderr,
                "pca: %d components of %d training images in %.2f s, %.1f %% of the variance "
                "(%.2f of %.2f)\ntest: mse=%.2f bce=%.2f (n=%d); wrote %s\n",
                a->latent, fit.n, secs, 100 * kept / fit.total_var, kept, fit.total_var, ev.mse,
                ev.bce, ev.n, a->out);
    vae_model_free(&m);
    vae_dataset_free(&ds);
    return rc;
}
