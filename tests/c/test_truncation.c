/*
 * test_truncation.c — unit tests of truncation_is_cut (ext/truncation.c):
 * each rule of its head comment on a text that shows it, white space and
 * closing marks, UTF-8 (CJK, emoji, invalid bytes), NUL bytes, and a long
 * text (the rule reads only the end, so a cut-off text stays cut off
 * whatever comes before).
 */
#include "check.h"
#include "truncation.h"

#include <stdlib.h>
#include <string.h>

static int cut(const char *s) { return truncation_is_cut(s, strlen(s)); }

int main(void) {
  static const struct {
    const char *text;
    int want;
  } cases[] = {
      {"", 0},
      {" \n\t ", 0},
      {"I can't help with that.", 0},
      {"Really?", 0},
      {"Stop!", 0},
      {"Wait\xE2\x80\xA6", 0},                      /* … */
      {"\xE6\x88\x91\xE4\xB8\x8D\xE8\x83\xBD\xE3\x80\x82", 0}, /* 我不能。 */
      {"\xE6\x88\x91\xE4\xB8\x8D\xE8\x83\xBD", 1},  /* 我不能 (no 。) */
      {"Take care \xF0\x9F\x92\x96", 0},           /* 💖 */
      {"He said \"no.\"", 0},
      {"Call 911 (or your local number)", 0},
      {"Sincerely,\n[Your Name]", 0},
      {"Best regards,\n\nAlex Smith", 0},
      {"| a | b |\n|---|---|\n| 1 | 2 |", 0},
      {"```c\nint x;\n```", 0},
      {"**Done.**", 0},
      {"and then you", 1},
      {"Here are the steps:", 1},
      {"first, second,", 1},
      {"use a knife;", 1},
      {"a well-", 1},
      {"1. Mix it.\n2.", 1},
      {"1. Mix it.\n  10.", 1},
      {"Version 3.", 0},                            /* not on its own line */
      {"Some tools, e.g.", 1},
      {"i.e.", 1},
      {"Hello.\ni.e.", 1},                          /* found by the fuzzer */
      {"sie.g.", 0},
      {"the population was 100", 1},
      {"```python\nprint(1)\n", 1},                 /* open code block */
      {"```a```\n```b```\nok.\n```", 1},
      {"known as \"the Troubles\"", 1},
      {"This is the end of a long list of things and I", 1},
      {"Thanks to you all, and good luck,\nJohn", 0},
      {"Intro line without comma\nJohn", 1},
      {"Hello.\n\n\n   ", 0},
      {"Hello\xC2\xA0", 1},                         /* U+00A0 is blank */
      {"Hello.\xC2\xA0", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    CHECK(cut(cases[i].text) == cases[i].want, "case %zu (%s): expected %d",
          i, cases[i].text, cases[i].want);

  CHECK(truncation_is_cut(NULL, 0) == 0, "NULL, 0 is not cut off");
  /* NUL bytes: only the end counts. */
  CHECK(truncation_is_cut("a\0b.", 4) == 0, "NUL inside, ends with .");
  CHECK(truncation_is_cut("ok.\0", 4) == 1, "a trailing NUL is not blank");
  /* Invalid UTF-8 at the end counts as a letter; a lone continuation byte
   * or a truncated sequence does not read before the text. */
  CHECK(cut("fine.\xFF") == 1, "0xFF at the end");
  CHECK(truncation_is_cut("\x80", 1) == 1, "a lone continuation byte");
  CHECK(truncation_is_cut("\xE3\x80", 2) == 1, "a cut 3-byte sequence");
  CHECK(cut("\xE3\x80\x82") == 0, "U+3002 alone");
  /* A long text: 1 MB of sentences, then cut mid-word / closed. */
  size_t n = 1 << 20;
  char *big = malloc(n + 16);
  CHECK(big != NULL, "malloc");
  if (big) {
    for (size_t i = 0; i < n; i++) big[i] = "Say no. "[i % 8];
    memcpy(big + n, "Then th", 7);
    CHECK(truncation_is_cut(big, n + 7) == 1, "long text cut mid-word");
    CHECK(truncation_is_cut(big, n) == 0, "long text ending with '. '");
    free(big);
  }
  return CHECK_SUMMARY();
}
