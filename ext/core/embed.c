/*
 * embed.c — the deterministic lexical embedder.  See embed.h for the
 * algorithm; this file follows it step by step.
 */
#include "embed.h"

#include "alloc.h"
#include "hash.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * ln x for x >= 1: x = m * 2^e with m in [sqrt(1/2), sqrt(2)) (frexp is
 * exact), ln m = 2 atanh(s) with s = (m - 1) / (m + 1), |s| < 0.172, summed
 * as a fixed 13-term series (error below 1e-16), plus e * ln 2.  Only
 * correctly rounded IEEE operations are used, in a fixed order, so every
 * machine gets the same bits (the C library's log() may differ by an ulp).
 */
double embed_log(double x) {
  int e;
  double m = frexp(x, &e);
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    e -= 1;
  }
  double s = (m - 1.0) / (m + 1.0);
  double s2 = s * s, term = s, sum = 0.0;
  for (int k = 0; k < 13; k++) {
    sum += term / (double)(2 * k + 1);
    term *= s2;
  }
  return 2.0 * sum + (double)e * 0.69314718055994530942;
}

/* Growable array of feature hashes. */
typedef struct {
  uint64_t *h;
  size_t n, cap;
} Features;

static int features_push(Features *f, uint64_t h) {
  if (f->n == f->cap) {
    size_t cap = f->cap ? f->cap * 2 : 64, bytes;
    if (!ss_mul_size(cap, sizeof *f->h, &bytes)) return 0;
    uint64_t *p = ss_realloc(f->h, bytes);
    if (p == NULL) return 0;
    f->h = p;
    f->cap = cap;
  }
  f->h[f->n++] = h;
  return 1;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Step 1: is byte c part of a word? */
static int is_word_byte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

/*
 * Steps 1-3: splits the text into words and appends the mixed hash of every
 * unigram and bigram to f.  The bigram "w1 w2" is hashed by continuing w1's
 * FNV state over ' ' and w2, so it equals FNV-1a of the string "w1 w2".
 */
static int collect_features(const unsigned char *p, size_t len, Features *f,
                            size_t *n_words) {
  uint64_t uni = 0, bi = 0, prev = 0;
  int in_word = 0, have_prev = 0;
  *n_words = 0;
  for (size_t i = 0; i <= len; i++) {
    unsigned char c = i < len ? p[i] : 0;
    if (i < len && is_word_byte(c)) {
      if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
      if (!in_word) {
        in_word = 1;
        uni = HASH_FNV_BASIS;
        if (have_prev) bi = hash_fnv1a(prev, " ", 1);
      }
      uni = (uni ^ c) * HASH_FNV_PRIME;
      if (have_prev) bi = (bi ^ c) * HASH_FNV_PRIME;
    } else if (in_word) {
      in_word = 0;
      (*n_words)++;
      if (!features_push(f, hash_fmix64(uni))) return 0;
      if (have_prev && !features_push(f, hash_fmix64(bi))) return 0;
      prev = uni;
      have_prev = 1;
    }
  }
  return 1;
}

int embed_text(const void *text, size_t len, size_t dim, float *out,
               size_t *n_words) {
  Features f = {NULL, 0, 0};
  double *bucket = NULL;
  size_t words = 0;
  int rc = EMBED_OK;
  if (dim < 1 || dim > EMBED_MAX_DIM) return EMBED_EDIM;
  if (!collect_features(text, len, &f, &words)) {
    rc = EMBED_ENOMEM;
    goto cleanup;
  }
  if (n_words) *n_words = words;
  if (words == 0) {
    rc = EMBED_ENOWORDS;
    goto cleanup;
  }
  bucket = ss_malloc_array(dim, sizeof *bucket);
  if (bucket == NULL) {
    rc = EMBED_ENOMEM;
    goto cleanup;
  }
  memset(bucket, 0, dim * sizeof *bucket);
  /* Step 4: equal hashes are adjacent after sorting; each distinct feature
   * adds its weight once, in ascending hash order. */
  qsort(f.h, f.n, sizeof *f.h, cmp_u64);
  for (size_t i = 0; i < f.n;) {
    size_t j = i + 1;
    while (j < f.n && f.h[j] == f.h[i]) j++;
    double w = 1.0 + embed_log((double)(j - i));
    if (f.h[i] >> 63) w = -w;
    bucket[f.h[i] % dim] += w;
    i = j;
  }
  /* Step 5: unit length. */
  double ss = 0.0;
  for (size_t i = 0; i < dim; i++) ss += bucket[i] * bucket[i];
  if (ss == 0.0) {
    rc = EMBED_EZERO;
    goto cleanup;
  }
  double norm = sqrt(ss);
  for (size_t i = 0; i < dim; i++) out[i] = (float)(bucket[i] / norm);
cleanup:
  ss_free(bucket);
  ss_free(f.h);
  return rc;
}
