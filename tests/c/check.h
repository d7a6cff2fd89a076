/*
 * check.h — a minimal unit-test harness for the C tests.
 *
 * CHECK(cond, fmt, ...) counts a pass, or prints "FAIL file:line: <what was
 * expected>" and counts a failure.  CHECK_SUMMARY() prints the closing line
 * "N passed, M failed" and returns the exit status for main().
 */
#ifndef SAFETY_CHECK_H
#define SAFETY_CHECK_H

#include <math.h>
#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond, ...)                                        \
  do {                                                          \
    if (cond) {                                                 \
      check_passed++;                                           \
    } else {                                                    \
      check_failed++;                                           \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);               \
      printf(__VA_ARGS__);                                      \
      printf("\n");                                             \
    }                                                           \
  } while (0)

/* |got - want| <= tol * max(1, |want|) */
#define CHECK_NEAR(got, want, tol, what)                                     \
  CHECK(fabs((double)(got) - (double)(want)) <=                              \
            (tol) * (fabs((double)(want)) > 1 ? fabs((double)(want)) : 1.0), \
        "%s: expected %.17g, got %.17g", (what), (double)(want), (double)(got))

#define CHECK_SUMMARY()                                              \
  (printf("%d passed, %d failed\n", check_passed, check_failed),     \
   check_failed ? 1 : 0)

/* splitmix64 for test data (the tests' own generator, not the extension's). */
static inline unsigned long long test_rand(unsigned long long *s) {
  unsigned long long z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
/* uniform in [-1, 1) */
static inline double test_uniform(unsigned long long *s) {
  return (double)(test_rand(s) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

#endif
