/* The losses: nothing to compute (the trainer keeps the history and every snapshot carries
 * it); the view plots it as curves against the step, or (key K) as the rate-distortion
 * plane: each model's path through (KL, recon) with lines of constant -ELBO, where a beta
 * change moves a VAE's operating point along the trade-off. */
#include "losses.h"
#include "tool.h"

static int input(void *self, AppState *s, const AppInput *in) {
    AppLosses *l = self;
    (void)s;
    if (in->kind != APP_IN_KEY || in->key != 'k') return 0;
    l->rate_distortion = !l->rate_distortion;
    return 1;
}

static const AppHelpLine help[] = {
    {"K", "losses: curves / rate-distortion plane (KL, recon)"},
};

const AppTool app_tool_losses = {
    .name = "losses",
    .title = "Loss curves",
    .size = sizeof(AppLosses),
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .input = input,
};
