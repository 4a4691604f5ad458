/* The frame thread's priority (see priority.h). */
#include "priority.h"

#if defined(__linux__)
#include <sched.h>
#include <unistd.h>

int app_priority_frames(void) {
    /* with one core a real-time loop that falls behind would leave the trainer 5 % */
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) return 0;
    struct sched_param p = {.sched_priority = sched_get_priority_min(SCHED_FIFO)};
    return sched_setscheduler(0, SCHED_FIFO | APP_SCHED_RESET_ON_FORK, &p) == 0;
}

void app_priority_ordinary(void) {
    struct sched_param p = {.sched_priority = 0};
    sched_setscheduler(0, SCHED_OTHER, &p);
}
#else
int app_priority_frames(void) {
    return 0;
}

void app_priority_ordinary(void) {}
#endif
