/*
 * pool_group.c — the group option's value of a pool row as a group number
 * (pool_group_number, pool_read.h), for the pool reader (pool_read.c).
 */
#include "pool_read.h"

#include "core/group.h"
#include <math.h>
#include <string.h>

/* "<tag><hex of the bytes>": a group key for a BLOB or a TEXT holding a
 * NUL (interned names are C strings). */
static char *hex_key(char tag, const unsigned char *b, int n) {
  char *key = sqlite3_malloc64((sqlite3_uint64)n * 2 + 2);
  if (key == NULL) return NULL;
  key[0] = tag;
  for (int i = 0; i < n; i++) {
    key[1 + 2 * i] = "0123456789abcdef"[b[i] >> 4];
    key[2 + 2 * i] = "0123456789abcdef"[b[i] & 15];
  }
  key[1 + 2 * n] = '\0';
  return key;
}

int pool_group_number(sqlite3_value *v, Names *groups, uint32_t *out) {
  *out = GROUP_NONE;
  int type = sqlite3_value_type(v);
  if (type == SQLITE_NULL) return SQLITE_OK;
  double d = sqlite3_value_double(v);
  char *key;
  if (type == SQLITE_INTEGER ||
      (type == SQLITE_FLOAT && d == (double)(sqlite3_int64)d && fabs(d) < 9.2e18))
    key = sqlite3_mprintf("i%lld", (long long)sqlite3_value_int64(v));
  else if (type == SQLITE_FLOAT)
    key = sqlite3_mprintf("r%!.17g", d);
  else {
    const unsigned char *b = type == SQLITE_TEXT ? sqlite3_value_text(v)
                                                : sqlite3_value_blob(v);
    int n = sqlite3_value_bytes(v);
    int has_nul = b && memchr(b, 0, (size_t)n) != NULL;
    key = type == SQLITE_TEXT && !has_nul
              ? sqlite3_mprintf("t%.*s", n, b ? (const char *)b : "")
              : hex_key(type == SQLITE_TEXT ? 'T' : 'b', b, n);
  }
  if (key == NULL) return SQLITE_NOMEM;
  int nomem = 0;
  size_t k = names_find(groups, key, strlen(key), 1, &nomem);
  sqlite3_free(key);
  if (nomem || k >= GROUP_NONE) return SQLITE_NOMEM;
  *out = (uint32_t)k;
  return SQLITE_OK;
}
