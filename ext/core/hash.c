/*
 * hash.c — the hash of a vector's bytes (hash.h); the other hashes are
 * inline in hash.h.
 */
#include "hash.h"

#include <string.h>

uint64_t hash_vector(const float *v, size_t n_floats) {
  /* Four independent multiply-xorshift lanes over 8-byte words, then the
   * tail byte by byte. */
  const unsigned char *b = (const unsigned char *)v;
  size_t n = n_floats * sizeof(float), i = 0;
  uint64_t h[4] = {HASH_GOLDEN, 0xBF58476D1CE4E5B9ULL, 0x94D049BB133111EBULL,
                   (uint64_t)n};
  for (; i + 32 <= n; i += 32)
    for (int l = 0; l < 4; l++) {
      uint64_t w;
      memcpy(&w, b + i + 8 * l, 8);
      h[l] = (h[l] ^ w) * 0xFF51AFD7ED558CCDULL;
      h[l] ^= h[l] >> 29;
    }
  uint64_t r = h[0] ^ (h[1] * 3) ^ (h[2] * 5) ^ (h[3] * 7);
  for (; i < n; i++) r = (r ^ b[i]) * HASH_FNV_PRIME;
  return r;
}
