/* The safetensors reader: it validates every header field the way the reference (Rust)
 * implementation does, so a hostile file fails with one sentence and never a crash; F16 is
 * widened to float32, or every tensor left as raw bytes (vae_st_parse_raw). The writer is
 * safetensors_write.c. */
#include "safetensors.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"

/* Tensor data is copied to and from float arrays as it lies in memory. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors.c assumes a little-endian host"
#endif

/* vae_st_read refuses files above this: far above any model this program trains. */
#define MAX_FILE_BYTES ((uint64_t)1 << 34)
/* Largest integer a JSON number (a double in cJSON) holds exactly. */
#define MAX_EXACT_INT 9007199254740992.0

/* The dtypes we read, by VaeStDtype; the integer ones only raw. */
static const struct {
    const char *name;
    unsigned size;
} dtypes[] = {{"F32", 4}, {"F16", 2}, {"I64", 8}, {"U8", 1}};

const char *vae_st_dtype_name(VaeStDtype d) {
    return dtypes[d].name;
}

size_t vae_st_dtype_size(VaeStDtype d) {
    return dtypes[d].size;
}

/* Valid safetensors dtypes that we do not decode (reported as unsupported, not as junk);
 * I64 and U8 are read by vae_st_parse_raw only. */
static const char *const other_dtypes[] = {
    "BOOL", "U8",  "I8",   "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4",  "F6_E2M3", "F6_E3M2",
    "I16",  "U16", "BF16", "I32",     "U32",     "F64",     "C64", "I64",     "U64",
};

/* ---- helpers ------------------------------------------------------------------- */

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
int vae_st_utf8_valid(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        int k;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0)
            k = 1, cp = c & 0x1f, min = 0x80;
        else if ((c & 0xf0) == 0xe0)
            k = 2, cp = c & 0x0f, min = 0x800;
        else if ((c & 0xf8) == 0xf0)
            k = 3, cp = c & 0x07, min = 0x10000;
        else
            return 0;
        if (n - i <= (size_t)k) return 0;
        for (size_t j = 1; j <= (size_t)k; j++) {
            if ((s[i + j] & 0xc0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + j] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
        i += (size_t)k + 1;
    }
    return 1;
}

/* A JSON number that is a whole, non-negative value small enough to be exact. */
static int json_uint(const cJSON *it, uint64_t *out) {
    if (!cJSON_IsNumber(it)) return 0;
    double d = it->valuedouble;
    if (!(d >= 0.0) || d > MAX_EXACT_INT || d != floor(d)) return 0;
    *out = (uint64_t)d;
    return 1;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first name that occurs twice, or NULL. Reorders names. */
const char *vae_st_find_dup(const char **names, size_t n) {
    if (n < 2) return NULL;
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 1; i < n; i++)
        if (strcmp(names[i - 1], names[i]) == 0) return names[i];
    return NULL;
}

static int cmp_offset(const void *a, const void *b) {
    const VaeStTensor *x = *(const VaeStTensor *const *)a, *y = *(const VaeStTensor *const *)b;
    if (x->offset != y->offset) return x->offset < y->offset ? -1 : 1;
    return x->nbytes < y->nbytes ? -1 : x->nbytes > y->nbytes;
}

static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu, man = h & 0x3ffu, bits;
    if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (man << 13); /* inf, or nan with its payload */
    } else if (exp != 0) {
        bits = sign | ((exp + 112) << 23) | (man << 13);
    } else if (man == 0) {
        bits = sign;
    } else { /* subnormal half: normal in float32 */
        uint32_t e = 113;
        while (!(man & 0x400u)) {
            man <<= 1;
            e--;
        }
        bits = sign | (e << 23) | ((man & 0x3ffu) << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* ---- reading ------------------------------------------------------------------- */

/* Validate one header entry into t; t->name is set first so the caller can free t. */
static VaeStatus parse_tensor(const cJSON *e, VaeStTensor *t, const char *nm, size_t data_len,
                              int raw, char *err) {
    const char *key = e->string;
    t->name = malloc(strlen(key) + 1);
    if (!t->name) return vae_fail(err, VAE_ERR_NOMEM, "%s: out of memory", nm);
    strcpy(t->name, key);
    if (!cJSON_IsObject(e))
        return vae_fail(err, VAE_ERR_FORMAT, "%s: header entry \"%s\" is not an object", nm, key);

    const cJSON *dtype = NULL, *shape = NULL, *offs = NULL, *c;
    cJSON_ArrayForEach(c, e) {
        const cJSON **slot = !strcmp(c->string, "dtype")          ? &dtype
                             : !strcmp(c->string, "shape")        ? &shape
                             : !strcmp(c->string, "data_offsets") ? &offs
                                                                  : NULL;
        if (!slot)
            return vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" has an unknown key \"%s\"", nm,
                            key, c->string);
        if (*slot)
            return vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" has \"%s\" twice", nm, key,
                            c->string);
        *slot = c;
    }
    if (!dtype || !shape || !offs)
        return vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" has no \"%s\"", nm, key,
                        !dtype   ? "dtype"
                        : !shape ? "shape"
                                 : "data_offsets");

    uint64_t size = 0;
    if (!cJSON_IsString(dtype))
        return vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" has a dtype that is not a string",
                        nm, key);
    for (int i = 0; i < (raw ? 4 : 2); i++)
        if (!strcmp(dtype->valuestring, dtypes[i].name)) {
            t->dtype = (VaeStDtype)i;
            size = dtypes[i].size;
        }
    if (!size) {
        for (size_t i = 0; i < sizeof other_dtypes / sizeof *other_dtypes; i++)
            if (!strcmp(dtype->valuestring, other_dtypes[i]))
                return vae_fail(err, VAE_ERR_UNSUPPORTED,
                                "%s: tensor \"%s\" has dtype %s; only %s are supported", nm, key,
                                other_dtypes[i], raw ? "F32, F16, I64 and U8" : "F32 and F16");
        return vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" has an unknown dtype \"%.32s\"", nm,
                        key, dtype->valuestring);
    }

    /* Product in file order with a check at each step, as the reference does. */
    if (!cJSON_IsArray(shape))
        return vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" has a shape that is not an array",
                        nm, key);
    uint64_t nelem = 1;
    t->ndim = 0;
    cJSON_ArrayForEach(c, shape) {
        uint64_t d;
        if (t->ndim == VAE_ST_MAX_DIMS)
            return vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" has more than %d dimensions",
                            nm, key, VAE_ST_MAX_DIMS);
        if (!json_uint(c, &d))
            return vae_fail(
                err, VAE_ERR_FORMAT,
                "%s: tensor \"%s\" has a shape entry that is not a non-negative integer", nm, key);
        if (d != 0 && nelem > UINT64_MAX / d)
            return vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" has a shape too large to store",
                            nm, key);
        nelem *= d;
        t->shape[t->ndim++] = (int64_t)d;
    }
    if (nelem > UINT64_MAX / size)
        return vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" has a shape too large to store", nm,
                        key);
    uint64_t nbytes = nelem * size;

    uint64_t begin, end;
    if (!cJSON_IsArray(offs) || cJSON_GetArraySize(offs) != 2 ||
        !json_uint(cJSON_GetArrayItem(offs, 0), &begin) ||
        !json_uint(cJSON_GetArrayItem(offs, 1), &end))
        return vae_fail(err, VAE_ERR_FORMAT,
                        "%s: tensor \"%s\" data_offsets is not a pair of non-negative integers", nm,
                        key);
    if (begin > end)
        return vae_fail(err, VAE_ERR_FORMAT,
                        "%s: tensor \"%s\" data_offsets [%" PRIu64 ", %" PRIu64
                        "] end before they begin",
                        nm, key, begin, end);
    if (end > data_len)
        return vae_fail(err, VAE_ERR_FORMAT,
                        "%s: tensor \"%s\" data_offsets end at %" PRIu64
                        ", past the end of the data (%zu bytes)",
                        nm, key, end, data_len);
    if (end - begin != nbytes)
        return vae_fail(err, VAE_ERR_FORMAT,
                        "%s: tensor \"%s\" data_offsets span %" PRIu64
                        " bytes but its shape and dtype need %" PRIu64,
                        nm, key, end - begin, nbytes);
    t->offset = (size_t)begin;
    t->nbytes = (size_t)nbytes;
    return VAE_OK;
}

static VaeStatus parse_metadata(VaeStFile *st, const cJSON *m, const char *nm, char *err) {
    if (!cJSON_IsObject(m))
        return vae_fail(err, VAE_ERR_FORMAT, "%s: __metadata__ is not an object", nm);
    const cJSON *c;
    int n = 0;
    cJSON_ArrayForEach(c, m) n++;
    st->meta = calloc(n ? (size_t)n : 1, sizeof *st->meta);
    if (!st->meta) return vae_fail(err, VAE_ERR_NOMEM, "%s: out of memory", nm);
    cJSON_ArrayForEach(c, m) {
        if (!cJSON_IsString(c))
            return vae_fail(err, VAE_ERR_FORMAT, "%s: __metadata__ value of \"%s\" is not a string",
                            nm, c->string);
        VaeStMeta *kv = &st->meta[st->n_meta++];
        size_t kn = strlen(c->string) + 1, vn = strlen(c->valuestring) + 1;
        kv->key = malloc(kn);
        kv->value = malloc(vn);
        if (!kv->key || !kv->value) return vae_fail(err, VAE_ERR_NOMEM, "%s: out of memory", nm);
        memcpy(kv->key, c->string, kn);
        memcpy(kv->value, c->valuestring, vn);
    }
    return VAE_OK;
}

static VaeStatus parse(VaeStFile *st, const uint8_t *buf, size_t len, const char *name, int raw,
                       char *err) {
    if (!st) return vae_fail(err, VAE_ERR_ARG, "vae_st_parse: st is NULL");
    memset(st, 0, sizeof *st);
    const char *nm = name ? name : "(buffer)";
    if (!buf && len) return vae_fail(err, VAE_ERR_ARG, "%s: buffer is NULL", nm);
    if (len < 8)
        return vae_fail(err, VAE_ERR_FORMAT,
                        "%s: %zu bytes is too short for a safetensors file (need at least 8)", nm,
                        len);
    uint64_t hlen = 0;
    for (int i = 0; i < 8; i++)
        hlen |= (uint64_t)buf[i] << (8 * i);
    if (hlen > VAE_ST_MAX_HEADER)
        return vae_fail(err, VAE_ERR_FORMAT,
                        "%s: header length %" PRIu64 " is over the %u-byte limit", nm, hlen,
                        VAE_ST_MAX_HEADER);
    if (hlen > len - 8)
        return vae_fail(err, VAE_ERR_FORMAT,
                        "%s: header length %" PRIu64 " runs past the end of the file (%zu bytes)",
                        nm, hlen, len);
    const uint8_t *hdr = buf + 8, *data = buf + 8 + hlen;
    size_t data_len = len - 8 - (size_t)hlen;
    if (hlen == 0 || hdr[0] != '{')
        return vae_fail(err, VAE_ERR_FORMAT, "%s: header does not start with '{'", nm);
    if (!vae_st_utf8_valid(hdr, (size_t)hlen))
        return vae_fail(err, VAE_ERR_FORMAT, "%s: header is not valid UTF-8", nm);

    VaeStatus s = VAE_ERR_FORMAT;
    cJSON *root = NULL;
    const char **names = NULL;
    VaeStTensor **order = NULL;
    /* A NUL-terminated copy: cJSON never has to be trusted to stop at the length. */
    char *text = malloc((size_t)hlen + 1);
    if (!text) {
        s = vae_fail(err, VAE_ERR_NOMEM, "%s: out of memory for the header", nm);
        goto fail;
    }
    memcpy(text, hdr, (size_t)hlen);
    text[hlen] = '\0';
    const char *end = NULL;
    root = cJSON_ParseWithLengthOpts(text, (size_t)hlen, &end, 0);
    if (!root || !cJSON_IsObject(root)) {
        s = vae_fail(err, VAE_ERR_FORMAT, "%s: header is not a JSON object (error at byte %zu)", nm,
                     end && end >= text ? (size_t)(end - text) : (size_t)0);
        goto fail;
    }
    for (const char *p = end; p < text + hlen; p++) /* the writer pads with spaces */
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            s = vae_fail(err, VAE_ERR_FORMAT, "%s: header has bytes after the JSON object", nm);
            goto fail;
        }

    const cJSON *c, *meta = NULL;
    size_t n = 0;
    cJSON_ArrayForEach(c, root) {
        if (strcmp(c->string, "__metadata__"))
            n++;
        else if (meta) {
            s = vae_fail(err, VAE_ERR_FORMAT, "%s: header has __metadata__ twice", nm);
            goto fail;
        } else
            meta = c;
    }
    if (n > INT32_MAX) {
        s = vae_fail(err, VAE_ERR_FORMAT, "%s: header has too many tensors", nm);
        goto fail;
    }
    if (meta && (s = parse_metadata(st, meta, nm, err)) != VAE_OK) goto fail;
    st->tensors = calloc(n ? n : 1, sizeof *st->tensors);
    size_t n_names = n > (size_t)st->n_meta ? n : (size_t)st->n_meta;
    names = malloc((n_names ? n_names : 1) * sizeof *names);
    order = malloc((n ? n : 1) * sizeof *order);
    if (!st->tensors || !names || !order) {
        s = vae_fail(err, VAE_ERR_NOMEM, "%s: out of memory for %zu tensors", nm, n);
        goto fail;
    }
    cJSON_ArrayForEach(c, root) {
        if (c == meta) continue;
        VaeStTensor *t = &st->tensors[st->n_tensors++];
        if ((s = parse_tensor(c, t, nm, data_len, raw, err)) != VAE_OK) goto fail;
    }

    for (int i = 0; i < st->n_meta; i++)
        names[i] = st->meta[i].key;
    const char *dup = vae_st_find_dup(names, (size_t)st->n_meta);
    if (dup) {
        s = vae_fail(err, VAE_ERR_FORMAT, "%s: __metadata__ has key \"%s\" twice", nm, dup);
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        names[i] = st->tensors[i].name;
    if ((dup = vae_st_find_dup(names, n))) {
        s = vae_fail(err, VAE_ERR_FORMAT, "%s: tensor \"%s\" appears twice", nm, dup);
        goto fail;
    }

    /* Sorted by offset, the tensors must tile the data section exactly. */
    for (size_t i = 0; i < n; i++)
        order[i] = &st->tensors[i];
    qsort(order, n, sizeof *order, cmp_offset);
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (order[i]->offset != pos) {
            s = vae_fail(err, VAE_ERR_FORMAT,
                         "%s: tensor \"%s\" starts at data byte %zu, expected %zu (%s)", nm,
                         order[i]->name, order[i]->offset, pos,
                         order[i]->offset > pos ? "a hole before it" : "it overlaps another");
            goto fail;
        }
        pos += order[i]->nbytes;
    }
    if (pos != data_len) {
        s = vae_fail(err, VAE_ERR_FORMAT,
                     "%s: tensors cover %zu bytes but the data section has %zu", nm, pos, data_len);
        goto fail;
    }

    /* Sizes are now bounded by the file: allocation is at most twice its length. */
    for (size_t i = 0; i < n; i++) {
        VaeStTensor *t = &st->tensors[i];
        if (raw) {
            t->bytes = data + t->offset;
            continue;
        }
        size_t nelem = t->nbytes / (t->dtype == VAE_ST_F32 ? 4 : 2);
        t->data = malloc(nelem ? nelem * sizeof(float) : 1);
        if (!t->data) {
            s = vae_fail(err, VAE_ERR_NOMEM, "%s: out of memory for tensor \"%s\"", nm, t->name);
            goto fail;
        }
        const uint8_t *src = data + t->offset;
        if (t->dtype == VAE_ST_F32) {
            memcpy(t->data, src, t->nbytes);
        } else {
            for (size_t k = 0; k < nelem; k++)
                t->data[k] = half_to_float((uint16_t)(src[2 * k] | src[2 * k + 1] << 8));
        }
    }
    s = VAE_OK;

fail:
    cJSON_Delete(root);
    free(text);
    free(names);
    free(order);
    if (s != VAE_OK) vae_st_free(st);
    return s;
}

VaeStatus vae_st_parse(VaeStFile *st, const uint8_t *buf, size_t len, const char *name,
                       char err[VAE_ERR_LEN]) {
    return parse(st, buf, len, name, 0, err);
}

VaeStatus vae_st_parse_raw(VaeStFile *st, const uint8_t *buf, size_t len, const char *name,
                           char err[VAE_ERR_LEN]) {
    return parse(st, buf, len, name, 1, err);
}

VaeStatus vae_st_read(VaeStFile *st, const char *path, char err[VAE_ERR_LEN]) {
    if (!st || !path) return vae_fail(err, VAE_ERR_ARG, "vae_st_read: bad arguments");
    memset(st, 0, sizeof *st);
    uint8_t *buf = NULL;
    size_t len = 0;
    size_t max = MAX_FILE_BYTES < SIZE_MAX ? (size_t)MAX_FILE_BYTES : SIZE_MAX;
    VaeStatus s = vae_file_read_all(path, max, &buf, &len, err);
    if (s != VAE_OK) return s;
    s = vae_st_parse(st, buf, len, path, err);
    free(buf);
    return s;
}

void vae_st_free(VaeStFile *st) {
    if (!st) return;
    if (st->tensors)
        for (int i = 0; i < st->n_tensors; i++) {
            free(st->tensors[i].name);
            free(st->tensors[i].data);
        }
    if (st->meta)
        for (int i = 0; i < st->n_meta; i++) {
            free(st->meta[i].key);
            free(st->meta[i].value);
        }
    free(st->tensors);
    free(st->meta);
    memset(st, 0, sizeof *st);
}

const VaeStTensor *vae_st_find(const VaeStFile *st, const char *name) {
    if (!st || !name) return NULL;
    for (int i = 0; i < st->n_tensors; i++)
        if (!strcmp(st->tensors[i].name, name)) return &st->tensors[i];
    return NULL;
}

const char *vae_st_meta(const VaeStFile *st, const char *key) {
    if (!st || !key) return NULL;
    for (int i = 0; i < st->n_meta; i++)
        if (!strcmp(st->meta[i].key, key)) return st->meta[i].value;
    return NULL;
}
