/* Errors, flags (the library's parser, args.h, with each command's table) and the
 * comma-separated values and model-shape flags several commands share. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_error(int code, const char *fmt, ...) {
    /* Messages quote names taken from hostile files (tensor names, dtypes, paths): control
     * bytes become '?' so the message stays one line and cannot drive the terminal. */
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
    fprintf(stderr, "vae: %s\n", msg);
    return code;
}

static VaeArgs args_of(const CliCommand *cmd, char *prog, size_t len) {
    snprintf(prog, len, "vae %s", cmd->name);
    VaeArgs a = {prog, cmd->opts, cmd->n_opts, cmd->max_positional};
    return a;
}

void cli_print_help(const CliCommand *cmd) {
    char prog[64];
    VaeArgs a = args_of(cmd, prog, sizeof prog);
    printf("usage: vae %s %s\n\n%s\n\noptions:\n", cmd->name, cmd->usage, cmd->summary);
    vae_args_print_help(&a, stdout);
    printf("  %-24s %s\n", "-h, --help", "show this help");
}

int cli_parse(const CliCommand *cmd, int argc, char **argv, const char **positional, int *n_pos) {
    char prog[64], err[VAE_ERR_LEN];
    VaeArgs a = args_of(cmd, prog, sizeof prog);
    int help;
    if (vae_args_parse(&a, argc, argv, positional, n_pos, &help, err) != VAE_OK)
        return cli_error(CLI_USAGE, "%s: %s", cmd->name, err);
    if (help) {
        cli_print_help(cmd);
        return CLI_HELP;
    }
    return CLI_OK;
}

int cli_parse_floats(const char *s, float *out, int max, int *n) {
    *n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        errno = 0;
        float v = strtof(p, &end);
        if (end == p || errno || !isfinite(v) || *n == max) return 0;
        out[(*n)++] = v;
        if (*end == ',')
            end++;
        else if (*end)
            return 0;
        p = end;
    }
    return *n > 0;
}

int cli_model_config(const CliModelFlags *f, int classes, VaeConfig *cfg) {
    *cfg = vae_config_default();
    VaeArch arch = VAE_ARCH_MLP;
    if (f->arch && !vae_arch_parse(f->arch, &arch))
        return cli_error(CLI_USAGE, "--arch must be mlp or conv, got \"%s\"", f->arch);
    vae_config_set_arch(cfg, arch);
    if (f->kind && !vae_kind_parse(f->kind, &cfg->kind))
        return cli_error(CLI_USAGE, "--kind must be vae, ae, cvae or pca, got \"%s\"", f->kind);
    if (f->hidden && !vae_hidden_parse(f->hidden, cfg))
        return cli_error(CLI_USAGE,
                         "--hidden must be 1 to %d comma-separated sizes like 512,256, got \"%s\"",
                         VAE_MAX_HIDDEN, f->hidden);
    if (f->likelihood && !vae_likelihood_parse(f->likelihood, &cfg->likelihood))
        return cli_error(CLI_USAGE, "--likelihood must be bernoulli or gaussian, got \"%s\"",
                         f->likelihood);
    if (f->latent < 1 || f->latent > VAE_MAX_LATENT)
        return cli_error(CLI_USAGE, "--latent must be in 1..%d, got %d", VAE_MAX_LATENT, f->latent);
    cfg->latent = f->latent;
    cfg->classes = classes;
    char err[VAE_ERR_LEN];
    if (vae_config_check(cfg, err) != VAE_OK) return cli_error(CLI_USAGE, "%s", err);
    return CLI_OK;
}
