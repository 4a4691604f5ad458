/* `vae interpolate`: a strip of decodes along the path between two test images' codes,
 * linear or spherical: does the latent space decode to plausible images all the way? */
#include <stdlib.h>

#include "cli.h"
#include "latent_ops.h"

/* The codes (2, L) of test images a and b. */
static int codes_of_two(const VaeModel *m, const VaeSplit *s, int a, int b, float *z) {
    const int idx[2] = {a, b};
    uint8_t labels[2] = {s->labels[a], s->labels[b]};
    VaeWorkspace ws;
    char err[VAE_ERR_LEN];
    float *x = malloc(sizeof(float) * 2 * (size_t)m->n_in);
    if (!x || vae_workspace_init(&ws, m, 2, err) != VAE_OK) {
        free(x);
        return cli_error(CLI_FAIL, "interpolate: out of memory");
    }
    vae_data_batch(s, idx, 2, x);
    vae_latent_codes(m, &ws, x, labels, 2, z);
    vae_workspace_free(&ws);
    free(x);
    return CLI_OK;
}

int cmd_interpolate(int argc, char **argv) {
    const char *data = NULL, *dataset = NULL, *model = NULL, *out = NULL;
    int from = 0, to = 0, from_given = 0, to_given = 0, steps = 10, slerp = 0, scale = 1;
    const VaeOpt opts[] = {
        {"--model", VAE_OPT_STR, &model, "FILE", "checkpoint (.safetensors), required"},
        {"--from", VAE_OPT_INT, &from, "I", "index of the first test image, required", 0, 0, NULL,
         &from_given},
        {"--to", VAE_OPT_INT, &to, "J", "index of the last test image, required", 0, 0, NULL,
         &to_given},
        {"--steps", VAE_OPT_INT, &steps, "N", "codes along the path, ends included (default 10)", 2,
         100},
        {"--slerp", VAE_OPT_FLAG, &slerp, NULL,
         "spherical path: the direction follows the great circle, the norm goes\n"
         "linearly from |z0| to |z1| (latent 2 or more; in 2-D, an arc around 0)"},
        {"--data", VAE_OPT_STR, &data, "DIR", "IDX dataset directory (default: --dataset)"},
        {"--dataset", VAE_OPT_STR, &dataset, "NAME", "mnist or fashion"},
        {"--scale", VAE_OPT_INT, &scale, "N", "PNG pixels per model pixel (default 1)", 1, 64},
        {"--out", VAE_OPT_STR, &out, "FILE.png",
         "a PNG strip; without it, one line per step: z1..zL, then the pixel\n"
         "probabilities, comma-separated"},
    };
    const CliCommand cmd = {"interpolate",
                            "--model FILE --from I --to J [--steps N] [--slerp] [--data DIR] "
                            "[--out strip.png]",
                            "Decode the path between the codes of test images I and J; the first "
                            "and last decodes are their reconstructions.",
                            opts,
                            (int)(sizeof opts / sizeof opts[0]),
                            0,
                            NULL};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if (!model || !from_given || !to_given)
        return cli_error(CLI_USAGE, "interpolate: --model FILE, --from I and --to J are required");
    VaeModel m;
    VaeDataset ds;
    float *path = NULL;
    if ((rc = cli_load_model(model, &m, NULL))) return rc;
    const int L = m.cfg.latent;
    if (m.cfg.kind == VAE_KIND_CVAE) {
        rc = cli_error(CLI_USAGE,
                       "interpolate: --model %s is conditional (cvae): its codes leave the class "
                       "to the label, so a path between two classes has no one label to decode",
                       model);
        goto done_model;
    }
    if (slerp && L < 2) {
        rc = cli_error(CLI_USAGE,
                       "interpolate: --slerp needs 2 or more latent dimensions (%s has 1)", model);
        goto done_model;
    }
    if ((rc = cli_load_dataset(&ds, data, dataset))) goto done_model;
    if ((rc = cli_check_data(&m, &ds, model)) ||
        (rc = cli_check_index("interpolate", "--from", from, &ds.test)) ||
        (rc = cli_check_index("interpolate", "--to", to, &ds.test)))
        goto done;
    float ends[2 * VAE_MAX_LATENT];
    if ((rc = codes_of_two(&m, &ds.test, from, to, ends))) goto done;
    char err[VAE_ERR_LEN];
    path = malloc(sizeof(float) * (size_t)steps * L);
    if (!path) {
        rc = cli_error(CLI_FAIL, "interpolate: out of memory");
        goto done;
    }
    if (vae_latent_path(ends, ends + L, L, steps, slerp ? VAE_PATH_SPHERICAL : VAE_PATH_LINEAR,
                        path, err) != VAE_OK) {
        rc = cli_error(CLI_FAIL, "interpolate: %s (is %s diverged?)", err, model);
        goto done;
    }
    rc = cli_write_decodes("interpolate", &m, path, NULL, steps, steps, out, scale);
done:
    free(path);
    vae_dataset_free(&ds);
done_model:
    vae_model_free(&m);
    return rc;
}
