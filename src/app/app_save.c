/* Checkpoints of the S key (see app_save.h). */
#include "app_save.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "trainer.h"

int app_ensure_dir(const char *dir, char *err, int err_len) {
    if (mkdir(dir, 0777) == 0 || errno == EEXIST) return 0;
    snprintf(err, (size_t)err_len, "cannot create %s/: %s", dir, strerror(errno));
    return -1;
}

int app_save_models(const VaeModel *const *models, int n_models, const AppSaveInfo *info, char *msg,
                    int msg_len) {
    if (app_ensure_dir("models", msg, msg_len) != 0) return -1;
    char names[2][96];
    for (int m = 0; m < n_models && m < 2; m++) {
        const VaeModel *mod = models[m];
        VaeCkptMeta meta = {0};
        meta.beta = mod->cfg.kind == VAE_KIND_AE ? 0 : info->beta;
        snprintf(meta.dataset, sizeof meta.dataset, "%s", info->dataset);
        meta.epoch = info->epoch;
        meta.step = info->step;
        meta.seed = info->seed + (uint64_t)m;
        snprintf(names[m], sizeof names[m], "models/%s-step%lld.safetensors",
                 vae_kind_name(mod->cfg.kind), (long long)info->step);
        char e[VAE_ERR_LEN];
        if (vae_checkpoint_save(names[m], mod, &meta, e) != VAE_OK) {
            snprintf(msg, (size_t)msg_len, "save failed: %s", e);
            return -1;
        }
    }
    if (n_models >= 2)
        snprintf(msg, (size_t)msg_len, "saved %s and %s", names[0], names[1]);
    else
        snprintf(msg, (size_t)msg_len, "saved %s", names[0]);
    return 0;
}
