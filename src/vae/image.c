/* The user's own images (see image.h): a picture or a canvas made into a 28x28 digit as
 * MNIST's were (LeCun et al.: the ink's bounding box size-normalised into 20x20 keeping its
 * aspect ratio, anti-aliased, then translated so its centre of mass is at the centre of the
 * 28x28 field); noise and missing pixels; repair with a model; the nearest images. */
#include "image.h"

#include <math.h>
#include <string.h>

/* The bounding box is that of the ink at half the darkest or more: MNIST's boxes were of
 * bilevel strokes, whose edge an anti-aliased stroke has at half coverage; fainter halos
 * and specks do not widen it. */
#define BOX_THRESHOLD 0.5f
/* MNIST's files put the centre of mass at index 14 (their 0-based centres lie in
 * [13.5, 14.5]): the field's centre, rounded the way MNIST's integer shift rounded it. */
#define CENTER 14.0

/* ---- preparation --------------------------------------------------------------- */

/* The ink of a picture: a grey image mapped through a table (to_mnist), or floats. */
typedef struct {
    const uint8_t *grey;
    const float *lut; /* (256) grey level -> ink */
    const float *ink;
    int w, h;
} Source;

static inline float ink_at(const Source *s, size_t i) {
    return s->grey ? s->lut[s->grey[i]] : s->ink[i];
}

/* Bounding box [x0, x1) x [y0, y1) of the ink at or over threshold; 0 if there is none. */
static int ink_box(const Source *s, float threshold, int box[4]) {
    int x0 = s->w, y0 = s->h, x1 = 0, y1 = 0;
    for (int y = 0; y < s->h; y++)
        for (int x = 0; x < s->w; x++)
            if (ink_at(s, (size_t)y * s->w + x) >= threshold) {
                if (x < x0) x0 = x;
                if (x >= x1) x1 = x + 1;
                if (y < y0) y0 = y;
                if (y >= y1) y1 = y + 1;
            }
    box[0] = x0, box[1] = y0, box[2] = x1, box[3] = y1;
    return x1 > x0;
}

static float max_ink(const Source *s) {
    float top = 0.0f;
    for (size_t i = 0; i < (size_t)s->w * s->h; i++) {
        float v = ink_at(s, i);
        if (v > top) top = v;
    }
    return top;
}

/* Length of [a, b) inside source pixel i, [i, i + 1). */
static double overlap(double a, double b, int i) {
    double lo = a > i ? a : i, hi = b < i + 1 ? b : i + 1;
    return hi > lo ? hi - lo : 0.0;
}

/* The box scaled by `scale` about its centre into a BOX x BOX image centred on it: output
 * pixel o covers source [c + (o - BOX/2) / scale, c + (o + 1 - BOX/2) / scale) on each axis;
 * its value is the mean of the ink over that area, ink outside the box counting as none. */
static void resample_box(const Source *s, const int box[4], double scale,
                         float out[VAE_MNIST_BOX * VAE_MNIST_BOX]) {
    const int B = VAE_MNIST_BOX;
    const double cx = 0.5 * (box[0] + box[2]), cy = 0.5 * (box[1] + box[3]), step = 1.0 / scale;
    for (int oy = 0; oy < B; oy++) {
        double ya = cy + (oy - B / 2) * step, yb = ya + step;
        int ylo = (int)floor(ya), yhi = (int)ceil(yb);
        if (ylo < box[1]) ylo = box[1];
        if (yhi > box[3]) yhi = box[3];
        for (int ox = 0; ox < B; ox++) {
            double xa = cx + (ox - B / 2) * step, xb = xa + step;
            int xlo = (int)floor(xa), xhi = (int)ceil(xb);
            if (xlo < box[0]) xlo = box[0];
            if (xhi > box[2]) xhi = box[2];
            double sum = 0.0;
            for (int y = ylo; y < yhi; y++) {
                double wy = overlap(ya, yb, y), row = 0.0;
                for (int x = xlo; x < xhi; x++)
                    row += overlap(xa, xb, x) * ink_at(s, (size_t)y * s->w + x);
                sum += wy * row;
            }
            out[oy * B + ox] = (float)(sum * scale * scale);
        }
    }
}

int vae_image_center_of_mass(const float *img, int w, int h, double *cx, double *cy) {
    double m = 0.0, mx = 0.0, my = 0.0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double v = img[(size_t)y * w + x];
            m += v, mx += v * x, my += v * y;
        }
    *cx = m > 0.0 ? mx / m : 0.0;
    *cy = m > 0.0 ? my / m : 0.0;
    return m > 0.0;
}

/* The integer shift that brings centre of mass c nearest to CENTER, kept so that the
 * ink's extent [lo, hi) stays inside the field. */
static int shift_for(double c, int lo, int hi) {
    int d = (int)lround(CENTER - c);
    if (d < -lo) d = -lo;
    if (d > VAE_MNIST_SIDE - hi) d = VAE_MNIST_SIDE - hi;
    return d;
}

static void fit_and_center(const Source *s, float *out) {
    const int B = VAE_MNIST_BOX, S = VAE_MNIST_SIDE;
    memset(out, 0, sizeof(float) * VAE_MNIST_PIXELS);
    int box[4];
    float top = max_ink(s);
    if (!(top > 0.0f) || !ink_box(s, BOX_THRESHOLD * top, box)) return;
    int side = box[2] - box[0] > box[3] - box[1] ? box[2] - box[0] : box[3] - box[1];
    float fitted[VAE_MNIST_BOX * VAE_MNIST_BOX];
    resample_box(s, box, (double)B / side, fitted);
    /* stretch: MNIST's digits reach full ink, and averaging thins a fine pen's strokes */
    float peak = 0.0f;
    int lo[2] = {B, B}, hi[2] = {0, 0}; /* the fitted ink's extent, x then y */
    for (int y = 0; y < B; y++)
        for (int x = 0; x < B; x++) {
            float v = fitted[y * B + x];
            if (v > peak) peak = v;
            if (v > 0.0f) {
                if (x < lo[0]) lo[0] = x;
                if (x >= hi[0]) hi[0] = x + 1;
                if (y < lo[1]) lo[1] = y;
                if (y >= hi[1]) hi[1] = y + 1;
            }
        }
    if (!(peak > 0.0f)) return;
    for (int i = 0; i < B * B; i++)
        fitted[i] /= peak;
    double cx, cy;
    vae_image_center_of_mass(fitted, B, B, &cx, &cy);
    int dx = shift_for(cx, lo[0], hi[0]), dy = shift_for(cy, lo[1], hi[1]);
    for (int y = lo[1]; y < hi[1]; y++)
        for (int x = lo[0]; x < hi[0]; x++)
            out[(y + dy) * S + x + dx] = fitted[y * B + x];
}

VaeStatus vae_image_center(const float *ink, int w, int h, float *out, char err[VAE_ERR_LEN]) {
    if (!ink || !out || w < 1 || h < 1)
        return vae_fail(err, VAE_ERR_ARG, "vae_image_center: bad arguments (%dx%d)", w, h);
    Source s = {NULL, NULL, ink, w, h};
    fit_and_center(&s, out);
    return VAE_OK;
}

/* Median of the outermost ring of pixels: the paper, even where a stroke touches the edge. */
static int border_median(const uint8_t *g, int w, int h) {
    unsigned hist[256] = {0}, n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (y == 0 || y == h - 1 || x == 0 || x == w - 1) hist[g[(size_t)y * w + x]]++, n++;
    unsigned seen = 0;
    for (int v = 0; v < 256; v++)
        if ((seen += hist[v]) * 2 >= n) return v;
    return 255;
}

VaeStatus vae_image_to_mnist(const uint8_t *grey, int w, int h, float *out, char err[VAE_ERR_LEN]) {
    if (!grey || !out || w < 1 || h < 1)
        return vae_fail(err, VAE_ERR_ARG, "vae_image_to_mnist: bad arguments (%dx%d)", w, h);
    int paper = border_median(grey, w, h), light = paper > 127;
    int bg = light ? 255 - paper : paper, top = bg;
    for (size_t i = 0; i < (size_t)w * h; i++) {
        int v = light ? 255 - grey[i] : grey[i];
        if (v > top) top = v;
    }
    if (top - bg < 16) /* a flat picture: sensor noise is not ink */
        return vae_fail(err, VAE_ERR_FORMAT,
                        "the image has no ink (nothing in it differs from "
                        "its border by 16 grey levels or more)");
    float lut[256];
    for (int g = 0; g < 256; g++) {
        float v = (float)((light ? 255 - g : g) - bg) / (float)(top - bg);
        lut[g] = v < 0.0f ? 0.0f : v;
    }
    Source s = {grey, lut, NULL, w, h};
    fit_and_center(&s, out);
    return VAE_OK;
}

/* ---- corruption: every draw from the caller's generator ------------------------ */

static float clamp01(float v) {
    return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
}

void vae_corrupt_gaussian(float *x, int n, float sigma, VaeRng *rng) {
    for (int i = 0; i < n; i++)
        x[i] = clamp01(x[i] + sigma * vae_rng_normal(rng));
}

void vae_corrupt_salt_pepper(float *x, int n, float p, VaeRng *rng) {
    for (int i = 0; i < n; i++)
        if (vae_rng_uniform(rng) < p) x[i] = vae_rng_u32(rng) & 1u ? 1.0f : 0.0f;
}

VaeStatus vae_mask_rect(uint8_t *mask, int w, int h, int x0, int y0, int x1, int y1,
                        char err[VAE_ERR_LEN]) {
    if (!mask || x0 < 0 || y0 < 0 || x1 > w || y1 > h || x0 >= x1 || y0 >= y1)
        return vae_fail(err, VAE_ERR_ARG,
                        "the rectangle %d,%d,%d,%d is empty or not inside the %dx%d image "
                        "(X0,Y0,X1,Y1 with 0 <= X0 < X1 <= %d and 0 <= Y0 < Y1 <= %d)",
                        x0, y0, x1, y1, w, h, w, h);
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            mask[(size_t)y * w + x] = 1;
    return VAE_OK;
}

void vae_corrupt_mask(float *x, const uint8_t *mask, int n, float fill) {
    for (int i = 0; i < n; i++)
        if (mask[i]) x[i] = fill;
}

/* ---- repair -------------------------------------------------------------------- */

void vae_reconstruct(const VaeModel *m, VaeWorkspace *ws, const float *x, uint8_t label,
                     float *out) {
    float mu[VAE_MAX_LATENT];
    vae_model_encode(m, ws, x, &label, 1, mu, NULL);
    vae_flow_apply(m, mu, 1, NULL); /* no-op without flows */
    vae_model_decode(m, ws, mu, &label, 1, ws->logits);
    memcpy(out, ws->logits, sizeof(float) * (size_t)m->n_in);
}

void vae_inpaint_step(const VaeModel *m, VaeWorkspace *ws, float *x, const uint8_t *mask,
                      uint8_t label, VaeRng *rng) {
    float mu[VAE_MAX_LATENT], lv[VAE_MAX_LATENT], z[VAE_MAX_LATENT];
    vae_model_encode(m, ws, x, &label, 1, mu, lv);
    uint64_t seed = vae_rng_u32(rng);
    seed = seed << 32 | vae_rng_u32(rng);
    vae_model_posterior_samples_from(m, mu, lv, 1, seed, NULL, z); /* z = mu for an AE */
    vae_model_decode(m, ws, z, &label, 1, ws->logits);
    for (int i = 0; i < m->n_in; i++)
        if (mask[i]) x[i] = ws->logits[i];
}

VaeStatus vae_inpaint(const VaeModel *m, float *x, const uint8_t *mask, uint8_t label, int iters,
                      VaeRng *rng, char err[VAE_ERR_LEN]) {
    if (!m || !x || !mask || !rng || iters < 0)
        return vae_fail(err, VAE_ERR_ARG, "vae_inpaint: bad arguments (%d iterations)", iters);
    VaeWorkspace ws;
    VaeStatus st = vae_workspace_init(&ws, m, 1, err);
    if (st != VAE_OK) return st;
    for (int k = 0; k < iters; k++)
        vae_inpaint_step(m, &ws, x, mask, label, rng);
    vae_workspace_free(&ws);
    return VAE_OK;
}

/* ---- nearest images: does a model reproduce what it saw, or generalise? -----------
 * A scan of the uint8 images (no float copy of the set) that stops summing an image once
 * it is farther than the k-th best so far. */

#define CHUNK 112 /* pixels summed between checks against the k-th best (4 MNIST rows) */
#define LANES 8   /* partial sums: a reduction the compiler may vectorise without -ffast-math */

/* Squared distance from x to the bytes u (n pixels), or a value > limit once the partial
 * sum passes limit. */
static float distance2(const float *x, const uint8_t *u, int n, float limit) {
    float total = 0.0f;
    const int chunks = (n + CHUNK - 1) / CHUNK, mid = chunks / 2;
    for (int c = 0; c < chunks; c++) {
        /* the middle rows first: they differ most between images, so the sum passes the
         * limit soonest */
        int k = c % 2 ? mid - (c + 1) / 2 : mid + c / 2;
        int at = k * CHUNK, end = n - at < CHUNK ? n : at + CHUNK, i = at;
        float acc[LANES] = {0};
        for (; i + LANES <= end; i += LANES)
            for (int j = 0; j < LANES; j++) {
                float d = x[i + j] - (float)u[i + j] * (1.0f / 255.0f);
                acc[j] += d * d;
            }
        for (; i < end; i++) {
            float d = x[i] - (float)u[i] * (1.0f / 255.0f);
            acc[0] += d * d;
        }
        for (int j = 0; j < LANES; j++)
            total += acc[j];
        if (total > limit) break;
    }
    return total;
}

int vae_nearest_images(const VaeSplit *s, const float *x, int k, int *idx, float *dist2) {
    if (!s || !x || !idx || !dist2 || k < 1 || s->n < 1) return 0;
    if (k > s->n) k = s->n;
    const int n = s->rows * s->cols;
    float *d = dist2;
    int found = 0;
    for (int i = 0; i < s->n; i++) {
        float limit = found < k ? 3.4e38f : d[k - 1];
        float di = distance2(x, s->images + (size_t)i * n, n, limit);
        if (found == k && !(di < limit)) continue;
        int at = found < k ? found++ : k - 1; /* insertion: ties keep the earlier image */
        while (at > 0 && di < d[at - 1]) {
            d[at] = d[at - 1];
            idx[at] = idx[at - 1];
            at--;
        }
        d[at] = di;
        idx[at] = i;
    }
    return found;
}
