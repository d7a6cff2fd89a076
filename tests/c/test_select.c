/*
 * test_select.c — unit tests of the PRNG and the selection methods on
 * in-memory pools: pinned PRNG outputs, unbiased bounded draws, pss/cossim
 * against a brute-force sort on random pools, quotas of sss, ties by the
 * tie key.
 */
#include "check.h"
#include "group.h"
#include "prng.h"
#include "select.h"
#include "vector.h"
#include "random_pool.h"

#include <stdlib.h>
#include <string.h>

static void test_prng(void) {
  Prng g;
  prng_seed(&g, 0);
  /* Pinned to xoshiro256** seeded by splitmix64(0), as computed by an
   * independent Python implementation of the two published algorithms:
   * changing the generator changes every documented draw. */
  uint64_t first = prng_next(&g), second = prng_next(&g);
  CHECK(first == 0x99EC5F36CB75F2B4ULL && second == 0xBF6E1F784956452AULL,
        "xoshiro256** from seed 0: got %016llx %016llx",
        (unsigned long long)first, (unsigned long long)second);
  Prng h;
  prng_seed(&h, 0);
  CHECK(prng_next(&h) == first && prng_next(&h) == second,
        "same seed, same stream");
  prng_seed(&h, 1);
  CHECK(prng_next(&h) != first, "another seed, another stream");
  /* Bounded draws stay in range and are close to uniform. */
  int counts[7] = {0};
  prng_seed(&g, 99);
  for (int i = 0; i < 70000; i++) {
    uint64_t v = prng_below(&g, 7);
    if (v < 7) counts[v]++;
  }
  int ok = 1;
  for (int i = 0; i < 7; i++) ok &= counts[i] > 9400 && counts[i] < 10600;
  CHECK(ok, "prng_below(7) is roughly uniform");
  /* A draw is a permutation prefix without repeats. */
  size_t items[50];
  for (size_t i = 0; i < 50; i++) items[i] = i;
  prng_draw(&g, items, 50, 20);
  unsigned char seen[50] = {0};
  ok = 1;
  for (size_t i = 0; i < 50; i++) {
    ok &= items[i] < 50 && !seen[items[i]];
    if (items[i] < 50) seen[items[i]] = 1;
  }
  CHECK(ok, "prng_draw permutes");
}

/* The shared random pools (tests/c/random_pool.h), ids 1, 4, 7, ... */
typedef RandomPool TestPool;
#define make_pool(t, n, dim, n_cat, seed) \
  make_random_pool((t), (n), (dim), (n_cat), (seed), 0, 1, 3)

/* The tie key of contract section 7, computed with the test's own
 * splitmix64 (check.h): mix(x) is test_rand of state x. */
static unsigned long long expected_key(long long id, unsigned long long seed) {
  unsigned long long s = seed, mixed = test_rand(&s);
  unsigned long long x = (unsigned long long)id ^ mixed;
  return test_rand(&x);
}

typedef struct {
  double score;
  size_t i;
  unsigned long long key;
} Pair;
/* Descending score, then the smaller tie key, then the smaller index. */
static int cmp_pair(const void *a, const void *b) {
  const Pair *x = a, *y = b;
  if (x->score != y->score) return x->score > y->score ? -1 : 1;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

/* Brute-force pss: the same rules, written with full sorts. */
static size_t brute_pss(const SelectPool *p, size_t n, unsigned long long seed,
                        size_t *out) {
  size_t order[8], counts[8], c_used = 0, chosen = 0;
  unsigned char taken[400] = {0};
  for (size_t c = 0; c < p->n_cat; c++)
    if (p->cat_start[c + 1] > p->cat_start[c]) {
      counts[c_used] = p->cat_start[c + 1] - p->cat_start[c];
      order[c_used++] = c;
    }
  for (size_t a = 0; a < c_used; a++) /* insertion sort by (count, c) */
    for (size_t b = a + 1; b < c_used; b++)
      if (counts[b] < counts[a] || (counts[b] == counts[a] && order[b] < order[a])) {
        size_t t = counts[a]; counts[a] = counts[b]; counts[b] = t;
        t = order[a]; order[a] = order[b]; order[b] = t;
      }
  size_t k = c_used ? n / c_used : n;
  if (k < 1) k = 1;
  for (size_t oi = 0; oi < c_used && chosen < n; oi++) {
    size_t c = order[oi], m = p->cat_start[c + 1] - p->cat_start[c];
    float proto[16];
    select_prototype(p, p->cat_member + p->cat_start[c], m, proto);
    double pn = vec_norm(proto, p->dim);
    Pair pairs[400];
    size_t np = 0;
    for (size_t j = 0; j < m; j++) {
      size_t i = p->cat_member[p->cat_start[c] + j];
      if (taken[i]) continue;
      pairs[np++] = (Pair){vec_cosine_with_norms(p->vectors + p->vec_row[i] * p->dim,
                                                 proto, p->dim, p->norms[i], pn),
                           i, expected_key(p->ids[i], seed)};
    }
    qsort(pairs, np, sizeof *pairs, cmp_pair);
    for (size_t j = 0; j < np && j < k && chosen < n; j++) {
      taken[pairs[j].i] = 1;
      out[chosen++] = pairs[j].i;
    }
  }
  return chosen;
}

static void test_pss_against_brute_force(void) {
  static TestPool t;
  for (unsigned long long seed = 1; seed <= 40; seed++) {
    size_t n_ex = 20 + seed * 9, dim = 1 + seed % 16, n_cat = 1 + seed % 8;
    make_pool(&t, n_ex, dim, n_cat, seed);
    size_t budget = 1 + (seed * 7) % 30, want[400];
    size_t n_want = brute_pss(&t.p, budget, seed, want);
    SelectResult r;
    size_t bad;
    int rc = select_run(&t.p, METHOD_PSS, budget, SELECT_FILL_NONE, seed, &r, &bad);
    int same = rc == SELECT_OK && r.n_rows == n_want;
    for (size_t i = 0; same && i < n_want; i++) same = r.rows[i].example == want[i];
    CHECK(same, "pss seed %llu: %zu rows, brute force %zu", seed, r.n_rows, n_want);
    select_result_free(&r);
  }
}

/* A pool large enough that pss scores on two threads (select.c splits
 * the examples in halves above 2^22 member x dimension products): every
 * row's score equals the cosine to its category's prototype computed
 * here, the picks are each category's best by (score desc, index asc),
 * and prototype sums handed in (as the pool reader does) change nothing. */
static void test_pss_large_pool(void) {
  const size_t n = 12000, dim = 384, n_cat = 5, budget = 500;
  unsigned long long seed = 77;
  int64_t *ids = malloc(n * sizeof *ids);
  float *vec = malloc(n * dim * sizeof *vec);
  size_t *rows = malloc(n * sizeof *rows), *start = malloc((n_cat + 1) * sizeof *start);
  size_t *members = malloc(n * n_cat * sizeof *members);
  double *norms = malloc(n * sizeof *norms), *sums = calloc(n_cat * dim, sizeof *sums);
  float *protos = malloc(n_cat * dim * sizeof *protos);
  Pair *pairs = malloc(n * sizeof *pairs);
  unsigned char *taken = calloc(n, 1);
  if (!ids || !vec || !rows || !start || !members || !norms || !sums || !protos ||
      !pairs || !taken) {
    CHECK(0, "test_pss_large_pool: out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    ids[i] = (int64_t)(3 * i + 1);
    rows[i] = i;
    for (size_t d = 0; d < dim; d++) vec[i * dim + d] = (float)test_uniform(&seed);
    norms[i] = vec_norm(vec + i * dim, dim);
  }
  size_t m = 0;
  for (size_t c = 0; c < n_cat; c++) {
    start[c] = m;
    for (size_t i = 0; i < n; i++)
      if (test_rand(&seed) % (c + 2) == 0) members[m++] = i;
  }
  start[n_cat] = m;
  CHECK(m * dim >= ((size_t)1 << 22), "the pool is large enough for two threads");
  for (size_t c = 0; c < n_cat; c++) {
    for (size_t j = start[c]; j < start[c + 1]; j++)
      vec_axpy(sums + c * dim, 1.0, vec + members[j] * dim, dim);
    select_prototype(&(SelectPool){.n = n, .ids = ids, .dim = dim, .vectors = vec,
                                   .vec_row = rows, .norms = norms},
                     members + start[c], start[c + 1] - start[c], protos + c * dim);
  }
  SelectPool p = {.n = n, .ids = ids, .dim = dim, .vectors = vec, .vec_row = rows,
                  .norms = norms, .n_cat = n_cat, .cat_start = start,
                  .cat_member = members};
  SelectResult r, r2;
  size_t bad;
  int rc = select_run(&p, METHOD_PSS, budget, SELECT_FILL_NONE, 1, &r, &bad);
  CHECK(rc == SELECT_OK && r.n_rows == budget, "large pss: %zu rows", r.n_rows);
  /* brute force: categories by member count ascending, k each */
  size_t order[5] = {0, 1, 2, 3, 4};
  for (size_t a = 0; a < n_cat; a++)
    for (size_t b = a + 1; b < n_cat; b++) {
      size_t ca = start[order[a] + 1] - start[order[a]], cb = start[order[b] + 1] - start[order[b]];
      if (cb < ca || (cb == ca && order[b] < order[a])) {
        size_t t = order[a]; order[a] = order[b]; order[b] = t;
      }
    }
  size_t k = budget / n_cat, at = 0;
  int same = rc == SELECT_OK;
  for (size_t oi = 0; oi < n_cat && same; oi++) {
    size_t c = order[oi], np = 0;
    double pn = vec_norm(protos + c * dim, dim);
    for (size_t j = start[c]; j < start[c + 1]; j++) {
      size_t i = members[j];
      if (!taken[i])
        pairs[np++] = (Pair){vec_cosine_with_norms(vec + i * dim, protos + c * dim, dim,
                                                   norms[i], pn),
                             i, expected_key(ids[i], 1)};
    }
    qsort(pairs, np, sizeof *pairs, cmp_pair);
    for (size_t j = 0; j < k && same; j++, at++) {
      taken[pairs[j].i] = 1;
      same = r.rows[at].example == pairs[j].i && r.rows[at].score == pairs[j].score &&
             r.rows[at].category == (long)c;
    }
  }
  CHECK(same, "large pss: picks and scores equal brute force (first difference at row %zu)", at);
  p.cat_sums = sums;
  rc = select_run(&p, METHOD_PSS, budget, SELECT_FILL_NONE, 1, &r2, &bad);
  same = rc == SELECT_OK && r2.n_rows == r.n_rows;
  for (size_t j = 0; same && j < r.n_rows; j++)
    same = r2.rows[j].example == r.rows[j].example && r2.rows[j].score == r.rows[j].score;
  CHECK(same, "large pss: prototype sums handed in give the same rows and scores");
  select_result_free(&r);
  select_result_free(&r2);
done:
  free(ids); free(vec); free(rows); free(start); free(members);
  free(norms); free(sums); free(protos); free(pairs); free(taken);
}

static void test_cossim_scores_and_fill(void) {
  static TestPool t;
  make_pool(&t, 150, 8, 5, 77);
  SelectResult r;
  size_t bad;
  CHECK(select_run(&t.p, METHOD_COSSIM, 40, SELECT_FILL_SCORE, 0, &r, &bad) ==
            SELECT_OK && r.n_rows == 40,
        "cossim 40 rows");
  int ok = 1;
  size_t k = 40 / 5;
  for (size_t i = 0; i < r.n_rows; i++) {
    const SelectRow *row = &r.rows[i];
    const float *x = t.vec + t.vec_row[row->example] * 8;
    double want = vec_dot(x, t.ref + row->category * 8, 8) / t.norms[row->example];
    ok &= row->has_score && row->score == want;
    if (i < 5 * k) ok &= row->stage == STAGE_CATEGORY && row->category == (long)(i / k);
    if (i > 0 && i >= 5 * k) ok &= row->stage == STAGE_FILL && row->score <= r.rows[i - 1].score + (i == 5 * k);
  }
  CHECK(ok, "cossim: categories by name with k each, then fill by descending best score");
  select_result_free(&r);
}

static void test_sss_quotas(void) {
  static TestPool t;
  make_pool(&t, 300, 2, 6, 5);
  for (size_t budget = 1; budget <= 60; budget += 7) {
    SelectResult r;
    size_t bad;
    select_run(&t.p, METHOD_SSS, budget, SELECT_FILL_RANDOM, budget, &r, &bad);
    size_t per[8] = {0}, fill = 0;
    unsigned char seen[300] = {0};
    int dup = 0;
    for (size_t i = 0; i < r.n_rows; i++) {
      dup |= seen[r.rows[i].example];
      seen[r.rows[i].example] = 1;
      if (r.rows[i].stage == STAGE_FILL) fill++;
      else per[r.rows[i].category]++;
    }
    size_t k = budget / 6 ? budget / 6 : 1, cat_total = 0, ok = 1;
    for (size_t c = 0; c < 6; c++) {
      ok &= per[c] <= k;
      cat_total += per[c];
    }
    CHECK(r.n_rows == budget && !dup && ok && cat_total + fill == budget,
          "sss budget %zu: %zu rows, quotas <= %zu", budget, r.n_rows, k);
    select_result_free(&r);
  }
}

static void test_ties_by_tie_key(void) {
  /* Three identical vectors in one category: every score ties, so the
   * order is that of the tie keys, which the seed changes. */
  int64_t ids[3] = {-7, 20, INT64_MAX};
  float vec[6] = {1, 1, 1, 1, 1, 1};
  size_t rows[3] = {2, 0, 1}, start[2] = {0, 3}, members[3] = {0, 1, 2};
  double norms[3] = {1.4142135623730951, 1.4142135623730951, 1.4142135623730951};
  SelectPool p = {.n = 3, .ids = ids, .dim = 2, .vectors = vec, .vec_row = rows, .norms = norms,
                  .n_cat = 1, .cat_start = start, .cat_member = members};
  int orders_seen = 0;
  unsigned seen_mask = 0;
  for (unsigned long long seed = 0; seed < 8; seed++) {
    size_t want[3] = {0, 1, 2};
    for (int a = 0; a < 3; a++) /* sort by (key, id) */
      for (int b = a + 1; b < 3; b++) {
        unsigned long long ka = expected_key(ids[want[a]], seed),
                           kb = expected_key(ids[want[b]], seed);
        if (kb < ka) {
          size_t t = want[a];
          want[a] = want[b];
          want[b] = t;
        }
      }
    SelectResult r;
    size_t bad;
    select_run(&p, METHOD_PSS, 3, SELECT_FILL_NONE, seed, &r, &bad);
    CHECK(r.n_rows == 3 && r.rows[0].example == want[0] &&
              r.rows[1].example == want[1] && r.rows[2].example == want[2],
          "seed %llu: equal scores in tie-key order", seed);
    unsigned bit = 1u << (want[0] * 3 + want[1]);
    if (!(seen_mask & bit)) orders_seen++;
    seen_mask |= bit;
    select_result_free(&r);
  }
  CHECK(orders_seen >= 3, "the seed changes the order of ties (%d orders)",
        orders_seen);
}

/* group: six identical vectors in groups {0, 0, 1, 1, NULL, NULL}.  pss
 * n = 4 takes one of each named group and both NULL ones (each a group
 * of its own), in tie-key order; n = 6 is cut to the 4 groups by the
 * caller (group_count), so select_run gets at most 4 takeable. */
static void test_group(void) {
  int64_t ids[6] = {1, 2, 3, 4, 5, 6};
  float vec[12] = {1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0};
  size_t rows[6] = {0, 1, 2, 3, 4, 5}, start[2] = {0, 6};
  size_t members[6] = {0, 1, 2, 3, 4, 5};
  double norms[6] = {1, 1, 1, 1, 1, 1};
  uint32_t group[6] = {0, 0, 1, 1, GROUP_NONE, GROUP_NONE};
  SelectPool p = {.n = 6, .ids = ids, .dim = 2, .vectors = vec, .vec_row = rows, .norms = norms,
                  .n_cat = 1, .cat_start = start, .cat_member = members, .group = group,
                  .n_groups = 2};
  int nomem = 0;
  CHECK(group_count(group, 6, 2, &nomem) == 4 && !nomem, "4 groups");
  CHECK(group_count(NULL, 6, 0, &nomem) == 6, "no option: every example");
  for (unsigned long long seed = 0; seed < 6; seed++) {
    SelectResult r;
    size_t bad;
    for (int method = 0; method < 2; method++) {
      select_run(&p, method ? METHOD_PSS : METHOD_SSS, 4, SELECT_FILL_RANDOM,
                 seed, &r, &bad);
      int per[3] = {0, 0, 0};
      for (size_t j = 0; j < r.n_rows; j++) {
        uint32_t g = group[r.rows[j].example];
        per[g == GROUP_NONE ? 2 : g]++;
      }
      CHECK(r.n_rows == 4 && per[0] == 1 && per[1] == 1 && per[2] == 2,
            "%s seed %llu: one per named group, both NULL ones",
            method ? "pss" : "sss", seed);
      if (method) { /* pss: the first of group 0 by tie key */
        size_t first0 = expected_key(1, seed) < expected_key(2, seed) ? 0 : 1;
        int has = 0;
        for (size_t j = 0; j < r.n_rows; j++) has |= r.rows[j].example == first0;
        CHECK(has, "pss seed %llu: group 0 gives its smaller tie key", seed);
      }
      select_result_free(&r);
    }
  }
}

int main(void) {
  test_prng();
  test_pss_against_brute_force();
  test_pss_large_pool();
  test_cossim_scores_and_fill();
  test_sss_quotas();
  test_ties_by_tie_key();
  test_group();
  return CHECK_SUMMARY();
}
