/*
 * fuzz.h — shared helpers of the libFuzzer targets in tests/fuzz/.
 *
 * Each target is one file fuzz_<name>.c defining LLVMFuzzerTestOneInput;
 * tests/fuzz.mk lists the targets.  A broken invariant is a finding like a
 * crash: FUZZ_CHECK prints what was expected and aborts.  FuzzReader splits
 * one input into the several values a target needs, deterministically, so
 * that every finding replays from its file.
 */
#ifndef SAFETY_FUZZ_H
#define SAFETY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond, ...)                                     \
  do {                                                            \
    if (!(cond)) {                                                \
      fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s: ", __FILE__, \
              __LINE__, #cond);                                   \
      fprintf(stderr, __VA_ARGS__);                               \
      fprintf(stderr, "\n");                                      \
      abort();                                                    \
    }                                                             \
  } while (0)

/* Reads an input front to back; reads past the end give zeros. */
typedef struct {
  const uint8_t *p;
  size_t n;
} FuzzReader;

static inline uint8_t fuzz_u8(FuzzReader *r) {
  if (r->n == 0) return 0;
  r->n--;
  return *r->p++;
}

static inline uint16_t fuzz_u16(FuzzReader *r) {
  uint16_t lo = fuzz_u8(r);
  return (uint16_t)(lo | (uint16_t)fuzz_u8(r) << 8);
}

/* The next min(len, left) bytes. */
static inline const uint8_t *fuzz_bytes(FuzzReader *r, size_t len,
                                        size_t *got) {
  const uint8_t *p = r->p;
  *got = len < r->n ? len : r->n;
  r->p += *got;
  r->n -= *got;
  return p;
}

#endif
