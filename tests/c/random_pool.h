/*
 * random_pool.h — random in-memory pools for the C tests of the selection
 * code: n examples with ids id_first, id_first + id_step, ..., arena rows
 * in reverse order (so arena order differs from id order), uniform vectors
 * (with duplicates, a third of them near-copies of an earlier example),
 * each category c holding every example with probability 1/(c+2), and
 * random reference means.  Include after check.h, select.h and vector.h.
 */
#ifndef SAFETY_RANDOM_POOL_H
#define SAFETY_RANDOM_POOL_H

#include <string.h>

#define RANDOM_POOL_MAX_N 400
#define RANDOM_POOL_MAX_DIM 16
#define RANDOM_POOL_MAX_CAT 8

typedef struct {
  SelectPool p;
  int64_t ids[RANDOM_POOL_MAX_N];
  float vec[RANDOM_POOL_MAX_N * RANDOM_POOL_MAX_DIM];
  size_t vec_row[RANDOM_POOL_MAX_N];
  double norms[RANDOM_POOL_MAX_N];
  size_t cat_start[RANDOM_POOL_MAX_CAT + 1];
  size_t cat_member[RANDOM_POOL_MAX_N * RANDOM_POOL_MAX_CAT];
  float ref[RANDOM_POOL_MAX_CAT * RANDOM_POOL_MAX_DIM];
} RandomPool;

static void make_random_pool(RandomPool *t, size_t n, size_t dim, size_t n_cat,
                             unsigned long long seed, int duplicates,
                             int64_t id_first, int64_t id_step) {
  memset(t, 0, sizeof *t);
  for (size_t i = 0; i < n; i++) {
    t->ids[i] = id_first + (int64_t)i * id_step;
    t->vec_row[i] = n - 1 - i;
  }
  for (size_t i = 0; i < n; i++) {
    float *v = t->vec + t->vec_row[i] * dim;
    if (duplicates && i > 0 && test_rand(&seed) % 3 == 0) {
      const float *src = t->vec + t->vec_row[test_rand(&seed) % i] * dim;
      for (size_t d = 0; d < dim; d++)
        v[d] = src[d] + (float)(test_uniform(&seed) * 1e-3);
    } else {
      for (size_t d = 0; d < dim; d++) v[d] = (float)test_uniform(&seed);
    }
    t->norms[i] = vec_norm(v, dim);
  }
  size_t m = 0;
  for (size_t c = 0; c < n_cat; c++) {
    t->cat_start[c] = m;
    for (size_t i = 0; i < n; i++)
      if (test_rand(&seed) % (c + 2) == 0) t->cat_member[m++] = i;
  }
  t->cat_start[n_cat] = m;
  for (size_t k = 0; k < n_cat * dim; k++)
    t->ref[k] = (float)test_uniform(&seed);
  t->p = (SelectPool){.n = n,
                      .ids = t->ids,
                      .dim = dim,
                      .vectors = t->vec,
                      .vec_row = t->vec_row,
                      .norms = t->norms,
                      .n_cat = n_cat,
                      .cat_start = t->cat_start,
                      .cat_member = t->cat_member,
                      .ref_means = t->ref};
}

#endif
