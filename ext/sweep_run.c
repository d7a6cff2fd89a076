/*
 * sweep_run.c — the combinations of safety_sweep (sweep_run.h).
 *
 * Before the first combination every one is planned as its own
 * safety_sample call would be (sample_plan: method, options, budget; a
 * plan's error waits for its combination's turn), and the relations are
 * read once: the pool for the union of the plans' behaviour filters, with
 * embeddings when any method needs them, and the reference set when a
 * cossim method is in the grid.  Each combination then runs the selection
 * of sample_run.c (sample_run_on_pool) on the view of that read its filter
 * sees (sweep_view.c), with the view's pss scores and cossim's best
 * candidates (SelectTop lists as long as the largest cossim budget, made in
 * one pass for every cossim view) computed once for all the combinations
 * that share them.
 *
 * Where one read cannot stand for every call, each combination is run as
 * its own safety_sample call instead, so its rows and its error are that
 * call's by construction: when the union read fails (a row that one
 * filter would never see may be the one that fails), when the reference
 * set cannot be read, and with options.contrast (which reads the pool
 * again for its T3 candidates).
 */
#include "common.h"
#include "relation.h"
#include "sweep_run.h"
#include "sweep_view.h"

#include <string.h>

#define FN "safety_sweep"

struct SweepShared {
  size_t n_combos, n_seeds;
  sqlite3_value **with_task; /* per seed: its options with the task size
                                counted once (task_size), or NULL */
  SampleRun *plans;       /* [n_combos] */
  int *plan_rc;           /* each plan's code; its message in plan_msg */
  char **plan_msg;
  int per_call;           /* every combination is its own call */
  SweepViews views;
  CallGuard guard;        /* the sweep's one call (call_guard.h): begun
                             before the first plan, active while a
                             combination is made, paused between them */
  Names groups;           /* the group option's values in the one read */
};

void sweep_rows_free(SweepRows *r) { tvf_rows_free(&r->kept); }

/* The combination's arguments: method, budget, options (argc 2 or 3). */
static int combo_args(const SweepGrid *g, size_t c, sqlite3_value *argv[3]) {
  size_t mi = c / (g->n_budgets * g->n_seeds);
  size_t bi = c / g->n_seeds % g->n_budgets, si = c % g->n_seeds;
  argv[0] = g->methods[mi];
  argv[1] = g->budgets[bi];
  argv[2] = g->options[si];
  return argv[2] ? 3 : 2;
}

/* A message without safety_sample's name (the per-call path's messages
 * have it; the shared path's are bodies). */
static const char *call_body(const char *msg) {
  static const char prefix[] = "safety_sample: ";
  return strncmp(msg, prefix, sizeof prefix - 1) == 0 ? msg + sizeof prefix - 1
                                                      : msg;
}

/* The combination's error: the call's message behind its combination. */
static char *combo_error(const SweepGrid *g, size_t c, const char *msg) {
  size_t mi = c / (g->n_budgets * g->n_seeds);
  size_t bi = c / g->n_seeds % g->n_budgets, si = c % g->n_seeds;
  return safety_error_text(FN, "%s, budget %s, seed %lld: %s",
                           (const char *)sqlite3_value_text(g->methods[mi]),
                           (const char *)sqlite3_value_text(g->budgets[bi]),
                           (long long)g->seeds[si], call_body(msg));
}


/* One combination as its own safety_sample call, under the sweep's guard. */
static int run_single(sqlite3 *db, SweepShared *sh, int argc,
                      sqlite3_value **argv, SweepRows *rows, char **msg) {
  SampleRun run;
  int rc = sample_run_held(db, argc, argv, &sh->guard, &run, msg);
  if (rc == SQLITE_OK) rc = tvf_rows_keep(&run, &rows->kept, 1);
  sample_run_free(&run);
  return rc;
}

/* After the first plan that counted the task relation (a fractional
 * budget): each seed's options with that count as task_size, so that no
 * later plan counts it again (the same n: the count is the option's
 * value).  Options that are not a JSON object, or already give a
 * task_size, stay as they are. */
static int count_task_once(sqlite3 *db, const SweepGrid *g, SweepShared *sh,
                           sqlite3_int64 task_size) {
  sqlite3_stmt *st = NULL;
  sh->with_task = ss_malloc_array(g->n_seeds, sizeof *sh->with_task);
  if (sh->with_task == NULL) return SQLITE_NOMEM;
  memset(sh->with_task, 0, g->n_seeds * sizeof *sh->with_task);
  int rc = relation_prepare_sweep_json(db, SWEEP_JSON_WITH_TASK, &st);
  for (size_t si = 0; rc == SQLITE_OK && si < g->n_seeds; si++) {
    sqlite3_bind_value(st, 1, g->options[si]);
    sqlite3_bind_int64(st, 2, task_size);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
        (sh->with_task[si] = sqlite3_value_dup(sqlite3_column_value(st, 0))) == NULL)
      rc = SQLITE_NOMEM;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) rc = SQLITE_OK;
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ERROR ? SQLITE_OK : rc; /* a JSON error: left as given */
}

/* Plans every combination (sample_plan, as safety_sample does). */
static int plan_all(sqlite3 *db, const SweepGrid *g, SweepShared *sh) {
  sh->plans = ss_malloc_array(sh->n_combos, sizeof *sh->plans);
  sh->plan_rc = ss_malloc_array(sh->n_combos, sizeof *sh->plan_rc);
  sh->plan_msg = ss_malloc_array(sh->n_combos, sizeof *sh->plan_msg);
  if (!sh->plans || !sh->plan_rc || !sh->plan_msg) {
    ss_free(sh->plans); /* none planned: nothing for sweep_run_free */
    ss_free(sh->plan_rc);
    ss_free(sh->plan_msg);
    sh->plans = NULL;
    sh->plan_rc = NULL;
    sh->plan_msg = NULL;
    return SQLITE_NOMEM;
  }
  memset(sh->plan_msg, 0, sh->n_combos * sizeof *sh->plan_msg);
  memset(sh->plans, 0, sh->n_combos * sizeof *sh->plans);
  for (size_t c = 0; c < sh->n_combos; c++) {
    options_init(&sh->plans[c].opt);
    sh->plans[c].held = &sh->guard; /* the task count reads under it */
    sh->plan_rc[c] = SQLITE_ERROR;
  }
  for (size_t c = 0; c < sh->n_combos; c++) {
    sqlite3_value *argv[3];
    int argc = combo_args(g, c, argv);
    SampleRun *run = &sh->plans[c];
    if (sh->with_task != NULL && sh->with_task[c % g->n_seeds] != NULL) {
      argv[2] = sh->with_task[c % g->n_seeds]; /* the task counted once */
      argc = 3;
    }
    sh->plan_rc[c] = sample_plan(db, argc, argv, run, &sh->plan_msg[c]);
    if (sh->plan_rc[c] == SQLITE_OK && run->task_size > 0 && sh->with_task == NULL) {
      int rc = count_task_once(db, g, sh, run->task_size);
      if (rc != SQLITE_OK) return rc;
    }
    if (sh->plan_rc[c] == SQLITE_ERROR && sh->plan_msg[c] == NULL)
      sh->plan_rc[c] = SQLITE_NOMEM;
    /* A result code that is not the call's own error stops the sweep. */
    if (sh->plan_rc[c] != SQLITE_OK && sh->plan_rc[c] != SQLITE_ERROR)
      return sh->plan_rc[c];
  }
  return SQLITE_OK;
}

/* The query of the one read: the first plan's relations, the union of the
 * filters, and what any method needs.  *any is 0 when no plan succeeded. */
static PoolQuery union_query(const SweepShared *sh, int *any, int *cossim,
                             int *contrast, int *score_on_arrival) {
  PoolQuery q = {0};
  int all_cossim = 1, need = 0, pss_at_union = 0, dedup = 0, first = 1;
  unsigned mask = 0;
  *any = *cossim = *contrast = 0;
  for (size_t c = 0; c < sh->n_combos; c++) {
    if (sh->plan_rc[c] != SQLITE_OK) continue;
    const SampleRun *p = &sh->plans[c];
    if (first) q = sample_main_query(p);
    unsigned m = p->opt.behavior_mask;
    mask = first ? m : (mask == 0 || m == 0) ? 0 : mask | m;
    first = 0;
    *any = 1;
    int is_cossim = p->method->method == METHOD_COSSIM;
    *cossim |= is_cossim;
    *contrast |= p->n_contrast > 0;
    dedup |= p->opt.dedup > 0;
    need |= p->method->embeddings || p->opt.dedup > 0;
    if (p->method->embeddings && !is_cossim) all_cossim = 0;
  }
  for (size_t c = 0; c < sh->n_combos; c++)
    if (sh->plan_rc[c] == SQLITE_OK && sh->plans[c].method->prototype_sums &&
        sh->plans[c].opt.behavior_mask == mask)
      pss_at_union = 1;
  q.behavior_mask = mask;
  q.need_embeddings = need;
  q.want_sums = pss_at_union;
  q.skip_category = 0;
  /* Only cossim needs the embeddings: score them as they arrive. */
  *score_on_arrival = *cossim && all_cossim && !dedup;
  return q;
}

/* The distinct filters of the cossim combinations, for their views. */
static int cossim_masks(SweepShared *sh) {
  SweepViews *vs = &sh->views;
  for (size_t c = 0; c < sh->n_combos; c++) {
    if (sh->plan_rc[c] != SQLITE_OK || sh->plans[c].method->method != METHOD_COSSIM)
      continue;
    unsigned m = sh->plans[c].opt.behavior_mask;
    size_t j = 0;
    while (j < vs->n_cossim && vs->cossim_masks[j] != m) j++;
    if (j < vs->n_cossim) continue;
    unsigned *grown = ss_realloc(vs->cossim_masks, (j + 1) * sizeof *grown);
    if (grown == NULL) return SQLITE_NOMEM;
    vs->cossim_masks = grown;
    grown[vs->n_cossim++] = m;
  }
  return SQLITE_OK;
}

/* Reads the relations once; falls back to one call per combination when
 * one read cannot stand for every call.  A failure that is not the data's
 * (BUSY, LOCKED, NOMEM, INTERRUPT) is the sweep's, with *msg set. */
static int read_shared(sqlite3 *db, SweepShared *sh, char **msg_out) {
  int any, cossim, contrast, score_on_arrival;
  PoolQuery q = union_query(sh, &any, &cossim, &contrast, &score_on_arrival);
  if (!any || contrast) {
    sh->per_call = 1;
    return SQLITE_OK;
  }
  SweepViews *vs = &sh->views;
  vs->keep_categories = q.categories != NULL;
  for (size_t c = 0; c < sh->n_combos; c++) { /* the longest lists */
    const SampleRun *p = &sh->plans[c];
    if (sh->plan_rc[c] != SQLITE_OK) continue;
    size_t *k = p->method->method == METHOD_COSSIM ? &vs->cossim_k
                : p->method->method == METHOD_PSS  ? &vs->pss_k : NULL;
    if (k != NULL && (size_t)p->n > *k) *k = (size_t)p->n;
  }
  for (size_t c = 0; c < sh->n_combos; c++)
    if (sh->plan_rc[c] == SQLITE_OK &&
        sh->plans[c].method->method == METHOD_COSSIM &&
        (sh->plans[c].opt.dedup > 0 || sh->plans[c].opt.group != NULL ||
         sh->plans[c].opt.quota == QUOTA_OPT_PROPORTIONAL))
      vs->cossim_matrix = 1;
  int rc = cossim_masks(sh);
  if (rc != SQLITE_OK) return rc;
  char *msg = NULL;
  q.groups = &sh->groups; /* the group column, read with the rest */
  if (cossim) {
    call_guard_reading(&sh->guard, "reference", q.reference);
    rc = call_guard_read_failed(&sh->guard,
                                pool_read_reference(db, &q, &vs->ref, &msg), &msg);
    if (rc == SQLITE_OK) {
      q.dim = vs->ref.dim;
      if (score_on_arrival) {
        q.score_means = vs->ref.means;
        q.score_k = vs->ref.n;
      }
    }
  }
  if (rc == SQLITE_OK && cossim && !sweep_view_begin_tops(vs, &q)) rc = SQLITE_NOMEM;
  if (rc == SQLITE_OK) {
    call_guard_reading(&sh->guard, "pool", q.pool);
    rc = call_guard_read_failed(&sh->guard, pool_read(db, &q, &vs->read, &msg), &msg);
  }
  if (rc == SQLITE_ERROR && !sh->guard.reentered) { /* each call will say what it finds */
    sqlite3_free(msg);
    sweep_views_free(vs);
    sh->per_call = 1;
    return SQLITE_OK;
  }
  *msg_out = msg; /* OK, a relation calling the sweep, or BUSY, LOCKED,
                     NOMEM, INTERRUPT: the sweep's */
  return rc;
}

/* One combination on the shared read. */
static int run_shared(SweepShared *sh, size_t c, SweepRows *rows, char **msg) {
  const SampleRun *plan = &sh->plans[c];
  int cossim = plan->method->method == METHOD_COSSIM;
  SweepView *v = sweep_view_get(&sh->views, plan->opt.behavior_mask, cossim);
  if (v == NULL ||
      (plan->method->prototype_sums && !sweep_view_pss(v, sh->views.pss_k)))
    return core_stopped() ? call_guard_stopped(&sh->guard, "scoring", msg)
                          : SQLITE_NOMEM;
  SampleRun run = *plan; /* the plan's options and the view's pool, borrowed */
  run.pd = v->pd;
  run.embeddings = v->pd.sel.vec_ptr != NULL;
  int rc = sample_run_on_pool(&run, msg);
  if (rc == SQLITE_OK) rc = tvf_rows_keep(&run, &rows->kept, 0);
  select_result_free(&run.res);
  ss_free(run.rows);
  return rc;
}

static int prepare(sqlite3 *db, const SweepGrid *g, SweepRun *sr,
                   char **msg) {
  SweepShared *sh = ss_malloc(sizeof *sh);
  if (sh == NULL) return SQLITE_NOMEM;
  memset(sh, 0, sizeof *sh);
  sr->shared = sh;
  sh->n_combos = g->n_methods * g->n_budgets * g->n_seeds;
  sh->n_seeds = g->n_seeds;
  int rc = call_guard_begin(&sh->guard, db, msg);
  if (rc != SQLITE_OK) return rc;
  rc = plan_all(db, g, sh);
  if (rc == SQLITE_OK) rc = read_shared(db, sh, msg);
  return rc;
}

int sweep_run_combo(sqlite3 *db, const SweepGrid *g, SweepRun *sr, size_t c,
                    SweepRows *rows, char **errmsg) {
  size_t first = rows->next_rowid ? rows->next_rowid : 1;
  char *msg = NULL;
  int rc = SQLITE_OK;
  sweep_rows_free(rows);
  *errmsg = NULL;
  if (sr->shared == NULL) {
    char *why = NULL;
    rc = prepare(db, g, sr, &why);
    if (rc != SQLITE_OK) { /* the read's own failure: not one combination's */
      if (why != NULL)
        *errmsg = safety_error_text(FN, "%s", call_body(why));
      sqlite3_free(why);
      if (sr->shared != NULL) call_guard_pause(&sr->shared->guard);
      return rc;
    }
  }
  SweepShared *sh = sr->shared;
  if (sh != NULL && !sh->guard.active) { /* a later combination */
    char *why = NULL;
    rc = call_guard_resume(&sh->guard, &why);
    if (rc != SQLITE_OK) {
      *errmsg = why ? safety_error_text(FN, "%s", why) : NULL;
      sqlite3_free(why);
      return *errmsg ? rc : SQLITE_NOMEM;
    }
  }
  if (rc == SQLITE_OK && sh->per_call) {
    sqlite3_value *argv[3];
    int argc = combo_args(g, c, argv);
    rc = run_single(db, sh, argc, argv, rows, &msg);
  } else if (rc == SQLITE_OK && sh->plan_rc[c] != SQLITE_OK) {
    rc = sh->plan_rc[c];
    msg = sh->plan_msg[c];
    sh->plan_msg[c] = NULL;
  } else if (rc == SQLITE_OK) {
    rc = run_shared(sh, c, rows, &msg);
  }
  if (msg != NULL) {
    *errmsg = combo_error(g, c, msg);
    sqlite3_free(msg);
    if (*errmsg == NULL) rc = SQLITE_NOMEM;
  } else if (rc == SQLITE_ERROR) {
    rc = SQLITE_NOMEM; /* an error whose message could not be made */
  }
  call_guard_pause(&sh->guard); /* other calls may run between combinations */
  rows->first_rowid = first;
  rows->next_rowid = first + rows->kept.n;
  return rc;
}

void sweep_run_free(SweepRun *sr) {
  SweepShared *sh = sr->shared;
  if (sh != NULL) {
    for (size_t c = 0; sh->plans && c < sh->n_combos; c++) {
      sample_run_free(&sh->plans[c]);
      sqlite3_free(sh->plan_msg[c]);
    }
    ss_free(sh->plans);
    ss_free(sh->plan_rc);
    ss_free(sh->plan_msg);
    for (size_t si = 0; sh->with_task && si < sh->n_seeds; si++)
      sqlite3_value_free(sh->with_task[si]);
    ss_free(sh->with_task);
    sweep_views_free(&sh->views);
    call_guard_end(&sh->guard);
    names_free(&sh->groups, 0);
    ss_free(sh);
  }
  memset(sr, 0, sizeof *sr);
}
