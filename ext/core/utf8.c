/*
 * utf8.c — UTF-8 validation (see utf8.h).  Pure C (no SQLite).
 */
#include "utf8.h"

size_t utf8_valid_prefix(const unsigned char *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = p[i], k, min;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) k = 1, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) k = 2, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) k = 3, min = 0x10000;
    else return i;
    unsigned cp = c & (0x3F >> k);
    for (unsigned j = 1; j <= k; j++) {
      if (i + j >= n || (p[i + j] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + j] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += k + 1;
  }
  return n;
}
