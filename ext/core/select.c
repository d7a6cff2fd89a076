/*
 * select.c — random, sss, pss and cossim selection (contract §7).
 *
 * Shared shape of the category methods: an order of categories, a quota k
 * per category, a per-category pick of not-yet-chosen members, a stop as
 * soon as n are chosen, then a fill.  Picks by score use a bounded heap
 * (O(m log k) per category), ordered by score descending, then smaller id
 * (= smaller example index, since examples are in id order).
 *
 * Issue 7 adds, through select_run_extra: dedup (admit() below), per-
 * category targets other than the uniform k (plan_targets), facility
 * location (run_fl, over facility.c) and the contrast picks
 * (select_contrast).  With a zeroed SelectExtra every path below does
 * exactly what the contract says, draw for draw.
 */
#include "select.h"

#include "alloc.h"
#include "facility.h"
#include "prng.h"
#include "vector.h"
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Working state of one selection. */
typedef struct {
  const SelectPool *pool;
  size_t n;              /* target */
  unsigned char *chosen; /* [pool->n]: 1 chosen, 2 skipped by dedup */
  SelectResult *out;
  Prng prng;
  size_t *scratch;       /* [pool->n] example indices */
  const SelectExtra *extra; /* never NULL; zeroed = the contract */
} Selection;

static const float *vec_of(const SelectPool *p, size_t i) {
  return select_vec(p, i);
}

/* dedup: 1 when example i may be chosen.  Otherwise it is marked skipped
 * (the chosen set only grows, so it stays a near-duplicate and is never
 * considered again), counted, and 0 is returned. */
static int admit(Selection *s, size_t i) {
  double threshold = s->extra->dedup;
  if (threshold <= 0) return 1;
  const SelectPool *p = s->pool;
  for (size_t r = 0; r < s->out->n_rows; r++) {
    size_t e = s->out->rows[r].example;
    if (vec_cosine_with_norms(vec_of(p, i), vec_of(p, e), p->dim, p->norms[i],
                              p->norms[e]) >= threshold) {
      s->chosen[i] = 2;
      s->out->dedup_skipped++;
      return 0;
    }
  }
  return 1;
}

static void add_row(Selection *s, size_t example, long category, double score,
                    int has_score, int stage) {
  SelectRow *r = &s->out->rows[s->out->n_rows++];
  r->example = example;
  r->category = category;
  r->score = score;
  r->has_score = has_score;
  r->stage = stage;
  s->chosen[example] = 1;
}

/* ---- bounded heap of (score, example): the k best, worst on top ---- */

typedef struct {
  double score;
  size_t example;
} Scored;

/* a ranks before b: higher score, then smaller example index. */
static int ranks_before(const Scored *a, const Scored *b) {
  if (a->score != b->score) return a->score > b->score;
  return a->example < b->example;
}

static void heap_sift_down(Scored *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, worst = i;
    /* The top holds the element that ranks last. */
    if (l < n && ranks_before(&h[worst], &h[l])) worst = l;
    if (r < n && ranks_before(&h[worst], &h[r])) worst = r;
    if (worst == i) return;
    Scored t = h[i];
    h[i] = h[worst];
    h[worst] = t;
    i = worst;
  }
}

static void heap_push(Scored *h, size_t *n, size_t cap, Scored x) {
  if (*n < cap) {
    size_t i = (*n)++;
    h[i] = x;
    while (i > 0) {
      size_t p = (i - 1) / 2;
      if (!ranks_before(&h[p], &h[i])) break;
      Scored t = h[p];
      h[p] = h[i];
      h[i] = t;
      i = p;
    }
  } else if (cap > 0 && ranks_before(&x, &h[0])) {
    h[0] = x;
    heap_sift_down(h, *n, 0);
  }
}

static int cmp_scored(const void *a, const void *b) {
  const Scored *x = a, *y = b;
  return ranks_before(x, y) ? -1 : ranks_before(y, x) ? 1 : 0;
}

/* Leaves the heap's elements sorted best first. */
static void heap_sort_best_first(Scored *h, size_t n) {
  qsort(h, n, sizeof *h, cmp_scored);
}

/* ---- category order and quotas ---- */

typedef struct {
  size_t count;
  size_t cat;
} CatCount;

static int cmp_catcount(const void *a, const void *b) {
  const CatCount *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? -1 : 1;
  return x->cat < y->cat ? -1 : x->cat > y->cat;
}

/* Categories with members, by member count ascending then name (index). */
static size_t pool_category_order(const SelectPool *p, CatCount *order) {
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

static size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/*
 * The categories' targets, for the categories in order[0..c_used): the
 * uniform k, or the proportional or explicit quotas of issue 7 (select.h).
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

/*
 * Walks the plan: calls pick(s, category, take, ctx) for each category in
 * order until n are chosen; pick returns how many it added.  Uniform:
 * take = min(k, n - chosen), exactly the contract.  Proportional and
 * explicit: a category's shortfall is added to the next visited one's
 * target, and explicit skips categories whose count is 0.  pick returns
 * a SELECT_* code through *rc on failure (and then the walk stops).
 */
typedef size_t (*PickFn)(Selection *s, size_t cat, size_t take, void *ctx,
                         int *rc);

static int walk_plan(Selection *s, const CatCount *order, size_t c_used,
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

int select_proportional_quotas(const size_t *sizes, size_t c, size_t n,
                               size_t *out) {
  if (c == 0) return 1;
  size_t base = n >= c ? 1 : 0, share = n - base * c, given = 0, total = 0;
  for (size_t i = 0; i < c; i++) total += sizes[i]; /* memberships: fits */
  if (total == 0) total = 1;
  /* Remainders (< total, so they fit in size_t); the products need 128
   * bits.  SIZE_MAX marks a category that already got its extra unit. */
  size_t *rem = ss_malloc_array(c, sizeof *rem);
  if (rem == NULL) return 0;
  for (size_t i = 0; i < c; i++) {
    unsigned __int128 part = (unsigned __int128)share * sizes[i];
    out[i] = base + (size_t)(part / total);
    given += (size_t)(part / total);
    rem[i] = (size_t)(part % total);
  }
  /* share - given < c units left: one each to the largest remainders,
   * earlier categories first on ties. */
  for (size_t left = share - given; left > 0; left--) {
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < c; i++)
      if (rem[i] != SIZE_MAX && (best == SIZE_MAX || rem[i] > rem[best]))
        best = i;
    out[best]++;
    rem[best] = SIZE_MAX;
  }
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
    if (!admit(s, items[i])) continue;
    add_row(s, items[i], category, 0.0, 0, stage);
    got++;
  }
  return got;
}

/* Fills up to n with a uniform draw from the unchosen examples. */
static void fill_random(Selection *s) {
  size_t m = 0;
  for (size_t i = 0; i < s->pool->n; i++)
    if (!s->chosen[i]) s->scratch[m++] = i;
  draw_rows(s, s->scratch, m, s->n - s->out->n_rows, -1, STAGE_FILL);
}

/* Adds the best of heap[0..h) (sorted best first) that pass dedup, up to
 * take of them.  Returns how many it added. */
static size_t take_best(Selection *s, const Scored *heap, size_t h,
                        size_t take, long category, int stage) {
  size_t got = 0;
  for (size_t j = 0; j < h && got < take; j++)
    if (admit(s, heap[j].example)) {
      add_row(s, heap[j].example, category, heap[j].score, 1, stage);
      got++;
    }
  return got;
}

/* ---- methods ---- */

/* sss pick: take of category c's unchosen members uniformly at random; at
 * most take left: all of them, in id order. */
static size_t pick_sss(Selection *s, size_t c, size_t take, void *ctx,
                       int *rc) {
  (void)ctx;
  (void)rc;
  const SelectPool *p = s->pool;
  size_t m = 0, got = 0;
  for (size_t j = p->cat_start[c]; j < p->cat_start[c + 1]; j++)
    if (!s->chosen[p->cat_member[j]]) s->scratch[m++] = p->cat_member[j];
  if (m > take) return draw_rows(s, s->scratch, m, take, (long)c, STAGE_CATEGORY);
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

int select_prototype(const SelectPool *p, const size_t *members, size_t m,
                     float *proto) {
  if (m == 0) { /* no members: the zero vector, which callers skip */
    memset(proto, 0, p->dim * sizeof(float));
    return 1;
  }
  double *sum = ss_malloc_array(p->dim, sizeof(double));
  if (sum == NULL) return 0;
  memset(sum, 0, p->dim * sizeof(double));
  for (size_t j = 0; j < m; j++) vec_axpy(sum, 1.0, vec_of(p, members[j]), p->dim);
  vec_mean_of_sum(proto, sum, m, p->dim);
  ss_free(sum);
  return 1;
}

/* Inverse membership: for example i, the memberships j of cat_member
 * that name it are pos[first[i] .. first[i+1]), and cat_of[j] is j's
 * category.  The arrays are freed by members_free. */
typedef struct {
  size_t *first, *pos, *cat_of;
} Members;

static void members_free(Members *m) {
  ss_free(m->first);
  ss_free(m->pos);
  ss_free(m->cat_of);
}

static int members_build(const SelectPool *p, Members *m) {
  size_t n_mem = p->cat_start[p->n_cat];
  m->first = ss_malloc_array(p->n + 1, sizeof(size_t));
  m->pos = ss_malloc_array(n_mem, sizeof(size_t));
  m->cat_of = ss_malloc_array(n_mem, sizeof(size_t));
  if (!m->first || !m->pos || !m->cat_of) return 0;
  memset(m->first, 0, (p->n + 1) * sizeof(size_t));
  for (size_t c = 0; c < p->n_cat; c++)
    for (size_t j = p->cat_start[c]; j < p->cat_start[c + 1]; j++) {
      m->first[p->cat_member[j] + 1]++;
      m->cat_of[j] = c;
    }
  for (size_t i = 0; i < p->n; i++) m->first[i + 1] += m->first[i];
  for (size_t j = 0; j < n_mem; j++) m->pos[m->first[p->cat_member[j]]++] = j;
  for (size_t i = p->n; i > 0; i--) m->first[i] = m->first[i - 1];
  m->first[0] = 0;
  return 1;
}

/* Scores of the examples i0..i1-1: for each of its memberships j, the
 * cosine to j's category prototype.  The examples are visited in id order,
 * which is the order the arena was filled in (one sequential read); every
 * score depends only on its own example and prototype, so spans can run on
 * any thread. */
typedef struct {
  const SelectPool *p;
  const Members *m;
  const float *protos;
  const double *proto_norm;
  double *score;
  size_t i0, i1;
} ScoreSpan;

static void *score_span(void *arg) {
  const ScoreSpan *sp = arg;
  const SelectPool *p = sp->p;
  for (size_t i = sp->i0; i < sp->i1; i++)
    for (size_t q = sp->m->first[i]; q < sp->m->first[i + 1]; q++) {
      size_t j = sp->m->pos[q], c = sp->m->cat_of[j];
      if (sp->proto_norm[c] > 0.0)
        sp->score[j] = vec_cosine_with_norms(vec_of(p, i), sp->protos + c * p->dim,
                                             p->dim, p->norms[i], sp->proto_norm[c]);
    }
  return NULL;
}

/* Work (memberships x dimensions) above which the scores are computed on
 * two threads: below it starting a thread costs more than it saves. */
#define SCORE_THREAD_WORK ((size_t)1 << 22)

/* Computes every membership's score, on two threads (halves of the
 * examples) when there is enough work and a thread can be started; the
 * same scores either way. */
static void score_members(const SelectPool *p, const Members *m,
                          const float *protos, const double *proto_norm,
                          double *score) {
  ScoreSpan all = {p, m, protos, proto_norm, score, 0, p->n};
  size_t n_mem = p->cat_start[p->n_cat];
  if (p->n < 2 || n_mem * p->dim < SCORE_THREAD_WORK) {
    score_span(&all);
    return;
  }
  ScoreSpan first = all, second = all;
  first.i1 = second.i0 = p->n / 2;
  pthread_t t;
  if (pthread_create(&t, NULL, score_span, &second) != 0) {
    score_span(&all);
    return;
  }
  score_span(&first);
  pthread_join(t, NULL);
}

/*
 * Member scores of every category: score[j] = cosine of example
 * cat_member[j] to its category's prototype.  The prototype sums come from
 * the pool reader (p->cat_sums, added as the rows arrived in id order) or
 * are added here in one pass over the examples in id order instead of one
 * strided pass per category; each category adds its members in id order,
 * so the sums are the same bits either way.  proto_norm[c] is 0 for a
 * category whose prototype is the zero vector (its scores are then left
 * unset).
 */
static int pss_member_scores(const SelectPool *p, double *score,
                             double *proto_norm) {
  int ok = 0;
  Members m = {0};
  double *sums = NULL;
  float *protos = NULL;
  size_t cells;
  if (!ss_mul_size(p->n_cat ? p->n_cat : 1, p->dim, &cells)) goto cleanup;
  protos = ss_malloc_array(cells, sizeof(float));
  if (protos == NULL || !members_build(p, &m)) goto cleanup;
  const double *sum_of = p->cat_sums;
  if (sum_of == NULL) {
    if ((sums = ss_malloc_array(cells, sizeof(double))) == NULL) goto cleanup;
    memset(sums, 0, cells * sizeof(double));
    for (size_t i = 0; i < p->n; i++)
      for (size_t q = m.first[i]; q < m.first[i + 1]; q++)
        vec_axpy(sums + m.cat_of[m.pos[q]] * p->dim, 1.0, vec_of(p, i), p->dim);
    sum_of = sums;
  }
  for (size_t c = 0; c < p->n_cat; c++) {
    size_t k = p->cat_start[c + 1] - p->cat_start[c];
    if (k > 0)
      vec_mean_of_sum(protos + c * p->dim, sum_of + c * p->dim, k, p->dim);
    else
      memset(protos + c * p->dim, 0, p->dim * sizeof(float));
    proto_norm[c] = vec_norm(protos + c * p->dim, p->dim);
  }
  score_members(p, &m, protos, proto_norm, score);
  ok = 1;
cleanup:
  members_free(&m);
  ss_free(sums);
  ss_free(protos);
  return ok;
}

/* Working data of the pss picks. */
typedef struct {
  const double *score, *proto_norm;
  Scored *heap; /* room for n, or for pool->n with dedup */
  size_t *bad_category;
} PssPick;

/* pss pick: the take unchosen members of c with the highest cosine to the
 * prototype (with dedup: the best that are not near-duplicates). */
static size_t pick_pss(Selection *s, size_t c, size_t take, void *ctx,
                       int *rc) {
  PssPick *pp = ctx;
  const SelectPool *p = s->pool;
  if (pp->proto_norm[c] == 0.0) {
    *pp->bad_category = c;
    *rc = SELECT_EZERO_PROTOTYPE;
    return 0;
  }
  size_t h = 0, cap = s->extra->dedup > 0 ? p->n : take;
  for (size_t j = p->cat_start[c]; j < p->cat_start[c + 1]; j++)
    if (!s->chosen[p->cat_member[j]])
      heap_push(pp->heap, &h, cap, (Scored){pp->score[j], p->cat_member[j]});
  heap_sort_best_first(pp->heap, h);
  return take_best(s, pp->heap, h, take, (long)c, STAGE_CATEGORY);
}

static int run_pss(Selection *s, size_t *bad_category) {
  const SelectPool *p = s->pool;
  int rc = SELECT_ENOMEM;
  size_t n_mem = p->cat_start[p->n_cat];
  CatCount *order = ss_malloc_array(p->n_cat, sizeof *order);
  double *score = ss_malloc_array(n_mem, sizeof(double));
  double *proto_norm = ss_malloc_array(p->n_cat, sizeof(double));
  Scored *heap = ss_malloc_array(s->extra->dedup > 0 ? p->n : s->n, sizeof *heap);
  if (order == NULL || score == NULL || proto_norm == NULL || heap == NULL)
    goto cleanup;
  if (!pss_member_scores(p, score, proto_norm)) goto cleanup;
  size_t c_used = pool_category_order(p, order);
  PssPick pp = {score, proto_norm, heap, bad_category};
  rc = walk_plan(s, order, c_used, pick_pss, &pp);
cleanup:
  ss_free(order);
  ss_free(score);
  ss_free(proto_norm);
  ss_free(heap);
  return rc;
}

/* Example i's row of cossim scores (one per category): from the pool
 * reader, which scored them on arrival (flat == NULL), or row i of the
 * matrix cossim_scores computed. */
static const double *cossim_row(const SelectPool *p, const double *flat,
                                size_t i) {
  return flat != NULL ? flat + i * p->n_cat : p->score_ptr[i];
}

/* cossim scores: cossim_row(p, *flat, i)[c] = x̂_i · mean of unit refs of
 * c.  When the pool reader already scored them (p->score_ptr) *flat stays
 * NULL; otherwise they are computed into *flat (free it).  0 when out of
 * memory. */
static int cossim_scores(const SelectPool *p, double **flat) {
  size_t cells;
  *flat = NULL;
  if (p->score_ptr != NULL) return 1;
  size_t mean_cells;
  if (!ss_mul_size(p->n, p->n_cat, &cells) ||
      !ss_mul_size(p->n_cat, p->dim, &mean_cells))
    return 0;
  double *scores = ss_malloc_array(cells, sizeof(double));
  double *means = vec_widen(p->ref_means, mean_cells);
  if (scores == NULL || means == NULL) {
    ss_free(scores);
    ss_free(means);
    return 0;
  }
  for (size_t i = 0; i < p->n; i++) {
    double *row = scores + i * p->n_cat;
    vec_dot_many_bytes(vec_of(p, i), means, p->n_cat, p->dim, row);
    for (size_t c = 0; c < p->n_cat; c++) row[c] /= p->norms[i];
  }
  ss_free(means);
  *flat = scores;
  return 1;
}

/* The category of example i's best cossim score (first by name on ties). */
static size_t best_category(const SelectPool *p, const double *scores,
                            size_t i) {
  const double *row = cossim_row(p, scores, i);
  size_t best_c = 0;
  for (size_t c = 1; c < p->n_cat; c++)
    if (row[c] > row[best_c]) best_c = c;
  return best_c;
}

/* Working data of the cossim picks. */
typedef struct {
  const double *scores;
  Scored *heap; /* room for n, or for pool->n with dedup */
} CossimPick;

/* cossim pick: the take unchosen examples with the highest score for c. */
static size_t pick_cossim(Selection *s, size_t c, size_t take, void *ctx,
                          int *rc) {
  (void)rc;
  CossimPick *cp = ctx;
  const SelectPool *p = s->pool;
  size_t h = 0, cap = s->extra->dedup > 0 ? p->n : take;
  for (size_t i = 0; i < p->n; i++)
    if (!s->chosen[i])
      heap_push(cp->heap, &h, cap, (Scored){cossim_row(p, cp->scores, i)[c], i});
  heap_sort_best_first(cp->heap, h);
  return take_best(s, cp->heap, h, take, (long)c, STAGE_CATEGORY);
}

static int run_cossim(Selection *s, SelectFill fill) {
  const SelectPool *p = s->pool;
  int rc = SELECT_ENOMEM;
  double *scores = NULL;
  int have_scores = cossim_scores(p, &scores);
  CatCount *order = ss_malloc_array(p->n_cat, sizeof *order);
  Scored *heap = ss_malloc_array(s->extra->dedup > 0 ? p->n : s->n, sizeof *heap);
  if (!have_scores || order == NULL || heap == NULL) goto cleanup;
  /* Categories by name.  Proportional quotas weigh a category by the
   * eligible examples whose best score is for it, and skip those that are
   * nobody's best. */
  size_t c_used = 0;
  if (s->extra->quota == SELECT_QUOTA_PROPORTIONAL) {
    for (size_t c = 0; c < p->n_cat; c++) order[c] = (CatCount){0, c};
    for (size_t i = 0; i < p->n; i++) order[best_category(p, scores, i)].count++;
    for (size_t c = 0; c < p->n_cat; c++)
      if (order[c].count > 0) order[c_used++] = order[c];
  } else {
    for (size_t c = 0; c < p->n_cat; c++) order[c_used++] = (CatCount){0, c};
  }
  CossimPick cp = {scores, heap};
  rc = walk_plan(s, order, c_used, pick_cossim, &cp);
  if (rc != SELECT_OK) goto cleanup;
  if (fill == SELECT_FILL_SCORE && s->out->n_rows < s->n) {
    /* The rest by their best score over all categories (first by name on
     * ties), reporting that category. */
    size_t take = s->n - s->out->n_rows, h = 0;
    size_t cap = s->extra->dedup > 0 ? p->n : take;
    for (size_t i = 0; i < p->n; i++)
      if (!s->chosen[i])
        heap_push(heap, &h, cap,
                  (Scored){cossim_row(p, scores, i)[best_category(p, scores, i)], i});
    heap_sort_best_first(heap, h);
    for (size_t j = 0, got = 0; j < h && got < take; j++)
      if (admit(s, heap[j].example)) {
        add_row(s, heap[j].example,
                (long)best_category(p, scores, heap[j].example), heap[j].score,
                1, STAGE_FILL);
        got++;
      }
  }
cleanup:
  ss_free(scores);
  ss_free(order);
  ss_free(heap);
  return rc;
}

/* Working data of the facility-location picks. */
typedef struct {
  Selection *s;
  size_t c;              /* category */
  const size_t *members; /* its members (example indices) */
  size_t m;
} FlPick;

/* facility_greedy's callback: the member may be picked unless dedup says
 * it is a near-duplicate.  score = the gain per member of the category. */
static int fl_try_pick(void *ctx, size_t member, double gain) {
  FlPick *fp = ctx;
  size_t i = fp->members[member];
  if (!admit(fp->s, i)) return 0;
  add_row(fp->s, i, (long)fp->c, gain / (double)fp->m, 1, STAGE_CATEGORY);
  return 1;
}

/* fl pick: greedy facility location over category c (facility.h); members
 * chosen earlier (for other categories) count as already selected. */
static size_t pick_fl(Selection *s, size_t c, size_t take, void *ctx,
                      int *rc) {
  (void)ctx;
  const SelectPool *p = s->pool;
  const size_t *members = p->cat_member + p->cat_start[c];
  size_t m = p->cat_start[c + 1] - p->cat_start[c], got = 0;
  const float **vec = ss_malloc_array(m, sizeof *vec);
  double *norm = ss_malloc_array(m, sizeof *norm);
  unsigned char *state = ss_malloc(m ? m : 1);
  if (vec == NULL || norm == NULL || state == NULL) {
    *rc = SELECT_ENOMEM;
    goto cleanup;
  }
  for (size_t j = 0; j < m; j++) {
    vec[j] = vec_of(p, members[j]);
    norm[j] = p->norms[members[j]];
    state[j] = s->chosen[members[j]] == 1   ? FL_SELECTED
               : s->chosen[members[j]] == 2 ? FL_EXCLUDED
                                            : FL_CANDIDATE;
  }
  FlProblem fl = {m, p->dim, vec, norm, state, 0};
  FlPick fp = {s, c, members, m};
  if (facility_greedy(&fl, take, fl_try_pick, &fp, &got, NULL) != 0)
    *rc = SELECT_ENOMEM;
cleanup:
  ss_free(vec);
  ss_free(norm);
  ss_free(state);
  return got;
}

static int run_fl(Selection *s, size_t *bad_category) {
  const SelectPool *p = s->pool;
  CatCount *order = ss_malloc_array(p->n_cat, sizeof *order);
  if (order == NULL) return SELECT_ENOMEM;
  size_t c_used = pool_category_order(p, order);
  int rc = SELECT_OK;
  /* Refuse before any work: the largest category is checked first. */
  if (c_used > 0 && order[c_used - 1].count > FL_MAX_MEMBERS) {
    *bad_category = order[c_used - 1].cat;
    rc = SELECT_ETOO_LARGE;
  } else {
    rc = walk_plan(s, order, c_used, pick_fl, NULL);
  }
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
  out->rows = ss_malloc_array(n, sizeof(SelectRow));
  if (s.chosen == NULL || s.scratch == NULL || out->rows == NULL) goto cleanup;
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
cleanup:
  ss_free(s.chosen);
  ss_free(s.scratch);
  if (rc != SELECT_OK) select_result_free(out);
  return rc;
}

void select_result_free(SelectResult *r) {
  ss_free(r->rows);
  r->rows = NULL;
  r->n_rows = 0;
  r->dedup_skipped = 0;
}

/* ---- contrast (issue 7) ---- */

/* One anchor's candidates, best first: the len best of those not excluded
 * (at most cap of them); pos is where the walk stands. */
typedef struct {
  Scored *list;
  size_t len, cap, pos;
} AnchorList;

/* (Re)computes an anchor's list with room for cap candidates. */
static int anchor_list_fill(AnchorList *a, const SelectPool *cand,
                            const unsigned char *excluded, const float *vec,
                            double norm, size_t cap) {
  Scored *list = ss_malloc_array(cap, sizeof *list);
  if (list == NULL) return 0;
  ss_free(a->list);
  a->list = list;
  a->cap = cap;
  a->len = a->pos = 0;
  for (size_t i = 0; i < cand->n; i++)
    if (!excluded || !excluded[i])
      heap_push(list, &a->len, cap,
                (Scored){vec_cosine_with_norms(vec, vec_of(cand, i), cand->dim,
                                               norm, cand->norms[i]),
                         i});
  heap_sort_best_first(list, a->len);
  return 1;
}

int select_contrast(const SelectPool *cand, const unsigned char *excluded,
                    const float *const *anchor_vec, const double *anchor_norm,
                    size_t n_anchor, size_t k, double dedup, ContrastPick *out,
                    size_t *n_out, size_t *skipped) {
  int rc = SELECT_ENOMEM;
  size_t used = min_size(n_anchor, k); /* later anchors never get a turn */
  AnchorList *lists = ss_malloc_array(used, sizeof *lists);
  unsigned char *taken = ss_malloc(cand->n ? cand->n : 1); /* 1 picked, 2 skipped */
  *n_out = 0;
  *skipped = 0;
  if (lists == NULL || taken == NULL) goto cleanup;
  memset(lists, 0, (used ? used : 1) * sizeof *lists);
  memset(taken, 0, cand->n ? cand->n : 1);
  size_t first_cap = (used ? (k + used - 1) / used : 0) + 8;
  for (size_t turn = 0; *n_out < k && used > 0; turn++) {
    size_t a = turn % used;
    AnchorList *l = &lists[a];
    if (l->list == NULL &&
        !anchor_list_fill(l, cand, excluded, anchor_vec[a], anchor_norm[a],
                          first_cap))
      goto cleanup;
    size_t pick = SIZE_MAX;
    while (pick == SIZE_MAX) {
      for (; l->pos < l->len && pick == SIZE_MAX; l->pos++) {
        size_t i = l->list[l->pos].example;
        if (taken[i]) continue;
        int near = 0;
        for (size_t r = 0; dedup > 0 && r < *n_out && !near; r++) {
          size_t e = out[r].candidate;
          near = vec_cosine_with_norms(vec_of(cand, i), vec_of(cand, e),
                                       cand->dim, cand->norms[i],
                                       cand->norms[e]) >= dedup;
        }
        if (near) {
          taken[i] = 2;
          ++*skipped;
        } else {
          pick = l->pos;
        }
      }
      if (pick != SIZE_MAX || l->len < l->cap) break; /* found, or none left */
      /* The list ran out but more candidates exist: a longer one. */
      if (!anchor_list_fill(l, cand, excluded, anchor_vec[a], anchor_norm[a],
                            l->cap * 2))
        goto cleanup;
    }
    if (pick == SIZE_MAX) break; /* every candidate is taken */
    size_t i = l->list[pick].example;
    taken[i] = 1;
    out[(*n_out)++] = (ContrastPick){i, a, l->list[pick].score};
  }
  rc = SELECT_OK;
cleanup:
  for (size_t a = 0; lists && a < used; a++) ss_free(lists[a].list);
  ss_free(lists);
  ss_free(taken);
  return rc;
}
