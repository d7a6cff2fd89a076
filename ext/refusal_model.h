/*
 * refusal_model.h — the trained weights of the refusal detector, defined in
 * the generated ext/refusal_model.c (python3 tests/refusal/train.py).
 * Pure C: no SQLite.
 */
#ifndef SAFETY_REFUSAL_MODEL_H
#define SAFETY_REFUSAL_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* One feature: its hash and its weight in the refusal model (a clean
 * refusal against everything else) and in the decline model (declines or
 * warns at all against plain compliance), in integer units. */
typedef struct {
  uint32_t key;
  int32_t wr;
  int32_t wc;
} RefusalFeature;

extern const int32_t refusal_model_bias_r;
extern const int32_t refusal_model_bias_c;
extern const size_t refusal_model_n;
extern const RefusalFeature refusal_model[]; /* sorted by key, keys unique */

#endif
