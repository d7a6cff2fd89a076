/*
 * pool_parallel_when.h — whether the pool may be read over several
 * connections, and how (pool_parallel_when.c), for pool_parallel.c: the
 * conditions under which helper connections read the state the caller
 * reads and give the rows and errors the caller's own statement would.
 */
#ifndef SAFETY_POOL_PARALLEL_WHEN_H
#define SAFETY_POOL_PARALLEL_WHEN_H

#include "common.h"
#include "relation.h"
#include <stdint.h>

/* Below this span of keys (largest - smallest) the read stays on the
 * caller's connection. */
#define PARALLEL_MIN_KEYS 4096

/* What the helpers need, proved on the caller's connection. */
typedef struct {
  const char *file;           /* the main database's name */
  const char *vfs;            /* its VFS ("unix") */
  const char *key;            /* rowid, or a view's "id" */
  int helpers;                /* helper connections to open (>= 2) */
  const char *select_sql;     /* the serial read's text */
  int64_t lo, hi;             /* the smallest and largest key */
  char *prog[RANGE_FORMS];    /* the caller's program of each range form */
} ParallelPlan;

/* 1 when relation rel, read on db by the statement serial, may be read
 * over several connections (plan filled; parallel_plan_free it), 0 when
 * not (plan empty); heavy_jobs as for parallel_read_helpers, whose count
 * (for this relation) is checked before any plan is made. */
int parallel_plan(sqlite3 *db, const char *rel, sqlite3_stmt *serial,
                  int heavy_jobs, ParallelPlan *plan);
void parallel_plan_free(ParallelPlan *plan);

/* 1 when the helper connection helper compiles its range statements form
 * to the caller's programs (the same schema, no authorizer that hides a
 * column from the caller), which call no function but the read's
 * aggregate and compare with BINARY only (the caller may have redefined a
 * built-in function or collation, which a helper would not see). */
int parallel_same_programs(sqlite3 *helper, sqlite3_stmt *const form[RANGE_FORMS],
                           const ParallelPlan *plan);

/* The name a helper opens: file itself, or for a file the caller opened
 * with immutable=1 the URI "file:<file, percent-encoded>?immutable=1", so
 * that the helper too reads the file alone (a WAL beside it unread); NULL
 * when out of memory.  sqlite3_free it. */
char *parallel_helper_file(const char *file);

#endif
