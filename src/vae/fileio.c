/* Whole-file I/O for the library: atomic, durable replacement of a file (temp file in the
 * same directory, fsync, rename, fsync the directory) and bounded whole-file reads. PNG
 * images (declared in fileio.h too) are in png.c. */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- atomic replace ------------------------------------------------------------ */

static int write_full(int fd, const uint8_t *p, size_t n) {
    while (n > 0) {
        size_t chunk = n > (size_t)1 << 30 ? (size_t)1 << 30 : n;
        ssize_t w = write(fd, p, chunk);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (w == 0) { /* should not happen for regular files; avoid spinning */
            errno = EIO;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The directory holding path ("." when path has no slash), as a malloc'd string. */
static char *dir_of(const char *path) {
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    if (slash && n == 0) n = 1; /* "/file" -> "/" */
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, slash ? path : ".", n);
    d[n] = '\0';
    return d;
}

/* A process killed mid-save (SIGKILL, power loss) leaves its temp file behind. Temp names
 * carry the writer's pid -- "NAME.tmp.PID.XXXXXX" -- so the next successful save of NAME
 * removes those whose writer no longer exists, and litter cannot accumulate. A live
 * writer (another process saving the same name) is left alone. */
static void sweep_stale_temps(const char *dir, const char *path) {
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t blen = strlen(base);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strncmp(n, base, blen) != 0 || strncmp(n + blen, ".tmp.", 5) != 0) continue;
        char *end;
        errno = 0;
        long pid = strtol(n + blen + 5, &end, 10);
        if (end == n + blen + 5 || errno || pid <= 0 || pid == (long)getpid() || *end != '.' ||
            strlen(end + 1) != 6)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* alive, or not ours */
        size_t dl = strlen(dir), nl = strlen(n);
        char *full = malloc(dl + nl + 2);
        if (!full) break;
        memcpy(full, dir, dl);
        full[dl] = '/';
        memcpy(full + dl + 1, n, nl + 1);
        unlink(full);
        free(full);
    }
    closedir(d);
}

VaeStatus vae_file_write_atomic(const char *path, const void *const *parts, const size_t *sizes,
                                int n_parts, char err[VAE_ERR_LEN]) {
    if (!path || !*path || n_parts < 0 || (n_parts > 0 && (!parts || !sizes)))
        return vae_fail(err, VAE_ERR_ARG, "vae_file_write_atomic: bad arguments");

    VaeStatus st = VAE_ERR_IO;
    int fd = -1, dfd = -1, saved = 0;
    char *dir = NULL;
    /* mkstemp needs the XXXXXX at the very end; the name stays in the target's directory
     * so that rename() is atomic (same filesystem). */
    size_t plen = strlen(path), tlen = plen + sizeof(".tmp.-2147483648.XXXXXX");
    char *tmp = malloc(tlen);
    if (!tmp) return vae_fail(err, VAE_ERR_NOMEM, "cannot write %s: out of memory", path);
    snprintf(tmp, tlen, "%s.tmp.%ld.XXXXXX", path, (long)getpid());

    fd = mkstemp(tmp);
    if (fd < 0) {
        saved = errno;
        free(tmp);
        return vae_fail(err, VAE_ERR_IO, "cannot write %s: %s", path, strerror(saved));
    }
    /* mkstemp creates 0600; a checkpoint or image should be readable like any file. */
    if (fchmod(fd, 0644) != 0) goto fail_errno;
    for (int i = 0; i < n_parts; i++) {
        if (sizes[i] > 0 && !parts[i]) {
            errno = EINVAL;
            goto fail_errno;
        }
        if (write_full(fd, parts[i], sizes[i]) != 0) goto fail_errno;
    }
    if (fsync(fd) != 0) goto fail_errno;
    int rc = close(fd);
    fd = -1;
    if (rc != 0) goto fail_errno;
    if (rename(tmp, path) != 0) goto fail_errno;
    free(tmp);
    tmp = NULL; /* renamed: nothing left to unlink */

    /* Make the rename itself durable. */
    dir = dir_of(path);
    if (!dir) {
        st = vae_fail(err, VAE_ERR_NOMEM, "cannot sync the directory of %s: out of memory", path);
        goto fail;
    }
    dfd = open(dir, O_RDONLY);
    if (dfd < 0 || (fsync(dfd) != 0 && errno != EINVAL)) { /* EINVAL: fs without dir fsync */
        st = vae_fail(err, VAE_ERR_IO, "cannot sync directory %s after writing %s: %s", dir, path,
                      strerror(errno));
        goto fail;
    }
    close(dfd);
    sweep_stale_temps(dir, path);
    free(dir);
    return VAE_OK;

fail_errno:
    st = vae_fail(err, VAE_ERR_IO, "cannot write %s: %s", path, strerror(errno));
fail:
    if (fd >= 0) close(fd);
    if (dfd >= 0) close(dfd);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    free(dir);
    return st;
}

/* ---- bounded read -------------------------------------------------------------- */

VaeStatus vae_file_read_all(const char *path, size_t max_size, uint8_t **out, size_t *len,
                            char err[VAE_ERR_LEN]) {
    if (!path || !out || !len)
        return vae_fail(err, VAE_ERR_ARG, "vae_file_read_all: bad arguments");
    *out = NULL;
    *len = 0;

    VaeStatus st = VAE_ERR_IO;
    uint8_t *buf = NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0) return vae_fail(err, VAE_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        st = vae_fail(err, VAE_ERR_IO, "cannot read %s: %s", path, strerror(errno));
        goto fail;
    }
    if (S_ISDIR(sb.st_mode)) {
        st = vae_fail(err, VAE_ERR_IO, "cannot read %s: it is a directory", path);
        goto fail;
    }
    if (S_ISREG(sb.st_mode) && (uintmax_t)sb.st_size > max_size) {
        st = vae_fail(err, VAE_ERR_FORMAT, "%s is too large (%jd bytes, limit %zu)", path,
                      (intmax_t)sb.st_size, max_size);
        goto fail;
    }

    /* Regular files: one allocation of the right size. Pipes and the like: grow. The
     * buffer keeps one spare byte, set to 0, so text callers may treat it as a string. */
    size_t cap = S_ISREG(sb.st_mode) ? (size_t)sb.st_size : 65536;
    if (cap > max_size) cap = max_size;
    size_t n = 0;
    buf = malloc(cap + 1);
    if (!buf) {
        st = vae_fail(err, VAE_ERR_NOMEM, "cannot read %s: out of memory (%zu bytes)", path, cap);
        goto fail;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= max_size) {
                /* Full at the limit: one more byte means the file is too large. */
                uint8_t probe;
                ssize_t r;
                do
                    r = read(fd, &probe, 1);
                while (r < 0 && errno == EINTR);
                if (r < 0) {
                    st = vae_fail(err, VAE_ERR_IO, "cannot read %s: %s", path, strerror(errno));
                    goto fail;
                }
                if (r > 0) {
                    st = vae_fail(err, VAE_ERR_FORMAT, "%s is too large (limit %zu bytes)", path,
                                  max_size);
                    goto fail;
                }
                break;
            }
            size_t ncap = cap < max_size / 2 ? (cap ? cap * 2 : 65536) : max_size;
            if (ncap > max_size) ncap = max_size;
            uint8_t *nb = realloc(buf, ncap + 1);
            if (!nb) {
                st = vae_fail(err, VAE_ERR_NOMEM, "cannot read %s: out of memory", path);
                goto fail;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR) continue;
            st = vae_fail(err, VAE_ERR_IO, "cannot read %s: %s", path, strerror(errno));
            goto fail;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    *out = buf;
    *len = n;
    return VAE_OK;

fail:
    close(fd);
    free(buf);
    return st;
}
