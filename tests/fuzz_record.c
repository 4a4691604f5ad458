/* libFuzzer target for recordings: any input must load or fail with a status, never
 * crash, leak, over-allocate or read out of bounds; a loaded one is read whole (every
 * frame's latents, every decoder into a model) so ASan sees any short buffer.
 * Seeds: tests/fuzz_corpus/record (written by `test_record_file --seeds DIR`).
 * Run: fuzz_record -max_total_time=120 tests/fuzz_corpus/record */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(const VaeRecording *r) {
    const VaeRecordSetup *su = vae_recording_setup(r);
    int n = vae_recording_n_points(r);
    volatile float sink = 0;
    char err[VAE_ERR_LEN];
    for (int m = 0; m < su->n_models; m++) {
        size_t len = (size_t)n * (size_t)su->cfg[m].latent;
        float *mu = malloc(len * sizeof *mu), *lv = malloc(len * sizeof *lv);
        for (int i = 0; mu && lv && i < vae_recording_n_frames(r); i++) {
            vae_recording_frame_latents(r, i, m, mu, lv);
            sink += mu[len - 1] + lv[0] + vae_recording_frame_loss(r, i, m).total;
        }
        free(mu), free(lv);
        VaeModel model; /* its size is bounded by the file's decoder tensors only if any */
        if (!vae_recording_n_decoders(r) || vae_model_init(&model, &su->cfg[m], err) != VAE_OK)
            continue;
        for (int i = 0; i < vae_recording_n_decoders(r); i++)
            if (vae_recording_decoder(r, i, m, &model, err) == VAE_OK)
                sink += model.params[model.n_params - 1];
        vae_model_free(&model);
    }
    for (int i = 0; i < vae_recording_n_events(r); i++)
        sink += vae_recording_event(r, i)->value;
    for (int i = 0; i < vae_recording_n_curve(r); i++)
        sink += vae_recording_curve_loss(r, i, 0).recon;
    sink += vae_recording_labels(r)[n - 1];
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    VaeRecording *r = NULL;
    char err[VAE_ERR_LEN];
    if (vae_recording_parse(&r, data, size, "fuzz.safetensors", err) == VAE_OK) read_all(r);
    vae_recording_destroy(r);
    return 0;
}
