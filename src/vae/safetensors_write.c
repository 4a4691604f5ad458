/* The safetensors writer: a header the reference implementation reads (metadata first,
 * tensors in the given order, data aligned to 8 bytes), tensors from floats, bytes or
 * chunks gathered without a copy, written atomically (vae_file_write_atomic). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "safetensors.h"

typedef struct {
    char *p;
    size_t n, cap;
    int oom;
} Text;

static void put(Text *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->cap - b->n < n + 1) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->n < n + 1) {
            if (cap > SIZE_MAX / 2) {
                b->oom = 1;
                return;
            }
            cap *= 2;
        }
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void put_str(Text *b, const char *s) {
    put(b, s, strlen(s));
}

static void put_json_str(Text *b, const char *s) {
    put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(b, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(b, esc, 6);
        } else {
            put(b, (const char *)&c, 1);
        }
    }
    put(b, "\"", 1);
}

/* Tensor i's header entry into h, its data as parts[*np...] (one, or one per chunk). */
static VaeStatus put_tensor(Text *h, const VaeStWriteTensor *t, int i, uint64_t *pos,
                            const void **parts, size_t *sizes, int *np, const char *path,
                            char *err) {
    if (!t->name || !vae_st_utf8_valid((const uint8_t *)t->name, strlen(t->name)) ||
        !strcmp(t->name, "__metadata__"))
        return vae_fail(err, VAE_ERR_ARG, "cannot write %s: tensor %d has a bad name", path, i);
    if (t->ndim < 0 || t->ndim > VAE_ST_MAX_DIMS)
        return vae_fail(err, VAE_ERR_ARG, "cannot write %s: tensor \"%s\" has %d dimensions", path,
                        t->name, t->ndim);
    uint64_t nelem = 1, esize = vae_st_dtype_size(t->dtype);
    char num[48];
    put_json_str(h, t->name);
    put_str(h, ":{\"dtype\":\"");
    put_str(h, vae_st_dtype_name(t->dtype));
    put_str(h, "\",\"shape\":[");
    for (int d = 0; d < t->ndim; d++) {
        int64_t v = t->shape[d];
        if (v < 0 || (v != 0 && nelem > (SIZE_MAX / esize) / (uint64_t)v))
            return vae_fail(err, VAE_ERR_ARG, "cannot write %s: tensor \"%s\" has a bad shape",
                            path, t->name);
        nelem *= (uint64_t)v;
        snprintf(num, sizeof num, "%s%" PRId64, d ? "," : "", v);
        put_str(h, num);
    }
    uint64_t nbytes = nelem * esize;
    const void *one = t->bytes ? t->bytes : t->dtype == VAE_ST_F32 ? (const void *)t->data : NULL;
    int missing = t->n_chunks ? nelem % (uint64_t)t->n_chunks != 0 : nbytes && !one;
    for (int k = 0; k < t->n_chunks; k++)
        missing |= nbytes && !t->chunks[k];
    if (nbytes > SIZE_MAX - *pos || missing)
        return vae_fail(err, VAE_ERR_ARG,
                        "cannot write %s: tensor \"%s\" has no data or is too large", path,
                        t->name);
    snprintf(num, sizeof num, "%" PRIu64 ",%" PRIu64, *pos, *pos + nbytes);
    put_str(h, "],\"data_offsets\":[");
    put_str(h, num);
    put_str(h, "]}");
    if (t->n_chunks == 0) {
        parts[*np] = one;
        sizes[(*np)++] = (size_t)nbytes;
    }
    for (int k = 0; k < t->n_chunks; k++) {
        parts[*np] = t->chunks[k];
        sizes[(*np)++] = (size_t)(nbytes / (uint64_t)t->n_chunks);
    }
    *pos += nbytes;
    return VAE_OK;
}

VaeStatus vae_st_write(const char *path, const VaeStWriteTensor *tensors, int n_tensors,
                       const VaeStMeta *meta, int n_meta, char err[VAE_ERR_LEN]) {
    if (!path || n_tensors < 0 || n_meta < 0 || (n_tensors && !tensors) || (n_meta && !meta))
        return vae_fail(err, VAE_ERR_ARG, "vae_st_write: bad arguments");

    VaeStatus s = VAE_ERR_ARG;
    Text h = {0};
    const void **parts = NULL;
    size_t *sizes = NULL;
    size_t nn = (size_t)(n_tensors > n_meta ? n_tensors : n_meta), n_parts = 2;
    for (int i = 0; i < n_tensors; i++) {
        int k = tensors[i].n_chunks;
        if (k < 0 || (k > 0 && !tensors[i].chunks) || (unsigned)tensors[i].dtype > VAE_ST_U8)
            return vae_fail(err, VAE_ERR_ARG, "cannot write %s: tensor %d has bad chunks or dtype",
                            path, i);
        n_parts += k > 0 ? (size_t)k : 1;
    }
    const char **names = malloc((nn ? nn : 1) * sizeof *names);
    parts = malloc(n_parts * sizeof *parts);
    sizes = malloc(n_parts * sizeof *sizes);
    if (!names || !parts || !sizes) {
        s = vae_fail(err, VAE_ERR_NOMEM, "cannot write %s: out of memory", path);
        goto fail;
    }

    for (int i = 0; i < n_meta; i++) {
        const VaeStMeta *m = &meta[i];
        if (!m->key || !m->value || !vae_st_utf8_valid((const uint8_t *)m->key, strlen(m->key)) ||
            !vae_st_utf8_valid((const uint8_t *)m->value, strlen(m->value))) {
            s = vae_fail(err, VAE_ERR_ARG,
                         "cannot write %s: metadata entry %d is NULL or not UTF-8", path, i);
            goto fail;
        }
        names[i] = m->key;
    }
    const char *dup = vae_st_find_dup(names, (size_t)n_meta);
    if (dup) {
        s = vae_fail(err, VAE_ERR_ARG, "cannot write %s: metadata key \"%s\" given twice", path,
                     dup);
        goto fail;
    }

    put_str(&h, "{");
    if (n_meta > 0) {
        put_str(&h, "\"__metadata__\":{");
        for (int i = 0; i < n_meta; i++) {
            if (i) put_str(&h, ",");
            put_json_str(&h, meta[i].key);
            put_str(&h, ":");
            put_json_str(&h, meta[i].value);
        }
        put_str(&h, "}");
    }
    uint64_t pos = 0;
    int np = 2; /* parts[0] and [1]: the length and the header */
    for (int i = 0; i < n_tensors; i++) {
        put_str(&h, n_meta > 0 || i > 0 ? "," : "");
        if ((s = put_tensor(&h, &tensors[i], i, &pos, parts, sizes, &np, path, err)) != VAE_OK)
            goto fail;
        names[i] = tensors[i].name;
    }
    put_str(&h, "}");
    if ((dup = vae_st_find_dup(names, (size_t)n_tensors))) {
        s = vae_fail(err, VAE_ERR_ARG, "cannot write %s: tensor \"%s\" given twice", path, dup);
        goto fail;
    }
    while (!h.oom && (8 + h.n) % 8 != 0) /* the reference aligns the data section to 8 */
        put_str(&h, " ");
    if (h.oom || h.n > VAE_ST_MAX_HEADER) {
        s = vae_fail(err, VAE_ERR_NOMEM, "cannot write %s: header too large", path);
        goto fail;
    }

    uint8_t len8[8];
    for (int i = 0; i < 8; i++)
        len8[i] = (uint8_t)((uint64_t)h.n >> (8 * i));
    parts[0] = len8;
    sizes[0] = 8;
    parts[1] = h.p;
    sizes[1] = h.n;
    s = vae_file_write_atomic(path, parts, sizes, np, err);

fail:
    free(h.p);
    free(names);
    free(parts);
    free(sizes);
    return s;
}
