/*
 * test_vector.c — unit tests of the vector kernels and parsers against a
 * plain double-precision reference, for every dimension from 1 to 64 and a
 * spread of larger ones up to 4096.
 */
#include "check.h"
#include "vector.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double ref_dot(const float *a, const float *b, size_t n) {
  long double s = 0;
  for (size_t i = 0; i < n; i++) s += (long double)a[i] * (long double)b[i];
  return (double)s;
}

static void fill(float *v, size_t n, unsigned long long *seed) {
  for (size_t i = 0; i < n; i++) v[i] = (float)(test_uniform(seed) * 10.0);
}

static float m_for_bytes[19 * 777];

static void test_kernels(void) {
  static const size_t big[] = {65, 100, 127, 128, 129, 255, 384, 512, 767, 768,
                               1000, 1023, 1024, 1536, 2048, 3072, 4095, 4096};
  unsigned long long seed = 42;
  float *a = malloc(4096 * sizeof(float)), *b = malloc(4096 * sizeof(float));
  double *y = malloc(4096 * sizeof(double));
  size_t dims[64 + sizeof big / sizeof *big];
  size_t nd = 0;
  for (size_t d = 1; d <= 64; d++) dims[nd++] = d;
  for (size_t i = 0; i < sizeof big / sizeof *big; i++) dims[nd++] = big[i];
  for (size_t k = 0; k < nd; k++) {
    size_t n = dims[k];
    fill(a, n, &seed);
    fill(b, n, &seed);
    double want = ref_dot(a, b, n);
    /* Relative to the sum of |products|: the honest bound for a dot. */
    double scale = 0;
    for (size_t i = 0; i < n; i++) scale += fabs((double)a[i] * b[i]);
    char what[64];
    snprintf(what, sizeof what, "dot dim %zu", n);
    CHECK(fabs(vec_dot(a, b, n) - want) <= 1e-13 * scale, "%s: %.17g vs %.17g",
          what, vec_dot(a, b, n), want);
    snprintf(what, sizeof what, "norm dim %zu", n);
    CHECK_NEAR(vec_norm(a, n), sqrt(ref_dot(a, a, n)), 1e-13, what);
    double na = vec_norm(a, n), nb = vec_norm(b, n);
    snprintf(what, sizeof what, "cosine dim %zu", n);
    CHECK_NEAR(vec_cosine_with_norms(a, b, n, na, nb),
               want / (sqrt(ref_dot(a, a, n)) * sqrt(ref_dot(b, b, n))), 1e-12,
               what);
    CHECK_NEAR(vec_cosine_with_norms(a, a, n, na, na), 1.0, 1e-12, what);
    for (size_t i = 0; i < n; i++) y[i] = 1.0;
    vec_axpy(y, -0.5, a, n);
    int ok = 1;
    for (size_t i = 0; i < n; i++) ok &= y[i] == 1.0 + -0.5 * (double)a[i];
    CHECK(ok, "axpy dim %zu", n);
  }
  /* Determinism: the same inputs give the same bits on every call. */
  fill(a, 4096, &seed);
  fill(b, 4096, &seed);
  double first = vec_dot(a, b, 4096);
  CHECK(memcmp(&first, &(double){vec_dot(a, b, 4096)}, sizeof first) == 0,
        "dot is not bit-reproducible");
  /* vec_dot3_bytes is three vec_dot calls, bit for bit, at any alignment. */
  static unsigned char raw[2 * 777 * 4 + 8];
  for (size_t n = 1; n <= 777; n += 37) {
    for (size_t off = 0; off < 4; off++) {
      memcpy(raw + off, a, n * 4);
      memcpy(raw + off + n * 4 + 1, b, n * 4);
      double ab, aa, bb;
      vec_dot3_bytes(raw + off, raw + off + n * 4 + 1, n, &ab, &aa, &bb);
      CHECK(ab == vec_dot(a, b, n) && aa == vec_dot(a, a, n) &&
                bb == vec_dot(b, b, n),
            "vec_dot3_bytes == vec_dot, dim %zu offset %zu", n, off);
      CHECK(vec_dot_bytes(raw + off, raw + off + n * 4 + 1, n) == vec_dot(a, b, n),
            "vec_dot_bytes == vec_dot, dim %zu offset %zu", n, off);
    }
  }
  /* vec_dot_many_bytes is vec_dot row by row, bit for bit, at any
   * alignment of x, for row counts with and without a remainder after its
   * groups of four (and none at all). */
  static const size_t many_ks[] = {0, 1, 4, 8, 10, 12, 19};
  static unsigned char xb[777 * 4 + 4];
  double many_b[19];
  for (size_t i = 0; i < 19 * 777; i++) m_for_bytes[i] = (float)test_uniform(&seed);
  double *md = vec_widen(m_for_bytes, 19 * 777);
  CHECK(md != NULL && md[5] == (double)m_for_bytes[5], "vec_widen widens every float");
  for (size_t n = 1; md != NULL && n <= 777; n += 111)
    for (size_t ki = 0; ki < sizeof many_ks / sizeof *many_ks; ki++)
      for (size_t off = 0, k = many_ks[ki]; off < 4; off += 3) {
        memcpy(xb + off, a, n * 4);
        for (size_t c = 0; c < 19; c++) many_b[c] = -777.0; /* rows past k: untouched */
        vec_dot_many_bytes(xb + off, md, k, n, many_b);
        int same = 1;
        for (size_t c = k; c < 19; c++) same &= many_b[c] == -777.0;
        for (size_t c = 0; c < k; c++) same &= many_b[c] == vec_dot(a, m_for_bytes + c * n, n);
        CHECK(same, "vec_dot_many_bytes == vec_dot, k %zu dim %zu offset %zu", k, n, off);
      }
  free(md);
  /* ... for any count of rows, with x a float array. */
  static float m[19 * 777];
  double many[19];
  for (size_t i = 0; i < 19 * 777; i++) m[i] = (float)test_uniform(&seed);
  double *mw = vec_widen(m, 19 * 777);
  for (size_t n = 1; mw != NULL && n <= 777; n += 97) {
    for (size_t ki = 0; ki < sizeof many_ks / sizeof *many_ks; ki++) {
      size_t k = many_ks[ki];
      vec_dot_many_bytes(a, mw, k, n, many);
      int same = 1;
      for (size_t c = 0; c < k; c++) same &= many[c] == vec_dot(a, m + c * n, n);
      CHECK(same, "vec_dot_many_bytes == vec_dot, k %zu dim %zu", k, n);
    }
  }
  free(mw);
  free(a);
  free(b);
  free(y);
}

/* The row worker's fused kernels against the separate ones, bit for bit:
 * vec_dot_self_add is vec_dot(a, a) and vec_axpy(y, 1.0, a) in one pass,
 * vec_dot_many_self is vec_dot_many_bytes and vec_dot_self_add, with and
 * without the sum, for any count of rows. */
static void test_fused(void) {
  static float a[777], m[19 * 777];
  static double ya[777], yb[777], many[19], many2[19];
  unsigned long long seed = 7;
  fill(a, 777, &seed);
  for (size_t i = 0; i < 19 * 777; i++) m[i] = (float)test_uniform(&seed);
  double *mw = vec_widen(m, 19 * 777);
  CHECK(mw != NULL, "vec_widen");
  for (size_t n = 1; n <= 777; n += 16) {
    for (size_t i = 0; i < n; i++) ya[i] = yb[i] = (double)i - 0.25;
    vec_axpy(ya, 1.0, a, n);
    double aa = vec_dot_self_add(a, yb, n);
    CHECK(memcmp(ya, yb, n * sizeof(double)) == 0 && aa == vec_dot(a, a, n) &&
              vec_dot_self_add(a, NULL, n) == aa,
          "vec_dot_self_add == vec_dot + vec_axpy, dim %zu", n);
  }
  for (size_t n = 1; mw != NULL && n <= 777; n += 97)
    for (size_t k = 0; k <= 19; k++)
      for (int with_y = 0; with_y < 2; with_y++) {
        for (size_t i = 0; i < n; i++) ya[i] = yb[i] = (double)i - 0.25;
        vec_dot_many_bytes(a, mw, k, n, many);
        double want = vec_dot_self_add(a, with_y ? ya : NULL, n);
        double got = vec_dot_many_self(a, mw, k, n, many2, with_y ? yb : NULL);
        CHECK(memcmp(&got, &want, sizeof got) == 0 &&
                  memcmp(many, many2, k * sizeof(double)) == 0 &&
                  memcmp(ya, yb, n * sizeof(double)) == 0,
              "vec_dot_many_self == vec_dot_many_bytes + vec_dot_self_add, k %zu dim %zu sum %d",
              k, n, with_y);
      }
  free(mw);
}

static void test_parsers(void) {
  char err[VEC_ERRLEN];
  float *v = NULL;
  size_t dim = 0;
  CHECK(vec_from_json("[1, 2.5, -3e-4]", 15, &v, &dim, err) == VEC_OK &&
            dim == 3 && v[0] == 1.0f && v[1] == 2.5f && v[2] == -3e-4f,
        "json parse");
  free(v);
  const float raw[2] = {1.5f, -2.0f};
  CHECK(vec_from_blob(raw, 8, &v, &dim, err) == VEC_OK && dim == 2 &&
            v[0] == 1.5f && v[1] == -2.0f,
        "blob parse");
  free(v);
  static const struct {
    const char *json;
    const char *reason;
  } bad[] = {
      {"[]", "empty vector"},
      {"[1,", "malformed JSON"},
      {"{\"a\":1}", "JSON is not an array"},
      {"[1,\"x\"]", "element 1 is not a number"},
      {"[1e39]", "element 0 (1e+39) is not a finite float32"},
      {"[[1]]", "element 0 is not a number"},
      {"", "malformed JSON"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int rc = vec_from_json(bad[i].json, strlen(bad[i].json), &v, &dim, err);
    CHECK(rc == VEC_EINVALID && v == NULL && strstr(err, bad[i].reason),
          "json '%s': expected '%s', got rc %d '%s'", bad[i].json,
          bad[i].reason, rc, rc ? err : "");
  }
  CHECK(vec_from_blob(raw, 7, &v, &dim, err) == VEC_EINVALID &&
            strstr(err, "blob length 7 is not a multiple of 4"),
        "blob length");
  CHECK(vec_from_blob(raw, 0, &v, &dim, err) == VEC_EINVALID &&
            strstr(err, "empty vector"),
        "empty blob");
  const float nan_inf[3] = {0.0f, NAN, INFINITY};
  CHECK(vec_from_blob(nan_inf, 12, &v, &dim, err) == VEC_EINVALID &&
            strstr(err, "element 1 is NaN"),
        "NaN blob: %s", err);
  CHECK(vec_from_blob(nan_inf + 2, 4, &v, &dim, err) == VEC_EINVALID &&
            strstr(err, "element 0 is infinite"),
        "Inf blob: %s", err);
}

/* vec_to_json must round-trip every float exactly, extremes included. */
static void test_json_round_trip(void) {
  unsigned long long seed = 7;
  enum { N = 20000 };
  float *v = malloc(N * sizeof(float)), *back = NULL;
  for (size_t i = 0; i < N; i++) {
    unsigned int bits;
    do {
      bits = (unsigned int)test_rand(&seed);
      memcpy(&v[i], &bits, 4);
    } while (!isfinite(v[i]));
  }
  v[0] = 3.40282347e38f;
  v[1] = -1.17549435e-38f;
  v[2] = 1.4e-45f;
  v[3] = 0.0f;
  v[4] = -0.0f;
  char *json = vec_to_json(v, N);
  char err[VEC_ERRLEN];
  size_t dim = 0;
  CHECK(json && vec_from_json(json, strlen(json), &back, &dim, err) == VEC_OK &&
            dim == N && memcmp(v, back, N * sizeof(float)) == 0,
        "JSON round trip of %d random floats", N);
  free(json);
  free(back);
  free(v);
}

int main(void) {
  test_kernels();
  test_fused();
  test_parsers();
  test_json_round_trip();
  return CHECK_SUMMARY();
}
