/*
 * sample_vtab.c — the table-valued function safety_sample(method, budget
 * [, options]) of contract §7.
 *
 * sample_run.c runs the call (sample_plan.c: arguments and options;
 * pool_read.c: the relations; core/select.c: the selection, which knows
 * nothing of SQLite); this file only returns the chosen rows, through the
 * shape it shares with safety_sweep (tvf.c): an eponymous-only virtual
 * table whose hidden columns carry the arguments, as in SQLite's
 * ext/misc/series.c.
 * It only ever runs SELECT statements, so it works under
 * PRAGMA query_only = 1 and never changes the database.
 */
#include "common.h"
#include "sql_functions.h"
#include "sample_run.h"
#include "tvf.h"

#include <string.h>

#define FN "safety_sample"

/* Column numbers, in the order of the declaration below. */
#define SAMPLE_COL_ID 0
#define SAMPLE_COL_RANK 4
#define SAMPLE_COL_METHOD 6 /* hidden: the arguments */

/* The error of a call without its required arguments. */
#define USAGE \
  "needs a method and a budget, as in SELECT * FROM " \
  "safety_sample('pss-b', 0.0005)"

static const char sample_schema[] =
    "CREATE TABLE x(id INTEGER, category TEXT, behavior TEXT, score REAL, "
    "rank INTEGER, stage TEXT, method HIDDEN, budget HIDDEN, options HIDDEN)";

typedef struct {
  sqlite3_vtab_cursor base;
  TvfRows rows;           /* copied out of the run, which xFilter frees */
  size_t pos;
  sqlite3_value *args[3]; /* method, budget, options as given */
} SampleCursor;

/* xConnect: declares the columns.  Eponymous only: no xCreate. */
static int sampleConnect(sqlite3 *db, void *aux, int argc,
                         const char *const *argv, sqlite3_vtab **ppVtab,
                         char **pzErr) {
  (void)aux;
  (void)argc;
  (void)argv;
  (void)pzErr;
  return tvf_connect(db, sample_schema, ppVtab);
}

/* xOpen: a cursor with no rows until xFilter. */
static int sampleOpen(sqlite3_vtab *vtab, sqlite3_vtab_cursor **ppCursor) {
  (void)vtab;
  return tvf_open(sizeof(SampleCursor), ppCursor);
}

/* Frees the rows and arguments of the previous xFilter. */
static void sample_reset(SampleCursor *cur) {
  tvf_rows_free(&cur->rows);
  for (int i = 0; i < 3; i++) sqlite3_value_free(cur->args[i]);
  cur->pos = 0;
  memset(cur->args, 0, sizeof cur->args);
}

/* xClose */
static int sampleClose(sqlite3_vtab_cursor *cursor) {
  sample_reset((SampleCursor *)cursor);
  ss_free(cursor);
  return SQLITE_OK;
}

/*
 * xFilter: runs the whole selection (sample_run.c, shared with
 * safety_report) and keeps the rows.  argv holds method, budget and (when
 * idxNum is 1) options, as arranged by xBestIndex.
 */
static int sampleFilter(sqlite3_vtab_cursor *cursor, int idxNum,
                        const char *idxStr, int argc, sqlite3_value **argv) {
  (void)idxStr;
  SampleCursor *cur = (SampleCursor *)cursor;
  if (idxNum == TVF_MISSING_ARGS) return tvf_missing_args(cursor, FN, USAGE);
  TvfVtab *vt = (TvfVtab *)cursor->pVtab;
  SampleRun run;
  char *errmsg = NULL;
  sample_reset(cur);
  for (int i = 0; i < argc && i < 3; i++)
    if ((cur->args[i] = sqlite3_value_dup(argv[i])) == NULL) return SQLITE_NOMEM;
  int rc = sample_run(vt->db, idxNum == 1 ? 3 : 2, argv, 0, &run, &errmsg);
  if (rc == SQLITE_OK) rc = tvf_rows_keep(&run, &cur->rows, 1);
  sample_run_free(&run);
  if (errmsg != NULL) {
    sqlite3_free(vt->base.zErrMsg);
    vt->base.zErrMsg = errmsg;
  }
  return rc;
}

/* xNext */
static int sampleNext(sqlite3_vtab_cursor *cursor) {
  ((SampleCursor *)cursor)->pos++;
  return SQLITE_OK;
}

/* xEof */
static int sampleEof(sqlite3_vtab_cursor *cursor) {
  SampleCursor *cur = (SampleCursor *)cursor;
  return cur->pos >= cur->rows.n;
}

/* xColumn */
static int sampleColumn(sqlite3_vtab_cursor *cursor, sqlite3_context *ctx,
                        int col) {
  SampleCursor *cur = (SampleCursor *)cursor;
  if (col < SAMPLE_COL_METHOD)
    tvf_row_result(ctx, &cur->rows.rows[cur->pos], col - SAMPLE_COL_ID,
                   (sqlite3_int64)cur->pos + 1);
  else if (cur->args[col - SAMPLE_COL_METHOD]) /* hidden argument columns */
    sqlite3_result_value(ctx, cur->args[col - SAMPLE_COL_METHOD]);
  return SQLITE_OK;
}

/* xRowid: the rank. */
static int sampleRowid(sqlite3_vtab_cursor *cursor, sqlite_int64 *pRowid) {
  *pRowid = (sqlite_int64)((SampleCursor *)cursor)->pos + 1;
  return SQLITE_OK;
}

/*
 * xBestIndex: method and budget must be given as equality constraints on
 * the hidden columns (which is how table-valued function arguments
 * arrive); options is optional.  idxNum is 1 when options is given.
 */
static int sampleBestIndex(sqlite3_vtab *vtab, sqlite3_index_info *info) {
  int rc = tvf_best_index(vtab, info, SAMPLE_COL_METHOD, FN,
                          USAGE);
  if (rc != SQLITE_OK) return rc;
  info->estimatedRows = 100;
  /* Rows come out in rank order. */
  if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == SAMPLE_COL_RANK &&
      !info->aOrderBy[0].desc)
    info->orderByConsumed = 1;
  return SQLITE_OK;
}

const sqlite3_module safety_sample_module = {
    .iVersion = 0,
    .xConnect = sampleConnect,
    .xBestIndex = sampleBestIndex,
    .xDisconnect = tvf_disconnect,
    .xOpen = sampleOpen,
    .xClose = sampleClose,
    .xFilter = sampleFilter,
    .xNext = sampleNext,
    .xEof = sampleEof,
    .xColumn = sampleColumn,
    .xRowid = sampleRowid,
};
