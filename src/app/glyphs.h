/* A font's glyphs, rendered once each (SDL_ttf) and kept as coverage masks, and strings
 * composed from them with the font's kerning. A string drawn for the first time costs a
 * few copies of small masks instead of SDL_ttf's shaping of the whole string, so a frame
 * full of new numbers (a new snapshot, the first frame) stays cheap. */
#ifndef APP_GLYPHS_H
#define APP_GLYPHS_H

#include <SDL_ttf.h>
#include <stdint.h>

typedef struct AppGlyph AppGlyph;

typedef struct {
    TTF_Font *font;
    int height;     /* of every glyph's cell: the rows SDL_ttf renders a glyph into */
    AppGlyph *slot; /* open addressing by code point */
    int cap, used;
    /* kerning of ASCII pairs (prev << 7 | next), APP_KERN_UNKNOWN until asked: SDL_ttf
     * looks both glyphs up again on every call, and a frame measures hundreds of pairs */
    int8_t *kern;
} AppGlyphs;

int app_glyphs_init(AppGlyphs *g, TTF_Font *font); /* 0, or -1 out of memory */
void app_glyphs_free(AppGlyphs *g);
/* Render the glyphs of printable ASCII and the few other characters the window writes
 * (sigma, mu, subscripts...) now, before the first frame. */
void app_glyphs_warm(AppGlyphs *g);
/* The width of UTF-8 s in pixels (its cell: advances, kerning, the last glyph's overhang). */
int app_glyphs_width(AppGlyphs *g, const char *s);
/* s in colour rgb into an ARGB surface of its width and the font's height (alpha is the
 * coverage): NULL if empty or out of memory. The caller frees it. */
SDL_Surface *app_glyphs_render(AppGlyphs *g, const char *s, uint32_t rgb);

#endif
