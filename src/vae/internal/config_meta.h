/* A model's configuration as safetensors metadata (SPEC §5): the keys a checkpoint carries
 * (kind, latent, hidden, input, classes, likelihood, activation, arch, flows), written and read
 * the same way by checkpoints (no prefix) and recordings (one prefix per model, "m0."). */
#ifndef VAE_CONFIG_META_H
#define VAE_CONFIG_META_H

#include "model.h"
#include "safetensors.h"

#define VAE_CONFIG_META_KEYS 9

typedef struct {
    char key[VAE_CONFIG_META_KEYS][32];
    char value[VAE_CONFIG_META_KEYS][64];
} VaeConfigMeta;

/* The entries, in checkpoint order (flows last), each key after prefix. */
void vae_config_meta_format(const VaeConfig *c, const char *prefix, VaeConfigMeta *out);
/* Parse and range-check the entries under prefix into c; a missing or bad one is
 * VAE_ERR_FORMAT (an activation other than relu VAE_ERR_UNSUPPORTED) with a sentence
 * naming path and the key. vae_config_check has not been run. */
VaeStatus vae_config_meta_parse(const VaeStFile *st, const char *prefix, const char *path,
                                VaeConfig *c, char err[VAE_ERR_LEN]);

#endif
