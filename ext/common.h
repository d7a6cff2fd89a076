/*
 * common.h — what every SQLite-facing source file of the extension shares:
 * the extension API, the version, the error helper and the registration
 * entry points of each module.
 */
#ifndef SAFETY_COMMON_H
#define SAFETY_COMMON_H

#include "alloc.h"
#include "sqlite3ext.h"
#include <stdarg.h>

#define SAFETY_VERSION "0.1.0"

/* Function flags for pure functions: same output for same input, safe to use
 * in views, triggers, indexes and CHECK constraints. */
#define SAFETY_PURE (SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS)

/*
 * The one error helper.  Every message has the form "<fn>: <what is wrong>"
 * and should end by saying how to fix it.  safety_result_error() reports
 * through a function context; safety_error_text() returns the same text as a
 * sqlite3_malloc'ed string (for virtual tables' zErrMsg), NULL if out of
 * memory.
 */
void safety_result_error(sqlite3_context *ctx, const char *fn, const char *fmt,
                         ...);
char *safety_error_text(const char *fn, const char *fmt, ...);
char *safety_error_vtext(const char *fn, const char *fmt, va_list ap);
/* msg without a leading "<fn>: " (to re-prefix a message for another
 * function); "" for NULL. */
const char *safety_error_body(const char *msg, const char *fn);
/* Sets pVtab->zErrMsg (freeing any previous message). */
void safety_vtab_error(sqlite3_vtab *vtab, const char *fn, const char *fmt,
                       ...);

/*
 * Reads an SQL value as a vector: a float32 BLOB or JSON array text.  SQL
 * NULL gives *out == NULL and VEC_OK.  On VEC_EINVALID err holds the reason
 * (without prefix); the caller adds the function name and argument number.
 * *out is freed with ss_free.
 */
int safety_value_vector(sqlite3_value *val, float **out, size_t *dim,
                        char *err);

/* Sets a float32 BLOB result, taking ownership of v (ss_malloc'ed). */
void safety_result_vector(sqlite3_context *ctx, float *v, size_t dim);

/* Registration of each module; each returns an SQLite result code. */
int safety_register_vector(sqlite3 *db);
int safety_register_label(sqlite3 *db);
int safety_register_refusal(sqlite3 *db);
int safety_register_embed(sqlite3 *db);
int safety_register_jsonl(sqlite3 *db);
int safety_register_csv(sqlite3 *db);
int safety_register_sample(sqlite3 *db);
int safety_register_pool_reader(sqlite3 *db);
int safety_register_report(sqlite3 *db);

#endif
