/* Fonts through fontconfig and the drawn-string texture cache (see text.h). */
#include "text.h"

#include <fontconfig/fontconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KEY_MAX 160
#define EVICT_FRAMES 180

struct AppTextEntry {
    char key[KEY_MAX]; /* "" = empty slot */
    int font;
    Uint32 rgba;
    SDL_Texture *tex;
    int w, h;
    unsigned long used;
};

int app_font_find(const char *family, char *out, int out_len, char *err, int err_len) {
    const char *env = getenv("VAE_FONT");
    if (env && *env) {
        if (access(env, R_OK) != 0) {
            snprintf(err, (size_t)err_len, "VAE_FONT=%s: cannot read the font file", env);
            return -1;
        }
        snprintf(out, (size_t)out_len, "%s", env);
        return 0;
    }
    if (!FcInit()) {
        snprintf(err, (size_t)err_len, "fontconfig could not be initialised");
        return -1;
    }
    int rc = -1;
    FcPattern *pat = FcNameParse((const FcChar8 *)family);
    if (pat) {
        FcConfigSubstitute(NULL, pat, FcMatchPattern);
        FcDefaultSubstitute(pat);
        FcResult res;
        FcPattern *match = FcFontMatch(NULL, pat, &res);
        FcChar8 *file = NULL;
        if (match && FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch &&
            access((const char *)file, R_OK) == 0) {
            snprintf(out, (size_t)out_len, "%s", (const char *)file);
            rc = 0;
        }
        if (match) FcPatternDestroy(match);
        FcPatternDestroy(pat);
    }
    if (rc != 0)
        snprintf(err, (size_t)err_len,
                 "no font found for '%s' (install fonts-dejavu-core or set VAE_FONT=FILE.ttf)",
                 family);
    return rc;
}

int app_text_init(AppText *t, SDL_Renderer *ren, float scale, char *err, int err_len) {
    memset(t, 0, sizeof *t);
    t->ren = ren;
    static const struct {
        const char *family;
        float pt;
    } spec[APP_FONT_COUNT] = {
        {"DejaVu Sans", 11},      {"DejaVu Sans", 13},      {"DejaVu Sans:bold", 13},
        {"DejaVu Sans Mono", 12}, {"DejaVu Sans:bold", 17},
    };
    if (!TTF_WasInit() && TTF_Init() != 0) {
        snprintf(err, (size_t)err_len, "SDL_ttf: %s", TTF_GetError());
        return -1;
    }
    char path[1024], first[1024] = "";
    for (int i = 0; i < APP_FONT_COUNT; i++) {
        /* The regular face is required; bold and mono fall back to it. */
        if (app_font_find(spec[i].family, path, sizeof path, err, err_len) != 0) {
            if (!first[0]) goto fail;
            snprintf(path, sizeof path, "%s", first);
        }
        if (!first[0]) snprintf(first, sizeof first, "%s", path);
        int px = (int)(spec[i].pt * scale + 0.5f);
        t->font[i] = TTF_OpenFont(path, px);
        if (!t->font[i]) {
            snprintf(err, (size_t)err_len, "cannot open font %s: %s", path, TTF_GetError());
            goto fail;
        }
        TTF_SetFontHinting(t->font[i], TTF_HINTING_LIGHT);
        t->line_h[i] = TTF_FontLineSkip(t->font[i]);
        if (app_glyphs_init(&t->glyphs[i], t->font[i]) != 0) {
            snprintf(err, (size_t)err_len, "out of memory");
            goto fail;
        }
        app_glyphs_warm(&t->glyphs[i]);
    }
    t->cap = 1024;
    t->table = calloc((size_t)t->cap, sizeof *t->table);
    t->spare = calloc((size_t)t->cap, sizeof *t->spare);
    if (!t->table || !t->spare) {
        snprintf(err, (size_t)err_len, "out of memory");
        goto fail;
    }
    return 0;
fail:
    app_text_free(t);
    return -1;
}

static void drop(AppTextEntry *e) {
    if (e->tex) SDL_DestroyTexture(e->tex);
    memset(e, 0, sizeof *e);
}

void app_text_free(AppText *t) {
    for (int i = 0; t->table && i < t->cap; i++)
        drop(&t->table[i]);
    free(t->table);
    free(t->spare);
    for (int i = 0; i < APP_FONT_COUNT; i++) {
        app_glyphs_free(&t->glyphs[i]);
        if (t->font[i]) TTF_CloseFont(t->font[i]);
    }
    memset(t, 0, sizeof *t);
}

static unsigned long hash(const char *s, int font, Uint32 rgba) {
    unsigned long h = 1469598103934665603UL ^ (unsigned long)font ^ ((unsigned long)rgba << 8);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211UL;
    return h;
}

/* Rebuild the table without the stale entries (linear probing needs no tombstones then),
 * into the spare table: no allocation while drawing. */
void app_text_frame(AppText *t) {
    t->frame++;
    if (t->frame % 60 != 0 && t->used < t->cap / 2) return;
    AppTextEntry *old = t->table, *nt = t->spare;
    memset(nt, 0, (size_t)t->cap * sizeof *nt);
    t->table = nt;
    t->spare = old;
    t->used = 0;
    for (int i = 0; i < t->cap; i++) {
        AppTextEntry *e = &old[i];
        if (!e->key[0]) continue;
        if (t->frame - e->used > EVICT_FRAMES || t->used >= t->cap / 2) {
            drop(e);
            continue;
        }
        unsigned long h = hash(e->key, e->font, e->rgba) % (unsigned long)t->cap;
        while (nt[h].key[0])
            h = (h + 1) % (unsigned long)t->cap;
        nt[h] = *e;
        t->used++;
    }
}

static AppTextEntry *lookup(AppText *t, AppFont f, const char *s, uint32_t argb) {
    if (!*s || strlen(s) >= KEY_MAX) return NULL;
    Uint32 rgba = argb << 8 | argb >> 24;
    unsigned long h = hash(s, (int)f, rgba) % (unsigned long)t->cap;
    while (t->table[h].key[0]) {
        AppTextEntry *e = &t->table[h];
        if (e->font == (int)f && e->rgba == rgba && !strcmp(e->key, s)) {
            e->used = t->frame;
            return e;
        }
        h = (h + 1) % (unsigned long)t->cap;
    }
    if (t->used >= t->cap * 3 / 4) return NULL; /* full until the next eviction */
    SDL_Surface *surf = app_glyphs_render(&t->glyphs[f], s, argb);
    if (!surf) return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(t->ren, surf);
    SDL_FreeSurface(surf);
    if (!tex) return NULL;
    AppTextEntry *e = &t->table[h];
    snprintf(e->key, KEY_MAX, "%s", s);
    e->font = (int)f;
    e->rgba = rgba;
    e->tex = tex;
    SDL_QueryTexture(tex, NULL, NULL, &e->w, &e->h);
    e->used = t->frame;
    t->used++;
    return e;
}

int app_text_draw(AppText *t, AppFont f, const char *s, int x, int y, uint32_t c, AppAlign a) {
    AppTextEntry *e = lookup(t, f, s, c);
    if (!e) return 0;
    SDL_Rect r = {x, y, e->w, e->h};
    if (a == APP_ALIGN_CENTER) r.x -= e->w / 2;
    if (a == APP_ALIGN_RIGHT) r.x -= e->w;
    SDL_RenderCopy(t->ren, e->tex, NULL, &r);
    return e->w;
}

int app_text_drawf(AppText *t, AppFont f, int x, int y, uint32_t c, AppAlign a, const char *fmt,
                   ...) {
    char buf[KEY_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return app_text_draw(t, f, buf, x, y, c, a);
}

int app_text_width(AppText *t, AppFont f, const char *s) {
    return app_glyphs_width(&t->glyphs[f], s);
}
