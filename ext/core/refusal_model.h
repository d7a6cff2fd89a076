/*
 * refusal_model.h — the trained weights of the refusal detector, defined in
 * the generated ext/core/refusal_model.inc (python3 tests/refusal/train.py).
 * Pure C: no SQLite.
 */
#ifndef SAFETY_REFUSAL_MODEL_H
#define SAFETY_REFUSAL_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* One feature: its hash and its weights in the document model (a clean
 * refusal against everything else), in the sentence model (a sentence of
 * a refusal against one of an answer) and in the veto model (a sentence
 * after a refusal that explains, warns or refers against one that gives the
 * content), in integer units. */
typedef struct {
  uint32_t key;
  int32_t wr;
  int32_t ws;
  int32_t wv;
} RefusalFeature;

extern const int32_t refusal_model_bias_r;
extern const int32_t refusal_model_bias_s;
extern const int32_t refusal_model_bias_v;
extern const size_t refusal_model_n;
extern const RefusalFeature refusal_model[]; /* sorted by key, keys unique */
/* refusal_model_index[t] is the first entry whose key's top
 * refusal_model_index_bits bits are >= t (2^bits + 1 entries). */
extern const unsigned refusal_model_index_bits;
extern const uint32_t refusal_model_index[];

#endif
