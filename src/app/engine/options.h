/* Command-line flags of the explorer (SPEC §7): parsed strictly into AppOptions.
 * Parsing never exits or prints; the caller turns an error into one line + exit 2. */
#ifndef APP_OPTIONS_H
#define APP_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "model.h"
#include "trainer.h"
#include "training.h"

typedef struct {
    const char *data_dir;               /* --data DIR; NULL = from --dataset */
    const char *dataset;                /* "mnist" or "fashion" */
    const char *scatter;                /* "test" or "train" */
    const char *model_path;             /* the first --model FILE */
    const char *ae_path;                /* --ae-model FILE */
    const char *models[APP_MAX_MODELS]; /* every --model FILE, in order */
    int n_models;
    AppFork forks[APP_MAX_MODELS]; /* --fork SETTING=VALUE of the first model */
    int n_forks;
    int no_train;
    const char *replay; /* --replay FILE: a recording, no training */
    int no_record;      /* --no-record: the window does not record its run */
    int pca;            /* --pca: a PCA of the training split beside the models */
    VaeConfig cfg;      /* --kind --arch --hidden --latent --likelihood --flow (a fresh model) */
    VaeTrainConfig tc;  /* --batch --lr --beta --kl-warmup --free-bits --dropout --seed */
    int shape_flag;     /* a flag of cfg was given (conflicts with --model) */
    int hidden_set;     /* --hidden given (else the architecture's default sizes) */
    int beta_set;       /* --beta given (else a checkpoint's beta is kept) */
    int scatter_train;  /* --scatter train: the training set on the plane, not the test set */
    int epochs;         /* --epochs N: pause after N epochs; 0 = train until stopped */
    int threads;        /* --threads T: data-parallel training threads (default: CPUs) */
    int width, height;  /* --size WxH, window points (adjacent: parsed together) */
    long frames;        /* --frames N; 0 = run until quit */
    const char *screenshot; /* --screenshot FILE */
    const char *script;     /* --script FILE */
    const char *image;      /* --image FILE.png: the draw tool starts with it */
    int stats;              /* --stats */
    int help;               /* --help */
} AppOptions;

/* 0 on success (opts->help set for --help), -1 with a sentence in err. */
int app_args_parse(AppOptions *opts, int argc, char **argv, char *err, int err_len);
/* The --help text. */
void app_args_print_usage(FILE *f);

#endif
