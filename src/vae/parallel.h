/* Threads: how many data-parallel workers a trainer or an encoder may use, and the
 * thread count of OpenBLAS itself (a process-wide setting). */
#ifndef VAE_PARALLEL_H
#define VAE_PARALLEL_H

#define VAE_MAX_WORKERS 16

/* OpenBLAS thread count (<= 0 leaves the default). */
void vae_blas_set_threads(int n);
int vae_blas_get_threads(void);
/* The CPUs online, clamped to 1..VAE_MAX_WORKERS: the default number of workers. */
int vae_default_threads(void);

#endif
