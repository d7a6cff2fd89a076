/*
 * embed_sql.c — safety_embed(text [, dim]): the embedded default embedder
 * of section 4 of the contract, as a float32 BLOB of dim elements (default
 * 384) with unit length.  The algorithm lives in embed.c (see embed.h).
 *
 * NULL text gives NULL; so does text with no word (nothing to embed; the
 * example simply has no embedding).  A BLOB argument is embedded as its raw
 * bytes; numbers as their text.
 */
#include "common.h"
#include "sql_functions.h"
#include "vec_value.h"
#include "core/embed.h"

#include <math.h>

/* Reads the dim argument; 1 with *dim set, or 0 after setting the error. */
static int arg_dim(sqlite3_context *ctx, sqlite3_value *v, size_t *dim) {
  int type = sqlite3_value_numeric_type(v);
  sqlite3_int64 i;
  double d = sqlite3_value_double(v);
  if (type == SQLITE_INTEGER) {
    i = sqlite3_value_int64(v);
  } else if (type == SQLITE_FLOAT && d == floor(d) && fabs(d) < 1e18) {
    i = (sqlite3_int64)d; /* 384.0 is accepted as 384 */
  } else {
    const char *shown = (const char *)sqlite3_value_text(v);
    safety_result_error(ctx, "safety_embed",
                        "argument 2 (dim) must be an integer in [1, %d], got "
                        "%s%s%s; omit it for the default %d",
                        EMBED_MAX_DIM, shown ? "'" : "",
                        shown ? shown : "NULL", shown ? "'" : "",
                        EMBED_DEFAULT_DIM);
    return 0;
  }
  if (i < 1 || i > EMBED_MAX_DIM) {
    safety_result_error(ctx, "safety_embed",
                        "argument 2 (dim) is %lld, outside [1, %d]; omit it "
                        "for the default %d",
                        (long long)i, EMBED_MAX_DIM, EMBED_DEFAULT_DIM);
    return 0;
  }
  *dim = (size_t)i;
  return 1;
}

/* safety_embed(text [, dim]): unit-length lexical embedding as a BLOB. */
void fn_safety_embed(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv) {
  size_t dim = EMBED_DEFAULT_DIM;
  const void *text;
  int len;
  if (argc == 2 && !arg_dim(ctx, argv[1], &dim)) return;
  switch (sqlite3_value_type(argv[0])) {
    case SQLITE_NULL:
      return; /* NULL result */
    case SQLITE_BLOB:
      text = sqlite3_value_blob(argv[0]);
      break;
    default:
      text = sqlite3_value_text(argv[0]);
      if (text == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
      }
  }
  len = sqlite3_value_bytes(argv[0]);
  float *v = ss_malloc_array(dim, sizeof(float));
  if (v == NULL) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  switch (embed_text(text, (size_t)len, dim, v, NULL)) {
    case EMBED_OK:
      safety_result_vector(ctx, v, dim); /* takes v */
      return;
    case EMBED_ENOWORDS:
      break; /* NULL result */
    case EMBED_EZERO:
      safety_result_error(ctx, "safety_embed",
                          "the signed word features of this text cancel out "
                          "to a zero vector at dim %d; use a larger dim (the "
                          "default is %d)",
                          (int)dim, EMBED_DEFAULT_DIM);
      break;
    default:
      sqlite3_result_error_nomem(ctx);
  }
  ss_free(v);
}
