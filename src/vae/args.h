/* Command-line flags for both front ends (`vae COMMAND` and `vae-explorer`): a table of
 * flags, parsed strictly (--name VALUE or --name=VALUE, whole-string numbers, optional
 * ranges, named choices), and the help text printed from the same table so the two never
 * disagree. Parsing never prints or exits: an error is a sentence naming the flag. */
#ifndef VAE_ARGS_H
#define VAE_ARGS_H

#include <stdio.h>

#include "status.h"

typedef enum {
    VAE_OPT_STR,     /* const char ** */
    VAE_OPT_INT,     /* int * */
    VAE_OPT_LONG,    /* long * */
    VAE_OPT_FLOAT,   /* float * (finite) */
    VAE_OPT_U64,     /* uint64_t * (no sign) */
    VAE_OPT_FLAG,    /* int *, set to 1; takes no value */
    VAE_OPT_CHOICE,  /* const char **, one of the '|'-separated words in arg */
    VAE_OPT_PARSE,   /* parse(value, dst) returns 1 if the value is good */
    VAE_OPT_SECTION, /* not a flag: a heading of the help text (name) */
} VaeOptType;

typedef struct {
    const char *name; /* "--epochs" (or a heading for VAE_OPT_SECTION) */
    VaeOptType type;
    void *dst;
    const char *arg;  /* "N" in the help; for VAE_OPT_CHOICE the words, "mnist|fashion" */
    const char *help; /* may hold '\n' for more lines */
    double lo, hi;    /* numeric range, inclusive; lo == hi == 0: none */
    int (*parse)(const char *value, void *dst);
    int *given; /* set to 1 when the flag appears (may be NULL) */
} VaeOpt;

typedef struct {
    const char *prog; /* "vae train", "vae-explorer": for "(see PROG --help)" */
    const VaeOpt *opts;
    int n_opts;
    int max_positional;
} VaeArgs;

/* Parse argv[0..argc) (no program name). positional gets up to max_positional plain
 * arguments (n_pos counts them); *help is set for -h / --help (parsing stops there).
 * VAE_OK, or VAE_ERR_ARG with a sentence in err. */
VaeStatus vae_args_parse(const VaeArgs *a, int argc, char **argv, const char **positional,
                         int *n_pos, int *help, char err[VAE_ERR_LEN]);
/* The options part of the help: one line per flag (continuation lines indented), the
 * headings as they come. */
void vae_args_print_help(const VaeArgs *a, FILE *f);

#endif
