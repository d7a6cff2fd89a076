/*
 * reference_read.c — reading cossim's reference relation (category,
 * embedding) into a RefSet: each category's mean of unit vectors
 * (core/pool.c computes them).  See pool_read.h.
 */
#include "pool_read.h"

#include "core/arena.h"
#include "core/utf8.h"
#include "relation.h"
#include "vec_value.h"
#include <stdio.h>
#include <string.h>

/* The rows read so far: names, and each row's floats and norm. */
typedef struct {
  Names ns;
  RefRow *rows;
  float *vectors;
  double *norms;
  size_t n_rows, cap_rows, cap_vectors, cap_norms, dim;
  float *json; /* the current row's embedding when it is JSON text */
} RefRows;

/* 1 if category c (len bytes) is one of the listed ones (or none is). */
static int listed(const PoolQuery *q, const char *c, size_t len) {
  if (q->categories == NULL) return 1;
  for (size_t i = 0; i < q->n_categories; i++)
    if (strlen(q->categories[i]) == len && memcmp(q->categories[i], c, len) == 0)
      return 1;
  return 0;
}

/* One reference row of statement st. */
static int ref_row(const PoolQuery *q, sqlite3_stmt *st, RefRows *rr,
                   char **errmsg) {
  int nomem = 0;
  char who[160];
  if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
    *errmsg = sqlite3_mprintf(
        "the reference relation \"%s\" has a row with a NULL category; "
        "every reference example needs its harm category",
        q->reference);
    return SQLITE_ERROR;
  }
  const char *c;
  size_t len;
  SqlCell cat, v;
  sql_cell_of(sqlite3_column_value(st, 0), 1, &cat);
  int crc = pool_category_text(&cat, "reference", q->reference, 0, 0, &c,
                               &len, errmsg);
  if (crc != SQLITE_OK) return crc;
  if (!listed(q, c, len)) return SQLITE_OK; /* only the listed categories */
  size_t name = names_find(&rr->ns, c, len, 1, &nomem);
  if (nomem) return SQLITE_NOMEM;
  snprintf(who, sizeof who, "a reference example of category '%.*s'",
           (int)utf8_cut(c, 100), c);
  sql_cell_of(sqlite3_column_value(st, 1), 0, &v);
  ss_free(rr->json);
  int rc = embedding_dim(&v, who, &rr->dim, "others", &rr->json, errmsg);
  if (rc != SQLITE_OK) return rc;
  size_t need, n = rr->n_rows, dim = rr->dim;
  if (!ss_grow((void **)&rr->rows, &rr->cap_rows, n + 1, sizeof *rr->rows) ||
      !ss_grow((void **)&rr->norms, &rr->cap_norms, n + 1, sizeof *rr->norms) ||
      !ss_mul_size(n + 1, dim, &need) ||
      !ss_grow((void **)&rr->vectors, &rr->cap_vectors, need, sizeof(float)))
    return SQLITE_NOMEM;
  rc = embedding_copy(&v, rr->json, who, dim, rr->vectors + n * dim,
                      &rr->norms[n], errmsg);
  if (rc != SQLITE_OK) return rc;
  rr->rows[n] = (RefRow){name, n};
  rr->n_rows++;
  return SQLITE_OK;
}

/* Every row of the reference relation into rr. */
static int ref_scan(sqlite3 *db, const PoolQuery *q, RefRows *rr,
                    char **errmsg) {
  static const char *const cols[2] = {"category", "embedding"};
  sqlite3_stmt *st = NULL;
  int rc = relation_prepare(db, "reference", "reference", q->reference, cols,
                            2, 0, NULL, 2, &st, errmsg);
  if (rc != SQLITE_OK) return rc;
  int row_rc = SQLITE_OK; /* a row's own failure, with its message */
  while (row_rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
    row_rc = ref_row(q, st, rr, errmsg);
  if (row_rc != SQLITE_OK) {
    rc = row_rc;
  } else if (rc == SQLITE_DONE) {
    rc = SQLITE_OK;
  } else if (*errmsg == NULL) {
    *errmsg =
        sqlite3_mprintf("reading the reference relation \"%s\" failed: %s",
                        q->reference, sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  return rc;
}

int pool_read_reference(sqlite3 *db, const PoolQuery *q, RefSet *out,
                        char **errmsg) {
  RefRows rr = {0};
  memset(out, 0, sizeof *out);
  int rc = ref_scan(db, q, &rr, errmsg);
  if (rc == SQLITE_OK && rr.n_rows == 0) {
    *errmsg = sqlite3_mprintf(
        "the reference relation \"%s\" has no rows%s; %s needs labelled "
        "exemplars of each harm category (fill reference_examples: "
        "sql/make_reference.sql makes one from part of your pool; or name "
        "another relation with options.reference)",
        q->reference, q->categories ? " in the requested categories" : "",
        q->method);
    rc = SQLITE_ERROR;
  }
  if (rc == SQLITE_OK &&
      !pool_reference_means(&rr.ns, rr.rows, rr.n_rows, rr.vectors, rr.norms,
                            rr.dim, out))
    rc = SQLITE_NOMEM;
  names_free(&rr.ns, 0);
  ss_free(rr.rows);
  ss_free(rr.json);
  ss_free(rr.vectors);
  ss_free(rr.norms);
  return rc;
}
