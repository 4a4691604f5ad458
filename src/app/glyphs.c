/* The glyph cache and string composition (see glyphs.h). */
#include "glyphs.h"

#include <stdlib.h>
#include <string.h>

#define KERN_UNKNOWN INT8_MIN

struct AppGlyph {
    uint32_t cp; /* 0: empty slot */
    int w, advance;
    int offset;     /* where the cell starts from the pen: a negative left bearing, else 0 */
    uint8_t *alpha; /* (height, w) coverage, NULL for a glyph that renders empty */
};

/* The next code point of UTF-8 *s (advancing it); malformed bytes read as U+FFFD. */
static uint32_t next_cp(const char **s) {
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t c = p[0];
    int n = c < 0x80             ? 0
            : (c & 0xe0) == 0xc0 ? 1
            : (c & 0xf0) == 0xe0 ? 2
            : (c & 0xf8) == 0xf0 ? 3
                                 : -1;
    if (n < 0) {
        (*s)++;
        return 0xfffd;
    }
    c = n == 0 ? c : n == 1 ? c & 0x1f : n == 2 ? c & 0x0f : c & 0x07;
    for (int i = 1; i <= n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *s += i;
            return 0xfffd;
        }
        c = c << 6 | (p[i] & 0x3f);
    }
    *s += n + 1;
    return c;
}

int app_glyphs_init(AppGlyphs *g, TTF_Font *font) {
    memset(g, 0, sizeof *g);
    g->font = font;
    /* SDL_ttf renders a glyph into ascent - descent + 1 rows, one more than the font's
     * height at some sizes, and puts the underscore in that last row */
    int rows = TTF_FontAscent(font) - TTF_FontDescent(font) + 1;
    g->height = rows > TTF_FontHeight(font) ? rows : TTF_FontHeight(font);
    g->cap = 512;
    g->slot = calloc((size_t)g->cap, sizeof *g->slot);
    g->kern = malloc(128 * 128);
    if (!g->slot || !g->kern) return -1;
    memset(g->kern, KERN_UNKNOWN, 128 * 128);
    return 0;
}

void app_glyphs_free(AppGlyphs *g) {
    for (int i = 0; i < g->cap; i++)
        free(g->slot[i].alpha);
    free(g->slot);
    free(g->kern);
    memset(g, 0, sizeof *g);
}

/* Render one glyph's cell (white, blended) and keep its coverage. */
static void render_glyph(AppGlyphs *g, AppGlyph *gl, uint32_t cp) {
    gl->cp = cp;
    int minx, maxx, miny, maxy, adv;
    if (TTF_GlyphMetrics32(g->font, cp, &minx, &maxx, &miny, &maxy, &adv) != 0) adv = 0;
    gl->advance = adv;
    gl->offset = minx < 0 ? minx : 0; /* SDL_ttf shifts such a glyph right in its cell */
    SDL_Surface *s = TTF_RenderGlyph32_Blended(g->font, cp, (SDL_Color){255, 255, 255, 255});
    SDL_Surface *c = s ? SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_ARGB8888, 0) : NULL;
    SDL_FreeSurface(s);
    if (!c) return;
    int h = c->h < g->height ? c->h : g->height;
    gl->w = c->w;
    gl->alpha = calloc((size_t)c->w * (size_t)g->height, 1);
    if (gl->alpha && SDL_LockSurface(c) == 0) {
        for (int y = 0; y < h; y++) {
            const uint32_t *row =
                (const uint32_t *)((const uint8_t *)c->pixels + (size_t)y * c->pitch);
            for (int x = 0; x < c->w; x++)
                gl->alpha[y * c->w + x] = (uint8_t)(row[x] >> 24);
        }
        SDL_UnlockSurface(c);
    }
    SDL_FreeSurface(c);
}

/* The pen's move between prev and cp from the font's kerning (cached for ASCII pairs). */
static int kerning(AppGlyphs *g, uint32_t prev, uint32_t cp) {
    if (prev >= 128 || cp >= 128) return TTF_GetFontKerningSizeGlyphs32(g->font, prev, cp);
    int8_t *k = &g->kern[prev << 7 | cp];
    if (*k == KERN_UNKNOWN) {
        int v = TTF_GetFontKerningSizeGlyphs32(g->font, prev, cp);
        if (v <= KERN_UNKNOWN || v > INT8_MAX) return v; /* never at the window's sizes */
        *k = (int8_t)v;
    }
    return *k;
}

/* The cached glyph of cp (rendered on first use); NULL if the cache is full. */
static const AppGlyph *glyph(AppGlyphs *g, uint32_t cp) {
    unsigned h = (cp * 2654435761u) % (unsigned)g->cap;
    while (g->slot[h].cp && g->slot[h].cp != cp)
        h = (h + 1) % (unsigned)g->cap;
    AppGlyph *gl = &g->slot[h];
    if (gl->cp == cp) return gl;
    if (g->used >= g->cap * 3 / 4) return NULL; /* thousands of distinct glyphs: not text */
    render_glyph(g, gl, cp);
    g->used++;
    return gl;
}

void app_glyphs_warm(AppGlyphs *g) {
    /* the window's own: middle dot, mu, sigma, squared, subscripts, ellipsis, beta, arrows */
    static const uint32_t extra[] = {0xb7,   0x3bc,  0x3c3,  0xb2,   0x3b2,  0x2026, 0x2192,
                                     0x2080, 0x2081, 0x2082, 0x2083, 0x2084, 0x2085, 0x2086,
                                     0x2087, 0x2088, 0x2089, 0x2096, 0xd7,   0x2248};
    for (uint32_t cp = 32; cp < 127; cp++)
        glyph(g, cp);
    for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
        glyph(g, extra[i]);
}

int app_glyphs_width(AppGlyphs *g, const char *s) {
    int pen = 0, right = 0;
    uint32_t prev = 0;
    while (*s) {
        uint32_t cp = next_cp(&s);
        const AppGlyph *gl = glyph(g, cp);
        if (!gl) continue;
        if (prev) pen += kerning(g, prev, cp);
        if (pen + gl->offset + gl->w > right) right = pen + gl->offset + gl->w;
        pen += gl->advance;
        prev = cp;
    }
    return pen > right ? pen : right;
}

SDL_Surface *app_glyphs_render(AppGlyphs *g, const char *s, uint32_t rgb) {
    int w = app_glyphs_width(g, s), h = g->height;
    if (w <= 0 || h <= 0) return NULL;
    SDL_Surface *out = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!out) return NULL;
    uint8_t *cov = calloc((size_t)w * (size_t)h, 1);
    if (!cov) {
        SDL_FreeSurface(out);
        return NULL;
    }
    int pen = 0;
    uint32_t prev = 0;
    while (*s) {
        uint32_t cp = next_cp(&s);
        const AppGlyph *gl = glyph(g, cp);
        if (!gl) continue;
        if (prev) pen += kerning(g, prev, cp);
        int x0 = pen + gl->offset;
        for (int y = 0; gl->alpha && y < h; y++)
            for (int x = x0 < 0 ? -x0 : 0; x < gl->w && x0 + x < w; x++) {
                uint8_t a = gl->alpha[y * gl->w + x], *d = &cov[y * w + x0 + x];
                if (a > *d) *d = a; /* overlapping cells: the darker ink */
            }
        pen += gl->advance;
        prev = cp;
    }
    for (int y = 0; y < h; y++) {
        uint32_t *row = (uint32_t *)((uint8_t *)out->pixels + (size_t)y * out->pitch);
        for (int x = 0; x < w; x++)
            row[x] = (uint32_t)cov[y * w + x] << 24 | (rgb & 0xffffffu);
    }
    free(cov);
    return out;
}
