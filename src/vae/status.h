/* Result codes and error text shared by every module of the library.
 * Functions return a VaeStatus and write one human sentence into a caller-owned
 * buffer of VAE_ERR_LEN bytes, naming the file or argument at fault. */
#ifndef VAE_STATUS_H
#define VAE_STATUS_H

#include <stddef.h>

#define VAE_ERR_LEN 256

typedef enum {
    VAE_OK = 0,
    VAE_ERR_ARG,         /* bad argument or configuration from the caller */
    VAE_ERR_IO,          /* open/read/write/rename/fsync failed */
    VAE_ERR_FORMAT,      /* a file is truncated, foreign or inconsistent */
    VAE_ERR_NOMEM,       /* allocation failed or a size overflowed */
    VAE_ERR_NUMERIC,     /* non-finite loss or gradient that could not be recovered */
    VAE_ERR_UNSUPPORTED, /* valid but not handled (e.g. a dtype we do not read) */
} VaeStatus;

const char *vae_status_str(VaeStatus s);

/* snprintf into err (may be NULL) and return s: `return vae_fail(err, VAE_ERR_IO, "...", ...);` */
VaeStatus vae_fail(char *err, VaeStatus s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
