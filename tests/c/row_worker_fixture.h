/*
 * row_worker_fixture.h — what the two row worker tests (test_row_batch.c,
 * test_row_pipeline.c) share: test data, an allocation that cannot fail
 * quietly, the means of a RowSpec and the reference score.
 */
#ifndef SAFETY_ROW_WORKER_FIXTURE_H
#define SAFETY_ROW_WORKER_FIXTURE_H

#include "check.h"
#include "row_worker.h"
#include "vector.h"

#include <stdio.h>
#include <stdlib.h>

#define K_MEANS 3 /* the means (scores) of every spec */

static inline void fill(float *v, size_t n, unsigned long long *seed) {
  for (size_t i = 0; i < n; i++) v[i] = (float)(test_uniform(seed) * 4.0);
}

static inline void *xmalloc(size_t bytes) {
  void *p = malloc(bytes ? bytes : 1);
  if (p == NULL) {
    printf("FAIL out of memory in the test\n");
    exit(1);
  }
  return p;
}

/* Means of the spec: floats for the reference, widened for the worker. */
typedef struct {
  float *mf;
  double *md;
  RowSpec spec;
} Means;

static inline void means_make(Means *m, size_t dim, size_t k, unsigned long long seed) {
  m->mf = xmalloc(k * dim * sizeof(float));
  m->md = xmalloc(k * dim * sizeof(double));
  fill(m->mf, k * dim, &seed);
  for (size_t i = 0; i < k * dim; i++) m->md[i] = (double)m->mf[i];
  m->spec = (RowSpec){.dim = dim, .means = m->md, .k = k};
}

static inline void means_free(Means *m) {
  free(m->mf);
  free(m->md);
}

/* The reference score: x.m_c / |x| with the kernels of vector.h. */
static inline double ref_score(const float *x, const float *mf, size_t c, size_t dim) {
  return vec_dot(x, mf + c * dim, dim) / vec_norm(x, dim);
}

#endif
