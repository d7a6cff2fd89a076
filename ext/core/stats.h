/*
 * stats.h — the embedding statistics of a selection that safety_report()
 * shows (stats.c): how close the rows are to their category's prototype,
 * to each other, and how well they cover the eligible pool.  Pure C; the
 * report only writes the numbers out.
 */
#ifndef SAFETY_STATS_H
#define SAFETY_STATS_H

#include <stddef.h>

#include "select.h"

/* One selected row: its embedding and norm, and the pool category whose
 * prototype it is compared with (NULL: none, e.g. a contrast row). */
typedef struct {
  const float *vec;
  double norm;
  const char *category;
} StatsRow;

/* The pool's categories: names in order, members of c are
 * member[start[c] .. start[c+1]) (example indices of the pool). */
typedef struct {
  size_t n;
  char *const *names;
  const size_t *start, *member;
} StatsCategories;

typedef struct {
  size_t prototype_rows;  /* rows compared with a non-zero prototype */
  double mean_prototype;  /* their mean cosine (valid when prototype_rows) */
  size_t pairs;           /* pairs of rows */
  double mean_pairwise;   /* mean and minimum cosine over the pairs */
  double min_pairwise;    /* (valid when pairs) */
  double coverage_radius; /* largest 1 - cosine from an example of the
                             pool to its nearest row; -1 for none */
} EmbeddingStats;

/*
 * The statistics of rows[0..n_rows) over the pool p (its embeddings) and
 * its categories cats: a row whose category is among cats is compared
 * with that category's prototype (select_prototype of its members; a zero
 * prototype is skipped).  cats->names are in strcmp order.  Returns 0
 * when out of memory or stopped (core_stopped() tells which).
 */
int embedding_stats(const SelectPool *p, const StatsCategories *cats,
                    const StatsRow *rows, size_t n_rows, EmbeddingStats *out);

#endif
