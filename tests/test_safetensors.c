/* Tests for safetensors.c and fileio.c: bit-exact round trips, the on-disk header layout,
 * F16 widening, raw dtypes (F16, I64, U8) and chunked writes, a table of hostile files (each must
 * fail with a sentence naming the file), atomic replacement, bounded reads, and the PNG writer. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "fileio.h"
#include "rng.h"
#include "safetensors.h"

static char dir[1024]; /* our own scratch directory under VAE_TMP */

static void path_in(char *out, size_t n, const char *name) {
    snprintf(out, n, "%s/%s", dir, name);
}

static void write_raw(const char *path, const void *buf, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) {
        CHECK_MSG(0, "cannot create %s", path);
        return;
    }
    CHECK(fwrite(buf, 1, n, f) == n);
    fclose(f);
}

/* Remove everything in dir (files and empty directories), leaving dir itself. */
static void clean_dir(const char *d) {
    DIR *dp = opendir(d);
    if (!dp) return;
    struct dirent *e;
    char p[2048];
    while ((e = readdir(dp))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(p, sizeof p, "%s/%s", d, e->d_name);
        if (unlink(p) != 0) rmdir(p);
    }
    closedir(dp);
}

static int count_entries(const char *d) {
    DIR *dp = opendir(d);
    if (!dp) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(dp);
    return n;
}

static float f_bits(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* A safetensors image: 8-byte LE length of json, json, then data_len bytes of data. */
static uint8_t *make_file(const char *json, const uint8_t *data, size_t data_len, size_t *len) {
    size_t hl = strlen(json);
    *len = 8 + hl + data_len;
    uint8_t *b = calloc(1, *len + 1);
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)((uint64_t)hl >> (8 * i));
    memcpy(b + 8, json, hl);
    if (data) memcpy(b + 8 + hl, data, data_len);
    return b;
}

/* ---- round trip ---------------------------------------------------------------- */

static void test_roundtrip(void) {
    VaeRng rng;
    vae_rng_seed(&rng, 42, 7);
    float w[15], b[5], scalar = 3.25f, special[10];
    for (int i = 0; i < 15; i++)
        w[i] = f_bits(vae_rng_u32(&rng));
    for (int i = 0; i < 5; i++)
        b[i] = vae_rng_normal(&rng);
    const uint32_t sp[10] = {0x80000000u, 0x00000001u, 0x807fffffu, 0x7f800000u, 0xff800000u,
                             0x7fc00000u, 0x7fa00001u, 0xffffffffu, 0x7f7fffffu, 0x00800000u};
    memcpy(special, sp, sizeof sp);

    VaeStWriteTensor t[6] = {
        {"enc.0.weight", 2, {3, 5}, w},
        {"enc.0.bias", 1, {5}, b},
        {"scalar", 0, {0}, &scalar},
        {"empty", 1, {0}, NULL},
        {"dec.\"q\"\\\xc3\xa9", 1, {10}, special},
        {"empty3", 3, {3, 0, 2}, NULL},
    };
    VaeStMeta meta[3] = {
        {"format", "vae-explorer/1"},
        {"hidden", "512,256"},
        {"weird \"key\"", "line\nbreak\t\"quoted\" \\ \x01 \xc3\xa9"},
    };
    char path[1200], err[VAE_ERR_LEN] = "";
    path_in(path, sizeof path, "rt.safetensors");
    VaeStatus s = vae_st_write(path, t, 6, meta, 3, err);
    CHECK_MSG(s == VAE_OK, "%s", err);

    VaeStFile st;
    s = vae_st_read(&st, path, err);
    CHECK_MSG(s == VAE_OK, "%s", err);
    CHECK(st.n_tensors == 6 && st.n_meta == 3);
    for (int i = 0; i < 6 && i < st.n_tensors; i++) {
        const VaeStTensor *r = &st.tensors[i];
        CHECK(!strcmp(r->name, t[i].name));
        CHECK(r->dtype == VAE_ST_F32 && r->ndim == t[i].ndim);
        size_t nelem = 1;
        for (int d = 0; d < r->ndim; d++) {
            CHECK(r->shape[d] == t[i].shape[d]);
            nelem *= (size_t)t[i].shape[d];
        }
        CHECK(r->nbytes == nelem * 4);
        CHECK(r->data != NULL);
        if (nelem) CHECK_MSG(!memcmp(r->data, t[i].data, nelem * 4), "tensor %s", t[i].name);
    }
    for (int i = 0; i < 3 && i < st.n_meta; i++) {
        CHECK(!strcmp(st.meta[i].key, meta[i].key));
        CHECK(!strcmp(st.meta[i].value, meta[i].value));
    }
    CHECK(vae_st_find(&st, "enc.0.bias") == &st.tensors[1]);
    CHECK(vae_st_find(&st, "nope") == NULL);
    CHECK(vae_st_meta(&st, "hidden") && !strcmp(vae_st_meta(&st, "hidden"), "512,256"));
    CHECK(vae_st_meta(&st, "latent") == NULL);
    vae_st_free(&st);
    CHECK(st.tensors == NULL && st.n_tensors == 0);
    vae_st_free(&st); /* twice is fine */
    vae_st_free(NULL);

    /* The bytes on disk, checked by hand the way another reader would see them. */
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK(vae_file_read_all(path, 1 << 24, &buf, &len, err) == VAE_OK);
    if (!buf || len < 9) return;
    uint64_t hl = 0;
    for (int i = 0; i < 8; i++)
        hl |= (uint64_t)buf[i] << (8 * i);
    CHECK(8 + hl <= len);
    CHECK((8 + hl) % 8 == 0);
    CHECK(buf[8] == '{');
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts((const char *)buf + 8, (size_t)hl, &end, 0);
    CHECK(root && cJSON_IsObject(root));
    for (const char *p = end; p && p < (const char *)buf + 8 + hl; p++)
        CHECK(*p == ' ');
    cJSON *c = root ? root->child : NULL;
    CHECK(c && !strcmp(c->string, "__metadata__"));
    CHECK(c && cJSON_IsString(cJSON_GetObjectItem(c, "format")));
    size_t pos = 0;
    for (int i = 0; i < 6; i++) {
        c = c ? c->next : NULL;
        CHECK(c && !strcmp(c->string, t[i].name));
        if (!c) break;
        CHECK(!strcmp(cJSON_GetObjectItem(c, "dtype")->valuestring, "F32"));
        cJSON *o = cJSON_GetObjectItem(c, "data_offsets");
        size_t b0 = (size_t)cJSON_GetArrayItem(o, 0)->valuedouble;
        size_t b1 = (size_t)cJSON_GetArrayItem(o, 1)->valuedouble;
        CHECK(b0 == pos);
        if (b1 > b0 && 8 + hl + b1 <= len) CHECK(!memcmp(buf + 8 + hl + b0, t[i].data, b1 - b0));
        pos = b1;
    }
    CHECK(8 + hl + pos == len);
    cJSON_Delete(root);
    free(buf);

    /* No tensors, no metadata: "{}" padded to 8. */
    path_in(path, sizeof path, "empty.safetensors");
    CHECK(vae_st_write(path, NULL, 0, NULL, 0, err) == VAE_OK);
    CHECK(vae_file_read_all(path, 1 << 20, &buf, &len, err) == VAE_OK);
    CHECK(len == 16 && buf && !memcmp(buf + 8, "{}      ", 8));
    free(buf);
    CHECK(vae_st_read(&st, path, err) == VAE_OK && st.n_tensors == 0 && st.n_meta == 0);
    vae_st_free(&st);
}

static void test_write_args(void) {
    float x[2] = {1, 2};
    char path[1200], err[VAE_ERR_LEN];
    path_in(path, sizeof path, "args.safetensors");
    VaeStWriteTensor dup[2] = {{"a", 1, {1}, x}, {"a", 1, {1}, x + 1}};
    CHECK(vae_st_write(path, dup, 2, NULL, 0, err) == VAE_ERR_ARG);
    CHECK(strstr(err, "\"a\"") != NULL);
    VaeStWriteTensor bad_ndim = {"a", 9, {1, 1, 1, 1, 1, 1, 1, 1}, x};
    CHECK(vae_st_write(path, &bad_ndim, 1, NULL, 0, err) == VAE_ERR_ARG);
    VaeStWriteTensor neg = {"a", 1, {-1}, x};
    CHECK(vae_st_write(path, &neg, 1, NULL, 0, err) == VAE_ERR_ARG);
    VaeStWriteTensor reserved = {"__metadata__", 1, {1}, x};
    CHECK(vae_st_write(path, &reserved, 1, NULL, 0, err) == VAE_ERR_ARG);
    VaeStWriteTensor nodata = {"a", 1, {2}, NULL};
    CHECK(vae_st_write(path, &nodata, 1, NULL, 0, err) == VAE_ERR_ARG);
    VaeStMeta mdup[2] = {{"k", "1"}, {"k", "2"}};
    CHECK(vae_st_write(path, NULL, 0, mdup, 2, err) == VAE_ERR_ARG);
    CHECK(access(path, F_OK) != 0); /* nothing written */
}

/* ---- F16 ----------------------------------------------------------------------- */

/* Independent reference: the value a half encodes, worked out in double. */
static double half_value(uint16_t h) {
    int sign = h >> 15, exp = (h >> 10) & 31, man = h & 1023;
    double v = exp == 0    ? ldexp(man, -24)
               : exp == 31 ? (man ? NAN : INFINITY)
                           : ldexp(1024 + man, exp - 25);
    return sign ? -v : v;
}

static void test_f16(void) {
    const uint16_t h[10] = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00,
                            0xFC00, 0x8000, 0x03FF, 0x7E00, 0x3555};
    uint8_t data[20 + 8];
    for (int i = 0; i < 10; i++) {
        data[2 * i] = (uint8_t)h[i];
        data[2 * i + 1] = (uint8_t)(h[i] >> 8);
    }
    const float two[2] = {0.5f, -7.0f}; /* an F32 tensor after the F16 one */
    memcpy(data + 20, two, 8);
    size_t len;
    uint8_t *buf = make_file("{\"h\":{\"dtype\":\"F16\",\"shape\":[2,5],\"data_offsets\":[0,20]},"
                             "\"f\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[20,28]}}",
                             data, sizeof data, &len);
    VaeStFile st;
    char err[VAE_ERR_LEN];
    CHECK_MSG(vae_st_parse(&st, buf, len, "f16.safetensors", err) == VAE_OK, "%s", err);
    const VaeStTensor *t = vae_st_find(&st, "h");
    CHECK(t && t->dtype == VAE_ST_F16 && t->nbytes == 20 && t->ndim == 2);
    if (t) {
        const float *v = t->data;
        CHECK(v[0] == 1.0f);
        CHECK(v[1] == -2.0f);
        CHECK(v[2] == 65504.0f);
        CHECK(v[3] == ldexpf(1.0f, -24)); /* smallest subnormal */
        CHECK(isinf(v[4]) && v[4] > 0);
        CHECK(isinf(v[5]) && v[5] < 0);
        CHECK(v[6] == 0.0f && signbit(v[6]));
        CHECK(v[7] == ldexpf(1023.0f, -24)); /* largest subnormal */
        CHECK(isnan(v[8]));
        CHECK(v[9] == 0.333251953125f); /* 0x3555: (1 + 341/1024) / 4, exact */
    }
    t = vae_st_find(&st, "f");
    CHECK(t && t->dtype == VAE_ST_F32 && t->data[0] == 0.5f && t->data[1] == -7.0f);
    vae_st_free(&st);
    free(buf);

    /* Every half against the reference. */
    uint8_t *all = malloc(2 * 65536);
    for (uint32_t i = 0; i < 65536; i++) {
        all[2 * i] = (uint8_t)i;
        all[2 * i + 1] = (uint8_t)(i >> 8);
    }
    buf = make_file("{\"all\":{\"dtype\":\"F16\",\"shape\":[65536],\"data_offsets\":[0,131072]}}",
                    all, 2 * 65536, &len);
    CHECK(vae_st_parse(&st, buf, len, "all.safetensors", err) == VAE_OK);
    int bad = 0;
    for (uint32_t i = 0; st.n_tensors == 1 && i < 65536; i++) {
        double ref = half_value((uint16_t)i);
        float got = st.tensors[0].data[i];
        if (isnan(ref) ? !isnan(got) : ((double)got != ref || !signbit(got) != !signbit(ref)))
            bad++;
    }
    CHECK_MSG(bad == 0, "%d of 65536 halves converted wrongly", bad);
    vae_st_free(&st);
    free(buf);
    free(all);
}

/* ---- raw dtypes and chunked writes ---------------------------------------------- */

/* Halves, 64-bit steps and bytes written from whole buffers and from chunks come back
 * byte for byte through vae_st_parse_raw; the float reader refuses the integer dtypes. */
static void test_raw(void) {
    uint16_t h[6] = {0x3C00, 0x0001, 0x7BFF, 0x8000, 0x7E01, 0xFC00};
    int64_t steps[3] = {0, 5, (int64_t)1 << 40};
    uint8_t labels[5] = {0, 9, 3, 255, 7};
    const void *rows[3] = {h + 4, h, h + 2}; /* gathered out of order: 2 halves each */
    float f[2] = {1.5f, -2.0f};
    VaeStWriteTensor t[5] = {
        {"h", 2, {2, 3}, NULL, VAE_ST_F16, h},
        {"gathered", 2, {3, 2}, NULL, VAE_ST_F16, NULL, rows, 3},
        {"steps", 1, {3}, NULL, VAE_ST_I64, steps},
        {"labels", 1, {5}, NULL, VAE_ST_U8, labels},
        {"f", 1, {2}, f},
    };
    char path[1200], err[VAE_ERR_LEN] = "";
    path_in(path, sizeof path, "raw.safetensors");
    CHECK_MSG(vae_st_write(path, t, 5, NULL, 0, err) == VAE_OK, "%s", err);
    uint8_t *buf = NULL;
    size_t len = 0;
    CHECK(vae_file_read_all(path, 1 << 20, &buf, &len, err) == VAE_OK);
    VaeStFile st;
    CHECK_MSG(vae_st_parse_raw(&st, buf, len, path, err) == VAE_OK, "%s", err);
    const VaeStTensor *r = vae_st_find(&st, "h");
    CHECK(r && r->dtype == VAE_ST_F16 && r->nbytes == 12 && !r->data && !memcmp(r->bytes, h, 12));
    r = vae_st_find(&st, "gathered");
    uint16_t want[6] = {h[4], h[5], h[0], h[1], h[2], h[3]};
    CHECK(r && r->nbytes == 12 && !memcmp(r->bytes, want, 12));
    r = vae_st_find(&st, "steps");
    CHECK(r && r->dtype == VAE_ST_I64 && r->nbytes == 24 && !memcmp(r->bytes, steps, 24));
    r = vae_st_find(&st, "labels");
    CHECK(r && r->dtype == VAE_ST_U8 && r->nbytes == 5 && !memcmp(r->bytes, labels, 5));
    r = vae_st_find(&st, "f");
    CHECK(r && r->dtype == VAE_ST_F32 && !memcmp(r->bytes, f, 8));
    vae_st_free(&st);
    /* the float reader knows I64 and U8 only as dtypes it does not decode */
    CHECK(vae_st_parse(&st, buf, len, path, err) == VAE_ERR_UNSUPPORTED);
    CHECK(strstr(err, "I64") != NULL || strstr(err, "U8") != NULL);
    free(buf);

    VaeStWriteTensor uneven = {"u", 1, {3}, NULL, VAE_ST_F16, NULL, rows, 2};
    CHECK(vae_st_write(path, &uneven, 1, NULL, 0, err) == VAE_ERR_ARG);
    const void *holes[2] = {h, NULL};
    VaeStWriteTensor hole = {"u", 1, {4}, NULL, VAE_ST_F16, NULL, holes, 2};
    CHECK(vae_st_write(path, &hole, 1, NULL, 0, err) == VAE_ERR_ARG);
    VaeStWriteTensor bad_dtype = {"u", 1, {1}, NULL, (VaeStDtype)7, h};
    CHECK(vae_st_write(path, &bad_dtype, 1, NULL, 0, err) == VAE_ERR_ARG);
}

/* ---- hostile inputs ------------------------------------------------------------ */

#define T8(name, off) "\"" name "\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" off "]}"

typedef struct {
    const char *json;
    size_t data_len;
    VaeStatus want; /* VAE_OK here means "any failure" */
    const char *needle;
} Hostile;

static const Hostile hostile[] = {
    {"{not json}", 0, VAE_ERR_FORMAT, "JSON"},
    {"[{\"w\":1}]", 0, VAE_ERR_FORMAT, "'{'"},
    {"  {}", 0, VAE_ERR_FORMAT, "'{'"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offs", 8, VAE_ERR_FORMAT, "JSON"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", 8, VAE_ERR_FORMAT, NULL},
    {"{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8, VAE_ERR_FORMAT, "dtype"},
    {"{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8, VAE_ERR_FORMAT, "shape"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, VAE_ERR_FORMAT, "data_offsets"},
    {"{\"w\":{\"dtype\":\"I8\",\"shape\":[8],\"data_offsets\":[0,8]}}", 8, VAE_ERR_UNSUPPORTED,
     "I8"},
    {"{\"w\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,8]}}", 8, VAE_ERR_UNSUPPORTED,
     "BF16"},
    {"{\"w\":{\"dtype\":\"XYZ\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, VAE_ERR_FORMAT, "XYZ"},
    {"{\"w\":{\"dtype\":4,\"shape\":[2],\"data_offsets\":[0,8]}}", 8, VAE_ERR_FORMAT, "dtype"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, VAE_ERR_FORMAT,
     "shape"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}", 8, VAE_ERR_FORMAT,
     "shape"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[\"2\"],\"data_offsets\":[0,8]}}", 8, VAE_ERR_FORMAT,
     "shape"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", 8, VAE_ERR_FORMAT, "shape"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
     "\"data_offsets\":[0,8]}}",
     8, VAE_ERR_FORMAT, "too large"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,8]}}", 8,
     VAE_ERR_FORMAT, "shape"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,2],\"data_offsets\":[0,8]}}", 8,
     VAE_ERR_FORMAT, "dimensions"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, VAE_ERR_FORMAT, "need"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}", 8, VAE_ERR_FORMAT,
     "pair"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[\"0\",\"8\"]}}", 8, VAE_ERR_FORMAT,
     "pair"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-1,7]}}", 8, VAE_ERR_FORMAT,
     "pair"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, VAE_ERR_FORMAT,
     "before"},
    {"{" T8("a", "0,8") "," T8("b", "12,20") "}", 20, VAE_ERR_FORMAT, "hole"},
    {"{" T8("a", "0,8") "," T8("b", "4,12") "}", 12, VAE_ERR_FORMAT, "overlaps"},
    {"{" T8("a", "4,12") "}", 12, VAE_ERR_FORMAT, "hole"},
    {"{" T8("a", "0,8") "}", 12, VAE_ERR_FORMAT, "cover"},
    {"{" T8("a", "0,8") "}", 4, VAE_ERR_FORMAT, "past the end"},
    {"{}", 4, VAE_ERR_FORMAT, "cover"},
    {"{" T8("w", "0,8") "," T8("w", "8,16") "}", 16, VAE_ERR_FORMAT, "twice"},
    {"{\"__metadata__\":{\"epoch\":3}," T8("w", "0,8") "}", 8, VAE_ERR_FORMAT, "__metadata__"},
    {"{\"__metadata__\":\"x\"," T8("w", "0,8") "}", 8, VAE_ERR_FORMAT, "__metadata__"},
    {"{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, VAE_ERR_FORMAT, "\"k\""},
    {"{\"__metadata__\":{},\"__metadata__\":{}}", 0, VAE_ERR_FORMAT, "__metadata__"},
    {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}", 8,
     VAE_ERR_FORMAT, "extra"},
    {"{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
     VAE_ERR_FORMAT, "twice"},
    {"{\"w\":5}", 0, VAE_ERR_FORMAT, "\"w\""},
    {"{" T8("w", "0,8") "} x", 8, VAE_ERR_FORMAT, "after"},
    {"{\"\xff\":{}}", 0, VAE_ERR_FORMAT, "UTF-8"},
    {"{\"\xc0\xaf\":{}}", 0, VAE_ERR_FORMAT, "UTF-8"},
};

/* Parse in memory and from a file; both must fail cleanly and name the input. */
static void expect_fail(const uint8_t *buf, size_t len, int idx, VaeStatus want,
                        const char *needle) {
    char name[64], path[1200], err[VAE_ERR_LEN];
    snprintf(name, sizeof name, "hostile-%02d.safetensors", idx);
    VaeStFile st;
    memset(err, 0, sizeof err);
    VaeStatus s = vae_st_parse(&st, buf, len, name, err);
    CHECK_MSG(s != VAE_OK, "case %d parsed", idx);
    if (want != VAE_OK)
        CHECK_MSG(s == want, "case %d: status %s, want %s (%s)", idx, vae_status_str(s),
                  vae_status_str(want), err);
    CHECK_MSG(strstr(err, name) != NULL, "case %d: error does not name the file: %s", idx, err);
    if (needle)
        CHECK_MSG(strstr(err, needle) != NULL, "case %d: error lacks \"%s\": %s", idx, needle, err);
    CHECK(st.n_tensors == 0 && st.tensors == NULL && st.meta == NULL);
    vae_st_free(&st);

    path_in(path, sizeof path, name);
    write_raw(path, buf, len);
    s = vae_st_read(&st, path, err);
    CHECK_MSG(s != VAE_OK && strstr(err, path) != NULL, "case %d from file: %s", idx, err);
    vae_st_free(&st);
    unlink(path);
}

static void test_hostile(void) {
    uint8_t zeros[64] = {0};
    int idx = 0;
    expect_fail(zeros, 0, idx++, VAE_ERR_FORMAT, "too short");
    expect_fail(zeros, 7, idx++, VAE_ERR_FORMAT, "too short");

    uint8_t raw[16] = {0};
    raw[0] = 9; /* header of 9 bytes in a 16-byte file */
    expect_fail(raw, sizeof raw, idx++, VAE_ERR_FORMAT, "past the end");
    memset(raw, 0, 8);
    raw[7] = 0x80; /* 2^63 */
    expect_fail(raw, sizeof raw, idx++, VAE_ERR_FORMAT, NULL);
    memset(raw, 0xff, 8); /* 2^64 - 1 */
    expect_fail(raw, sizeof raw, idx++, VAE_ERR_FORMAT, NULL);
    uint64_t big = (uint64_t)VAE_ST_MAX_HEADER + 1;
    for (int i = 0; i < 8; i++)
        raw[i] = (uint8_t)(big >> (8 * i));
    expect_fail(raw, sizeof raw, idx++, VAE_ERR_FORMAT, "limit");
    memset(raw, 0, sizeof raw); /* zero-length header */
    expect_fail(raw, sizeof raw, idx++, VAE_ERR_FORMAT, NULL);

    size_t len;
    uint8_t *buf =
        make_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", NULL, 4, &len);
    buf[8 + 5] = '\0'; /* NUL inside the header */
    expect_fail(buf, len, idx++, VAE_ERR_FORMAT, NULL);
    free(buf);

    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        buf = make_file(hostile[i].json, zeros, hostile[i].data_len, &len);
        expect_fail(buf, len, idx++, hostile[i].want, hostile[i].needle);
        free(buf);
    }
    printf("%d hostile inputs rejected\n", idx);

    /* Edge cases that are valid and must stay valid. */
    static const struct {
        const char *json;
        size_t data_len;
    } ok[] = {
        {"{}", 0},
        {"{\"__metadata__\":{}}   ", 0},
        {"{" T8("b", "8,16") "," T8("a", "0,8") "}", 16}, /* header order != data order */
        {"{\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
         "\"f\":{\"dtype\":\"F16\",\"shape\":[4,0],\"data_offsets\":[0,0]}," T8("a", "0,8") "}",
         8},
        {"{\"s\":{\"data_offsets\":[0,4],\"shape\":[],\"dtype\":\"F32\"}}\n", 4},
        {"{\"__metadata__\":{\"a\":\"x\\u00e9\\n\"}," T8("w\\u00e9", "0,8") "}", 8},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        buf = make_file(ok[i].json, zeros, ok[i].data_len, &len);
        VaeStFile st;
        char err[VAE_ERR_LEN];
        CHECK_MSG(vae_st_parse(&st, buf, len, "ok.safetensors", err) == VAE_OK, "ok case %zu: %s",
                  i, err);
        vae_st_free(&st);
        free(buf);
    }
    VaeStFile z = {0};
    vae_st_free(&z); /* zeroed struct */
}

/* ---- atomic writes ------------------------------------------------------------- */

static void test_atomic(void) {
    float x[4] = {1, 2, 3, 4};
    VaeStWriteTensor t = {"x", 1, {4}, x};
    char path[1200], sub[1200], err[VAE_ERR_LEN];

    path_in(path, sizeof path, "no-such-dir/m.safetensors");
    CHECK(vae_st_write(path, &t, 1, NULL, 0, err) == VAE_ERR_IO);
    CHECK_MSG(strstr(err, path) != NULL, "%s", err);

    /* Parent is a regular file: fails for root too. */
    path_in(sub, sizeof sub, "plainfile");
    write_raw(sub, "x", 1);
    path_in(path, sizeof path, "plainfile/m.safetensors");
    CHECK(vae_st_write(path, &t, 1, NULL, 0, err) == VAE_ERR_IO);
    CHECK_MSG(strstr(err, path) != NULL && strstr(err, "directory"), "%s", err);
    unlink(sub);

    /* Target is a directory: the temp file is created, then rename fails; it must go. */
    path_in(sub, sizeof sub, "atomic");
    mkdir(sub, 0755);
    path_in(path, sizeof path, "atomic/target.safetensors");
    mkdir(path, 0755);
    CHECK(vae_st_write(path, &t, 1, NULL, 0, err) == VAE_ERR_IO);
    CHECK_MSG(strstr(err, path) != NULL, "%s", err);
    CHECK_MSG(count_entries(sub) == 1, "temp file left behind in %s", sub);
    rmdir(path);

    /* Read-only directory. */
    path_in(sub, sizeof sub, "readonly");
    mkdir(sub, 0755);
    chmod(sub, 0555);
    if (geteuid() == 0) {
        printf("note: running as root, which ignores directory permissions; "
               "read-only directory case skipped\n");
    } else {
        path_in(path, sizeof path, "readonly/m.safetensors");
        CHECK(vae_st_write(path, &t, 1, NULL, 0, err) == VAE_ERR_IO);
        CHECK_MSG(strstr(err, path) != NULL, "%s", err);
        CHECK(count_entries(sub) == 0);
    }
    chmod(sub, 0755);
    rmdir(sub);

    /* Overwrite a large file with a small one: replaced completely, nothing left over. */
    path_in(sub, sizeof sub, "atomic");
    path_in(path, sizeof path, "atomic/over.safetensors");
    static float bigdata[4096];
    VaeStWriteTensor bigt = {"big", 2, {64, 64}, bigdata};
    CHECK(vae_st_write(path, &bigt, 1, NULL, 0, err) == VAE_OK);
    CHECK(vae_st_write(path, &t, 1, NULL, 0, err) == VAE_OK);
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && sb.st_size < 200);
    CHECK((sb.st_mode & 0777) == 0644);
    VaeStFile st;
    CHECK(vae_st_read(&st, path, err) == VAE_OK);
    CHECK(st.n_tensors == 1 && !strcmp(st.tensors[0].name, "x") && st.tensors[0].data[3] == 4.0f);
    vae_st_free(&st);
    CHECK_MSG(count_entries(sub) == 1, "expected only over.safetensors in %s", sub);

    /* A relative path with no directory part. */
    char cwd[1024];
    if (getcwd(cwd, sizeof cwd) && chdir(sub) == 0) {
        CHECK_MSG(vae_st_write("rel.safetensors", &t, 1, NULL, 0, err) == VAE_OK, "%s", err);
        CHECK(access("rel.safetensors", R_OK) == 0);
        CHECK(chdir(cwd) == 0);
    }
}

static void test_read_all(void) {
    char path[1200], err[VAE_ERR_LEN];
    uint8_t *buf = (uint8_t *)"x";
    size_t len = 99;
    path_in(path, sizeof path, "missing.bin");
    CHECK(vae_file_read_all(path, 100, &buf, &len, err) == VAE_ERR_IO);
    CHECK(buf == NULL && len == 0);
    CHECK_MSG(strstr(err, path) && strstr(err, "No such file"), "%s", err);
    CHECK(vae_file_read_all(dir, 100, &buf, &len, err) != VAE_OK);
    CHECK_MSG(strstr(err, dir) != NULL, "%s", err);
    path_in(path, sizeof path, "ten.bin");
    write_raw(path, "0123456789", 10);
    CHECK(vae_file_read_all(path, 9, &buf, &len, err) != VAE_OK && strstr(err, path));
    CHECK(vae_file_read_all(path, 10, &buf, &len, err) == VAE_OK && len == 10);
    CHECK(buf && !memcmp(buf, "0123456789", 10));
    free(buf);
    unlink(path);
}

/* ---- PNG ----------------------------------------------------------------------- */

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void check_png(const char *path, const uint8_t *px, int w, int h, int ch) {
    uint8_t *buf = NULL;
    size_t len = 0;
    char err[VAE_ERR_LEN];
    CHECK(vae_file_read_all(path, 1 << 20, &buf, &len, err) == VAE_OK);
    if (!buf || len < 8 + 25 + 12) return;
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    CHECK(!memcmp(buf, sig, 8));
    uint8_t *idat = malloc(len);
    size_t idat_n = 0, p = 8;
    int saw_end = 0, n_chunks = 0;
    while (p + 12 <= len && !saw_end) {
        uint32_t n = be32(buf + p);
        if (p + 12 + n > len) break;
        const uint8_t *type = buf + p + 4, *body = buf + p + 8;
        CHECK(be32(body + n) == (uint32_t)crc32(0L, type, n + 4));
        if (n_chunks++ == 0) {
            CHECK(!memcmp(type, "IHDR", 4) && n == 13);
            CHECK(be32(body) == (uint32_t)w && be32(body + 4) == (uint32_t)h);
            CHECK(body[8] == 8 && body[9] == (ch == 3 ? 2 : 0));
            CHECK(body[10] == 0 && body[11] == 0 && body[12] == 0);
        } else if (!memcmp(type, "IDAT", 4) && idat && idat_n + n <= len) {
            memcpy(idat + idat_n, body, n);
            idat_n += n;
        } else if (!memcmp(type, "IEND", 4)) {
            CHECK(n == 0);
            saw_end = 1;
        }
        p += 12 + n;
    }
    CHECK(saw_end && p == len);
    size_t row = (size_t)(w * ch);
    uLongf raw_n = (uLongf)((row + 1) * (size_t)h + 1);
    uint8_t *raw = malloc(raw_n);
    CHECK(idat && raw && uncompress(raw, &raw_n, idat, (uLong)idat_n) == Z_OK);
    CHECK(raw_n == (uLongf)(h * (int)(row + 1)));
    for (int y = 0; y < h && raw_n == (uLongf)(h * (int)(row + 1)); y++) {
        CHECK(raw[(size_t)y * (row + 1)] == 0);
        CHECK(!memcmp(raw + (size_t)y * (row + 1) + 1, px + (size_t)y * row, row));
    }
    free(raw);
    free(idat);
    free(buf);
}

typedef struct {
    const uint8_t *px;
    int row, calls, fail_at;
} Rows;

static int give_rows(void *ctx, int y0, int n, uint8_t *dst) {
    Rows *r = ctx;
    if (++r->calls == r->fail_at) return -1;
    memcpy(dst, r->px + (size_t)y0 * (size_t)r->row, (size_t)n * (size_t)r->row);
    return 0;
}

static void test_png(void) {
    char path[1200], err[VAE_ERR_LEN];
    uint8_t grey[6] = {0, 50, 100, 150, 200, 255}, rgb[18];
    for (int i = 0; i < 18; i++)
        rgb[i] = (uint8_t)(i * 14);
    path_in(path, sizeof path, "grey.png");
    CHECK_MSG(vae_png_write(path, grey, 3, 2, 1, err) == VAE_OK, "%s", err);
    check_png(path, grey, 3, 2, 1);
    path_in(path, sizeof path, "rgb.png");
    CHECK_MSG(vae_png_write(path, rgb, 3, 2, 3, err) == VAE_OK, "%s", err);
    check_png(path, rgb, 3, 2, 3);
    CHECK(vae_png_write(path, rgb, 3, 2, 2, err) == VAE_ERR_ARG);
    CHECK(vae_png_write(path, rgb, 0, 2, 1, err) == VAE_ERR_ARG);
    path_in(path, sizeof path, "no-such-dir/x.png");
    CHECK(vae_png_write(path, rgb, 3, 2, 3, err) == VAE_ERR_IO && strstr(err, path));
    /* a window-sized image asked for band by band (a screenshot): 900-byte rows, 72 to a
     * band, 11 bands, one zlib stream */
    const int w = 300, h = 777;
    uint8_t *big = malloc((size_t)w * h * 3);
    VaeRng r;
    vae_rng_seed(&r, 4, 4);
    for (size_t i = 0; i < (size_t)w * h * 3; i++)
        big[i] = (uint8_t)(i % 7 == 0 ? vae_rng_uniform(&r) * 255 : i / 2400);
    Rows rows = {big, w * 3, 0, 0};
    path_in(path, sizeof path, "bands.png");
    CHECK_MSG(vae_png_write_rows(path, w, h, 3, give_rows, &rows, err) == VAE_OK, "%s", err);
    CHECK_MSG(rows.calls == 11, "%d bands", rows.calls);
    check_png(path, big, w, h, 3);
    /* rows that cannot be read: an error, and the earlier file stays as it was */
    Rows broken = {big, w * 3, 0, 5};
    CHECK(vae_png_write_rows(path, w, h, 3, give_rows, &broken, err) == VAE_ERR_IO);
    check_png(path, big, w, h, 3);
    free(big);
}

int main(void) {
    snprintf(dir, sizeof dir, "%s/safetensors_test", check_tmpdir());
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s\n", dir);
        return 1;
    }
    clean_dir(dir);
    test_roundtrip();
    test_write_args();
    test_f16();
    test_raw();
    test_hostile();
    test_atomic();
    test_read_all();
    test_png();
    char sub[1200];
    path_in(sub, sizeof sub, "atomic");
    clean_dir(sub);
    rmdir(sub);
    clean_dir(dir);
    return CHECK_DONE();
}
