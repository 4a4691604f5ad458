/* Training from the keyboard: pause, single step, reset, beta, learning rate and speed
 * (commands to the trainer thread, training.h). Its view draws the status and the loss
 * curves. With --no-train these keys say so. */
#include "tool.h"

static int is_train_key(int k) {
    return k == ' ' || k == 'n' || k == 'r' || k == '[' || k == ']' || k == '-' || k == '=' ||
           k == ',' || k == '.';
}

static int input(void *self, AppState *s, const AppInput *in) {
    (void)self;
    if (in->kind != APP_IN_KEY || !is_train_key(in->key)) return 0;
    AppTrainer *t = s->session->trainer;
    if (!t) {
        app_toast(s, 1, "not training (--no-train)");
        return 1;
    }
    switch (in->key) {
    case ' ': app_trainer_toggle_pause(t); break;
    case 'n':
        if (s->snap && !s->snap->paused)
            app_toast(s, 0, "N steps while paused (Space)");
        else
            app_trainer_step_once(t);
        break;
    case 'r':
        app_trainer_reset(t);
        app_toast(s, 0, "models reset to fresh weights");
        break;
    case '[': app_trainer_scale(t, APP_SET_BETA, -1, 1 / 1.25f); break;
    case ']': app_trainer_scale(t, APP_SET_BETA, -1, 1.25f); break;
    case '-': app_trainer_scale(t, APP_SET_LR, -1, 0.5f); break;
    case '=': app_trainer_scale(t, APP_SET_LR, -1, 2.0f); break;
    case ',': app_trainer_speed(t, -1); break;
    case '.': app_trainer_speed(t, +1); break;
    }
    return 1;
}

static const AppHelpLine help[] = {
    {"Space", "pause / resume training"},       {"N", "one training step (while paused)"},
    {"R", "reset the models to fresh weights"}, {"[  ]", "beta down / up (x1/1.25)"},
    {"-  =", "learning rate down / up (x1/2)"}, {",  .", "training speed down / up"},
};

const AppTool app_tool_train = {
    .name = "train",
    .title = "Training",
    .help = help,
    .n_help = (int)(sizeof help / sizeof *help),
    .input = input,
};
