/* The flag parser of both front ends (see args.h). */
#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const VaeOpt *find(const VaeArgs *a, const char *name, size_t len) {
    for (int k = 0; k < a->n_opts; k++) {
        const VaeOpt *o = &a->opts[k];
        if (o->type != VAE_OPT_SECTION && strlen(o->name) == len && !strncmp(o->name, name, len))
            return o;
    }
    return NULL;
}

static int has_range(const VaeOpt *o) {
    return o->lo != 0 || o->hi != 0;
}

static int in_range(const VaeOpt *o, double v) {
    return !has_range(o) || (v >= o->lo && v <= o->hi);
}

/* 1 if v is one of the '|'-separated words of choices. */
static int is_choice(const char *choices, const char *v) {
    size_t n = strlen(v);
    for (const char *p = choices; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !strncmp(p, v, n)) return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

/* What a good value of o looks like, for the error message. */
static void expected(const VaeOpt *o, char *buf, size_t len) {
    const char *what = o->type == VAE_OPT_INT || o->type == VAE_OPT_LONG ? "an integer"
                       : o->type == VAE_OPT_U64                          ? "a non-negative integer"
                       : o->type == VAE_OPT_FLOAT                        ? "a number"
                       : o->type == VAE_OPT_CHOICE                       ? "one of"
                                                                         : "";
    if (o->type == VAE_OPT_CHOICE)
        snprintf(buf, len, ": expected one of %s", o->arg);
    else if (has_range(o))
        snprintf(buf, len, ": expected %s in %g..%g", what, o->lo, o->hi);
    else if (*what)
        snprintf(buf, len, ": expected %s", what);
    else if (o->arg)
        snprintf(buf, len, ": expected %s", o->arg);
    else
        buf[0] = 0;
}

/* Store value v into o's destination; 1 if it is a good value. */
static int set_value(const VaeOpt *o, const char *v) {
    char *end;
    errno = 0;
    switch (o->type) {
    case VAE_OPT_STR: *(const char **)o->dst = v; return *v != 0;
    case VAE_OPT_INT:
    case VAE_OPT_LONG: {
        long x = strtol(v, &end, 10);
        if (end == v || *end || errno || x < -2147483647L || x > 2147483647L) return 0;
        if (!in_range(o, (double)x)) return 0;
        if (o->type == VAE_OPT_INT)
            *(int *)o->dst = (int)x;
        else
            *(long *)o->dst = x;
        return 1;
    }
    case VAE_OPT_FLOAT: {
        float x = strtof(v, &end);
        if (end == v || *end || errno || !isfinite(x) || !in_range(o, x)) return 0;
        *(float *)o->dst = x;
        return 1;
    }
    case VAE_OPT_U64: {
        if (*v == '-' || *v == '+') return 0;
        unsigned long long x = strtoull(v, &end, 10);
        if (end == v || *end || errno || !in_range(o, (double)x)) return 0;
        *(uint64_t *)o->dst = (uint64_t)x;
        return 1;
    }
    case VAE_OPT_CHOICE:
        if (!is_choice(o->arg, v)) return 0;
        *(const char **)o->dst = v;
        return 1;
    case VAE_OPT_PARSE: return *v && o->parse(v, o->dst);
    case VAE_OPT_FLAG:
    case VAE_OPT_SECTION: break;
    }
    return 0;
}

VaeStatus vae_args_parse(const VaeArgs *a, int argc, char **argv, const char **positional,
                         int *n_pos, int *help, char err[VAE_ERR_LEN]) {
    *n_pos = 0;
    *help = 0;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            *help = 1;
            return VAE_OK;
        }
        /* "-1" is a value, not a flag: only a leading "--" or "-letter" is a flag */
        int dash = arg[0] == '-' && arg[1] != 0 && !(arg[1] >= '0' && arg[1] <= '9');
        if (!dash) {
            if (*n_pos >= a->max_positional)
                return vae_fail(err, VAE_ERR_ARG, "unexpected argument \"%s\" (see %s --help)", arg,
                                a->prog);
            positional[(*n_pos)++] = arg;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
        const VaeOpt *o = arg[1] == '-' ? find(a, arg, len) : NULL;
        if (!o)
            return vae_fail(err, VAE_ERR_ARG, "unknown flag '%.*s' (see %s --help)", (int)len, arg,
                            a->prog);
        if (o->given) *o->given = 1;
        if (o->type == VAE_OPT_FLAG) {
            if (eq) return vae_fail(err, VAE_ERR_ARG, "%s takes no value", o->name);
            *(int *)o->dst = 1;
            continue;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v)
            return vae_fail(err, VAE_ERR_ARG, "%s needs a value (%s)", o->name,
                            o->arg ? o->arg : "see --help");
        if (!set_value(o, v)) {
            char want[160];
            expected(o, want, sizeof want);
            return vae_fail(err, VAE_ERR_ARG, "bad value '%s' for %s%s (see %s --help)", v, o->name,
                            want, a->prog);
        }
    }
    return VAE_OK;
}

void vae_args_print_help(const VaeArgs *a, FILE *f) {
    for (int i = 0; i < a->n_opts; i++) {
        const VaeOpt *o = &a->opts[i];
        if (o->type == VAE_OPT_SECTION) {
            fprintf(f, "%s%s\n", i ? "\n" : "", o->name);
            continue;
        }
        char left[64];
        snprintf(left, sizeof left, "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        const char *h = o->help ? o->help : "";
        /* a left column wider than its slot puts the help on the next line */
        int wide = strlen(left) > 24;
        fprintf(f, "  %-24s", left);
        if (wide) fprintf(f, "\n  %-24s", "");
        for (const char *p = h;;) {
            const char *nl = strchr(p, '\n');
            int n = nl ? (int)(nl - p) : (int)strlen(p);
            fprintf(f, " %.*s\n", n, p);
            if (!nl) break;
            p = nl + 1;
            fprintf(f, "  %-24s", "");
        }
    }
}
