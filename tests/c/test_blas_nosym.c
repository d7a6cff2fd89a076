/*
 * test_blas_nosym.c — OpenBLAS's name opens a library without its
 * functions.  This test is linked with ext/core/blas.c built to open
 * libm.so.6 (SAFETY_BLAS_SONAME, see the Makefile): dlopen succeeds and
 * dlsym of cblas_sgemm fails, so blas_lib() is NULL and blas_error() names
 * the library, the missing function and the package to install.
 */
#include "check.h"
#include "blas.h"

#include <string.h>

int main(void) {
  CHECK(blas_lib() == NULL, "a library without cblas_sgemm is not used");
  const char *why = blas_error();
  CHECK(why != NULL &&
            strcmp(why, SAFETY_BLAS_SONAME " has no function cblas_sgemm; "
                        "install OpenBLAS 0.3 or later (Debian/Ubuntu: "
                        "apt-get install libopenblas0)") == 0,
        "the reason names the library and the function: %s",
        why ? why : "(null)");
  return CHECK_SUMMARY();
}
