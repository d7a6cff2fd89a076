/*
 * test_faults.c — the core's side of the reliability rules: the stop check
 * (core/stop.h) stops every long selection with SELECT_ESTOPPED and never
 * changes a result while it says go on; pss makes the same prototypes one
 * category at a time as in one pass (the per-category memory bound); the
 * options' strict checks (core/json_strict.h) find NUL bytes and duplicate
 * keys.
 */
#include "alloc.h"
#include "check.h"
#include "select.h"
#include "stop.h"
#include "vector.h"
#include "random_pool.h"

#include "facility.h"
#include "json_strict.h"
#include "options.h"
#include <cjson/cJSON.h>
#include <string.h>

/* A check that answers stop from its stop_at-th call on (0: never). */
typedef struct {
  int calls, stop_at;
} Counter;

static int count_check(void *ctx, uint64_t periods) {
  Counter *c = ctx;
  (void)periods;
  c->calls++;
  return c->stop_at > 0 && c->calls >= c->stop_at;
}

static int same_rows(const SelectResult *a, const SelectResult *b) {
  if (a->n_rows != b->n_rows || a->dedup_skipped != b->dedup_skipped) return 0;
  for (size_t i = 0; i < a->n_rows; i++) {
    const SelectRow *x = &a->rows[i], *y = &b->rows[i];
    if (x->example != y->example || x->category != y->category ||
        x->stage != y->stage || x->has_score != y->has_score ||
        memcmp(&x->score, &y->score, sizeof x->score) != 0)
      return 0;
  }
  return 1;
}

static void test_tick(void) {
  CHECK(core_tick(1000) == 0 && !core_stopped(), "no check set: never stops");
  Counter c = {0, 3};
  CoreStop s = {count_check, &c, 10, 0, 0};
  CoreStop *before = core_stop_swap(&s);
  CHECK(before == NULL, "no check before");
  int stopped = 0;
  for (int i = 0; i < 100 && !stopped; i++) stopped = core_tick(4);
  CHECK(stopped && c.calls == 3, "stops at the third check (%d calls)", c.calls);
  CHECK(core_tick(1) && core_stopped() && c.calls == 3,
        "stays stopped without asking again");
  CHECK(core_stop_swap(NULL) == &s, "swap returns the check it replaces");
}

/* Runs method on pool t with the check stopping at stop_at (0: never). */
static int run_with(const SelectPool *p, SelectMethod m, size_t n,
                    const SelectExtra *x, int stop_at, SelectResult *r,
                    int *calls) {
  Counter c = {0, stop_at};
  CoreStop s = {count_check, &c, 1, 0, 0};
  size_t bad = 0;
  core_stop_swap(&s);
  int rc = select_run_extra(p, m, n, SELECT_FILL_RANDOM, 7, x, r, &bad);
  core_stop_swap(NULL);
  *calls = c.calls;
  return rc;
}

static void test_stop_every_method(void) {
  static RandomPool t;
  make_random_pool(&t, 300, 12, 4, 11, 1, 5, 3);
  const SelectMethod methods[] = {METHOD_PSS, METHOD_COSSIM, METHOD_FL,
                                  METHOD_SSS};
  const char *names[] = {"pss", "cossim", "fl", "sss"};
  for (size_t mi = 0; mi < 4; mi++) {
    SelectExtra x = {.dedup = 0.95};
    SelectResult plain, checked, stopped;
    size_t bad = 0;
    int calls = 0, calls2 = 0;
    select_run_extra(&t.p, methods[mi], 40, SELECT_FILL_RANDOM, 7, &x, &plain, &bad);
    int rc = run_with(&t.p, methods[mi], 40, &x, 0, &checked, &calls);
    CHECK(rc == SELECT_OK && same_rows(&plain, &checked),
          "%s: a check that says go on changes nothing", names[mi]);
    CHECK(calls > 2, "%s: the check ran (%d times)", names[mi], calls);
    rc = run_with(&t.p, methods[mi], 40, &x, 2, &stopped, &calls2);
    CHECK(rc == SELECT_ESTOPPED && stopped.rows == NULL && stopped.n_rows == 0,
          "%s: stopped at the second check: SELECT_ESTOPPED, no rows (rc %d)",
          names[mi], rc);
    CHECK(calls2 == 2, "%s: no check after the stop (%d)", names[mi], calls2);
    select_result_free(&plain);
    select_result_free(&checked);
    select_result_free(&stopped);
  }
}

static void test_stop_contrast(void) {
  static RandomPool t;
  make_random_pool(&t, 200, 8, 1, 5, 1, 1, 1);
  const float *anchors[3] = {t.vec, t.vec + 8, t.vec + 16};
  double norms[3] = {vec_norm(t.vec, 8), vec_norm(t.vec + 8, 8),
                     vec_norm(t.vec + 16, 8)};
  ContrastPick out[20];
  size_t n_out = 0, skipped = 0;
  Counter c = {0, 1};
  CoreStop s = {count_check, &c, 1, 0, 0};
  core_stop_swap(&s);
  int rc = select_contrast(&t.p, NULL, anchors, norms, 3, 20, 0.9, 0, out,
                           &n_out, &skipped);
  core_stop_swap(NULL);
  CHECK(rc == SELECT_ESTOPPED, "contrast: stopped (rc %d)", rc);
  rc = select_contrast(&t.p, NULL, anchors, norms, 3, 20, 0.9, 0, out, &n_out,
                       &skipped);
  CHECK(rc == SELECT_OK && n_out == 20, "contrast: no check, 20 picks");
}

/* safety_sweep's pss lists (select_pss_top) stop at the check too, their
 * memory freed, and make the same lists while it says go on. */
static void test_stop_pss_top(void) {
  static RandomPool t;
  make_random_pool(&t, 300, 8, 5, 9, 1, 3, 2);
  size_t n_mem = t.p.cat_start[t.p.n_cat];
  double *score = ss_malloc_array(n_mem + 1, sizeof(double));
  double *proto_norm = ss_malloc_array(t.p.n_cat + 1, sizeof(double));
  SelectTop plain = {0}, checked = {0}, stopped = {0};
  int ok = score && proto_norm && select_pss_scores(&t.p, score, proto_norm) &&
           select_pss_top(&t.p, score, proto_norm, 10, &plain);
  CHECK(ok, "pss lists without a check");
  Counter c = {0, 0};
  CoreStop s = {count_check, &c, 1, 0, 0};
  core_stop_swap(&s);
  ok = select_pss_top(&t.p, score, proto_norm, 10, &checked);
  core_stop_swap(NULL);
  CHECK(ok && c.calls >= (int)t.p.n_cat &&
            memcmp(plain.cat_len, checked.cat_len, t.p.n_cat * sizeof(size_t)) == 0 &&
            memcmp(plain.by_cat, checked.by_cat, t.p.n_cat * plain.k * sizeof(SelectScored)) == 0,
        "pss lists: a check that says go on (%d calls) changes nothing", c.calls);
  Counter c2 = {0, 2};
  CoreStop s2 = {count_check, &c2, 1, 0, 0};
  core_stop_swap(&s2);
  ok = select_pss_top(&t.p, score, proto_norm, 10, &stopped);
  int was_stopped = core_stopped();
  core_stop_swap(NULL);
  CHECK(!ok && was_stopped && stopped.by_cat == NULL && c2.calls == 2,
        "pss lists: stopped at the second check, lists freed (%d calls)", c2.calls);
  select_top_free(&plain);
  select_top_free(&checked);
  ss_free(score);
  ss_free(proto_norm);
}

/* pss one category at a time (select_one_pass_cells = 0) gives the same
 * bits as the one pass, with and without the reader's sums. */
static void test_pss_by_category(void) {
  int same = 1;
  size_t saved = select_one_pass_cells;
  for (unsigned long long seed = 1; seed <= 30; seed++) {
    static RandomPool t;
    make_random_pool(&t, 50 + seed * 7, 1 + seed % 16, 1 + seed % 8, seed,
                     (int)(seed & 1), (int64_t)seed, 2);
    for (int fill = 0; fill < 2; fill++) {
      SelectResult one, by_cat;
      size_t bad = 0;
      select_one_pass_cells = saved;
      int a = select_run(&t.p, METHOD_PSS, 10 + seed, fill ? SELECT_FILL_NONE : SELECT_FILL_RANDOM,
                         seed, &one, &bad);
      select_one_pass_cells = 0;
      int b = select_run(&t.p, METHOD_PSS, 10 + seed, fill ? SELECT_FILL_NONE : SELECT_FILL_RANDOM,
                         seed, &by_cat, &bad);
      same &= a == b && (a != SELECT_OK || same_rows(&one, &by_cat));
      select_result_free(&one);
      select_result_free(&by_cat);
    }
  }
  select_one_pass_cells = saved;
  CHECK(same, "pss: one category at a time gives the one pass's rows, bit for bit");
}

static void test_json_strict(void) {
  char err[200];
  static const struct {
    const char *text;
    int rc;
  } nul[] = {
      {"{\"a\": \"x\\u0000y\"}", JSON_STRICT_INVALID},
      {"{\"a\\u0000\": 1}", JSON_STRICT_INVALID},
      {"{\"a\": \"x\\\\u0000y\"}", JSON_STRICT_OK}, /* an escaped backslash */
      {"{\"a\": \"\\\"\\u0000\"}", JSON_STRICT_INVALID},
      {"{\"a\": \"\\u00001\"}", JSON_STRICT_INVALID},
      {"{\"a\": \"\\u0001\"}", JSON_STRICT_OK},
      {"{\"a\": 1}", JSON_STRICT_OK},
  };
  for (size_t i = 0; i < sizeof nul / sizeof *nul; i++)
    CHECK(json_strict_no_nul(nul[i].text, strlen(nul[i].text), err, sizeof err) == nul[i].rc,
          "no_nul %s", nul[i].text);
  const char raw[] = "{\"a\": \"x\0y\"}";
  CHECK(json_strict_no_nul(raw, sizeof raw - 1, err, sizeof err) == JSON_STRICT_INVALID &&
            strstr(err, "NUL byte (at byte 8)") != NULL,
        "a raw NUL byte is found and placed: %s", err);
  cJSON *dup = cJSON_Parse("{\"b\": 1, \"seed\": 1, \"a\": 2, \"seed\": 3}");
  CHECK(json_strict_unique_keys(dup, "option", err, sizeof err) == JSON_STRICT_INVALID &&
            strcmp(err, "option \"seed\" is given twice; give each option once") == 0,
        "a duplicate key is named: %s", err);
  cJSON_Delete(dup);
  cJSON *ok = cJSON_Parse("{\"b\": 1, \"a\": {\"x\": 1, \"x\": 2}}");
  CHECK(json_strict_unique_keys(ok, "option", err, sizeof err) == JSON_STRICT_OK,
        "only the object's own keys count (the inner object is its owner's)");
  cJSON_Delete(ok);
  SampleOptions o;
  char oerr[OPTIONS_ERRLEN];
  const char *twice = "{\"seed\": 1, \"seed\": 2}";
  CHECK(options_parse(twice, strlen(twice), &o, oerr) == 2 &&
            strstr(oerr, "\"seed\" is given twice") != NULL,
        "options_parse refuses a key given twice: %s", oerr);
  const char *nul_cat = "{\"categories\": [\"a\\u0000b\"]}";
  CHECK(options_parse(nul_cat, strlen(nul_cat), &o, oerr) == 2 &&
            strstr(oerr, "NUL byte") != NULL,
        "options_parse refuses \\u0000 in a name: %s", oerr);
}

int main(void) {
  test_tick();
  test_stop_every_method();
  test_stop_contrast();
  test_stop_pss_top();
  test_pss_by_category();
  test_json_strict();
  return CHECK_SUMMARY();
}
