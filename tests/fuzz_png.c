/* libFuzzer target for the PNG reader and what follows it: any bytes, decoded from memory
 * to grey and to RGB, must give an image or a status, never crash, leak or over-allocate;
 * a decoded image is then prepared as an MNIST digit, whose pixels must be in [0, 1].
 * Seeds: tests/fuzz_corpus/png (every colour type, bit depths, interlacing, tRNS, and a
 * truncated, a foreign and a huge file). Run: fuzz_png -max_total_time=60 corpus/png */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fileio.h"
#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A lower limit than the default keeps each run short; the checks are the same. */
#define FUZZ_MAX_PIXELS (1L << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[VAE_ERR_LEN];
    for (int channels = 1; channels <= 3; channels += 2) {
        uint8_t *px = NULL;
        int w = 0, h = 0;
        if (vae_png_decode(data, size, "fuzz.png", channels, FUZZ_MAX_PIXELS, &px, &w, &h, err) !=
            VAE_OK) {
            assert(px == NULL);
            continue;
        }
        assert(w >= 1 && h >= 1 && (long)w * h <= FUZZ_MAX_PIXELS);
        volatile unsigned sink = 0; /* every byte read, so ASan sees a short allocation */
        for (size_t i = 0; i < (size_t)w * h * (size_t)channels; i++)
            sink += px[i];
        if (channels == 1) {
            float out[VAE_MNIST_PIXELS];
            if (vae_image_to_mnist(px, w, h, out, err) == VAE_OK)
                for (int i = 0; i < VAE_MNIST_PIXELS; i++)
                    assert(out[i] >= 0.0f && out[i] <= 1.0f);
        }
        free(px);
    }
    return 0;
}
