/* The tiny test harness: CHECK(cond) prints file:line and counts failures;
 * CHECK_DONE() prints "N passed, N failed" and returns the exit status. */
#ifndef VAE_CHECK_H
#define VAE_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int check_pass_, check_fail_;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            check_pass_++;                                                                         \
        } else {                                                                                   \
            check_fail_++;                                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (cond) {                                                                                \
            check_pass_++;                                                                         \
        } else {                                                                                   \
            check_fail_++;                                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_DONE()                                                                               \
    (printf("%d checks passed, %d failed\n", check_pass_, check_fail_), check_fail_ ? 1 : 0)

/* Directory for scratch files (ctest sets VAE_TMP to build/tmp). */
static inline const char *check_tmpdir(void) {
    const char *d = getenv("VAE_TMP");
    return d && *d ? d : "/tmp";
}

#endif
