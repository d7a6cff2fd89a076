/*
 * test_select_top.c — what safety_sweep computes once and shares must
 * change no row: on random pools with near-duplicate vectors, every
 * selection given the precomputed data (SelectTop lists of any length,
 * from select_cossim_top or from one pass over several views with
 * select_cossim_tops; pss member scores from select_pss_scores) returns
 * exactly the rows of the same selection without it — for many budgets,
 * seeds, fills, quotas and dedup, and with lists shorter than the budget,
 * which run out and go on over every example.  And the faster paths give
 * the plain ones' rows: the lists made row by row during the read, two
 * threads against one, the sparse random fill, pss's own lists; and ties
 * fall in the order of tie_keys.
 */
#include "alloc.h"
#include "check.h"
#include "scores.h"
#include "select.h"
#include "vector.h"
#include "random_pool.h"

#include <stdlib.h>
#include <string.h>

/* 1 when a and b hold the same rows, bit for bit. */
static int same_rows(const SelectResult *a, const SelectResult *b) {
  if (a->n_rows != b->n_rows || a->dedup_skipped != b->dedup_skipped) return 0;
  for (size_t i = 0; i < a->n_rows; i++) {
    const SelectRow *x = &a->rows[i], *y = &b->rows[i];
    if (x->example != y->example || x->category != y->category ||
        x->has_score != y->has_score || x->stage != y->stage ||
        memcmp(&x->score, &y->score, sizeof x->score) != 0)
      return 0;
  }
  return 1;
}

/* Runs method on plain and on shared (the same pool with precomputed
 * data) and says whether the rows agree. */
static int agree(const SelectPool *plain, const SelectPool *shared,
                 SelectMethod m, size_t n, SelectFill fill, uint64_t seed,
                 const SelectExtra *x) {
  SelectResult a, b;
  size_t bad_a = 0, bad_b = 0;
  int ra = select_run_extra(plain, m, n, fill, seed, x, &a, &bad_a);
  int rb = select_run_extra(shared, m, n, fill, seed, x, &b, &bad_b);
  int ok = ra == rb && (ra != SELECT_OK || same_rows(&a, &b));
  if (ra == SELECT_OK) select_result_free(&a);
  if (rb == SELECT_OK) select_result_free(&b);
  return ok;
}

/* cossim with lists of length k against cossim without lists. */
static void test_cossim_lists(void) {
  static RandomPool t;
  static const size_t ns[] = {1, 3, 10, 37, 120, 400};
  static const size_t ks[] = {1, 5, 40, 400};
  int ok = 1, cases = 0;
  for (unsigned long long pool_seed = 1; pool_seed <= 6; pool_seed++) {
    make_random_pool(&t, 250 + 20 * pool_seed, 12, 5, pool_seed, 1, 2, 5);
    for (size_t ki = 0; ki < sizeof ks / sizeof *ks; ki++) {
      SelectTop top;
      CHECK(select_cossim_top(&t.p, ks[ki], &top), "lists of %zu", ks[ki]);
      SelectPool shared = t.p;
      shared.cossim_top = &top;
      for (size_t ni = 0; ni < sizeof ns / sizeof *ns; ni++)
        for (uint64_t seed = 0; seed < 2; seed++) {
          SelectExtra uniform = {0}, dedup = {.dedup = 0.999},
                      prop = {.quota = SELECT_QUOTA_PROPORTIONAL};
          ok &= agree(&t.p, &shared, METHOD_COSSIM, ns[ni], SELECT_FILL_SCORE, seed, &uniform);
          ok &= agree(&t.p, &shared, METHOD_COSSIM, ns[ni], SELECT_FILL_RANDOM, seed, &uniform);
          ok &= agree(&t.p, &shared, METHOD_COSSIM, ns[ni], SELECT_FILL_NONE, seed, &uniform);
          ok &= agree(&t.p, &shared, METHOD_COSSIM, ns[ni], SELECT_FILL_SCORE, seed, &dedup);
          ok &= agree(&t.p, &shared, METHOD_COSSIM, ns[ni], SELECT_FILL_SCORE, seed, &prop);
          cases += 5;
        }
      select_top_free(&top);
    }
  }
  CHECK(ok, "cossim with SelectTop lists (1 to 400 long) = without, %d cases", cases);
}

/* One pass for several views = one list per view made on its own pool. */
static void test_lists_of_views(void) {
  static RandomPool t, sub;
  make_random_pool(&t, 350, 10, 6, 42, 1, 1, 3);
  /* View 0: the whole pool; view 1: every example with i % 3 != 1. */
  size_t *pos = malloc(t.p.n * sizeof *pos), n1 = 0;
  sub = t;
  for (size_t i = 0; i < t.p.n; i++) {
    pos[i] = i % 3 != 1 ? n1 : SIZE_MAX;
    if (i % 3 != 1) {
      sub.ids[n1] = t.ids[i];
      sub.vec_row[n1] = t.vec_row[i];
      sub.norms[n1] = t.norms[i];
      n1++;
    }
  }
  sub.p.n = n1;
  sub.p.ids = sub.ids;
  sub.p.vec_row = sub.vec_row;
  sub.p.norms = sub.norms;
  sub.p.vectors = t.vec;
  sub.p.ref_means = t.ref;
  const size_t *maps[2] = {NULL, pos};
  size_t view_n[2] = {t.p.n, n1};
  SelectTop tops[2], alone;
  CHECK(select_cossim_tops(&t.p, 60, 2, maps, view_n, tops), "two views in one pass");
  CHECK(select_cossim_top(&sub.p, 60, &alone), "the second view alone");
  int same = tops[1].best_len == alone.best_len &&
             memcmp(tops[1].best, alone.best, alone.best_len * sizeof *alone.best) == 0 &&
             memcmp(tops[1].best_cat, alone.best_cat, alone.best_len * sizeof(size_t)) == 0;
  for (size_t c = 0; c < alone.n_cat; c++)
    same &= tops[1].cat_len[c] == alone.cat_len[c] &&
            memcmp(tops[1].by_cat + c * tops[1].k, alone.by_cat + c * alone.k,
                   alone.cat_len[c] * sizeof *alone.by_cat) == 0;
  CHECK(same, "a view's lists from the shared pass = the lists of its own pool");
  SelectPool shared = sub.p;
  shared.cossim_top = &tops[1];
  int ok = 1;
  for (size_t n = 1; n <= 200; n += 13)
    ok &= agree(&sub.p, &shared, METHOD_COSSIM, n, SELECT_FILL_SCORE, n, NULL);
  CHECK(ok, "cossim on the view with the shared pass's lists = without lists");
  select_top_free(&tops[0]);
  select_top_free(&tops[1]);
  select_top_free(&alone);
  free(pos);
}

/* Makes example i an exact copy of example i % distinct (equal scores). */
static void make_copies(RandomPool *t, size_t distinct) {
  for (size_t i = distinct; i < t->p.n; i++) {
    memcpy(t->vec + t->vec_row[i] * t->p.dim,
           t->vec + t->vec_row[i % distinct] * t->p.dim, t->p.dim * sizeof(float));
    t->norms[i] = t->norms[i % distinct];
  }
}

/* 1 when two views' lists are the same, entry for entry. */
static int same_lists(const SelectTop *a, const SelectTop *b) {
  int same = a->k == b->k && a->n_cat == b->n_cat && a->best_len == b->best_len &&
             memcmp(a->best, b->best, a->best_len * sizeof *a->best) == 0 &&
             memcmp(a->best_cat, b->best_cat, a->best_len * sizeof(size_t)) == 0;
  for (size_t c = 0; same && c < a->n_cat; c++)
    same = a->cat_len[c] == b->cat_len[c] &&
           memcmp(a->by_cat + c * a->k, b->by_cat + c * b->k,
                  a->cat_len[c] * sizeof *a->by_cat) == 0;
  return same;
}

/* Lists offered row by row in id order as the pool reader's worker does
 * (select_top_begin, select_top_offer with the read's index,
 * select_top_finish) = the lists of select_cossim_tops' pass after the
 * read: two views (every example; i % 3 != 1), exact copies (ties at
 * every boundary), room k below, at and above a view's size (finish
 * shrinks the room to the view's).  Fails when ties rank by another
 * index than the view's, when the room is not the view's, or when
 * best_cat is not each entry's best category. */
static void test_lists_offered_in_order(void) {
  static RandomPool t;
  static const size_t ks[] = {1, 7, 60, 233, 234, 400};
  int ok = 1, cases = 0;
  for (unsigned long long pool_seed = 51; pool_seed <= 54; pool_seed++) {
    make_random_pool(&t, 350, 10, 6, pool_seed, 1, 3, 2);
    make_copies(&t, 9 + pool_seed);
    size_t pos[RANDOM_POOL_MAX_N], n1 = 0;
    for (size_t i = 0; i < t.p.n; i++) pos[i] = i % 3 != 1 ? n1++ : SIZE_MAX;
    const size_t *maps[2] = {NULL, pos};
    size_t view_n[2] = {t.p.n, n1};
    double *means = vec_widen(t.p.ref_means, t.p.n_cat * t.p.dim), row[RANDOM_POOL_MAX_CAT];
    for (size_t ki = 0; ki < sizeof ks / sizeof *ks; ki++) {
      SelectTop after[2], offered[2];
      CHECK(select_cossim_tops(&t.p, ks[ki], 2, maps, view_n, after), "the pass");
      CHECK(select_top_begin(offered, 2, t.p.n_cat, ks[ki]), "begin");
      for (size_t i = 0; i < t.p.n; i++) {
        score_cossim(select_vec(&t.p, i), t.p.norms[i], means, t.p.n_cat, t.p.dim, row);
        select_top_offer(&offered[0], row, i);
        if (pos[i] != SIZE_MAX) select_top_offer(&offered[1], row, i);
      }
      for (int v = 0; v < 2; v++) {
        CHECK(select_top_finish(&offered[v], &t.p, maps[v], view_n[v]), "finish");
        ok &= same_lists(&offered[v], &after[v]);
        select_top_free(&offered[v]);
        select_top_free(&after[v]);
        cases++;
      }
    }
    ss_free(means);
  }
  CHECK(ok, "lists offered row by row = the pass after the read, %d cases", cases);
}

/* Two threads = one (select_thread_work 0 against SIZE_MAX): the pss
 * sums (categories split in two sets), member scores (examples split) and
 * the cossim scores are the same bits, on random pools with exact copies,
 * for 1 to 8 categories (a split with one side empty included).  Fails
 * when a category's sum is added by both threads or out of id order. */
static void test_two_threads(void) {
  static RandomPool t;
  int same = 1, cases = 0;
  size_t saved = select_thread_work;
  for (unsigned long long pool_seed = 61; pool_seed <= 68; pool_seed++) {
    make_random_pool(&t, 300 + pool_seed, 12, 1 + pool_seed % 8, pool_seed, 1, 5, 3);
    make_copies(&t, 40);
    size_t n_mem = t.p.cat_start[t.p.n_cat];
    double *s1 = malloc((n_mem + 1) * sizeof *s1), *s2 = malloc((n_mem + 1) * sizeof *s2);
    double n1[RANDOM_POOL_MAX_CAT], n2[RANDOM_POOL_MAX_CAT], *c1 = NULL, *c2 = NULL;
    select_thread_work = SIZE_MAX;
    int ok = select_pss_scores(&t.p, s1, n1) && select_cossim_scores(&t.p, &c1);
    select_thread_work = 0;
    ok = ok && select_pss_scores(&t.p, s2, n2) && select_cossim_scores(&t.p, &c2);
    same &= ok && memcmp(s1, s2, n_mem * sizeof *s1) == 0 &&
            memcmp(n1, n2, t.p.n_cat * sizeof *n1) == 0 &&
            memcmp(c1, c2, t.p.n * t.p.n_cat * sizeof *c1) == 0;
    for (size_t n = 1; n <= 300; n += 37) {
      SelectResult a, b;
      size_t bad = 0;
      select_thread_work = SIZE_MAX;
      int ra = select_run(&t.p, METHOD_PSS, n, SELECT_FILL_RANDOM, n, &a, &bad);
      select_thread_work = 0;
      int rb = select_run(&t.p, METHOD_PSS, n, SELECT_FILL_RANDOM, n, &b, &bad);
      same &= ra == rb && (ra != SELECT_OK || same_rows(&a, &b));
      if (ra == SELECT_OK) select_result_free(&a);
      if (rb == SELECT_OK) select_result_free(&b);
      cases++;
    }
    free(s1);
    free(s2);
    ss_free(c1);
    ss_free(c2);
  }
  select_thread_work = saved;
  CHECK(same, "pss sums and scores, cossim scores: two threads = one, bit for bit (%d selections)", cases);
}

/* The sparse random fill (select_fill_sparse) = the list written out:
 * random, sss and pss with a random fill, budgets from 1 to past an
 * eighth of the pool (where the sparse draw gives way), many seeds, ids
 * not contiguous.  Fails when a position's example or a draw differs. */
static void test_sparse_fill(void) {
  static RandomPool t;
  static const SelectMethod ms[] = {METHOD_RANDOM, METHOD_SSS, METHOD_PSS};
  int same = 1, cases = 0;
  for (unsigned long long pool_seed = 71; pool_seed <= 73; pool_seed++) {
    make_random_pool(&t, 390, 8, 5, pool_seed, 1, 11, 7);
    for (size_t mi = 0; mi < sizeof ms / sizeof *ms; mi++)
      for (size_t n = 1; n <= 60; n += n < 10 ? 1 : 7)
        for (uint64_t seed = 0; seed < 4; seed++) {
          SelectResult a, b;
          size_t bad = 0;
          select_fill_sparse = 0;
          int ra = select_run(&t.p, ms[mi], n, SELECT_FILL_RANDOM, seed, &a, &bad);
          select_fill_sparse = 1;
          int rb = select_run(&t.p, ms[mi], n, SELECT_FILL_RANDOM, seed, &b, &bad);
          same &= ra == rb && (ra != SELECT_OK || same_rows(&a, &b));
          if (ra == SELECT_OK) select_result_free(&a);
          if (rb == SELECT_OK) select_result_free(&b);
          cases++;
        }
  }
  CHECK(same, "the sparse random fill = the list written out, draw for draw (%d selections)", cases);
}

/* pss with member scores computed beforehand (select_pss_scores), alone
 * and with its lists (select_pss_top, SelectPool.pss_top) = pss computing
 * them: pools of exact copies (ties at every list boundary), lists
 * shorter and longer than the categories, 4 seeds, uniform and
 * proportional quotas, both fills, dedup (where the lists are passed by).
 * Fails when a short list's tied tail is taken as complete, or a
 * category's list is taken as complete before it holds every member. */
static void test_pss_lists(void) {
  static RandomPool t;
  static const size_t ks[] = {0, 1, 3, 8, 30, 100, 400}; /* 0: no lists */
  int ok = 1, cases = 0;
  for (unsigned long long pool_seed = 81; pool_seed <= 83; pool_seed++) {
    make_random_pool(&t, 260, 8, 5, pool_seed, 1, 2, 3);
    make_copies(&t, 11);
    size_t n_mem = t.p.cat_start[t.p.n_cat];
    double *score = malloc((n_mem ? n_mem : 1) * sizeof *score);
    double proto_norm[RANDOM_POOL_MAX_CAT];
    CHECK(select_pss_scores(&t.p, score, proto_norm), "pss scores");
    for (size_t ki = 0; ki < sizeof ks / sizeof *ks; ki++) {
      SelectTop top = {0};
      CHECK(ks[ki] == 0 || select_pss_top(&t.p, score, proto_norm, ks[ki], &top),
            "pss lists of %zu", ks[ki]);
      SelectPool shared = t.p;
      shared.pss_score = score;
      shared.pss_proto_norm = proto_norm;
      shared.pss_top = ks[ki] ? &top : NULL;
      for (size_t n = 1; n <= 260; n += n < 12 ? 1 : 29)
        for (uint64_t seed = 0; seed < 4; seed++) {
          SelectExtra uniform = {0}, dedup = {.dedup = 0.999},
                      prop = {.quota = SELECT_QUOTA_PROPORTIONAL};
          ok &= agree(&t.p, &shared, METHOD_PSS, n, SELECT_FILL_RANDOM, seed, &uniform);
          ok &= agree(&t.p, &shared, METHOD_PSS, n, SELECT_FILL_NONE, seed, &uniform);
          ok &= agree(&t.p, &shared, METHOD_PSS, n, SELECT_FILL_RANDOM, seed, &prop);
          ok &= agree(&t.p, &shared, METHOD_PSS, n, SELECT_FILL_RANDOM, seed, &dedup);
          cases += 4;
        }
      select_top_free(&top);
    }
    free(score);
  }
  CHECK(ok, "pss with given scores, and lists 1 to 400 long = computing them, %d cases", cases);
}

/* Ties at every list boundary: only 7 distinct vectors (exact copies,
 * so equal scores), lists shorter than a tie, 8 seeds.  The lists rank
 * ties by example index for every seed, a selection by its seed's tie
 * key: cossim with them must still equal cossim without.  Fails when the
 * tied tail of a short list is taken as if complete, or when list
 * entries are taken in list order instead of re-ranked by tie key. */
static void test_tied_lists(void) {
  static RandomPool t;
  static const size_t ns[] = {1, 2, 5, 13, 40, 100};
  static const size_t ks[] = {1, 3, 8, 30, 100};
  int ok = 1, cases = 0;
  for (unsigned long long pool_seed = 21; pool_seed <= 23; pool_seed++) {
    make_random_pool(&t, 210, 8, 4, pool_seed, 0, 3, 2);
    make_copies(&t, 7);
    for (size_t ki = 0; ki < sizeof ks / sizeof *ks; ki++) {
      SelectTop top;
      CHECK(select_cossim_top(&t.p, ks[ki], &top), "tied lists of %zu", ks[ki]);
      SelectPool shared = t.p;
      shared.cossim_top = &top;
      for (size_t ni = 0; ni < sizeof ns / sizeof *ns; ni++)
        for (uint64_t seed = 0; seed < 8; seed++) {
          SelectExtra uniform = {0};
          ok &= agree(&t.p, &shared, METHOD_COSSIM, ns[ni], SELECT_FILL_SCORE, seed, &uniform);
          ok &= agree(&t.p, &shared, METHOD_COSSIM, ns[ni], SELECT_FILL_NONE, seed, &uniform);
          cases += 2;
        }
      select_top_free(&top);
    }
  }
  CHECK(ok, "cossim with tied lists = without, %d cases", cases);
}

/* Ties follow the keys of tie_keys (tie.h), which a selection makes one
 * at a time where a score can enter its heap: on pools of exact copies
 * (every score tied nine ways), no example left out of a category's stage
 * ranks before one it picked with the same score, by (tie key, index).
 * Fails when the keys a selection makes differ from tie_keys, or when a
 * score equal to the worst kept is turned away before its key is made. */
static void test_ties_follow_tie_keys(void) {
  static RandomPool t;
  static const SelectMethod ms[] = {METHOD_PSS, METHOD_COSSIM};
  const size_t distinct = 9;
  int ok = 1, cases = 0;
  for (unsigned long long pool_seed = 31; pool_seed <= 32; pool_seed++) {
    make_random_pool(&t, 240, 8, 5, pool_seed, 1, 5, 2);
    make_copies(&t, distinct);
    const SelectPool *p = &t.p;
    unsigned char *chosen = ss_malloc(p->n);
    CHECK(chosen != NULL, "chosen flags");
    for (size_t mi = 0; mi < sizeof ms / sizeof *ms; mi++)
      for (size_t n = 1; n <= 240; n += 47)
        for (uint64_t seed = 0; seed < 3; seed++) {
          uint64_t *key = tie_keys(p->ids, p->n, seed);
          SelectResult r;
          size_t bad = 0;
          CHECK(key != NULL && select_run_extra(p, ms[mi], n, SELECT_FILL_RANDOM, seed,
                                                NULL, &r, &bad) == SELECT_OK,
                "selection with ties");
          memset(chosen, 0, p->n);
          for (size_t k = 0; k < r.n_rows; k++) chosen[r.rows[k].example] = 1;
          for (size_t k = 0; k < r.n_rows; k++) {
            const SelectRow *row = &r.rows[k];
            if (row->stage != STAGE_CATEGORY) continue;
            size_t i = row->example, c = (size_t)row->category;
            for (size_t j = 0; j < p->n; j++) {
              if (chosen[j] || j % distinct != i % distinct) continue;
              int member = ms[mi] == METHOD_COSSIM;
              for (size_t m = p->cat_start[c]; !member && m < p->cat_start[c + 1]; m++)
                member = p->cat_member[m] == j;
              if (member && (key[j] < key[i] || (key[j] == key[i] && j < i))) ok = 0;
            }
          }
          select_result_free(&r);
          ss_free(key);
          cases++;
        }
    ss_free(chosen);
  }
  CHECK(ok, "ties picked by tie_keys' order, %d cases", cases);
}

int main(void) {
  test_cossim_lists();
  test_tied_lists();
  test_lists_of_views();
  test_lists_offered_in_order();
  test_two_threads();
  test_sparse_fill();
  test_pss_lists();
  test_ties_follow_tie_keys();
  return CHECK_SUMMARY();
}
