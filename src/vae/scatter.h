/* The latent plane as pixels, shared by the explorer's panes and `vae animate`: a view
 * (the latent point at the centre, pixels per unit), fitting it to a set of codes, tick
 * steps, the class palette, and the scatter layer rasterised on the CPU: the background,
 * tick grid lines and the axes through 0, then one anti-aliased dot per image at its code,
 * coloured by class and alpha-blended in order. */
#ifndef VAE_SCATTER_H
#define VAE_SCATTER_H

#include <stdint.h>

/* The class palette (Tableau 10) as 0xAARRGGBB; class k takes colour k mod 10. */
extern const uint32_t vae_class_palette[10];

static inline uint32_t vae_class_argb(int k) {
    return vae_class_palette[(k % 10 + 10) % 10];
}

#define VAE_ARGB(r, g, b) (0xff000000u | (uint32_t)(r) << 16 | (uint32_t)(g) << 8 | (uint32_t)(b))

typedef struct {
    double cx, cy; /* latent point at the centre of the image */
    double scale;  /* pixels per latent unit (same on both axes) */
} VaePlaneView;

/* Pixel <-> latent in an image w x h whose origin is (0, 0); y grows downwards. */
static inline double vae_plane_px(const VaePlaneView *v, int w, double zx) {
    return 0.5 * w + (zx - v->cx) * v->scale;
}
static inline double vae_plane_py(const VaePlaneView *v, int h, double zy) {
    return 0.5 * h - (zy - v->cy) * v->scale;
}
static inline double vae_plane_zx(const VaePlaneView *v, int w, double px) {
    return v->cx + (px - 0.5 * w) / v->scale;
}
static inline double vae_plane_zy(const VaePlaneView *v, int h, double py) {
    return v->cy - (py - 0.5 * h) / v->scale;
}

/* Fit the view of a w x h image to the bulk of n points (xy pairs), ignoring the extreme
 * 0.2 % on each side so one outlier does not squash the plot; include_prior also fits the
 * 3-sigma circle. Leaves room at the edges for tick labels. */
void vae_plane_fit(VaePlaneView *v, int w, int h, const float *xy, int n, int include_prior);
/* A 1-2-5 step giving about `target` ticks over span. */
double vae_nice_step(double span, int target);
/* The tick multiples k0..k1 of step inside [lo, hi]: returns k1 - k0 (the loop count - 1),
 * or -1 when there are none or too many (counting in integers keeps a loop finite where
 * t += step would not advance, e.g. on a latent space blown up to 1e19). */
int vae_ticks(double lo, double hi, double step, double *k0, double *k1);
/* The tick step of an image w pixels wide at u pixels per point: ~90 points apart. */
static inline double vae_tick_step(const VaePlaneView *v, int w, float u) {
    return vae_nice_step(w / v->scale, w / (int)(90 * u) + 1);
}

typedef struct {
    const float *mu; /* (n, latent) codes */
    int latent, n;
    int ax[2];             /* the dimensions on x and y */
    const uint8_t *labels; /* (n) */
} VaeScatterPoints;

typedef struct {
    uint32_t bg, grid, axis; /* background, tick lines, the lines through 0 */
} VaeScatterColors;

/* pixels (w, h), ARGB, row-major: the plane under view v, u pixels per point (dots and
 * tick spacing scale with it). 0, or -1 out of memory. */
int vae_scatter_raster(uint32_t *pixels, int w, int h, const VaePlaneView *v, float u,
                       const VaeScatterPoints *pts, const VaeScatterColors *colors);

/* An image over the plane's pixels: src (sw, sh), premultiplied ARGB, stretched with
 * bilinear filtering (texel centres at the middle of their cells) so that its outer
 * edges fall at x0..x1, y0..y1 (pixel units, any values: clipped to w x h), and
 * composited "over" (pixel = src + pixel (256 - alpha) / 256; opaque texels replace).
 * A layer of the plot blended once where it changes instead of in every frame (a map,
 * tiles of decoded images). 0, or -1 out of memory. */
int vae_plane_over(uint32_t *pixels, int w, int h, const uint32_t *src, int sw, int sh, double x0,
                   double y0, double x1, double y1);

#endif
