/* Dataset lookup (--data / --dataset) and the progress display shared by the commands. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "pool.h"

#define FASHION_DIR "/usr/share/datasets/fashion-mnist"

double cli_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* data/mnist relative to the working directory, else to the repository the binary was
 * built in (build/vae -> ../data/mnist), so the tool works from any directory. */
static int find_mnist(char *out, size_t len) {
    if (is_dir("data/mnist")) {
        snprintf(out, len, "data/mnist");
        return 1;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return 0;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return 0;
    *slash = 0;
    snprintf(out, len, "%s/../data/mnist", exe);
    return is_dir(out);
}

int cli_load_dataset(VaeDataset *ds, const char *data_dir, const char *dataset) {
    char dir[PATH_MAX + 32], err[VAE_ERR_LEN];
    const char *name = NULL;
    memset(ds, 0, sizeof *ds);
    if (data_dir) {
        struct stat st;
        if (!is_dir(data_dir))
            return cli_error(CLI_USAGE, "--data %s: %s", data_dir,
                             stat(data_dir, &st) == 0 ? "not a directory" : "no such directory");
        snprintf(dir, sizeof dir, "%s", data_dir);
    } else if (!dataset || !strcmp(dataset, "mnist")) {
        if (!find_mnist(dir, sizeof dir))
            return cli_error(CLI_USAGE, "no MNIST data in data/mnist: run scripts/fetch-data.sh "
                                        "(or pass --data DIR)");
        name = "mnist";
    } else if (!strcmp(dataset, "fashion")) {
        if (!is_dir(FASHION_DIR))
            return cli_error(CLI_USAGE,
                             "no Fashion-MNIST in %s: apt-get install "
                             "dataset-fashion-mnist",
                             FASHION_DIR);
        snprintf(dir, sizeof dir, "%s", FASHION_DIR);
        name = "fashion";
    } else {
        return cli_error(CLI_USAGE, "--dataset must be mnist or fashion, got \"%s\"", dataset);
    }
    VaeStatus s = vae_dataset_load(ds, dir, err);
    if (s != VAE_OK) return cli_error(s == VAE_ERR_NOMEM ? CLI_FAIL : CLI_USAGE, "%s", err);
    if (name) vae_dataset_set_name(ds, name);
    return CLI_OK;
}

int cli_default_threads(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > VAE_MAX_WORKERS ? VAE_MAX_WORKERS : (int)n;
}

void cli_progress_init(CliProgress *p) {
    p->tty = isatty(STDERR_FILENO);
    p->start = p->last = cli_now();
    p->last_pct = -1;
}

void cli_progress_show(CliProgress *p, const char *label, double done, double total,
                       const char *tail, int final) {
    double now = cli_now(), frac = total > 0 ? done / total : 1.0;
    if (frac > 1) frac = 1;
    if (!p->tty) {
        /* plain lines: only the final one of each phase, so logs stay short */
        if (final) fprintf(stderr, "%s %s\n", label, tail);
        return;
    }
    if (!final && now - p->last < 0.1) return;
    p->last = now;
    char bar[31];
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = 0;
    double el = now - p->start, eta = frac > 0 ? el / frac - el : 0;
    fprintf(stderr, "\r\033[K%s [%s] %3d%% %s  %d:%02d left", label, bar, (int)(frac * 100), tail,
            (int)eta / 60, (int)eta % 60);
    if (final) fputc('\n', stderr);
    fflush(stderr);
}

int cli_load_model(const char *path, VaeModel *m, VaeCkptMeta *meta) {
    char err[VAE_ERR_LEN];
    VaeStatus s = vae_checkpoint_load(path, m, meta, err);
    if (s == VAE_OK) return CLI_OK;
    return cli_error(s == VAE_ERR_NOMEM ? CLI_FAIL : CLI_USAGE, "%s", err);
}
