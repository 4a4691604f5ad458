/* Shared pieces of the `vae` command-line tool: flag parsing, dataset lookup, progress
 * display and the commands themselves. Exit status: 0 ok, 1 runtime failure, 2 bad usage
 * or bad input; every failure prints one line `vae: ...` naming the file or flag. */
#ifndef VAE_CLI_H
#define VAE_CLI_H

#include <stdint.h>

#include "args.h"
#include "data.h"
#include "latents.h"
#include "model.h"
#include "trainer.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2, CLI_HELP = 3 };

typedef struct {
    const char *name;    /* "train" */
    const char *usage;   /* "--data DIR --out FILE [options]" */
    const char *summary; /* one line */
    const VaeOpt *opts;
    int n_opts;
    int max_positional;
    const char *positional_name; /* "PKG_DIR" */
} CliCommand;

/* Parses argv (after the command name). Returns CLI_OK, CLI_USAGE (message printed) or
 * CLI_HELP (help printed: exit 0). positional gets up to max_positional arguments. */
int cli_parse(const CliCommand *cmd, int argc, char **argv, const char **positional, int *n_pos);
void cli_print_help(const CliCommand *cmd);

/* "vae: " + message, one line on stderr; returns code. */
int cli_error(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* --data DIR, else --dataset mnist|fashion (default mnist). Exit-status-style result. */
int cli_load_dataset(VaeDataset *ds, const char *data_dir, const char *dataset);

/* Checkpoint -> model, exit-status-style result (message printed). */
int cli_load_model(const char *path, VaeModel *m, VaeCkptMeta *meta);

/* Model-shape flags shared by train and bench. */
typedef struct {
    const char *kind, *hidden, *likelihood; /* hidden NULL: the architecture's default */
    int latent;
    const char *arch;
} CliModelFlags;
int cli_model_config(const CliModelFlags *f, int classes, VaeConfig *cfg);

/* A PNG of the user's own prepared as an MNIST digit into x (n_in): exit-status style,
 * the message naming the file. */
int cli_load_image(const char *path, const VaeModel *m, float *x);
/* `vae encode --image`: one line with the code and the scores of the image. */
int cli_encode_image(const char *model, const char *image, int label, int iw, uint64_t seed);
/* `vae bench --nearest K`: the time of vae_nearest_images over a dataset's train split. */
int cli_bench_nearest(const char *data, const char *dataset, int k, float seconds);

/* Comma-separated floats: "0.5,-1" -> n values; 1 on success. */
int cli_parse_floats(const char *s, float *out, int max, int *n);

/* The decoding commands (codes.c). A cvae needs --label in range; other kinds refuse it. */
int cli_check_label(const VaeModel *m, int label, const char *cmd);
/* The dataset must have the model's image size (and classes for a cvae). */
int cli_check_data(const VaeModel *m, const VaeDataset *ds, const char *model);
/* index must name an image of split s; the message names the flag. */
int cli_check_index(const char *cmd, const char *flag, int index, const VaeSplit *s);
/* The decoder-side codes (s->n, L) of every image of s, malloc'd into *codes, and the
 * latent statistics of the split (stats may be NULL). */
int cli_split_codes(const char *cmd, const VaeModel *m, const VaeSplit *s, float **codes,
                    VaeLatentStats *stats);
/* Decode n codes z (n, L) (labels for cvae, else NULL) and write them: with out, a PNG of
 * tiles, cols to a row, scale pixels per image pixel; without, one line per image on
 * standard output: the code, then the pixel probabilities, all comma-separated. */
int cli_write_decodes(const char *cmd, const VaeModel *m, const float *z, const uint8_t *labels,
                      int n, int cols, const char *out, int scale);

/* Progress: a bar redrawn in place on a terminal, plain lines otherwise. */
typedef struct {
    int tty;
    double start, last;
    int last_pct;
} CliProgress;
void cli_progress_init(CliProgress *p);
/* done/total units, a label and a free-form tail ("loss 150.2"); final = 1 ends the line. */
void cli_progress_show(CliProgress *p, const char *label, double done, double total,
                       const char *tail, int final);

/* `vae train --kind pca` (cmd_train_pca.c): argv is train's, for refusing the flags that
 * do not apply; the rest as train parsed them. */
typedef struct {
    const char *data, *dataset, *out;
    int latent, threads, quiet;
    uint64_t seed;
} CliPcaTrain;
int cli_train_pca(int argc, char **argv, const CliPcaTrain *a);

int cmd_import(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_interpolate(int argc, char **argv);
int cmd_arithmetic(int argc, char **argv);
int cmd_traverse(int argc, char **argv);
int cmd_reconstruct(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_animate(int argc, char **argv);

#endif
