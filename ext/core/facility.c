/*
 * facility.c — lazy-greedy facility location (see facility.h for the
 * objective, the determinism argument and the cost).
 */
#include "facility.h"

#include "alloc.h"
#include "blas.h"
#include "heap.h"
#include "stop.h"
#include "vector.h"
#include <math.h>
#include <string.h>

/* Rows of the similarity matrix per cblas_sgemm call: at most this many
 * floats (16 MiB) in the block buffer. */
#define FL_BLOCK_FLOATS (4u << 20)
/* Multiply-adds per cblas_sgemm call at most, so that the stop check
 * (stop.h) runs every few tens of milliseconds (a 16 MiB block at 384
 * dimensions is 1.6 G, a third of a second).  Smaller calls cost time:
 * 2^26 made fl-b about 1.5 times slower (7.7 against 11.4 s on 50,000 x
 * 384 in ten categories); 2^28 measured within the noise of one call. */
#define FL_CALL_WORK ((size_t)1 << 28)
/* A category whose whole sgemm matrix fits in this many floats (64 MiB,
 * m <= 4096) keeps it, so renewed bounds cost additions only. */
#define FL_CACHE_FLOATS (16u << 20)

double facility_sim(const FlProblem *p, size_t i, size_t j) {
  double c = vec_cosine_with_norms(p->vec[i], p->vec[j], p->dim, p->norm[i],
                                   p->norm[j]);
  return c > 0 ? c : 0.0;
}

/* row[j] = sim(i, j) for every member j. */
static void sim_row(const FlProblem *p, size_t i, double *row) {
  for (size_t j = 0; j < p->m; j++) row[j] = facility_sim(p, i, j);
  core_tick((uint64_t)p->m * p->dim);
}

/* c = a (rows x dim) times unit^T (m x dim), rows x m (row stride m), in
 * sgemm calls of at most FL_CALL_WORK multiply-adds over a share of the
 * members each (so each call packs only its share of unit), asking the
 * stop check after each.  The callers checked that OpenBLAS is loaded. */
static void sgemm_rows(const FlProblem *p, const float *a, size_t rows,
                       const float *unit, float *c) {
  const BlasLib *blas = blas_lib();
  size_t m = p->m, dim = p->dim, work = rows * dim > 0 ? rows * dim : 1;
  size_t cols = FL_CALL_WORK / work > 0 ? FL_CALL_WORK / work : 1;
  for (size_t j0 = 0; j0 < m && !core_stopped(); j0 += cols) {
    size_t nn = m - j0 < cols ? m - j0 : cols;
    blas->sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)nn,
                (int)dim, 1.0f, a, (int)dim, unit + j0 * dim, (int)dim, 0.0f,
                c + j0, (int)m);
    core_tick((uint64_t)nn * work);
  }
}

/* The exact gain of i against the coverage cur, with its row of sims. */
static double gain_of(const FlProblem *p, const double *row,
                      const double *cur) {
  double g = 0.0;
  for (size_t j = 0; j < p->m; j++) {
    double d = row[j] - cur[j];
    if (d > 0) g += d;
  }
  return g;
}

/* The members as float unit vectors, row-major (m x dim), for sgemm. */
static float *unit_vectors(const FlProblem *p) {
  size_t cells;
  if (!ss_mul_size(p->m, p->dim, &cells)) return NULL;
  float *unit = ss_malloc_array(cells, sizeof(float));
  if (unit == NULL) return NULL;
  for (size_t i = 0; i < p->m; i++)
    for (size_t d = 0; d < p->dim; d++)
      unit[i * p->dim + d] = (float)((double)p->vec[i][d] / p->norm[i]);
  return unit;
}

/* Rows per sgemm block for m columns: never more than the m members, or
 * the scratch a (rows * dim floats) of a small category with a wide
 * embedding would ask for gigabytes (2 members x 384 dims: 3.2 GB). */
static size_t block_rows(size_t m) {
  size_t per = m ? FL_BLOCK_FLOATS / m : 1;
  if (per > m) per = m;
  return per < 1 ? 1 : per;
}

/*
 * Upper bounds from sgemm.  u_i = x_i / |x_i| rounded to float has
 * relative error <= 2^-24 per element, so sum_d u_i u_j differs from the
 * cosine by at most ~2^-23 (Cauchy–Schwarz), and a float dot product of
 * dim terms adds at most dim * 2^-24 (any summation order, with or
 * without FMA).  margin = (dim + 8) * 2^-23 + 1e-9 is about twice that,
 * so s~ = max(0, sgemm + margin) >= sim(i, j) for every pair, and
 * bound[q] = sum_j max(0, s~ - cur[j]) >= the exact gain of rows[q]
 * against cur (termwise larger; double rounding is monotone).
 * a and block are scratch of block_rows(m) * dim and * m floats; cache,
 * when not NULL, is the whole m x m sgemm matrix (then a and block are
 * unused).
 */
static void approx_gains(const FlProblem *p, const float *unit,
                         const float *cache, const size_t *rows, size_t r,
                         const double *cur, float *a, float *block,
                         double *bound) {
  size_t m = p->m, dim = p->dim, per = block_rows(m);
  double margin = ((double)dim + 8.0) * ldexp(1.0, -23) + 1e-9;
  for (size_t r0 = 0; r0 < r; r0 += per) {
    size_t b = r - r0 < per ? r - r0 : per;
    if (cache == NULL) {
      for (size_t q = 0; q < b; q++)
        memcpy(a + q * dim, unit + rows[r0 + q] * dim, dim * sizeof(float));
      sgemm_rows(p, a, b, unit, block);
    }
    if (core_tick((uint64_t)b * m)) return; /* bounds unset */
    for (size_t q = 0; q < b; q++) {
      double g = 0.0;
      const float *c = cache ? cache + rows[r0 + q] * m : block + q * m;
      for (size_t j = 0; j < m; j++) {
        double v = (double)c[j] + margin;
        double d = (v > 0 ? v : 0.0) - (cur ? cur[j] : 0.0);
        if (d > 0) g += d;
      }
      bound[r0 + q] = g;
    }
  }
}

int facility_bounds(const FlProblem *p, const size_t *rows, size_t r,
                    const double *cur, double *bound) {
  size_t per = block_rows(p->m);
  if (r == 0) return 1;
  if (blas_lib() == NULL) return 0;
  float *unit = unit_vectors(p);
  float *a = ss_malloc_array(per * p->dim + 1, sizeof(float));
  float *block = ss_malloc_array(per * p->m + 1, sizeof(float));
  int ok = unit && a && block;
  if (ok) approx_gains(p, unit, NULL, rows, r, cur, a, block, bound);
  ss_free(unit);
  ss_free(a);
  ss_free(block);
  return ok;
}

/* ---- the lazy heap: (bound, member, stamp, exact), best bound on top ---- */

typedef struct {
  double bound;
  size_t member;
  size_t stamp; /* the pick count when bound was computed */
  int exact;    /* bound is the exact gain (else an sgemm upper bound) */
  uint64_t key; /* the member's tie key (0 without keys) */
} LazyEntry;

/* a comes before b: larger bound, then smaller tie key, then smaller
 * member index.  An equal exact gain and bound tie alike, so of equal
 * exact gains the one with the smaller key is taken. */
static int lazy_before(const LazyEntry *a, const LazyEntry *b) {
  if (a->bound != b->bound) return a->bound > b->bound;
  if (a->key != b->key) return a->key < b->key;
  return a->member < b->member;
}

static LazyEntry lazy_entry(const FlProblem *p, double bound, size_t member,
                            size_t stamp, int exact) {
  return (LazyEntry){bound, member, stamp, exact,
                     p->key ? p->key[member] : 0};
}

HEAP_DEFINE(lazy, LazyEntry, lazy_before)

static LazyEntry lazy_pop(LazyEntry *h, size_t *n) {
  LazyEntry top = h[0];
  h[0] = h[--*n];
  lazy_sift_down(h, *n, 0);
  return top;
}

/*
 * Three levels of laziness, all with valid upper bounds: an entry on top
 * whose bound is stale (computed before the last pick) is re-bounded with
 * sgemm against the current coverage, in a batch with the other stale
 * entries at the top; one whose sgemm bound is current gets its exact
 * gain; one whose exact gain is current is the greedy choice.
 */
int facility_greedy(const FlProblem *p, size_t k, FlTryPick try_pick,
                    void *ctx, size_t *n_picked, size_t *evaluations) {
  size_t m = p->m, n_cand = 0, picks = 0, evals = 0, row_of = SIZE_MAX;
  size_t per = block_rows(m);
  int rc = 1;
  double *cur = ss_malloc_array(m, sizeof(double));
  double *row = ss_malloc_array(m, sizeof(double));
  double *bound = ss_malloc_array(m, sizeof(double));
  size_t *cand = ss_malloc_array(m, sizeof(size_t));
  LazyEntry *heap = ss_malloc_array(m, sizeof(LazyEntry));
  float *unit = NULL, *cache = NULL;
  float *a = ss_malloc_array(per * p->dim + 1, sizeof(float));
  float *block = ss_malloc_array(per * m + 1, sizeof(float));
  *n_picked = 0;
  if (blas_lib() == NULL) {
    rc = 3;
    goto cleanup;
  }
  if (!cur || !row || !bound || !cand || !heap || !a || !block)
    goto cleanup;
  /* Coverage of the members selected before (exact). */
  for (size_t j = 0; j < m; j++) cur[j] = 0.0;
  for (size_t i = 0; i < m; i++) {
    if (p->state[i] == FL_CANDIDATE) cand[n_cand++] = i;
    if (p->state[i] != FL_SELECTED) continue;
    sim_row(p, i, row);
    for (size_t j = 0; j < m; j++)
      if (row[j] > cur[j]) cur[j] = row[j];
  }
  if (k == 0 || n_cand == 0) {
    rc = 0;
    goto cleanup;
  }
  if ((unit = unit_vectors(p)) == NULL) goto cleanup;
  if (!p->no_cache && m <= FL_CACHE_FLOATS / (m ? m : 1)) {
    if ((cache = ss_malloc_array(m * m + 1, sizeof(float))) == NULL) goto cleanup;
    sgemm_rows(p, unit, m, unit, cache);
  }
  approx_gains(p, unit, cache, cand, n_cand, cur, a, block, bound);
  if (core_stopped()) goto cleanup;
  for (size_t q = 0; q < n_cand; q++)
    heap[q] = lazy_entry(p, bound[q], cand[q], 0, 0);
  size_t h = n_cand;
  for (size_t i = h / 2; i-- > 0;) lazy_sift_down(heap, h, i);

  while (picks < k && h > 0) {
    if (core_stopped()) goto cleanup; /* rc 2 below */
    LazyEntry top = heap[0];
    if (top.stamp != picks) {
      /* Stale: re-bound it and the stale entries right behind it. */
      size_t b = 0;
      while (h > 0 && b < per && heap[0].stamp != picks) {
        cand[b++] = lazy_pop(heap, &h).member;
      }
      approx_gains(p, unit, cache, cand, b, cur, a, block, bound);
      for (size_t q = 0; q < b; q++) {
        heap[h] = lazy_entry(p, bound[q], cand[q], picks, 0);
        lazy_sift_up(heap, h++);
      }
    } else if (!top.exact) {
      /* A current sgemm bound: replace it by the exact gain. */
      sim_row(p, top.member, row);
      row_of = top.member;
      evals++;
      heap[0] = lazy_entry(p, gain_of(p, row, cur), top.member, picks, 1);
      lazy_sift_down(heap, h, 0);
    } else {
      /* Exact and current, on top: the greedy choice. */
      lazy_pop(heap, &h);
      if (!try_pick(ctx, top.member, top.bound)) continue;
      if (row_of != top.member) sim_row(p, top.member, row);
      for (size_t j = 0; j < m; j++)
        if (row[j] > cur[j]) cur[j] = row[j];
      row_of = SIZE_MAX;
      picks++;
    }
  }
  *n_picked = picks;
  rc = 0;
cleanup:
  if (core_stopped()) rc = 2;
  if (evaluations) *evaluations = evals;
  ss_free(cur);
  ss_free(row);
  ss_free(bound);
  ss_free(cand);
  ss_free(heap);
  ss_free(unit);
  ss_free(cache);
  ss_free(a);
  ss_free(block);
  return rc;
}
