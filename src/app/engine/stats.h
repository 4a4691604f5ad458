/* Measurements for --stats (frame times, snapshot latency): a fixed histogram of bins
 * 0.5 % wide from 0.01 ms to ~1.5 s, so an hours-long run measures every frame in
 * constant memory, with percentiles to within a bin. */
#ifndef APP_STATS_H
#define APP_STATS_H

#define APP_HIST_BINS 2400

typedef struct {
    unsigned bin[APP_HIST_BINS];
    long n;
    double max;
} AppHistogram;

void app_hist_record(AppHistogram *h, double ms);
/* The q-quantile (nearest rank): the upper edge of the bin holding it, or the maximum if
 * that is smaller; 0 if empty. */
double app_hist_quantile(const AppHistogram *h, double q);

#endif
