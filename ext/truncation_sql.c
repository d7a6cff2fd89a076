/*
 * truncation_sql.c — the SQL side of the cut-off detector (registered by
 * the table in safety_sample.c):
 *   is_truncated(response) -> 1 when the response looks cut off at a token
 *                             limit (truncation.c gives the rule), else 0
 * TEXT is read as UTF-8, a BLOB as its bytes; NULL gives NULL; an INTEGER or
 * REAL is an error.  Deterministic and innocuous, so views may use it:
 *   ... WHERE NOT is_truncated(e.response)
 */
#include "core/truncation.h"
#include "sql_functions.h"

/* is_truncated(response) */
void fn_is_truncated(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv) {
  (void)argc;
  const char *p;
  switch (sqlite3_value_type(argv[0])) {
    case SQLITE_NULL:
      sqlite3_result_null(ctx);
      return;
    case SQLITE_TEXT:
      p = (const char *)sqlite3_value_text(argv[0]);
      if (p == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
      }
      break;
    case SQLITE_BLOB:
      p = (const char *)sqlite3_value_blob(argv[0]);
      break;
    default:
      safety_result_error(
          ctx, "is_truncated",
          "argument 1 must be text (a model response), got %s; pass the "
          "response column, or CAST(... AS TEXT) if the number really is "
          "the text",
          sqlite3_value_type(argv[0]) == SQLITE_INTEGER ? "an INTEGER"
                                                        : "a REAL");
      return;
  }
  int n = sqlite3_value_bytes(argv[0]);
  sqlite3_result_int(ctx, truncation_is_cut(p, p ? (size_t)n : 0));
}
