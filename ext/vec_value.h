/*
 * vec_value.h — vectors out of SQL values and the messages about bad ones
 * (vec_value.c): the one place that turns a BLOB or JSON text into floats
 * for the SQL floor, and words every fault of an embedding.
 */
#ifndef SAFETY_VEC_VALUE_H
#define SAFETY_VEC_VALUE_H

#include "common.h"
#include "core/row_worker.h"
#include "sql_cell.h"

/*
 * Reads an SQL value as a vector: a float32 BLOB or JSON array text.  SQL
 * NULL gives *out == NULL and VEC_OK.  On VEC_EINVALID err (VEC_ERRLEN
 * bytes) holds the reason (without prefix); the caller adds the function
 * name and argument number.  *out is freed with ss_free.
 */
int safety_value_vector(sqlite3_value *val, float **out, size_t *dim,
                        char *err);

/* "; ..." advice for a dimension mismatch where one dimension is twice
 * the other (a float64 vector stored as bytes reads as twice as many
 * float32 values), else "". */
const char *float64_dim_hint(size_t a, size_t b);

/* Sets a float32 BLOB result, taking ownership of v (ss_malloc'ed). */
void safety_result_vector(sqlite3_context *ctx, float *v, size_t dim);

/* The "<who> has ..." message body of an embedding fault
 * (ROW_NONFINITE with its element, ROW_ZERO, ROW_DIFFERENT); NULL if out
 * of memory.  who names the row, e.g. "pool example 7". */
char *embedding_fault_text(const char *who, int fault, long long element,
                           int is_nan);

/* The dimension-mismatch message body into *errmsg ("<who> has a
 * d-dimensional embedding but <others> have dim ..."); returns
 * SQLITE_ERROR.  others says whose dimension dim is ("others" in one
 * relation, "the reference set's" across the two). */
int dim_mismatch(const char *who, size_t d, size_t dim, const char *others,
                 char **errmsg);

/*
 * Checks an embedding's type and dimension (v: the cell of its value).  *dim == 0 means "not
 * known yet": the value's dimension is then stored in *dim.  JSON text is
 * parsed here, once: *json receives the floats (ss_free them after
 * embedding_copy), NULL for a BLOB.  who names the row in messages, others
 * whose dimension *dim is ("others" in one relation, "the reference
 * set's" across the two).
 */
int embedding_dim(const SqlCell *v, const char *who, size_t *dim,
                  const char *others, float **json, char **errmsg);

/* Copies an embedding checked by embedding_dim (its JSON floats, or the
 * BLOB) into dst (dim floats), checks finiteness and that it is not the
 * zero vector, and returns its norm in *norm. */
int embedding_copy(const SqlCell *v, const float *json, const char *who,
                   size_t dim, float *dst, double *norm, char **errmsg);

#endif
