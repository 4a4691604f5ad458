/* IEEE half precision (binary16) storage for floats that are kept but rarely read: the
 * trainer's last good parameters. Round to nearest even; finite floats beyond the half
 * range saturate to +-65504 (a kept value is never made infinite); below 2^-24 they
 * flush to zero. For |x| in [2^-14, 65504] the relative error is at most 2^-11. */
#ifndef VAE_HALF_H
#define VAE_HALF_H

#include <stddef.h>
#include <stdint.h>

void vae_f32_to_f16(const float *src, uint16_t *dst, size_t n);
void vae_f16_to_f32(const uint16_t *src, float *dst, size_t n);

#endif
