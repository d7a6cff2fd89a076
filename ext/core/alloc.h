/*
 * alloc.h — the one allocation interface of every source file.
 *
 * The core calls ss_malloc, ss_realloc and ss_free and knows nothing of
 * where the memory comes from.  core/alloc.c defines them over the C
 * library as weak symbols, so that the core links and is unit-tested and
 * fuzzed on its own; the SQLite floor (ext/alloc_sql.c) defines them again
 * over SQLite's allocator, and those strong definitions win in the
 * extension, so that every allocation there honours SQLite's heap limits
 * and memory accounting.
 */
#ifndef SAFETY_ALLOC_H
#define SAFETY_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* NULL when out of memory; ss_free(NULL) does nothing. */
void *ss_malloc(size_t n);
void *ss_realloc(void *p, size_t n);
void ss_free(void *p);

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
