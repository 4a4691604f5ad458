/* The loss curves: nothing to compute (the trainer keeps the history and every snapshot
 * carries it); the view plots it. */
#include "tool.h"

const AppTool app_tool_losses = {
    .name = "losses",
    .title = "Loss curves",
};
