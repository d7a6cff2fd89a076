/*
 * call_guard.h — what every call of safety_sample, safety_sweep and
 * safety_report holds while it runs (the reliability rules):
 *
 *  - re-entry: the calls active on this thread, so that a relation which
 *    calls one of the functions itself (directly or through views) is an
 *    error naming the relation, not unbounded recursion;
 *  - one snapshot: a statement that keeps a read transaction open for the
 *    whole call, so that every relation it reads (and the task count)
 *    comes from one state of each database even while others commit;
 *  - interrupts: the thread's stop check for the core (core/stop.h), which
 *    steps a tiny statement: it fails with SQLITE_INTERRUPT after
 *    sqlite3_interrupt and runs the progress handler (SQLite 3.40 has no
 *    sqlite3_is_interrupted).
 *
 * Use: call_guard_begin() first; call_guard_reading() before each relation
 * read and call_guard_read_failed() after a failed one; when the core
 * returns SELECT_ESTOPPED (or core_stopped()), call_guard_stopped() makes
 * the message; call_guard_end() always.  Messages are bodies without the
 * function's name (sample_run adds it).
 */
#ifndef SAFETY_CALL_GUARD_H
#define SAFETY_CALL_GUARD_H

#include "common.h"
#include "core/stop.h"

typedef struct CallGuard {
  sqlite3 *db;
  const char *kind;         /* the relation being read: "pool", ... */
  const char *rel;          /* its name as the user gave it */
  int reentered;            /* a call was refused while reading kind/rel */
  int active;               /* on the thread's list of calls */
  sqlite3_stmt *snapshot;   /* stepped once, kept active until the end */
  sqlite3_stmt *poll;       /* stepped by the stop check */
  int stop_rc;              /* what the poll returned when it stopped */
  CoreStop stop;            /* this thread's stop check during the call */
  CoreStop *stop_before;    /* the one it replaced */
  struct CallGuard *outer;  /* the next older call on this thread */
} CallGuard;

/* Starts a call on db: refuses a call made while another call on db is
 * reading one of its relations (SQLITE_ERROR, and that call is told), opens
 * the read snapshot, prepares the poll and makes it the thread's stop
 * check.  SQLITE_OK or an error code with *errmsg (sqlite3_free it). */
int call_guard_begin(CallGuard *g, sqlite3 *db, char **errmsg);

/* The relation read next: kind "pool", "reference" or "task" (also the
 * option that names it), rel its name. */
void call_guard_reading(CallGuard *g, const char *kind, const char *rel);

/* After a read failed with rc: when it failed because the relation calls
 * one of the functions, replaces *errmsg with the message naming the
 * relation and returns SQLITE_ERROR; otherwise returns rc. */
int call_guard_read_failed(CallGuard *g, int rc, char **errmsg);

/* After the core stopped: the code (SQLITE_INTERRUPT, or what the poll
 * returned) with *errmsg naming the phase ("selecting", ...). */
int call_guard_stopped(CallGuard *g, const char *phase, char **errmsg);

void call_guard_end(CallGuard *g);

/* A call that runs in several steps (safety_sweep makes its rows as its
 * cursor moves): between steps call_guard_pause takes it off the thread's
 * list and gives the stop check back, keeping its snapshot, so that other
 * calls in the same statement may run; call_guard_resume puts it back
 * (refusing, as call_guard_begin does, when another call on its
 * connection is active).  Resuming a guard that was never begun does
 * nothing. */
void call_guard_pause(CallGuard *g);
int call_guard_resume(CallGuard *g, char **errmsg);

/* The interrupt probe that the stop check steps, for any long C work
 * inside a statement (the file readers step it between chunks): it fails
 * with SQLITE_INTERRUPT after sqlite3_interrupt, and each step counts
 * about 330 virtual-machine steps toward the progress handler.  The
 * statement comes from relation_prepare_probe (relation.h).
 * interrupt_probe_step returns SQLITE_OK, or the code that says stop. */
int interrupt_probe_step(sqlite3_stmt *probe);

#endif
