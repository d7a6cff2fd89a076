/*
 * stats.c — the embedding statistics of a selection (stats.h): prototype
 * cosines, pairwise cosines and the coverage radius, each added in row
 * order so the figures are the same on every run.  Every loop counts its
 * work for the call's stop check (stop.h).
 */
#include "stats.h"

#include "alloc.h"
#include "stop.h"
#include "vector.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp_name_key(const void *key, const void *elem) {
  return strcmp((const char *)key, *(char *const *)elem);
}

/* Mean cosine of each row with a category to that category's prototype.
 * A prototype is made once per category the rows name (slot[c], SIZE_MAX
 * until then), so its memory follows the selection, not the number of
 * categories.  Returns 0 when out of memory or stopped. */
static int prototype_cosines(const SelectPool *p, const StatsCategories *cats,
                             const StatsRow *rows, size_t n_rows,
                             EmbeddingStats *out) {
  size_t dim = p->dim, cells, used = 0;
  if (!ss_mul_size(n_rows + 1, dim, &cells)) return 0;
  float *protos = ss_malloc_array(cells, sizeof(float));
  double *pnorm = ss_malloc_array(n_rows + 1, sizeof(double));
  size_t *slot = ss_malloc_array(cats->n + 1, sizeof(size_t));
  int ok = protos != NULL && pnorm != NULL && slot != NULL;
  double sum = 0;
  size_t counted = 0;
  for (size_t c = 0; ok && c < cats->n; c++) slot[c] = SIZE_MAX;
  for (size_t i = 0; ok && i < n_rows && !core_stopped(); i++) {
    const StatsRow *r = &rows[i];
    if (r->category == NULL) continue;
    char *const *hit = cats->n ? bsearch(r->category, cats->names, cats->n,
                                         sizeof *cats->names, cmp_name_key)
                               : NULL;
    if (hit == NULL) continue; /* a reference category with no pool members */
    size_t c = (size_t)(hit - cats->names);
    if (slot[c] == SIZE_MAX) {
      size_t m = cats->start[c + 1] - cats->start[c];
      slot[c] = used++;
      ok = select_prototype(p, cats->member + cats->start[c], m,
                            protos + slot[c] * dim);
      if (!ok) break;
      pnorm[slot[c]] = vec_norm(protos + slot[c] * dim, dim);
    }
    if (pnorm[slot[c]] == 0) continue;
    sum += vec_cosine_with_norms(r->vec, protos + slot[c] * dim, dim, r->norm,
                                 pnorm[slot[c]]);
    counted++;
  }
  ss_free(protos);
  ss_free(pnorm);
  ss_free(slot);
  out->prototype_rows = counted;
  out->mean_prototype = counted ? sum / (double)counted : 0;
  return ok && !core_stopped();
}

int embedding_stats(const SelectPool *p, const StatsCategories *cats,
                    const StatsRow *rows, size_t n_rows, EmbeddingStats *out) {
  size_t dim = p->dim, pairs = 0;
  double pair_sum = 0, pair_min = 2, radius = -1;
  memset(out, 0, sizeof *out);
  if (!prototype_cosines(p, cats, rows, n_rows, out)) return 0;
  for (size_t i = 0; i < n_rows && !core_tick(n_rows * dim); i++)
    for (size_t j = i + 1; j < n_rows; j++) {
      double c = vec_cosine_with_norms(rows[i].vec, rows[j].vec, dim,
                                       rows[i].norm, rows[j].norm);
      pair_sum += c;
      if (c < pair_min) pair_min = c;
      pairs++;
    }
  for (size_t e = 0; e < p->n && n_rows > 0 && !core_tick(n_rows * dim); e++) {
    const float *x = select_vec(p, e);
    double best = -2;
    for (size_t i = 0; i < n_rows; i++) {
      double c = vec_cosine_with_norms(x, rows[i].vec, dim, p->norms[e],
                                       rows[i].norm);
      if (c > best) best = c;
    }
    if (1 - best > radius) radius = 1 - best;
  }
  if (core_stopped()) return 0;
  out->pairs = pairs;
  out->mean_pairwise = pairs ? pair_sum / (double)pairs : 0;
  out->min_pairwise = pair_min;
  out->coverage_radius = radius;
  return 1;
}
