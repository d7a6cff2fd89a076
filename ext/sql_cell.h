/*
 * sql_cell.h — one SQL value as the pool and reference readers take it:
 * its type and content read out once.  A cell comes either from a
 * sqlite3_value of the reading statement (sql_cell_of) or from a copy of
 * the row that another connection's thread made (pool_parallel.c), so the
 * readers' checks and messages are the same whichever way a row arrived.
 */
#ifndef SAFETY_SQL_CELL_H
#define SAFETY_SQL_CELL_H

#include "common.h"
#include <stdint.h>

typedef struct {
  int type;                 /* SQLITE_INTEGER, _FLOAT, _TEXT, _BLOB, _NULL */
  int64_t i;                /* INTEGER: the value */
  double r;                 /* FLOAT: the value; INTEGER: as a double */
  /* TEXT: the text (NUL-terminated); BLOB: the bytes; a number: its text
   * as SQLite renders it when it was asked for (text_of_numbers), else
   * NULL.  NULL also when SQLite ran out of memory making the text. */
  const unsigned char *p;
  size_t n;                 /* bytes at p, without the NUL */
} SqlCell;

/* Fills c from v.  text_of_numbers: also render an INTEGER or REAL as
 * text (for a column whose messages or names show the value as text). */
static inline void sql_cell_of(sqlite3_value *v, int text_of_numbers,
                               SqlCell *c) {
  c->type = sqlite3_value_type(v);
  c->i = 0;
  c->r = 0;
  c->p = NULL;
  c->n = 0;
  switch (c->type) {
    case SQLITE_INTEGER:
      c->i = sqlite3_value_int64(v);
      c->r = (double)c->i;
      break;
    case SQLITE_FLOAT:
      c->r = sqlite3_value_double(v);
      break;
    case SQLITE_BLOB:
      c->p = sqlite3_value_blob(v);
      c->n = (size_t)sqlite3_value_bytes(v);
      return;
    case SQLITE_TEXT:
      c->p = sqlite3_value_text(v);
      c->n = (size_t)sqlite3_value_bytes(v);
      return;
    default:
      return;
  }
  if (text_of_numbers) {
    c->p = sqlite3_value_text(v);
    c->n = (size_t)sqlite3_value_bytes(v);
  }
}

/* "an INTEGER" or "a REAL": a numeric SQL type (a cell's or a value's),
 * as messages about a value of the wrong type name it. */
static inline const char *sql_number_type(int type) {
  return type == SQLITE_INTEGER ? "an INTEGER" : "a REAL";
}

#endif
