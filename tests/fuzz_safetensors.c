/* libFuzzer target for the safetensors reader: any input must parse or fail with a
 * status, never crash, leak or read out of bounds. Seeds: tests/fuzz_corpus/safetensors.
 * Run: fuzz_safetensors -max_total_time=120 tests/fuzz_corpus/safetensors */
#include <stddef.h>
#include <stdint.h>

#include "safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    VaeStFile st;
    char err[VAE_ERR_LEN];
    if (vae_st_parse(&st, data, size, "fuzz.safetensors", err) == VAE_OK) {
        /* Touch every decoded value so ASan sees any short allocation. */
        volatile float sink = 0;
        for (int i = 0; i < st.n_tensors; i++) {
            size_t n = st.tensors[i].nbytes / (st.tensors[i].dtype == VAE_ST_F32 ? 4 : 2);
            for (size_t k = 0; k < n; k++)
                sink += st.tensors[i].data[k];
        }
        (void)sink;
    }
    vae_st_free(&st);
    return 0;
}
