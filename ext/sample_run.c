/*
 * sample_run.c — one safety_sample call from arguments to selected rows
 * (see sample_run.h): method and options, budget, the relations
 * (pool_read.c), the selection (select.c) and the options beyond the paper
 * (dedup, quota, contrast, the fl methods).  It only ever runs SELECT
 * statements, so it works under PRAGMA query_only = 1.
 */
#include "common.h"
#include "sample_run.h"

#include "core/facility.h"
#include "core/group.h"
#include "relation.h"
#include "vec_value.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_name_ptr(const void *key, const void *elem) {
  return strcmp((const char *)key, *(char *const *)elem);
}

long sample_find_name(char *const *names, size_t n, const char *name) {
  char *const *hit = n ? bsearch(name, names, n, sizeof *names, cmp_name_ptr)
                       : NULL;
  return hit ? (long)(hit - names) : -1;
}

/* Copies the pool's categories (before cossim replaces them). */
static int keep_pool_categories(SampleRun *run, int copy) {
  RunCategories *rc = &run->pool_cats;
  const Pool *pd = &run->pd;
  size_t n = pd->sel.n_cat, n_mem = pd->sel.cat_start ? pd->sel.cat_start[n] : 0;
  rc->n = n;
  if (!copy) {
    rc->names = pd->cat_names;
    rc->start = pd->sel.cat_start;
    rc->member = pd->sel.cat_member;
    rc->owned = 0;
    return 1;
  }
  rc->owned = 1;
  rc->names = ss_malloc_array(n, sizeof(char *));
  size_t *start = ss_malloc_array(n + 1, sizeof(size_t));
  size_t *member = ss_malloc_array(n_mem, sizeof(size_t));
  rc->start = start;
  rc->member = member;
  if (!rc->names || !start || !member) {
    rc->n = 0;
    return 0;
  }
  memcpy(start, pd->sel.cat_start, (n + 1) * sizeof(size_t));
  if (n_mem) memcpy(member, pd->sel.cat_member, n_mem * sizeof(size_t));
  for (size_t c = 0; c < n; c++) {
    size_t len = strlen(pd->cat_names[c]);
    if ((rc->names[c] = ss_malloc(len + 1)) == NULL) {
      rc->n = c;
      return 0;
    }
    memcpy(rc->names[c], pd->cat_names[c], len + 1);
  }
  return 1;
}

/* Explicit quotas: counts per category index of the method's categories. */
static int explicit_quotas(SampleRun *run, size_t n_main, size_t **out,
                           char **errmsg) {
  const Pool *pd = &run->pd;
  size_t *counts = ss_malloc_array(pd->sel.n_cat,
                                   sizeof(size_t));
  unsigned long long total = 0;
  if (counts == NULL) return SQLITE_NOMEM;
  memset(counts, 0, (pd->sel.n_cat ? pd->sel.n_cat : 1) * sizeof(size_t));
  for (size_t q = 0; q < run->opt.n_quota; q++) {
    long c = sample_find_name(pd->cat_names, pd->sel.n_cat, run->opt.quota_names[q]);
    if (c < 0) {
      *errmsg = sqlite3_mprintf(
          "option quota names category '%s', which %s; check the name "
          "(category names are case-sensitive)%s",
          run->opt.quota_names[q],
          run->method->uses_reference
              ? "is not a category of the reference set"
              : "no eligible example has",
          run->method->uses_reference ? "" : " and options.behavior");
      ss_free(counts);
      return SQLITE_ERROR;
    }
    counts[c] = (size_t)run->opt.quota_counts[q];
    /* Saturates at 2^64 - 1 (2,048 counts of 2^53 would wrap to 0). */
    unsigned long long count = (unsigned long long)run->opt.quota_counts[q];
    total = count > ULLONG_MAX - total ? ULLONG_MAX : total + count;
  }
  if (total > n_main) {
    char asked[40];
    sqlite3_snprintf(sizeof asked, asked,
                     total == ULLONG_MAX ? "more than 2^64" : "%llu", total);
    *errmsg = sqlite3_mprintf(
        "option quota asks for %s examples in all but the budget gives "
        "%llu%s; lower the counts or raise the budget",
        asked, (unsigned long long)n_main,
        run->n_contrast ? " after the contrast share" : "");
    ss_free(counts);
    return SQLITE_ERROR;
  }
  *out = counts;
  return SQLITE_OK;
}

/* With group: candidates whose group the selection took are excluded
 * too (both reads number the groups alike).  0 when out of memory. */
static int contrast_groups(const SampleRun *run, const SelectPool *cand,
                           unsigned char *excluded) {
  const SelectPool *p = &run->pd.sel;
  if (p->group == NULL || cand->group == NULL) return 1;
  size_t n_groups = run->groups.n;
  unsigned char *taken = ss_malloc(n_groups ? n_groups : 1);
  if (taken == NULL) return 0;
  memset(taken, 0, n_groups ? n_groups : 1);
  for (size_t r = 0; r < run->res.n_rows; r++) {
    uint32_t g = p->group[run->res.rows[r].example];
    if (g != GROUP_NONE && g < n_groups) taken[g] = 1;
  }
  for (size_t i = 0; i < cand->n; i++)
    if (cand->group[i] != GROUP_NONE && cand->group[i] < n_groups &&
        taken[cand->group[i]])
      excluded[i] = 1;
  ss_free(taken);
  return 1;
}

/* The contrast rows: T3 look-alikes of the chosen T1 examples. */
static int run_contrast(sqlite3 *db, const PoolQuery *main_q, SampleRun *run,
                        ContrastPick **picks_out, size_t *n_picks,
                        char **errmsg) {
  /* Every T3 example of the pool with its vector (not scores, sums or a
   * category filter: only what the contrast needs is set). */
  PoolQuery q = {
      .pool = main_q->pool,
      .behavior_mask = 1u << BEHAVIOR_T3,
      .need_embeddings = 1,
      .memory_advice = main_q->memory_advice,
      .dim = main_q->dim,
      .group = main_q->group,
      .groups = main_q->groups,
  };
  call_guard_reading(run_guard(run), "pool", q.pool);
  int rc = pool_read(db, &q, &run->t3, errmsg);
  if (rc != SQLITE_OK) return call_guard_read_failed(run_guard(run), rc, errmsg);
  const SelectPool *cand = &run->t3.sel;
  size_t k = (size_t)run->n_contrast;
  /* Each candidate is picked once: room for no more picks than that. */
  size_t k_room = k < cand->n ? k : cand->n;
  const float **avec = ss_malloc_array(run->res.n_rows + 1, sizeof *avec);
  double *anorm = ss_malloc_array(run->res.n_rows + 1, sizeof *anorm);
  unsigned char *excluded = ss_malloc(cand->n ? cand->n : 1);
  ContrastPick *picks = ss_malloc_array(k_room + 1, sizeof *picks);
  if (!avec || !anorm || !excluded || !picks) {
    rc = SQLITE_NOMEM;
    goto cleanup;
  }
  if (cand->n > 0 && cand->dim != run->pd.sel.dim) {
    rc = dim_mismatch("option contrast: a T3 example", cand->dim,
                      run->pd.sel.dim, "the selected examples", errmsg);
    goto cleanup;
  }
  size_t n_anchor = contrast_anchors(&run->pd.sel, run->pd.behavior, run->res.rows,
                                     run->res.n_rows, cand, avec, anorm, excluded);
  if (!contrast_groups(run, cand, excluded)) {
    rc = SQLITE_NOMEM;
    goto cleanup;
  }
  if (n_anchor == 0) {
    *errmsg = sqlite3_mprintf(
        "option contrast looks for T3 examples that resemble the chosen "
        "T1 examples, but the %s selection has no T1 example; include "
        "\"T1\" in options.behavior or leave out contrast",
        run->method->name);
    rc = SQLITE_ERROR;
    goto cleanup;
  }
  int src = select_contrast(cand, excluded, avec, anorm, n_anchor, k_room,
                            run->opt.dedup, (uint64_t)run->opt.seed, picks,
                            n_picks, &run->contrast_skipped);
  if (src != SELECT_OK) {
    rc = src == SELECT_ESTOPPED
             ? call_guard_stopped(run_guard(run), "choosing the contrast rows", errmsg)
             : SQLITE_NOMEM;
    goto cleanup;
  }
  if (*n_picks < k && !run->opt.allow_short) {
    /* [one][after dedup]: the verb agrees with the count. */
    static const char *const left[2][2] = {{"are available", "remain after dedup"},
                                           {"is available", "remains after dedup"}};
    int one = *n_picks == 1;
    *errmsg = sqlite3_mprintf(
        "option contrast reserves %llu of %lld rows for T3 look-alikes, "
        "but only %llu T3 example%s %s; lower contrast, add T3 examples "
        "(benign, answered) to the pool, or pass \"allow_short\": true",
        (unsigned long long)k, (long long)run->n, (unsigned long long)*n_picks,
        one ? "" : "s", left[one][run->contrast_skipped != 0]);
    rc = SQLITE_ERROR;
    goto cleanup;
  }
  *picks_out = picks;
  picks = NULL;
cleanup:
  ss_free(avec);
  ss_free(anorm);
  ss_free(excluded);
  ss_free(picks);
  return rc;
}

/* The selected rows, contrast rows last. */
static int build_rows(SampleRun *run, const ContrastPick *picks,
                      size_t n_picks) {
  const Pool *pd = &run->pd;
  size_t total = run->res.n_rows + n_picks;
  run->rows = ss_malloc_array(total, sizeof(RunRow));
  if (run->rows == NULL) return SQLITE_NOMEM;
  for (size_t i = 0; i < run->res.n_rows; i++) {
    const SelectRow *r = &run->res.rows[i];
    size_t e = r->example;
    run->rows[i] = (RunRow){
        .id = pd->sel.ids[e],
        .category = r->category >= 0 ? pd->cat_names[r->category] : NULL,
        .behavior = pd->behavior[e],
        .score = r->score,
        .has_score = r->has_score,
        .stage = r->stage,
        .vec = run->embeddings ? select_vec(&pd->sel, e)
                               : NULL,
        .norm = run->embeddings ? pd->sel.norms[e] : 0.0,
    };
  }
  for (size_t j = 0; j < n_picks; j++) {
    const SelectPool *c = &run->t3.sel;
    size_t e = picks[j].candidate;
    /* The anchor's row: the picks[j].anchor-th T1 row. */
    const RunRow *anchor = NULL;
    for (size_t i = 0, t1 = 0; i < run->res.n_rows && !anchor; i++)
      if (run->rows[i].behavior == BEHAVIOR_T1 && t1++ == picks[j].anchor)
        anchor = &run->rows[i];
    run->rows[run->res.n_rows + j] = (RunRow){
        .id = run->t3.sel.ids[e],
        .category = anchor ? anchor->category : NULL,
        .behavior = BEHAVIOR_T3,
        .score = picks[j].score,
        .has_score = 1,
        .stage = STAGE_CONTRAST,
        .vec = select_vec(c, e),
        .norm = c->norms[e],
    };
  }
  run->n_rows = total;
  return SQLITE_OK;
}

/* The PoolQuery of the main read: the relations, the eligibility filter
 * and what the method needs. */
static PoolQuery main_query(const SampleRun *run, int for_report) {
  const SampleOptions *opt = &run->opt;
  const MethodInfo *m = run->method;
  return (PoolQuery){
      .pool = opt->pool ? opt->pool : "safety_pool",
      .reference = opt->reference ? opt->reference : "safety_reference",
      .behavior_mask = opt->behavior_mask,
      .categories = opt->categories,
      .n_categories = opt->n_categories,
      .need_embeddings = m->embeddings,
      .method = m->name,
      .want_sums = m->prototype_sums,
      .skip_category = m->uses_reference && opt->categories == NULL &&
                       !for_report,
      .group = opt->group,
  };
}

/* The advice of the reader's out-of-memory message for the embeddings it
 * keeps: the memory limit, a narrower pool, or a method that keeps none. */
static void memory_advice(const MethodInfo *m, char *buf, size_t size) {
  sqlite3_snprintf((int)size, buf,
                   "%s keeps one float32 copy of them: raise the memory SQLite "
                   "may use (PRAGMA hard_heap_limit, soft_heap_limit), narrow "
                   "the pool with options.behavior or options.categories, or "
                   "use cossim or sss, which do not keep them",
                   m->name);
}

/* Embeddings a method without them still reads: for dedup and contrast
 * (required), and for the report (when the pool has them).  Sets
 * q->need_embeddings and *optional (read for the report only). */
static int optional_embeddings(sqlite3 *db, SampleRun *run, int for_report,
                               PoolQuery *q, int *optional, char **errmsg) {
  const SampleOptions *opt = &run->opt;
  int required = opt->dedup > 0 || opt->contrast > 0;
  *optional = 0;
  if (q->need_embeddings || !(required || for_report)) return SQLITE_OK;
  int has = relation_has_column(db, q->pool, "embedding");
  if (has == 0 && required) {
    *errmsg = sqlite3_mprintf(
        "option %s needs embeddings, but the pool relation \"%s\" has "
        "no column embedding; add one (vec_f32 BLOBs) or leave out %s",
        opt->dedup > 0 ? "dedup" : "contrast", q->pool,
        opt->dedup > 0 ? "dedup" : "contrast");
    return SQLITE_ERROR;
  }
  if (has == 0) {
    run->no_embeddings = sqlite3_mprintf(
        "the pool relation has no embedding column");
    if (run->no_embeddings == NULL) return SQLITE_NOMEM;
  }
  if (has == 1) {
    q->need_embeddings = 1;
    *optional = !required;
  }
  return SQLITE_OK;
}

/* Reads the relations: cossim's reference set first, so that the pool's
 * embeddings can be checked against its dimension and, when nothing else
 * needs them, scored as they arrive instead of being kept (one pass, no
 * copy); then the eligible pool. */
static int read_relations(sqlite3 *db, SampleRun *run, int for_report,
                          PoolQuery *q, char **errmsg) {
  const SampleOptions *opt = &run->opt;
  int rc, optional;
  if (run->method->uses_reference) {
    call_guard_reading(run_guard(run), "reference", q->reference);
    rc = pool_read_reference(db, q, &run->ref, errmsg);
    if (rc != SQLITE_OK) return call_guard_read_failed(run_guard(run), rc, errmsg);
    q->dim = run->ref.dim;
    if (!(opt->dedup > 0 || opt->contrast > 0 || for_report)) {
      q->score_means = run->ref.means;
      q->score_k = run->ref.n;
    }
  }
  rc = optional_embeddings(db, run, for_report, q, &optional, errmsg);
  if (rc != SQLITE_OK) return rc;
  call_guard_reading(run_guard(run), "pool", q->pool);
  rc = call_guard_read_failed(run_guard(run), pool_read(db, q, &run->pd, errmsg), errmsg);
  if (rc == SQLITE_ERROR && optional && !run_guard(run)->reentered) {
    /* The report reads embeddings where it can; this pool's are unusable,
     * so describe the selection without them (as safety_sample works). */
    run->no_embeddings = *errmsg; /* a message body: the reason itself */
    *errmsg = NULL;
    if (run->no_embeddings == NULL) return SQLITE_NOMEM;
    q->need_embeddings = 0;
    rc = pool_read(db, q, &run->pd, errmsg);
    rc = call_guard_read_failed(run_guard(run), rc, errmsg);
  }
  if (rc != SQLITE_OK) return rc;
  run->embeddings = q->need_embeddings;
  return SQLITE_OK;
}

/* The message of a failed select_run_extra (SQLITE_ERROR), or NOMEM. */
static int select_failure(SampleRun *run, int src, size_t bad_category,
                          char **errmsg) {
  if (src == SELECT_ESTOPPED)
    return call_guard_stopped(run_guard(run), "selecting", errmsg);
  if (src == SELECT_ENOMEM) {
    /* Say what the selection keeps (the read's arrays fitted). */
    const SelectPool *p = &run->pd.sel;
    int cossim = run->method->method == METHOD_COSSIM;
    *errmsg = sqlite3_mprintf(
        "out of memory selecting with %s (%llu eligible examples, %llu "
        "%scategories, %llu dimensions%s); raise the memory SQLite may use "
        "(PRAGMA hard_heap_limit, soft_heap_limit) or narrow the pool with "
        "options.behavior or options.categories",
        run->method->name, (unsigned long long)p->n,
        (unsigned long long)p->n_cat, cossim ? "reference " : "",
        (unsigned long long)p->dim,
        cossim ? "; cossim keeps a score per example and category" : "");
    return SQLITE_NOMEM;
  }
  if (src == SELECT_EZERO_PROTOTYPE) {
    *errmsg = sqlite3_mprintf(
        "the prototype of category '%s' is a zero vector (its members' "
        "embeddings cancel out), so cosine to it is undefined; check the "
        "embeddings of that category",
        run->pd.cat_names[bad_category]);
    return SQLITE_ERROR;
  }
  if (src == SELECT_ETOO_LARGE) {
    size_t members = run->pd.sel.cat_start[bad_category + 1] -
                     run->pd.sel.cat_start[bad_category];
    *errmsg = sqlite3_mprintf(
        "%s compares every pair of a category's members, and category "
        "'%s' has %llu eligible members (the limit is %d); narrow it with "
        "options.behavior or options.categories, or use pss",
        run->method->name, run->pd.cat_names[bad_category],
        (unsigned long long)members, FL_MAX_MEMBERS);
    return SQLITE_ERROR;
  }
  return src == SELECT_ENOBLAS ? plan_no_blas(run, errmsg) : SQLITE_NOMEM;
}

/* The main selection of n_main rows from the eligible pool. */
static int select_main(SampleRun *run, sqlite3_int64 n_main, char **errmsg) {
  const SampleOptions *opt = &run->opt;
  size_t *quota_counts = NULL;
  if (opt->quota == QUOTA_OPT_EXPLICIT) {
    size_t budget_rows = (size_t)(run->n - run->n_contrast); /* not fewer */
    int rc = explicit_quotas(run, budget_rows, &quota_counts, errmsg);
    if (rc != SQLITE_OK) return rc;
  }
  SelectExtra extra = {
      .dedup = opt->dedup,
      .quota = opt->quota == QUOTA_OPT_PROPORTIONAL ? SELECT_QUOTA_PROPORTIONAL
               : opt->quota == QUOTA_OPT_EXPLICIT   ? SELECT_QUOTA_EXPLICIT
                                                    : SELECT_QUOTA_UNIFORM,
      .quota_counts = quota_counts,
  };
  size_t bad_category = 0;
  int src = select_run_extra(&run->pd.sel, run->method->method, (size_t)n_main,
                             run->fill, (uint64_t)opt->seed, &extra, &run->res,
                             &bad_category);
  ss_free(quota_counts);
  if (src != SELECT_OK) return select_failure(run, src, bad_category, errmsg);
  if (opt->dedup > 0 && run->fill != SELECT_FILL_NONE &&
      (sqlite3_int64)run->res.n_rows < n_main && !opt->allow_short) {
    *errmsg = sqlite3_mprintf(
        "option dedup %g left only %llu examples for a budget of %lld "
        "(%llu near-duplicates skipped); raise the threshold, lower the "
        "budget, or pass \"allow_short\": true",
        opt->dedup, (unsigned long long)run->res.n_rows, (long long)n_main,
        (unsigned long long)run->res.dedup_skipped);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

static int sample_run_body(sqlite3 *db, int argc, sqlite3_value **argv,
                           int for_report, SampleRun *run, char **errmsg) {
  size_t n_picks = 0;
  ContrastPick *picks = NULL;
  int rc = run->held ? SQLITE_OK : call_guard_begin(&run->guard, db, errmsg);
  if (rc == SQLITE_OK) rc = sample_plan(db, argc, argv, run, errmsg);
  if (rc != SQLITE_OK) return rc;
  sqlite3_int64 n_main = run->n - run->n_contrast;
  PoolQuery q = main_query(run, for_report);
  q.groups = &run->groups;
  char advice[300];
  memory_advice(run->method, advice, sizeof advice);
  q.memory_advice = advice;
  rc = read_relations(db, run, for_report, &q, errmsg);
  if (rc == SQLITE_OK) rc = sample_check_eligible(run, &n_main, errmsg);
  if (rc != SQLITE_OK) return rc;
  int from_reference = run->method->uses_reference;
  if (for_report && !keep_pool_categories(run, from_reference)) return SQLITE_NOMEM;
  if (from_reference) pool_use_reference(&run->pd, &run->ref);
  rc = select_main(run, n_main, errmsg);
  if (rc == SQLITE_OK && run->n_contrast > 0)
    rc = run_contrast(db, &q, run, &picks, &n_picks, errmsg);
  if (rc == SQLITE_OK) rc = build_rows(run, picks, n_picks);
  ss_free(picks);
  return rc;
}

int sample_run_on_pool(SampleRun *run, char **errmsg) {
  sqlite3_int64 n_main = run->n - run->n_contrast;
  *errmsg = NULL;
  int rc = sample_check_eligible(run, &n_main, errmsg);
  if (rc == SQLITE_OK) rc = select_main(run, n_main, errmsg);
  if (rc == SQLITE_OK) rc = build_rows(run, NULL, 0);
  if (rc == SQLITE_ERROR && *errmsg == NULL) rc = SQLITE_NOMEM;
  return rc;
}

PoolQuery sample_main_query(const SampleRun *run) { return main_query(run, 0); }

static int run_under(sqlite3 *db, int argc, sqlite3_value **argv, int for_report,
                     CallGuard *held, SampleRun *run, char **errmsg) {
  memset(run, 0, sizeof *run);
  options_init(&run->opt);
  run->held = held;
  *errmsg = NULL;
  int rc = sample_run_body(db, argc, argv, for_report, run, errmsg);
  if (rc != SQLITE_OK && *errmsg != NULL) {
    /* The one place the message gets its function's name. */
    char *body = *errmsg;
    *errmsg = safety_error_text(for_report ? "safety_report" : "safety_sample",
                                "%s", body);
    sqlite3_free(body);
  }
  /* An error whose message could not be formatted ran out of memory; a
   * bare SQLITE_ERROR would read "SQL logic error". */
  if (rc == SQLITE_ERROR && *errmsg == NULL) rc = SQLITE_NOMEM;
  return rc;
}

int sample_run(sqlite3 *db, int argc, sqlite3_value **argv, int for_report,
               SampleRun *run, char **errmsg) {
  return run_under(db, argc, argv, for_report, NULL, run, errmsg);
}
int sample_run_held(sqlite3 *db, int argc, sqlite3_value **argv,
                    CallGuard *held, SampleRun *run, char **errmsg) {
  return run_under(db, argc, argv, 0, held, run, errmsg);
}

void sample_run_free(SampleRun *run) {
  call_guard_end(&run->guard);
  if (run->pool_cats.owned) {
    for (size_t c = 0; c < run->pool_cats.n; c++) ss_free(run->pool_cats.names[c]);
    ss_free(run->pool_cats.names);
    ss_free((void *)run->pool_cats.start);
    ss_free((void *)run->pool_cats.member);
  }
  memset(&run->pool_cats, 0, sizeof run->pool_cats);
  select_result_free(&run->res);
  pool_free(&run->pd);
  pool_free(&run->t3);
  ref_free(&run->ref);
  names_free(&run->groups, 0);
  memset(&run->groups, 0, sizeof run->groups);
  options_free(&run->opt);
  sqlite3_free(run->no_embeddings);
  ss_free(run->rows);
  run->no_embeddings = NULL;
  run->rows = NULL;
  run->n_rows = 0;
}
