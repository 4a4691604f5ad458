/* `vae arithmetic`: an attribute vector v = mean code of class B - mean code of class A
 * (over the test split), added to one test image's code as z + t v, t from 0 to 1.5:
 * "this 3, made more like an 8". */
#include <stdlib.h>

#include "cli.h"
#include "latent_ops.h"

static int check_class(const char *flag, int cls, const VaeDataset *ds) {
    if (cls < 0 || cls >= ds->classes)
        return cli_error(CLI_USAGE, "arithmetic: %s %d is not a class of the data (0..%d)", flag,
                         cls, ds->classes - 1);
    return CLI_OK;
}

/* v = mean(to class) - mean(from class) over codes (n, L). */
static int class_vector(const float *codes, const VaeSplit *s, int L, int from, int to, float *v) {
    float m_from[VAE_MAX_LATENT], m_to[VAE_MAX_LATENT];
    if (!vae_latent_mean_class(codes, s->labels, s->n, L, from, m_from))
        return cli_error(CLI_USAGE, "arithmetic: --from-class %d has no test images", from);
    if (!vae_latent_mean_class(codes, s->labels, s->n, L, to, m_to))
        return cli_error(CLI_USAGE, "arithmetic: --to-class %d has no test images", to);
    vae_latent_attribute(m_from, m_to, L, v);
    return CLI_OK;
}

int cmd_arithmetic(int argc, char **argv) {
    const char *data = NULL, *dataset = NULL, *model = NULL, *out = NULL;
    int from = 0, to = 0, apply = 0, steps = 7, scale = 1;
    int from_given = 0, to_given = 0, apply_given = 0;
    const VaeOpt opts[] = {
        {"--model", VAE_OPT_STR, &model, "FILE", "checkpoint (.safetensors), required"},
        {"--from-class", VAE_OPT_INT, &from, "A",
         "start group: the test images of class A, required", 0, 0, NULL, &from_given},
        {"--to-class", VAE_OPT_INT, &to, "B", "end group: the test images of class B, required", 0,
         0, NULL, &to_given},
        {"--apply", VAE_OPT_INT, &apply, "I", "index of the test image to move, required", 0, 0,
         NULL, &apply_given},
        {"--steps", VAE_OPT_INT, &steps, "N",
         "codes z + t v, t evenly from 0 to 1.5 (default 7: t = 0, 0.25, ..., 1.5)", 2, 100},
        {"--data", VAE_OPT_STR, &data, "DIR", "IDX dataset directory (default: --dataset)"},
        {"--dataset", VAE_OPT_STR, &dataset, "NAME", "mnist or fashion"},
        {"--scale", VAE_OPT_INT, &scale, "N", "PNG pixels per model pixel (default 1)", 1, 64},
        {"--out", VAE_OPT_STR, &out, "FILE.png",
         "a PNG strip; without it, one line per step: z1..zL, then the pixel\n"
         "probabilities, comma-separated"},
    };
    const CliCommand cmd = {
        "arithmetic",
        "--model FILE --from-class A --to-class B --apply I [--steps N] "
        "[--data DIR] [--out strip.png]",
        "Attribute vector v = mean code of class B - mean code of class A "
        "(test split); decode z + t v for test image I's code z, t in [0, 1.5].",
        opts,
        (int)(sizeof opts / sizeof opts[0]),
        0,
        NULL};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if (!model || !from_given || !to_given || !apply_given)
        return cli_error(CLI_USAGE, "arithmetic: --model FILE, --from-class A, --to-class B and "
                                    "--apply I are required");
    VaeModel m;
    VaeDataset ds;
    float *codes = NULL, *path = NULL;
    if ((rc = cli_load_model(model, &m, NULL))) return rc;
    const int L = m.cfg.latent;
    if (m.cfg.kind == VAE_KIND_CVAE) {
        rc = cli_error(CLI_USAGE,
                       "arithmetic: --model %s is conditional (cvae): its codes leave the class to "
                       "the label, so class means differ by style only",
                       model);
        goto done_model;
    }
    if ((rc = cli_load_dataset(&ds, data, dataset))) goto done_model;
    if ((rc = cli_check_data(&m, &ds, model)) || (rc = check_class("--from-class", from, &ds)) ||
        (rc = check_class("--to-class", to, &ds)) ||
        (rc = cli_check_index("arithmetic", "--apply", apply, &ds.test)))
        goto done;
    if ((rc = cli_split_codes("arithmetic", &m, &ds.test, &codes, NULL))) goto done;
    float v[VAE_MAX_LATENT];
    if ((rc = class_vector(codes, &ds.test, L, from, to, v))) goto done;
    char err[VAE_ERR_LEN];
    path = malloc(sizeof(float) * (size_t)steps * L);
    if (!path) {
        rc = cli_error(CLI_FAIL, "arithmetic: out of memory");
        goto done;
    }
    if (vae_latent_attribute_path(codes + (size_t)apply * L, v, L, VAE_ATTRIBUTE_T_MAX, steps, path,
                                  err) != VAE_OK) {
        rc = cli_error(CLI_FAIL, "arithmetic: %s (is %s diverged?)", err, model);
        goto done;
    }
    rc = cli_write_decodes("arithmetic", &m, path, NULL, steps, steps, out, scale);
done:
    free(codes);
    free(path);
    vae_dataset_free(&ds);
done_model:
    vae_model_free(&m);
    return rc;
}
