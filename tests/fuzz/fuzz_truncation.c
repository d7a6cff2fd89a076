/*
 * fuzz_truncation.c — truncation_is_cut on arbitrary bytes (NULs, invalid
 * UTF-8, any length).
 *
 * Invariants: the answer is 0 or 1; the same bytes in another buffer give
 * the same answer; trailing blanks do not change it; nor does a complete
 * first line put before the text ("Hello.\n"); empty text is not cut off.
 */
#include "fuzz.h"
#include "truncation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int r = truncation_is_cut((const char *)data, size);
  FUZZ_CHECK(r == 0 || r == 1, "answer %d", r);
  static const char head[] = "Hello.\n";
  size_t h = sizeof head - 1;
  char *copy = malloc(size + h + 3);
  if (copy == NULL) return 0;
  memcpy(copy, data, size);
  FUZZ_CHECK(truncation_is_cut(copy, size) == r, "a copy answers otherwise");
  memcpy(copy + size, " \n\t", 3);
  FUZZ_CHECK(truncation_is_cut(copy, size + 3) == r,
             "trailing blanks changed the answer");
  memcpy(copy, head, h);
  memcpy(copy + h, data, size);
  FUZZ_CHECK(truncation_is_cut(copy, size + h) == r,
             "a complete first line changed the answer");
  free(copy);
  if (size == 0)
    FUZZ_CHECK(truncation_is_cut(NULL, 0) == 0, "empty text is cut off");
  return 0;
}
