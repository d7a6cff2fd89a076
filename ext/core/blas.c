/*
 * blas.c — opens OpenBLAS on first use (see blas.h for why it is not
 * linked).
 */
#include "blas.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_once_t blas_once = PTHREAD_ONCE_INIT;
static BlasLib blas;
static int blas_loaded;
static char blas_why[512];

/* The symbol name from the library into *fn (a function pointer); 0 when
 * it is missing (blas_why says which). */
static int blas_sym(void *h, const char *name, void *fn, size_t size) {
  void *p = dlsym(h, name);
  if (p == NULL) {
    snprintf(blas_why, sizeof blas_why,
             "%s has no function %s; install OpenBLAS 0.3 or later "
             "(Debian/Ubuntu: apt-get install libopenblas0)",
             SAFETY_BLAS_SONAME, name);
    return 0;
  }
  /* POSIX: a function's dlsym address converts to a function pointer. */
  memcpy(fn, &p, size < sizeof p ? size : sizeof p);
  return 1;
}

/* Runs once: dlopen and dlsym, or the reason in blas_why. */
static void blas_load(void) {
  _Static_assert(sizeof(blas.sgemm) == sizeof(void *),
                 "function pointers are as wide as object pointers");
  void *h = dlopen(SAFETY_BLAS_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) {
    const char *e = dlerror();
    snprintf(blas_why, sizeof blas_why,
             "the OpenBLAS library %s could not be loaded (%s); install it "
             "(Debian/Ubuntu: apt-get install libopenblas0)",
             SAFETY_BLAS_SONAME, e ? e : "no reason given");
    return;
  }
  BlasLib b;
  if (!blas_sym(h, "cblas_sgemm", &b.sgemm, sizeof b.sgemm) ||
      !blas_sym(h, "openblas_get_config", &b.get_config, sizeof b.get_config) ||
      !blas_sym(h, "openblas_get_corename", &b.get_corename,
                sizeof b.get_corename) ||
      !blas_sym(h, "openblas_get_num_threads", &b.get_num_threads,
                sizeof b.get_num_threads)) {
    dlclose(h);
    return;
  }
  blas = b;
  blas_loaded = 1;
}

const BlasLib *blas_lib(void) {
  pthread_once(&blas_once, blas_load);
  return blas_loaded ? &blas : NULL;
}

const char *blas_error(void) {
  return blas_lib() ? NULL : blas_why;
}
