/*
 * prng.c — xoshiro256** with splitmix64 seeding and unbiased bounded draws.
 * See prng.h for the exact algorithm (it is part of the documented
 * behaviour: the same seed gives the same draw everywhere).
 */
#include "prng.h"

#include "hash.h"

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void prng_seed(Prng *g, uint64_t seed) {
  uint64_t x = seed;
  for (int i = 0; i < 4; i++) g->s[i] = hash_splitmix64(&x);
}

uint64_t prng_next(Prng *g) {
  uint64_t *s = g->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

/* Lemire, "Fast Random Integer Generation in an Interval" (2019). */
uint64_t prng_below(Prng *g, uint64_t bound) {
  unsigned __int128 m = (unsigned __int128)prng_next(g) * bound;
  uint64_t low = (uint64_t)m;
  if (low < bound) {
    uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = (unsigned __int128)prng_next(g) * bound;
      low = (uint64_t)m;
    }
  }
  return (uint64_t)(m >> 64);
}

void prng_draw(Prng *g, size_t *items, size_t m, size_t k) {
  for (size_t i = 0; i < k && i < m; i++) {
    size_t j = i + (size_t)prng_below(g, (uint64_t)(m - i));
    size_t tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
}
