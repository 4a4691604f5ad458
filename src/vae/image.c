/* A picture or a canvas made into a 28x28 digit as MNIST's were (LeCun et al.): the ink's
 * bounding box size-normalised into 20x20 keeping its aspect ratio, anti-aliased, then
 * translated so its centre of mass is at the centre of the 28x28 field. */
#include <math.h>
#include <string.h>

#include "image.h"

/* The bounding box is that of the ink at half the darkest or more: MNIST's boxes were of
 * bilevel strokes, whose edge an anti-aliased stroke has at half coverage; fainter halos
 * and specks do not widen it. */
#define BOX_THRESHOLD 0.5f
/* MNIST's files put the centre of mass at index 14 (their 0-based centres lie in
 * [13.5, 14.5]): the field's centre, rounded the way MNIST's integer shift rounded it. */
#define CENTER 14.0

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
