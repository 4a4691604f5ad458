/* Animated GIF through giflib (see gif.h). */
#include "gif.h"

#include <gif_lib.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

struct VaeGif {
    GifFileType *gif;
    ColorMapObject *map;
    int w, h;
    uint8_t *buf; /* the stream so far */
    size_t n, cap;
    int oom;
};

void vae_gif_palette_init(VaeGifPalette *p, const uint32_t *colors, int n) {
    p->n = n;
    memcpy(p->color, colors, (size_t)n * sizeof *colors);
    for (int k = 0; k < (1 << 15); k++) {
        /* the centre of the 15-bit cell */
        int r = (k >> 10 & 31) * 8 + 4, g = (k >> 5 & 31) * 8 + 4, b = (k & 31) * 8 + 4;
        int best = 0, best_d = 1 << 30;
        for (int i = 0; i < n; i++) {
            int dr = r - (int)(colors[i] >> 16 & 255), dg = g - (int)(colors[i] >> 8 & 255);
            int db = b - (int)(colors[i] & 255), d = dr * dr + dg * dg + db * db;
            if (d < best_d) best_d = d, best = i;
        }
        p->lut[k] = (uint8_t)best;
    }
}

void vae_gif_quantize(const VaeGifPalette *p, const uint32_t *argb, uint8_t *idx, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint32_t c = argb[i];
        idx[i] = p->lut[(c >> 9 & 0x7c00) | (c >> 6 & 0x3e0) | (c >> 3 & 0x1f)];
    }
}

/* giflib's writer: append to the buffer. */
static int put(GifFileType *gf, const GifByteType *data, int len) {
    VaeGif *g = gf->UserData;
    if (len < 0 || g->oom) return 0;
    if (g->cap - g->n < (size_t)len) {
        size_t cap = g->cap ? g->cap : 1 << 16;
        while (cap - g->n < (size_t)len)
            cap *= 2;
        uint8_t *b = realloc(g->buf, cap);
        if (!b) {
            g->oom = 1;
            return 0;
        }
        g->buf = b, g->cap = cap;
    }
    memcpy(g->buf + g->n, data, (size_t)len);
    g->n += (size_t)len;
    return len;
}

static VaeStatus gif_fail(VaeGif *g, int code, char *err) {
    return vae_fail(err, g->oom ? VAE_ERR_NOMEM : VAE_ERR_IO, "GIF encoder: %s",
                    g->oom ? "out of memory" : GifErrorString(code));
}

VaeStatus vae_gif_open(VaeGif **out, int w, int h, const VaeGifPalette *p, char err[VAE_ERR_LEN]) {
    *out = NULL;
    if (w < 1 || h < 1 || w > 65535 || h > 65535 || p->n < 2 || p->n > 256)
        return vae_fail(err, VAE_ERR_ARG, "a GIF of %dx%d with %d colours", w, h, p->n);
    VaeGif *g = calloc(1, sizeof *g);
    if (!g) return vae_fail(err, VAE_ERR_NOMEM, "out of memory for a GIF");
    g->w = w, g->h = h;
    int e = 0;
    GifColorType colors[256];
    memset(colors, 0, sizeof colors);
    for (int i = 0; i < p->n; i++)
        colors[i] = (GifColorType){(GifByteType)(p->color[i] >> 16),
                                   (GifByteType)(p->color[i] >> 8), (GifByteType)p->color[i]};
    g->map = GifMakeMapObject(256, colors); /* a power of two: pad to 256 */
    g->gif = g->map ? EGifOpen(g, put, &e) : NULL;
    VaeStatus s = VAE_OK;
    if (!g->gif) {
        s = vae_fail(err, VAE_ERR_NOMEM, "GIF encoder: cannot start (%s)",
                     g->map ? GifErrorString(e) : "out of memory");
        goto fail;
    }
    EGifSetGifVersion(g->gif, true);
    static const GifByteType loop[3] = {1, 0, 0}; /* NETSCAPE2.0: repeat forever */
    if (EGifPutScreenDesc(g->gif, w, h, 8, 0, g->map) == GIF_ERROR ||
        EGifPutExtensionLeader(g->gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
        EGifPutExtensionBlock(g->gif, 11, "NETSCAPE2.0") == GIF_ERROR ||
        EGifPutExtensionBlock(g->gif, 3, loop) == GIF_ERROR ||
        EGifPutExtensionTrailer(g->gif) == GIF_ERROR) {
        s = gif_fail(g, g->gif->Error, err);
        goto fail;
    }
    *out = g;
    return VAE_OK;
fail:
    vae_gif_close(g);
    return s;
}

VaeStatus vae_gif_add(VaeGif *g, const uint8_t *idx, int delay_cs, char err[VAE_ERR_LEN]) {
    GraphicsControlBlock gcb = {DISPOSE_DO_NOT, false, delay_cs, NO_TRANSPARENT_COLOR};
    GifByteType ext[4];
    size_t n = EGifGCBToExtension(&gcb, ext);
    if (EGifPutExtension(g->gif, GRAPHICS_EXT_FUNC_CODE, (int)n, ext) == GIF_ERROR ||
        EGifPutImageDesc(g->gif, 0, 0, g->w, g->h, false, NULL) == GIF_ERROR)
        return gif_fail(g, g->gif->Error, err);
    for (int y = 0; y < g->h; y++)
        if (EGifPutLine(g->gif, (GifPixelType *)idx + (size_t)y * g->w, g->w) == GIF_ERROR)
            return gif_fail(g, g->gif->Error, err);
    return VAE_OK;
}

VaeStatus vae_gif_save(VaeGif *g, const char *path, size_t *bytes, char err[VAE_ERR_LEN]) {
    int e = 0;
    if (EGifCloseFile(g->gif, &e) == GIF_ERROR) { /* frees the GifFileType either way */
        g->gif = NULL;
        return gif_fail(g, e, err);
    }
    g->gif = NULL;
    const void *parts[1] = {g->buf};
    size_t sizes[1] = {g->n};
    if (bytes) *bytes = g->n;
    return vae_file_write_atomic(path, parts, sizes, 1, err);
}

void vae_gif_close(VaeGif *g) {
    if (!g) return;
    if (g->gif) EGifCloseFile(g->gif, NULL);
    GifFreeMapObject(g->map);
    free(g->buf);
    free(g);
}
