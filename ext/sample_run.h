/*
 * sample_run.h — one call of safety_sample(method, budget [, options]):
 * parse the arguments, read the relations, select.  The table-valued
 * function (sample_vtab.c) returns its rows; safety_report() (report.c)
 * describes the very same selection, so the two can never disagree.
 */
#ifndef SAFETY_SAMPLE_RUN_H
#define SAFETY_SAMPLE_RUN_H

#include "common.h"
#include "call_guard.h"
#include "core/labels.h"
#include "core/methods.h"
#include "core/options.h"
#include "pool_read.h"
#include "core/select.h"

/* One selected row. */
typedef struct {
  sqlite3_int64 id;
  const char *category; /* into the run's category names, or NULL */
  int behavior;         /* 0 = NULL, 1..4 = T1..T4 */
  double score;
  int has_score;
  int stage;            /* STAGE_CATEGORY, STAGE_FILL or STAGE_CONTRAST */
  const float *vec;     /* the embedding (NULL when not read) */
  double norm;
} RunRow;

/* The pool's own categories (CSR over run->pd examples, names in order). */
typedef struct {
  size_t n;
  char **names;
  const size_t *start, *member;
  int owned; /* copies (cossim replaces the pool's categories) */
} RunCategories;

typedef struct {
  /* Re-entry, the read snapshot and the interrupt checks (call_guard.h):
   * from the start of sample_run to sample_run_free; or, when held is
   * set, the guard of the call this run is part of (safety_sweep). */
  CallGuard guard;
  CallGuard *held;
  /* The arguments, resolved. */
  const MethodInfo *method; /* the method table's row (core/methods.h) */
  SampleOptions opt;        /* opt.behavior_mask is the filter in force: a
                               -b method's default T1 included */
  SelectFill fill;          /* the fill in force */
  sqlite3_value *options;   /* as given (NULL when absent) */
  double budget;
  sqlite3_int64 task_size;  /* -1 when the budget is a count */
  sqlite3_int64 n;          /* rows asked for, contrast share included */
  sqlite3_int64 n_contrast; /* the contrast share: floor(contrast * n) */
  /* The data. */
  Pool pd;              /* eligible examples; cossim: reference categories */
  Pool t3;              /* contrast candidates (every T3 example) */
  RefSet ref;               /* cossim: the reference set, until moved to pd */
  int embeddings;           /* pd holds embeddings */
  char *no_embeddings;      /* report: why not (sqlite3_malloc'ed) */
  RunCategories pool_cats;  /* report: the pool's categories */
  Names groups;             /* the group option's values (pool_read.h) */
  /* The selection. */
  SelectResult res;
  size_t contrast_skipped;
  RunRow *rows;
  size_t n_rows;
} SampleRun;

/*
 * Runs safety_sample(argv[0], argv[1] [, argv[2]]) (argc 2 or 3; a NULL
 * options value is no options).  for_report: also read the embeddings of
 * methods that do not need them when the pool has them (falling back to
 * none, with the reason in no_embeddings), and keep the pool's categories.
 * Returns SQLITE_OK or an error code with *errmsg the message, prefixed
 * here once with the caller's name ("safety_sample: ..." or, for_report,
 * "safety_report: ..."; sqlite3_free it).  sample_run_free releases *run
 * either way, and ends the call's guard: until then every read of the call
 * shares one snapshot and the core's long loops stop on an interrupt.
 */
int sample_run(sqlite3 *db, int argc, sqlite3_value **argv, int for_report,
               SampleRun *run, char **errmsg);
void sample_run_free(SampleRun *run);

/* The guard in force for run (its own, or the one it is held under). */
static inline CallGuard *run_guard(SampleRun *run) {
  return run->held != NULL ? run->held : &run->guard;
}

/* sample_run (not for a report) under a guard the caller holds (begun,
 * and active while this runs): safety_sweep's call of a combination. */
int sample_run_held(sqlite3 *db, int argc, sqlite3_value **argv,
                    CallGuard *held, SampleRun *run, char **errmsg);

/*
 * The rest of a planned run (sample_plan) whose pool is already in
 * run->pd (for cossim with the reference set's categories in place): the
 * eligibility check, the main selection and its rows, without contrast
 * (which reads the pool again).  safety_sweep runs its combinations this
 * way on its one read.  SQLITE_OK or an error code with *errmsg the
 * message body.
 */
int sample_run_on_pool(SampleRun *run, char **errmsg);

/* sample_eligible.c: fewer eligible examples (with the group option, of
 * distinct groups) than *n_main is an error, whose message says why where
 * it can, unless allow_short, which lowers *n_main to what there is.
 * SQLITE_OK, SQLITE_ERROR with *errmsg, or SQLITE_NOMEM. */
int sample_check_eligible(SampleRun *run, sqlite3_int64 *n_main, char **errmsg);

/* Index of name among n sorted names, or -1. */
long sample_find_name(char *const *names, size_t n, const char *name);
/* The pool query a planned run reads with: the relations, the filter and
 * what its method needs. */
PoolQuery sample_main_query(const SampleRun *run);

/* sample_plan.c: the method, the options and their checks, the budget as
 * a count (run->n, run->n_contrast).  SQLITE_OK or an error code with
 * *errmsg the message body (sample_run adds the function's name). */
int sample_plan(sqlite3 *db, int argc, sqlite3_value **argv, SampleRun *run,
                char **errmsg);
/* The message body of an fl run without OpenBLAS (core/blas.h): what is
 * missing and how to fix it; SQLITE_ERROR (SQLITE_NOMEM without memory). */
int plan_no_blas(const SampleRun *run, char **errmsg);

#endif
