/*
 * truncation.c — is a model response cut off?  Generation that stops at a
 * token limit leaves a text that ends mid-sentence: on a word, a comma, an
 * announced list ("Here are the steps:") or a bare list number ("7.").
 * The rule looks at how the text ends (and counts its code fences), so it
 * is one pass over the bytes and gives the same answer on every machine:
 *
 *   1. Trailing white space (ASCII, U+00A0, U+3000) is ignored; an empty
 *      text is not cut off.
 *   2. An odd number of ``` fences means a code block was never closed: cut;
 *      a text that ends with a closing fence: not cut.
 *   3. Closing marks (quotes, *, _, `, U+FE0F) are stepped over; a closing
 *      bracket ) ] } （ 」 』 ends a text: not cut.
 *   4. The last code point then decides: a sentence end (. ! ? … 。 ！ ？ ｡),
 *      a table's | or a tag's >, an emoji or other symbol (U+2190..U+2BFF,
 *      U+1F000..U+1FAFF): not cut, unless the "." ends a bare list number
 *      on its own line ("7.") or an "e.g."/"i.e.": cut.  Anything else (a
 *      letter or digit of any script, , ; : - ( / and the like): cut,
 *      unless the last line is a sign-off, at most 4 words after a line
 *      that ends with a comma ("Best regards,\nAlex").
 * Invalid UTF-8 counts as a letter.
 */
#include "truncation.h"

#include <stdint.h>
#include <string.h>

#define SIGNOFF_MAX_WORDS 4

/* Decodes the code point that ends s[0..n) (n > 0); *start gets its first
 * byte.  A malformed sequence gives U+FFFD for its last byte. */
static uint32_t last_code_point(const unsigned char *s, size_t n,
                                size_t *start) {
  size_t i = n - 1, back = 0;
  while (i > 0 && back < 3 && (s[i] & 0xC0) == 0x80) {
    i--;
    back++;
  }
  unsigned char b = s[i];
  size_t want = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2
                : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
  if (want == 0 || want != n - i) {
    *start = n - 1;
    return s[n - 1] < 0x80 ? s[n - 1] : 0xFFFD;
  }
  uint32_t cp = want == 1 ? b : b & (0x7F >> want);
  for (size_t k = 1; k < want; k++) cp = (cp << 6) | (s[i + k] & 0x3F);
  *start = i;
  return cp;
}

static int is_space(uint32_t cp) {
  return cp == ' ' || (cp >= 9 && cp <= 13) || cp == 0xA0 || cp == 0x3000;
}

/* Length of s[0..n) without trailing white space. */
static size_t trim_end(const unsigned char *s, size_t n) {
  size_t start;
  while (n > 0 && is_space(last_code_point(s, n, &start))) n = start;
  return n;
}

static int is_closing_mark(uint32_t cp) {
  return cp == '"' || cp == '\'' || cp == '*' || cp == '_' || cp == '`' ||
         cp == 0x201D || cp == 0x2019 || cp == 0xBB || cp == 0xFE0F ||
         cp == 0x200D;
}

static int is_closing_bracket(uint32_t cp) {
  return cp == ')' || cp == ']' || cp == '}' || cp == 0xFF09 ||
         cp == 0x300D || cp == 0x300F;
}

static int is_sentence_end(uint32_t cp) {
  return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 ||
         cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF61 ||
         cp == '|' || cp == '>';
}

static int is_symbol(uint32_t cp) {
  return (cp >= 0x2190 && cp <= 0x2BFF) || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

/* Start of the line that holds s[n - 1]. */
static size_t line_start(const unsigned char *s, size_t n) {
  while (n > 0 && s[n - 1] != '\n') n--;
  return n;
}

/* The last line s[from..n) is a bare list number such as "  7.". */
static int bare_list_number(const unsigned char *s, size_t from, size_t n) {
  while (from < n && (s[from] == ' ' || s[from] == '\t')) from++;
  size_t digits = 0;
  while (from + digits < n && s[from + digits] >= '0' &&
         s[from + digits] <= '9')
    digits++;
  return digits >= 1 && digits <= 3 && from + digits + 1 == n &&
         s[n - 1] == '.';
}

static int ends_with_abbreviation(const unsigned char *s, size_t n) {
  static const char *const abbr[] = {"e.g.", "i.e.", "E.g.", "I.e."};
  for (size_t k = 0; k < sizeof abbr / sizeof *abbr; k++) {
    size_t m = strlen(abbr[k]);
    if (n >= m && memcmp(s + n - m, abbr[k], m) == 0 &&
        (n == m || is_space(s[n - m - 1]) || s[n - m - 1] == '('))
      return 1;
  }
  return 0;
}

/* The last line s[from..n) has at most SIGNOFF_MAX_WORDS words and the
 * line before it (blank lines skipped) ends with a comma. */
static int is_signoff(const unsigned char *s, size_t from, size_t n) {
  size_t words = 0;
  for (size_t i = from; i < n; i++)
    if (s[i] != ' ' && (i == from || s[i - 1] == ' ')) words++;
  if (words > SIGNOFF_MAX_WORDS || from == 0) return 0;
  size_t prev = trim_end(s, from);
  return prev > 0 && s[prev - 1] == ',';
}

/* How many ``` fences s[0..n) holds. */
static size_t count_fences(const unsigned char *s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i + 3 <= n; i++)
    if (s[i] == '`' && s[i + 1] == '`' && s[i + 2] == '`') {
      count++;
      i += 2;
    }
  return count;
}

int truncation_is_cut(const char *text, size_t len) {
  const unsigned char *s = (const unsigned char *)text;
  size_t n = len ? trim_end(s, len) : 0, start;
  if (n == 0) return 0;
  if (count_fences(s, n) % 2) return 1;
  if (n >= 3 && memcmp(s + n - 3, "```", 3) == 0) return 0;
  uint32_t cp = last_code_point(s, n, &start);
  while (is_closing_mark(cp) && start > 0) {
    n = start;
    cp = last_code_point(s, n, &start);
  }
  if (is_closing_bracket(cp) || is_symbol(cp)) return 0;
  size_t line = line_start(s, n);
  if (is_sentence_end(cp))
    return cp == '.' && (bare_list_number(s, line, n) ||
                         ends_with_abbreviation(s, n));
  return !is_signoff(s, line, n);
}
