/*
 * tie.h — the tie rule of contract §7 ("Ties"): wherever examples are
 * ordered by a score and two scores are equal, the smaller tie key comes
 * first, then the smaller id, with
 *
 *   tie_key(id) = mix(uint64(id) XOR mix(uint64(seed)))
 *   mix(x) = the splitmix64 finaliser of x + 0x9E3779B97F4A7C15
 *
 * So when several responses to one prompt share its embedding, the seed,
 * not the order of import, decides which comes first.  mix(0) is
 * splitmix64's first output from state 0, 0xE220A8397B1DCDAF.
 */
#ifndef SAFETY_TIE_H
#define SAFETY_TIE_H

#include <stdint.h>

#include "hash.h"

/* mix(x) of the contract. */
static inline uint64_t tie_mix(uint64_t x) {
  return hash_splitmix64_mix(x + HASH_GOLDEN);
}

/* mix(uint64(seed)): computed once per selection. */
static inline uint64_t tie_seed(uint64_t seed) { return tie_mix(seed); }

/* The tie key of id under a seed mixed by tie_seed. */
static inline uint64_t tie_key(int64_t id, uint64_t seed_mix) {
  return tie_mix((uint64_t)id ^ seed_mix);
}

/* 1 when (score a, key ka, id ia) ranks before (b, kb, ib): the higher
 * score, then the smaller key, then the smaller id. */
static inline int tie_ranks_before(double a, uint64_t ka, int64_t ia,
                                   double b, uint64_t kb, int64_t ib) {
  if (a != b) return a > b;
  if (ka != kb) return ka < kb;
  return ia < ib;
}

#endif
