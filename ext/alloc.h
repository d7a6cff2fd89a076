/*
 * alloc.h — one allocation interface for every source file.
 *
 * Inside the extension every allocation goes through SQLite's allocator
 * (sqlite3_malloc64 and friends) so that it honours sqlite3_soft_heap_limit
 * and SQLite's memory accounting.  The pure-C parts (vector kernels, the
 * selection methods) are also compiled into stand-alone unit tests and fuzz
 * targets that have no loaded SQLite API; those define SAFETY_STANDALONE and
 * get the C library's allocator instead.
 */
#ifndef SAFETY_ALLOC_H
#define SAFETY_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#ifdef SAFETY_STANDALONE
#include <stdlib.h>
#define ss_malloc(n) malloc((size_t)(n))
#define ss_realloc(p, n) realloc((p), (size_t)(n))
#define ss_free(p) free(p)
#else
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#define ss_malloc(n) sqlite3_malloc64((sqlite3_uint64)(n))
#define ss_realloc(p, n) sqlite3_realloc64((p), (sqlite3_uint64)(n))
#define ss_free(p) sqlite3_free(p)
#endif

/* a*b in *out; returns 0 on overflow of size_t (callers report NOMEM). */
static inline int ss_mul_size(size_t a, size_t b, size_t *out) {
  if (b != 0 && a > SIZE_MAX / b) return 0;
  *out = a * b;
  return 1;
}

/* Allocate n elements of size sz with an overflow check; NULL on failure. */
static inline void *ss_malloc_array(size_t n, size_t sz) {
  size_t bytes;
  if (!ss_mul_size(n, sz, &bytes)) return NULL;
  return ss_malloc(bytes ? bytes : 1);
}

#endif
