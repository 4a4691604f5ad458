/* A 5x7 bitmap font of digits, capitals and a little punctuation, scaled by whole pixels:
 * the step counter and labels of `vae animate` without a font library. Lower case is
 * drawn as upper case, anything else unknown as '?'. */
#ifndef VAE_BITFONT_H
#define VAE_BITFONT_H

#include <stdint.h>

#define VAE_BITFONT_H_PX 7 /* glyph height; each glyph is 5 wide plus 1 of spacing */

/* Width of s in pixels at scale. */
int vae_bitfont_width(const char *s, int scale);
/* Draw s with its top-left at (x, y) into pixels (w, h) ARGB, clipped. */
void vae_bitfont_draw(uint32_t *px, int w, int h, int x, int y, int scale, uint32_t argb,
                      const char *s);

#endif
