/* The LAPACK routines we call, from the LAPACK that Debian's OpenBLAS carries (its
 * libopenblas exports the Fortran symbols; no LAPACKE header is needed). Fortran passes
 * everything by reference, with 32-bit INTEGERs (OpenBLAS's LP64 build), and a hidden
 * length after the other arguments for each CHARACTER argument. */
#ifndef VAE_LAPACK_H
#define VAE_LAPACK_H

#include <stddef.h>

/* Selected eigenvalues (ascending, w) and eigenvectors (columns of z) of a symmetric
 * column-major matrix a, whose triangle uplo is read and destroyed. */
void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a,
             const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
             const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t range_len, size_t uplo_len);

#endif
