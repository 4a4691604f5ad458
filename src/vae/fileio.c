/* Whole-file I/O for the library: atomic, durable replacement of a file (temp file in the
 * same directory, fsync, rename, fsync the directory), bounded whole-file reads, and a
 * minimal PNG encoder on top of zlib. */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

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

/* ---- PNG ----------------------------------------------------------------------- */

static uint8_t *put_u32be(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return p + 4;
}

/* Length, type, data, CRC over type and data. Returns the end of the chunk. */
static uint8_t *put_chunk(uint8_t *p, const char type[4], const uint8_t *data, uint32_t n) {
    p = put_u32be(p, n);
    uint8_t *crc_start = p;
    memcpy(p, type, 4);
    p += 4;
    if (n) memcpy(p, data, n);
    p += n;
    uLong crc = crc32(0L, crc_start, (uInt)(n + 4));
    return put_u32be(p, (uint32_t)crc);
}

#define PNG_BAND_BYTES 65536 /* raw rows deflated at a time */

VaeStatus vae_png_write_rows(const char *path, int w, int h, int channels, VaePngRowsFn rows,
                             void *ctx, char err[VAE_ERR_LEN]) {
    if (!path || !rows || w <= 0 || h <= 0 || (channels != 1 && channels != 3) ||
        w > (1 << 24) / channels || h > (1 << 24))
        return vae_fail(err, VAE_ERR_ARG, "cannot write %s: bad image arguments (%dx%d, %d ch)",
                        path ? path : "(null)", w, h, channels);
    size_t row = (size_t)w * (size_t)channels;
    int band = row < PNG_BAND_BYTES ? (int)(PNG_BAND_BYTES / row) : 1;
    if (band > h) band = h;
    /* head: signature, IHDR, then the IDAT chunk's length and type; the compressed data
     * collects in z (a growing buffer: a few hundred KB for a window) */
    uint8_t head[8 + 25 + 8], tail[4 + 12];
    uint8_t *px = malloc((size_t)band * row), *raw = malloc((size_t)band * (row + 1)), *z = NULL;
    size_t z_len = 0, z_cap = 0;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    int z_open = 0;
    VaeStatus st = VAE_OK;
    if (!px || !raw || deflateInit(&zs, 6) != Z_OK) {
        st = vae_fail(err, VAE_ERR_NOMEM, "cannot write %s: out of memory", path);
        goto done;
    }
    z_open = 1;
    for (int y0 = 0; y0 < h; y0 += band) {
        int n = h - y0 < band ? h - y0 : band;
        if (rows(ctx, y0, n, px) != 0) {
            st = vae_fail(err, VAE_ERR_IO, "cannot write %s: the image rows could not be read",
                          path);
            goto done;
        }
        /* filter type 0 (None) on every scanline: simple, and images compress well anyway */
        for (int y = 0; y < n; y++) {
            raw[(size_t)y * (row + 1)] = 0;
            memcpy(raw + (size_t)y * (row + 1) + 1, px + (size_t)y * row, row);
        }
        zs.next_in = raw;
        zs.avail_in = (uInt)((size_t)n * (row + 1));
        int last = y0 + n >= h, zr;
        do {
            if (z_cap - z_len < 65536) { /* room for the next output */
                size_t cap = z_cap ? 2 * z_cap : 262144;
                uint8_t *nz = cap <= UINT32_MAX ? realloc(z, cap) : NULL;
                if (!nz) {
                    st = vae_fail(err, VAE_ERR_NOMEM, "cannot write %s: out of memory", path);
                    goto done;
                }
                z = nz, z_cap = cap;
            }
            zs.next_out = z + z_len;
            zs.avail_out = (uInt)(z_cap - z_len);
            zr = deflate(&zs, last ? Z_FINISH : Z_NO_FLUSH);
            z_len = (size_t)(zs.next_out - z);
        } while (zr == Z_OK && (zs.avail_in > 0 || (last && zr != Z_STREAM_END)));
        if (last ? zr != Z_STREAM_END : zr != Z_OK) {
            st = vae_fail(err, VAE_ERR_NOMEM, "cannot write %s: zlib compression failed", path);
            goto done;
        }
    }

    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    uint8_t ihdr[13];
    put_u32be(ihdr, (uint32_t)w);
    put_u32be(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8;                        /* bit depth */
    ihdr[9] = channels == 3 ? 2 : 0;    /* colour type: truecolour or greyscale */
    ihdr[10] = ihdr[11] = ihdr[12] = 0; /* deflate, adaptive filtering, no interlace */
    memcpy(head, sig, 8);
    uint8_t *p = put_chunk(head + 8, "IHDR", ihdr, 13);
    p = put_u32be(p, (uint32_t)z_len);
    memcpy(p, "IDAT", 4);
    uLong crc = crc32(crc32(0L, p, 4), z, (uInt)z_len);
    put_chunk(put_u32be(tail, (uint32_t)crc), "IEND", NULL, 0);
    const void *parts[3] = {head, z, tail};
    size_t sizes[3] = {sizeof head, z_len, sizeof tail};
    st = vae_file_write_atomic(path, parts, sizes, 3, err);
done:
    if (z_open) deflateEnd(&zs);
    free(px);
    free(raw);
    free(z);
    return st;
}

typedef struct {
    const uint8_t *pixels;
    size_t row;
} PngBuffer;

static int rows_from_buffer(void *ctx, int y0, int n, uint8_t *dst) {
    const PngBuffer *b = ctx;
    memcpy(dst, b->pixels + (size_t)y0 * b->row, (size_t)n * b->row);
    return 0;
}

VaeStatus vae_png_write(const char *path, const uint8_t *pixels, int w, int h, int channels,
                        char err[VAE_ERR_LEN]) {
    if (!pixels)
        return vae_fail(err, VAE_ERR_ARG, "cannot write %s: no pixels", path ? path : "(null)");
    PngBuffer b = {pixels, (size_t)(w > 0 ? w : 0) * (size_t)(channels > 0 ? channels : 0)};
    return vae_png_write_rows(path, w, h, channels, rows_from_buffer, &b, err);
}

typedef struct {
    const float *images;
    int n, cols, h, w, scale;
} PngTiles;

static int rows_from_tiles(void *ctx, int y0, int n, uint8_t *dst) {
    const PngTiles *t = ctx;
    const int tile_h = t->h * t->scale, width = t->cols * t->w * t->scale;
    for (int y = y0; y < y0 + n; y++, dst += width) {
        int tile_row = y / tile_h, src_y = (y % tile_h) / t->scale;
        for (int x = 0; x < width; x++) {
            int k = tile_row * t->cols + x / (t->w * t->scale);
            float v = 0;
            if (k < t->n)
                v = t->images[(size_t)k * t->h * t->w + (size_t)src_y * t->w +
                              (x % (t->w * t->scale)) / t->scale];
            dst[x] = (uint8_t)lrintf(255.0f * (v > 0 ? (v < 1 ? v : 1) : 0)); /* NaN: 0 */
        }
    }
    return 0;
}

VaeStatus vae_png_write_tiles(const char *path, const float *images, int n, int cols, int h, int w,
                              int scale, char err[VAE_ERR_LEN]) {
    if (cols > n) cols = n;
    if (!images || n < 1 || cols < 1 || h < 1 || w < 1 || scale < 1 ||
        (double)cols * w * scale > (1 << 24) ||
        (double)(n + cols - 1) / cols * h * scale > (1 << 24))
        return vae_fail(err, VAE_ERR_ARG, "cannot write %s: bad tile arguments (%d images)",
                        path ? path : "(null)", n);
    PngTiles t = {images, n, cols, h, w, scale};
    int rows = (n + cols - 1) / cols;
    return vae_png_write_rows(path, cols * w * scale, rows * h * scale, 1, rows_from_tiles, &t,
                              err);
}
