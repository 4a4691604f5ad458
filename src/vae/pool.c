/* Fork-join pool: a generation counter under a mutex starts a round, an atomic count of
 * finished workers ends it. Waiters spin for SPIN_S before sleeping: the rounds of a
 * training step follow each other within microseconds and the shards of a batch finish
 * close together, while waking a sleeping thread costs far more on a virtual machine
 * (docs/performance.md has the figures). */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "clock.h"

#define SPIN_S 300e-6 /* 0.3 ms: beyond it a wait is long enough to sleep through */

static void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Called on the i-th poll of a wait: 1 once the wait has spun for SPIN_S (the clock is
 * read every 64 polls; the first reading sets the deadline in *end). */
static int spun_out(int i, double *end) {
    if ((i & 63) != 0) return 0;
    double t = vae_now();
    if (*end == 0) *end = t + SPIN_S;
    return t > *end;
}

/* Poll until the round number differs from seen, for at most SPIN_S; returns the last
 * value read. */
static unsigned spin_gen(atomic_uint *a, unsigned seen) {
    unsigned g = atomic_load_explicit(a, memory_order_acquire);
    double end = 0;
    for (int i = 1; g == seen && !spun_out(i, &end); i++) {
        cpu_relax();
        g = atomic_load_explicit(a, memory_order_acquire);
    }
    return g;
}

/* Poll until *a >= need, for at most SPIN_S. */
static void spin_count(atomic_int *a, int need) {
    double end = 0;
    for (int i = 1; atomic_load_explicit(a, memory_order_acquire) < need && !spun_out(i, &end); i++)
        cpu_relax();
}

typedef struct {
    VaePool *pool;
    int index;
} Worker;

struct VaePool {
    int n;
    pthread_t threads[VAE_MAX_WORKERS];
    Worker workers[VAE_MAX_WORKERS];
    pthread_mutex_t mu;
    pthread_cond_t start, done;
    atomic_uint gen;     /* round number; bumped to start a round */
    atomic_int finished; /* workers (excluding the caller) done with this round */
    int quit;
    VaePoolFn fn;
    void *ctx;
};

static void *worker_main(void *arg) {
    Worker *w = arg;
    VaePool *p = w->pool;
    unsigned seen = 0;
    for (;;) {
        unsigned g = spin_gen(&p->gen, seen);
        if (g == seen) {
            pthread_mutex_lock(&p->mu);
            while ((g = atomic_load_explicit(&p->gen, memory_order_acquire)) == seen && !p->quit)
                pthread_cond_wait(&p->start, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
        seen = g;
        if (p->quit) return NULL;
        p->fn(p->ctx, w->index, p->n);
        if (atomic_fetch_add_explicit(&p->finished, 1, memory_order_acq_rel) == p->n - 2) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
    }
}

VaeStatus vae_pool_create(VaePool **out, int n_workers, char err[VAE_ERR_LEN]) {
    *out = NULL;
    if (n_workers < 1 || n_workers > VAE_MAX_WORKERS)
        return vae_fail(err, VAE_ERR_ARG, "threads must be in 1..%d, got %d", VAE_MAX_WORKERS,
                        n_workers);
    VaePool *p = calloc(1, sizeof *p);
    if (!p) return vae_fail(err, VAE_ERR_NOMEM, "cannot allocate a thread pool");
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->start, NULL);
    pthread_cond_init(&p->done, NULL);
    atomic_init(&p->gen, 0);
    atomic_init(&p->finished, 0);
    for (int i = 1; i < n_workers; i++) {
        p->workers[i] = (Worker){p, i};
        if (pthread_create(&p->threads[i], NULL, worker_main, &p->workers[i]) != 0) {
            vae_pool_destroy(p);
            return vae_fail(err, VAE_ERR_NOMEM, "cannot start training thread %d", i);
        }
        p->n = i + 1;
    }
    p->n = n_workers;
    *out = p;
    return VAE_OK;
}

void vae_pool_run(VaePool *p, VaePoolFn fn, void *ctx) {
    if (p->n == 1) {
        fn(ctx, 0, 1);
        return;
    }
    p->fn = fn;
    p->ctx = ctx;
    atomic_store_explicit(&p->finished, 0, memory_order_relaxed);
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
    pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->mu);
    fn(ctx, 0, p->n);
    int need = p->n - 1;
    spin_count(&p->finished, need);
    if (atomic_load_explicit(&p->finished, memory_order_acquire) < need) {
        pthread_mutex_lock(&p->mu);
        while (atomic_load_explicit(&p->finished, memory_order_acquire) < need)
            pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
}

int vae_pool_size(const VaePool *p) {
    return p ? p->n : 1;
}

void vae_pool_destroy(VaePool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    atomic_fetch_add(&p->gen, 1);
    pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->mu);
    for (int i = 1; i < p->n; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->start);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
