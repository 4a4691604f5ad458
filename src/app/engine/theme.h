/* The explorer's colours as 0xAARRGGBB: the class palette (the library's, scatter.h, which
 * `vae animate` draws with too) and the theme. The engine rasterises with them; the front
 * draws with them. */
#ifndef APP_THEME_H
#define APP_THEME_H

#include <stdint.h>

#include "scatter.h"

static inline uint32_t app_class_argb(int k) {
    return vae_class_argb(k);
}

#define APP_ARGB(r, g, b) VAE_ARGB(r, g, b)
#define APP_BG APP_ARGB(16, 18, 23)
#define APP_PANE_BG APP_ARGB(22, 25, 32)
#define APP_GRIDLINE APP_ARGB(34, 39, 50)
#define APP_AXIS APP_ARGB(62, 70, 86)
#define APP_TEXT APP_ARGB(216, 222, 233)
#define APP_DIM APP_ARGB(132, 142, 160)
#define APP_ACCENT APP_ARGB(136, 192, 208)
#define APP_WARN APP_ARGB(235, 120, 110)

#endif
