/* The draw tool's canvas (see draw.h): anti-aliased strokes of a round brush, and a PNG
 * made into a drawing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "fileio.h"

/* Distance from (px, py) to the segment (x0, y0)-(x1, y1). */
static float segment_distance(float px, float py, float x0, float y0, float x1, float y1) {
    float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    float t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    float ex = px - (x0 + t * dx), ey = py - (y0 + t * dy);
    return sqrtf(ex * ex + ey * ey);
}

void app_canvas_stroke(float *ink, int side, float x0, float y0, float x1, float y1, float radius,
                       int erase) {
    int lo_x = (int)floorf(fminf(x0, x1) - radius - 1), hi_x = (int)ceilf(fmaxf(x0, x1) + radius);
    int lo_y = (int)floorf(fminf(y0, y1) - radius - 1), hi_y = (int)ceilf(fmaxf(y0, y1) + radius);
    lo_x = lo_x < 0 ? 0 : lo_x, lo_y = lo_y < 0 ? 0 : lo_y;
    hi_x = hi_x > side ? side : hi_x, hi_y = hi_y > side ? side : hi_y;
    for (int y = lo_y; y < hi_y; y++)
        for (int x = lo_x; x < hi_x; x++) {
            /* the share of the pixel within the brush, from the distance of its centre to
             * the stroke's spine: 1 inside, a linear ramp one pixel wide at the edge */
            float d = segment_distance((float)x + 0.5f, (float)y + 0.5f, x0, y0, x1, y1);
            float cover = radius + 0.5f - d;
            cover = cover < 0 ? 0 : cover > 1 ? 1 : cover;
            float *p = &ink[y * side + x];
            if (erase)
                *p = fminf(*p, 1.0f - cover);
            else
                *p = fmaxf(*p, cover);
        }
}

int app_canvas_load(float *ink, const char *path, char *err, int err_len) {
    uint8_t *grey = NULL;
    int w = 0, h = 0;
    char e[VAE_ERR_LEN];
    if (vae_png_read(path, 1, VAE_PNG_MAX_PIXELS, &grey, &w, &h, e) != VAE_OK) {
        snprintf(err, (size_t)err_len, "%s", e);
        return -1;
    }
    VaeStatus st = vae_image_to_mnist(grey, w, h, ink, e);
    free(grey);
    if (st == VAE_OK) return 0;
    snprintf(err, (size_t)err_len, "%s: %s", path, e);
    return -1;
}
