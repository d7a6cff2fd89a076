/*
 * sweep_run.h — safety_sweep's grid (sweep_grid.c: the methods, budgets
 * and seeds of its arguments) and its combinations (sweep_run.c: each one
 * the rows of its own safety_sample call, over one read of the relations
 * shared by all of them).  The table-valued function is sweep_vtab.c.
 */
#ifndef SAFETY_SWEEP_RUN_H
#define SAFETY_SWEEP_RUN_H

#include "common.h"
#include "sample_run.h"
#include "tvf.h"

/* The grid: combination c is method c / (n_budgets * n_seeds), budget
 * c / n_seeds % n_budgets, seed c % n_seeds (grid order). */
typedef struct {
  sqlite3_value **methods;  /* as given (text) */
  size_t n_methods;
  sqlite3_value **budgets;  /* as given (numbers) */
  size_t n_budgets;
  sqlite3_int64 *seeds;
  sqlite3_value **options;  /* per seed: the options of its safety_sample
                               calls (seeds removed, seed set); NULL: none */
  size_t n_seeds;
} SweepGrid;

/*
 * Parses methods (a method name or a JSON array of names), budgets (a
 * number or a JSON array of numbers) and options (NULL: none; else as
 * safety_sample's, plus seeds: a JSON array of integers, default [seed]).
 * Options that are not a JSON object are passed on as they are, so that
 * each call reports them.  SQLITE_OK, or an error code with *errmsg set.
 */
int sweep_grid_parse(sqlite3 *db, sqlite3_value *methods,
                     sqlite3_value *budgets, sqlite3_value *options,
                     SweepGrid *grid, char **errmsg);
void sweep_grid_free(SweepGrid *grid);

/* One combination's rows, in rank order, and their place in the output. */
typedef struct {
  TvfRows kept;
  size_t first_rowid;   /* rowid of kept.rows[0]: 1 + rows of earlier combinations */
  size_t next_rowid;
} SweepRows;

void sweep_rows_free(SweepRows *rows);

/* What every combination shares (the relations, read once). */
typedef struct SweepShared SweepShared;
typedef struct {
  SweepShared *shared;  /* NULL until the first combination needs it */
} SweepRun;

/*
 * Makes the rows of combination c into *rows (replacing its rows), exactly
 * those of safety_sample(method, budget, options with its seed).  An error
 * is that call's, prefixed "safety_sweep: METHOD, budget B, seed S: ".
 */
int sweep_run_combo(sqlite3 *db, const SweepGrid *grid, SweepRun *run,
                    size_t c, SweepRows *rows, char **errmsg);
void sweep_run_free(SweepRun *run);

#endif
