/*
 * hash.h — the project's non-cryptographic hashes, each written once:
 * FNV-1a 64 (the lexical embedder's features, the pool reader's name
 * index), the murmur3 64-bit finaliser fmix64 (the embedder's buckets),
 * splitmix64 (the generator's seeding; its finaliser mixes the pool
 * reader's ids) and the fast hash of a vector's bytes that tells two rows
 * of one example apart.  The embedder's hashes are part of the documented
 * behaviour (core/embed.h, tests/sh/embed_reference.sh): never change them.
 */
#ifndef SAFETY_HASH_H
#define SAFETY_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV_BASIS 0xcbf29ce484222325ULL
#define HASH_FNV_PRIME 0x100000001b3ULL
#define HASH_GOLDEN 0x9E3779B97F4A7C15ULL /* splitmix64's increment */

/* FNV-1a 64 of n bytes, continuing from state h (HASH_FNV_BASIS to start). */
static inline uint64_t hash_fnv1a(uint64_t h, const void *bytes, size_t n) {
  const unsigned char *p = bytes;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * HASH_FNV_PRIME;
  return h;
}

/* murmur3's 64-bit finaliser. */
static inline uint64_t hash_fmix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

/* splitmix64's output function of state z. */
static inline uint64_t hash_splitmix64_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* The next splitmix64 output of the generator state *x. */
static inline uint64_t hash_splitmix64(uint64_t *x) {
  return hash_splitmix64_mix(*x += HASH_GOLDEN);
}

/* The hash of n floats' bytes (four multiply-xorshift lanes over 8-byte
 * words, then FNV-1a steps over the tail): fast, not cryptographic. */
uint64_t hash_vector(const float *v, size_t n);

#endif
