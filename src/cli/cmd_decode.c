/* `vae decode` (one latent point) and `vae sample` (the decoded manifold as a PNG grid, or
 * random samples from the prior). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fileio.h"
#include "latent_ops.h"

int cmd_decode(int argc, char **argv) {
    const char *model = NULL, *zs = NULL, *out = NULL;
    int label = -1, scale = 1;
    const VaeOpt opts[] = {
        {"--model", VAE_OPT_STR, &model, "FILE", "checkpoint (.safetensors), required"},
        {"--z", VAE_OPT_STR, &zs, "X,Y",
         "latent point, one value per dimension, required (the decoder's input: with flows, a "
         "point of the flowed space, where the prior N(0, I) lives)"},
        {"--label", VAE_OPT_INT, &label, "L", "class to condition on (cvae models)"},
        {"--out", VAE_OPT_STR, &out, "FILE.png", "write a PNG instead of printing probabilities"},
        {"--scale", VAE_OPT_INT, &scale, "N", "PNG pixels per model pixel (default 1)"},
    };
    const CliCommand cmd = {"decode",
                            "--model FILE --z X,Y [--label L] [--out FILE.png]",
                            "Decode one latent point; without --out print the image as rows of "
                            "comma-separated probabilities.",
                            opts,
                            (int)(sizeof opts / sizeof opts[0]),
                            0,
                            NULL};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if (!model || !zs) return cli_error(CLI_USAGE, "decode: --model FILE and --z X,Y are required");
    if (scale < 1 || scale > 64) return cli_error(CLI_USAGE, "decode: --scale must be in 1..64");
    VaeModel m;
    if ((rc = cli_load_model(model, &m, NULL))) return rc;
    float z[VAE_MAX_LATENT];
    int n;
    if (!cli_parse_floats(zs, z, VAE_MAX_LATENT, &n) || n != m.cfg.latent) {
        rc = cli_error(CLI_USAGE, "decode: --z needs %d comma-separated numbers for %s, got \"%s\"",
                       m.cfg.latent, model, zs);
        goto done;
    }
    if ((rc = cli_check_label(&m, label, "decode"))) goto done;
    VaeWorkspace ws;
    char err[VAE_ERR_LEN];
    float *probs = malloc(sizeof(float) * (size_t)m.n_in);
    if (!probs || vae_workspace_init(&ws, &m, 1, err) != VAE_OK) {
        free(probs);
        rc = cli_error(CLI_FAIL, "decode: out of memory");
        goto done;
    }
    uint8_t lab = (uint8_t)(label < 0 ? 0 : label);
    vae_model_decode(&m, &ws, z, &lab, 1, probs);
    if (out) {
        VaeStatus s =
            vae_png_write_tiles(out, probs, 1, 1, m.cfg.input_h, m.cfg.input_w, scale, err);
        rc = s == VAE_OK ? CLI_OK : cli_error(CLI_FAIL, "%s", err);
    } else {
        for (int y = 0; y < m.cfg.input_h; y++)
            for (int x = 0; x < m.cfg.input_w; x++)
                printf("%.7g%c", probs[y * m.cfg.input_w + x], x + 1 < m.cfg.input_w ? ',' : '\n');
        rc = CLI_OK;
    }
    vae_workspace_free(&ws);
    free(probs);
done:
    vae_model_free(&m);
    return rc;
}

/* A grid over the plane: column -> z1 left to right, row -> z2 top (high) to bottom (low),
 * evenly spaced in [-range, range] or by the prior's inverse CDF. */
static void manifold_codes(int grid, float range, int icdf, float *z) {
    for (int r = 0; r < grid; r++)
        for (int c = 0; c < grid; c++) {
            float *zz = z + (size_t)(r * grid + c) * 2;
            double u = (c + 0.5) / grid, v = (r + 0.5) / grid;
            zz[0] = icdf ? (float)vae_normal_icdf(u)
                         : (float)(-range + 2 * range * c / (grid > 1 ? grid - 1 : 1));
            zz[1] = icdf ? (float)-vae_normal_icdf(v)
                         : (float)(range - 2 * range * r / (grid > 1 ? grid - 1 : 1));
        }
}

int cmd_sample(int argc, char **argv) {
    const char *model = NULL, *out = NULL;
    int grid = 16, icdf = 0, random = 0, label = -1, scale = 1, grid_given = 0;
    float range = 3.0f;
    uint64_t seed = 0;
    const VaeOpt opts[] = {
        {"--model", VAE_OPT_STR, &model, "FILE", "checkpoint (.safetensors), required"},
        {"--grid", VAE_OPT_INT, &grid, "N", "N x N images over the 2-D plane (default 16)", 1, 100,
         NULL, &grid_given},
        {"--range", VAE_OPT_FLOAT, &range, "R", "evenly spaced z in [-R, R] (default 3)"},
        {"--icdf", VAE_OPT_FLAG, &icdf, NULL, "space z by the prior's inverse CDF instead"},
        {"--random", VAE_OPT_INT, &random, "N",
         "instead of the grid, decode N codes z ~ N(0, I) (any latent size):\n"
         "generation from the prior",
         1, 10000},
        {"--seed", VAE_OPT_U64, &seed, "S", "seed for --random (default 0)"},
        {"--label", VAE_OPT_INT, &label, "L", "class to condition on (cvae models)"},
        {"--scale", VAE_OPT_INT, &scale, "N", "PNG pixels per model pixel (default 1)"},
        {"--out", VAE_OPT_STR, &out, "FILE.png",
         "PNG to write, required for the grid; without it, --random prints one\n"
         "line per sample: z1..zL, then the pixel probabilities, comma-separated"},
    };
    const CliCommand cmd = {"sample",
                            "--model FILE (--grid N [--range R | --icdf] | --random N [--seed S]) "
                            "[--out FILE.png]",
                            "Decode a grid over the 2-D latent plane (the learned manifold), or "
                            "N random prior samples z ~ N(0, I) with --random N.",
                            opts,
                            (int)(sizeof opts / sizeof opts[0]),
                            0,
                            NULL};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if (!model) return cli_error(CLI_USAGE, "sample: --model FILE is required");
    if (random && grid_given)
        return cli_error(CLI_USAGE, "sample: --grid and --random N exclude each other");
    if (!random && !out)
        return cli_error(CLI_USAGE, "sample: --out FILE.png is required for the grid");
    if (!(range > 0)) return cli_error(CLI_USAGE, "sample: --range must be positive");
    if (scale < 1 || scale > 64) return cli_error(CLI_USAGE, "sample: --scale must be in 1..64");
    VaeModel m;
    if ((rc = cli_load_model(model, &m, NULL))) return rc;
    const int L = m.cfg.latent, n = random ? random : grid * grid;
    if ((rc = cli_check_label(&m, label, "sample"))) goto done;
    if (L != 2 && !random) {
        rc = cli_error(CLI_USAGE, "sample: a grid needs a 2-D latent (%s has %d); use --random N",
                       model, L);
        goto done;
    }
    float *z = malloc(sizeof(float) * (size_t)n * L);
    uint8_t *labels = malloc((size_t)n);
    if (!z || !labels) {
        rc = cli_error(CLI_FAIL, "sample: out of memory");
    } else {
        memset(labels, label < 0 ? 0 : label, (size_t)n);
        if (random) {
            VaeRng rng;
            vae_rng_seed(&rng, seed, 0x5a);
            vae_latent_prior_samples(&rng, n, L, z);
        } else {
            manifold_codes(grid, range, icdf, z);
        }
        int cols = random ? (int)ceil(sqrt((double)n)) : grid;
        rc = cli_write_decodes("sample", &m, z, labels, n, cols, out, scale);
    }
    free(z), free(labels);
done:
    vae_model_free(&m);
    return rc;
}
