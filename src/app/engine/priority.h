/* Where the thread that draws the frames stands in the scheduler.
 *
 * While both models train, the training threads keep every core busy. The kernel's fair
 * scheduler then lets one of them take the frame thread's core for a whole tick (4 ms at
 * HZ=250) in a frame now and then, whatever their nice value or SCHED_IDLE: the tail of
 * the frame times. A thread at a real-time priority runs as soon as it is runnable, so the
 * frame thread asks for the lowest one where the system grants it (root, CAP_SYS_NICE, or
 * an RLIMIT_RTPRIO above 0 -- rtprio in /etc/security/limits.conf), as compositors and
 * audio threads do. The loop sleeps between frames, and the kernel keeps 5 % of every
 * core for the others (sched_rt_runtime_us); threads it creates start as ordinary ones. */
#ifndef APP_PRIORITY_H
#define APP_PRIORITY_H

/* SCHED_RESET_ON_FORK of <linux/sched.h> (glibc shows it only under _GNU_SOURCE): set in
 * the policy the frame thread asks for, so that the threads it starts come up ordinary. */
#define APP_SCHED_RESET_ON_FORK 0x40000000

/* Asks for the calling thread; 1 if it now runs at a real-time priority, 0 if it stays as
 * it was (not granted, a single core, not Linux). */
int app_priority_frames(void);
/* Back to the ordinary policy (the loop cannot keep up: at a real-time priority it would
 * hold its core without a pause). */
void app_priority_ordinary(void);

#endif
