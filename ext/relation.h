/*
 * relation.h — reading the user's relations (tables or views, contract
 * §6) by name, and the probe and snapshot statements of a call: the only
 * module that builds SQL text (relation.c).  A name
 * is a relation of any schema, or "schema.name" (main, temp or an attached
 * database; each part is quoted).  Messages are bodies without the
 * function's name (sample_run adds it).
 */
#ifndef SAFETY_RELATION_H
#define SAFETY_RELATION_H

#include "common.h"

/* Checks that relation rel exists and has the columns; prepares
 * "SELECT <columns> FROM rel", with NULL in place of column c when bit c of
 * null_mask is set (a column the method does not use: SQLite then does not
 * extract it).  With aggregate, "SELECT aggregate(?1, <columns>) FROM rel"
 * instead.  The list is padded with NULLs to n_args columns.  kind is
 * "pool"/"reference" for messages. */
int relation_prepare(sqlite3 *db, const char *kind, const char *option,
                     const char *rel, const char *const *cols, size_t n_cols,
                     unsigned null_mask, const char *aggregate, size_t n_args,
                     sqlite3_stmt **out, char **errmsg);

/* The message body of a relation that could not be prepared or read with
 * rc other than SQLITE_ERROR (BUSY, LOCKED, INTERRUPT, ...): no advice to
 * create it (it exists), and rc is returned unchanged (SQLITE_NOMEM when
 * out of memory).  *errmsg is replaced. */
int relation_failed(sqlite3 *db, int rc, const char *kind, const char *rel,
                    char **errmsg);

/* A column an option names (option, e.g. "group"): SQLITE_OK when the
 * kind relation rel has it; else an error naming it and rel's columns
 * (or SQLITE_OK when rel cannot be read: relation_prepare says so). */
int relation_check_column(sqlite3 *db, const char *kind, const char *rel,
                          const char *option, const char *col, char **errmsg);

/* 1 if relation rel has column col, 0 if not, -1 if it cannot be read. */
int relation_has_column(sqlite3 *db, const char *rel, const char *col);

/* count(*) of the task relation (budget: for the message when it cannot
 * be read). */
int relation_count_task(sqlite3 *db, const char *task, double budget,
                        sqlite3_int64 *count, char **errmsg);

/* The interrupt probe of the stop check and the file readers
 * (call_guard.c, file_source.c): a statement of no relation, about 330
 * opcodes long, that returns one row.  Stepping it returns
 * SQLITE_INTERRUPT while sqlite3_interrupt() is in effect and counts
 * towards the connection's progress handler. */
int relation_prepare_probe(sqlite3 *db, sqlite3_stmt **out);

/* safety_sweep's arguments, read with SQLite's own JSON functions (so a
 * budget keeps the type SQL gives it and options keep every other key as
 * written).  Each takes ?1 (the argument); SWEEP_JSON_WITH_TASK also ?2:
 *   IS_ARRAY    one row: 1 when ?1 is text holding a JSON array
 *   ELEMENTS    the elements of the array ?1, one row each (value)
 *   SEED_INFO   when ?1 is a JSON object, one row: has seeds, has seed
 *   SEEDS       each element of ?1's seeds array: the seed, and ?1 with
 *               seeds removed and seed set to it
 *   WITH_TASK   ?1 (NULL: {}) with task_size ?2, when ?1 is NULL or an
 *               object without a task_size; else no row */
typedef enum {
  SWEEP_JSON_IS_ARRAY,
  SWEEP_JSON_ELEMENTS,
  SWEEP_JSON_SEED_INFO,
  SWEEP_JSON_SEEDS,
  SWEEP_JSON_WITH_TASK
} SweepJson;
int relation_prepare_sweep_json(sqlite3 *db, SweepJson which, sqlite3_stmt **out);

/* The snapshot statement of call_guard.c: one read of the schema, stepped
 * once and left active for a whole call so that all its reads share one
 * read transaction per database. */
int relation_prepare_snapshot(sqlite3 *db, sqlite3_stmt **out);

/* What the parallel pool read (pool_parallel.c) needs to know of rel:
 * readable when rel is a rowid table or a view of the main database, the
 * connection has no temporary objects (none can shadow a name the
 * relation uses, since other connections cannot see them), neither
 * reverses unordered selects nor reads uncommitted rows of a shared cache
 * (PRAGMA reverse_unordered_selects, read_uncommitted), and the main
 * database is not in WAL mode (its read lock then keeps every writer out,
 * so that another connection reading while it is held sees the same
 * state). */
typedef struct {
  int readable;
  int is_view; /* else a rowid table */
} RelationInfo;
int relation_parallel_info(sqlite3 *db, const char *rel, RelationInfo *info);

/* The statement select_sql (a relation read's text, from sqlite3_sql)
 * restricted to the rows whose key (an SQL expression: rowid, or a
 * quoted column) is below ?2, in [?2, ?3) or at least ?2. */
typedef enum { RANGE_BELOW, RANGE_BETWEEN, RANGE_FROM, RANGE_FORMS } RangeForm;
int relation_prepare_range(sqlite3 *db, const char *select_sql,
                           const char *key, RangeForm form,
                           sqlite3_stmt **out);

/* "SELECT key FROM rel ORDER BY key [DESC] LIMIT 1": the smallest (a
 * NULL, if any) or, with last, the largest key. */
int relation_prepare_key_bound(sqlite3 *db, const char *rel, const char *key,
                               int last, sqlite3_stmt **out);

/* EXPLAIN (plan: EXPLAIN QUERY PLAN) of sql on db as one text: every
 * column of every row of the program, or each step's detail of the plan;
 * sqlite3_free it.  NULL when out of memory or when sql does not prepare.
 * Two connections that compile a statement to the same program read the
 * same values with it (an authorizer's SQLITE_IGNORE, for one, makes a
 * column's read a NULL). */
char *relation_explain(sqlite3 *db, const char *sql, int plan);

/* 1 when serial, a read of rel, visits the rows in the order of key (an
 * SQL expression): its query plan is that of "SELECT * FROM rel ORDER BY
 * key" and sorts nothing; 0 if not or out of memory. */
int relation_reads_in_key_order(sqlite3 *db, sqlite3_stmt *serial,
                                const char *rel, const char *key);

/* The settings of a parallel read's helper connection (a small page
 * cache). */
int relation_helper_setup(sqlite3 *db);

#endif
