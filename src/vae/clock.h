/* The one clock of the project: monotonic seconds, and a sleep of fractional seconds.
 * Every timing (trainer throughput, pool spins, benchmarks, frame pacing) reads this. */
#ifndef VAE_CLOCK_H
#define VAE_CLOCK_H

/* CLOCK_MONOTONIC in seconds (an arbitrary origin: only differences mean anything). */
double vae_now(void);
/* The calling thread's CPU time in seconds: what its own work cost, however busy the
 * machine (a frame's time on a shared host is mostly waiting). */
double vae_thread_cpu(void);
/* Sleep about s seconds (nothing if s <= 0). */
void vae_sleep(double s);

#endif
