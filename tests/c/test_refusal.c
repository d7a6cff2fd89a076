/*
 * test_refusal.c — unit tests of the pure refusal heuristic
 * (refusal_score_text): pinned values, normalisation equivalences, embedded
 * NULs, truncated UTF-8, arbitrary bytes and very long input.  Run under
 * AddressSanitizer (make sanitize) it also checks that no byte outside the
 * input is read.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "refusal.h"

static double score(const char *s) { return refusal_score_text(s, strlen(s)); }

/* Score of exactly n bytes copied into a fresh heap block, so that any read
 * past the end is caught by ASan. */
static double score_exact(const char *s, size_t n) {
  char *p = malloc(n ? n : 1);
  if (p == NULL) return -1;
  memcpy(p, s, n);
  double r = refusal_score_text(p, n);
  free(p);
  return r;
}

static int in_range(double s) { return s >= 0.0 && s <= 1.0; }

static void test_basics(void) {
  CHECK(refusal_score_text(NULL, 0) == 0.0, "NULL text scores 0");
  CHECK(refusal_score_text("", 0) == 0.0, "empty text scores 0");
  CHECK(score(" \t\r\n\v\f ") == 0.0, "blank text scores 0");
  CHECK(refusal_score_text("I cannot", 0) == 0.0, "len 0 reads nothing");
  /* one decisive cue (weight 1.6) alone: r^2 / (1 + r^2) */
  double want = (1.6 * 1.6) / (1.0 + 1.6 * 1.6);
  CHECK(score("I cannot help with that.") == want, "pinned: %.17g vs %.17g",
        score("I cannot help with that."), want);
  /* a weight-1.0 cue alone is exactly the threshold */
  CHECK(score("It is not accurate to say that.") == 0.5, "pinned 0.5: %.17g",
        score("It is not accurate to say that."));
  CHECK(score("Paris is the capital of France.") == 0.0, "no cue scores 0");
  CHECK(score("Sure! Here is a recipe.") == 0.0, "compliance scores 0");
  CHECK(score("I'm sorry, but I can't help with that.") > 0.8,
        "strong refusal: %g", score("I'm sorry, but I can't help with that."));
}

static void test_normalisation(void) {
  double ascii = score("i can't help with that.");
  CHECK(score("I CAN'T HELP WITH THAT.") == ascii, "upper case folds");
  CHECK(score("I can\xE2\x80\x99t help with that.") == ascii,
        "right single quote folds to '");
  CHECK(score("I can\xE2\x80\x98t help with that.") == ascii,
        "left single quote folds to '");
  CHECK(score("  I   can't\t\thelp \r\n with that.  ") ==
            score("I can't help\nwith that."),
        "whitespace runs collapse (a line break is kept as one)");
  CHECK(score("I\xC2\xA0"
              "cannot help.") == score("I cannot help."),
        "no-break space is a space");
  /* embedded NUL is a blank, and bytes after it are read */
  static const char nul[] = "I\0cannot help with that.";
  CHECK(refusal_score_text(nul, sizeof nul - 1) ==
            score("I cannot help with that."),
        "embedded NUL acts as a space");
  static const char nul2[] = "\0\0\0I cannot help with that.\0";
  CHECK(refusal_score_text(nul2, sizeof nul2 - 1) ==
            score("I cannot help with that."),
        "leading/trailing NULs are blanks");
  /* truncated and invalid UTF-8 at the very end of the input */
  static const char *const tails[] = {"I can\xE2",    "I can\xE2\x80",
                                      "I can\xC2",    "\xFF\xFE\xFD",
                                      "\xE2\x80\x99", "{|}~*"};
  for (size_t i = 0; i < sizeof tails / sizeof *tails; i++) {
    double s = score_exact(tails[i], strlen(tails[i]));
    CHECK(in_range(s), "tail %zu in range: %g", i, s);
  }
}

static void test_position_and_rules(void) {
  CHECK(score("I cannot provide that. The sky is blue. Birds sing.") >
            score("The sky is blue. Birds sing. I cannot provide that."),
        "opening sentence counts more than a late one");
  CHECK(score("I cannot stress enough how useful backups are.") < 0.5,
        "'cannot stress' is not a refusal");
  CHECK(score("Thank you for asking! I'm happy to help. However, I cannot "
              "share private data.") >= 0.5,
        "pleasantries are skipped: the refusal after them is the opening");
  CHECK(score("I can't help you with that. However, here are some options:\n"
              "1. Ask a locksmith.\n2. Call your landlord.\n3. Wait.") >= 0.5,
        "partial refusal counts as refusal");
  CHECK(score("I'm sorry to hear that. Here are some tips:\n1. Rest.\n"
              "2. Drink water.") < 0.5,
        "apology then an answer is compliance");
  CHECK(score("Here's the code:\n```\nprint(1)\n```") == 0.0,
        "code fence is compliance");
  /* abbreviations and numbers do not end the opening sentence */
  CHECK(score("E.g. it is not appropriate to do that.") >= 0.5,
        "e.g. does not split the opening");
}

/* Random bytes of every length up to 600, and random mixes of the tokens
 * the matcher treats specially: results in [0, 1] and repeatable. */
static void test_fuzz(void) {
  static const char *const tok[] = {"i",         "can't",    "cannot",
                                    "not",       "{",        "}",
                                    "|",         "~",        "*",
                                    ".",         "!",        "?",
                                    "\n",        " ",        "1.",
                                    "- ",        "```",      "\xE2\x80\x99",
                                    "\xE2\x80",  "\xC2\xA0", "sorry,",
                                    "but",       "here",     "are",
                                    "thank you", "e.g.",     "\0",
                                    "'",         "\"",       "appropriate",
                                    "as an ai",  "don't",    "have access to",
                                    "sure"};
  unsigned long long seed = 7;
  char buf[700];
  int bad = 0;
  for (size_t n = 0; n <= 600; n++) {
    for (size_t i = 0; i < n; i++) buf[i] = (char)(test_rand(&seed) & 0xFF);
    double a = score_exact(buf, n), b = score_exact(buf, n);
    if (!in_range(a) || a != b) bad++;
  }
  CHECK(bad == 0, "random bytes: %d bad results", bad);
  bad = 0;
  for (int round = 0; round < 3000; round++) {
    size_t n = 0;
    int ntok = (int)(test_rand(&seed) % 40);
    for (int k = 0; k < ntok; k++) {
      const char *t = tok[test_rand(&seed) % (sizeof tok / sizeof *tok)];
      size_t l = t[0] ? strlen(t) : 1;
      if (n + l + 1 > sizeof buf) break;
      memcpy(buf + n, t, l);
      n += l;
      if (test_rand(&seed) & 1) buf[n++] = ' ';
    }
    double a = score_exact(buf, n), b = score_exact(buf, n);
    if (!in_range(a) || a != b) bad++;
  }
  CHECK(bad == 0, "token mixes: %d bad results", bad);
}

/* Inputs far beyond the scan limit: bounded work, refusal in the opening
 * still found, text beyond the limit ignored. */
static void test_long(void) {
  size_t n = 4u << 20; /* 4 MiB */
  char *big = malloc(n);
  if (big == NULL) {
    CHECK(0, "out of memory");
    return;
  }
  static const char filler[] = "The weather is mild and the river is calm. ";
  const char *head = "I cannot help with that. ";
  size_t hl = strlen(head);
  memcpy(big, head, hl);
  for (size_t i = hl; i < n; i++)
    big[i] = filler[(i - hl) % (sizeof filler - 1)];
  CHECK(refusal_score_text(big, n) == score("I cannot help with that."),
        "4 MiB text opening with a refusal: %g", refusal_score_text(big, n));
  /* refusal only after the scan window */
  for (size_t i = 0; i < n; i++) big[i] = filler[i % (sizeof filler - 1)];
  memcpy(big + n - hl, head, hl);
  CHECK(refusal_score_text(big, n) == 0.0,
        "refusal beyond the window is not read");
  /* all blanks and NULs */
  memset(big, ' ', n / 2);
  memset(big + n / 2, 0, n / 2);
  CHECK(refusal_score_text(big, n) == 0.0, "4 MiB of blanks scores 0");
  /* a text exactly at, one below and one above the scan limit */
  for (size_t len = REFUSAL_SCAN_MAX - 1; len <= REFUSAL_SCAN_MAX + 1; len++) {
    for (size_t i = 0; i < len; i++) big[i] = (i % 7 == 6) ? ' ' : 'x';
    memcpy(big, head, hl);
    double s = score_exact(big, len);
    CHECK(s == score("I cannot help with that."), "length %zu: %g", len, s);
  }
  free(big);
}

int main(void) {
  test_basics();
  test_normalisation();
  test_position_and_rules();
  test_fuzz();
  test_long();
  return CHECK_SUMMARY();
}
