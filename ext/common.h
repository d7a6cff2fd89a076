/*
 * common.h — what every SQLite-facing source file of the extension shares:
 * the extension API, the version, the error helper and the registration
 * entry points of each module.
 */
#ifndef SAFETY_COMMON_H
#define SAFETY_COMMON_H

#include "core/alloc.h"
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
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
/* Sets pVtab->zErrMsg (freeing any previous message). */
void safety_vtab_error(sqlite3_vtab *vtab, const char *fn, const char *fmt,
                       ...);

#endif
