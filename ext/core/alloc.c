/*
 * alloc.c — the core's default allocator: the C library's.  Weak
 * definitions, replaced in the extension by the SQLite floor's (see
 * alloc.h); unit tests and fuzz targets, which link the core alone, use
 * these.
 */
#include "alloc.h"

#include <stdlib.h>

__attribute__((weak)) void *ss_malloc(size_t n) { return malloc(n); }

__attribute__((weak)) void *ss_realloc(void *p, size_t n) {
  return realloc(p, n);
}

__attribute__((weak)) void ss_free(void *p) { free(p); }
