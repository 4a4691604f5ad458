/* PNG in and out (src/vae/png.c): bit-exact round trips of what we write, every colour
 * type, bit depth and interlacing read to the grey (or RGB) values they encode, alpha
 * composited onto the background the ink stands out from, and broken files (every
 * truncation, foreign bytes, huge or empty headers, corrupt data) refused with a sentence
 * naming the file. The test PNGs are encoded here with libpng itself. */
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "fileio.h"
#include "rng.h"

#define W 13 /* odd sizes: Adam7's passes do not divide them evenly */
#define H 11

static char dir[1024];

static void path_in(char *buf, size_t len, const char *name) {
    snprintf(buf, len, "%s/%s", dir, name);
}

/* The reference picture every encoding below carries: 8-bit grey levels. */
static uint8_t ref[H][W];

static void make_ref(void) {
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            ref[y][x] = (uint8_t)((x * 37 + y * 91 + (x * y) % 7 * 11) % 256);
}

/* ---- a libpng encoder for the test files ---------------------------------------- */

typedef struct {
    uint8_t *buf;
    size_t len, cap;
} Mem;

static void mem_write(png_structp png, png_bytep data, size_t n) {
    Mem *m = png_get_io_ptr(png);
    if (m->len + n > m->cap) {
        m->cap = (m->len + n) * 2;
        m->buf = realloc(m->buf, m->cap);
    }
    memcpy(m->buf + m->len, data, n);
    m->len += n;
}

static void mem_flush(png_structp png) {
    (void)png;
}

typedef struct {
    int type, depth, interlace;
    int n_palette; /* palette entries (palette type) */
    png_color palette[256];
    png_byte trans[256]; /* tRNS of the palette */
    int n_trans;
    png_color_16 trans_value; /* tRNS of grey or RGB */
    int has_trans_value;
    uint16_t (*sample)(int x, int y, int c, void *ctx); /* channel c of pixel (x, y) */
    void *ctx;
} Enc;

static int channels_of(int type) {
    switch (type) {
    case PNG_COLOR_TYPE_GRAY: return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB: return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA: return 4;
    default: return 1; /* palette index */
    }
}

/* Packs samples of e->depth bits, big-endian, as PNG stores them. */
static void pack_row(const Enc *e, int y, int w, uint8_t *row) {
    int ch = channels_of(e->type), bits = e->depth, at = 0;
    memset(row, 0, (size_t)(w * ch * bits + 7) / 8);
    for (int x = 0; x < w; x++)
        for (int c = 0; c < ch; c++, at += bits) {
            unsigned v = e->sample(x, y, c, e->ctx);
            if (bits == 16) {
                row[at / 8] = (uint8_t)(v >> 8);
                row[at / 8 + 1] = (uint8_t)v;
            } else if (bits == 8) {
                row[at / 8] = (uint8_t)v;
            } else {
                row[at / 8] |= (uint8_t)(v << (8 - bits - at % 8));
            }
        }
}

static Mem encode(const Enc *e, int w, int h) {
    Mem m = {NULL, 0, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    uint8_t *row = malloc((size_t)w * 8);
    if (setjmp(png_jmpbuf(png))) {
        CHECK_MSG(0, "libpng could not encode a test file (type %d depth %d)", e->type, e->depth);
        free(m.buf);
        m.buf = NULL;
        m.len = 0;
    } else {
        png_set_write_fn(png, &m, mem_write, mem_flush);
        png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, e->depth, e->type,
                     e->interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        if (e->type == PNG_COLOR_TYPE_PALETTE) png_set_PLTE(png, info, e->palette, e->n_palette);
        if (e->n_trans) png_set_tRNS(png, info, e->trans, e->n_trans, NULL);
        if (e->has_trans_value) png_set_tRNS(png, info, NULL, 0, &e->trans_value);
        png_write_info(png, info);
        int passes = png_set_interlace_handling(png);
        for (int p = 0; p < passes; p++)
            for (int y = 0; y < h; y++) {
                pack_row(e, y, w, row);
                png_write_row(png, row);
            }
        png_write_end(png, NULL);
    }
    png_destroy_write_struct(&png, &info);
    free(row);
    return m;
}

/* ---- samples of the reference picture at each depth ------------------------------ */

/* A 16-bit sample whose low byte is not the high byte's copy: reading it must round
 * (v / 257 to the nearest), not drop the low byte. */
static uint16_t wide(int v) {
    return (uint16_t)(v << 8 | (v ^ 0xa5));
}

static int narrowed(int v) {
    return (int)lround(wide(v) / 257.0);
}

static int levels(int depth) {
    return (1 << depth) - 1;
}

/* The reference quantised to `depth` bits and back to 8: what a reader must return. */
static uint8_t ref_at_depth(int x, int y, int depth) {
    if (depth == 16) return (uint8_t)narrowed(ref[y][x]);
    if (depth >= 8) return ref[y][x];
    int q = (ref[y][x] * levels(depth) + 127) / 255;
    return (uint8_t)(q * 255 / levels(depth));
}

static uint16_t grey_sample(int x, int y, int c, void *ctx) {
    int depth = *(int *)ctx;
    if (c == 1) return depth == 16 ? 65535 : 255; /* opaque alpha */
    if (depth == 16) return wide(ref[y][x]);
    return (uint16_t)((ref[y][x] * levels(depth) + 127) / 255);
}

/* RGB with three different channels: R = ref, G = 255 - ref, B = ref / 2. */
static uint8_t rgb_ref(int x, int y, int c) {
    return (uint8_t)(c == 0 ? ref[y][x] : c == 1 ? 255 - ref[y][x] : ref[y][x] / 2);
}

static uint16_t rgb_sample(int x, int y, int c, void *ctx) {
    int depth = *(int *)ctx;
    if (c == 3) return depth == 16 ? 65535 : 255;
    return depth == 16 ? wide(rgb_ref(x, y, c)) : rgb_ref(x, y, c);
}

/* Rec. 709 luma of rgb_ref, as libpng computes it (weights 6968, 23434, 2366 / 32768). */
static int rgb_grey(int x, int y) {
    return (6968 * rgb_ref(x, y, 0) + 23434 * rgb_ref(x, y, 1) + 2366 * rgb_ref(x, y, 2) + 16384) >>
           15;
}

static uint16_t index_sample(int x, int y, int c, void *ctx) {
    (void)c;
    int depth = *(int *)ctx;
    return (uint16_t)((ref[y][x] * levels(depth) + 127) / 255);
}

/* ---- reading every colour type ---------------------------------------------------- */

/* Decode m as grey and compare with want(x, y) within tol. */
static void check_decodes(const Mem *m, const char *what, int tol, int (*want)(int, int, int),
                          int depth) {
    char err[VAE_ERR_LEN];
    uint8_t *px = NULL;
    int w = 0, h = 0;
    VaeStatus st = vae_png_decode(m->buf, m->len, what, 1, VAE_PNG_MAX_PIXELS, &px, &w, &h, err);
    CHECK_MSG(st == VAE_OK, "%s: %s", what, err);
    if (st != VAE_OK) return;
    CHECK_MSG(w == W && h == H, "%s: %dx%d", what, w, h);
    int worst = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int d = abs(px[y * W + x] - want(x, y, depth));
            if (d > worst) worst = d;
        }
    CHECK_MSG(worst <= tol, "%s: a pixel is %d grey levels off", what, worst);
    free(px);
}

static int want_grey(int x, int y, int depth) {
    return ref_at_depth(x, y, depth);
}

static int want_rgb_grey(int x, int y, int depth) {
    (void)depth;
    return rgb_grey(x, y);
}

static void test_colour_types(void) {
    static const int grey_depths[] = {1, 2, 4, 8, 16};
    char what[96];
    for (int interlace = 0; interlace <= 1; interlace++) {
        for (size_t i = 0; i < sizeof grey_depths / sizeof grey_depths[0]; i++) {
            int d = grey_depths[i];
            Enc e = {PNG_COLOR_TYPE_GRAY, d, interlace, .sample = grey_sample, .ctx = &d};
            Mem m = encode(&e, W, H);
            snprintf(what, sizeof what, "grey %d-bit%s", d, interlace ? " interlaced" : "");
            check_decodes(&m, what, 0, want_grey, d);
            free(m.buf);
        }
        for (int d = 8; d <= 16; d += 8) {
            Enc ga = {PNG_COLOR_TYPE_GRAY_ALPHA, d, interlace, .sample = grey_sample, .ctx = &d};
            Mem m = encode(&ga, W, H);
            snprintf(what, sizeof what, "grey+alpha %d-bit%s", d, interlace ? " interlaced" : "");
            check_decodes(&m, what, 0, want_grey, d);
            free(m.buf);
            for (int type = PNG_COLOR_TYPE_RGB; type <= PNG_COLOR_TYPE_RGB_ALPHA; type += 4) {
                Enc e = {type, d, interlace, .sample = rgb_sample, .ctx = &d};
                m = encode(&e, W, H);
                snprintf(what, sizeof what, "%s %d-bit%s",
                         type == PNG_COLOR_TYPE_RGB ? "RGB" : "RGBA", d,
                         interlace ? " interlaced" : "");
                check_decodes(&m, what, 1, want_rgb_grey, d);
                /* and as RGB: the channels themselves */
                char err[VAE_ERR_LEN];
                uint8_t *px = NULL;
                int w, h, bad = 0;
                CHECK(vae_png_decode(m.buf, m.len, what, 3, VAE_PNG_MAX_PIXELS, &px, &w, &h, err) ==
                      VAE_OK);
                for (int k = 0; px && k < W * H * 3; k++) {
                    int v = rgb_ref(k / 3 % W, k / 3 / W, k % 3);
                    bad += px[k] != (d == 16 ? narrowed(v) : v);
                }
                CHECK_MSG(px && bad == 0, "%s read as RGB: %d samples differ", what, bad);
                free(px);
                free(m.buf);
            }
        }
        for (int d = 1; d <= 8; d *= 2) {
            Enc e = {PNG_COLOR_TYPE_PALETTE, d, interlace, .sample = index_sample, .ctx = &d};
            e.n_palette = 1 << d;
            for (int k = 0; k < e.n_palette; k++) {
                png_byte v = (png_byte)(k * 255 / levels(d));
                e.palette[k] = (png_color){v, v, v};
            }
            Mem m = encode(&e, W, H);
            snprintf(what, sizeof what, "palette %d-bit%s", d, interlace ? " interlaced" : "");
            check_decodes(&m, what, 0, want_grey, d);
            free(m.buf);
        }
    }
}

/* ---- transparency ------------------------------------------------------------------ */

/* A stroke (the middle column band) of ink colour `ink`, fully transparent elsewhere. */
static uint16_t stroke_sample(int x, int y, int c, void *ctx) {
    (void)y;
    int ink = *(int *)ctx, on = x >= 5 && x < 8;
    return (uint16_t)(c == 1 ? (on ? 255 : 0) : (on ? ink : 0));
}

static uint16_t stroke_index(int x, int y, int c, void *ctx) {
    (void)y, (void)c, (void)ctx;
    return x >= 5 && x < 8 ? 1 : 0;
}

static void check_stroke(const Mem *m, const char *what, int ink, int paper) {
    char err[VAE_ERR_LEN];
    uint8_t *px = NULL;
    int w, h, bad = 0;
    CHECK_MSG(vae_png_decode(m->buf, m->len, what, 1, VAE_PNG_MAX_PIXELS, &px, &w, &h, err) ==
                  VAE_OK,
              "%s: %s", what, err);
    for (int k = 0; px && k < W * H; k++)
        bad += px[k] != (k % W >= 5 && k % W < 8 ? ink : paper);
    CHECK_MSG(px && bad == 0, "%s: %d pixels are not ink %d on paper %d", what, bad, ink, paper);
    free(px);
}

static void test_alpha(void) {
    /* black strokes on a transparent sheet (black underneath): white paper */
    int black = 0, white = 255;
    Enc e = {PNG_COLOR_TYPE_GRAY_ALPHA, 8, 0, .sample = stroke_sample, .ctx = &black};
    Mem m = encode(&e, W, H);
    check_stroke(&m, "black ink on transparent", 0, 255);
    free(m.buf);
    /* white strokes on a transparent sheet: black paper */
    e.ctx = &white;
    m = encode(&e, W, H);
    check_stroke(&m, "white ink on transparent", 255, 0);
    free(m.buf);
    /* a palette whose entry 0 is transparent (tRNS) */
    Enc p = {PNG_COLOR_TYPE_PALETTE, 2, 1, .sample = stroke_index};
    p.n_palette = 2;
    p.palette[0] = (png_color){0, 0, 0};
    p.palette[1] = (png_color){10, 10, 10};
    p.trans[0] = 0;
    p.trans[1] = 255;
    p.n_trans = 2;
    m = encode(&p, W, H);
    check_stroke(&m, "palette with a transparent entry", 10, 255);
    free(m.buf);
    /* grey with a transparent value (tRNS): 0 is transparent */
    Enc g = {PNG_COLOR_TYPE_GRAY, 8, 0, .sample = stroke_sample, .ctx = &white};
    g.has_trans_value = 1;
    g.trans_value.gray = 0;
    m = encode(&g, W, H);
    check_stroke(&m, "grey with a transparent value", 255, 0);
    free(m.buf);
}

/* ---- round trips -------------------------------------------------------------------- */

static void test_roundtrip(void) {
    char path[1200], err[VAE_ERR_LEN];
    VaeRng r;
    vae_rng_seed(&r, 7, 7);
    const int w = 37, h = 23;
    uint8_t grey[37 * 23], rgb[37 * 23 * 3];
    for (int i = 0; i < w * h; i++)
        grey[i] = (uint8_t)vae_rng_u32(&r);
    for (int i = 0; i < w * h * 3; i++)
        rgb[i] = (uint8_t)vae_rng_u32(&r);
    uint8_t *px = NULL;
    int rw, rh;
    path_in(path, sizeof path, "grey.png");
    CHECK_MSG(vae_png_write(path, grey, w, h, 1, err) == VAE_OK, "%s", err);
    CHECK_MSG(vae_png_read(path, 1, VAE_PNG_MAX_PIXELS, &px, &rw, &rh, err) == VAE_OK, "%s", err);
    CHECK(px && rw == w && rh == h && !memcmp(px, grey, sizeof grey));
    free(px);
    /* grey read as RGB: three equal channels */
    CHECK(vae_png_read(path, 3, VAE_PNG_MAX_PIXELS, &px, &rw, &rh, err) == VAE_OK);
    int bad = 0;
    for (int i = 0; px && i < w * h * 3; i++)
        bad += px[i] != grey[i / 3];
    CHECK(px && bad == 0);
    free(px);
    path_in(path, sizeof path, "rgb.png");
    CHECK_MSG(vae_png_write(path, rgb, w, h, 3, err) == VAE_OK, "%s", err);
    CHECK_MSG(vae_png_read(path, 3, VAE_PNG_MAX_PIXELS, &px, &rw, &rh, err) == VAE_OK, "%s", err);
    CHECK(px && rw == w && rh == h && !memcmp(px, rgb, sizeof rgb));
    free(px);
    /* written band by band: a 64 KB band holds 2,000 rows of 32 bytes; 5,000 rows */
    const int bw = 32, bh = 5000;
    uint8_t *big = malloc((size_t)bw * bh);
    for (int i = 0; i < bw * bh; i++)
        big[i] = (uint8_t)(i % 251 ^ i / 997);
    path_in(path, sizeof path, "tall.png");
    CHECK_MSG(vae_png_write(path, big, bw, bh, 1, err) == VAE_OK, "%s", err);
    CHECK(vae_png_read(path, 1, VAE_PNG_MAX_PIXELS, &px, &rw, &rh, err) == VAE_OK);
    CHECK(px && rw == bw && rh == bh && !memcmp(px, big, (size_t)bw * bh));
    free(px);
    free(big);
}

/* ---- broken files -------------------------------------------------------------------- */

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A copy of m with IHDR's width and height replaced (and its CRC made right again). */
static uint8_t *with_size(const Mem *m, uint32_t w, uint32_t h) {
    uint8_t *b = malloc(m->len);
    memcpy(b, m->buf, m->len);
    put_be32(b + 16, w);
    put_be32(b + 20, h);
    put_be32(b + 29, (uint32_t)crc32(0L, b + 12, 17));
    return b;
}

static void expect_refused(const uint8_t *b, size_t n, const char *name, const char *needle) {
    char err[VAE_ERR_LEN] = "";
    uint8_t *px = (uint8_t *)"x";
    int w = -1, h = -1;
    VaeStatus st = vae_png_decode(b, n, name, 1, VAE_PNG_MAX_PIXELS, &px, &w, &h, err);
    CHECK_MSG(st == VAE_ERR_FORMAT, "%s: status %d", name, st);
    CHECK_MSG(px == NULL && w == 0 && h == 0, "%s: outputs not cleared", name);
    CHECK_MSG(strstr(err, name) && (!needle || strstr(err, needle)), "%s: \"%s\"", name, err);
}

static void test_broken(void) {
    int d = 8;
    Enc e = {PNG_COLOR_TYPE_GRAY, 8, 0, .sample = grey_sample, .ctx = &d};
    Mem m = encode(&e, W, H);
    char name[64];
    /* every proper prefix: the file must be whole, up to IEND */
    int refused = 0;
    for (size_t n = 0; n < m.len; n++) {
        char err[VAE_ERR_LEN];
        uint8_t *px = NULL;
        int w, h;
        snprintf(name, sizeof name, "cut-%zu.png", n);
        if (vae_png_decode(m.buf, n, name, 1, VAE_PNG_MAX_PIXELS, &px, &w, &h, err) ==
                VAE_ERR_FORMAT &&
            strstr(err, name))
            refused++;
        free(px);
    }
    CHECK_MSG(refused == (int)m.len, "%d of %zu truncations refused", refused, m.len);
    expect_refused(m.buf, 0, "empty.png", "empty");
    expect_refused((const uint8_t *)"GIF89a\1\0\1\0\0\0\0;", 14, "gif.png", "not a PNG");
    expect_refused((const uint8_t *)"hello, world", 12, "text.png", "not a PNG");
    uint8_t *b = with_size(&m, 100000, 100000);
    expect_refused(b, m.len, "huge.png", "limit");
    free(b);
    b = with_size(&m, 70000, 1); /* few pixels, but a side over the limit */
    expect_refused(b, m.len, "wide.png", "limit");
    free(b);
    b = with_size(&m, 0, H);
    expect_refused(b, m.len, "zero.png", "0x");
    free(b);
    /* a byte of the image data flipped: the CRC, and with the CRC fixed, zlib's check */
    b = malloc(m.len);
    memcpy(b, m.buf, m.len);
    size_t idat = 33; /* signature 8 + IHDR 25: the IDAT chunk's length field */
    CHECK(!memcmp(b + idat + 4, "IDAT", 4));
    uint32_t n = (uint32_t)b[idat] << 24 | b[idat + 1] << 16 | b[idat + 2] << 8 | b[idat + 3];
    b[idat + 8 + n / 2] ^= 0x55;
    expect_refused(b, m.len, "crc.png", "bad PNG data");
    put_be32(b + idat + 8 + n, (uint32_t)crc32(0L, b + idat + 4, n + 4));
    expect_refused(b, m.len, "zlib.png", "bad PNG data");
    free(b);
    /* the limit is the caller's */
    char err[VAE_ERR_LEN];
    uint8_t *px = NULL;
    int w, h;
    CHECK(vae_png_decode(m.buf, m.len, "small.png", 1, W * H - 1, &px, &w, &h, err) ==
              VAE_ERR_FORMAT &&
          strstr(err, "limit"));
    CHECK(vae_png_decode(m.buf, m.len, "small.png", 1, W * H, &px, &w, &h, err) == VAE_OK);
    free(px);
    CHECK(vae_png_decode(m.buf, m.len, "x.png", 2, W * H, &px, &w, &h, err) == VAE_ERR_ARG);
    free(m.buf);
    /* files: missing, a directory */
    char path[1200];
    path_in(path, sizeof path, "missing.png");
    CHECK(vae_png_read(path, 1, VAE_PNG_MAX_PIXELS, &px, &w, &h, err) == VAE_ERR_IO &&
          strstr(err, path));
    CHECK(vae_png_read(dir, 1, VAE_PNG_MAX_PIXELS, &px, &w, &h, err) != VAE_OK && strstr(err, dir));
}

int main(void) {
    snprintf(dir, sizeof dir, "%s/png_test", check_tmpdir());
    mkdir(dir, 0755);
    make_ref();
    test_colour_types();
    test_alpha();
    test_roundtrip();
    test_broken();
    return CHECK_DONE();
}
