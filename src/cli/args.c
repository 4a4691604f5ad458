/* Flag parsing for every command: --name VALUE or --name=VALUE, strict numbers, and help
 * text generated from the same table so the two never disagree. */
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

void cli_print_help(const CliCommand *cmd) {
    printf("usage: vae %s %s\n\n%s\n\noptions:\n", cmd->name, cmd->usage, cmd->summary);
    for (int i = 0; i < cmd->n_opts; i++) {
        const CliOpt *o = &cmd->opts[i];
        char left[48];
        snprintf(left, sizeof left, "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        printf("  %-24s %s\n", left, o->help);
    }
    printf("  %-24s %s\n", "-h, --help", "show this help");
}

static int set_value(const CliCommand *cmd, const CliOpt *o, const char *v) {
    char *end;
    errno = 0;
    switch (o->type) {
    case OPT_STR: *(const char **)o->dst = v; return CLI_OK;
    case OPT_INT: {
        long x = strtol(v, &end, 10);
        if (end == v || *end || errno || x < -2147483647L || x > 2147483647L) break;
        *(int *)o->dst = (int)x;
        return CLI_OK;
    }
    case OPT_FLOAT: {
        float x = strtof(v, &end);
        if (end == v || *end || errno || !isfinite(x)) break;
        *(float *)o->dst = x;
        return CLI_OK;
    }
    case OPT_U64: {
        if (*v == '-') break;
        unsigned long long x = strtoull(v, &end, 10);
        if (end == v || *end || errno) break;
        *(uint64_t *)o->dst = (uint64_t)x;
        return CLI_OK;
    }
    case OPT_FLAG: break;
    }
    return cli_error(CLI_USAGE, "%s: %s expects %s, got \"%s\"", cmd->name, o->name,
                     o->type == OPT_INT   ? "an integer"
                     : o->type == OPT_U64 ? "a non-negative integer"
                                          : "a number",
                     v);
}

int cli_parse(const CliCommand *cmd, int argc, char **argv, const char **positional, int *n_pos) {
    *n_pos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            cli_print_help(cmd);
            return CLI_HELP;
        }
        if (a[0] != '-' || a[1] == 0 || (a[1] != '-' && !(a[1] >= '0' && a[1] <= '9'))) {
            if (a[0] == '-')
                return cli_error(CLI_USAGE, "%s: unknown flag %s (see vae %s --help)", cmd->name, a,
                                 cmd->name);
            if (*n_pos >= cmd->max_positional)
                return cli_error(CLI_USAGE, "%s: unexpected argument \"%s\" (see vae %s --help)",
                                 cmd->name, a, cmd->name);
            positional[(*n_pos)++] = a;
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        const CliOpt *o = NULL;
        for (int k = 0; k < cmd->n_opts; k++)
            if (strlen(cmd->opts[k].name) == len && !strncmp(cmd->opts[k].name, a, len))
                o = &cmd->opts[k];
        if (!o)
            return cli_error(CLI_USAGE, "%s: unknown flag %.*s (see vae %s --help)", cmd->name,
                             (int)len, a, cmd->name);
        if (o->type == OPT_FLAG) {
            if (eq) return cli_error(CLI_USAGE, "%s: %s takes no value", cmd->name, o->name);
            *(int *)o->dst = 1;
            continue;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v)
            return cli_error(CLI_USAGE, "%s: %s needs a value (%s)", cmd->name, o->name,
                             o->arg ? o->arg : "?");
        int rc = set_value(cmd, o, v);
        if (rc != CLI_OK) return rc;
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
    if (f->kind && !vae_kind_parse(f->kind, &cfg->kind))
        return cli_error(CLI_USAGE, "--kind must be vae, ae or cvae, got \"%s\"", f->kind);
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
