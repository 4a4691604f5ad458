/* IDX datasets: strict reading of plain and gzip files (zlib's gzread passes plain files
 * through), the same checks on in-memory buffers (for fuzzing), atomic writing, loading a
 * dataset directory, and gathering [0, 1] float batches from the uint8 images. */
#include "data.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "fileio.h"

#define MAGIC_IMAGES 0x00000803u
#define MAGIC_LABELS 0x00000801u
#define MAX_ITEMS 10000000u /* far above EMNIST's 814,255; keeps n an int with room */
#define MAX_SIDE 65535u
#define MAX_PIXELS (1u << 20)
#define FIRST_ALLOC ((size_t)64 << 10) /* at least: grow with the data, never trust n */

typedef struct {
    int images;        /* 1: images file (3 dims), 0: labels file (1 dim) */
    size_t header_len; /* 16 or 8 */
    int n, rows, cols;
    size_t item_size; /* rows * cols, or 1 for labels */
    size_t payload;   /* n * item_size */
} IdxHeader;

/* ---- error text -------------------------------------------------------------------- */

static VaeStatus file_fail(char *err, VaeStatus s, const char *path, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* "PATH: what is wrong", keeping the tail of very long paths so the reason still fits. */
static VaeStatus file_fail(char *err, VaeStatus s, const char *path, const char *fmt, ...) {
    if (!err) return s;
    size_t len = strlen(path);
    int k = len > 120 ? snprintf(err, VAE_ERR_LEN, "...%s: ", path + len - 117)
                      : snprintf(err, VAE_ERR_LEN, "%s: ", path);
    if (k < 0 || k >= VAE_ERR_LEN) return s;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + k, (size_t)(VAE_ERR_LEN - k), fmt, ap);
    va_end(ap);
    return s;
}

static const char *kind_name(int images) {
    return images ? "images" : "labels";
}

/* What a foreign first word looks like, for "expected images, got ..." messages. */
static const char *describe_magic(uint32_t m) {
    if (m == MAGIC_IMAGES) return "an IDX images file";
    if (m == MAGIC_LABELS) return "an IDX labels file";
    if (m == 0x89504e47u) return "a PNG image";
    if ((m >> 16) == 0x1f8bu) return "gzip data";
    if ((m >> 16) == 0 && ((m >> 8) & 0xffu) >= 0x08 && ((m >> 8) & 0xffu) <= 0x0e)
        return "an IDX file of another type or rank";
    if ((m >> 24) == '{' || (m >> 24) == '[') return "JSON text";
    return "not IDX";
}

/* ---- shared checks (file reader and in-memory parser) ------------------------------- */

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Validate the first len bytes of a file as an IDX header of the wanted kind. */
static VaeStatus parse_header(const uint8_t *buf, size_t len, int images, const char *path,
                              IdxHeader *h, char *err) {
    memset(h, 0, sizeof *h);
    h->images = images;
    h->header_len = images ? 16 : 8;
    uint32_t want = images ? MAGIC_IMAGES : MAGIC_LABELS;
    if (len == 0) return file_fail(err, VAE_ERR_FORMAT, path, "file is empty");
    if (len < 4)
        return file_fail(err, VAE_ERR_FORMAT, path, "too short for an IDX header (%zu bytes)", len);
    uint32_t m = be32(buf);
    if (m != want)
        return file_fail(err, VAE_ERR_FORMAT, path,
                         "wrong magic 0x%08x (%s), expected 0x%08x for IDX %s", (unsigned)m,
                         describe_magic(m), (unsigned)want, kind_name(images));
    if (len < h->header_len)
        return file_fail(err, VAE_ERR_FORMAT, path, "truncated IDX header (%zu of %zu bytes)", len,
                         h->header_len);
    uint32_t n = be32(buf + 4);
    if (n == 0 || n > MAX_ITEMS)
        return file_fail(err, VAE_ERR_FORMAT, path,
                         "header claims %u %s, expected between 1 and %u", (unsigned)n,
                         kind_name(images), MAX_ITEMS);
    uint32_t rows = 1, cols = 1;
    if (images) {
        rows = be32(buf + 8);
        cols = be32(buf + 12);
        if (rows == 0 || cols == 0 || rows > MAX_SIDE || cols > MAX_SIDE ||
            (uint64_t)rows * cols > MAX_PIXELS)
            return file_fail(err, VAE_ERR_FORMAT, path,
                             "header claims %ux%u images, expected sides 1..%u and at most %u "
                             "pixels",
                             (unsigned)rows, (unsigned)cols, MAX_SIDE, MAX_PIXELS);
    }
    uint64_t payload = (uint64_t)n * rows * cols; /* <= 1e7 * 2^20 < 2^44 */
    if (payload > SIZE_MAX - h->header_len - 1)
        return file_fail(err, VAE_ERR_NOMEM, path, "%u %ux%u images do not fit in memory",
                         (unsigned)n, (unsigned)rows, (unsigned)cols);
    h->n = (int)n;
    h->rows = (int)rows;
    h->cols = (int)cols;
    h->item_size = (size_t)rows * cols;
    h->payload = (size_t)payload;
    return VAE_OK;
}

/* got: data bytes found after the header (the file reader stops at payload + 1). */
static VaeStatus check_size(const IdxHeader *h, size_t got, int gzip, const char *path, char *err) {
    const char *how = gzip ? " decompressed" : "";
    if (got < h->payload) {
        if (h->images)
            return file_fail(err, VAE_ERR_FORMAT, path,
                             "truncated: header says %d images of %dx%d (%zu bytes) but only "
                             "%zu%s bytes follow",
                             h->n, h->rows, h->cols, h->payload, got, how);
        return file_fail(err, VAE_ERR_FORMAT, path,
                         "truncated: header says %d labels but only %zu%s bytes follow", h->n, got,
                         how);
    }
    if (got > h->payload)
        return file_fail(err, VAE_ERR_FORMAT, path,
                         "extra bytes after the %d %s the header declares (expected exactly %zu%s "
                         "bytes)",
                         h->n, kind_name(h->images), h->header_len + h->payload, how);
    return VAE_OK;
}

static VaeStatus check_labels(const uint8_t *labels, int n, int max_classes, const char *path,
                              char *err) {
    for (int i = 0; i < n; i++)
        if (labels[i] >= max_classes)
            return file_fail(err, VAE_ERR_FORMAT, path,
                             "label %d of item %d is out of range (must be < %d)", labels[i], i,
                             max_classes);
    return VAE_OK;
}

static VaeStatus parse_buffer(const uint8_t *buf, size_t len, int images, int max_classes,
                              const char *name, IdxHeader *h, uint8_t **out, char *err) {
    *out = NULL;
    if (!buf && len > 0) return vae_fail(err, VAE_ERR_ARG, "%s: no buffer", name);
    VaeStatus st = parse_header(buf, len, images, name, h, err);
    if (st != VAE_OK) return st;
    st = check_size(h, len - h->header_len, 0, name, err);
    if (st != VAE_OK) return st;
    const uint8_t *data = buf + h->header_len;
    if (!images && (st = check_labels(data, h->n, max_classes, name, err)) != VAE_OK) return st;
    *out = malloc(h->payload);
    if (!*out) return file_fail(err, VAE_ERR_NOMEM, name, "out of memory");
    memcpy(*out, data, h->payload);
    return VAE_OK;
}

/* ---- file reader ------------------------------------------------------------------ */

/* OK unless the gzip layer recorded an error; zlib prefixes its message with the path. */
static VaeStatus gz_status(gzFile gz, const char *path, char *err) {
    int code = Z_OK;
    const char *msg = gzerror(gz, &code);
    if (code == Z_OK) return VAE_OK;
    size_t pl = strlen(path);
    if (strncmp(msg, path, pl) == 0 && msg[pl] == ':' && msg[pl + 1] == ' ') msg += pl + 2;
    if (code == Z_ERRNO) return file_fail(err, VAE_ERR_IO, path, "read failed: %s", msg);
    if (code == Z_MEM_ERROR) return file_fail(err, VAE_ERR_NOMEM, path, "out of memory");
    return file_fail(err, VAE_ERR_FORMAT, path, "corrupt or truncated gzip stream: %s", msg);
}

/* Read up to len bytes, stopping early at end of stream or on an error (see gz_status). */
static size_t read_some(gzFile gz, uint8_t *p, size_t len) {
    size_t got = 0;
    while (got < len) {
        size_t want = len - got > (1u << 30) ? (1u << 30) : len - got;
        int r = gzread(gz, p + got, (unsigned)want);
        if (r <= 0) break;
        got += (size_t)r;
    }
    return got;
}

static VaeStatus read_idx(const char *path, int images, int max_classes, IdxHeader *h,
                          uint8_t **out, char *err) {
    *out = NULL;
    if (!path) return vae_fail(err, VAE_ERR_ARG, "vae_idx_read: no path");
    if (!images && (max_classes < 1 || max_classes > 256))
        return file_fail(err, VAE_ERR_ARG, path, "max_classes %d is not in 1..256", max_classes);
    struct stat sb;
    int have_size = stat(path, &sb) == 0;
    if (have_size && S_ISDIR(sb.st_mode))
        return file_fail(err, VAE_ERR_IO, path, "is a directory, not an IDX file");

    VaeStatus st = VAE_OK;
    uint8_t *data = NULL;
    gzFile gz = gzopen(path, "rb");
    if (!gz) return file_fail(err, VAE_ERR_IO, path, "cannot open: %s", strerror(errno));
    /* big reads for big files; a small file does not need 128 KB (zlib doubles it for
     * gzip output) */
    unsigned bufsize = 1u << 17;
    if (have_size && S_ISREG(sb.st_mode) && sb.st_size < (off_t)bufsize)
        bufsize = sb.st_size < 8192 ? 8192u : (unsigned)sb.st_size;
    gzbuffer(gz, bufsize);

    uint8_t hdr[16];
    size_t got = read_some(gz, hdr, images ? 16 : 8);
    if (got < (images ? 16u : 8u) && (st = gz_status(gz, path, err)) != VAE_OK) goto fail;
    if ((st = parse_header(hdr, got, images, path, h, err)) != VAE_OK) goto fail;
    int gzip = !gzdirect(gz);

    /* Grow with the data actually present, so a tiny file with a huge header costs little:
     * start from what the file can hold (plain: its size; gzip: 4x, zlib's typical ratio on
     * these images), never less than FIRST_ALLOC, never more than the header says. */
    size_t cap = FIRST_ALLOC, have = 0;
    if (have_size && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size < ((uint64_t)1 << 40)) {
        size_t guess = (size_t)sb.st_size * (gzip ? 4u : 1u);
        if (guess > cap) cap = guess;
    }
    if (cap > h->payload) cap = h->payload;
    data = malloc(cap);
    if (!data) {
        st = file_fail(err, VAE_ERR_NOMEM, path, "out of memory");
        goto fail;
    }
    while (have < h->payload) {
        if (have == cap) {
            size_t ncap = cap > h->payload / 2 ? h->payload : cap * 2;
            uint8_t *p = realloc(data, ncap);
            if (!p) {
                st = file_fail(err, VAE_ERR_NOMEM, path, "out of memory");
                goto fail;
            }
            data = p;
            cap = ncap;
        }
        size_t r = read_some(gz, data + have, cap - have);
        if (r == 0) break;
        have += r;
    }
    if (have < h->payload) {
        if ((st = gz_status(gz, path, err)) == VAE_OK) st = check_size(h, have, gzip, path, err);
        goto fail;
    }
    /* One more byte: trailing data, and for gzip the CRC/length trailer check. */
    uint8_t extra;
    size_t r = read_some(gz, &extra, 1);
    if ((st = gz_status(gz, path, err)) != VAE_OK) goto fail;
    if (r > 0) {
        st = check_size(h, have + 1, gzip, path, err);
        goto fail;
    }
    if (!images && (st = check_labels(data, h->n, max_classes, path, err)) != VAE_OK) goto fail;
    gzclose_r(gz);
    *out = data;
    return VAE_OK;

fail:
    free(data);
    gzclose_r(gz);
    return st != VAE_OK ? st : file_fail(err, VAE_ERR_IO, path, "read failed");
}

VaeStatus vae_idx_read_images(const char *path, uint8_t **out, int *n, int *rows, int *cols,
                              char err[VAE_ERR_LEN]) {
    IdxHeader h;
    *n = *rows = *cols = 0;
    VaeStatus st = read_idx(path, 1, 0, &h, out, err);
    if (st != VAE_OK) return st;
    *n = h.n;
    *rows = h.rows;
    *cols = h.cols;
    return VAE_OK;
}

VaeStatus vae_idx_read_labels(const char *path, uint8_t **out, int *n, int max_classes,
                              char err[VAE_ERR_LEN]) {
    IdxHeader h;
    *n = 0;
    VaeStatus st = read_idx(path, 0, max_classes, &h, out, err);
    if (st == VAE_OK) *n = h.n;
    return st;
}

VaeStatus vae_idx_parse_images(const uint8_t *buf, size_t len, const char *name, uint8_t **out,
                               int *n, int *rows, int *cols, char err[VAE_ERR_LEN]) {
    IdxHeader h;
    *n = *rows = *cols = 0;
    VaeStatus st = parse_buffer(buf, len, 1, 0, name ? name : "(buffer)", &h, out, err);
    if (st != VAE_OK) return st;
    *n = h.n;
    *rows = h.rows;
    *cols = h.cols;
    return VAE_OK;
}

VaeStatus vae_idx_parse_labels(const uint8_t *buf, size_t len, const char *name, uint8_t **out,
                               int *n, int max_classes, char err[VAE_ERR_LEN]) {
    IdxHeader h;
    *n = 0;
    name = name ? name : "(buffer)";
    if (max_classes < 1 || max_classes > 256)
        return file_fail(err, VAE_ERR_ARG, name, "max_classes %d is not in 1..256", max_classes);
    VaeStatus st = parse_buffer(buf, len, 0, max_classes, name, &h, out, err);
    if (st == VAE_OK) *n = h.n;
    return st;
}

/* ---- writer ------------------------------------------------------------------------- */

VaeStatus vae_idx_write_images(const char *path, const uint8_t *images, int n, int rows, int cols,
                               char err[VAE_ERR_LEN]) {
    if (!path) return vae_fail(err, VAE_ERR_ARG, "vae_idx_write_images: no path");
    if (!images || n < 1 || (unsigned)n > MAX_ITEMS || rows < 1 || cols < 1 ||
        (unsigned)rows > MAX_SIDE || (unsigned)cols > MAX_SIDE ||
        (uint64_t)rows * (uint64_t)cols > MAX_PIXELS)
        return file_fail(err, VAE_ERR_ARG, path, "cannot write %d images of %dx%d", n, rows, cols);
    uint8_t hdr[16];
    put_be32(hdr, MAGIC_IMAGES);
    put_be32(hdr + 4, (uint32_t)n);
    put_be32(hdr + 8, (uint32_t)rows);
    put_be32(hdr + 12, (uint32_t)cols);
    const void *parts[2] = {hdr, images};
    size_t sizes[2] = {sizeof hdr, (size_t)n * (size_t)rows * (size_t)cols};
    return vae_file_write_atomic(path, parts, sizes, 2, err);
}

VaeStatus vae_idx_write_labels(const char *path, const uint8_t *labels, int n,
                               char err[VAE_ERR_LEN]) {
    if (!path) return vae_fail(err, VAE_ERR_ARG, "vae_idx_write_labels: no path");
    if (!labels || n < 1 || (unsigned)n > MAX_ITEMS)
        return file_fail(err, VAE_ERR_ARG, path, "cannot write %d labels", n);
    uint8_t hdr[8];
    put_be32(hdr, MAGIC_LABELS);
    put_be32(hdr + 4, (uint32_t)n);
    const void *parts[2] = {hdr, labels};
    size_t sizes[2] = {sizeof hdr, (size_t)n};
    return vae_file_write_atomic(path, parts, sizes, 2, err);
}

/* ---- dataset directory ------------------------------------------------------------ */

static const char *const FASHION_NAMES[10] = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                              "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                              "Bag",         "Ankle boot"};

static int is_file(const char *path) {
    struct stat sb;
    return stat(path, &sb) == 0 && !S_ISDIR(sb.st_mode);
}

/* DIR/base, else DIR/base.gz. */
static VaeStatus find_file(const char *dir, const char *base, char *out, size_t cap, char *err) {
    int k = snprintf(out, cap, "%s/%s", dir, base);
    if (k < 0 || (size_t)k + 3 >= cap)
        return file_fail(err, VAE_ERR_ARG, dir, "directory path is too long");
    if (is_file(out)) return VAE_OK;
    memcpy(out + k, ".gz", 4);
    if (is_file(out)) return VAE_OK;
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return file_fail(err, VAE_ERR_IO, dir, "not a directory holding IDX files");
    return file_fail(err, VAE_ERR_IO, dir, "missing %s (or %s.gz)", base, base);
}

static VaeStatus load_split(VaeSplit *s, const char *dir, const char *img_base,
                            const char *lab_base, char *err) {
    char ipath[4096], lpath[4096];
    VaeStatus st = find_file(dir, img_base, ipath, sizeof ipath, err);
    if (st == VAE_OK) st = find_file(dir, lab_base, lpath, sizeof lpath, err);
    if (st == VAE_OK) st = vae_idx_read_images(ipath, &s->images, &s->n, &s->rows, &s->cols, err);
    if (st != VAE_OK) return st;
    int nl = 0;
    st = vae_idx_read_labels(lpath, &s->labels, &nl, VAE_MAX_CLASSES, err);
    if (st != VAE_OK) return st;
    if (nl != s->n)
        return file_fail(err, VAE_ERR_FORMAT, lpath, "holds %d labels but %s holds %d images", nl,
                         img_base, s->n);
    return VAE_OK;
}

static void number_names(VaeDataset *ds) {
    for (int c = 0; c < VAE_MAX_CLASSES; c++)
        snprintf(ds->class_names[c], sizeof ds->class_names[c], "%d", c);
}

VaeStatus vae_dataset_load(VaeDataset *ds, const char *dir, char err[VAE_ERR_LEN]) {
    if (!ds || !dir || !*dir) return vae_fail(err, VAE_ERR_ARG, "vae_dataset_load: no directory");
    memset(ds, 0, sizeof *ds);
    VaeStatus st =
        load_split(&ds->train, dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", err);
    if (st == VAE_OK)
        st = load_split(&ds->test, dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", err);
    if (st != VAE_OK) goto fail;
    if (ds->test.rows != ds->train.rows || ds->test.cols != ds->train.cols) {
        st = file_fail(err, VAE_ERR_FORMAT, dir,
                       "test images are %dx%d but training images are %dx%d", ds->test.rows,
                       ds->test.cols, ds->train.rows, ds->train.cols);
        goto fail;
    }
    int max = 0;
    for (int i = 0; i < ds->train.n; i++)
        if (ds->train.labels[i] > max) max = ds->train.labels[i];
    for (int i = 0; i < ds->test.n; i++)
        if (ds->test.labels[i] > max) max = ds->test.labels[i];
    ds->classes = max + 1;

    /* Default name: the directory's base name, trailing slashes ignored. */
    size_t end = strlen(dir);
    while (end > 1 && dir[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && dir[start - 1] != '/')
        start--;
    size_t len = end - start < sizeof ds->name - 1 ? end - start : sizeof ds->name - 1;
    memcpy(ds->name, dir + start, len);
    ds->name[len] = '\0';
    number_names(ds);
    return VAE_OK;

fail:
    vae_dataset_free(ds);
    return st;
}

void vae_dataset_set_name(VaeDataset *ds, const char *name) {
    if (!ds || !name) return;
    snprintf(ds->name, sizeof ds->name, "%s", name);
    number_names(ds);
    if (strcmp(name, "fashion") == 0)
        for (int c = 0; c < 10; c++)
            snprintf(ds->class_names[c], sizeof ds->class_names[c], "%s", FASHION_NAMES[c]);
}

void vae_dataset_free(VaeDataset *ds) {
    if (!ds) return;
    free(ds->train.images);
    free(ds->train.labels);
    free(ds->test.images);
    free(ds->test.labels);
    memset(ds, 0, sizeof *ds);
}

/* ---- batches ------------------------------------------------------------------------ */

void vae_data_batch(const VaeSplit *s, const int *idx, int b, float *out) {
    const size_t d = (size_t)s->rows * (size_t)s->cols;
    const float scale = 1.0f / 255.0f;
    for (int i = 0; i < b; i++) {
        const uint8_t *src = s->images + (size_t)idx[i] * d;
        float *dst = out + (size_t)i * d;
        for (size_t j = 0; j < d; j++)
            dst[j] = (float)src[j] * scale;
    }
}

void vae_data_binarize(float *x, size_t n, VaeRng *r) {
    for (size_t i = 0; i < n; i++)
        x[i] = vae_rng_uniform(r) < x[i] ? 1.0f : 0.0f;
}

void vae_split_binarize(VaeSplit *s, uint64_t seed) {
    VaeRng r;
    vae_rng_seed(&r, seed, 0xb1a7);
    const size_t n = (size_t)s->n * s->rows * s->cols;
    for (size_t i = 0; i < n; i++)
        s->images[i] = vae_rng_uniform(&r) * 255.0f < (float)s->images[i] ? 255 : 0;
}
