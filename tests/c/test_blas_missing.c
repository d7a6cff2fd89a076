/*
 * test_blas_missing.c — the fl methods when OpenBLAS cannot be loaded.
 * This test is linked with ext/core/blas.c built to open a library that
 * does not exist (SAFETY_BLAS_SONAME, see the Makefile), so every path
 * below really runs dlopen and fails: blas_lib() is NULL from every
 * thread, blas_error() names the library and the package to install,
 * facility_greedy and facility_bounds refuse without picking, and
 * METHOD_FL returns SELECT_ENOBLAS with no rows; pss still runs.
 */
#include "check.h"
#include "blas.h"
#include "facility.h"
#include "select.h"
#include "vector.h"
#include "random_pool.h"

#include <pthread.h>
#include <string.h>

static void *load_in_thread(void *out) {
  *(const BlasLib **)out = blas_lib();
  return NULL;
}

static void test_load_fails(void) {
  const BlasLib *from[4] = {0};
  pthread_t t[4];
  int started = 1;
  for (int i = 0; i < 4; i++)
    started &= pthread_create(&t[i], NULL, load_in_thread, &from[i]) == 0;
  for (int i = 0; i < 4 && started; i++) pthread_join(t[i], NULL);
  CHECK(started, "four threads started");
  CHECK(!from[0] && !from[1] && !from[2] && !from[3] && !blas_lib(),
        "blas_lib() is NULL in every thread");
  const char *why = blas_error();
  CHECK(why != NULL, "blas_error() says why");
  if (why == NULL) return;
  CHECK(strstr(why, "the OpenBLAS library " SAFETY_BLAS_SONAME
                    " could not be loaded (") == why,
        "the reason names the library: %s", why);
  CHECK(strstr(why, "cannot open shared object file") != NULL,
        "the reason quotes dlerror: %s", why);
  CHECK(strstr(why, "install it (Debian/Ubuntu: apt-get install "
                    "libopenblas0)") != NULL,
        "the reason says how to fix it: %s", why);
}

static int take(void *ctx, size_t member, double gain) {
  (void)member;
  (void)gain;
  ++*(int *)ctx;
  return 1;
}

static void test_facility_refuses(void) {
  float vec[8] = {1, 0, 0.9f, 0.1f, 0, 1, 0.7f, 0.7f};
  const float *rows[4] = {vec, vec + 2, vec + 4, vec + 6};
  double norms[4], bound[4] = {-1, -1, -1, -1};
  unsigned char state[4] = {0, 0, 0, 0};
  size_t idx[4] = {0, 1, 2, 3}, n = 99, evals = 99;
  for (int i = 0; i < 4; i++) norms[i] = vec_norm(rows[i], 2);
  FlProblem p = {4, 2, rows, norms, state, 0, NULL};
  int offered = 0;
  CHECK(facility_greedy(&p, 2, take, &offered, &n, &evals) == 3,
        "facility_greedy returns 3 without OpenBLAS");
  CHECK(n == 0 && offered == 0 && evals == 0, "nothing picked: n=%zu", n);
  CHECK(facility_bounds(&p, idx, 4, NULL, bound) == 0 && bound[0] == -1,
        "facility_bounds fails and writes no bound");
}

static void test_methods(void) {
  static RandomPool t;
  make_random_pool(&t, 80, 6, 3, 7, 0, 1, 1);
  size_t bad = 0;
  SelectResult r;
  for (int b = 0; b < 2; b++) {
    int rc = select_run(&t.p, METHOD_FL, 10, b ? SELECT_FILL_RANDOM
                                               : SELECT_FILL_NONE,
                        1, &r, &bad);
    CHECK(rc == SELECT_ENOBLAS && r.n_rows == 0 && r.rows == NULL,
          "METHOD_FL: SELECT_ENOBLAS and no rows, got %d", rc);
  }
  int rc = select_run(&t.p, METHOD_PSS, 10, SELECT_FILL_RANDOM, 1, &r, &bad);
  CHECK(rc == SELECT_OK && r.n_rows == 10, "pss needs no BLAS: rc %d", rc);
  select_result_free(&r);
}

int main(void) {
  test_load_fails();
  test_facility_refuses();
  test_methods();
  return CHECK_SUMMARY();
}
