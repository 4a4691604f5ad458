/* The safetensors file format: 8-byte little-endian header length N, N bytes of JSON
 * header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}},
 * then the raw little-endian tensor bytes. This module knows the format only; model.h
 * maps a model onto it. */
#ifndef VAE_SAFETENSORS_H
#define VAE_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define VAE_ST_MAX_DIMS 8
#define VAE_ST_MAX_HEADER (100u * 1024u * 1024u)

/* F32 and F16 are read as floats; I64 and U8 only by vae_st_parse_raw (a recording's
 * steps and labels). */
typedef enum { VAE_ST_F32 = 0, VAE_ST_F16 = 1, VAE_ST_I64 = 2, VAE_ST_U8 = 3 } VaeStDtype;

typedef struct {
    char *name; /* owned */
    VaeStDtype dtype;
    int ndim;
    int64_t shape[VAE_ST_MAX_DIMS];
    size_t offset, nbytes; /* within the data section */
    float *data;           /* reader: decoded to float32 (F16 widened), owned */
    const uint8_t *bytes;  /* vae_st_parse_raw: the raw bytes, inside the caller's buffer */
} VaeStTensor;

typedef struct {
    char *key, *value; /* owned */
} VaeStMeta;

typedef struct {
    VaeStTensor *tensors;
    int n_tensors;
    VaeStMeta *meta;
    int n_meta;
} VaeStFile;

/* Read and validate a whole file. On success st owns everything; free with
 * vae_st_free (also safe after a failed read, and on a zeroed struct).
 * Validation: size >= 8; header length <= VAE_ST_MAX_HEADER and within the file;
 * header is a JSON object; every tensor has dtype F32 or F16, a shape of non-negative
 * ints (<= VAE_ST_MAX_DIMS dims), data_offsets [b, e]; byte length = prod(shape) * size
 * with overflow checks; tensors sorted by offset are contiguous from 0, no holes or
 * overlaps, and end exactly at the end of the file; names unique; __metadata__ is an
 * object of string values. */
VaeStatus vae_st_read(VaeStFile *st, const char *path, char err[VAE_ERR_LEN]);
/* Same on an in-memory buffer (for tests and fuzzing); name is used in messages. */
VaeStatus vae_st_parse(VaeStFile *st, const uint8_t *buf, size_t len, const char *name,
                       char err[VAE_ERR_LEN]);
/* The same validation without decoding: data stays NULL and each tensor's bytes point into
 * buf (borrowed: keep buf while using them). Also accepts I64 and U8. For files of halves
 * that are kept as halves, and integer tensors. */
VaeStatus vae_st_parse_raw(VaeStFile *st, const uint8_t *buf, size_t len, const char *name,
                           char err[VAE_ERR_LEN]);
void vae_st_free(VaeStFile *st);

const VaeStTensor *vae_st_find(const VaeStFile *st, const char *name);
const char *vae_st_meta(const VaeStFile *st, const char *key); /* NULL if absent */

/* One tensor to write, borrowed: F32 data of prod(shape) floats; or, for any dtype, its
 * little-endian bytes in one piece (bytes) or in n_chunks pieces of equal size written
 * back to back (chunks: rows gathered from a pool without copying them). */
typedef struct {
    const char *name;
    int ndim;
    int64_t shape[VAE_ST_MAX_DIMS];
    const float *data;
    VaeStDtype dtype; /* F32 unless set */
    const void *bytes;
    const void *const *chunks;
    int n_chunks;
} VaeStWriteTensor;

/* Write tensors (in the given order) and metadata atomically and durably: temp file in
 * the same directory, write, fflush, fsync, rename over path, fsync the directory. On any
 * failure the temp file is removed and the old file (if any) is untouched. */
VaeStatus vae_st_write(const char *path, const VaeStWriteTensor *tensors, int n_tensors,
                       const VaeStMeta *meta, int n_meta, char err[VAE_ERR_LEN]);

/* Shared by the reader (safetensors.c) and the writer (safetensors_write.c). */
const char *vae_st_dtype_name(VaeStDtype d);
size_t vae_st_dtype_size(VaeStDtype d);
/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
int vae_st_utf8_valid(const uint8_t *s, size_t n);
/* The first name that occurs twice, or NULL. Reorders names. */
const char *vae_st_find_dup(const char **names, size_t n);

#endif
