/*
 * blas.h — OpenBLAS, loaded the first time it is needed.
 *
 * Only the fl methods (facility.c: cblas_sgemm bounds) and the build
 * report use BLAS.  Linking libopenblas into the extension would start its
 * worker threads whenever the extension loads, and they spin (sched_yield)
 * for a while waiting for work, taking CPU from every other method.  So
 * the library is opened with dlopen by its SONAME on first use (once per
 * process, thread-safe) and never closed; cblas.h gives the types only.
 */
#ifndef SAFETY_BLAS_H
#define SAFETY_BLAS_H

#include <cblas.h>

/* The library opened; tests build blas.c with another name to exercise
 * the failure path. */
#ifndef SAFETY_BLAS_SONAME
#define SAFETY_BLAS_SONAME "libopenblas.so.0"
#endif

/* The functions used, with cblas.h's own prototypes (no link reference). */
typedef struct {
  __typeof__(cblas_sgemm) *sgemm;
  __typeof__(openblas_get_config) *get_config;
  __typeof__(openblas_get_corename) *get_corename;
  __typeof__(openblas_get_num_threads) *get_num_threads;
} BlasLib;

/* The library, loading it on the first call; NULL when it cannot be
 * loaded (then blas_error() says why and how to fix it). */
const BlasLib *blas_lib(void);

/* Why blas_lib() is NULL, as "<what is missing>; <how to fix it>"
 * (trying to load it first); NULL when the library is loaded. */
const char *blas_error(void);

#endif
