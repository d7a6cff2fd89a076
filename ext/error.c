/*
 * error.c — the single place where error messages are formatted and set.
 *
 * Messages read "<function>: <what is wrong>[; <how to fix it>]".  Keeping
 * the formatting here means every function reports errors the same way and
 * none is ever swallowed into SQLite's generic "SQL logic error"; and every
 * message is valid UTF-8, whatever bytes of the user's values it quotes.
 */
#include "common.h"

/* The length of the valid UTF-8 sequence at s, or 0 if s does not start
 * one (a stray continuation byte, an overlong form, a surrogate, a code
 * point above U+10FFFF, or a sequence cut short). */
static int utf8_sequence_length(const unsigned char *s) {
  unsigned c = s[0];
  int n = c < 0x80 ? 1 : c < 0xC2 ? 0 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : c < 0xF5 ? 4 : 0;
  unsigned lo = 0x80, hi = 0xBF; /* the allowed range of the second byte */
  if (c == 0xE0) lo = 0xA0;
  if (c == 0xED) hi = 0x9F;
  if (c == 0xF0) lo = 0x90;
  if (c == 0xF4) hi = 0x8F;
  for (int i = 1; i < n; i++) {
    unsigned b = s[i];
    if (i == 1 ? b < lo || b > hi : (b & 0xC0) != 0x80) return 0;
  }
  return n;
}

/* Replaces, in place, each byte that is not part of a valid UTF-8 sequence
 * with '?': messages quote the user's values (a BLOB id, a relation name),
 * and one invalid byte makes the whole message undecodable for callers
 * such as Python's database module. */
static void utf8_repair(char *text) {
  unsigned char *s = (unsigned char *)text;
  while (*s != '\0') {
    int n = utf8_sequence_length(s);
    if (n == 0) *s++ = '?';
    else s += n;
  }
}

char *safety_error_vtext(const char *fn, const char *fmt, va_list ap) {
  char *body = sqlite3_vmprintf(fmt, ap);
  char *text = NULL;
  if (body == NULL) return NULL;
  text = sqlite3_mprintf("%s: %s", fn, body);
  sqlite3_free(body);
  if (text != NULL) utf8_repair(text);
  return text;
}

char *safety_error_text(const char *fn, const char *fmt, ...) {
  va_list ap;
  char *text;
  va_start(ap, fmt);
  text = safety_error_vtext(fn, fmt, ap);
  va_end(ap);
  return text;
}

void safety_result_error(sqlite3_context *ctx, const char *fn, const char *fmt,
                         ...) {
  va_list ap;
  char *text;
  va_start(ap, fmt);
  text = safety_error_vtext(fn, fmt, ap);
  va_end(ap);
  if (text == NULL) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_error(ctx, text, -1);
  sqlite3_free(text);
}

void safety_vtab_error(sqlite3_vtab *vtab, const char *fn, const char *fmt,
                       ...) {
  va_list ap;
  va_start(ap, fmt);
  sqlite3_free(vtab->zErrMsg);
  vtab->zErrMsg = safety_error_vtext(fn, fmt, ap);
  va_end(ap);
}
