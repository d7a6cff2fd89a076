/*
 * fuzz_refusal.c — refusal_classify on arbitrary bytes (NULs, invalid
 * UTF-8, any length).
 *
 * Invariants: the score is a number in [0, 1], >= 0.5 exactly when the kind
 * is 'refusal'; the kind is one of the three; the same bytes in another
 * buffer give the same verdict; empty text is compliance with score 0.
 * (Inputs stay under libFuzzer's 4 KiB default; tests/c/test_refusal.c
 * covers long texts and the scan limits.)
 */
#include "fuzz.h"
#include "refusal.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  RefusalVerdict v = refusal_classify((const char *)data, size);
  FUZZ_CHECK(!isnan(v.score) && v.score >= 0 && v.score <= 1, "score %.17g",
             v.score);
  FUZZ_CHECK(v.kind == REFUSAL_KIND_REFUSAL || v.kind == REFUSAL_KIND_PARTIAL ||
                 v.kind == REFUSAL_KIND_COMPLIANCE,
             "kind %d", (int)v.kind);
  FUZZ_CHECK((v.score >= 0.5) == (v.kind == REFUSAL_KIND_REFUSAL),
             "score %.17g with kind %s", v.score, refusal_kind_name(v.kind));
  FUZZ_CHECK(refusal_score_text((const char *)data, size) == v.score,
             "refusal_score_text differs from refusal_classify");
  /* A separate copy, so that the verdict cannot depend on what lies around. */
  char *copy = malloc(size ? size : 1);
  if (copy == NULL) return 0;
  memcpy(copy, data, size);
  RefusalVerdict again = refusal_classify(copy, size);
  FUZZ_CHECK(again.score == v.score && again.kind == v.kind,
             "score %.17g then %.17g", v.score, again.score);
  free(copy);
  if (size == 0)
    FUZZ_CHECK(refusal_score_text(NULL, 0) == 0 &&
                   refusal_classify(NULL, 0).kind == REFUSAL_KIND_COMPLIANCE,
               "empty text is not compliance with score 0");
  return 0;
}
