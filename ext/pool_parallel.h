/*
 * pool_parallel.h — reading the pool over several connections at once
 * (pool_parallel.c), where one snapshot can be guaranteed: the pool is a
 * rowid table or a view of a rollback-journal database file that the
 * calling connection holds a read lock on.  Helper threads each read
 * ranges of the key (rowid, or a view's id) on their own read-only
 * connection, and the caller takes the rows back one by one, in the order
 * of the key, as cells (sql_cell.h).  Anything that cannot be proved safe
 * or fast (WAL, temporary objects, a relation of another schema, a plan
 * that scans, a serial read not in key order, a helper that compiles the
 * read differently or cannot start) leaves the read to the caller's
 * own statement, which gives the same rows.
 */
#ifndef SAFETY_POOL_PARALLEL_H
#define SAFETY_POOL_PARALLEL_H

#include "common.h"
#include "sql_cell.h"

/* Cells per row: id, category, behavior, embedding and the group. */
#define PARALLEL_CELLS 5

typedef struct ParallelRead ParallelRead;

/*
 * Starts the parallel read of relation rel on db, whose rows the prepared
 * statement serial would read ("SELECT <aggregate>(?1, <5 columns>) FROM
 * rel", relation_prepare's): *out is the read, or NULL when it is not
 * read in parallel (then read it with serial); heavy_jobs as for
 * parallel_read_helpers.  Rows of a behaviour that
 * behavior_mask does not admit (core/labels.h) come without their
 * embedding and group (NULL cells).  Returns SQLITE_OK; never an error,
 * since the serial read remains.
 */
int parallel_read_start(sqlite3 *db, const char *rel, sqlite3_stmt *serial,
                        unsigned behavior_mask, int heavy_jobs,
                        ParallelRead **out);

/* The next row: SQLITE_ROW with cells[0..PARALLEL_CELLS) valid until the
 * next call, SQLITE_DONE after the last, a helper's error code with
 * *errmsg its message (sqlite3_free it), or PARALLEL_PENDING when no row
 * came for some 20 ms (look for an interrupt, then call again). */
#define PARALLEL_PENDING (-1)
int parallel_read_next(ParallelRead *p, SqlCell *cells, char **errmsg);

/* Stops the helpers (interrupting their statements), joins them and
 * frees everything. */
void parallel_read_free(ParallelRead *p);

/* The helper connections a read uses here: as many as there are cores
 * (one fewer with heavy_jobs: the row worker's cossim lists of a sweep, or
 * a table's read, cheap next to the row work), at most 4, or what the
 * environment variable SAFETY_SAMPLE_READERS says; 0 when under 2.  And, for safety_debug(), how many reads were made in
 * parallel since the library loaded. */
int parallel_read_helpers(int heavy_jobs);
unsigned long parallel_read_count(void);

#endif
