/* libFuzzer target for the IDX readers: any bytes, as an images or labels file held in
 * memory or read from disk (plain or gzip), must load or fail with a status, never crash,
 * leak or over-allocate. Seeds: tests/fuzz_corpus/idx.
 * Run: fuzz_idx -max_total_time=60 tests/fuzz_corpus/idx */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char g_path[64]; /* per-process scratch file for the file reader */

static void remove_tmp(void) {
    remove(g_path);
}

/* Read every byte so ASan sees any short allocation. */
static void touch(const uint8_t *p, size_t n) {
    volatile unsigned sink = 0;
    for (size_t i = 0; i < n; i++)
        sink += p[i];
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[VAE_ERR_LEN];
    uint8_t *out = NULL;
    int n = 0, rows = 0, cols = 0;
    if (vae_idx_parse_images(data, size, "fuzz-images", &out, &n, &rows, &cols, err) == VAE_OK)
        touch(out, (size_t)n * (size_t)rows * (size_t)cols);
    free(out);
    out = NULL;
    if (vae_idx_parse_labels(data, size, "fuzz-labels", &out, &n, 10, err) == VAE_OK)
        touch(out, (size_t)n);
    free(out);

    /* The file reader too, which is where gzip input (seeded with .gz files) goes. */
    if (!g_path[0]) {
        snprintf(g_path, sizeof g_path, "/tmp/fuzz_idx.%ld", (long)getpid());
        atexit(remove_tmp);
    }
    const char *path = g_path;
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    size_t w = size ? fwrite(data, 1, size, f) : 0;
    fclose(f);
    if (w != size) return 0;
    out = NULL;
    if (vae_idx_read_images(path, &out, &n, &rows, &cols, err) == VAE_OK)
        touch(out, (size_t)n * (size_t)rows * (size_t)cols);
    free(out);
    out = NULL;
    if (vae_idx_read_labels(path, &out, &n, 256, err) == VAE_OK) touch(out, (size_t)n);
    free(out);
    return 0;
}
