/*
 * sha256.h — SHA-256 (FIPS 180-4), for safety_report's input fingerprint.
 * Pure C, no SQLite; checked against the FIPS test vectors in
 * tests/c/test_beyond.c.
 */
#ifndef SAFETY_SHA256_H
#define SAFETY_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint32_t h[8];
  uint64_t bytes;       /* message length so far */
  unsigned char buf[64];
  size_t used;          /* bytes in buf */
} Sha256;

void sha256_init(Sha256 *s);
void sha256_update(Sha256 *s, const void *data, size_t n);
/* Writes the 32-byte digest; s must be re-initialised before reuse. */
void sha256_final(Sha256 *s, unsigned char out[32]);

/* Little-endian fixed-width helpers for hashing structured data. */
void sha256_u64(Sha256 *s, uint64_t v);
void sha256_u32(Sha256 *s, uint32_t v);

#endif
