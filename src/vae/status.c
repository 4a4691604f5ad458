/* Names of result codes and the one helper that formats error sentences. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>

const char *vae_status_str(VaeStatus s) {
    switch (s) {
    case VAE_OK: return "ok";
    case VAE_ERR_ARG: return "bad argument";
    case VAE_ERR_IO: return "i/o error";
    case VAE_ERR_FORMAT: return "bad file format";
    case VAE_ERR_NOMEM: return "out of memory";
    case VAE_ERR_NUMERIC: return "numerical failure";
    case VAE_ERR_UNSUPPORTED: return "unsupported";
    }
    return "unknown status";
}

VaeStatus vae_fail(char *err, VaeStatus s, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, VAE_ERR_LEN, fmt, ap);
        va_end(ap);
    }
    return s;
}
