/* Text: fonts found through fontconfig (DejaVu Sans; VAE_FONT overrides the path) and
 * opened with SDL2_ttf, their glyphs cached (glyphs.h), and a cache of drawn strings as
 * textures so that a frame's text costs a hash lookup and a copy per string; strings
 * unused for a few seconds are dropped. */
#ifndef APP_TEXT_H
#define APP_TEXT_H

#include <SDL.h>
#include <SDL_ttf.h>
#include <stdint.h>

#include "glyphs.h"

typedef enum {
    APP_FONT_SMALL,
    APP_FONT_NORMAL,
    APP_FONT_BOLD,
    APP_FONT_MONO,
    APP_FONT_TITLE,
    APP_FONT_COUNT
} AppFont;

typedef struct AppTextEntry AppTextEntry;

typedef struct {
    SDL_Renderer *ren;
    TTF_Font *font[APP_FONT_COUNT];
    AppGlyphs glyphs[APP_FONT_COUNT];
    int line_h[APP_FONT_COUNT];
    AppTextEntry *table, *spare; /* open addressing; the spare receives the live entries */
    int cap, used;
    unsigned long frame;
} AppText;

typedef enum { APP_ALIGN_LEFT, APP_ALIGN_CENTER, APP_ALIGN_RIGHT } AppAlign;

/* Find the font file: VAE_FONT, else fontconfig's match for family (e.g. "DejaVu Sans",
 * "DejaVu Sans:bold", "DejaVu Sans Mono"). 0 on success with the path in out. */
int app_font_find(const char *family, char *out, int out_len, char *err, int err_len);
/* Open the fonts at a size scaled for the display (scale = pixels per point), with the
 * glyphs of printable ASCII rendered already. */
int app_text_init(AppText *t, SDL_Renderer *ren, float scale, char *err, int err_len);
void app_text_free(AppText *t);
/* Call once per frame: evicts strings unused for a few seconds. */
void app_text_frame(AppText *t);
/* Draw s at (x, y) (top of the line), returns the width drawn in pixels. */
/* c is 0xAARRGGBB (engine/theme.h). */
int app_text_draw(AppText *t, AppFont f, const char *s, int x, int y, uint32_t c, AppAlign a);
int app_text_drawf(AppText *t, AppFont f, int x, int y, uint32_t c, AppAlign a, const char *fmt,
                   ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;
int app_text_width(AppText *t, AppFont f, const char *s);
static inline int app_text_line(const AppText *t, AppFont f) {
    return t->line_h[f];
}

#endif
