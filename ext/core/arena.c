/*
 * arena.c — memory that grows with the pool: arrays that grow with huge-
 * page hints (ss_grow), the row arena of chunks that never move and the
 * per-row slots the row worker writes.  See arena.h.
 */
#define _DEFAULT_SOURCE /* madvise() */
#include "arena.h"

#include "alloc.h"
#include <string.h>
#include <sys/mman.h>

#define ARENA_FIRST_BYTES ((size_t)64 << 10)
#define ARENA_MAX_BYTES ((size_t)16 << 20)

/* Hints the 2 MiB-aligned part of [p, p + bytes) for huge pages. */
void hint_huge_pages(void *p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  uintptr_t lo = ((uintptr_t)p + HUGE_ALIGN - 1) & ~(uintptr_t)(HUGE_ALIGN - 1);
  uintptr_t hi = ((uintptr_t)p + bytes) & ~(uintptr_t)(HUGE_ALIGN - 1);
  if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

/* Grows *p (elements of size elem) to hold at least need; 0 if no memory.
 * Past 64 KiB it grows fourfold (each move copies the array into fresh
 * memory, whose first touch is the cost), and past HUGE_HINT_BYTES the new
 * block is hinted before the old one is copied in, so that the copy fills
 * huge pages. */
int ss_grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 1;
  size_t c = *cap ? *cap : 64;
  while (c < need) {
    if (c > SIZE_MAX / 4) return 0;
    c *= c * elem >= ((size_t)64 << 10) ? 4 : 2;
  }
  size_t bytes;
  if (!ss_mul_size(c, elem, &bytes)) return 0;
  void *q;
  if (bytes >= HUGE_HINT_BYTES) {
    if ((q = ss_malloc(bytes)) == NULL) return 0;
    hint_huge_pages(q, bytes);
    if (*p != NULL) memcpy(q, *p, *cap * elem);
    ss_free(*p);
  } else if ((q = ss_realloc(*p, bytes)) == NULL) {
    return 0;
  }
  *p = q;
  *cap = c;
  return 1;
}

/* A new row of the arena (rows of row_bytes), in chunks hinted for huge
 * pages when hint; NULL if out of memory. */
void *arena_add(Arena *pd, size_t row_bytes, int hint) {
  if (pd->left == 0) {
    size_t bytes = pd->next_bytes ? pd->next_bytes : ARENA_FIRST_BYTES;
    if (bytes < row_bytes) bytes = row_bytes;
    pd->next_bytes = bytes < ARENA_MAX_BYTES / 4 ? 4 * bytes : ARENA_MAX_BYTES;
    int huge = hint && bytes >= HUGE_HINT_BYTES;
    if (huge && bytes > SIZE_MAX - HUGE_ALIGN) return NULL;
    if (!ss_grow((void **)&pd->chunks, &pd->cap, pd->n + 1,
              sizeof(void *)))
      return NULL;
    unsigned char *raw = ss_malloc(huge ? bytes + HUGE_ALIGN : bytes);
    if (raw == NULL) return NULL;
    pd->chunks[pd->n++] = raw;
    unsigned char *at = raw;
    if (huge) { /* the chunk itself aligned, so that all of it is hinted */
      at += (HUGE_ALIGN - (uintptr_t)raw % HUGE_ALIGN) % HUGE_ALIGN;
      hint_huge_pages(at, bytes);
    }
    pd->next = at;
    pd->left = bytes / row_bytes;
  }
  void *row = pd->next;
  pd->next += row_bytes;
  pd->left--;
  return row;
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
