/*
 * stats.c — the embedding statistics of a selection (stats.h): prototype
 * cosines, pairwise cosines and the coverage radius, each added in row
 * order so the figures are the same on every run.
 */
#include "stats.h"

#include "alloc.h"
#include "vector.h"
#include <string.h>

/* Mean cosine of each row with a category to that category's prototype
 * (computed on first use; pnorm[c] < 0 until then). */
static int prototype_cosines(const SelectPool *p, const StatsCategories *cats,
                             const StatsRow *rows, size_t n_rows,
                             EmbeddingStats *out) {
  size_t dim = p->dim, cells;
  if (!ss_mul_size(cats->n + 1, dim, &cells)) return 0;
  float *protos = ss_malloc_array(cells, sizeof(float));
  double *pnorm = ss_malloc_array(cats->n + 1, sizeof(double));
  int ok = protos != NULL && pnorm != NULL;
  double sum = 0;
  size_t counted = 0;
  for (size_t c = 0; ok && c < cats->n; c++) pnorm[c] = -1;
  for (size_t i = 0; ok && i < n_rows; i++) {
    const StatsRow *r = &rows[i];
    if (r->category == NULL) continue;
    size_t c = 0;
    while (c < cats->n && strcmp(cats->names[c], r->category) != 0) c++;
    if (c == cats->n) continue; /* a reference category with no pool members */
    if (pnorm[c] < 0) {
      size_t m = cats->start[c + 1] - cats->start[c];
      ok = select_prototype(p, cats->member + cats->start[c], m, protos + c * dim);
      if (!ok) break;
      pnorm[c] = vec_norm(protos + c * dim, dim);
    }
    if (pnorm[c] == 0) continue;
    sum += vec_cosine_with_norms(r->vec, protos + c * dim, dim, r->norm, pnorm[c]);
    counted++;
  }
  ss_free(protos);
  ss_free(pnorm);
  out->prototype_rows = counted;
  out->mean_prototype = counted ? sum / (double)counted : 0;
  return ok;
}

int embedding_stats(const SelectPool *p, const StatsCategories *cats,
                    const StatsRow *rows, size_t n_rows, EmbeddingStats *out) {
  size_t dim = p->dim, pairs = 0;
  double pair_sum = 0, pair_min = 2, radius = -1;
  memset(out, 0, sizeof *out);
  if (!prototype_cosines(p, cats, rows, n_rows, out)) return 0;
  for (size_t i = 0; i < n_rows; i++)
    for (size_t j = i + 1; j < n_rows; j++) {
      double c = vec_cosine_with_norms(rows[i].vec, rows[j].vec, dim,
                                       rows[i].norm, rows[j].norm);
      pair_sum += c;
      if (c < pair_min) pair_min = c;
      pairs++;
    }
  for (size_t e = 0; e < p->n && n_rows > 0; e++) {
    const float *x = select_vec(p, e);
    double best = -2;
    for (size_t i = 0; i < n_rows; i++) {
      double c = vec_cosine_with_norms(x, rows[i].vec, dim, p->norms[e],
                                       rows[i].norm);
      if (c > best) best = c;
    }
    if (1 - best > radius) radius = 1 - best;
  }
  out->pairs = pairs;
  out->mean_pairwise = pairs ? pair_sum / (double)pairs : 0;
  out->min_pairwise = pair_min;
  out->coverage_radius = radius;
  return 1;
}
