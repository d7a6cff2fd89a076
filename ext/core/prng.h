/*
 * prng.h — the extension's own pseudo-random generator, so that random
 * draws are the same on every machine, libc and thread count.
 *
 * Generator: xoshiro256** (Blackman & Vigna, 2018).  Seeding: the four state
 * words are four successive outputs of splitmix64 started at the seed.
 * Bounded draws: prng_below(g, m) is Lemire's multiply-shift method with
 * rejection, so every value in [0, m) is exactly equally likely.
 * Drawing k of m items: a partial Fisher–Yates shuffle of the items sorted
 * by id; for i = 0..k-1, j = i + prng_below(g, m - i), swap items i and j;
 * the first k items, in that order, are the draw.
 */
#ifndef SAFETY_PRNG_H
#define SAFETY_PRNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint64_t s[4];
} Prng;

void prng_seed(Prng *g, uint64_t seed);
uint64_t prng_next(Prng *g);
/* Uniform in [0, bound); bound must be > 0. */
uint64_t prng_below(Prng *g, uint64_t bound);
/* Partial Fisher–Yates: moves a uniform random k-subset of items[0..m) into
 * items[0..k) in draw order (k <= m). */
void prng_draw(Prng *g, size_t *items, size_t m, size_t k);

#endif
