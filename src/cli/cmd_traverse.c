/* `vae traverse`: one row per latent dimension, those with the largest KL first, each
 * decoding a test image's code with that one coordinate swept over [z_j - R, z_j + R]: which
 * dimensions carry a factor of variation and which have collapsed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "latent_ops.h"

/* The row order and what it was sorted by, for a PNG (whose rows do not say). */
static void print_order(const int *order, const VaeLatentStats *st, int L) {
    printf("dims=");
    for (int r = 0; r < L; r++)
        printf(r ? ",%d" : "%d", order[r]);
    printf(st->valid ? " kl=" : " var=");
    for (int r = 0; r < L; r++)
        printf(r ? ",%.3f" : "%.3f", st->valid ? st->kl[order[r]] : st->var[order[r]]);
    printf("\n");
}

int cmd_traverse(int argc, char **argv) {
    const char *data = NULL, *dataset = NULL, *model = NULL, *out = NULL;
    int index = 0, index_given = 0, steps = 9, scale = 1;
    float range = VAE_TRAVERSE_RANGE;
    const VaeOpt opts[] = {
        {"--model", VAE_OPT_STR, &model, "FILE", "checkpoint (.safetensors), required"},
        {"--index", VAE_OPT_INT, &index, "I",
         "index of the test image whose code is swept, required", 0, 0, NULL, &index_given},
        {"--steps", VAE_OPT_INT, &steps, "N", "codes per row (default 9)", 2, 100},
        {"--range", VAE_OPT_FLOAT, &range, "R", "each row sweeps z_j - R .. z_j + R (default 2)",
         0.001, 100},
        {"--data", VAE_OPT_STR, &data, "DIR", "IDX dataset directory (default: --dataset)"},
        {"--dataset", VAE_OPT_STR, &dataset, "NAME", "mnist or fashion"},
        {"--scale", VAE_OPT_INT, &scale, "N", "PNG pixels per model pixel (default 1)", 1, 64},
        {"--out", VAE_OPT_STR, &out, "FILE.png",
         "a PNG grid (and on standard output the rows' dimensions and KL); without\n"
         "it, one line per code, row by row: z1..zL, then the pixel probabilities,\n"
         "comma-separated"},
    };
    const CliCommand cmd = {
        "traverse",
        "--model FILE --index I [--steps N] [--range R] [--data DIR] [--out grid.png]",
        "Per-dimension traversals of test image I's code: one row per latent dimension, sorted "
        "by its KL over the test split, largest first (an AE's by Var[mu]).",
        opts,
        (int)(sizeof opts / sizeof opts[0]),
        0,
        NULL};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if (!model || !index_given)
        return cli_error(CLI_USAGE, "traverse: --model FILE and --index I are required");
    VaeModel m;
    VaeDataset ds;
    float *codes = NULL, *grid = NULL;
    uint8_t *labels = NULL;
    if ((rc = cli_load_model(model, &m, NULL))) return rc;
    const int L = m.cfg.latent, n = L * steps;
    if ((rc = cli_load_dataset(&ds, data, dataset))) goto done_model;
    if ((rc = cli_check_data(&m, &ds, model)) ||
        (rc = cli_check_index("traverse", "--index", index, &ds.test)))
        goto done;
    VaeLatentStats st;
    if ((rc = cli_split_codes("traverse", &m, &ds.test, &codes, &st))) goto done;
    int order[VAE_MAX_LATENT];
    vae_latent_dims_by_kl(&st, L, order);
    char err[VAE_ERR_LEN];
    grid = malloc(sizeof(float) * (size_t)n * L);
    labels = malloc((size_t)n);
    if (!grid || !labels) {
        rc = cli_error(CLI_FAIL, "traverse: out of memory");
        goto done;
    }
    memset(labels, ds.test.labels[index], (size_t)n); /* a cvae keeps the image's class */
    if (vae_latent_traversal(codes + (size_t)index * L, L, order, L, range, steps, grid, err) !=
        VAE_OK) {
        rc = cli_error(CLI_FAIL, "traverse: %s (is %s diverged?)", err, model);
        goto done;
    }
    rc = cli_write_decodes("traverse", &m, grid, labels, n, steps, out, scale);
    if (rc == CLI_OK && out) print_order(order, &st, L);
done:
    free(codes);
    free(grid);
    free(labels);
    vae_dataset_free(&ds);
done_model:
    vae_model_free(&m);
    return rc;
}
