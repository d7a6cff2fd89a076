/*
 * arena.h — memory that grows with the pool, for the pool reader (and the
 * reference reader): growing arrays, the row arena and per-row slots.
 * None of it changes a result; it decides only where bytes live.
 */
#ifndef SAFETY_ARENA_H
#define SAFETY_ARENA_H

#include <stddef.h>
#include <stdint.h>

/* Grows *p (elements of size elem) to hold at least need; 0 if no memory.
 * Past 64 KiB it grows fourfold (a move may copy the array into fresh
 * memory, whose first touch is the cost). */
int ss_grow(void **p, size_t *cap, size_t need, size_t elem);

/*
 * Rows of fixed size (the embeddings pss keeps, or the scores cossim
 * computes on arrival) in chunks that never move, so that the row worker
 * may write into them while more are added, and nothing is copied as the
 * pool grows.  Chunk sizes grow fourfold from 64 KiB (a small pool never
 * asks for much) to 16 MiB.  The arena hands out its fresh memory in
 * windows of ARENA_PREFAULT_BYTES (arena_fresh): the pool reader gives
 * each window to the row worker, which pre-faults it in one system call
 * (row_prefault) before it stores the window's first row, so the first
 * touch of fresh memory, the largest cost of a fresh process's pss on a
 * virtual machine, stays off the reading thread, and the tail of the
 * newest chunk that no row reaches is never touched.  No transparent huge
 * pages are asked for: on a virtual machine whose balloon hands freed
 * memory back to the host, a fresh huge page cost 4-6 times as much as
 * 512 small ones (138 MB: 410-770 ms against 72-107 ms pre-faulted; whole
 * pss-b processes 3.6x against 2.1x one scan, side by side).  None of
 * this changes a result.
 */
typedef struct {
  void **chunks;        /* what each chunk's allocation returned */
  size_t n, cap;        /* chunks made / room for */
  unsigned char *next;  /* the next free row of the newest chunk */
  size_t left;          /* rows left there */
  size_t next_bytes;    /* size of the next chunk */
  unsigned char *handed; /* the newest chunk: fresh memory handed out up */
  unsigned char *end;    /* to here (arena_fresh), of this much */
  void *fresh;           /* a window to pre-fault, until arena_fresh takes it */
  size_t fresh_bytes;
} Arena;

#define ARENA_PREFAULT_BYTES ((size_t)2 << 20)

/* A new row of row_bytes; NULL if out of memory.  When the row reaches
 * into fresh memory not yet handed out, the next window waits for
 * arena_fresh. */
void *arena_add(Arena *a, size_t row_bytes);
/* The window of fresh memory that the last arena_add reached into (NULL
 * when none), to pre-fault before that row is stored; taken once. */
void *arena_fresh(Arena *a, size_t *bytes);
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
