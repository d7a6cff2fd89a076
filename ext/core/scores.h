/*
 * scores.h — the score and sum steps that the methods (select_score.c,
 * scores.c) and the pool reader's row worker (row_worker.c) share, so
 * that a score computed on arrival and one computed by the method are the
 * same code and the same bits.
 */
#ifndef SAFETY_SCORES_H
#define SAFETY_SCORES_H

#include <stddef.h>

#include "vector.h"

/* cossim: out[c] = (x . means[c]) / norm for the k rows of means (dim
 * doubles each), norm = |x|. */
void score_cossim(const float *x, double norm, const double *means, size_t k,
                  size_t dim, double *out);

/* pss: adds x to a category's prototype sum (in the order examples come:
 * callers add in id order). */
static inline void prototype_sum_add(double *sum, const float *x, size_t dim) {
  vec_axpy(sum, 1.0, x, dim);
}

#endif
