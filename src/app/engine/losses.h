/* The loss tool's state (tool_losses.c), read by its view. */
#ifndef APP_LOSSES_H
#define APP_LOSSES_H

typedef struct {
    int rate_distortion; /* K: each model's path through (KL, recon) instead of the curves */
} AppLosses;

#endif
