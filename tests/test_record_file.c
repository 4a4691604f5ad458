/* Tests for record_file.c against torn, foreign and hostile recordings: a table of edits
 * of a good file (metadata, shapes, dtypes, steps, labels, weights, events), every cut of
 * it and random bytes are refused with VAE_ERR_FORMAT and a sentence naming the file.
 * `test_record_file --seeds DIR` writes the fuzzer's seed recordings instead. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "fileio.h"
#include "record.h"
#include "record_fixtures.h"
#include "rng.h"

static char dir[1024];

static void path_in(char *out, size_t n, const char *name) {
    snprintf(out, n, "%s/%s", dir, name);
}

/* ---- hostile files ---------------------------------------------------------------------- */

/* A file taken apart: its header as JSON and its data section, to edit and put together. */
typedef struct {
    cJSON *hdr;
    uint8_t *data;
    size_t len;
} Doc;

static int doc_open(Doc *d, const uint8_t *buf, size_t len) {
    uint64_t hl = 0;
    for (int i = 0; i < 8; i++)
        hl |= (uint64_t)buf[i] << (8 * i);
    d->hdr = cJSON_ParseWithLength((const char *)buf + 8, (size_t)hl);
    d->len = len - 8 - (size_t)hl;
    d->data = malloc(d->len + 64);
    if (d->data) memcpy(d->data, buf + 8 + hl, d->len);
    return d->hdr && d->data;
}

static uint8_t *doc_bytes(Doc *d, size_t *len) {
    char *h = cJSON_PrintUnformatted(d->hdr);
    size_t hl = strlen(h);
    *len = 8 + hl + d->len;
    uint8_t *b = malloc(*len);
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)((uint64_t)hl >> (8 * i));
    memcpy(b + 8, h, hl);
    memcpy(b + 8 + hl, d->data, d->len);
    free(h);
    return b;
}

static uint8_t *data_of(Doc *d, const char *name) {
    cJSON *o = cJSON_GetObjectItem(cJSON_GetObjectItem(d->hdr, name), "data_offsets");
    return d->data + (size_t)cJSON_GetArrayItem(o, 0)->valuedouble;
}

static void set_meta(Doc *d, const char *k, const char *v) {
    cJSON *m = cJSON_GetObjectItem(d->hdr, "__metadata__");
    cJSON_DeleteItemFromObject(m, k);
    cJSON_AddStringToObject(m, k, v);
}

static void set_i64(Doc *d, const char *name, int i, int64_t v) {
    memcpy(data_of(d, name) + 8 * i, &v, 8);
}

static void e_foreign(Doc *d) {
    set_meta(d, "format", "pt");
}
static void e_checkpoint(Doc *d) {
    set_meta(d, "format", "vae-explorer/1");
}
static void e_nometa(Doc *d) {
    cJSON_DeleteItemFromObject(d->hdr, "__metadata__");
}
static void e_models0(Doc *d) {
    set_meta(d, "models", "0");
}
static void e_models_junk(Doc *d) {
    set_meta(d, "models", "2x");
}
static void e_frames(Doc *d) {
    set_meta(d, "frames", "4");
}
static void e_points(Doc *d) {
    set_meta(d, "points", "100000000");
}
static void e_latent(Doc *d) {
    set_meta(d, "m0.latent", "3");
}
static void e_kind(Doc *d) {
    set_meta(d, "m1.kind", "vae");
}
static void e_input(Doc *d) {
    set_meta(d, "m1.input", "5,5");
}
static void e_huge(Doc *d) {
    set_meta(d, "m0.hidden", "16384,16384,16384,16384");
    set_meta(d, "m0.input", "1024,1024");
    set_meta(d, "m1.hidden", "16384,16384,16384,16384");
    set_meta(d, "m1.input", "1024,1024");
}
static void e_name(Doc *d) {
    set_meta(d, "m0.name", "a name far longer than forty-seven characters, which is the limit");
}
static void e_extra(Doc *d) {
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "dtype", "F32");
    cJSON_AddItemToObject(t, "shape", cJSON_CreateIntArray((const int[]){1}, 1));
    int offs[2] = {(int)d->len, (int)d->len + 4};
    cJSON_AddItemToObject(t, "data_offsets", cJSON_CreateIntArray(offs, 2));
    cJSON_AddItemToObject(d->hdr, "extra", t);
    memset(d->data + d->len, 0, 4);
    d->len += 4;
}
static void e_rename(Doc *d) {
    cJSON *t = cJSON_DetachItemFromObject(d->hdr, "m0.loss");
    cJSON_AddItemToObject(d->hdr, "m0.losses", t);
}
static void e_dtype(Doc *d) { /* the steps' 24 bytes as six F32 */
    cJSON *t = cJSON_GetObjectItem(d->hdr, "steps");
    cJSON_ReplaceItemInObject(t, "dtype", cJSON_CreateString("F32"));
    cJSON_ReplaceItemInObject(t, "shape", cJSON_CreateIntArray((const int[]){6}, 1));
}
static void e_steps_back(Doc *d) {
    set_i64(d, "steps", 2, 1);
}
static void e_steps_neg(Doc *d) {
    set_i64(d, "steps", 0, -5);
}
static void e_dsteps_same(Doc *d) {
    set_i64(d, "decoder_steps", 1, 0);
}
static void e_curve_back(Doc *d) {
    set_i64(d, "curve_steps", 5, 0);
}
static void e_events_back(Doc *d) {
    set_i64(d, "event_steps", 1, 0);
}
static void e_label(Doc *d) {
    data_of(d, "labels")[3] = 200;
}
static void e_dec_nan(Doc *d) {
    data_of(d, "m0.dec.0.weight")[1] = 0x7e;
}
static void e_dec_inf(Doc *d) {
    memcpy(data_of(d, "m1.dec.1.bias") + 6, "\x00\xfc", 2);
}
static void e_event_kind(Doc *d) {
    data_of(d, "event_what")[0] = 99;
}
static void e_event_model(Doc *d) {
    data_of(d, "event_what")[3] = 7;
}
static void e_event_value(Doc *d) {
    memcpy(data_of(d, "event_values"), "\x00\x00\x80\x7f", 4);
}

static const struct {
    const char *what;
    void (*edit)(Doc *);
    const char *needle;
} hostile[] = {
    {"another program's metadata", e_foreign, "not a vae-explorer recording"},
    {"a checkpoint", e_checkpoint, "a checkpoint"},
    {"no metadata", e_nometa, "missing"},
    {"models 0", e_models0, "\"models\""},
    {"models not a number", e_models_junk, "\"models\""},
    {"frames disagreeing with the tensors", e_frames, "\"steps\""},
    {"points disagreeing with the tensors", e_points, "\"labels\""},
    {"latent disagreeing with the tensors", e_latent, "m0.mu"},
    {"an AE that says it is a VAE", e_kind, "m1.logvar"},
    {"models of different image sizes", e_input, "5x5"},
    {"huge layers (checked before allocating)", e_huge, "is not F16"},
    {"a name too long", e_name, "m0.name"},
    {"an unknown tensor", e_extra, "unknown"},
    {"a tensor renamed", e_rename, "m0.loss"},
    {"steps of another dtype", e_dtype, "I64"},
    {"frame steps going back", e_steps_back, "frame steps"},
    {"a negative step", e_steps_neg, "frame steps"},
    {"decoder steps repeating", e_dsteps_same, "decoder steps"},
    {"curve steps going back", e_curve_back, "loss curve steps"},
    {"events going back", e_events_back, "event steps"},
    {"a label beyond the classes", e_label, "label 200"},
    {"a NaN weight", e_dec_nan, "non-finite"},
    {"an Inf weight", e_dec_inf, "non-finite"},
    {"an unknown event", e_event_kind, "event 0"},
    {"an event of a model not there", e_event_model, "event 1"},
    {"an event with an Inf value", e_event_value, "event 0"},
};

static void expect_refused(const uint8_t *b, size_t n, const char *what, const char *needle) {
    VaeRecording *r = NULL;
    char err[VAE_ERR_LEN] = "";
    VaeStatus s = vae_recording_parse(&r, b, n, "hostile.safetensors", err);
    if (getenv("VAE_VERBOSE")) printf("%-40s %s\n", what, err);
    CHECK_MSG(s == VAE_ERR_FORMAT && !r, "%s: status %d", what, (int)s);
    CHECK_MSG(strstr(err, "hostile.safetensors") && (!needle || strstr(err, needle)),
              "%s: \"%s\" should name the file and \"%s\"", what, err, needle ? needle : "");
    vae_recording_destroy(r);
}

static void test_hostile(void) {
    VaeRecording *r = tiny_recording(3, 2, 2);
    if (!r) return;
    fill(r, 20, 7);
    char path[1200], err[VAE_ERR_LEN];
    path_in(path, sizeof path, "good.safetensors");
    CHECK(vae_recording_save(r, path, err) == VAE_OK);
    vae_recording_destroy(r);
    uint8_t *good = NULL;
    size_t len = 0;
    CHECK(vae_file_read_all(path, 1 << 24, &good, &len, err) == VAE_OK);
    if (!good) return;
    CHECK(vae_recording_parse(&r, good, len, "good", err) == VAE_OK);
    CHECK(r && vae_recording_n_events(r) == 2 && vae_recording_n_frames(r) == 3);
    vae_recording_destroy(r);
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        Doc d;
        if (!doc_open(&d, good, len)) {
            CHECK_MSG(0, "cannot take the good file apart");
            break;
        }
        hostile[i].edit(&d);
        size_t n;
        uint8_t *b = doc_bytes(&d, &n);
        expect_refused(b, n, hostile[i].what, hostile[i].needle);
        free(b), free(d.data), cJSON_Delete(d.hdr);
    }
    /* torn: every cut of the file (the header's first bytes, inside it, inside the data) */
    for (size_t cut = 0; cut < len; cut += cut < 64 ? 1 : 97)
        expect_refused(good, cut, "a torn file", NULL);
    uint8_t junk[4096];
    VaeRng rng;
    vae_rng_seed(&rng, 1, 1);
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)vae_rng_u32(&rng);
    expect_refused(junk, sizeof junk, "random bytes", NULL);
    free(good);
    VaeRecording *none = NULL;
    path_in(path, sizeof path, "missing.safetensors");
    CHECK(vae_recording_load(&none, path, err) == VAE_ERR_IO && strstr(err, path) && !none);
}

/* ---- fuzzing seeds --------------------------------------------------------------------- */

static int write_seeds(const char *out) {
    char path[1200], err[VAE_ERR_LEN];
    VaeRecording *r = tiny_recording(3, 2, 2);
    fill(r, 20, 7);
    snprintf(path, sizeof path, "%s/vae-ae-flows.safetensors", out);
    CHECK_MSG(vae_recording_save(r, path, err) == VAE_OK, "%s", err);
    vae_recording_destroy(r);
    r = tiny_recording(2, 2, 0);
    snprintf(path, sizeof path, "%s/empty.safetensors", out);
    CHECK_MSG(vae_recording_save(r, path, err) == VAE_OK, "%s", err);
    vae_recording_destroy(r);
    return CHECK_DONE();
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "--seeds")) return write_seeds(argv[2]);
    snprintf(dir, sizeof dir, "%s/record_file_test", check_tmpdir());
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "cannot create %s\n", dir);
        return 1;
    }
    test_hostile();
    return CHECK_DONE();
}
