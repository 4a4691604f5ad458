/* PNG in and out through libpng: any PNG read into 8-bit grey or RGB within a size limit,
 * and 8-bit grey or RGB written band by band, atomically (tiles of [0, 1] images too: the
 * decoding commands' strips and grids). libpng reports errors by
 * longjmp; every call into it runs under guarded(), the one setjmp of the library, so an
 * error unwinds to there and comes back as a status and libpng's message. */
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

/* ---- the guard ----------------------------------------------------------------- */

typedef struct {
    png_structp png;
    png_infop info;
    char msg[160]; /* libpng's error text */
    /* reading: the PNG bytes */
    const uint8_t *src;
    size_t src_len, src_pos;
    /* writing: the encoded bytes, grown as libpng hands them over */
    uint8_t *out;
    size_t out_len, out_cap;
} PngIo;

static void on_error(png_structp png, png_const_charp msg) {
    PngIo *io = png_get_error_ptr(png);
    snprintf(io->msg, sizeof io->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg) {
    (void)png; /* a library never prints; warnings (bad ancillary chunks) change nothing */
    (void)msg;
}

/* Runs body(io, job) with libpng's errors caught: 0 if it returned, -1 if libpng failed.
 * body keeps everything it allocates in job, so nothing is lost when it is unwound. */
static int guarded(PngIo *io, void (*body)(PngIo *, void *), void *job) {
    if (setjmp(png_jmpbuf(io->png))) return -1;
    body(io, job);
    return 0;
}

static VaeStatus io_status(const PngIo *io) {
    return strstr(io->msg, "memory") || strstr(io->msg, "Memory") ? VAE_ERR_NOMEM : VAE_ERR_FORMAT;
}

/* ---- reading ------------------------------------------------------------------- */

static void source_read(png_structp png, png_bytep dst, size_t n) {
    PngIo *io = png_get_io_ptr(png);
    if (n > io->src_len - io->src_pos) png_error(png, "the file ends early");
    memcpy(dst, io->src + io->src_pos, n);
    io->src_pos += n;
}

typedef struct {
    int channels;    /* 1 or 3: what the caller asked for */
    long max_pixels; /* limit on width * height */
    uint8_t *px;     /* (h, w, channels + 1): grey or RGB, then alpha */
    png_bytep *rows;
    png_uint_32 w, h;
    int too_big;
} ReadJob;

/* Every PNG comes out of libpng as 8-bit grey + alpha or RGB + alpha: palettes and grey
 * below 8 bits expanded, tRNS made an alpha channel, 16 bits rounded to 8, colour made
 * grey (Rec. 709 weights) when grey is asked for, and alpha added
 * (opaque) where there was none. Interlaced images are read whole, in passes. */
static void read_body(PngIo *io, void *arg) {
    ReadJob *j = arg;
    png_set_read_fn(io->png, io, source_read);
    png_read_info(io->png, io->info);
    j->w = png_get_image_width(io->png, io->info);
    j->h = png_get_image_height(io->png, io->info);
    if (j->w > VAE_PNG_MAX_SIDE || j->h > VAE_PNG_MAX_SIDE ||
        (uint64_t)j->w * j->h > (uint64_t)j->max_pixels) {
        j->too_big = 1;
        return;
    }
    int colour = png_get_color_type(io->png, io->info) & PNG_COLOR_MASK_COLOR;
    png_set_expand(io->png);
    png_set_scale_16(io->png);
    if (j->channels == 1 && colour) /* -1: libpng's Rec. 709 weights */
        png_set_rgb_to_gray_fixed(io->png, PNG_ERROR_ACTION_NONE, -1, -1);
    if (j->channels == 3 && !colour) png_set_gray_to_rgb(io->png);
    png_set_add_alpha(io->png, 0xff, PNG_FILLER_AFTER);
    png_set_interlace_handling(io->png);
    png_read_update_info(io->png, io->info);
    size_t row = (size_t)j->w * (size_t)(j->channels + 1);
    if (png_get_rowbytes(io->png, io->info) != row)
        png_error(io->png, "unexpected row size after conversion");
    j->px = malloc(row * j->h);
    j->rows = malloc(sizeof(png_bytep) * j->h);
    if (!j->px || !j->rows) png_error(io->png, "out of memory");
    for (png_uint_32 y = 0; y < j->h; y++)
        j->rows[y] = j->px + row * y;
    png_read_image(io->png, j->rows);
    png_read_end(io->png, NULL); /* the file must be whole: CRCs up to IEND */
}

/* Transparent pixels become the background the ink stands out from: white under dark ink
 * (the usual black strokes on a transparent sheet), black under light ink. px holds
 * (n, c + 1) samples; the result, (n, c), is written over it in place. */
static void composite_alpha(uint8_t *px, size_t n, int c) {
    double lum = 0.0, weight = 0.0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = px + i * (size_t)(c + 1);
        double a = p[c];
        lum += a * (c == 1 ? p[0] : (0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2]));
        weight += a;
    }
    int bg = weight > 0.0 && lum / weight >= 128.0 ? 0 : 255;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = px + i * (size_t)(c + 1);
        unsigned a = p[c];
        for (int k = 0; k < c; k++) /* (v a + bg (255 - a)) / 255, rounded */
            px[i * (size_t)c + (size_t)k] =
                (uint8_t)((p[k] * a + (unsigned)bg * (255u - a) + 127u) / 255u);
    }
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

VaeStatus vae_png_decode(const uint8_t *buf, size_t len, const char *name, int channels,
                         long max_pixels, uint8_t **px, int *w, int *h, char err[VAE_ERR_LEN]) {
    if (!name) name = "(memory)";
    if (!buf || !px || !w || !h || (channels != 1 && channels != 3) || max_pixels < 1)
        return vae_fail(err, VAE_ERR_ARG, "cannot read %s: bad arguments", name);
    *px = NULL;
    *w = *h = 0;
    if (len == 0) return vae_fail(err, VAE_ERR_FORMAT, "%s is empty, not a PNG image", name);
    if (len < 8 || png_sig_cmp(buf, 0, 8) != 0)
        return vae_fail(err, VAE_ERR_FORMAT, "%s is not a PNG image (no PNG signature)", name);
    /* The size, from IHDR, before libpng allocates anything for it. */
    if (len >= 24 && !memcmp(buf + 12, "IHDR", 4)) {
        uint32_t iw = be32(buf + 16), ih = be32(buf + 20);
        if (iw == 0 || ih == 0)
            return vae_fail(err, VAE_ERR_FORMAT, "%s: the PNG header says %ux%u pixels (empty)",
                            name, iw, ih);
        if (iw > VAE_PNG_MAX_SIDE || ih > VAE_PNG_MAX_SIDE ||
            (uint64_t)iw * ih > (uint64_t)max_pixels)
            return vae_fail(err, VAE_ERR_FORMAT,
                            "%s is %ux%u pixels, over the limit of %ld pixels (%d a side)", name,
                            iw, ih, max_pixels, VAE_PNG_MAX_SIDE);
    }
    PngIo io = {0};
    io.src = buf;
    io.src_len = len;
    ReadJob job = {channels, max_pixels, NULL, NULL, 0, 0, 0};
    VaeStatus st = VAE_OK;
    io.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &io, on_error, on_warning);
    if (io.png) io.info = png_create_info_struct(io.png);
    if (!io.png || !io.info) {
        st = vae_fail(err, VAE_ERR_NOMEM, "cannot read %s: out of memory", name);
    } else if (guarded(&io, read_body, &job) != 0) {
        st = vae_fail(err, io_status(&io), "%s: bad PNG data (%s)", name, io.msg);
    } else if (job.too_big) { /* an IHDR that is not the first chunk */
        st = vae_fail(err, VAE_ERR_FORMAT, "%s is %ux%u pixels, over the limit of %ld pixels", name,
                      job.w, job.h, max_pixels);
    }
    png_destroy_read_struct(&io.png, &io.info, NULL);
    free(job.rows);
    if (st != VAE_OK) {
        free(job.px);
        return st;
    }
    size_t n = (size_t)job.w * job.h;
    composite_alpha(job.px, n, channels);
    uint8_t *fit = realloc(job.px, n * (size_t)channels); /* shrinking: may keep the block */
    *px = fit ? fit : job.px;
    *w = (int)job.w;
    *h = (int)job.h;
    return VAE_OK;
}

VaeStatus vae_png_read(const char *path, int channels, long max_pixels, uint8_t **px, int *w,
                       int *h, char err[VAE_ERR_LEN]) {
    uint8_t *buf;
    size_t len;
    VaeStatus st = vae_file_read_all(path, VAE_PNG_MAX_FILE_BYTES, &buf, &len, err);
    if (st != VAE_OK) return st;
    st = vae_png_decode(buf, len, path, channels, max_pixels, px, w, h, err);
    free(buf);
    return st;
}

/* ---- writing ------------------------------------------------------------------- */

static void sink_write(png_structp png, png_bytep data, size_t n) {
    PngIo *io = png_get_io_ptr(png);
    if (n > io->out_cap - io->out_len) {
        size_t cap = io->out_cap ? io->out_cap : 262144;
        while (cap - io->out_len < n && cap <= SIZE_MAX / 2)
            cap *= 2;
        uint8_t *grown = cap - io->out_len >= n ? realloc(io->out, cap) : NULL;
        if (!grown) png_error(png, "out of memory");
        io->out = grown;
        io->out_cap = cap;
    }
    memcpy(io->out + io->out_len, data, n);
    io->out_len += n;
}

static void sink_flush(png_structp png) {
    (void)png;
}

#define PNG_BAND_BYTES 65536 /* rows asked for at a time */

typedef struct {
    int w, h, channels;
    VaePngRowsFn rows;
    void *ctx;
    uint8_t *band;
    int band_rows;
    int rows_failed;
} WriteJob;

static void write_body(PngIo *io, void *arg) {
    WriteJob *j = arg;
    size_t row = (size_t)j->w * (size_t)j->channels;
    png_set_write_fn(io->png, io, sink_write, sink_flush);
    png_set_IHDR(io->png, io->info, (png_uint_32)j->w, (png_uint_32)j->h, 8,
                 j->channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* No row filters: on the explorer's screenshots (flat colours, text) adaptive filtering
     * made the file larger and the write twice as slow (docs/performance.md). */
    png_set_filter(io->png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_compression_level(io->png, 6);
    png_write_info(io->png, io->info);
    for (int y0 = 0; y0 < j->h; y0 += j->band_rows) {
        int n = j->h - y0 < j->band_rows ? j->h - y0 : j->band_rows;
        if (j->rows(j->ctx, y0, n, j->band) != 0) {
            j->rows_failed = 1;
            return;
        }
        for (int y = 0; y < n; y++)
            png_write_row(io->png, j->band + (size_t)y * row);
    }
    png_write_end(io->png, NULL);
}

VaeStatus vae_png_write_rows(const char *path, int w, int h, int channels, VaePngRowsFn rows,
                             void *ctx, char err[VAE_ERR_LEN]) {
    if (!path || !rows || w <= 0 || h <= 0 || (channels != 1 && channels != 3) ||
        w > VAE_PNG_MAX_SIDE || h > VAE_PNG_MAX_SIDE)
        return vae_fail(err, VAE_ERR_ARG, "cannot write %s: bad image arguments (%dx%d, %d ch)",
                        path ? path : "(null)", w, h, channels);
    size_t row = (size_t)w * (size_t)channels;
    WriteJob job = {w, h, channels, rows, ctx, NULL, 0, 0};
    job.band_rows = row < PNG_BAND_BYTES ? (int)(PNG_BAND_BYTES / row) : 1;
    if (job.band_rows > h) job.band_rows = h;
    job.band = malloc((size_t)job.band_rows * row);
    PngIo io = {0};
    VaeStatus st = VAE_OK;
    io.png =
        job.band ? png_create_write_struct(PNG_LIBPNG_VER_STRING, &io, on_error, on_warning) : NULL;
    if (io.png) io.info = png_create_info_struct(io.png);
    if (!io.png || !io.info)
        st = vae_fail(err, VAE_ERR_NOMEM, "cannot write %s: out of memory", path);
    else if (guarded(&io, write_body, &job) != 0)
        st = vae_fail(err, io_status(&io), "cannot write %s: %s", path, io.msg);
    else if (job.rows_failed)
        st = vae_fail(err, VAE_ERR_IO, "cannot write %s: the image rows could not be read", path);
    png_destroy_write_struct(&io.png, &io.info);
    free(job.band);
    if (st == VAE_OK) {
        const void *parts[1] = {io.out};
        size_t sizes[1] = {io.out_len};
        st = vae_file_write_atomic(path, parts, sizes, 1, err);
    }
    free(io.out);
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
