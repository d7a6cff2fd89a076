/*
 * alloc_sql.c — the extension's allocator: SQLite's, so that every
 * allocation of the core and of this floor honours sqlite3_soft_heap_limit,
 * hard_heap_limit and SQLite's memory accounting.  These definitions
 * replace the core's weak C-library ones (core/alloc.h).
 */
#include "common.h"

void *ss_malloc(size_t n) { return sqlite3_malloc64((sqlite3_uint64)n); }

void *ss_realloc(void *p, size_t n) {
  return sqlite3_realloc64(p, (sqlite3_uint64)n);
}

void ss_free(void *p) { sqlite3_free(p); }
