/*
 * label_sql.c — behaviour labels of section 4 of the contract:
 * behavior_type(harmful_request, refusal) -> 'T1'..'T4'.
 */
#include "common.h"
#include "sql_functions.h"

#include "core/labels.h"
#include "core/utf8.h"

/* Reads a 0/1 flag. Returns 0 or 1, -1 for NULL, -2 for anything else. */
static int flag_value(sqlite3_value *v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
      return -1;
    case SQLITE_INTEGER: {
      sqlite3_int64 i = sqlite3_value_int64(v);
      return (i == 0 || i == 1) ? (int)i : -2;
    }
    case SQLITE_FLOAT: {
      double d = sqlite3_value_double(v);
      return d == 0.0 ? 0 : d == 1.0 ? 1 : -2;
    }
    default:
      return -2;
  }
}

/* 1 when the text value v reads as a number by SQLite's own rule (what
 * CAST would keep), tried on a copy: sqlite3_value_numeric_type converts
 * the value it is given.  0 when it does not, or out of memory. */
static int text_reads_as_number(sqlite3_value *v) {
  sqlite3_value *copy = sqlite3_value_dup(v);
  int numeric = copy != NULL && sqlite3_value_numeric_type(copy) != SQLITE_TEXT;
  sqlite3_value_free(copy);
  return numeric;
}

/* behavior_type(h, r): T1 (1,1), T2 (1,0), T3 (0,0), T4 (0,1). */
void fn_behavior_type(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv) {
  static const char *const what[2] = {"harmful_request", "refusal"};
  int flag[2];
  (void)argc;
  for (int i = 0; i < 2; i++) {
    flag[i] = flag_value(argv[i]);
    if (flag[i] == -2) {
      if (sqlite3_value_type(argv[i]) == SQLITE_BLOB) {
        safety_result_error(ctx, "behavior_type",
                            "argument %d (%s) must be 0, 1 or NULL, got a BLOB",
                            i + 1, what[i]);
        return;
      }
      /* Long text is cut short: the message names the value, not a copy.
       * Text that reads as a number gets a hint: CSV fields and JSON
       * strings arrive as text ('T1' or 'yes' would CAST to 0: no hint). */
      int is_text = sqlite3_value_type(argv[i]) == SQLITE_TEXT;
      const char *shown = (const char *)sqlite3_value_text(argv[i]);
      int len = sqlite3_value_bytes(argv[i]);
      int numeric = is_text && text_reads_as_number(argv[i]);
      safety_result_error(ctx, "behavior_type",
                          "argument %d (%s) must be 0, 1 or NULL, got %s%.*s%s%s%s",
                          i + 1, what[i], is_text ? "the text '" : "",
                          (int)utf8_cut(shown ? shown : "", 40), shown ? shown : "",
                          len > 40 ? "..." : "", is_text ? "'" : "",
                          numeric ? "; pass a number, e.g. CAST(x AS INTEGER) (csv_each "
                                    "fields and JSON strings are text)"
                                  : "");
      return;
    }
  }
  if (flag[0] < 0 || flag[1] < 0) {
    sqlite3_result_null(ctx);
    return;
  }
  sqlite3_result_text(ctx, behavior_name(behavior_of_flags(flag[0], flag[1])),
                      2, SQLITE_STATIC);
}
