/* Whole files in and out: atomic durable replace, bounded reads, and PNG images (png.c,
 * through libpng). */
#ifndef VAE_FILEIO_H
#define VAE_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Write `n_parts` buffers back to back into path atomically: temp file next to path,
 * write, fflush, fsync, rename, fsync the directory. Old file untouched on failure. The
 * temp name is "path.tmp.PID.XXXXXX"; a successful write removes such files left by
 * writers that were killed (their pid no longer exists). */
VaeStatus vae_file_write_atomic(const char *path, const void *const *parts, const size_t *sizes,
                                int n_parts, char err[VAE_ERR_LEN]);

/* Read a whole file into a malloc'd buffer (max_size guards against huge files). */
VaeStatus vae_file_read_all(const char *path, size_t max_size, uint8_t **out, size_t *len,
                            char err[VAE_ERR_LEN]);

/* ---- PNG (png.c) ---------------------------------------------------------------- */

#define VAE_PNG_MAX_SIDE 65535             /* pixels a side, read or written */
#define VAE_PNG_MAX_PIXELS (1L << 24)      /* default read limit: 4096x4096, a phone photo */
#define VAE_PNG_MAX_FILE_BYTES (64L << 20) /* vae_png_read's limit on the file itself */

/* 8-bit greyscale (channels 1) or RGB (channels 3) PNG, written atomically and durably
 * like vae_file_write_atomic: the old file is untouched on any failure. */
VaeStatus vae_png_write(const char *path, const uint8_t *pixels, int w, int h, int channels,
                        char err[VAE_ERR_LEN]);

/* Fills dst with n rows from row y0 (w * channels bytes each, packed); nonzero = failed. */
typedef int (*VaePngRowsFn)(void *ctx, int y0, int n, uint8_t *dst);
/* The same, the rows asked for a band (~64 KB) at a time: an image never held whole,
 * such as a window's screenshot read back from the renderer band by band. */
VaeStatus vae_png_write_rows(const char *path, int w, int h, int channels, VaePngRowsFn rows,
                             void *ctx, char err[VAE_ERR_LEN]);

/* n images (n, h * w) of values in [0, 1] (decoded probabilities; clamped) as one
 * greyscale PNG of tiles, cols to a row (the last row padded black), each image pixel a
 * scale x scale block: the strips and grids of the decoding commands. Streamed band by
 * band, so the tiled image is never held whole. */
VaeStatus vae_png_write_tiles(const char *path, const float *images, int n, int cols, int h, int w,
                              int scale, char err[VAE_ERR_LEN]);

/* Any PNG (grey, grey + alpha, RGB, RGBA, palette; 1 to 16 bits; interlaced or not) as
 * 8-bit grey (channels 1) or RGB (channels 3) into *px (malloc'd, h rows of w * channels
 * bytes). 16-bit samples are rounded to 8; colour becomes grey with Rec. 709 weights;
 * transparent pixels become white under dark ink and black under light ink. An image of
 * more than max_pixels (or VAE_PNG_MAX_SIDE a side) is refused before anything is
 * allocated for it. VAE_ERR_FORMAT with a sentence naming the file for anything that is
 * not a whole, valid PNG. */
VaeStatus vae_png_read(const char *path, int channels, long max_pixels, uint8_t **px, int *w,
                       int *h, char err[VAE_ERR_LEN]);
/* The same from bytes in memory; name is used in messages (the fuzz target's entry). */
VaeStatus vae_png_decode(const uint8_t *buf, size_t len, const char *name, int channels,
                         long max_pixels, uint8_t **px, int *w, int *h, char err[VAE_ERR_LEN]);

#endif
