/* `vae info`: what a checkpoint holds, without loading a dataset. */
#include <stdio.h>

#include "cli.h"

int cmd_info(int argc, char **argv) {
    const char *model = NULL;
    const VaeOpt opts[] = {
        {"--model", VAE_OPT_STR, &model, "FILE", "checkpoint (.safetensors), required"},
    };
    const CliCommand cmd = {
        "info", "--model FILE", "Print a checkpoint's architecture and metadata.", opts, 1, 0,
        NULL};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if (!model) return cli_error(CLI_USAGE, "info: --model FILE is required");
    VaeModel m;
    VaeCkptMeta meta;
    if ((rc = cli_load_model(model, &m, &meta))) return rc;
    char hidden[64];
    size_t count = 0;
    for (int i = 0; i < m.n_info; i++)
        count += m.info[i].size;
    vae_hidden_format(&m.cfg, hidden, sizeof hidden);
    printf("kind=%s latent=%d hidden=%s input=%d,%d classes=%d likelihood=%s flows=%d "
           "params=%zu beta=%g dataset=%s epoch=%d step=%lld seed=%llu\n",
           vae_kind_name(m.cfg.kind), m.cfg.latent, hidden, m.cfg.input_h, m.cfg.input_w,
           m.cfg.classes, vae_likelihood_name(m.cfg.likelihood), m.cfg.flows, count,
           (double)meta.beta, meta.dataset, meta.epoch, (long long)meta.step,
           (unsigned long long)meta.seed);
    for (int i = 0; i < m.n_info; i++) {
        const VaeParamInfo *p = &m.info[i];
        if (p->ndim == 2)
            printf("  %-20s [%d, %d]\n", p->name, p->shape[0], p->shape[1]);
        else
            printf("  %-20s [%d]\n", p->name, p->shape[0]);
    }
    vae_model_free(&m);
    return CLI_OK;
}
