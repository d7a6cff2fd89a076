/*
 * call_guard.c — re-entry, one read snapshot and the stop check of one call
 * (call_guard.h).
 *
 * Re-entry.  A relation that calls safety_sample (or safety_report, ...)
 * runs that call inside our read's sqlite3_step, on the same thread, so a
 * thread-local list of the active calls finds it: a call on a connection
 * that already has an active call is refused at once, and the outer call,
 * whose read then fails, names the relation it was reading.  (SQLite 3.40
 * has no sqlite3_get_clientdata for per-connection state.)
 *
 * Snapshot.  While any reading statement of a connection is active, SQLite
 * keeps the read transaction of every database it has opened (it
 * downgrades instead of ending it), so one statement that reads the
 * schema, stepped once and left active until the call ends, makes all of
 * the call's reads share one snapshot per database.  It changes nothing in
 * the user's transaction (no BEGIN or SAVEPOINT, which would fail inside a
 * writing statement).
 *
 * Stop check.  sqlite3_step() clears the interrupt flag only when no other
 * statement of the connection is running, so a statement stepped inside
 * our call sees sqlite3_interrupt() at its first jump and fails with
 * SQLITE_INTERRUPT; its virtual-machine steps also count toward the
 * progress handler, which SQLite calls every N steps.  The poll
 * (relation_prepare_probe, a VALUES list of 64 rows) is about 330 steps for 1.5 to 3 microseconds
 * (measured), stepped once per 2 million units of the core's work (a
 * fraction of a millisecond, core/stop.h), so a progress handler with N up
 * to 10,000 runs at least every 31 periods of work, at well under 1 % of
 * the time.
 */
#include "common.h"
#include "call_guard.h"
#include "relation.h"

#include <string.h>

static _Thread_local CallGuard *active_calls;

int interrupt_probe_step(sqlite3_stmt *probe) {
  int rc = sqlite3_step(probe);
  int rc2 = sqlite3_reset(probe);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) return SQLITE_OK;
  return rc2 != SQLITE_OK ? rc2 : rc;
}

/* The stop check: steps the poll once a period of work (at most 64 times
 * for one long step), so that the progress handler sees virtual-machine
 * steps in proportion to the work; 0 to go on, 1 to stop. */
static int guard_poll(void *ctx, uint64_t periods) {
  CallGuard *g = ctx;
  for (uint64_t i = 0; i < periods && i < 64; i++) {
    int rc = interrupt_probe_step(g->poll);
    if (rc != SQLITE_OK) {
      g->stop_rc = rc;
      return 1;
    }
  }
  return 0;
}

/* The message body for a statement of ours that failed with rc. */
static char *guard_failure(const CallGuard *g, int rc, const char *what) {
  int base = rc & 0xff;
  if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
    return sqlite3_mprintf("%s while %s; retry when the other connection has "
                           "finished, or wait for it with PRAGMA busy_timeout",
                           sqlite3_errmsg(g->db), what);
  if (base == SQLITE_INTERRUPT) return sqlite3_mprintf("interrupted while %s", what);
  return sqlite3_mprintf("%s while %s", sqlite3_errstr(rc), what);
}

/* Refuses a call on a connection with an active call (see the head). */
static int refuse_nested(CallGuard *outer, char **errmsg) {
  outer->reentered = 1;
  *errmsg = sqlite3_mprintf(
      "called from inside the %s relation \"%s\" of another call; a "
      "relation that safety_sample, safety_sweep or safety_report reads "
      "cannot call them",
      outer->kind ? outer->kind : "input", outer->rel ? outer->rel : "");
  return *errmsg ? SQLITE_ERROR : SQLITE_NOMEM;
}

int call_guard_begin(CallGuard *g, sqlite3 *db, char **errmsg) {
  memset(g, 0, sizeof *g);
  g->db = db;
  *errmsg = NULL;
  for (CallGuard *a = active_calls; a != NULL; a = a->outer)
    if (a->db == db) return refuse_nested(a, errmsg);
  g->outer = active_calls;
  active_calls = g;
  g->active = 1;
  g->stop = (CoreStop){.check = guard_poll, .ctx = g};
  int rc = relation_prepare_probe(db, &g->poll);
  if (rc == SQLITE_OK) rc = relation_prepare_snapshot(db, &g->snapshot);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(g->snapshot);
    if (rc == SQLITE_ROW) rc = SQLITE_OK;
  }
  if (rc == SQLITE_OK) g->stop_before = core_stop_swap(&g->stop);
  if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_NOMEM) {
    *errmsg = guard_failure(g, rc, "starting to read");
    if (*errmsg == NULL) rc = SQLITE_NOMEM;
  }
  return rc;
}

void call_guard_reading(CallGuard *g, const char *kind, const char *rel) {
  g->kind = kind;
  g->rel = rel;
}

int call_guard_read_failed(CallGuard *g, int rc, char **errmsg) {
  if (!g->reentered || rc == SQLITE_OK) return rc;
  sqlite3_free(*errmsg);
  *errmsg = sqlite3_mprintf(
      "the %s relation \"%s\" calls safety_sample, safety_sweep or "
      "safety_report itself (directly or through a view), which would "
      "recurse without end; make it select from tables, or name another "
      "relation with options.%s",
      g->kind, g->rel, g->kind);
  return *errmsg ? SQLITE_ERROR : SQLITE_NOMEM;
}

int call_guard_stopped(CallGuard *g, const char *phase, char **errmsg) {
  int rc = g->stop_rc ? g->stop_rc : SQLITE_INTERRUPT;
  sqlite3_free(*errmsg);
  *errmsg = guard_failure(g, rc, phase);
  return *errmsg ? rc : SQLITE_NOMEM;
}

/* Takes g off the thread's list of calls and gives the stop check back. */
static void guard_leave(CallGuard *g) {
  if (g->stop_before != NULL || core_stop_current == &g->stop)
    core_stop_swap(g->stop_before);
  g->stop_before = NULL;
  CallGuard **at = &active_calls;
  while (*at != NULL && *at != g) at = &(*at)->outer;
  if (*at == g) *at = g->outer;
  g->active = 0;
}

void call_guard_pause(CallGuard *g) {
  if (g->active) guard_leave(g);
}

int call_guard_resume(CallGuard *g, char **errmsg) {
  *errmsg = NULL;
  if (g->active || g->poll == NULL) return SQLITE_OK; /* never begun: nothing */
  for (CallGuard *a = active_calls; a != NULL; a = a->outer)
    if (a->db == g->db) return refuse_nested(a, errmsg);
  g->outer = active_calls;
  active_calls = g;
  g->active = 1;
  g->stop_before = core_stop_swap(&g->stop);
  return SQLITE_OK;
}

void call_guard_end(CallGuard *g) {
  if (g->active) guard_leave(g);
  sqlite3_finalize(g->poll);
  sqlite3_finalize(g->snapshot);
  g->poll = g->snapshot = NULL;
}
