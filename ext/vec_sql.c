/*
 * vec_sql.c — the SQL vector functions of section 3 of the contract:
 * vec_f32, vec_json, vec_dim, vec_norm, vec_normalize, cosine,
 * cosine_distance and the prototype aggregate/window function.
 *
 * Every function takes a float32 BLOB or JSON text, returns NULL for NULL,
 * and reports invalid input as "<fn>: argument N: <reason>".
 */
#include "common.h"
#include "sql_functions.h"
#include "core/vector.h"
#include "vec_value.h"

#include <math.h>
#include <string.h>

/*
 * Reads argument i of fn as a vector.  Returns 1 with *out set (NULL for
 * SQL NULL) or 0 after setting the error result.
 */
static int arg_vector(sqlite3_context *ctx, const char *fn,
                      sqlite3_value **argv, int i, float **out, size_t *dim) {
  char err[VEC_ERRLEN];
  int rc = safety_value_vector(argv[i], out, dim, err);
  if (rc == VEC_OK) return 1;
  if (rc == VEC_ENOMEM)
    sqlite3_result_error_nomem(ctx);
  else
    safety_result_error(ctx, fn, "argument %d: %s", i + 1, err);
  return 0;
}

/* vec_f32(v): the canonical BLOB of v (validates; converts JSON). */
void fn_vec_f32(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  float *v;
  size_t dim;
  if (!arg_vector(ctx, "vec_f32", argv, 0, &v, &dim) || v == NULL) return;
  safety_result_vector(ctx, v, dim);
}

/* vec_json(v): JSON text that parses back to the identical BLOB. */
void fn_vec_json(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  float *v;
  size_t dim;
  if (!arg_vector(ctx, "vec_json", argv, 0, &v, &dim) || v == NULL) return;
  char *json = vec_to_json(v, dim);
  ss_free(v);
  if (json == NULL) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_text(ctx, json, -1, sqlite3_free);
}

/* vec_dim(v): number of elements. */
void fn_vec_dim(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  float *v;
  size_t dim;
  if (!arg_vector(ctx, "vec_dim", argv, 0, &v, &dim) || v == NULL) return;
  ss_free(v);
  sqlite3_result_int64(ctx, (sqlite3_int64)dim);
}

/* vec_norm(v): L2 norm. */
void fn_vec_norm(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  float *v;
  size_t dim;
  if (!arg_vector(ctx, "vec_norm", argv, 0, &v, &dim) || v == NULL) return;
  sqlite3_result_double(ctx, vec_norm(v, dim));
  ss_free(v);
}

/* vec_normalize(v): v / |v|; a zero vector has no direction. */
void fn_vec_normalize(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv) {
  (void)argc;
  float *v;
  size_t dim;
  if (!arg_vector(ctx, "vec_normalize", argv, 0, &v, &dim) || v == NULL)
    return;
  double norm = vec_norm(v, dim);
  if (norm == 0.0) {
    ss_free(v);
    safety_result_error(ctx, "vec_normalize",
                        "argument 1 is a zero vector, which has no direction; "
                        "filter it out (WHERE vec_norm(v) > 0)");
    return;
  }
  for (size_t i = 0; i < dim; i++) v[i] = (float)((double)v[i] / norm);
  safety_result_vector(ctx, v, dim);
}

/*
 * A cosine() argument, read without copying where possible: a BLOB is used
 * in place (any alignment); JSON text is parsed once and, when the argument
 * is a constant (the query vector of a scan), kept with sqlite3_set_auxdata
 * so later rows reuse it.  Anything else takes the general path of
 * arg_vector(), which also produces every error message.
 */
typedef struct {
  size_t dim;
  float v[]; /* dim floats */
} CachedVector;

typedef struct {
  const void *bytes;    /* NULL for SQL NULL */
  size_t dim;
  CachedVector *parsed; /* owned until handed to set_auxdata */
} CosineArg;

static int cosine_arg(sqlite3_context *ctx, const char *fn,
                      sqlite3_value **argv, int i, CosineArg *arg) {
  sqlite3_value *v = argv[i];
  int type = sqlite3_value_type(v);
  arg->parsed = NULL;
  if (type == SQLITE_BLOB) {
    int n = sqlite3_value_bytes(v);
    if (n > 0 && n % 4 == 0) {
      arg->bytes = sqlite3_value_blob(v);
      arg->dim = (size_t)n / 4;
      return 1;
    }
  } else if (type == SQLITE_TEXT) {
    CachedVector *c = sqlite3_get_auxdata(ctx, i);
    if (c != NULL) {
      arg->bytes = c->v;
      arg->dim = c->dim;
      return 1;
    }
  }
  /* NULL, JSON not yet cached, or invalid input (reported here). */
  float *f;
  size_t d;
  if (!arg_vector(ctx, fn, argv, i, &f, &d)) return 0;
  arg->bytes = NULL;
  arg->dim = d;
  if (f == NULL) return 1;
  arg->parsed = ss_malloc(sizeof(CachedVector) + d * sizeof(float));
  if (arg->parsed == NULL) {
    ss_free(f);
    sqlite3_result_error_nomem(ctx);
    return 0;
  }
  arg->parsed->dim = d;
  memcpy(arg->parsed->v, f, d * sizeof(float));
  arg->bytes = arg->parsed->v;
  ss_free(f);
  return 1;
}

/* Hands a parsed JSON argument to SQLite to keep for the next rows (it
 * frees it at once when the argument is not a constant). */
static void cosine_arg_done(sqlite3_context *ctx, int i, CosineArg *arg,
                            int keep) {
  if (arg->parsed == NULL) return;
  if (keep)
    sqlite3_set_auxdata(ctx, i, arg->parsed, sqlite3_free);
  else
    ss_free(arg->parsed);
  arg->parsed = NULL;
}

/* Reports why argument i (known to hold a non-finite element) is invalid. */
static void cosine_invalid(sqlite3_context *ctx, const char *fn,
                           sqlite3_value **argv, int i) {
  float *f;
  size_t d;
  if (arg_vector(ctx, fn, argv, i, &f, &d)) { /* not expected */
    ss_free(f);
    safety_result_error(ctx, fn, "argument %d is not a finite vector", i + 1);
  }
}

/* Shared body of cosine() and cosine_distance(): one fused pass computes
 * a.b, a.a and b.b (the same bits as three vec_dot calls); a non-finite
 * element shows as a non-finite a.a or b.b and is then reported. */
static void cosine_common(sqlite3_context *ctx, sqlite3_value **argv,
                          const char *fn, int distance) {
  CosineArg a, b;
  int keep = 0;
  if (!cosine_arg(ctx, fn, argv, 0, &a)) return;
  if (!cosine_arg(ctx, fn, argv, 1, &b)) goto done;
  if (a.bytes == NULL || b.bytes == NULL) {
    sqlite3_result_null(ctx);
    goto done;
  }
  if (a.dim != b.dim) {
    /* An invalid element is the first thing to report, as everywhere. */
    for (int i = 0; i < 2; i++) {
      float *f;
      size_t d;
      if (!arg_vector(ctx, fn, argv, i, &f, &d)) goto done;
      ss_free(f);
    }
    safety_result_error(ctx, fn,
                        "dimension mismatch (%llu vs %llu); both vectors must "
                        "come from the same embedding model%s",
                        (unsigned long long)a.dim, (unsigned long long)b.dim,
                        float64_dim_hint(a.dim, b.dim));
    goto done;
  }
  double ab, aa, bb;
  vec_dot3_bytes(a.bytes, b.bytes, a.dim, &ab, &aa, &bb);
  if (!isfinite(aa) || !isfinite(bb)) {
    cosine_invalid(ctx, fn, argv, !isfinite(aa) ? 0 : 1);
    goto done;
  }
  if (aa == 0.0 || bb == 0.0) {
    safety_result_error(ctx, fn,
                        "argument %d is a zero vector; cosine is undefined for "
                        "it (filter with vec_norm(v) > 0)",
                        aa == 0.0 ? 1 : 2);
    goto done;
  }
  double c = ab / (sqrt(aa) * sqrt(bb));
  if (c > 1.0) c = 1.0;
  if (c < -1.0) c = -1.0;
  sqlite3_result_double(ctx, distance ? 1.0 - c : c);
  keep = 1;
done:
  cosine_arg_done(ctx, 0, &a, keep);
  cosine_arg_done(ctx, 1, &b, keep);
}

/* cosine(a, b): cosine similarity in [-1, 1]. */
void fn_cosine(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  cosine_common(ctx, argv, "cosine", 0);
}

/* cosine_distance(a, b): 1 - cosine(a, b). */
void fn_cosine_distance(sqlite3_context *ctx, int argc,
                               sqlite3_value **argv) {
  (void)argc;
  cosine_common(ctx, argv, "cosine_distance", 1);
}

/*
 * prototype(v): the arithmetic mean of the non-NULL input vectors, summed in
 * double precision.  As a window function xInverse subtracts a row leaving
 * the frame.  A plain subtraction would lose what the sum could not hold:
 * after [1e30] and [1] have entered and [1e30] has left, the sum is 0, not
 * 1.  So each sum carries a Neumaier compensation (the rounding error of
 * every addition, summed apart), which the value adds back once a row has
 * left; until then the value is the plain running sum, bit for bit the
 * aggregate's (and so pss's prototype).  The state is allocated on the
 * first non-NULL row.
 */
typedef struct {
  double *sum;         /* dim running sums */
  double *lost;        /* dim compensations: what rounding took from sum */
  double *total;       /* dim: sum + lost, made for the value */
  size_t dim;          /* 0 until the first vector */
  sqlite3_int64 count; /* vectors currently in the aggregate */
  int removed;         /* a row has left the frame (xInverse) */
} PrototypeState;

/* sum += sign * v, each rounding error added to lost (Neumaier). */
static void prototype_accumulate(PrototypeState *st, double sign,
                                 const float *v) {
  for (size_t j = 0; j < st->dim; j++) {
    double x = sign * (double)v[j], s = st->sum[j], t = s + x;
    st->lost[j] += fabs(s) >= fabs(x) ? (s - t) + x : (x - t) + s;
    st->sum[j] = t;
  }
}

/* The first vector's state: sums and compensations at 0; 0 if out of memory. */
static int prototype_start(PrototypeState *st, size_t dim) {
  st->sum = ss_malloc_array(3 * dim, sizeof(double));
  if (st->sum == NULL) return 0;
  memset(st->sum, 0, 3 * dim * sizeof(double));
  st->lost = st->sum + dim;
  st->total = st->lost + dim;
  st->dim = dim;
  return 1;
}

static void prototype_add(sqlite3_context *ctx, sqlite3_value **argv,
                          double sign) {
  PrototypeState *st = sqlite3_aggregate_context(ctx, sizeof *st);
  float *v;
  size_t dim;
  if (st == NULL) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  if (!arg_vector(ctx, "prototype", argv, 0, &v, &dim) || v == NULL) return;
  if (st->sum == NULL) {
    if (!prototype_start(st, dim)) {
      ss_free(v);
      sqlite3_result_error_nomem(ctx);
      return;
    }
  } else if (dim != st->dim) {
    safety_result_error(ctx, "prototype",
                        "dimension mismatch (%llu vs %llu); every vector of a "
                        "group must have the same dimension%s",
                        (unsigned long long)st->dim, (unsigned long long)dim,
                        float64_dim_hint(st->dim, dim));
    ss_free(v);
    return;
  }
  prototype_accumulate(st, sign, v);
  st->count += sign > 0 ? 1 : -1;
  if (sign < 0) st->removed = 1;
  ss_free(v);
}

void prototype_step(sqlite3_context *ctx, int argc,
                           sqlite3_value **argv) {
  (void)argc;
  prototype_add(ctx, argv, 1.0);
}

void prototype_inverse(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv) {
  (void)argc;
  prototype_add(ctx, argv, -1.0);
}

void prototype_value(sqlite3_context *ctx) {
  PrototypeState *st = sqlite3_aggregate_context(ctx, 0);
  if (st == NULL || st->sum == NULL || st->count <= 0) {
    sqlite3_result_null(ctx);
    return;
  }
  float *mean = ss_malloc_array(st->dim, sizeof(float));
  if (mean == NULL) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  const double *sum = st->sum;
  if (st->removed) { /* the compensated sums */
    for (size_t j = 0; j < st->dim; j++) st->total[j] = st->sum[j] + st->lost[j];
    sum = st->total;
  }
  vec_mean_of_sum(mean, sum, (size_t)st->count, st->dim);
  safety_result_vector(ctx, mean, st->dim);
}

void prototype_final(sqlite3_context *ctx) {
  prototype_value(ctx);
  PrototypeState *st = sqlite3_aggregate_context(ctx, 0);
  if (st != NULL) {
    ss_free(st->sum);
    st->sum = NULL;
  }
}
