/*
 * utf8.h — UTF-8 for the file readers and the messages: how much of a
 * text is valid UTF-8 (csv_each and jsonl_each refuse the rest; the error
 * helper shows each invalid byte as '?'), and where to cut a text shown in
 * a message: at most max bytes, never inside a character (half a character
 * makes the whole message invalid UTF-8, which some callers, Python's
 * database module, cannot decode).  Print a cut text with "%.*s",
 * (int)utf8_cut(s, max), s.
 *
 * Pure C (no SQLite).
 */
#ifndef SAFETY_UTF8_H
#define SAFETY_UTF8_H

#include <stddef.h>

/* Length of the longest valid UTF-8 prefix of p[0..n): no stray
 * continuation byte, overlong form, surrogate or code point above
 * U+10FFFF, and no sequence cut short. */
size_t utf8_valid_prefix(const unsigned char *p, size_t n);

/* The length of s[0..len) if it is at most max bytes, else that of its
 * longest prefix of at most max bytes that ends before a UTF-8
 * continuation byte (0b10xxxxxx). */
static inline size_t utf8_cut_len(const char *s, size_t len, size_t max) {
  size_t n = len < max ? len : max;
  if (n < len)
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  return n;
}

/* utf8_cut_len of s (NUL-terminated), read no further than max + 1 bytes. */
static inline size_t utf8_cut(const char *s, size_t max) {
  size_t len = 0;
  while (len <= max && s[len] != '\0') len++;
  return utf8_cut_len(s, len, max);
}

#endif
