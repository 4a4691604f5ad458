/* The training images nearest to an image in pixel space: does a model reproduce what it
 * saw, or generalise? A scan of the uint8 images (no float copy of the set) that stops
 * summing an image once it is farther than the k-th best so far. */
#include "image.h"

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
