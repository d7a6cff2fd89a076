/*
 * arena.h — memory that grows with the pool, for the pool reader (and the
 * reference reader): growing arrays, the row arena and per-row slots.
 * None of it changes a result; it decides only where bytes live.
 */
#ifndef SAFETY_ARENA_H
#define SAFETY_ARENA_H

#include <stddef.h>
#include <stdint.h>

/* Large blocks are 2 MiB-aligned within and hinted for transparent huge
 * pages (see the row arena below: a 4 KiB page fault costs about 12 us on
 * some virtual machines).  The hint changes no result. */
#define HUGE_HINT_BYTES ((size_t)4 << 20)
#define HUGE_ALIGN ((size_t)2 << 20)

/* Hints the 2 MiB-aligned part of [p, p + bytes) for huge pages. */
void hint_huge_pages(void *p, size_t bytes);

/* Grows *p (elements of size elem) to hold at least need; 0 if no memory.
 * Past 64 KiB it grows fourfold (each move copies the array into fresh
 * memory, whose first touch is the cost), and past HUGE_HINT_BYTES the new
 * block is hinted before the old one is copied in, so that the copy fills
 * huge pages. */
int ss_grow(void **p, size_t *cap, size_t need, size_t elem);

/*
 * Rows of fixed size (the embeddings pss keeps, or the scores cossim
 * computes on arrival) in chunks that never move, so that the row worker
 * may write into them while more are added, and nothing is copied as the
 * pool grows.  Chunk sizes grow fourfold from 64 KiB (a small pool never
 * asks for much) to 16 MiB.  For pss's vectors, chunks of 4 MiB and more
 * are aligned to 2 MiB and, on Linux, hinted for transparent huge pages:
 * first-touch page faults were the largest cost of pss on a virtual
 * machine (about 12 us per 4 KiB page; filling 132 MB of 4 KiB pages took
 * about 0.4 s, with huge pages a few tens of ms).  cossim's score rows
 * (112 bytes an example on the default pool, 12 MB) are not hinted:
 * there the hint made the whole selection about 25 ms slower (387 against
 * 412 ms on 200,000 x 384, measured side by side), while their 4 KiB
 * faults fall on the row worker, off the reading thread.  The hint changes
 * no result.
 */
typedef struct {
  void **chunks;        /* what each chunk's allocation returned */
  size_t n, cap;        /* chunks made / room for */
  unsigned char *next;  /* the next free row of the newest chunk */
  size_t left;          /* rows left there */
  size_t next_bytes;    /* size of the next chunk */
} Arena;

/* A new row of row_bytes, in chunks hinted for huge pages when hint; NULL
 * if out of memory. */
void *arena_add(Arena *a, size_t row_bytes, int hint);
void arena_free(Arena *a);

/*
 * Values of each eligible row that the row worker writes as it goes (each
 * row's norm, and under cossim the hash that its repeat rows are compared
 * with), in chunks of SLOT_CHUNK rows that never move: the worker writes
 * through pointers in its jobs while the reader adds chunks, and the
 * reader never reads them back row by row during the read (it used to,
 * batch by batch, which cost about 7 ms of cossim-b's read).
 */
#define SLOT_CHUNK ((size_t)1 << 12)

typedef struct {
  unsigned char **chunk;
  size_t n, cap; /* chunks made / room for */
} Slots;

/* Where row's value (elem bytes) goes, making its chunk (rows arrive in
 * order, so it is the next one) when needed; NULL if out of memory. */
void *slot_at(Slots *s, size_t row, size_t elem);
void slots_free(Slots *s);

#endif
