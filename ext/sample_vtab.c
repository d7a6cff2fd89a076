/*
 * sample_vtab.c — the table-valued function safety_sample(method, budget
 * [, options]) of contract §7.
 *
 * It parses the arguments and options, reads the relations (pool_read.c),
 * runs the selection (select.c, which knows nothing of SQLite) and returns
 * the chosen rows.  The structure follows SQLite's ext/misc/series.c: an
 * eponymous-only virtual table whose hidden columns carry the arguments.
 * It only ever runs SELECT statements, so it works under
 * PRAGMA query_only = 1 and never changes the database.
 */
#include "common.h"
#include "options.h"
#include "pool_read.h"
#include "select.h"

#include <math.h>
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

/* The methods: name, selection, whether the default behaviour filter is T1. */
static const struct {
  const char *name;
  SelectMethod method;
  int t1_only;
} sample_methods[] = {
    {"random", METHOD_RANDOM, 0}, {"random-b", METHOD_RANDOM, 1},
    {"sss", METHOD_SSS, 0},       {"sss-b", METHOD_SSS, 1},
    {"pss", METHOD_PSS, 0},       {"pss-b", METHOD_PSS, 1},
    {"cossim", METHOD_COSSIM, 0}, {"cossim-b", METHOD_COSSIM, 1},
};
#define N_METHODS (sizeof sample_methods / sizeof *sample_methods)

/* One output row. */
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

/* Parses the budget into a count n (fractions need the task size).  On
 * error sets *errmsg. */
static int sample_budget(sqlite3 *db, sqlite3_value *v, const SampleOptions *o,
                         sqlite3_int64 *n, char **errmsg) {
  static const char how[] =
      "pass a count such as 10, or a fraction of the fine-tuning set such as "
      "0.0005 (0.05 %)";
  double b;
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
      b = (double)sqlite3_value_int64(v);
      break;
    case SQLITE_FLOAT:
      b = sqlite3_value_double(v);
      break;
    case SQLITE_NULL:
      *errmsg = safety_error_text(FN, "budget is NULL; %s", how);
      return SQLITE_ERROR;
    default:
      *errmsg = safety_error_text(FN, "budget must be a number, got '%.40s'; %s",
                                  (const char *)sqlite3_value_text(v), how);
      return SQLITE_ERROR;
  }
  if (!(b > 0)) {
    *errmsg = safety_error_text(FN, "budget must be positive, got %g; %s", b, how);
    return SQLITE_ERROR;
  }
  if (b >= 1) {
    if (b != floor(b)) {
      *errmsg = safety_error_text(
          FN, "budget %g is not a whole number; a budget of 1 or more is a "
              "count of examples (a fraction must be below 1)",
          b);
      return SQLITE_ERROR;
    }
    if (b > 9007199254740992.0) {
      *errmsg = safety_error_text(FN, "budget %g is too large; the largest "
                                      "count is 2^53", b);
      return SQLITE_ERROR;
    }
    *n = (sqlite3_int64)b;
    return SQLITE_OK;
  }
  sqlite3_int64 task = o->task_size;
  if (task < 0) {
    int rc = pool_count_task(db, o->task ? o->task : "task_examples", b, &task,
                             errmsg);
    if (rc != SQLITE_OK) return rc;
  }
  *n = (sqlite3_int64)floor(b * (double)task + 0.5);
  if (*n < 1) {
    *errmsg = safety_error_text(
        FN, "budget %g of a fine-tuning set of %lld examples rounds to 0 "
            "examples; raise the budget or give a whole-number count",
        b, (long long)task);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

/* Words for the eligibility filter in messages ("T1", "T1, T3", "every"). */
static void describe_filter(unsigned mask, char *buf, size_t size) {
  if (mask == 0) {
    sqlite3_snprintf((int)size, buf, "any behaviour");
    return;
  }
  buf[0] = '\0';
  for (int t = 1; t <= 4; t++)
    if (mask >> t & 1) {
      size_t len = strlen(buf);
      sqlite3_snprintf((int)(size - len), buf + len, "%sT%d", len ? ", " : "",
                       t);
    }
}

/*
 * xFilter: runs the whole selection and keeps the rows.  argv holds method,
 * budget and (when idxNum is 1) options, as arranged by xBestIndex.
 */
static int sampleFilter(sqlite3_vtab_cursor *cursor, int idxNum,
                        const char *idxStr, int argc, sqlite3_value **argv) {
  (void)idxStr;
  SampleCursor *cur = (SampleCursor *)cursor;
  SampleVtab *vt = (SampleVtab *)cursor->pVtab;
  SampleOptions opt;
  PoolData pd;
  SelectResult res = {0};
  char *errmsg = NULL;
  int rc = SQLITE_OK;
  size_t m;

  options_init(&opt);
  memset(&pd, 0, sizeof pd);
  sample_reset(cur);
  for (int i = 0; i < argc && i < 3; i++)
    if ((cur->args[i] = sqlite3_value_dup(argv[i])) == NULL) goto oom;

  /* method */
  const char *method = (const char *)sqlite3_value_text(argv[0]);
  for (m = 0; method != NULL && m < N_METHODS; m++)
    if (sqlite3_stricmp(method, sample_methods[m].name) == 0) break;
  if (method == NULL || m == N_METHODS) {
    errmsg = safety_error_text(
        FN, "unknown method '%s'; the known methods are random, random-b, "
            "sss, sss-b, pss, pss-b, cossim, cossim-b",
        method ? method : "NULL");
    rc = SQLITE_ERROR;
    goto cleanup;
  }
  SelectMethod meth = sample_methods[m].method;

  /* options */
  if (idxNum == 1 && sqlite3_value_type(argv[2]) != SQLITE_NULL) {
    char err[OPTIONS_ERRLEN];
    const char *text = (const char *)sqlite3_value_text(argv[2]);
    if (text == NULL) goto oom;
    int orc = options_parse(text, (size_t)sqlite3_value_bytes(argv[2]), &opt, err);
    if (orc == 1) goto oom;
    if (orc != 0) {
      errmsg = safety_error_text(FN, "%s", err);
      rc = SQLITE_ERROR;
      goto cleanup;
    }
  }
  if (opt.fill == FILL_SCORE && meth != METHOD_COSSIM) {
    errmsg = safety_error_text(
        FN, "option fill \"score\" is only for cossim and cossim-b; use "
            "\"random\" or \"none\" with %s",
        sample_methods[m].name);
    rc = SQLITE_ERROR;
    goto cleanup;
  }
  if (opt.fill == FILL_NONE && meth == METHOD_RANDOM) {
    errmsg = safety_error_text(
        FN, "option fill \"none\" would return nothing for %s, which has no "
            "category quotas (every row is a fill); drop the option",
        sample_methods[m].name);
    rc = SQLITE_ERROR;
    goto cleanup;
  }
  SelectFill fill = opt.fill == FILL_NONE     ? SELECT_FILL_NONE
                    : opt.fill == FILL_RANDOM ? SELECT_FILL_RANDOM
                    : opt.fill == FILL_SCORE  ? SELECT_FILL_SCORE
                    : meth == METHOD_COSSIM   ? SELECT_FILL_SCORE
                                              : SELECT_FILL_RANDOM;
  unsigned mask = opt.behavior_mask;
  if (mask == 0 && sample_methods[m].t1_only) mask = 1u << 1;

  /* budget */
  sqlite3_int64 n;
  rc = sample_budget(vt->db, argv[1], &opt, &n, &errmsg);
  if (rc != SQLITE_OK) goto cleanup;

  /* relations */
  PoolQuery q = {
      .pool = opt.pool ? opt.pool : "safety_pool",
      .reference = opt.reference ? opt.reference : "safety_reference",
      .behavior_mask = mask,
      .categories = opt.categories,
      .n_categories = opt.n_categories,
      .need_embeddings = meth == METHOD_PSS || meth == METHOD_COSSIM,
      .method = sample_methods[m].name,
  };
  rc = pool_read(vt->db, &q, &pd, &errmsg);
  if (rc != SQLITE_OK) goto cleanup;
  if ((sqlite3_int64)pd.sel.n < n) {
    if (!opt.allow_short) {
      char filter[40];
      describe_filter(mask, filter, sizeof filter);
      errmsg = safety_error_text(
          FN, "only %llu eligible examples (%s%s) for a budget of %lld; "
              "lower the budget, widen options.behavior or "
              "options.categories, or pass \"allow_short\": true to take "
              "them all",
          (unsigned long long)pd.sel.n, filter,
          opt.categories ? ", listed categories" : "", (long long)n);
      rc = SQLITE_ERROR;
      goto cleanup;
    }
    n = (sqlite3_int64)pd.sel.n;
  }
  if (meth == METHOD_COSSIM) {
    rc = pool_read_reference(vt->db, &q, &pd, &errmsg);
    if (rc != SQLITE_OK) goto cleanup;
  }

  /* selection */
  size_t bad_category = 0;
  int src = select_run(&pd.sel, meth, (size_t)n, fill, (uint64_t)opt.seed,
                       &res, &bad_category);
  if (src == SELECT_ENOMEM) goto oom;
  if (src == SELECT_EZERO_PROTOTYPE) {
    errmsg = safety_error_text(
        FN, "the prototype of category '%s' is a zero vector (its members' "
            "embeddings cancel out), so cosine to it is undefined; check the "
            "embeddings of that category",
        pd.cat_names[bad_category]);
    rc = SQLITE_ERROR;
    goto cleanup;
  }

  /* rows */
  static const char *const behavior_text[5] = {NULL, "T1", "T2", "T3", "T4"};
  cur->rows = ss_malloc_array(res.n_rows ? res.n_rows : 1, sizeof(SampleRow));
  if (cur->rows == NULL) goto oom;
  for (size_t i = 0; i < res.n_rows; i++) {
    const SelectRow *r = &res.rows[i];
    cur->rows[i] = (SampleRow){
        .id = pd.ids[r->example],
        .category = r->category >= 0 ? pd.cat_names[r->category] : NULL,
        .behavior = behavior_text[pd.behavior[r->example]],
        .score = r->score,
        .has_score = r->has_score,
        .stage = r->stage,
    };
  }
  cur->n_rows = res.n_rows;
  /* The rows point into the category names: the cursor keeps them. */
  cur->names = pd.cat_names;
  cur->n_names = pd.n_cat_names;
  pd.cat_names = NULL;
  pd.n_cat_names = 0;
  goto cleanup;
oom:
  rc = SQLITE_NOMEM;
cleanup:
  select_result_free(&res);
  pool_free(&pd);
  options_free(&opt);
  if (errmsg != NULL) {
    sqlite3_free(vt->base.zErrMsg);
    vt->base.zErrMsg = errmsg;
  }
  if (rc != SQLITE_OK) {
    ss_free(cur->rows);
    cur->rows = NULL;
    cur->n_rows = 0;
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
      sqlite3_result_text(ctx, r->stage == STAGE_CATEGORY ? "category" : "fill",
                          -1, SQLITE_STATIC);
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
    sqlite3_free(vtab->zErrMsg);
    vtab->zErrMsg = safety_error_text(
        FN, "needs a method and a budget, as in SELECT * FROM "
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

static sqlite3_module sample_module = {
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

int safety_register_sample(sqlite3 *db) {
  return sqlite3_create_module(db, "safety_sample", &sample_module, NULL);
}
