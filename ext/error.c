/*
 * error.c — the single place where error messages are formatted and set.
 *
 * Messages read "<function>: <what is wrong>[; <how to fix it>]".  Keeping
 * the formatting here means every function reports errors the same way and
 * none is ever swallowed into SQLite's generic "SQL logic error"; and every
 * message is valid UTF-8, whatever bytes of the user's values it quotes.
 */
#include "common.h"

#include "core/utf8.h"
#include <string.h>

/* Replaces, in place, each byte that is not part of a valid UTF-8 sequence
 * with '?': messages quote the user's values (a BLOB id, a relation name),
 * and one invalid byte makes the whole message undecodable for callers
 * such as Python's database module. */
static void utf8_repair(char *text) {
  unsigned char *s = (unsigned char *)text;
  size_t n = strlen(text), i = 0;
  while ((i += utf8_valid_prefix(s + i, n - i)) < n) s[i++] = '?';
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
