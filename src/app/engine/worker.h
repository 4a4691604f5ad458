/* A background thread for the tools' slower computations (the aggregate posterior's map,
 * nearest neighbours...), so the render loop never waits on them: a tool hands a job over
 * when the worker is idle and polls for its end; between the two the job's memory belongs
 * to the worker. Jobs run one at a time, at a low priority. */
#ifndef APP_WORKER_H
#define APP_WORKER_H

typedef struct AppWorker AppWorker;
typedef void (*AppJobFn)(void *job);

AppWorker *app_worker_start(char *err, int err_len); /* NULL with a sentence */
void app_worker_stop(AppWorker *w);                  /* waits for a running job; NULL ok */
/* Run fn(job) on the worker if it is idle: 1 if it took the job (then job is the
 * worker's until app_worker_done says so). */
int app_worker_submit(AppWorker *w, AppJobFn fn, void *job);
/* 1 once the job handed over last has ended (or none was); the job is the caller's again. */
int app_worker_done(AppWorker *w, const void *job);

#endif
