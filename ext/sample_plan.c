/*
 * sample_plan.c — the first step of one safety_sample call: the method
 * (core/methods.c's table), the options (core/options.c), the checks of
 * options against the method, and the budget as a count of rows.  Fills
 * the SampleRun's arguments; nothing is read but the task size.
 */
#include "common.h"
#include "sample_run.h"

#include "relation.h"
#include "core/blas.h"
#include "core/utf8.h"

#include <math.h>
#include <string.h>

/* Parses the budget into a count n (fractions need the task size).  On
 * error sets *errmsg. */
static int sample_budget(sqlite3 *db, sqlite3_value *v, SampleRun *run,
                         char **errmsg) {
  static const char how[] =
      "pass a count such as 10, or a fraction of the fine-tuning set such as "
      "0.0005 (0.05 %)";
  const SampleOptions *o = &run->opt;
  double b;
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: {
      sqlite3_int64 i = sqlite3_value_int64(v);
      if (i > ((sqlite3_int64)1 << 53)) { /* as a double it could round to 2^53 */
        *errmsg = sqlite3_mprintf("budget %lld is too large; the largest "
                                  "count is 2^53", i);
        return SQLITE_ERROR;
      }
      b = (double)i;
      break;
    }
    case SQLITE_FLOAT:
      b = sqlite3_value_double(v);
      break;
    case SQLITE_NULL:
      *errmsg = sqlite3_mprintf("budget is NULL; %s", how);
      return SQLITE_ERROR;
    case SQLITE_BLOB:
      *errmsg = sqlite3_mprintf("budget must be a number, got a BLOB; %s", how);
      return SQLITE_ERROR;
    default: {
      const char *t = (const char *)sqlite3_value_text(v);
      *errmsg = sqlite3_mprintf("budget must be a number, got '%.*s'; %s",
                                (int)utf8_cut(t ? t : "", 40), t ? t : "", how);
      return SQLITE_ERROR;
    }
  }
  run->budget = b;
  run->task_size = -1;
  if (!(b > 0)) {
    *errmsg = sqlite3_mprintf("budget must be positive, got %g; %s", b, how);
    return SQLITE_ERROR;
  }
  if (b >= 1) {
    if (b != floor(b)) {
      *errmsg = sqlite3_mprintf(
          "budget %g is not a whole number; a budget of 1 or more is a "
          "count of examples (a fraction must be below 1)",
          b);
      return SQLITE_ERROR;
    }
    if (b > 9007199254740992.0) {
      *errmsg = sqlite3_mprintf("budget %g is too large; the largest "
                                "count is 2^53",
                                b);
      return SQLITE_ERROR;
    }
    run->n = (sqlite3_int64)b;
    return SQLITE_OK;
  }
  sqlite3_int64 task = o->task_size;
  if (task < 0) {
    const char *rel = o->task ? o->task : "task_examples";
    call_guard_reading(run_guard(run), "task", rel);
    int rc = relation_count_task(db, rel, b, &task, errmsg);
    if (rc != SQLITE_OK) return call_guard_read_failed(run_guard(run), rc, errmsg);
  }
  run->task_size = task;
  run->n = (sqlite3_int64)floor(b * (double)task + 0.5);
  if (task == 0 && o->task_size < 0) {
    /* A fraction of nothing: most often the fine-tuning set is not loaded. */
    *errmsg = sqlite3_mprintf(
        "budget %g is a fraction of the fine-tuning set, but the task "
        "relation \"%w\" is empty; import the fine-tuning set into it "
        "(sql/import_alpaca.sql), or give its size as options.task_size "
        "(e.g. '{\"task_size\": 20000}'), or give a whole-number count",
        b, o->task ? o->task : "task_examples");
    return SQLITE_ERROR;
  }
  if (run->n < 1) {
    *errmsg = sqlite3_mprintf(
        "budget %g of a fine-tuning set of %lld examples rounds to 0 "
        "examples; raise the budget or give a whole-number count",
        b, (long long)task);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

/* The method named by argv[0]. */
static int plan_method(sqlite3_value *v, SampleRun *run, char **errmsg) {
  const char *name = (const char *)sqlite3_value_text(v);
  if (name != NULL && strlen(name) < (size_t)sqlite3_value_bytes(v)) {
    *errmsg = sqlite3_mprintf(
        "the method name has a NUL byte at byte %d; pass the name as plain "
        "text such as 'pss-b'",
        (int)strlen(name));
    return SQLITE_ERROR;
  }
  run->method = method_find(name);
  if (run->method == NULL) {
    char known[200];
    method_list(known, sizeof known);
    *errmsg = sqlite3_mprintf("unknown method '%s'; the known methods are %s",
                              name ? name : "NULL", known);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

/* The options object (argv[2]; SQL NULL or absent: the defaults). */
static int plan_options(int argc, sqlite3_value **argv, SampleRun *run,
                        char **errmsg) {
  if (argc < 3 || sqlite3_value_type(argv[2]) == SQLITE_NULL) return SQLITE_OK;
  char err[OPTIONS_ERRLEN];
  const char *text = (const char *)sqlite3_value_text(argv[2]);
  if (text == NULL) return SQLITE_NOMEM;
  run->options = argv[2];
  int orc = options_parse(text, (size_t)sqlite3_value_bytes(argv[2]),
                          &run->opt, err);
  if (orc == 1) return SQLITE_NOMEM;
  if (orc != 0) {
    *errmsg = sqlite3_mprintf("%s", err);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

int plan_no_blas(const SampleRun *run, char **errmsg) {
  *errmsg = sqlite3_mprintf("%s bounds its gains with OpenBLAS, but %s, or "
                            "use pss, which needs no BLAS",
                            run->method->name, blas_error());
  return *errmsg ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* Options that the method cannot take (and fl without OpenBLAS); the fill
 * the selection uses. */
static int plan_checks(SampleRun *run, char **errmsg) {
  const SampleOptions *opt = &run->opt;
  const MethodInfo *m = run->method;
  if (opt->fill == FILL_SCORE && m->fill != SELECT_FILL_SCORE) {
    *errmsg = sqlite3_mprintf(
        "option fill \"score\" is only for cossim and cossim-b; use "
        "\"random\" or \"none\" with %s",
        m->name);
    return SQLITE_ERROR;
  }
  if (opt->fill == FILL_NONE && !m->has_categories) {
    *errmsg = sqlite3_mprintf(
        "option fill \"none\" would return nothing for %s, which has no "
        "category quotas (every row is a fill); drop the option",
        m->name);
    return SQLITE_ERROR;
  }
  if (opt->quota != QUOTA_OPT_UNIFORM && !m->has_categories) {
    *errmsg = sqlite3_mprintf(
        "option quota applies to the category methods (sss, pss, fl, "
        "cossim and their -b forms); %s draws without categories",
        m->name);
    return SQLITE_ERROR;
  }
  if (m->method == METHOD_FL && blas_lib() == NULL) return plan_no_blas(run, errmsg);
  run->fill = opt->fill == FILL_NONE     ? SELECT_FILL_NONE
              : opt->fill == FILL_RANDOM ? SELECT_FILL_RANDOM
              : opt->fill == FILL_SCORE  ? SELECT_FILL_SCORE
                                         : m->fill;
  /* The -b methods' default filter: T1 only. */
  if (run->opt.behavior_mask == 0 && m->t1_only)
    run->opt.behavior_mask = 1u << BEHAVIOR_T1;
  return SQLITE_OK;
}

int sample_plan(sqlite3 *db, int argc, sqlite3_value **argv, SampleRun *run,
                char **errmsg) {
  int rc = plan_method(argv[0], run, errmsg);
  if (rc == SQLITE_OK) rc = plan_options(argc, argv, run, errmsg);
  if (rc == SQLITE_OK) rc = plan_checks(run, errmsg);
  if (rc == SQLITE_OK) rc = sample_budget(db, argv[1], run, errmsg);
  if (rc != SQLITE_OK) return rc;
  run->n_contrast = (sqlite3_int64)floor(run->opt.contrast * (double)run->n);
  return SQLITE_OK;
}
