/*
 * pool_values.c — the values of a pool or reference row as the readers
 * take them (pool_read.h): a row's cells (pool_row_cells), a category as
 * checked text (pool_category_text) and the group option's value as a
 * group number (pool_group_number).
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

int pool_group_number(const SqlCell *v, Names *groups, uint32_t *out) {
  *out = GROUP_NONE;
  int type = v->type;
  if (type == SQLITE_NULL) return SQLITE_OK;
  double d = v->r;
  char *key;
  if (type == SQLITE_INTEGER)
    key = sqlite3_mprintf("i%lld", (long long)v->i);
  else if (type == SQLITE_FLOAT && d == (double)(sqlite3_int64)d && fabs(d) < 9.2e18)
    key = sqlite3_mprintf("i%lld", (long long)(sqlite3_int64)d);
  else if (type == SQLITE_FLOAT)
    key = sqlite3_mprintf("r%!.17g", d);
  else {
    const unsigned char *b = v->p;
    int n = (int)v->n;
    if (b == NULL && n > 0) return SQLITE_NOMEM;
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

void pool_row_cells_head(sqlite3_value **v, SqlCell *c) {
  sql_cell_of(v[0], sqlite3_value_type(v[0]) != SQLITE_INTEGER, &c[0]);
  sql_cell_of(v[2], 1, &c[2]);
}

void pool_row_cells_rest(sqlite3_value **v, SqlCell *c) {
  sql_cell_of(v[1], 1, &c[1]);
  sql_cell_of(v[3], 0, &c[3]);
  sql_cell_of(v[4], 0, &c[4]);
}

void pool_row_cells(sqlite3_value **v, SqlCell *c) {
  pool_row_cells_head(v, c);
  pool_row_cells_rest(v, c);
}

/* "example id N" ("" without an id), printed only for a message. */
static void example_which(char *which, int size, int has_id, int64_t id) {
  which[0] = '\0';
  if (has_id) sqlite3_snprintf(size, which, "example id %lld", (long long)id);
}

int pool_category_text(const SqlCell *v, const char *kind, const char *rel,
                       int64_t id, int has_id, const char **text, size_t *len,
                       char **errmsg) {
  char which[48];
  if (v->type == SQLITE_BLOB) {
    example_which(which, (int)sizeof which, has_id, id);
    *errmsg = sqlite3_mprintf(
        "the %s relation \"%s\" has a BLOB category%s%s%s; categories must "
        "be TEXT (or NULL): store text, or CAST(category AS TEXT) in a view",
        kind, rel, has_id ? " (" : "", which, has_id ? ")" : "");
    return SQLITE_ERROR;
  }
  *text = (const char *)v->p;
  *len = v->n;
  if (*text == NULL) return SQLITE_NOMEM;
  if (*len == 0) { /* a CSV's empty field, most often: not a category */
    example_which(which, (int)sizeof which, has_id, id);
    *errmsg = sqlite3_mprintf(
        "the %s relation \"%w\" has an empty category ''%s%s%s; %s",
        kind, rel, has_id ? " (" : "", which, has_id ? ")" : "",
        strcmp(kind, "reference") == 0
            ? "every reference example needs its harm category: fix the data "
              "or leave the row out"
            : "an example without a category has NULL: fix the data, or "
              "NULLIF(category, '') in a view");
    return SQLITE_ERROR;
  }
  size_t nul = strlen(*text);
  if (nul < *len) {
    example_which(which, (int)sizeof which, has_id, id);
    *errmsg = sqlite3_mprintf(
        "the %s relation \"%s\" has a category with a NUL byte (%s%sbyte "
        "%llu); category names must be text without NUL bytes: fix the "
        "data, or replace(category, char(0), '') in a view",
        kind, rel, which, has_id ? ", " : "", (unsigned long long)nul);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}
