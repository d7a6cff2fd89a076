/*
 * select.c — the shape of the category methods, random and sss (§7).
 *
 * Shared shape of the category methods: an order of categories, a quota k
 * per category, a per-category pick of not-yet-chosen members, a stop as
 * soon as n are chosen, then a fill.  Picks by score use a bounded heap
 * (O(m log k) per category), ordered by score descending, then smaller id
 * (= smaller example index, since examples are in id order).
 *
 * Beyond the paper, select_run_extra adds: dedup (admit() below), per-
 * category targets other than the uniform k (plan_targets), facility
 * location (run_fl, select_score.c) and the contrast picks (contrast.c).
 * With a zeroed SelectExtra every path does exactly what the contract
 * says, draw for draw.  The files of the selection: select_impl.h.
 */
#include "select_impl.h"

#include "alloc.h"
#include "tie.h"
#include "vector.h"
#include <stdlib.h>
#include <string.h>


/* dedup: 1 when example i may be chosen.  Otherwise it is marked skipped
 * (the chosen set only grows, so it stays a near-duplicate and is never
 * considered again), counted, and 0 is returned. */
int admit(Selection *s, size_t i) {
  double threshold = s->extra->dedup;
  if (threshold <= 0) return 1;
  const SelectPool *p = s->pool;
  if (core_tick((uint64_t)s->out->n_rows * p->dim + 1)) return 0;
  for (size_t r = 0; r < s->out->n_rows; r++) {
    size_t e = s->out->rows[r].example;
    if (vec_cosine_with_norms(select_vec(p, i), select_vec(p, e), p->dim, p->norms[i],
                              p->norms[e]) >= threshold) {
      s->chosen[i] = PICK_SKIPPED;
      s->out->dedup_skipped++;
      return 0;
    }
  }
  return 1;
}

void add_row(Selection *s, size_t example, long category, double score,
                    int has_score, int stage) {
  SelectRow *r = &s->out->rows[s->out->n_rows++];
  r->example = example;
  r->category = category;
  r->score = score;
  r->has_score = has_score;
  r->stage = stage;
  s->chosen[example] = PICK_CHOSEN;
  group_block(&s->groups, s->pool->group, example, s->chosen, PICK_GROUPED);
}

static int cmp_scored(const void *a, const void *b) {
  const Scored *x = a, *y = b;
  return ranks_before(x, y) ? -1 : ranks_before(y, x) ? 1 : 0;
}

void heap_sort_best_first(Scored *h, size_t n) {
  qsort(h, n, sizeof *h, cmp_scored);
}

uint64_t *tie_keys(const int64_t *ids, size_t n, uint64_t seed) {
  uint64_t *key = ss_malloc_array(n ? n : 1, sizeof *key);
  if (key == NULL) return NULL;
  uint64_t mixed = tie_seed(seed);
  for (size_t i = 0; i < n; i++) key[i] = tie_key(ids[i], mixed);
  return key;
}

/* ---- category order and quotas ---- */

static int cmp_catcount(const void *a, const void *b) {
  const CatCount *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? -1 : 1;
  return x->cat < y->cat ? -1 : x->cat > y->cat;
}

size_t pool_category_order(const SelectPool *p, CatCount *order) {
  size_t c_used = 0;
  for (size_t c = 0; c < p->n_cat; c++) {
    size_t m = p->cat_start[c + 1] - p->cat_start[c];
    if (m > 0) order[c_used++] = (CatCount){m, c};
  }
  qsort(order, c_used, sizeof *order, cmp_catcount);
  return c_used;
}

static size_t quota(size_t n, size_t n_categories) {
  size_t k = n_categories ? n / n_categories : n;
  return k < 1 ? 1 : k;
}

/*
 * The categories' targets, for the categories in order[0..c_used): the
 * uniform k, or the proportional or explicit quotas (select.h).
 * Returns 0 when out of memory.
 */
static int plan_targets(const Selection *s, const CatCount *order,
                        size_t c_used, size_t *want) {
  const SelectExtra *x = s->extra;
  if (x->quota == SELECT_QUOTA_EXPLICIT) {
    for (size_t oi = 0; oi < c_used; oi++)
      want[oi] = x->quota_counts[order[oi].cat];
    return 1;
  }
  if (x->quota == SELECT_QUOTA_PROPORTIONAL) {
    if (c_used == 0) return 1;
    size_t *sizes = ss_malloc_array(c_used, sizeof(size_t));
    if (sizes == NULL) return 0;
    for (size_t oi = 0; oi < c_used; oi++) sizes[oi] = order[oi].count;
    int ok = select_proportional_quotas(sizes, c_used, s->n, want);
    ss_free(sizes);
    return ok;
  }
  size_t k = quota(s->n, c_used);
  for (size_t oi = 0; oi < c_used; oi++) want[oi] = k;
  return 1;
}

int walk_plan(Selection *s, const CatCount *order, size_t c_used,
                     PickFn pick, void *ctx) {
  int rc = SELECT_OK;
  size_t *want = ss_malloc_array(c_used, sizeof(size_t));
  if (want == NULL || !plan_targets(s, order, c_used, want)) {
    ss_free(want);
    return SELECT_ENOMEM;
  }
  SelectQuota mode = s->extra->quota;
  size_t carry = 0;
  for (size_t oi = 0; oi < c_used && s->out->n_rows < s->n; oi++) {
    if (mode == SELECT_QUOTA_EXPLICIT && want[oi] == 0) continue;
    size_t target = want[oi] + carry;
    size_t take = min_size(target, s->n - s->out->n_rows);
    size_t got = pick(s, order[oi].cat, take, ctx, &rc);
    if (rc != SELECT_OK) break;
    carry = mode == SELECT_QUOTA_UNIFORM ? 0 : target - got;
  }
  ss_free(want);
  return rc;
}

/* A category's remainder in the largest-remainder share. */
typedef struct {
  size_t rem, cat;
} Remainder;

/* Larger remainder first, then the earlier category. */
static int cmp_remainder(const void *a, const void *b) {
  const Remainder *x = a, *y = b;
  if (x->rem != y->rem) return x->rem > y->rem ? -1 : 1;
  return x->cat < y->cat ? -1 : x->cat > y->cat;
}

int select_proportional_quotas(const size_t *sizes, size_t c, size_t n,
                               size_t *out) {
  if (c == 0) return 1;
  size_t base = n >= c ? 1 : 0, share = n - base * c, given = 0, total = 0;
  for (size_t i = 0; i < c; i++) total += sizes[i]; /* memberships: fits */
  if (total == 0) total = 1;
  /* Remainders (< total, so they fit in size_t); the products need 128
   * bits. */
  Remainder *rem = ss_malloc_array(c, sizeof *rem);
  if (rem == NULL) return 0;
  for (size_t i = 0; i < c; i++) {
    unsigned __int128 part = (unsigned __int128)share * sizes[i];
    out[i] = base + (size_t)(part / total);
    given += (size_t)(part / total);
    rem[i] = (Remainder){(size_t)(part % total), i};
  }
  /* share - given < c units left: one each to the largest remainders,
   * earlier categories first on ties (sorted once: a pass per unit was
   * quadratic in the categories, minutes for 200,000 of them). */
  qsort(rem, c, sizeof *rem, cmp_remainder);
  for (size_t left = share - given, j = 0; j < left; j++) out[rem[j].cat]++;
  ss_free(rem);
  return 1;
}

/* ---- fills ---- */

/*
 * Adds up to want of items[0..m) as rows in the order of a partial
 * Fisher–Yates shuffle (prng_draw one step at a time), skipping
 * near-duplicates (dedup): a skipped draw is replaced by the next item of
 * the same shuffle.  Without dedup this is prng_draw(items, m, want).
 * Returns how many it added.
 */
static size_t draw_rows(Selection *s, size_t *items, size_t m, size_t want,
                        long category, int stage) {
  size_t got = 0;
  for (size_t i = 0; i < m && got < want; i++) {
    prng_draw(&s->prng, items + i, m - i, 1);
    if (s->chosen[items[i]] || !admit(s, items[i])) continue;
    add_row(s, items[i], category, 0.0, 0, stage);
    got++;
  }
  return got;
}

static int cmp_size(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* select.h: the sparse draw of fill_random is on (tests turn it off). */
int select_fill_sparse = 1;

/* Position r of the fill's list (the unchosen examples in index order):
 * taken[0..c) are the chosen ones, sorted; the answer is r plus the
 * number of them before it, found by bisection on taken[t] - t. */
static size_t unchosen_at(const size_t *taken, size_t c, size_t r) {
  size_t lo = 0, hi = c;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (taken[mid] - mid <= r) lo = mid + 1; else hi = mid;
  }
  return r + lo;
}

/* A slot of the sparse list: the positions the shuffle has written. */
static size_t *slot_of(size_t *keys, size_t mask, size_t pos) {
  size_t h = (pos * 0x9E3779B97F4A7C15u) & mask;
  while (keys[2 * h] != SIZE_MAX && keys[2 * h] != pos) h = (h + 1) & mask;
  return &keys[2 * h];
}

/*
 * fill_random's draw of want examples when they are few against the m
 * unchosen (and every draw is taken: no dedup, no group): the same
 * Fisher-Yates steps over the same list, draw for draw, but the list is
 * never written out; each position holds the unchosen example of that
 * rank (unchosen_at) until the shuffle writes it, and the written ones
 * are kept in a small table.  0 when out of memory (nothing drawn).
 */
static int fill_sparse(Selection *s, size_t m, size_t want) {
  size_t c = s->out->n_rows, cap = 4;
  while (cap < 2 * want + 2) cap *= 2;
  size_t *taken = ss_malloc_array(c ? c : 1, sizeof(size_t));
  size_t *keys = ss_malloc_array(cap, 2 * sizeof(size_t));
  if (taken == NULL || keys == NULL) {
    ss_free(taken);
    ss_free(keys);
    return 0;
  }
  for (size_t r = 0; r < c; r++) taken[r] = s->out->rows[r].example;
  qsort(taken, c, sizeof *taken, cmp_size);
  memset(keys, 0xff, cap * 2 * sizeof(size_t));
  for (size_t i = 0; i < want; i++) {
    size_t j = i + (size_t)prng_below(&s->prng, (uint64_t)(m - i));
    size_t *si = slot_of(keys, cap - 1, i);
    size_t vi = *si == i ? si[1] : unchosen_at(taken, c, i);
    size_t *sj = slot_of(keys, cap - 1, j);
    size_t vj = *sj == j ? sj[1] : unchosen_at(taken, c, j);
    sj[0] = j; /* position j now holds what position i held */
    sj[1] = vi;
    add_row(s, vj, -1, 0.0, 0, STAGE_FILL);
  }
  ss_free(taken);
  ss_free(keys);
  return 1;
}

/* Fills up to n with a uniform draw from the unchosen examples. */
static void fill_random(Selection *s) {
  size_t m = 0, want = s->n - s->out->n_rows;
  if (select_fill_sparse && !picks_may_skip(s) && want <= (s->pool->n - s->out->n_rows) / 8 &&
      fill_sparse(s, s->pool->n - s->out->n_rows, want))
    return;
  for (size_t i = 0; i < s->pool->n; i++)
    if (!s->chosen[i]) s->scratch[m++] = i;
  draw_rows(s, s->scratch, m, want, -1, STAGE_FILL);
}

/* Adds the best of heap[0..h) (sorted best first) that pass dedup, up to
 * take of them.  Returns how many it added. */
size_t take_best(Selection *s, const Scored *heap, size_t h,
                        size_t take, long category, int stage) {
  size_t got = 0;
  for (size_t j = 0; j < h && got < take; j++)
    if (!s->chosen[heap[j].example] && admit(s, heap[j].example)) {
      add_row(s, heap[j].example, category, heap[j].score, 1, stage);
      got++;
    }
  return got;
}

/* ---- methods ---- */

/* sss pick: take of category c's unchosen members uniformly at random; at
 * most take left: all of them, in id order (with group, drawn all the
 * same, so that the seed, not the id, decides which of a group's members
 * is taken). */
static size_t pick_sss(Selection *s, size_t c, size_t take, void *ctx,
                       int *rc) {
  (void)ctx;
  (void)rc;
  const SelectPool *p = s->pool;
  size_t m = 0, got = 0;
  for (size_t j = p->cat_start[c]; j < p->cat_start[c + 1]; j++)
    if (!s->chosen[p->cat_member[j]]) s->scratch[m++] = p->cat_member[j];
  if (m > take || p->group != NULL)
    return draw_rows(s, s->scratch, m, take, (long)c, STAGE_CATEGORY);
  for (size_t i = 0; i < m; i++)
    if (admit(s, s->scratch[i])) {
      add_row(s, s->scratch[i], (long)c, 0.0, 0, STAGE_CATEGORY);
      got++;
    }
  return got;
}

static int run_sss(Selection *s) {
  const SelectPool *p = s->pool;
  CatCount *order = ss_malloc_array(p->n_cat, sizeof *order);
  if (order == NULL) return SELECT_ENOMEM;
  size_t c_used = pool_category_order(p, order);
  int rc = walk_plan(s, order, c_used, pick_sss, NULL);
  ss_free(order);
  return rc;
}

int select_run(const SelectPool *pool, SelectMethod method, size_t n,
               SelectFill fill, uint64_t seed, SelectResult *out,
               size_t *bad_category) {
  return select_run_extra(pool, method, n, fill, seed, NULL, out,
                          bad_category);
}

int select_run_extra(const SelectPool *pool, SelectMethod method, size_t n,
                     SelectFill fill, uint64_t seed, const SelectExtra *extra,
                     SelectResult *out, size_t *bad_category) {
  static const SelectExtra contract = {0};
  Selection s = {0};
  int rc = SELECT_ENOMEM;
  out->rows = NULL;
  out->n_rows = 0;
  out->dedup_skipped = 0;
  if (n > pool->n) n = pool->n;
  s.pool = pool;
  s.n = n;
  s.out = out;
  s.extra = extra ? extra : &contract;
  prng_seed(&s.prng, seed);
  s.chosen = ss_malloc(pool->n ? pool->n : 1);
  s.scratch = ss_malloc_array(pool->n, sizeof(size_t));
  s.tie_mixed = tie_seed(seed);
  out->rows = ss_malloc_array(n, sizeof(SelectRow));
  if (s.chosen == NULL || s.scratch == NULL || out->rows == NULL ||
      !group_index_build(pool->group, pool->n, pool->n_groups, &s.groups))
    goto cleanup;
  memset(s.chosen, 0, pool->n ? pool->n : 1);
  switch (method) {
    case METHOD_RANDOM:
      rc = SELECT_OK;
      break;
    case METHOD_SSS:
      rc = run_sss(&s);
      break;
    case METHOD_PSS:
      rc = run_pss(&s, bad_category);
      break;
    case METHOD_COSSIM:
      rc = run_cossim(&s, fill);
      break;
    case METHOD_FL:
      rc = run_fl(&s, bad_category);
      break;
  }
  if (rc == SELECT_OK && s.out->n_rows < s.n &&
      (method == METHOD_RANDOM || fill == SELECT_FILL_RANDOM))
    fill_random(&s);
  /* Stopped: whatever was chosen is dropped (the caller reports why). */
  if (core_stopped()) rc = SELECT_ESTOPPED;
cleanup:
  ss_free(s.chosen);
  ss_free(s.scratch);
  group_index_free(&s.groups);
  if (rc != SELECT_OK) select_result_free(out);
  return rc;
}

void select_result_free(SelectResult *r) {
  ss_free(r->rows);
  r->rows = NULL;
  r->n_rows = 0;
  r->dedup_skipped = 0;
}
