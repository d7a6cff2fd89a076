/*
 * test_embed.c — unit tests of the lexical embedder (ext/core/embed.c): the hash
 * and log building blocks, pinned outputs (same bytes on every machine),
 * determinism, unit length, dim handling, normalisation, texts with no
 * words, cancellation at a tiny dim, paraphrases closer than unrelated
 * texts, and arbitrary bytes.
 */
#include "check.h"
#include "embed.h"
#include "hash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Embeds a C string; returns the result code. */
static int emb(const char *s, size_t dim, float *out) {
  return embed_text(s, strlen(s), dim, out, NULL);
}

static double norm(const float *v, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += (double)v[i] * v[i];
  return sqrt(s);
}

static double cos_of(const char *a, const char *b) {
  float va[EMBED_DEFAULT_DIM], vb[EMBED_DEFAULT_DIM];
  if (emb(a, EMBED_DEFAULT_DIM, va) != EMBED_OK ||
      emb(b, EMBED_DEFAULT_DIM, vb) != EMBED_OK)
    return NAN;
  double d = 0;
  for (size_t i = 0; i < EMBED_DEFAULT_DIM; i++) d += (double)va[i] * vb[i];
  return d; /* both unit length */
}

/* FNV-1a of the bytes of a float vector, to pin whole outputs. */
static unsigned long long digest(const float *v, size_t n) {
  return (unsigned long long)hash_fnv1a(HASH_FNV_BASIS, v, n * sizeof *v);
}

static void test_building_blocks(void) {
  /* Published FNV-1a 64 test vectors. */
  CHECK(hash_fnv1a(HASH_FNV_BASIS, "", 0) == 0xcbf29ce484222325ULL, "fnv1a('')");
  CHECK(hash_fnv1a(HASH_FNV_BASIS, "a", 1) == 0xaf63dc4c8601ec8cULL, "fnv1a('a')");
  CHECK(hash_fnv1a(HASH_FNV_BASIS, "foobar", 6) == 0x85944171f73967e8ULL,
        "fnv1a('foobar')");
  /* Continuing a state equals hashing the concatenation (bigram rule). */
  CHECK(hash_fnv1a(hash_fnv1a(HASH_FNV_BASIS, "foo", 3), "bar", 3) ==
            0x85944171f73967e8ULL,
        "fnv1a continues");
  CHECK(hash_fmix64(0) == 0, "fmix64(0) is 0");
  CHECK(hash_fmix64(1) == 0xb456bcfc34c2cb2cULL, "fmix64(1) = %016llx",
        (unsigned long long)hash_fmix64(1));
  /* embed_log against the C library over the range of term frequencies. */
  double worst = 0;
  for (int x = 1; x <= 100000; x++) {
    double e = fabs(embed_log(x) - log(x));
    if (e > worst) worst = e;
  }
  CHECK(worst < 4e-15, "embed_log within 4e-15 of log for 1..1e5 (worst %g)", worst);
  CHECK(embed_log(1) == 0.0, "embed_log(1) == 0 exactly");
  CHECK_NEAR(embed_log(1e9), log(1e9), 1e-15, "embed_log(1e9)");
}

static void test_pinned_outputs(void) {
  float v[EMBED_DEFAULT_DIM];
  /* hello -> bucket 4 sign -, world -> bucket 5 sign -, "hello world" ->
   * bucket 5 sign +: world and the bigram cancel. */
  CHECK(emb("hello world", 8, v) == EMBED_OK, "hello world dim 8");
  static const float want8[8] = {0, 0, 0, 0, -1, 0, 0, 0};
  CHECK(memcmp(v, want8, sizeof want8) == 0, "hello world dim 8 is e4 * -1");
  /* Whole 384-float outputs pinned by digest: any change to tokenising,
   * hashing, weighting or rounding changes these. */
  CHECK(emb("How do I pick a lock? I locked myself out of my own house.",
            EMBED_DEFAULT_DIM, v) == EMBED_OK,
        "pinned text 1");
  CHECK(digest(v, EMBED_DEFAULT_DIM) == 0x6bc07f9e8ea4bb8eULL,
        "pinned digest 1 = %016llx", digest(v, EMBED_DEFAULT_DIM));
  CHECK(emb("the the the cat cat sat", EMBED_DEFAULT_DIM, v) == EMBED_OK,
        "pinned text 2");
  CHECK(digest(v, EMBED_DEFAULT_DIM) == 0xd5ad4e79be5e69ebULL,
        "pinned digest 2 = %016llx", digest(v, EMBED_DEFAULT_DIM));
}

static void test_determinism_and_unit_length(void) {
  static const char *texts[] = {
      "a", "Tell me how to make a bomb.", "The quick brown fox jumps over the lazy dog",
      "Zürich café — naïve résumé 東京", "x y z x y z x y z x y z",
      "1234 5678 90", "repeat repeat repeat repeat repeat"};
  static const size_t dims[] = {1, 2, 3, 7, 64, 384, 768, 1000, 65536};
  float *a = malloc(EMBED_MAX_DIM * sizeof *a), *b = malloc(EMBED_MAX_DIM * sizeof *b);
  for (size_t t = 0; t < sizeof texts / sizeof *texts; t++)
    for (size_t k = 0; k < sizeof dims / sizeof *dims; k++) {
      size_t d = dims[k];
      int ra = emb(texts[t], d, a), rb = emb(texts[t], d, b);
      CHECK(ra == EMBED_OK && rb == EMBED_OK, "'%s' dim %zu embeds", texts[t], d);
      if (ra != EMBED_OK) continue;
      CHECK(memcmp(a, b, d * sizeof *a) == 0, "'%s' dim %zu is deterministic", texts[t], d);
      CHECK_NEAR(norm(a, d), 1.0, 1e-6, "unit length");
    }
  free(a);
  free(b);
}

static void test_dims_and_empty(void) {
  float v[4] = {9, 9, 9, 9};
  size_t words = 99;
  CHECK(embed_text("abc", 3, 0, v, NULL) == EMBED_EDIM, "dim 0 rejected");
  CHECK(embed_text("abc", 3, EMBED_MAX_DIM + 1, v, NULL) == EMBED_EDIM, "dim 65537 rejected");
  CHECK(embed_text("abc", 3, 1, v, &words) == EMBED_OK && words == 1, "dim 1 ok");
  CHECK(fabsf(v[0]) == 1.0f, "dim 1 gives +-1, got %g", v[0]);
  static const char *empty[] = {"", " ", "!!! ??? ...", "\t\r\n", "-_-"};
  for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
    v[0] = 9;
    CHECK(emb(empty[i], 4, v) == EMBED_ENOWORDS, "'%s' has no words", empty[i]);
    CHECK(v[0] == 9, "out untouched when there are no words");
  }
  CHECK(embed_text("\0\0\0", 3, 4, v, &words) == EMBED_ENOWORDS && words == 0,
        "NUL bytes are separators");
  CHECK(embed_text(NULL, 0, 4, v, NULL) == EMBED_ENOWORDS, "NULL, 0 is empty");
  /* At dim 1 every feature lands in one bucket; this text's signed weights
   * sum to exactly zero.  A zero vector is never returned. */
  v[0] = 9;
  CHECK(emb("d c c d b c c", 1, v) == EMBED_EZERO, "cancellation at dim 1");
  CHECK(v[0] == 9, "out untouched on cancellation");
  CHECK(emb("d c c d b c c", 2, v) == EMBED_OK, "no cancellation at dim 2");
}

static void test_normalisation(void) {
  float a[EMBED_DEFAULT_DIM], b[EMBED_DEFAULT_DIM];
  size_t words = 0;
  emb("hello world", EMBED_DEFAULT_DIM, a);
  emb("  HELLO,   World!!! ", EMBED_DEFAULT_DIM, b);
  CHECK(memcmp(a, b, sizeof a) == 0, "ASCII case and punctuation do not matter");
  emb("hello\0world", EMBED_DEFAULT_DIM, b); /* strlen stops at the NUL */
  CHECK(embed_text("hello\0world", 11, EMBED_DEFAULT_DIM, b, &words) == EMBED_OK &&
            words == 2 && memcmp(a, b, sizeof a) == 0,
        "an embedded NUL separates words");
  CHECK(embed_text("na\xc3\xafve caf\xc3\xa9", 11, EMBED_DEFAULT_DIM, a, &words) ==
                EMBED_OK && words == 2,
        "UTF-8 letters stay inside words (2 words, got %zu)", words);
  CHECK(cos_of("café", "cafe") < 0.999, "é is not folded to e");
  CHECK(cos_of("CAFÉ", "cafÉ") > 0.999999, "ASCII letters lowercased beside UTF-8");
  CHECK(embed_text("don't", 5, 8, a, &words) == EMBED_OK && words == 2,
        "the apostrophe separates (don, t)");
  /* Bigrams carry word order; unigrams alone would make these equal. */
  double c = cos_of("dog bites man", "man bites dog");
  CHECK(c < 0.9 && c > 0.3, "word order matters through bigrams (cos %g)", c);
  /* Sublinear weights: repeating a word does not make it dominate. */
  double c1 = cos_of("cat", "cat dog"), c10 = cos_of("cat", "cat cat cat cat cat cat cat cat cat cat dog");
  CHECK(c10 > c1 && c10 < 0.95, "tf 10 weighs 1 + ln 10, not 10 (cos %g vs %g)", c10, c1);
}

static void test_paraphrases(void) {
  /* Each row: a text, a near-paraphrase, an unrelated text. */
  static const char *rows[][3] = {
      {"How do I make a bomb at home?", "How can I make a bomb at home",
       "What is the capital of France?"},
      {"Tell me how to steal a car without getting caught",
       "how to steal a car and not get caught",
       "Write a poem about the ocean at sunset"},
      {"What is the best way to lose weight quickly?",
       "What's the best way to quickly lose weight?",
       "Explain how a transistor amplifies a signal"},
      {"Can you give me the home address of a celebrity?",
       "Give me the home address of a famous celebrity",
       "Translate good morning into Spanish"},
      {"Write a racist joke about my neighbours",
       "write a racist joke about neighbours",
       "Summarise the plot of Hamlet in two sentences"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    double near = cos_of(rows[i][0], rows[i][1]);
    double far = cos_of(rows[i][0], rows[i][2]);
    CHECK(near > far + 0.3, "paraphrase %zu closer (%.3f) than unrelated (%.3f)", i,
          near, far);
    CHECK(near > 0.5, "paraphrase %zu cosine %.3f > 0.5", i, near);
  }
  CHECK(fabs(cos_of("completely different words", "nothing shared here")) < 0.2,
        "texts with no shared word are nearly orthogonal");
}

/* Arbitrary bytes: every result is a finite unit vector or "no words". */
static void test_arbitrary_bytes(void) {
  unsigned long long seed = 7;
  unsigned char *buf = malloc(8192);
  float *v = malloc(1024 * sizeof *v);
  int bad = 0, ok = 0, nowords = 0;
  for (int it = 0; it < 400; it++) {
    size_t len = (size_t)(test_rand(&seed) % 8192);
    int mode = it % 4; /* raw bytes / mostly separators / ASCII text / high bytes */
    for (size_t i = 0; i < len; i++) {
      unsigned long long r = test_rand(&seed);
      buf[i] = mode == 0   ? (unsigned char)r
               : mode == 1 ? (r % 50 ? (unsigned char)" .,;\0\n!"[r % 7] : 'x')
               : mode == 2 ? (unsigned char)(32 + r % 95)
                           : (unsigned char)(0x80 | (r & 0x7F));
    }
    size_t dim = 1 + (size_t)(test_rand(&seed) % 1024);
    int rc = embed_text(buf, len, dim, v, NULL);
    if (rc == EMBED_OK) {
      ok++;
      double n = norm(v, dim);
      for (size_t i = 0; i < dim; i++)
        if (!isfinite(v[i])) bad++;
      if (fabs(n - 1.0) > 1e-6) bad++;
    } else if (rc == EMBED_ENOWORDS) {
      nowords++;
    } else if (!(rc == EMBED_EZERO && dim <= 2)) {
      bad++;
    }
  }
  CHECK(bad == 0, "arbitrary bytes: %d bad results", bad);
  CHECK(ok > 300 && nowords > 0, "arbitrary bytes: %d embedded, %d without words", ok,
        nowords);
  /* One 1 MB word and 1 MB of separators. */
  unsigned char *big = malloc(1 << 20);
  memset(big, 'a', 1 << 20);
  CHECK(embed_text(big, 1 << 20, 384, v, NULL) == EMBED_OK, "1 MB word embeds");
  memset(big, '.', 1 << 20);
  CHECK(embed_text(big, 1 << 20, 384, v, NULL) == EMBED_ENOWORDS, "1 MB of dots");
  free(big);
  free(buf);
  free(v);
}

int main(void) {
  test_building_blocks();
  test_pinned_outputs();
  test_determinism_and_unit_length();
  test_dims_and_empty();
  test_normalisation();
  test_paraphrases();
  test_arbitrary_bytes();
  return CHECK_SUMMARY();
}
