/*
 * sample_vtab.c — the table-valued function safety_sample(method, budget
 * [, options]) of contract §7.
 *
 * sample_run.c runs the call (sample_plan.c: arguments and options;
 * pool_read.c: the relations; core/select.c: the selection, which knows
 * nothing of SQLite); this file only returns the chosen rows.  The structure follows
 * SQLite's ext/misc/series.c: an eponymous-only virtual table whose hidden
 * columns carry the arguments.
 * It only ever runs SELECT statements, so it works under
 * PRAGMA query_only = 1 and never changes the database.
 */
#include "common.h"
#include "sql_functions.h"
#include "sample_run.h"

#include <string.h>

#define FN "safety_sample"

/* Column numbers, in the order of the declaration below. */
#define SAMPLE_COL_ID 0
#define SAMPLE_COL_CATEGORY 1
#define SAMPLE_COL_BEHAVIOR 2
#define SAMPLE_COL_SCORE 3
#define SAMPLE_COL_RANK 4
#define SAMPLE_COL_STAGE 5
#define SAMPLE_COL_METHOD 6 /* hidden: the arguments */
#define SAMPLE_COL_BUDGET 7
#define SAMPLE_COL_OPTIONS 8
static const char sample_schema[] =
    "CREATE TABLE x(id INTEGER, category TEXT, behavior TEXT, score REAL, "
    "rank INTEGER, stage TEXT, method HIDDEN, budget HIDDEN, options HIDDEN)";

/* One output row (copied out of the run, which is freed in xFilter). */
typedef struct {
  sqlite3_int64 id;
  const char *category; /* into the cursor's names, or NULL */
  const char *behavior; /* static "T1".."T4" or NULL */
  double score;
  int has_score;
  int stage;
} SampleRow;

typedef struct {
  sqlite3_vtab base;
  sqlite3 *db;
} SampleVtab;

typedef struct {
  sqlite3_vtab_cursor base;
  SampleRow *rows;
  size_t n_rows, pos;
  char **names; /* category names the rows point into */
  size_t n_names;
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
  int rc = sqlite3_declare_vtab(db, sample_schema);
  if (rc != SQLITE_OK) return rc;
  SampleVtab *vt = ss_malloc(sizeof *vt);
  if (vt == NULL) return SQLITE_NOMEM;
  memset(vt, 0, sizeof *vt);
  vt->db = db;
  *ppVtab = &vt->base;
  return SQLITE_OK;
}

/* xDisconnect */
static int sampleDisconnect(sqlite3_vtab *vtab) {
  ss_free(vtab);
  return SQLITE_OK;
}

/* xOpen: a cursor with no rows until xFilter. */
static int sampleOpen(sqlite3_vtab *vtab, sqlite3_vtab_cursor **ppCursor) {
  (void)vtab;
  SampleCursor *cur = ss_malloc(sizeof *cur);
  if (cur == NULL) return SQLITE_NOMEM;
  memset(cur, 0, sizeof *cur);
  *ppCursor = &cur->base;
  return SQLITE_OK;
}

/* Frees the rows and arguments of the previous xFilter. */
static void sample_reset(SampleCursor *cur) {
  ss_free(cur->rows);
  for (size_t i = 0; i < cur->n_names; i++) ss_free(cur->names[i]);
  ss_free(cur->names);
  for (int i = 0; i < 3; i++) sqlite3_value_free(cur->args[i]);
  cur->rows = NULL;
  cur->names = NULL;
  cur->n_rows = cur->n_names = cur->pos = 0;
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
  SampleVtab *vt = (SampleVtab *)cursor->pVtab;
  SampleRun run;
  char *errmsg = NULL;
  int rc;

  sample_reset(cur);
  for (int i = 0; i < argc && i < 3; i++)
    if ((cur->args[i] = sqlite3_value_dup(argv[i])) == NULL) return SQLITE_NOMEM;
  rc = sample_run(vt->db, idxNum == 1 ? 3 : 2, argv, 0, &run, &errmsg);
  if (rc == SQLITE_OK) {
    cur->rows = ss_malloc_array(run.n_rows, sizeof(SampleRow));
    if (cur->rows == NULL) rc = SQLITE_NOMEM;
  }
  if (rc == SQLITE_OK) {
    for (size_t i = 0; i < run.n_rows; i++) {
      const RunRow *r = &run.rows[i];
      cur->rows[i] = (SampleRow){r->id, r->category,
                                 behavior_name(r->behavior), r->score,
                                 r->has_score, r->stage};
    }
    cur->n_rows = run.n_rows;
    /* The rows point into the category names: the cursor keeps them. */
    cur->names = run.pd.cat_names;
    cur->n_names = run.pd.sel.n_cat;
    run.pd.cat_names = NULL;
    run.pd.sel.n_cat = 0;
  }
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
  return cur->pos >= cur->n_rows;
}

/* xColumn */
static int sampleColumn(sqlite3_vtab_cursor *cursor, sqlite3_context *ctx,
                        int col) {
  SampleCursor *cur = (SampleCursor *)cursor;
  const SampleRow *r = &cur->rows[cur->pos];
  switch (col) {
    case SAMPLE_COL_ID:
      sqlite3_result_int64(ctx, r->id);
      break;
    case SAMPLE_COL_CATEGORY:
      if (r->category) sqlite3_result_text(ctx, r->category, -1, SQLITE_TRANSIENT);
      break;
    case SAMPLE_COL_BEHAVIOR:
      if (r->behavior) sqlite3_result_text(ctx, r->behavior, 2, SQLITE_STATIC);
      break;
    case SAMPLE_COL_SCORE:
      if (r->has_score) sqlite3_result_double(ctx, r->score);
      break;
    case SAMPLE_COL_RANK:
      sqlite3_result_int64(ctx, (sqlite3_int64)cur->pos + 1);
      break;
    case SAMPLE_COL_STAGE:
      sqlite3_result_text(ctx, stage_name(r->stage), -1, SQLITE_STATIC);
      break;
    default: /* hidden argument columns */
      if (cur->args[col - SAMPLE_COL_METHOD])
        sqlite3_result_value(ctx, cur->args[col - SAMPLE_COL_METHOD]);
  }
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
  int arg_constraint[3] = {-1, -1, -1};
  int unusable = 0;
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (c->iColumn < SAMPLE_COL_METHOD) continue;
    int j = c->iColumn - SAMPLE_COL_METHOD;
    if (!c->usable)
      unusable |= 1 << j;
    else if (c->op == SQLITE_INDEX_CONSTRAINT_EQ)
      arg_constraint[j] = i;
  }
  if (arg_constraint[0] < 0 || arg_constraint[1] < 0) {
    /* Unusable now: the planner may find an order where they are usable. */
    if (unusable & 3) return SQLITE_CONSTRAINT;
    safety_vtab_error(vtab, FN,
                      "needs a method and a budget, as in SELECT * FROM "
                      "safety_sample('pss-b', 0.0005)");
    return SQLITE_ERROR;
  }
  if (arg_constraint[2] < 0 && (unusable & 4)) return SQLITE_CONSTRAINT;
  int n = 0;
  for (int j = 0; j < 3; j++) {
    if (arg_constraint[j] < 0) continue;
    info->aConstraintUsage[arg_constraint[j]].argvIndex = ++n;
    info->aConstraintUsage[arg_constraint[j]].omit = 1;
  }
  info->idxNum = arg_constraint[2] >= 0;
  info->estimatedCost = 1e6;
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
    .xDisconnect = sampleDisconnect,
    .xOpen = sampleOpen,
    .xClose = sampleClose,
    .xFilter = sampleFilter,
    .xNext = sampleNext,
    .xEof = sampleEof,
    .xColumn = sampleColumn,
    .xRowid = sampleRowid,
};
