/* Thread counts (see parallel.h). */
#include "parallel.h"

#include <cblas.h>
#include <unistd.h>

void vae_blas_set_threads(int n) {
    if (n > 0) openblas_set_num_threads(n);
}

int vae_blas_get_threads(void) {
    return openblas_get_num_threads();
}

int vae_default_threads(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > VAE_MAX_WORKERS ? VAE_MAX_WORKERS : (int)n;
}
