/*
 * refusal_sql.c — the SQL side of section 4's refusal detector:
 *   refusal_kind(response)  -> 'refusal', 'partial' or 'compliance'
 *   refusal_score(response) -> REAL in [0, 1], >= 0.5 exactly for 'refusal'
 *   is_refusal(response)    -> refusal_kind(response) = 'refusal' as 0/1
 * TEXT is read as UTF-8, a BLOB as its bytes; NULL gives NULL; an INTEGER
 * or REAL is an error.  The detector itself lives in core/refusal.c (pure C).
 */
#include "common.h"
#include "core/refusal.h"
#include "sql_functions.h"

/*
 * Classifies argument 1 of fn.  Returns 1 with *out set, 0 for SQL NULL
 * (result set to NULL), -1 after setting an error result.
 */
static int arg_classify(sqlite3_context *ctx, const char *fn, sqlite3_value *v,
                        RefusalVerdict *out) {
  const char *p;
  switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
      sqlite3_result_null(ctx);
      return 0;
    case SQLITE_TEXT:
      p = (const char *)sqlite3_value_text(v);
      if (p == NULL) {
        sqlite3_result_error_nomem(ctx);
        return -1;
      }
      break;
    case SQLITE_BLOB:
      p = (const char *)sqlite3_value_blob(v);
      break;
    default:
      safety_result_error(
          ctx, fn,
          "argument 1 must be text (a model response), got "
          "%s; pass the response column, or CAST(... AS "
          "TEXT) if the number really is the text",
          sqlite3_value_type(v) == SQLITE_INTEGER ? "an INTEGER" : "a REAL");
      return -1;
  }
  int n = sqlite3_value_bytes(v);
  *out = refusal_classify(p, p ? (size_t)n : 0);
  return 1;
}

/* refusal_kind(response): 'refusal', 'partial' or 'compliance'. */
void fn_refusal_kind(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv) {
  RefusalVerdict v;
  (void)argc;
  if (arg_classify(ctx, "refusal_kind", argv[0], &v) == 1)
    sqlite3_result_text(ctx, refusal_kind_name(v.kind), -1, SQLITE_STATIC);
}

/* refusal_score(response): how strongly the text reads as a refusal. */
void fn_refusal_score(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv) {
  RefusalVerdict v;
  (void)argc;
  if (arg_classify(ctx, "refusal_score", argv[0], &v) == 1)
    sqlite3_result_double(ctx, v.score);
}

/* is_refusal(response): refusal_kind(response) = 'refusal' as 0/1. */
void fn_is_refusal(sqlite3_context *ctx, int argc,
                          sqlite3_value **argv) {
  RefusalVerdict v;
  (void)argc;
  if (arg_classify(ctx, "is_refusal", argv[0], &v) == 1)
    sqlite3_result_int(ctx, v.kind == REFUSAL_KIND_REFUSAL);
}
