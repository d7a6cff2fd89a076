/*
 * vec_value.c — reading vectors out of SQL values, with every message
 * about a bad vector or embedding, in one place: the vector functions'
 * arguments (safety_value_vector: a float32 BLOB or JSON array text) and
 * the embeddings of the pool and reference relations (embedding_dim,
 * embedding_copy and the faults the row worker finds).
 */
#include "vec_value.h"

#include "core/vector.h"
#include <math.h>
#include <string.h>

int safety_value_vector(sqlite3_value *val, float **out, size_t *dim,
                        char *err) {
  *out = NULL;
  *dim = 0;
  switch (sqlite3_value_type(val)) {
    case SQLITE_NULL:
      return VEC_OK;
    case SQLITE_BLOB: {
      const void *p = sqlite3_value_blob(val);
      int n = sqlite3_value_bytes(val);
      return vec_from_blob(p, (size_t)n, out, dim, err);
    }
    case SQLITE_TEXT: {
      const char *t = (const char *)sqlite3_value_text(val);
      int n = sqlite3_value_bytes(val);
      if (t == NULL) return VEC_ENOMEM;
      return vec_from_json(t, (size_t)n, out, dim, err);
    }
    default:
      sqlite3_snprintf(VEC_ERRLEN, err,
                       "expected a float32 BLOB or JSON array text, got %s",
                       sql_number_type(sqlite3_value_type(val)));
      return VEC_EINVALID;
  }
}

const char *float64_dim_hint(size_t a, size_t b) {
  if (a == 2 * b || b == 2 * a)
    return "; one is twice the other, as when float64 values (numpy's "
           "default dtype) are stored as bytes: store "
           "numpy.float32(v).tobytes()";
  return "";
}

void safety_result_vector(sqlite3_context *ctx, float *v, size_t dim) {
  sqlite3_result_blob64(ctx, v, (sqlite3_uint64)dim * sizeof(float),
                        sqlite3_free);
}

char *embedding_fault_text(const char *who, int fault, long long element,
                           int is_nan) {
  switch (fault) {
    case ROW_NONFINITE:
      return sqlite3_mprintf(
          "%s has an embedding whose element %lld is %s; embeddings must "
          "be finite",
          who, element, is_nan ? "NaN" : "infinite");
    case ROW_ZERO:
      return sqlite3_mprintf(
          "%s has a zero embedding, which has no direction for cosine; "
          "re-embed it or leave the row out",
          who);
    default: /* ROW_DIFFERENT */
      return sqlite3_mprintf(
          "%s has two different embeddings in its rows; one example must "
          "have one embedding",
          who);
  }
}

int dim_mismatch(const char *who, size_t d, size_t dim,
                        const char *others, char **errmsg) {
  *errmsg = sqlite3_mprintf(
      "%s has a %llu-dimensional embedding but %s have %llu (dimension "
      "mismatch %llu vs %llu); every embedding must come from the same "
      "model%s",
      who, (unsigned long long)d, others, (unsigned long long)dim,
      (unsigned long long)d, (unsigned long long)dim, float64_dim_hint(d, dim));
  return SQLITE_ERROR;
}

/*
 * Checks an embedding value's type and dimension.  *dim == 0 means "not
 * known yet": the value's dimension is then stored in *dim.  JSON text is
 * parsed here, once: *json receives the floats (ss_free them after
 * embedding_copy), NULL for a BLOB.  who names the row in messages.
 */
int embedding_dim(const SqlCell *v, const char *who, size_t *dim,
                  const char *others, float **json, char **errmsg) {
  int type = v->type;
  size_t d;
  *json = NULL;
  if (type == SQLITE_NULL) {
    *errmsg = sqlite3_mprintf(
        "%s has no embedding; store one (a float32 BLOB, for example "
        "from safety_embed(text)) or leave the row out",
        who);
    return SQLITE_ERROR;
  }
  if (type == SQLITE_BLOB) {
    size_t bytes = v->n;
    if (bytes != 0 && v->p == NULL) return SQLITE_NOMEM;
    if (bytes == 0 || bytes % 4 != 0) {
      *errmsg = sqlite3_mprintf(
          "%s has an embedding of %llu bytes, which is not a float32 "
          "vector (a non-empty multiple of 4 bytes); store vec_f32(...) "
          "values",
          who, (unsigned long long)bytes);
      return SQLITE_ERROR;
    }
    float example = 0;
    if (vec_looks_float64(v->p, bytes, &example)) {
      *errmsg = sqlite3_mprintf(
          "%s has an embedding that looks like float64 (numpy's default "
          "dtype), not float32: its %llu bytes read as %llu ordinary float64 "
          "values, but as float32 they hold values such as %g; store "
          "numpy.float32(v).tobytes()",
          who, (unsigned long long)bytes, (unsigned long long)bytes / 8,
          (double)example);
      return SQLITE_ERROR;
    }
    d = bytes / 4;
  } else if (type == SQLITE_TEXT) {
    char err[VEC_ERRLEN];
    if (v->p == NULL) return SQLITE_NOMEM; /* SQLite could not make it */
    int rc = vec_from_json((const char *)v->p, v->n, json, &d, err);
    if (rc == VEC_ENOMEM) return SQLITE_NOMEM;
    if (rc != VEC_OK) {
      *errmsg = sqlite3_mprintf("%s has an invalid embedding: %s", who, err);
      return SQLITE_ERROR;
    }
  } else {
    *errmsg = sqlite3_mprintf(
        "%s has %s embedding; store a float32 BLOB (vec_f32(...))", who,
        sql_number_type(v->type));
    return SQLITE_ERROR;
  }
  if (*dim != 0 && d != *dim) {
    ss_free(*json);
    *json = NULL;
    return dim_mismatch(who, d, *dim, others, errmsg);
  }
  *dim = d;
  return SQLITE_OK;
}

/* Copies an embedding checked by embedding_dim (its JSON floats, or the
 * BLOB) into dst (dim floats), checks finiteness and that it is not the
 * zero vector, and returns its norm in *norm. */
int embedding_copy(const SqlCell *v, const float *json, const char *who,
                   size_t dim, float *dst, double *norm, char **errmsg) {
  long long bad;
  if (json != NULL) {
    memcpy(dst, json, dim * sizeof(float)); /* vec_from_json checked it */
    bad = -1;
  } else {
    bad = vec_copy_checked(dst, v->p, dim);
  }
  if (bad >= 0) {
    *errmsg = embedding_fault_text(who, ROW_NONFINITE, bad, isnan(dst[bad]));
    return SQLITE_ERROR;
  }
  *norm = vec_norm(dst, dim);
  if (*norm == 0.0) {
    *errmsg = embedding_fault_text(who, ROW_ZERO, 0, 0);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}
