/* What the decoding commands share: checks of a model against its flags and data, the
 * codes of a whole split, and the output of a list of decoded codes (a PNG of tiles, or
 * one line per image on standard output). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "fileio.h"
#include "latent_ops.h"
#include "parallel.h"

int cli_check_label(const VaeModel *m, int label, const char *cmd) {
    if (m->cfg.kind == VAE_KIND_CVAE) {
        if (label < 0 || label >= m->cfg.classes)
            return cli_error(CLI_USAGE, "%s: this conditional model needs --label 0..%d", cmd,
                             m->cfg.classes - 1);
    } else if (label >= 0) {
        return cli_error(CLI_USAGE, "%s: --label needs a conditional model (kind cvae)", cmd);
    }
    return CLI_OK;
}

int cli_check_data(const VaeModel *m, const VaeDataset *ds, const char *model) {
    if (ds->test.rows != m->cfg.input_h || ds->test.cols != m->cfg.input_w)
        return cli_error(CLI_USAGE, "%s expects %dx%d images but the data has %dx%d", model,
                         m->cfg.input_h, m->cfg.input_w, ds->test.rows, ds->test.cols);
    if (m->cfg.kind == VAE_KIND_CVAE && ds->classes > m->cfg.classes)
        return cli_error(CLI_USAGE, "%s is conditioned on %d classes but the data has %d", model,
                         m->cfg.classes, ds->classes);
    return CLI_OK;
}

int cli_check_index(const char *cmd, const char *flag, int index, const VaeSplit *s) {
    if (index < 0 || index >= s->n)
        return cli_error(CLI_USAGE, "%s: %s %d is not a test image (the test split has 0..%d)", cmd,
                         flag, index, s->n - 1);
    return CLI_OK;
}

int cli_split_codes(const char *cmd, const VaeModel *m, const VaeSplit *s, float **codes,
                    VaeLatentStats *stats) {
    const int L = m->cfg.latent;
    const VaeModel *models[1] = {m};
    VaeSplitEncoder *enc = NULL;
    char err[VAE_ERR_LEN];
    float *lv = malloc(sizeof(float) * (size_t)s->n * L);
    *codes = malloc(sizeof(float) * (size_t)s->n * L);
    if (!lv || !*codes ||
        vae_split_encoder_create(&enc, models, 1, s, vae_default_threads(), err) != VAE_OK) {
        free(lv);
        free(*codes);
        *codes = NULL;
        return cli_error(CLI_FAIL, "%s: out of memory", cmd);
    }
    vae_blas_set_threads(1); /* the encoder's workers each call BLAS */
    vae_split_encode(enc, models, codes, &lv, stats);
    vae_split_encoder_destroy(enc);
    free(lv);
    vae_flow_apply(m, *codes, s->n, NULL); /* the decoder's side of the flows */
    return CLI_OK;
}

static void print_decodes(const float *z, const float *probs, int n, int L, int D) {
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < L; j++)
            printf("%.7g,", z[(size_t)i * L + j]);
        for (int p = 0; p < D; p++)
            printf("%.7g%c", probs[(size_t)i * D + p], p + 1 < D ? ',' : '\n');
    }
}

int cli_write_decodes(const char *cmd, const VaeModel *m, const float *z, const uint8_t *labels,
                      int n, int cols, const char *out, int scale) {
    VaeWorkspace ws;
    char err[VAE_ERR_LEN];
    float *probs = malloc(sizeof(float) * (size_t)n * m->n_in);
    if (!probs || vae_workspace_init(&ws, m, n < 64 ? n : 64, err) != VAE_OK) {
        free(probs);
        return cli_error(CLI_FAIL, "%s: out of memory", cmd);
    }
    vae_model_decode(m, &ws, z, labels, n, probs);
    vae_workspace_free(&ws);
    int rc = CLI_OK;
    if (!out) {
        print_decodes(z, probs, n, m->cfg.latent, m->n_in);
        if (fflush(stdout) != 0) rc = cli_error(CLI_FAIL, "%s: cannot write standard output", cmd);
    } else if (vae_png_write_tiles(out, probs, n, cols, m->cfg.input_h, m->cfg.input_w, scale,
                                   err) != VAE_OK) {
        rc = cli_error(CLI_FAIL, "%s", err);
    }
    free(probs);
    return rc;
}
