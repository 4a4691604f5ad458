/* The posterior q(z|x) of one image drawn on a pane (posterior.c): shared by the hover
 * tool's view and the draw tool's. */
#ifndef APP_POSTERIOR_H
#define APP_POSTERIOR_H

#include "gfx.h"
#include "state.h"

#define APP_POSTERIOR_MAX 256 /* samples drawn, at most */

/* n samples z0 and zk (n, latent; zk after the flows, == z0 without) and, without flows,
 * the Gaussian's ellipses from mu and sd on the pane's axes; `who` starts the caption
 * ("" or "drawn: "; NULL: no caption). Blending on; marks recorded with app_mark. */
void app_draw_posterior(AppGfx *g, int pane, const AppPane *p, const VaeModel *m, const float *z0,
                        const float *zk, int n, const float mu[2], const float sd[2],
                        const char *who);

#endif
