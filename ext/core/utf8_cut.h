/*
 * utf8_cut.h — where to cut a text shown in a message: at most max bytes,
 * and never inside a UTF-8 character (half a character makes the whole
 * message invalid UTF-8, which some callers (Python's database module)
 * cannot decode).  Print the text with "%.*s", (int)utf8_cut(s, max), s.
 *
 * Pure C (no SQLite).
 */
#ifndef SAFETY_UTF8_CUT_H
#define SAFETY_UTF8_CUT_H

#include <stddef.h>

/* The length of s (NUL-terminated) if it is at most max bytes, else that
 * of its longest prefix of at most max bytes that ends before a UTF-8
 * continuation byte (0b10xxxxxx). */
static inline size_t utf8_cut(const char *s, size_t max) {
  size_t n = 0;
  while (n < max && s[n] != '\0') n++;
  if (s[n] != '\0')
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  return n;
}

#endif
