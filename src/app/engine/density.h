/* The aggregate posterior q(z) = mean over the shown images of N(mu_i, sigma_i^2) on a
 * pane's two axes (for an AE, whose codes have no sigma, a kernel density of them), against
 * the prior N(0, I): a grid of both log densities over a region, and the share of the
 * prior's mass that lies where q(z) is under a tenth of it ("holes": where samples from
 * the prior decode badly). Pure computation for the tools' worker. */
#ifndef APP_DENSITY_H
#define APP_DENSITY_H

typedef struct {
    /* in */
    const float *mu, *lv; /* (n, latent) codes and log-variances; lv NULL: a kernel density */
    int n, latent, ax[2];
    double x0, x1, y0, y1; /* the region (latent units), x0 < x1, y0 < y1 */
    int gw, gh;            /* grid cells across and down (row 0 at y1, the top) */
    /* out */
    float *log_q, *log_p; /* (gh, gw) */
    double hole_mass;     /* prior mass (over its +-4 sigma square) where q < p / 10 */
} AppDensity;

/* Fill log_q, log_p and hole_mass. 0, or -1 out of memory. */
int app_density_compute(AppDensity *d);

#endif
