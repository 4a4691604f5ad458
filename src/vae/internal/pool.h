/* A tiny fork-join pool for data-parallel training: vae_pool_run calls fn(ctx, i, n) for
 * every worker i in 0..n-1 -- i = 0 on the calling thread, the others on persistent
 * threads -- and returns when all are done. One caller at a time. */
#ifndef VAE_POOL_H
#define VAE_POOL_H

#include "parallel.h"
#include "status.h"

typedef struct VaePool VaePool;
typedef void (*VaePoolFn)(void *ctx, int worker, int n_workers);

/* n_workers counts the caller: 1 creates no thread. */
VaeStatus vae_pool_create(VaePool **out, int n_workers, char err[VAE_ERR_LEN]);
void vae_pool_run(VaePool *p, VaePoolFn fn, void *ctx);
int vae_pool_size(const VaePool *p);
void vae_pool_destroy(VaePool *p); /* joins the threads; NULL is fine */

#endif
