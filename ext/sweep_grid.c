/*
 * sweep_grid.c — the grid of safety_sweep(methods, budgets [, options])
 * (sweep_run.h): its methods and budgets, each kept as the SQL value it
 * was given (so the method and budget columns return them unchanged), and
 * its seeds with the options each seed's safety_sample calls take.
 *
 * The JSON of the arguments is read with SQLite's own json_each and
 * json_set (the statements are relation.c's), so a budget keeps the type
 * SQL gives it (10 an integer, 0.005 a real) and the options keep every
 * other key exactly as written.
 */
#include "common.h"
#include "relation.h"
#include "sweep_run.h"

#include <string.h>

#define FN "safety_sweep"

static const char methods_how[] =
    "methods must be a method name or a JSON array of method names, such as "
    "'[\"pss-b\", \"sss-b\"]'";
static const char budgets_how[] =
    "budgets must be a number or a JSON array of numbers, such as "
    "'[10, 100, 0.005]'";
static const char seeds_how[] =
    "option seeds must be a JSON array of integers, such as "
    "\"seeds\": [0, 1, 2]";

/* Adds a copy of v to *list (of *n). */
static int list_add(sqlite3_value ***list, size_t *n, sqlite3_value *v) {
  sqlite3_value **grown = ss_realloc(*list, (*n + 1) * sizeof **list);
  if (grown == NULL) return SQLITE_NOMEM;
  *list = grown;
  if ((grown[*n] = sqlite3_value_dup(v)) == NULL) return SQLITE_NOMEM;
  (*n)++;
  return SQLITE_OK;
}

/* Runs the statement which (relation.c) on a and calls row(ctx, stmt) per
 * row; row returns SQLITE_OK to go on.  A JSON error of SQLite is given as
 * SQLITE_MISMATCH (the caller says what is wrong). */
typedef int (*RowFn)(void *ctx, sqlite3_stmt *st);
static int each_row(sqlite3 *db, SweepJson which, sqlite3_value *a, RowFn row,
                    void *ctx) {
  sqlite3_stmt *st = NULL;
  int rc = relation_prepare_sweep_json(db, which, &st);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_value(st, 1, a);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if ((rc = row(ctx, st)) != SQLITE_OK) break;
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  if (rc == SQLITE_ERROR) rc = SQLITE_MISMATCH;
  sqlite3_finalize(st);
  return rc;
}

/* Is v text holding a JSON array? */
static int is_json_array(sqlite3 *db, sqlite3_value *v, int *yes) {
  sqlite3_stmt *st = NULL;
  *yes = 0;
  if (sqlite3_value_type(v) != SQLITE_TEXT) return SQLITE_OK;
  int rc = relation_prepare_sweep_json(db, SWEEP_JSON_IS_ARRAY, &st);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_value(st, 1, v);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *yes = sqlite3_column_int(st, 0);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(st);
  return rc;
}

typedef struct {
  sqlite3_value ***list;
  size_t *n;
  int want;      /* SQLITE_TEXT, or SQLITE_FLOAT for a number */
  int bad;       /* an element of another type */
} ElemCtx;

static int add_elem(void *ctx, sqlite3_stmt *st) {
  ElemCtx *e = ctx;
  int t = sqlite3_column_type(st, 0);
  int ok = e->want == SQLITE_TEXT ? t == SQLITE_TEXT
                                  : t == SQLITE_INTEGER || t == SQLITE_FLOAT;
  if (!ok) {
    e->bad = 1;
    return SQLITE_DONE;
  }
  return list_add(e->list, e->n, sqlite3_column_value(st, 0));
}

/* The methods or the budgets: one SQL value of type want, or a JSON array
 * of them (non-empty).  how says what is expected. */
static int parse_list(sqlite3 *db, sqlite3_value *v, int want,
                      sqlite3_value ***list, size_t *n, const char *how,
                      char **errmsg) {
  int array, rc = is_json_array(db, v, &array);
  if (rc != SQLITE_OK) return rc;
  int t = sqlite3_value_type(v);
  if (!array) {
    int ok = want == SQLITE_TEXT ? t == SQLITE_TEXT
                                 : t == SQLITE_INTEGER || t == SQLITE_FLOAT;
    if (ok) return list_add(list, n, v);
  } else {
    ElemCtx e = {list, n, want, 0};
    rc = each_row(db, SWEEP_JSON_ELEMENTS, v, add_elem, &e);
    if (rc != SQLITE_OK && rc != SQLITE_DONE) return rc;
    if (!e.bad && *n > 0) return SQLITE_OK;
  }
  *errmsg = safety_error_text(FN, "%s", how);
  return SQLITE_ERROR;
}

typedef struct {
  SweepGrid *g;
  int bad;
} SeedCtx;

/* One seed of options.seeds: its value and its calls' options. */
static int add_seed(void *ctx, sqlite3_stmt *st) {
  SeedCtx *s = ctx;
  SweepGrid *g = s->g;
  if (sqlite3_column_type(st, 0) != SQLITE_INTEGER) {
    s->bad = 1;
    return SQLITE_DONE;
  }
  sqlite3_int64 *seeds = ss_realloc(g->seeds, (g->n_seeds + 1) * sizeof *seeds);
  if (seeds == NULL) return SQLITE_NOMEM;
  g->seeds = seeds;
  seeds[g->n_seeds] = sqlite3_column_int64(st, 0);
  size_t n = g->n_seeds;
  int rc = list_add(&g->options, &n, sqlite3_column_value(st, 1));
  if (rc == SQLITE_OK) g->n_seeds++;
  return rc;
}

/* The seed safety_sample takes from options, as its own option parser
 * reads it ({"seed": 1e3} is 1000); 0 when they do not parse (each call
 * then fails with its own message). */
static sqlite3_int64 options_seed(sqlite3_value *options) {
  const char *json = (const char *)sqlite3_value_text(options);
  char err[OPTIONS_ERRLEN];
  SampleOptions o;
  if (json == NULL ||
      options_parse(json, (size_t)sqlite3_value_bytes(options), &o, err) != 0)
    return 0;
  sqlite3_int64 seed = o.seed;
  options_free(&o);
  return seed;
}

/* The seeds and each seed's options. */
static int parse_seeds(sqlite3 *db, sqlite3_value *options, SweepGrid *g,
                       char **errmsg) {
  sqlite3_stmt *st = NULL;
  int rc, has_seeds = 0, has_seed = 0;
  if (options != NULL && sqlite3_value_type(options) != SQLITE_NULL) {
    rc = relation_prepare_sweep_json(db, SWEEP_JSON_SEED_INFO, &st);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_value(st, 1, options);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      has_seeds = sqlite3_column_int(st, 0);
      has_seed = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return rc;
  }
  if (has_seeds && has_seed) {
    *errmsg = safety_error_text(
        FN, "give option seed or option seeds, not both (seeds lists every "
            "seed of the sweep)");
    return SQLITE_ERROR;
  }
  if (!has_seeds) { /* one seed: the calls take the options as given */
    g->seeds = ss_malloc(sizeof *g->seeds);
    g->options = ss_malloc(sizeof *g->options);
    if (g->seeds == NULL || g->options == NULL) return SQLITE_NOMEM;
    g->seeds[0] = has_seed ? options_seed(options) : 0;
    g->options[0] = NULL;
    g->n_seeds = 1;
    if (options != NULL && sqlite3_value_type(options) != SQLITE_NULL &&
        (g->options[0] = sqlite3_value_dup(options)) == NULL)
      return SQLITE_NOMEM;
    return SQLITE_OK;
  }
  SeedCtx s = {g, 0};
  rc = each_row(db, SWEEP_JSON_SEEDS, options, add_seed, &s);
  if (rc != SQLITE_OK && rc != SQLITE_DONE) return rc;
  if (s.bad || g->n_seeds == 0) {
    *errmsg = safety_error_text(FN, "%s", seeds_how);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

int sweep_grid_parse(sqlite3 *db, sqlite3_value *methods,
                     sqlite3_value *budgets, sqlite3_value *options,
                     SweepGrid *g, char **errmsg) {
  memset(g, 0, sizeof *g);
  *errmsg = NULL;
  int rc = parse_list(db, methods, SQLITE_TEXT, &g->methods, &g->n_methods,
                      methods_how, errmsg);
  if (rc == SQLITE_OK)
    rc = parse_list(db, budgets, SQLITE_FLOAT, &g->budgets, &g->n_budgets,
                    budgets_how, errmsg);
  if (rc == SQLITE_OK) rc = parse_seeds(db, options, g, errmsg);
  if (rc == SQLITE_MISMATCH) rc = SQLITE_ERROR;
  if (rc == SQLITE_ERROR && *errmsg == NULL) rc = SQLITE_NOMEM;
  return rc;
}

static void values_free(sqlite3_value **v, size_t n) {
  for (size_t i = 0; i < n; i++) sqlite3_value_free(v[i]);
  ss_free(v);
}

void sweep_grid_free(SweepGrid *g) {
  values_free(g->methods, g->n_methods);
  values_free(g->budgets, g->n_budgets);
  values_free(g->options, g->options ? g->n_seeds : 0);
  ss_free(g->seeds);
  memset(g, 0, sizeof *g);
}
