/*
 * select_top.c — cossim's best candidates (SelectTop, select.h), made once
 * for the many selections safety_sweep runs on the views of one read:
 * each category's list and the best-score list of every view, each the
 * start of the order a cossim selection sorts that view's examples in, so
 * that walking them gives that selection's rows.  One pass over the read
 * serves every view; the scores are the reader's (score_ptr) or made here
 * a block of examples at a time (cossim_score_rows, the code of every
 * cossim score the methods make), so no matrix of scores is kept.  The
 * lists rank equal scores by example index (key 0), for every seed.  The
 * pool reader's worker can make the same lists while the rows arrive
 * (select_top_begin, select_top_offer, select_top_finish).
 */
#include "select_impl.h"

#include "alloc.h"
#include "scores.h"
#include "vector.h"
#include <string.h>

/* Examples scored at a time (a block of rows: at most 8192 x categories
 * doubles, and about 2^23 multiply-adds, so the stop check runs often). */
#define TOP_BLOCK ((size_t)8192)
#define TOP_BLOCK_WORK ((size_t)1 << 23)

/* Allocates view v's lists of at most k (k <= its size); 0: no memory. */
static int top_alloc(SelectTop *top, size_t n_cat, size_t k) {
  size_t cells;
  memset(top, 0, sizeof *top);
  top->k = k ? k : 1;
  top->n_cat = n_cat;
  if (!ss_mul_size(n_cat ? n_cat : 1, top->k, &cells)) return 0;
  top->by_cat = ss_malloc_array(cells, sizeof(Scored));
  top->cat_len = ss_malloc_array(n_cat ? n_cat : 1, sizeof(size_t));
  top->best = ss_malloc_array(top->k, sizeof(Scored));
  top->best_cat = ss_malloc_array(top->k, sizeof(size_t));
  if (!top->by_cat || !top->cat_len || !top->best || !top->best_cat) return 0;
  memset(top->cat_len, 0, (n_cat ? n_cat : 1) * sizeof(size_t));
  return 1;
}

/* Offers example x (index x in the view) with its row of scores; with
 * best_of, records its best category there. */
static void top_offer(SelectTop *top, size_t limit, const double *row,
                      size_t x, size_t *best_of) {
  size_t n_cat = top->n_cat, b = row_best(row, n_cat);
  for (size_t c = 0; c < n_cat; c++)
    heap_push(top->by_cat + c * top->k, &top->cat_len[c], limit,
              (Scored){row[c], x, 0});
  heap_push(top->best, &top->best_len, limit, (Scored){row[b], x, 0});
  if (best_of != NULL) best_of[x] = b;
}

int select_top_begin(SelectTop *tops, size_t n_views, size_t n_cat, size_t k) {
  int ok = 1;
  for (size_t v = 0; v < n_views; v++) ok = top_alloc(&tops[v], n_cat, k) && ok;
  for (size_t v = 0; !ok && v < n_views; v++) select_top_free(&tops[v]);
  return ok;
}

void select_top_offer(SelectTop *top, const double *row, size_t x) {
  top_offer(top, top->k, row, x, NULL);
}

/* Sorts the lists best first and fills best_cat (best_of[example], or
 * with best_of NULL each entry's best category recomputed by row_of). */
static int top_sort(SelectTop *t, const size_t *best_of, const SelectPool *p,
                    const double *means) {
  for (size_t c = 0; c < t->n_cat; c++)
    heap_sort_best_first(t->by_cat + c * t->k, t->cat_len[c]);
  heap_sort_best_first(t->best, t->best_len);
  double *row = best_of || p->score_ptr ? NULL : ss_malloc_array(t->n_cat, sizeof(double));
  if (best_of == NULL && p->score_ptr == NULL && row == NULL) return 0;
  for (size_t j = 0; j < t->best_len; j++) {
    size_t i = t->best[j].example;
    if (best_of != NULL) {
      t->best_cat[j] = best_of[i];
      continue;
    }
    const double *r = p->score_ptr ? p->score_ptr[i] : row;
    if (r == row) score_cossim(select_vec(p, i), p->norms[i], means, t->n_cat, p->dim, row);
    t->best_cat[j] = row_best(r, t->n_cat);
  }
  ss_free(row);
  return 1;
}

int select_top_finish(SelectTop *t, const SelectPool *p, const size_t *pos,
                      size_t view_n) {
  size_t k = t->k < view_n ? t->k : view_n, cells;
  if (k == 0) k = 1;
  for (size_t c = 1; k < t->k && c < t->n_cat; c++) /* as top_alloc(view_n) lays them */
    memmove(t->by_cat + c * k, t->by_cat + c * t->k, t->cat_len[c] * sizeof(Scored));
  t->k = k;
  double *means = NULL;
  if (p->score_ptr == NULL && t->best_len > 0 &&
      (!ss_mul_size(t->n_cat, p->dim, &cells) ||
       (means = vec_widen(p->ref_means, cells)) == NULL))
    return 0;
  int ok = top_sort(t, NULL, p, means);
  ss_free(means);
  for (size_t c = 0; ok && pos != NULL && c < t->n_cat; c++)
    for (size_t j = 0; j < t->cat_len[c]; j++)
      t->by_cat[c * k + j].example = pos[t->by_cat[c * k + j].example];
  for (size_t j = 0; ok && pos != NULL && j < t->best_len; j++)
    t->best[j].example = pos[t->best[j].example];
  return ok;
}

int select_cossim_tops(const SelectPool *p, size_t k, size_t n_views,
                       const size_t *const *pos, const size_t *view_n,
                       SelectTop *tops) {
  size_t n_cat = p->n_cat, mean_cells, cells;
  int ok = ss_mul_size(n_cat, p->dim, &mean_cells) &&
           ss_mul_size(TOP_BLOCK, n_cat ? n_cat : 1, &cells);
  size_t blk = TOP_BLOCK_WORK / (n_cat * p->dim + 1);
  blk = blk < 2 ? 2 : blk > TOP_BLOCK ? TOP_BLOCK : blk;
  size_t **best_of = ss_malloc_array(n_views ? n_views : 1, sizeof *best_of);
  double *rows = ok && !p->score_ptr ? ss_malloc_array(cells, sizeof(double)) : NULL;
  double *means = ok && !p->score_ptr && mean_cells
                      ? vec_widen(p->ref_means, mean_cells) : NULL;
  ok = ok && best_of && (p->score_ptr || (rows && (means || !mean_cells)));
  if (best_of) memset(best_of, 0, (n_views ? n_views : 1) * sizeof *best_of);
  for (size_t v = 0; ok && v < n_views; v++)
    ok = top_alloc(&tops[v], n_cat, k < view_n[v] ? k : view_n[v]) &&
         (best_of[v] = ss_malloc_array(view_n[v] ? view_n[v] : 1, sizeof(size_t)));
  for (size_t i0 = 0; ok && n_cat > 0 && i0 < p->n; i0 += blk) {
    if (core_tick((uint64_t)blk * (n_cat * p->dim + n_views))) {
      ok = 0; /* stopped (core_stopped() says so to the caller) */
      break;
    }
    size_t i1 = p->n - i0 < blk ? p->n : i0 + blk;
    if (!p->score_ptr) cossim_score_rows(p, means, i0, i1, rows);
    for (size_t i = i0; i < i1; i++) {
      const double *row = p->score_ptr ? p->score_ptr[i] : rows + (i - i0) * n_cat;
      for (size_t v = 0; v < n_views; v++) {
        size_t x = pos[v] ? pos[v][i] : i, limit = k < view_n[v] ? k : view_n[v];
        if (x != SIZE_MAX && limit > 0) top_offer(&tops[v], limit, row, x, best_of[v]);
      }
    }
  }
  for (size_t v = 0; ok && v < n_views; v++) top_sort(&tops[v], best_of[v], p, NULL);
  for (size_t v = 0; best_of && v < n_views; v++) ss_free(best_of[v]);
  ss_free(best_of);
  ss_free(rows);
  ss_free(means);
  for (size_t v = 0; !ok && v < n_views; v++) select_top_free(&tops[v]);
  return ok;
}

int select_cossim_top(const SelectPool *p, size_t k, SelectTop *top) {
  const size_t *none[1] = {NULL};
  size_t n = p->n;
  return select_cossim_tops(p, k, 1, none, &n, top);
}

int select_pss_top(const SelectPool *p, const double *score,
                   const double *proto_norm, size_t k, SelectTop *top) {
  if (!top_alloc(top, p->n_cat, k)) {
    select_top_free(top);
    return 0;
  }
  for (size_t c = 0; c < p->n_cat; c++) {
    Scored *h = top->by_cat + c * top->k;
    if (core_tick(p->cat_start[c + 1] - p->cat_start[c] + 1)) { /* stopped */
      select_top_free(top);
      return 0;
    }
    for (size_t j = p->cat_start[c]; proto_norm[c] > 0.0 && j < p->cat_start[c + 1]; j++)
      heap_push(h, &top->cat_len[c], top->k, (Scored){score[j], p->cat_member[j], 0});
    heap_sort_best_first(h, top->cat_len[c]);
  }
  return 1;
}

void select_top_free(SelectTop *top) {
  ss_free(top->by_cat);
  ss_free(top->cat_len);
  ss_free(top->best);
  ss_free(top->best_cat);
  memset(top, 0, sizeof *top);
}
