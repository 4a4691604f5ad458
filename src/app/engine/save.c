/* Checkpoints of the S key (see app_save.h). */
#include "save.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sizes.h"
#include "trainer.h"

int app_ensure_dir(const char *dir, char *err, int err_len) {
    if (mkdir(dir, 0777) == 0 || errno == EEXIST) return 0;
    snprintf(err, (size_t)err_len, "cannot create %s/: %s", dir, strerror(errno));
    return -1;
}

int app_save_models(const VaeModel *const *models, int n_models, const AppSaveInfo *info, char *msg,
                    int msg_len) {
    if (app_ensure_dir("models", msg, msg_len) != 0) return -1;
    char names[APP_MAX_MODELS][96];
    if (n_models > APP_MAX_MODELS) n_models = APP_MAX_MODELS;
    for (int m = 0; m < n_models; m++) {
        const VaeModel *mod = models[m];
        VaeCkptMeta meta = {0};
        meta.beta = vae_kind_is_stochastic(mod->cfg.kind) ? info->beta[m] : 0;
        snprintf(meta.dataset, sizeof meta.dataset, "%s", info->dataset);
        meta.epoch = info->epoch;
        meta.step = info->step;
        meta.seed = info->seed + (uint64_t)m;
        /* a second model of the same kind (a fork) gets its number in the name */
        int twin = 0;
        for (int k = 0; k < m; k++)
            twin |= models[k]->cfg.kind == mod->cfg.kind;
        char nth[16] = "";
        if (twin) snprintf(nth, sizeof nth, "-%d", m + 1);
        snprintf(names[m], sizeof names[m], "models/%s%s-step%lld.safetensors",
                 vae_kind_name(mod->cfg.kind), nth, (long long)info->step);
        char e[VAE_ERR_LEN];
        if (vae_checkpoint_save(names[m], mod, &meta, e) != VAE_OK) {
            snprintf(msg, (size_t)msg_len, "save failed: %s", e);
            return -1;
        }
    }
    /* "saved A", "saved A and B", "saved A, B and C" */
    int at = snprintf(msg, (size_t)msg_len, "saved");
    for (int m = 0; m < n_models && at >= 0 && at < msg_len; m++)
        at += snprintf(msg + at, (size_t)(msg_len - at), "%s%s",
                       m == 0              ? " "
                       : m == n_models - 1 ? " and "
                                           : ", ",
                       names[m]);
    return 0;
}
