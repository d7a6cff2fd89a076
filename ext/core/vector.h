/*
 * vector.h — float32 vectors: parsing, validation and the numeric kernels.
 *
 * Pure C with no SQLite dependency, so the selection code, the unit tests
 * and the fuzz targets use exactly the same code as the SQL functions.
 *
 * Determinism: every kernel accumulates in double precision in a fixed order
 * (eight independent lanes, then the lanes summed in index order, then the
 * tail).  The lanes are independent, so the compiler may vectorise them with
 * any SIMD width without changing a single bit of the result; the build uses
 * -ffp-contract=off so no fused multiply-add changes rounding either.
 */
#ifndef SAFETY_VECTOR_H
#define SAFETY_VECTOR_H

#include <stddef.h>

#define VEC_ERRLEN 200

/* Result of parsing: 0 = ok, VEC_ENOMEM = out of memory, VEC_EINVALID =
 * invalid input (err holds the reason, without any function prefix). */
enum { VEC_OK = 0, VEC_ENOMEM = 1, VEC_EINVALID = 2 };

/*
 * Copies nbytes of packed little-endian float32 into a new array (*out,
 * freed with ss_free) and checks it: non-empty, length a multiple of 4,
 * every element finite.
 */
int vec_from_blob(const void *blob, size_t nbytes, float **out, size_t *dim,
                  char err[VEC_ERRLEN]);

/* Parses JSON text "[1, 2.5, -3e-4]" (cJSON) into a new float array with the
 * same checks; values that overflow float32 are rejected. */
int vec_from_json(const char *text, size_t len, float **out, size_t *dim,
                  char err[VEC_ERRLEN]);

/* Copies packed float32 bytes into dst (which holds dim floats) and checks
 * finiteness; returns the index of the first non-finite element or -1. */
long long vec_copy_checked(float *dst, const void *blob, size_t dim);

/*
 * Whether packed bytes that should be float32 look like float64 instead
 * (numpy's default dtype): the length is a multiple of 8, the first (up
 * to 16) 8-byte words read as finite doubles of magnitude <= 1e6, not all
 * zero, and at least a quarter of their low halves read as float32 are
 * extreme (NaN, infinite, beyond 1e15 or non-zero below 1e-30) -- the
 * random mantissa bits of a double, which a real float32 embedding never
 * has.  *example receives one such float32 value (for the message).
 */
int vec_looks_float64(const void *blob, size_t nbytes, float *example);
#define VEC_FLOAT64_HINT                                                \
  "the bytes look like float64 (numpy's default dtype); store "       \
  "numpy.float32(v).tobytes()"

/* Kernels (double accumulation, fixed order; see the file comment). */
double vec_dot(const float *a, const float *b, size_t n);
double vec_norm(const float *a, size_t n);
/* vec_dot(x, x, n), bit for bit; with y (not NULL), also y[i] += x[i] in
 * the same pass, bit for bit vec_axpy(y, 1.0, x, n). */
double vec_dot_self_add(const float *x, double *y, size_t n);
/* out[c] = vec_dot(x, m_c, n) for the k rows m_c = m + c * n, bit for
 * bit, reading x once per block (batched scoring).  x is packed float32
 * bytes (any alignment, a float array too); the rows of m are widened to
 * double beforehand (vec_widen). */
void vec_dot_many_bytes(const void *x, const double *m, size_t k, size_t n,
                        double *out);
/* vec_dot_many_bytes(x, m, k, n, out) and vec_dot_self_add(x, y, n) (its
 * return value), bit for bit, in one pass over x where k >= 4: the row
 * worker's norm, prototype sum and scores of a row. */
double vec_dot_many_self(const float *x, const double *m, size_t k, size_t n,
                         double *out, double *y);
/* A new array (ss_free it) of the n floats of v widened to double; NULL if
 * out of memory. */
double *vec_widen(const float *v, size_t n);
/* vec_dot over packed float32 bytes of any alignment, bit for bit. */
double vec_dot_bytes(const void *a, const void *b, size_t n);
/* ab = a.b, aa = a.a, bb = b.b over packed float32 bytes of any alignment,
 * each bit-identical to vec_dot; non-finite input gives non-finite aa/bb. */
void vec_dot3_bytes(const void *a, const void *b, size_t n, double *ab,
                    double *aa, double *bb);
/* y[i] += alpha * x[i] with y in double (for means of many vectors). */
void vec_axpy(double *y, double alpha, const float *x, size_t n);
/* out[i] = (float)(sum[i] / count) for n elements (count > 0): the mean
 * of vectors summed in double, as prototype(), the pss prototypes and the
 * cossim reference means all round it, so that they agree bit for bit. */
void vec_mean_of_sum(float *out, const double *sum, size_t count, size_t n);
/* cosine of a and b given their norms (both > 0), clamped to [-1, 1]. */
double vec_cosine_with_norms(const float *a, const float *b, size_t n,
                             double norm_a, double norm_b);

/* Formats v as JSON text with %.9g per element (exact float round trip).
 * Returns a new string (ss_free) or NULL when out of memory. */
char *vec_to_json(const float *v, size_t n);

#endif
