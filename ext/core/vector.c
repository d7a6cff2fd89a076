/*
 * vector.c — float32 vector parsing, validation and kernels.  See vector.h.
 */
#include "vector.h"

#include "alloc.h"
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* On x86-64 the hot kernels are compiled twice, for the portable baseline
 * and for AVX2, and the loader picks one at run time (GNU ifunc).  Both
 * clones do the same operations in the same order, so results are
 * identical; AVX2 only runs more lanes at once.  Sanitizer builds (address,
 * thread) skip the clones (ifunc resolvers run before the sanitizer runtime
 * is ready).
 * clang builds skip them too: clang before 16 names the dispatcher
 * "vec_dot.ifunc", so calls from other files do not link, and it does not
 * define __SANITIZE_ADDRESS__ under -fsanitize=address. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(SAFETY_NO_CLONES) && !defined(__SANITIZE_ADDRESS__) && \
    !defined(__SANITIZE_THREAD__)
#define SS_CLONES \
  __attribute__((target_clones("avx2", "default"), visibility("hidden")))
#else
#define SS_CLONES
#endif

#define LANES 8

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safety_sample stores vectors as little-endian float32; port vec_copy_checked and the BLOB writers first"
#endif

long long vec_copy_checked(float *dst, const void *blob, size_t dim) {
  memcpy(dst, blob, dim * sizeof(float));
  /* Branch-free scan first; find the index only when something is off. */
  int bad = 0;
  for (size_t i = 0; i < dim; i++) bad |= !isfinite(dst[i]);
  if (!bad) return -1;
  for (size_t i = 0; i < dim; i++)
    if (!isfinite(dst[i])) return (long long)i;
  return -1;
}

/* A float32 no real embedding holds: what a double's low half gives. */
static int extreme_float(float f) {
  float a = fabsf(f);
  return !isfinite(f) || a > 1e15f || (a != 0.0f && a < 1e-30f);
}

int vec_looks_float64(const void *blob, size_t nbytes, float *example) {
  if (nbytes == 0 || nbytes % 8 != 0) return 0;
  size_t k = nbytes / 8 < 16 ? nbytes / 8 : 16, extreme = 0, nonzero = 0;
  const unsigned char *p = blob;
  for (size_t i = 0; i < k; i++) {
    double d;
    float lo;
    memcpy(&d, p + 8 * i, sizeof d);
    memcpy(&lo, p + 8 * i, sizeof lo); /* little-endian: the low half */
    if (!isfinite(d) || fabs(d) > 1e6) return 0;
    nonzero += d != 0.0;
    if (extreme_float(lo)) {
      if (extreme++ == 0 && example != NULL) *example = lo;
    }
  }
  return nonzero > 0 && extreme > 0 && extreme * 4 >= k;
}

int vec_from_blob(const void *blob, size_t nbytes, float **out, size_t *dim,
                  char err[VEC_ERRLEN]) {
  *out = NULL;
  *dim = 0;
  if (nbytes == 0) {
    snprintf(err, VEC_ERRLEN, "empty vector (a vector needs at least one element)");
    return VEC_EINVALID;
  }
  if (nbytes % 4 != 0) {
    snprintf(err, VEC_ERRLEN,
             "blob length %zu is not a multiple of 4; a vector BLOB is packed "
             "little-endian float32",
             nbytes);
    return VEC_EINVALID;
  }
  size_t n = nbytes / 4;
  float *v = ss_malloc_array(n, sizeof(float));
  if (v == NULL) return VEC_ENOMEM;
  long long bad = vec_copy_checked(v, blob, n);
  if (bad >= 0) {
    snprintf(err, VEC_ERRLEN, "element %lld is %s; vectors must be finite%s",
             bad, isnan(v[bad]) ? "NaN" : "infinite",
             vec_looks_float64(blob, nbytes, NULL) ? "; " VEC_FLOAT64_HINT : "");
    ss_free(v);
    return VEC_EINVALID;
  }
  *out = v;
  *dim = n;
  return VEC_OK;
}

int vec_from_json(const char *text, size_t len, float **out, size_t *dim,
                  char err[VEC_ERRLEN]) {
  *out = NULL;
  *dim = 0;
  /* end: where this call stopped (cJSON_GetErrorPtr() is global state that
   * other threads overwrite, so the parse end is used instead). */
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  float *v = NULL;
  int rc = VEC_EINVALID;
  if (root != NULL && end != NULL && end >= text && end <= text + len) {
    /* cJSON stops after the first value: text after it is malformed JSON.
     * Bytes up to ' ' count as white space, as cJSON counts them. */
    while (end < text + len && (unsigned char)*end <= ' ') end++;
    if (end < text + len) {
      cJSON_Delete(root);
      root = NULL;
    }
  }
  if (root == NULL) {
    const char *at = end;
    if (at != NULL && at >= text && at <= text + len)
      snprintf(err, VEC_ERRLEN,
               "malformed JSON near byte %zu; expected an array of numbers "
               "such as [0.1, -2, 3e-4]",
               (size_t)(at - text));
    else
      snprintf(err, VEC_ERRLEN,
               "malformed JSON; expected an array of numbers such as "
               "[0.1, -2, 3e-4]");
    /* cJSON reports allocation failure the same way; nothing to tell. */
    goto cleanup;
  }
  if (!cJSON_IsArray(root)) {
    snprintf(err, VEC_ERRLEN,
             "JSON is not an array; expected an array of numbers such as "
             "[0.1, -2, 3e-4]");
    goto cleanup;
  }
  size_t n = 0;
  for (cJSON *e = root->child; e != NULL; e = e->next) n++;
  if (n == 0) {
    snprintf(err, VEC_ERRLEN, "empty vector (a vector needs at least one element)");
    goto cleanup;
  }
  v = ss_malloc_array(n, sizeof(float));
  if (v == NULL) {
    rc = VEC_ENOMEM;
    goto cleanup;
  }
  size_t i = 0;
  for (cJSON *e = root->child; e != NULL; e = e->next, i++) {
    if (!cJSON_IsNumber(e)) {
      snprintf(err, VEC_ERRLEN,
               "element %zu is not a number; every element must be numeric",
               i);
      goto cleanup;
    }
    double d = e->valuedouble;
    float f = (float)d;
    if (!isfinite(d) || !isfinite(f)) {
      snprintf(err, VEC_ERRLEN,
               "element %zu (%g) is not a finite float32; vectors must be "
               "finite and within +-3.4e38",
               i, d);
      goto cleanup;
    }
    v[i] = f;
  }
  *out = v;
  *dim = n;
  v = NULL;
  rc = VEC_OK;
cleanup:
  ss_free(v);
  cJSON_Delete(root);
  return rc;
}

SS_CLONES double vec_dot(const float *a, const float *b, size_t n) {
  double acc[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int l = 0; l < LANES; l++) acc[l] += (double)a[i + l] * (double)b[i + l];
  double s = 0.0;
  for (int l = 0; l < LANES; l++) s += acc[l];
  for (; i < n; i++) s += (double)a[i] * (double)b[i];
  return s;
}

double vec_norm(const float *a, size_t n) { return sqrt(vec_dot(a, a, n)); }

/* The sum in the pass of the squares: the row worker's two passes over a
 * row become one, and the additions into y (no chain between them) run
 * while the chain of acc waits for its adds.  Each acc lane and each y[i]
 * sees the same operations in the same order as vec_dot and vec_axpy(y,
 * 1.0, x) (1.0 * x is x exactly). */
SS_CLONES double vec_dot_self_add(const float *x, double *y, size_t n) {
  if (y == NULL) return vec_dot(x, x, n);
  double acc[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int l = 0; l < LANES; l++) {
      double d = (double)x[i + l];
      acc[l] += d * d;
      y[i + l] += d;
    }
  double s = 0.0;
  for (int l = 0; l < LANES; l++) s += acc[l];
  for (; i < n; i++) {
    double d = (double)x[i];
    s += d * d;
    y[i] += d;
  }
  return s;
}

SS_CLONES void vec_axpy(double *y, double alpha, const float *x, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] += alpha * (double)x[i];
}

void vec_mean_of_sum(float *out, const double *sum, size_t count, size_t n) {
  for (size_t i = 0; i < n; i++) out[i] = (float)(sum[i] / (double)count);
}

double vec_cosine_with_norms(const float *a, const float *b, size_t n,
                             double norm_a, double norm_b) {
  double c = vec_dot(a, b, n) / (norm_a * norm_b);
  if (c > 1.0) c = 1.0;
  if (c < -1.0) c = -1.0;
  return c;
}

char *vec_to_json(const float *v, size_t n) {
  /* "%.9g" needs at most 15 characters ("-1.17549435e-38"), plus a comma. */
  size_t cap;
  if (!ss_mul_size(n, 17, &cap) || cap > SIZE_MAX - 3) return NULL;
  cap += 3;
  char *s = ss_malloc(cap);
  if (s == NULL) return NULL;
  size_t k = 0;
  s[k++] = '[';
  for (size_t i = 0; i < n; i++) {
    if (i) s[k++] = ',';
    int w = snprintf(s + k, cap - k, "%.9g", (double)v[i]);
    /* A locale with a decimal comma must not leak into JSON. */
    for (int j = 0; j < w; j++)
      if (s[k + j] == ',') s[k + j] = '.';
    k += (size_t)w;
  }
  s[k++] = ']';
  s[k] = '\0';
  return s;
}

#define DOT_MANY_CHUNK 4

double *vec_widen(const float *v, size_t n) {
  double *d = ss_malloc_array(n, sizeof(double));
  if (d != NULL)
    for (size_t i = 0; i < n; i++) d[i] = (double)v[i];
  return d;
}

/* Loads float i of packed bytes p (any alignment). */
static inline float load_f32(const unsigned char *p, size_t i) {
  float f;
  memcpy(&f, p + 4 * i, sizeof f);
  return f;
}

/* ab = vec_dot(a, b), aa = vec_dot(a, a), bb = vec_dot(b, b), bit for bit,
 * in one pass over packed float32 bytes of any alignment (SQLite BLOBs are
 * not aligned): cosine() reads its arguments in place, without copies. */
SS_CLONES void vec_dot3_bytes(const void *a_bytes, const void *b_bytes,
                              size_t n, double *ab, double *aa, double *bb) {
  const unsigned char *a = a_bytes, *b = b_bytes;
  double acc_ab[LANES] = {0}, acc_aa[LANES] = {0}, acc_bb[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int l = 0; l < LANES; l++) {
      double x = (double)load_f32(a, i + l), y = (double)load_f32(b, i + l);
      acc_ab[l] += x * y;
      acc_aa[l] += x * x;
      acc_bb[l] += y * y;
    }
  double s_ab = 0.0, s_aa = 0.0, s_bb = 0.0;
  for (int l = 0; l < LANES; l++) {
    s_ab += acc_ab[l];
    s_aa += acc_aa[l];
    s_bb += acc_bb[l];
  }
  for (; i < n; i++) {
    double x = (double)load_f32(a, i), y = (double)load_f32(b, i);
    s_ab += x * y;
    s_aa += x * x;
    s_bb += y * y;
  }
  *ab = s_ab;
  *aa = s_aa;
  *bb = s_bb;
}

/* The last steps of vec_dot for one row: the lanes summed in order, then
 * the tail elements i..n-1. */
static inline double dot_finish(const double acc[LANES], const unsigned char *x,
                                const double *mc, size_t i, size_t n) {
  double s = 0.0;
  for (int l = 0; l < LANES; l++) s += acc[l];
  for (; i < n; i++) s += (double)load_f32(x, i) * mc[i];
  return s;
}

/* out[c] = vec_dot(x, m_c) for the k rows of m, bit for bit, over packed
 * float32 bytes x (any alignment) and rows already widened to double (the
 * same products and sums as vec_dot, without a copy of x or a per-element
 * widening of m).  x is read once for every DOT_MANY_CHUNK rows: their
 * accumulators are independent chains, so the loop runs at the machine's
 * arithmetic throughput instead of one chain's latency.  The chunk's
 * accumulators are separate named arrays so that the compiler keeps them in
 * registers (an array indexed by a run-time row number lives on the stack,
 * and every addition then waits for a store).  Each row's sum depends only
 * on x and that row, so grouping rows changes no bit. */
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 9)
/* Half of the LANES lanes as one value (four doubles: one AVX2 register),
 * and four floats to widen into it: GCC and clang vector types, whose + and
 * * work lane by lane exactly as the scalar loops do (and are never fused,
 * -ffp-contract=off).  Lanes 0-3 of vec_dot are the "lo" half, 4-7 "hi".
 * The helpers are macros: a vector passed to or returned from a function
 * would change the calling convention between the AVX2 and baseline
 * clones, which GCC and clang warn about. */
typedef double half_f64 __attribute__((vector_size(4 * sizeof(double))));
typedef float half_f32 __attribute__((vector_size(4 * sizeof(float))));

/* lo, hi = floats i..i+3 and i+4..i+7 of the packed bytes x, widened. */
#define WIDEN_LANES(lo, hi, x, i)                     \
  do {                                                \
    half_f32 f_lo_, f_hi_;                            \
    memcpy(&f_lo_, (x) + 4 * (i), sizeof f_lo_);      \
    memcpy(&f_hi_, (x) + 4 * ((i) + 4), sizeof f_hi_); \
    (lo) = __builtin_convertvector(f_lo_, half_f64);  \
    (hi) = __builtin_convertvector(f_hi_, half_f64);  \
  } while (0)

/* lo, hi += xl, xh times row[i..i+7] (i: the caller's loop index). */
#define HALVES_MADD(lo, hi, xl, xh, row)    \
  do {                                      \
    half_f64 m_lo_, m_hi_;                  \
    memcpy(&m_lo_, (row) + i, sizeof m_lo_); \
    memcpy(&m_hi_, (row) + i + 4, sizeof m_hi_); \
    (lo) += (xl) * m_lo_;                   \
    (hi) += (xh) * m_hi_;                   \
  } while (0)

/* out = the row's sum from its two halves of accumulators and the tail
 * (dot_finish over the caller's x, i and n). */
#define HALVES_FINISH(out, lo, hi, mc)        \
  do {                                        \
    double a_[LANES];                         \
    memcpy(a_, &(lo), sizeof(lo));            \
    memcpy(a_ + 4, &(hi), sizeof(hi));        \
    (out) = dot_finish(a_, x, (mc), i, n);    \
  } while (0)

/* out[0..3] = the dots of x with the four rows from m0 in one pass; with
 * xx, also *xx = vec_dot(x, x) and, with y, y[i] += x[i] (the two results
 * of vec_dot_self_add, bit for bit).  Inlined: each call is its own loop,
 * and the calls without xx have no self lanes at all. */
static inline __attribute__((always_inline)) void dot_chunk(
    const unsigned char *x, const double *m0, size_t n, double *out,
    double *xx, double *y) {
  const double *m1 = m0 + n, *m2 = m1 + n, *m3 = m2 + n;
  half_f64 l0 = {0}, h0 = {0}, l1 = {0}, h1 = {0}, l2 = {0}, h2 = {0},
           l3 = {0}, h3 = {0}, ls = {0}, hs = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES) {
    half_f64 xl, xh;
    WIDEN_LANES(xl, xh, x, i);
    HALVES_MADD(l0, h0, xl, xh, m0);
    HALVES_MADD(l1, h1, xl, xh, m1);
    HALVES_MADD(l2, h2, xl, xh, m2);
    HALVES_MADD(l3, h3, xl, xh, m3);
    if (xx != NULL) {
      ls += xl * xl;
      hs += xh * xh;
    }
    if (xx != NULL && y != NULL) {
      half_f64 yl, yh;
      memcpy(&yl, y + i, sizeof yl);
      memcpy(&yh, y + i + 4, sizeof yh);
      yl += xl;
      yh += xh;
      memcpy(y + i, &yl, sizeof yl);
      memcpy(y + i + 4, &yh, sizeof yh);
    }
  }
  HALVES_FINISH(out[0], l0, h0, m0);
  HALVES_FINISH(out[1], l1, h1, m1);
  HALVES_FINISH(out[2], l2, h2, m2);
  HALVES_FINISH(out[3], l3, h3, m3);
  if (xx != NULL) { /* vec_dot_self_add's finish: the lanes, then the tail */
    double a_[LANES], s = 0.0;
    memcpy(a_, &ls, sizeof ls);
    memcpy(a_ + 4, &hs, sizeof hs);
    for (int l = 0; l < LANES; l++) s += a_[l];
    for (; i < n; i++) {
      double d = (double)load_f32(x, i);
      s += d * d;
      if (y != NULL) y[i] += d;
    }
    *xx = s;
  }
}

/* vec_dot_many_bytes; with xx (and k >= DOT_MANY_CHUNK), the first chunk
 * also makes vec_dot_self_add's results (dot_chunk). */
static inline __attribute__((always_inline)) void dot_many(
    const unsigned char *x, const double *m, size_t k, size_t n, double *out,
    double *xx, double *y) {
  size_t c = 0;
  if (xx != NULL && k >= DOT_MANY_CHUNK) {
    dot_chunk(x, m, n, out, xx, y);
    c = DOT_MANY_CHUNK;
  }
  for (; c + DOT_MANY_CHUNK <= k; c += DOT_MANY_CHUNK)
    dot_chunk(x, m + c * n, n, out + c, NULL, NULL);
  for (; c < k; c++) { /* the last k % DOT_MANY_CHUNK rows, one at a time */
    const double *mc = m + c * n;
    half_f64 lo = {0}, hi = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES) {
      half_f64 xl, xh;
      WIDEN_LANES(xl, xh, x, i);
      HALVES_MADD(lo, hi, xl, xh, mc);
    }
    HALVES_FINISH(out[c], lo, hi, mc);
  }
}

SS_CLONES void vec_dot_many_bytes(const void *x_bytes, const double *m,
                                  size_t k, size_t n, double *out) {
  dot_many(x_bytes, m, k, n, out, NULL, NULL);
}

SS_CLONES double vec_dot_many_self(const float *x, const double *m, size_t k,
                                   size_t n, double *out, double *y) {
  double xx;
  if (k < DOT_MANY_CHUNK) { /* no chunk to share the pass with */
    dot_many((const unsigned char *)x, m, k, n, out, NULL, NULL);
    return vec_dot_self_add(x, y, n);
  }
  dot_many((const unsigned char *)x, m, k, n, out, &xx, y);
  return xx;
}
#undef WIDEN_LANES
#undef HALVES_MADD
#undef HALVES_FINISH
#else /* no vector types with __builtin_convertvector (GCC 8 and older) */
SS_CLONES void vec_dot_many_bytes(const void *x_bytes, const double *m,
                                  size_t k, size_t n, double *out) {
  const unsigned char *x = x_bytes;
  for (size_t c = 0; c < k; c++) {
    const double *mc = m + c * n;
    double a[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
      for (int l = 0; l < LANES; l++) a[l] += (double)load_f32(x, i + l) * mc[i + l];
    out[c] = dot_finish(a, x, mc, i, n);
  }
}

double vec_dot_many_self(const float *x, const double *m, size_t k, size_t n,
                         double *out, double *y) {
  vec_dot_many_bytes(x, m, k, n, out);
  return vec_dot_self_add(x, y, n);
}
#endif

/* vec_dot over packed float32 bytes of any alignment, bit for bit. */
SS_CLONES double vec_dot_bytes(const void *a_bytes, const void *b_bytes,
                               size_t n) {
  const unsigned char *a = a_bytes, *b = b_bytes;
  double acc[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int l = 0; l < LANES; l++)
      acc[l] += (double)load_f32(a, i + l) * (double)load_f32(b, i + l);
  double s = 0.0;
  for (int l = 0; l < LANES; l++) s += acc[l];
  for (; i < n; i++) s += (double)load_f32(a, i) * (double)load_f32(b, i);
  return s;
}
