/*
 * tvf.c — the shared shape of the table-valued functions of selected rows
 * (tvf.h).
 */
#include "common.h"
#include "tvf.h"

#include <string.h>

int tvf_connect(sqlite3 *db, const char *schema, sqlite3_vtab **out) {
  int rc = sqlite3_declare_vtab(db, schema);
  if (rc != SQLITE_OK) return rc;
  TvfVtab *vt = ss_malloc(sizeof *vt);
  if (vt == NULL) return SQLITE_NOMEM;
  memset(vt, 0, sizeof *vt);
  vt->db = db;
  *out = &vt->base;
  return SQLITE_OK;
}

int tvf_disconnect(sqlite3_vtab *vtab) {
  ss_free(vtab);
  return SQLITE_OK;
}

int tvf_open(size_t size, sqlite3_vtab_cursor **out) {
  sqlite3_vtab_cursor *cur = ss_malloc(size);
  if (cur == NULL) return SQLITE_NOMEM;
  memset(cur, 0, size);
  *out = cur;
  return SQLITE_OK;
}

int tvf_best_index(sqlite3_vtab *vtab, sqlite3_index_info *info, int first_arg,
                   const char *fn, const char *usage) {
  int arg_constraint[3] = {-1, -1, -1};
  int unusable = 0;
  for (int i = 0; i < info->nConstraint; i++) {
    const struct sqlite3_index_constraint *c = &info->aConstraint[i];
    if (c->iColumn < first_arg || c->iColumn > first_arg + 2) continue;
    int j = c->iColumn - first_arg;
    if (!c->usable)
      unusable |= 1 << j;
    else if (c->op == SQLITE_INDEX_CONSTRAINT_EQ)
      arg_constraint[j] = i;
  }
  (void)vtab;
  (void)fn;
  (void)usage;
  if (arg_constraint[0] < 0 || arg_constraint[1] < 0) {
    /* Unusable now: the planner may find an order where they are usable. */
    if (unusable & 3) return SQLITE_CONSTRAINT;
    /* Absent: the planner also asks for plans without them (the terms of
     * an OR in WHERE, say), so this plan only costs the most and xFilter
     * reports the usage when no other plan was found (as series.c). */
    info->idxNum = TVF_MISSING_ARGS;
    info->estimatedCost = 1e300;
    info->estimatedRows = (sqlite3_int64)1 << 62;
    return SQLITE_OK;
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
  return SQLITE_OK;
}

int tvf_missing_args(sqlite3_vtab_cursor *cursor, const char *fn,
                     const char *usage) {
  safety_vtab_error(cursor->pVtab, fn, "%s", usage);
  return SQLITE_ERROR;
}

int tvf_rows_keep(SampleRun *run, TvfRows *out, int take_names) {
  memset(out, 0, sizeof *out);
  out->rows = ss_malloc_array(run->n_rows, sizeof(TvfRow));
  if (out->rows == NULL) return SQLITE_NOMEM;
  for (size_t i = 0; i < run->n_rows; i++) {
    const RunRow *r = &run->rows[i];
    out->rows[i] = (TvfRow){r->id, r->category, behavior_name(r->behavior),
                            r->score, r->has_score, r->stage};
  }
  out->n = run->n_rows;
  if (take_names) { /* the rows point into them: they move here */
    out->names = run->pd.cat_names;
    out->n_names = run->pd.sel.n_cat;
    run->pd.cat_names = NULL;
    run->pd.sel.n_cat = 0;
  }
  return SQLITE_OK;
}

void tvf_rows_free(TvfRows *r) {
  ss_free(r->rows);
  for (size_t i = 0; i < r->n_names; i++) ss_free(r->names[i]);
  ss_free(r->names);
  memset(r, 0, sizeof *r);
}

void tvf_row_result(sqlite3_context *ctx, const TvfRow *r, int col,
                    sqlite3_int64 rank) {
  switch (col) {
    case 0: sqlite3_result_int64(ctx, r->id); break;
    case 1:
      if (r->category) sqlite3_result_text(ctx, r->category, -1, SQLITE_TRANSIENT);
      break;
    case 2:
      if (r->behavior) sqlite3_result_text(ctx, r->behavior, 2, SQLITE_STATIC);
      break;
    case 3:
      if (r->has_score) sqlite3_result_double(ctx, r->score);
      break;
    case 4: sqlite3_result_int64(ctx, rank); break;
    default: sqlite3_result_text(ctx, stage_name(r->stage), -1, SQLITE_STATIC);
  }
}
