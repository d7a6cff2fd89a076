/*
 * embed.h — the deterministic lexical embedder behind safety_embed().
 *
 * Pure C with no SQLite dependency (unit tests and fuzz targets use it
 * directly).  It is NOT a neural model: it hashes words, so texts are close
 * when they share words and word pairs, not when they share meaning.
 *
 * The algorithm, fixed so that every machine gives the same bytes:
 *
 *  1. Words.  A byte is part of a word when it is an ASCII letter or digit
 *     (letters are lowercased) or any byte >= 0x80 (so UTF-8 multibyte
 *     characters stay inside words, unchanged).  Every other ASCII byte,
 *     NUL included, separates words.  "Don't STOP!" gives don, t, stop.
 *  2. Features.  Each word w is a unigram feature "w"; each pair of
 *     consecutive words is a bigram feature "w1 w2" (one space between).
 *  3. Hash.  h = FNV-1a 64 of the feature's bytes (offset basis
 *     0xcbf29ce484222325, prime 0x100000001b3), then MurmurHash3's fmix64
 *     finaliser m = fmix64(h).  The bucket is m % dim, the sign is + when
 *     bit 63 of m is 0 and - when it is 1 (signed feature hashing).
 *  4. Weight.  A feature that occurs tf times adds sign * (1 + ln tf) to its
 *     bucket once (sublinear term frequency; no idf, no stop words).  ln is
 *     computed with IEEE +, -, *, / only (embed_log), not the C library, and
 *     buckets are summed in double precision in sorted-hash order.
 *  5. Unit length.  The vector is divided by its L2 norm and rounded to
 *     float32.
 *
 * Text with no word gives EMBED_ENOWORDS (safety_embed returns NULL).  If
 * every bucket cancels to exactly zero (possible only for a tiny dim, such
 * as 1 or 2), the result is EMBED_EZERO rather than a zero vector, which
 * cosine() would reject.
 */
#ifndef SAFETY_EMBED_H
#define SAFETY_EMBED_H

#include <stddef.h>
#include <stdint.h>

/* 384 is the width of the common small sentence-transformers
 * (all-MiniLM-L6-v2, bge-small), so real embeddings can replace these
 * without changing anything else. */
#define EMBED_DEFAULT_DIM 384
#define EMBED_MAX_DIM 65536

enum {
  EMBED_OK = 0,
  EMBED_ENOMEM = 1,   /* out of memory */
  EMBED_ENOWORDS = 2, /* the text has no word */
  EMBED_EZERO = 3,    /* the signed features cancel out (tiny dim) */
  EMBED_EDIM = 4      /* dim outside [1, EMBED_MAX_DIM] */
};

/*
 * Embeds len bytes of text (any bytes; NUL is a separator) into out, which
 * holds dim floats.  out is written only when the result is EMBED_OK; it is
 * then unit length.  *n_words (may be NULL) receives the number of words.
 */
int embed_text(const void *text, size_t len, size_t dim, float *out,
               size_t *n_words);

/* The building blocks, exposed for the unit tests and the documentation
 * (the hashes, FNV-1a 64 and fmix64, are core/hash.h's). */
/* Natural logarithm of x >= 1 with basic IEEE operations only. */
double embed_log(double x);

#endif
