/* The --stats histogram (see stats.h). */
#include "stats.h"

#include <math.h>

#define LO_MS 0.01
#define RATIO 1.005 /* bin k > 0 holds (LO * RATIO^(k-1), LO * RATIO^k] */

void app_hist_record(AppHistogram *h, double ms) {
    int k = 0;
    if (ms > LO_MS) {
        double f = ceil(log(ms / LO_MS) / log(RATIO));
        k = f >= APP_HIST_BINS - 1 ? APP_HIST_BINS - 1 : (int)f;
    }
    h->bin[k]++;
    h->n++;
    if (ms > h->max) h->max = ms;
}

double app_hist_quantile(const AppHistogram *h, double q) {
    if (h->n == 0) return 0;
    long rank = (long)ceil(q * (double)h->n), seen = 0;
    if (rank < 1) rank = 1;
    for (int k = 0; k < APP_HIST_BINS; k++) {
        seen += h->bin[k];
        if (seen >= rank) return fmin(LO_MS * pow(RATIO, k), h->max);
    }
    return h->max;
}
