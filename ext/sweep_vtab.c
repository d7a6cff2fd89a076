/*
 * sweep_vtab.c — the table-valued function safety_sweep(methods, budgets
 * [, options]) of contract section 8: the grid of methods x budgets x
 * seeds, each combination's rows exactly those of its own safety_sample
 * call, in grid order.
 *
 * This file parses the three arguments into the grid (sweep_grid_*) and
 * returns the rows; sweep_run.c runs the combinations over one read of
 * the relations.  Rows are made one combination at a time as the cursor
 * reaches them, so an interrupt or a progress handler stops a sweep
 * between combinations (and inside each, as it stops safety_sample).
 * It only ever runs SELECT statements, so it works under
 * PRAGMA query_only = 1.
 */
#include "common.h"
#include "sql_functions.h"
#include "tvf.h"
#include "sweep_run.h"

#include <string.h>

#define FN "safety_sweep"

/* Column numbers, in the order of the declaration below. */
enum {
  SWEEP_COL_METHOD = 0,
  SWEEP_COL_BUDGET,
  SWEEP_COL_SEED,
  SWEEP_COL_ID,
  SWEEP_COL_CATEGORY,
  SWEEP_COL_BEHAVIOR,
  SWEEP_COL_SCORE,
  SWEEP_COL_RANK,
  SWEEP_COL_STAGE,
  SWEEP_COL_METHODS, /* hidden: the arguments */
  SWEEP_COL_BUDGETS,
  SWEEP_COL_OPTIONS
};

/* The error of a call without its required arguments. */
#define USAGE \
  "needs methods and budgets, as in SELECT * FROM " \
  "safety_sweep('[\"pss-b\", \"sss-b\"]', '[10, 100]', " \
  "'{\"seeds\": [0, 1, 2]}')"

static const char sweep_schema[] =
    "CREATE TABLE x(method TEXT, budget, seed INTEGER, id INTEGER, "
    "category TEXT, behavior TEXT, score REAL, rank INTEGER, stage TEXT, "
    "methods HIDDEN, budgets HIDDEN, options HIDDEN)";

typedef struct {
  sqlite3_vtab_cursor base;
  SweepGrid grid;
  SweepRun run;           /* the shared read, for every combination */
  SweepRows rows;         /* the current combination's rows */
  size_t combo, n_combos; /* the current combination (grid order) */
  size_t pos;             /* row within it */
  sqlite3_value *args[3]; /* methods, budgets, options as given */
} SweepCursor;

/* xConnect: declares the columns.  Eponymous only: no xCreate. */
static int sweepConnect(sqlite3 *db, void *aux, int argc,
                        const char *const *argv, sqlite3_vtab **ppVtab,
                        char **pzErr) {
  (void)aux;
  (void)argc;
  (void)argv;
  (void)pzErr;
  return tvf_connect(db, sweep_schema, ppVtab);
}

static int sweepOpen(sqlite3_vtab *vtab, sqlite3_vtab_cursor **ppCursor) {
  (void)vtab;
  return tvf_open(sizeof(SweepCursor), ppCursor);
}

/* Frees everything of the previous xFilter. */
static void sweep_reset(SweepCursor *cur) {
  sweep_rows_free(&cur->rows);
  sweep_run_free(&cur->run);
  sweep_grid_free(&cur->grid);
  for (int i = 0; i < 3; i++) sqlite3_value_free(cur->args[i]);
  memset(cur->args, 0, sizeof cur->args);
  cur->combo = cur->n_combos = cur->pos = 0;
}

static int sweepClose(sqlite3_vtab_cursor *cursor) {
  sweep_reset((SweepCursor *)cursor);
  ss_free(cursor);
  return SQLITE_OK;
}

/* Hands an error message (or out of memory) to SQLite. */
static int sweep_fail(SweepCursor *cur, int rc, char *errmsg) {
  sqlite3_vtab *vt = cur->base.pVtab;
  if (errmsg != NULL) {
    sqlite3_free(vt->zErrMsg);
    vt->zErrMsg = errmsg;
  }
  return rc;
}

/* Makes the rows of the combinations from cur->combo on, until one has
 * rows or none is left. */
static int sweep_advance(SweepCursor *cur) {
  TvfVtab *vt = (TvfVtab *)cur->base.pVtab;
  while (cur->combo < cur->n_combos) {
    char *errmsg = NULL;
    int rc = sweep_run_combo(vt->db, &cur->grid, &cur->run, cur->combo,
                             &cur->rows, &errmsg);
    if (rc != SQLITE_OK) return sweep_fail(cur, rc, errmsg);
    cur->pos = 0;
    if (cur->rows.kept.n > 0) return SQLITE_OK;
    cur->combo++;
  }
  return SQLITE_OK;
}

/* xFilter: parses the grid and makes the first combination's rows.  argv
 * holds methods, budgets and (when idxNum is 1) options. */
static int sweepFilter(sqlite3_vtab_cursor *cursor, int idxNum,
                       const char *idxStr, int argc, sqlite3_value **argv) {
  (void)idxStr;
  SweepCursor *cur = (SweepCursor *)cursor;
  if (idxNum == TVF_MISSING_ARGS) return tvf_missing_args(cursor, FN, USAGE);
  TvfVtab *vt = (TvfVtab *)cursor->pVtab;
  char *errmsg = NULL;
  sweep_reset(cur);
  for (int i = 0; i < argc && i < 3; i++)
    if ((cur->args[i] = sqlite3_value_dup(argv[i])) == NULL) return SQLITE_NOMEM;
  int rc = sweep_grid_parse(vt->db, argv[0], argv[1],
                            idxNum == 1 ? argv[2] : NULL, &cur->grid, &errmsg);
  if (rc != SQLITE_OK) return sweep_fail(cur, rc, errmsg);
  cur->n_combos = cur->grid.n_methods * cur->grid.n_budgets * cur->grid.n_seeds;
  return sweep_advance(cur);
}

static int sweepNext(sqlite3_vtab_cursor *cursor) {
  SweepCursor *cur = (SweepCursor *)cursor;
  if (++cur->pos < cur->rows.kept.n) return SQLITE_OK;
  cur->combo++;
  return sweep_advance(cur);
}

static int sweepEof(sqlite3_vtab_cursor *cursor) {
  SweepCursor *cur = (SweepCursor *)cursor;
  return cur->combo >= cur->n_combos;
}

static int sweepColumn(sqlite3_vtab_cursor *cursor, sqlite3_context *ctx,
                       int col) {
  SweepCursor *cur = (SweepCursor *)cursor;
  const SweepGrid *g = &cur->grid;
  size_t mi = cur->combo / (g->n_budgets * g->n_seeds);
  size_t bi = cur->combo / g->n_seeds % g->n_budgets, si = cur->combo % g->n_seeds;
  if (col == SWEEP_COL_METHOD)
    sqlite3_result_value(ctx, g->methods[mi]);
  else if (col == SWEEP_COL_BUDGET)
    sqlite3_result_value(ctx, g->budgets[bi]);
  else if (col == SWEEP_COL_SEED)
    sqlite3_result_int64(ctx, g->seeds[si]);
  else if (col < SWEEP_COL_METHODS)
    tvf_row_result(ctx, &cur->rows.kept.rows[cur->pos], col - SWEEP_COL_ID,
                   (sqlite3_int64)cur->pos + 1);
  else if (cur->args[col - SWEEP_COL_METHODS]) /* hidden argument columns */
    sqlite3_result_value(ctx, cur->args[col - SWEEP_COL_METHODS]);
  return SQLITE_OK;
}

/* xRowid: the position in the whole output. */
static int sweepRowid(sqlite3_vtab_cursor *cursor, sqlite_int64 *pRowid) {
  SweepCursor *cur = (SweepCursor *)cursor;
  *pRowid = (sqlite_int64)(cur->rows.first_rowid + cur->pos);
  return SQLITE_OK;
}

/* xBestIndex: methods and budgets must be given (equality constraints on
 * the hidden columns, as table-valued function arguments arrive); options
 * is optional.  idxNum is 1 when options is given. */
static int sweepBestIndex(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  int rc = tvf_best_index(
      vtab, info, SWEEP_COL_METHODS, FN,
      USAGE);
  info->estimatedRows = 1000;
  return rc;
}

const sqlite3_module safety_sweep_module = {
    .iVersion = 0,
    .xConnect = sweepConnect,
    .xBestIndex = sweepBestIndex,
    .xDisconnect = tvf_disconnect,
    .xOpen = sweepOpen,
    .xClose = sweepClose,
    .xFilter = sweepFilter,
    .xNext = sweepNext,
    .xEof = sweepEof,
    .xColumn = sweepColumn,
    .xRowid = sweepRowid,
};
