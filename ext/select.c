/*
 * select.c — random, sss, pss and cossim selection (contract §7).
 *
 * Shared shape of the category methods: an order of categories, a quota k
 * per category, a per-category pick of not-yet-chosen members, a stop as
 * soon as n are chosen, then a fill.  Picks by score use a bounded heap
 * (O(m log k) per category), ordered by score descending, then smaller id
 * (= smaller example index, since examples are in id order).
 */
#include "select.h"

#include "alloc.h"
#include "prng.h"
#include "vector.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Working state of one selection. */
typedef struct {
  const SelectPool *pool;
  size_t n;              /* target */
  unsigned char *chosen; /* [pool->n] */
  SelectResult *out;
  Prng prng;
  size_t *scratch;       /* [pool->n] example indices */
} Selection;

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

/* ---- fills ---- */

/* Fills up to n with a uniform draw from the unchosen examples. */
static void fill_random(Selection *s) {
  size_t m = 0;
  for (size_t i = 0; i < s->pool->n; i++)
    if (!s->chosen[i]) s->scratch[m++] = i;
  size_t want = min_size(s->n - s->out->n_rows, m);
  prng_draw(&s->prng, s->scratch, m, want);
  for (size_t i = 0; i < want; i++)
    add_row(s, s->scratch[i], -1, 0.0, 0, STAGE_FILL);
}

/* ---- methods ---- */

static int run_sss(Selection *s) {
  const SelectPool *p = s->pool;
  int rc = SELECT_ENOMEM;
  CatCount *order = ss_malloc_array(p->n_cat ? p->n_cat : 1, sizeof *order);
  if (order == NULL) return SELECT_ENOMEM;
  size_t c_used = pool_category_order(p, order);
  size_t k = quota(s->n, c_used);
  for (size_t oi = 0; oi < c_used && s->out->n_rows < s->n; oi++) {
    size_t c = order[oi].cat, m = 0;
    for (size_t j = p->cat_start[c]; j < p->cat_start[c + 1]; j++)
      if (!s->chosen[p->cat_member[j]]) s->scratch[m++] = p->cat_member[j];
    size_t take = min_size(k, s->n - s->out->n_rows);
    if (m > take)
      prng_draw(&s->prng, s->scratch, m, take);
    else
      take = m; /* at most k left: all of them, in id order */
    for (size_t i = 0; i < take; i++)
      add_row(s, s->scratch[i], (long)c, 0.0, 0, STAGE_CATEGORY);
  }
  rc = SELECT_OK;
  ss_free(order);
  return rc;
}

static const float *vec_of(const SelectPool *p, size_t i) {
  return p->vectors + p->vec_row[i] * p->dim;
}

int select_prototype(const SelectPool *p, const size_t *members, size_t m,
                     float *proto) {
  double *sum = ss_malloc_array(p->dim, sizeof(double));
  if (sum == NULL) return 0;
  memset(sum, 0, p->dim * sizeof(double));
  for (size_t j = 0; j < m; j++) vec_axpy(sum, 1.0, vec_of(p, members[j]), p->dim);
  for (size_t d = 0; d < p->dim; d++) proto[d] = (float)(sum[d] / (double)m);
  ss_free(sum);
  return 1;
}

/*
 * Member scores of every category: score[j] = cosine of example
 * cat_member[j] to its category's prototype.  Both the prototype sums and
 * the scores are computed in one pass over the examples in id order (the
 * arena is read once, in the order it was filled for the usual id-ordered
 * pool) instead of one strided pass per category; each category still adds
 * its members in id order, so the sums are the same bits either way.
 * proto_norm[c] is 0 for a category whose prototype is the zero vector
 * (its scores are then left unset).
 */
static int pss_member_scores(const SelectPool *p, double *score,
                             double *proto_norm) {
  size_t n_mem = p->cat_start[p->n_cat];
  int ok = 0;
  double *sums = NULL;
  float *protos = NULL;
  size_t *first = NULL, *pos = NULL, *pos_cat = NULL, cells;
  /* Inverse membership: for example i, the positions j in cat_member. */
  first = ss_malloc_array(p->n + 1, sizeof(size_t));
  pos = ss_malloc_array(n_mem ? n_mem : 1, sizeof(size_t));
  pos_cat = ss_malloc_array(n_mem ? n_mem : 1, sizeof(size_t));
  if (!ss_mul_size(p->n_cat ? p->n_cat : 1, p->dim, &cells)) goto cleanup;
  sums = ss_malloc_array(cells, sizeof(double));
  protos = ss_malloc_array(cells, sizeof(float));
  if (!first || !pos || !pos_cat || !sums || !protos) goto cleanup;
  memset(first, 0, (p->n + 1) * sizeof(size_t));
  for (size_t c = 0; c < p->n_cat; c++)
    for (size_t j = p->cat_start[c]; j < p->cat_start[c + 1]; j++) {
      first[p->cat_member[j] + 1]++;
      pos_cat[j] = c;
    }
  for (size_t i = 0; i < p->n; i++) first[i + 1] += first[i];
  for (size_t j = 0; j < n_mem; j++) pos[first[p->cat_member[j]]++] = j;
  for (size_t i = p->n; i > 0; i--) first[i] = first[i - 1];
  first[0] = 0;

  memset(sums, 0, cells * sizeof(double));
  for (size_t i = 0; i < p->n; i++)
    for (size_t q = first[i]; q < first[i + 1]; q++)
      vec_axpy(sums + pos_cat[pos[q]] * p->dim, 1.0, vec_of(p, i), p->dim);
  for (size_t c = 0; c < p->n_cat; c++) {
    size_t m = p->cat_start[c + 1] - p->cat_start[c];
    for (size_t d = 0; d < p->dim; d++)
      protos[c * p->dim + d] =
          m ? (float)(sums[c * p->dim + d] / (double)m) : 0.0f;
    proto_norm[c] = vec_norm(protos + c * p->dim, p->dim);
  }
  for (size_t i = 0; i < p->n; i++)
    for (size_t q = first[i]; q < first[i + 1]; q++) {
      size_t j = pos[q], c = pos_cat[j];
      if (proto_norm[c] > 0.0)
        score[j] = vec_cosine_with_norms(vec_of(p, i), protos + c * p->dim,
                                         p->dim, p->norms[i], proto_norm[c]);
    }
  ok = 1;
cleanup:
  ss_free(first);
  ss_free(pos);
  ss_free(pos_cat);
  ss_free(sums);
  ss_free(protos);
  return ok;
}

static int run_pss(Selection *s, size_t *bad_category) {
  const SelectPool *p = s->pool;
  int rc = SELECT_ENOMEM;
  size_t n_mem = p->cat_start[p->n_cat];
  CatCount *order = ss_malloc_array(p->n_cat ? p->n_cat : 1, sizeof *order);
  double *score = ss_malloc_array(n_mem ? n_mem : 1, sizeof(double));
  double *proto_norm = ss_malloc_array(p->n_cat ? p->n_cat : 1, sizeof(double));
  Scored *heap = NULL;
  if (order == NULL || score == NULL || proto_norm == NULL) goto cleanup;
  if (!pss_member_scores(p, score, proto_norm)) goto cleanup;
  size_t c_used = pool_category_order(p, order);
  size_t k = quota(s->n, c_used);
  heap = ss_malloc_array(k, sizeof *heap);
  if (heap == NULL) goto cleanup;
  for (size_t oi = 0; oi < c_used && s->out->n_rows < s->n; oi++) {
    size_t c = order[oi].cat;
    if (proto_norm[c] == 0.0) {
      *bad_category = c;
      rc = SELECT_EZERO_PROTOTYPE;
      goto cleanup;
    }
    size_t take = min_size(k, s->n - s->out->n_rows), h = 0;
    for (size_t j = p->cat_start[c]; j < p->cat_start[c + 1]; j++)
      if (!s->chosen[p->cat_member[j]])
        heap_push(heap, &h, take, (Scored){score[j], p->cat_member[j]});
    heap_sort_best_first(heap, h);
    for (size_t j = 0; j < h; j++)
      add_row(s, heap[j].example, (long)c, heap[j].score, 1, STAGE_CATEGORY);
  }
  rc = SELECT_OK;
cleanup:
  ss_free(order);
  ss_free(score);
  ss_free(proto_norm);
  ss_free(heap);
  return rc;
}

/* cossim scores: scores[i * n_cat + c] = x̂_i · mean of unit refs of c. */
static double *cossim_scores(const SelectPool *p) {
  size_t cells;
  if (!ss_mul_size(p->n, p->n_cat, &cells)) return NULL;
  double *scores = ss_malloc_array(cells ? cells : 1, sizeof(double));
  if (scores == NULL) return NULL;
  for (size_t i = 0; i < p->n; i++) {
    double *row = scores + i * p->n_cat;
    vec_dot_many(vec_of(p, i), p->ref_means, p->n_cat, p->dim, row);
    for (size_t c = 0; c < p->n_cat; c++) row[c] /= p->norms[i];
  }
  return scores;
}

static int run_cossim(Selection *s, SelectFill fill) {
  const SelectPool *p = s->pool;
  int rc = SELECT_ENOMEM;
  double *scores = cossim_scores(p);
  Scored *heap = NULL;
  if (scores == NULL) goto cleanup;
  size_t k = quota(s->n, p->n_cat);
  heap = ss_malloc_array(s->n, sizeof *heap);
  if (heap == NULL) goto cleanup;
  for (size_t c = 0; c < p->n_cat && s->out->n_rows < s->n; c++) {
    size_t take = min_size(k, s->n - s->out->n_rows), h = 0;
    for (size_t i = 0; i < p->n; i++)
      if (!s->chosen[i])
        heap_push(heap, &h, take, (Scored){scores[i * p->n_cat + c], i});
    heap_sort_best_first(heap, h);
    for (size_t j = 0; j < h; j++)
      add_row(s, heap[j].example, (long)c, heap[j].score, 1, STAGE_CATEGORY);
  }
  if (fill == SELECT_FILL_SCORE && s->out->n_rows < s->n) {
    /* The rest by their best score over all categories (first by name on
     * ties), reporting that category. */
    size_t take = s->n - s->out->n_rows, h = 0;
    for (size_t i = 0; i < p->n; i++) {
      if (s->chosen[i]) continue;
      const double *row = scores + i * p->n_cat;
      double best = row[0];
      for (size_t c = 1; c < p->n_cat; c++)
        if (row[c] > best) best = row[c];
      heap_push(heap, &h, take, (Scored){best, i});
    }
    heap_sort_best_first(heap, h);
    for (size_t j = 0; j < h; j++) {
      const double *row = scores + heap[j].example * p->n_cat;
      size_t best_c = 0;
      for (size_t c = 1; c < p->n_cat; c++)
        if (row[c] > row[best_c]) best_c = c;
      add_row(s, heap[j].example, (long)best_c, heap[j].score, 1, STAGE_FILL);
    }
  }
  rc = SELECT_OK;
cleanup:
  ss_free(scores);
  ss_free(heap);
  return rc;
}

int select_run(const SelectPool *pool, SelectMethod method, size_t n,
               SelectFill fill, uint64_t seed, SelectResult *out,
               size_t *bad_category) {
  Selection s = {0};
  int rc = SELECT_ENOMEM;
  out->rows = NULL;
  out->n_rows = 0;
  if (n > pool->n) n = pool->n;
  s.pool = pool;
  s.n = n;
  s.out = out;
  prng_seed(&s.prng, seed);
  s.chosen = ss_malloc(pool->n ? pool->n : 1);
  s.scratch = ss_malloc_array(pool->n ? pool->n : 1, sizeof(size_t));
  out->rows = ss_malloc_array(n ? n : 1, sizeof(SelectRow));
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
}
