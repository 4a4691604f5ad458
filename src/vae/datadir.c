/* Where the built-in datasets live (vae_dataset_find in data.h): one lookup for both
 * front ends, so `vae` and `vae-explorer` find the same files from any directory. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data.h"

static int is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* data/mnist relative to the working directory, else to the repository the running
 * binary was built in (build/vae -> build/../data/mnist). */
static int find_mnist(char *out, size_t len) {
    if (is_dir("data/mnist")) {
        snprintf(out, len, "data/mnist");
        return 1;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return 0;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return 0;
    *slash = 0;
    snprintf(out, len, "%s/../data/mnist", exe);
    return is_dir(out);
}

VaeStatus vae_dataset_find(const char *name, char *dir, size_t len, char err[VAE_ERR_LEN]) {
    if (!strcmp(name, "mnist")) {
        if (find_mnist(dir, len)) return VAE_OK;
        return vae_fail(
            err, VAE_ERR_ARG,
            "no MNIST data in data/mnist: run scripts/fetch-data.sh (or pass --data DIR)");
    }
    if (!strcmp(name, "fashion")) {
        snprintf(dir, len, "%s", VAE_FASHION_DIR);
        if (is_dir(dir)) return VAE_OK;
        return vae_fail(err, VAE_ERR_ARG,
                        "no Fashion-MNIST in %s: apt-get install dataset-fashion-mnist",
                        VAE_FASHION_DIR);
    }
    return vae_fail(err, VAE_ERR_ARG, "--dataset must be mnist or fashion, got \"%s\"", name);
}
