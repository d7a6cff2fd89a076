/*
 * fuzz_refusal.c — refusal_score_text on arbitrary bytes (NULs, invalid
 * UTF-8, any length).
 *
 * Invariants: the score is a number in [0, 1]; the same bytes in another
 * buffer give the same score; empty text scores 0.  (Inputs stay under
 * libFuzzer's 4 KiB default; tests/c/test_refusal.c covers long texts.)
 */
#include "fuzz.h"
#include "refusal.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  double s = refusal_score_text((const char *)data, size);
  FUZZ_CHECK(!isnan(s) && s >= 0 && s <= 1, "score %.17g", s);
  /* A separate copy, so that the score cannot depend on what lies around. */
  char *copy = malloc(size ? size : 1);
  if (copy == NULL) return 0;
  memcpy(copy, data, size);
  double again = refusal_score_text(copy, size);
  FUZZ_CHECK(again == s, "score %.17g then %.17g", s, again);
  free(copy);
  if (size == 0)
    FUZZ_CHECK(refusal_score_text(NULL, 0) == 0, "empty text scores non-zero");
  return 0;
}
