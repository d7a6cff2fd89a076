/*
 * arena.c — memory that grows with the pool: growing arrays (ss_grow),
 * the row arena of chunks that never move, handing out its fresh memory
 * to be pre-faulted, and the per-row slots the row worker writes.  See
 * arena.h.
 */
#include "arena.h"

#include "alloc.h"
#include <string.h>

#define ARENA_FIRST_BYTES ((size_t)64 << 10)
#define ARENA_MAX_BYTES ((size_t)16 << 20)

/* Grows *p (elements of size elem) to hold at least need; 0 if no memory.
 * Past 64 KiB it grows fourfold. */
int ss_grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 1;
  size_t c = *cap ? *cap : 64;
  while (c < need) {
    if (c > SIZE_MAX / 4) return 0;
    c *= c * elem >= ((size_t)64 << 10) ? 4 : 2;
  }
  size_t bytes;
  if (!ss_mul_size(c, elem, &bytes)) return 0;
  void *q = ss_realloc(*p, bytes);
  if (q == NULL) return 0;
  *p = q;
  *cap = c;
  return 1;
}

void *arena_add(Arena *a, size_t row_bytes) {
  if (a->left == 0) {
    size_t bytes = a->next_bytes ? a->next_bytes : ARENA_FIRST_BYTES;
    if (bytes < row_bytes) bytes = row_bytes;
    a->next_bytes = bytes < ARENA_MAX_BYTES / 4 ? 4 * bytes : ARENA_MAX_BYTES;
    if (!ss_grow((void **)&a->chunks, &a->cap, a->n + 1, sizeof(void *)))
      return NULL;
    unsigned char *raw = ss_malloc(bytes);
    if (raw == NULL) return NULL;
    a->chunks[a->n++] = raw;
    a->next = a->handed = raw;
    a->end = raw + bytes;
    a->left = bytes / row_bytes;
  }
  void *row = a->next;
  if (a->next + row_bytes > a->handed) { /* the next window of fresh memory */
    size_t rest = (size_t)(a->end - a->handed);
    a->fresh = a->handed;
    a->fresh_bytes = rest < ARENA_PREFAULT_BYTES ? rest : ARENA_PREFAULT_BYTES;
    a->handed += a->fresh_bytes;
  }
  a->next += row_bytes;
  a->left--;
  return row;
}

void *arena_fresh(Arena *a, size_t *bytes) {
  void *p = a->fresh;
  *bytes = a->fresh_bytes;
  a->fresh = NULL;
  return p;
}

void arena_free(Arena *a) {
  for (size_t c = 0; c < a->n; c++) ss_free(a->chunks[c]);
  ss_free(a->chunks);
  memset(a, 0, sizeof *a);
}

/* Where row's value (elem bytes) goes, making its chunk (rows arrive in
 * order, so it is the next one) when needed; NULL if out of memory. */
void *slot_at(Slots *s, size_t row, size_t elem) {
  size_t c = row / SLOT_CHUNK;
  while (s->n <= c) {
    if (!ss_grow((void **)&s->chunk, &s->cap, s->n + 1, sizeof *s->chunk) ||
        (s->chunk[s->n] = ss_malloc_array(SLOT_CHUNK, elem)) == NULL)
      return NULL;
    s->n++;
  }
  return s->chunk[c] + (row % SLOT_CHUNK) * elem;
}

void slots_free(Slots *s) {
  for (size_t c = 0; c < s->n; c++) ss_free(s->chunk[c]);
  ss_free(s->chunk);
  memset(s, 0, sizeof *s);
}
