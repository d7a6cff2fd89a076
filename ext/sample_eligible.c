/*
 * sample_eligible.c — the check that enough examples are eligible for the
 * rows asked for, and the message that says why not where the data can
 * tell: an empty pool, category names no eligible example has, examples
 * without a behaviour, the fraction a budget came from.
 */
#include "common.h"
#include "sample_run.h"

#include "core/group.h"
#include <string.h>

/* Words for the eligibility filter in messages ("T1", "T1, T3", "every"). */
static void describe_filter(unsigned mask, char *buf, size_t size) {
  if (mask == 0) {
    sqlite3_snprintf((int)size, buf, "any behaviour");
    return;
  }
  buf[0] = '\0';
  for (int t = BEHAVIOR_T1; t <= BEHAVIOR_T4; t++)
    if (mask >> t & 1) {
      size_t len = strlen(buf);
      sqlite3_snprintf((int)(size - len), buf + len, "%s%s", len ? ", " : "",
                       behavior_name(t));
    }
}

/* Why fewer are eligible than asked, where the data says: names in
 * options.categories that no eligible example has, and examples left out
 * for want of a behaviour.  Appends "; ..." clauses to s. */
static void why_short(const SampleRun *run, sqlite3_str *s) {
  const SampleOptions *opt = &run->opt;
  const Pool *pd = &run->pd;
  size_t missing = 0;
  if (pd->n_read == 0 && opt->pool == NULL)
    sqlite3_str_appendall(s, "; the pool relation \"safety_pool\" has no rows: "
                             "import examples first (the sql/import_*.sql "
                             "recipes, or INSERT INTO examples)");
  else if (pd->n_read == 0)
    sqlite3_str_appendf(s, "; the pool relation \"%w\" has no rows: fill it, or "
                           "name another with options.pool",
                        opt->pool);
  for (size_t i = 0; i < opt->n_categories; i++) {
    long c = sample_find_name(pd->cat_names, pd->sel.n_cat, opt->categories[i]);
    if (c >= 0 && pd->sel.cat_start[c + 1] > pd->sel.cat_start[c]) continue;
    if (missing < 5)
      sqlite3_str_appendf(s, "%s'%q'", missing ? ", " : "; options.categories names ",
                          opt->categories[i]);
    missing++;
  }
  if (missing > 5)
    sqlite3_str_appendf(s, " and %llu more", (unsigned long long)(missing - 5));
  if (missing)
    sqlite3_str_appendf(s, ", which no eligible example has (category names "
                           "are case-sensitive; check the spelling and "
                           "options.behavior)");
  if (opt->behavior_mask != 0 && pd->n_unlabelled > 0)
    sqlite3_str_appendf(
        s, "; %llu pool example%s no behaviour (NULL: harmful_request or "
           "refusal is unlabelled), so the behaviour filter leaves %s out; "
           "label them, e.g. UPDATE examples SET refusal = "
           "is_refusal(response) WHERE refusal IS NULL",
        (unsigned long long)pd->n_unlabelled,
        pd->n_unlabelled == 1 ? " has" : "s have",
        pd->n_unlabelled == 1 ? "it" : "them");
}

int sample_check_eligible(SampleRun *run, sqlite3_int64 *n_main,
                          char **errmsg) {
  const SampleOptions *opt = &run->opt;
  const SelectPool *p = &run->pd.sel;
  int nomem = 0; /* with group, the examples of distinct groups */
  size_t have = group_count(p->group, p->n, p->n_groups, &nomem);
  if (nomem) return SQLITE_NOMEM;
  if ((sqlite3_int64)have >= *n_main) return SQLITE_OK;
  if (!opt->allow_short) {
    char filter[40];
    describe_filter(opt->behavior_mask, filter, sizeof filter);
    sqlite3_str *s = sqlite3_str_new(NULL);
    sqlite3_str_appendf(
        s, "only %llu eligible example%s (%s%s%s%s%s) for a budget of %lld",
        (unsigned long long)have, have == 1 ? "" : "s", filter,
        opt->categories ? ", listed categories" : "",
        opt->group ? ", one per value of group \"" : "",
        opt->group ? opt->group : "", opt->group ? "\"" : "", (long long)*n_main);
    /* Where the count came from, in one parenthesis: the contrast share,
     * the fraction (and what it gave, when the share was taken off). */
    int clauses = 0;
    if (run->n_contrast)
      sqlite3_str_appendf(s, "%safter the contrast share", clauses++ ? "; " : " (");
    if (run->task_size >= 0) {
      sqlite3_str_appendf(s, "%sthe fraction %!.15g of %lld task examples",
                          clauses++ ? "; " : " (", run->budget, (long long)run->task_size);
      if (run->n_contrast) sqlite3_str_appendf(s, " is %lld", (long long)run->n);
    }
    if (clauses) sqlite3_str_appendall(s, ")");
    why_short(run, s);
    sqlite3_str_appendall(s, "; lower the budget, widen options.behavior or "
                             "options.categories, or pass \"allow_short\": "
                             "true to take them all");
    *errmsg = sqlite3_str_finish(s);
    return *errmsg ? SQLITE_ERROR : SQLITE_NOMEM;
  }
  *n_main = (sqlite3_int64)have;
  return SQLITE_OK;
}

