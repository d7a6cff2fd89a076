/*
 * tvf.h — what the extension's table-valued functions of selected rows
 * share (safety_sample, safety_sweep): an eponymous-only virtual table
 * declared from a schema whose arguments arrive as hidden columns (two
 * required, a third optional), a zeroed cursor, and the selected rows kept
 * from a run with their columns id, category, behavior, score, rank and
 * stage.  The structure follows SQLite's ext/misc/series.c.
 */
#ifndef SAFETY_TVF_H
#define SAFETY_TVF_H

#include "common.h"
#include "sample_run.h"

/* The virtual table: the connection its cursors run their SQL on. */
typedef struct {
  sqlite3_vtab base;
  sqlite3 *db;
} TvfVtab;

/* xConnect's work: declares schema and makes the table. */
int tvf_connect(sqlite3 *db, const char *schema, sqlite3_vtab **out);
/* xDisconnect */
int tvf_disconnect(sqlite3_vtab *vtab);
/* xOpen's work: a zeroed cursor of size bytes (its struct starts with
 * sqlite3_vtab_cursor). */
int tvf_open(size_t size, sqlite3_vtab_cursor **out);

/*
 * xBestIndex's work for arguments in the hidden columns first_arg,
 * first_arg + 1 (both required) and first_arg + 2 (optional): equality
 * constraints become xFilter's argv in that order, idxNum is 1 when the
 * third is given.  A plan without a required argument costs the most
 * and has idxNum TVF_MISSING_ARGS, for which xFilter calls
 * tvf_missing_args (the error "fn: usage"): the planner asks for such
 * plans even when the arguments are there (an OR in WHERE), so failing
 * here would refuse a good query.
 */
#define TVF_MISSING_ARGS 2
int tvf_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info, int first_arg,
                   const char *fn, const char *usage);
int tvf_missing_args(sqlite3_vtab_cursor *cursor, const char *fn,
                     const char *usage);

/* One selected row as the functions return it. */
typedef struct {
  sqlite3_int64 id;
  const char *category; /* into the names the rows keep, or NULL */
  const char *behavior; /* static "T1".."T4" or NULL */
  double score;
  int has_score;
  int stage;
} TvfRow;

typedef struct {
  TvfRow *rows;
  size_t n;
  char **names; /* category names the rows point into, when kept */
  size_t n_names;
} TvfRows;

/* Copies run's rows into *out; with take_names the rows' category names
 * move from the run into *out (else they must outlive the rows). */
int tvf_rows_keep(SampleRun *run, TvfRows *out, int take_names);
void tvf_rows_free(TvfRows *rows);

/* The result of column col of row r: 0 id, 1 category, 2 behavior,
 * 3 score, 4 rank (given), 5 stage. */
void tvf_row_result(sqlite3_context *ctx, const TvfRow *r, int col,
                    sqlite3_int64 rank);

#endif
