/* `vae info`: what a checkpoint holds, without loading a dataset. */
#include <stdio.h>

#include "cli.h"

static void print_conv(const char *name, const VaeConvLayer *l, int relu) {
    const VaeConvShape *s = &l->s;
    if (l->transposed)
        printf("  %-12s ConvTranspose2d %d -> %d, %dx%d, stride %d, pad %d, out pad %d: "
               "%dx%d -> %dx%d%s\n",
               name, s->oc, s->c, s->k, s->k, s->stride, s->pad,
               s->h - ((s->oh - 1) * s->stride - 2 * s->pad + s->k), s->oh, s->ow, s->h, s->w,
               relu ? ", ReLU" : " (logits)");
    else
        printf("  %-12s Conv2d %d -> %d, %dx%d, stride %d, pad %d: %dx%d -> %dx%d, ReLU\n", name,
               s->c, s->oc, s->k, s->k, s->stride, s->pad, s->h, s->w, s->oh, s->ow);
}

/* The network, layer by layer in forward order. */
static void print_layers(const VaeModel *m) {
    char name[32];
    printf("layers:\n");
    for (int i = 0; i < m->n_econv; i++) {
        snprintf(name, sizeof name, "enc.conv.%d", i);
        print_conv(name, &m->econv[i], 1);
    }
    for (int i = 0; i < m->n_enc; i++)
        printf("  enc.%-8d Linear %d -> %d, ReLU\n", i, m->enc[i].in, m->enc[i].out);
    printf("  %-12s Linear %d -> %d%s\n",
           vae_kind_is_stochastic(m->cfg.kind) ? "enc.mu/logvar" : "enc.mu", m->head.in,
           m->cfg.latent, vae_kind_is_stochastic(m->cfg.kind) ? " each" : "");
    int conv = m->cfg.arch == VAE_ARCH_CONV;
    for (int i = 0; i < m->n_dec; i++)
        printf("  dec.%-8d Linear %d -> %d%s\n", i, m->dec[i].in, m->dec[i].out,
               i < m->n_dec - 1 || conv      ? ", ReLU"
               : m->cfg.kind == VAE_KIND_PCA ? " (pixel values)"
                                             : " (logits)");
    for (int i = 0; i < m->n_dconv; i++) {
        snprintf(name, sizeof name, "dec.conv.%d", i);
        print_conv(name, &m->dconv[i], i < m->n_dconv - 1);
    }
    printf("tensors:\n");
}

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
    printf("kind=%s arch=%s latent=%d hidden=%s input=%d,%d classes=%d likelihood=%s flows=%d "
           "params=%zu beta=%g dataset=%s epoch=%d step=%lld seed=%llu\n",
           vae_kind_name(m.cfg.kind), vae_arch_name(m.cfg.arch), m.cfg.latent, hidden,
           m.cfg.input_h, m.cfg.input_w, m.cfg.classes, vae_likelihood_name(m.cfg.likelihood),
           m.cfg.flows, count, (double)meta.beta, meta.dataset, meta.epoch, (long long)meta.step,
           (unsigned long long)meta.seed);
    print_layers(&m);
    for (int i = 0; i < m.n_info; i++) {
        char shape[64];
        vae_param_shape_format(&m.info[i], shape, sizeof shape);
        printf("  %-20s %s\n", m.info[i].name, shape);
    }
    vae_model_free(&m);
    return CLI_OK;
}
