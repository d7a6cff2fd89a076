/*
 * stop.h — how the pure-C core is asked to stop.
 *
 * The core knows nothing of SQLite, so its caller hands it a check: the
 * long loops (scoring, greedy facility location, dedup, contrast, the
 * report's statistics) count their work with core_tick(), one unit per
 * multiply-add (a cosine over d dimensions is d units), and the check runs
 * once about every CORE_STOP_EVERY units, well under a millisecond on any
 * current machine.  Once the check answers non-zero, core_tick() and
 * core_stopped() return 1 and the loops give up, freeing what they
 * allocated; the caller reports why (the SQLite floor polls
 * SQLite's interrupt and the progress handler: call_guard.h).
 *
 * The check belongs to the calling thread (core_stop_swap), so a helper
 * thread of the core (the pss scores' second half, the row worker) never
 * runs it: the check may run SQL on the caller's connection.  No check set:
 * the core never stops.
 */
#ifndef SAFETY_STOP_H
#define SAFETY_STOP_H

#include <stddef.h>
#include <stdint.h>

#define CORE_STOP_EVERY ((uint64_t)1 << 21)

typedef struct CoreStop {
  /* Non-zero: stop.  periods = how many CORE_STOP_EVERY (or every) units
   * of work were done since the last call (a long step counts more). */
  int (*check)(void *ctx, uint64_t periods);
  void *ctx;
  uint64_t every;          /* units between checks; 0: CORE_STOP_EVERY */
  uint64_t work;           /* units since the last check */
  int stopped;
} CoreStop;

/* This thread's check (stop.c). */
extern _Thread_local CoreStop *core_stop_current;

/* Makes s this thread's check (NULL: none); returns the one before. */
CoreStop *core_stop_swap(CoreStop *s);

/* Adds units of work; 1 when the work must stop. */
static inline int core_tick(uint64_t units) {
  CoreStop *s = core_stop_current;
  if (s == NULL) return 0;
  if (s->stopped) return 1;
  uint64_t every = s->every ? s->every : CORE_STOP_EVERY;
  s->work += units;
  if (s->work < every) return 0;
  uint64_t periods = s->work / every;
  s->work %= every;
  if (s->check != NULL && s->check(s->ctx, periods) != 0) s->stopped = 1;
  return s->stopped;
}

/* 1 once the check has asked to stop. */
static inline int core_stopped(void) {
  return core_stop_current != NULL && core_stop_current->stopped;
}

#endif
