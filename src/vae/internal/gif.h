/* Animated GIF output through giflib: a palette of up to 256 colours with a lookup table
 * from 15-bit RGB to the nearest entry, frames of palette indices, and the finished file
 * written atomically (the stream is built in memory). */
#ifndef VAE_GIF_H
#define VAE_GIF_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct {
    uint32_t color[256]; /* 0xAARRGGBB (alpha ignored) */
    int n;
    uint8_t lut[1 << 15]; /* RGB555 -> the nearest colour's index */
} VaeGifPalette;

/* colors[0..n), n in 2..256; fills the lookup table (nearest in RGB). */
void vae_gif_palette_init(VaeGifPalette *p, const uint32_t *colors, int n);
/* n ARGB pixels to palette indices. */
void vae_gif_quantize(const VaeGifPalette *p, const uint32_t *argb, uint8_t *idx, size_t n);

typedef struct VaeGif VaeGif;

/* A looping animation of w x h frames over palette p (copied). */
VaeStatus vae_gif_open(VaeGif **out, int w, int h, const VaeGifPalette *p, char err[VAE_ERR_LEN]);
/* One frame of w * h indices, shown for delay_cs hundredths of a second. */
VaeStatus vae_gif_add(VaeGif *g, const uint8_t *idx, int delay_cs, char err[VAE_ERR_LEN]);
/* Finish the stream and write it to path atomically; *bytes its size (may be NULL). */
VaeStatus vae_gif_save(VaeGif *g, const char *path, size_t *bytes, char err[VAE_ERR_LEN]);
void vae_gif_close(VaeGif *g); /* NULL is fine */

#endif
