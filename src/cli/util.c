/* Dataset lookup (--data / --dataset) and the progress display shared by the commands. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"

static int is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int cli_load_dataset(VaeDataset *ds, const char *data_dir, const char *dataset) {
    char dir[PATH_MAX + 32], err[VAE_ERR_LEN];
    memset(ds, 0, sizeof *ds);
    if (data_dir) {
        struct stat st;
        if (!is_dir(data_dir))
            return cli_error(CLI_USAGE, "--data %s: %s", data_dir,
                             stat(data_dir, &st) == 0 ? "not a directory" : "no such directory");
        snprintf(dir, sizeof dir, "%s", data_dir);
    } else if (vae_dataset_find(dataset ? dataset : "mnist", dir, sizeof dir, err) != VAE_OK) {
        return cli_error(CLI_USAGE, "%s", err);
    }
    VaeStatus s = vae_dataset_load(ds, dir, err);
    if (s != VAE_OK) return cli_error(s == VAE_ERR_NOMEM ? CLI_FAIL : CLI_USAGE, "%s", err);
    if (!data_dir) vae_dataset_set_name(ds, dataset ? dataset : "mnist");
    return CLI_OK;
}

void cli_progress_init(CliProgress *p) {
    p->tty = isatty(STDERR_FILENO);
    p->start = p->last = vae_now();
    p->last_pct = -1;
}

void cli_progress_show(CliProgress *p, const char *label, double done, double total,
                       const char *tail, int final) {
    double now = vae_now(), frac = total > 0 ? done / total : 1.0;
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
