/* Whole-file helpers shared by the writers: atomic durable replace and PNG output. */
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

/* 8-bit greyscale (channels 1) or RGB (channels 3) PNG, written atomically via zlib. */
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

#endif
