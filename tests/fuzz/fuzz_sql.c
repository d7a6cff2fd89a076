/*
 * fuzz_sql.c — the SQL functions through an in-process SQLite, with fuzz
 * input as their arguments: vec_*, cosine, cosine_distance, prototype
 * (aggregate and window), behavior_type, refusal_score, is_refusal,
 * safety_embed and safety_sample (on a tiny pool).
 *
 * Input: byte 0 picks the statement, byte 1 the SQL types of ?1 and ?2
 * (TEXT, BLOB, 64-bit INTEGER, REAL, NULL, small INTEGER), bytes 2-3 the
 * length of ?1's bytes, then ?1's bytes, then ?2's.  Invariants: every
 * error starts with the function's name; results are in range (cosine in
 * [-1, 1], norms finite, normalised and embedded vectors unit length,
 * scores in [0, 1]); vec_f32(vec_json(v)) = vec_f32(v); nothing writes
 * (the connection is query_only).
 */
#include "fuzz_sqlite.h"

#include <math.h>

enum { ANY, NONNEG, UNIT_VEC, COSINE, DISTANCE, TRUE_OR_NULL, UNIT_INTERVAL, ZERO_ONE };

static const struct {
  const char *sql;
  const char *prefixes; /* an error must start with one of these */
  int check;            /* what a result must satisfy */
} statements[] = {
    {"SELECT vec_f32(?1)", "vec_f32: ", ANY},
    {"SELECT vec_json(?1)", "vec_json: ", ANY},
    {"SELECT vec_dim(?1)", "vec_dim: ", NONNEG},
    {"SELECT vec_norm(?1)", "vec_norm: ", NONNEG},
    {"SELECT vec_normalize(?1)", "vec_normalize: ", UNIT_VEC},
    {"SELECT cosine(?1, ?2)", "cosine: ", COSINE},
    {"SELECT cosine_distance(?1, ?2)", "cosine_distance: ", DISTANCE},
    {"SELECT prototype(v) FROM (SELECT ?1 AS v UNION ALL SELECT ?2 UNION ALL "
     "SELECT ?1)",
     "prototype: ", ANY},
    {"SELECT prototype(v) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND "
     "CURRENT ROW) FROM (SELECT 1 AS i, ?1 AS v UNION ALL SELECT 2, ?2 UNION "
     "ALL SELECT 3, ?1 UNION ALL SELECT 4, NULL)",
     "prototype: ", ANY},
    {"SELECT vec_f32(vec_json(?1)) = vec_f32(?1)", "vec_json: |vec_f32: ",
     TRUE_OR_NULL},
    {"SELECT behavior_type(?1, ?2)", "behavior_type: ", ANY},
    {"SELECT refusal_score(?1)", "refusal_score: ", UNIT_INTERVAL},
    {"SELECT is_refusal(?1)", "is_refusal: ", ZERO_ONE},
    {"SELECT safety_embed(?1)", "safety_embed: ", UNIT_VEC},
    {"SELECT safety_embed(?1, ?2)", "safety_embed: ", UNIT_VEC},
    {"SELECT count(*) FROM safety_sample(?1, ?2)", "safety_sample: ", NONNEG},
    {"SELECT count(*) FROM safety_sample('pss', ?1, ?2)", "safety_sample: ",
     NONNEG},
    {"SELECT count(*) FROM safety_sample(?1, 3, ?2)", "safety_sample: ", NONNEG},
    {"SELECT count(*) FROM safety_sample('cossim', ?1, ?2)", "safety_sample: ",
     NONNEG},
};
#define N_STATEMENTS (sizeof statements / sizeof *statements)

/* A tiny pool (2-D embeddings, three categories), a reference set and a
 * task set of 200 rows, as in the contract's layout. */
static const char setup_sql[] =
    "CREATE TABLE safety_pool(id INTEGER, category TEXT, behavior TEXT,"
    " embedding BLOB);"
    "INSERT INTO safety_pool VALUES"
    " (1,'crime','T1',vec_f32('[1,0]')), (2,'crime','T1',vec_f32('[0.8,0.6]')),"
    " (3,'fraud','T2',vec_f32('[0,1]')), (4,NULL,'T3',vec_f32('[1,1]')),"
    " (5,'fraud','T1',vec_f32('[0.1,1]')), (6,'crime','T1',vec_f32('[0.6,0.8]')),"
    " (6,'fraud','T1',vec_f32('[0.6,0.8]')), (7,NULL,'T1',vec_f32('[-1,0.5]')),"
    " (8,'privacy','T4',vec_f32('[0.5,-1]')), (9,'crime',NULL,vec_f32('[1,0.2]'));"
    "CREATE TABLE safety_reference(category TEXT, embedding BLOB);"
    "INSERT INTO safety_reference VALUES ('crime',vec_f32('[1,0.1]')),"
    " ('fraud',vec_f32('[0,1]')), ('violence',vec_f32('[-1,0]'));"
    "CREATE TABLE task_examples(x);"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)"
    " INSERT INTO task_examples SELECT i FROM n;"
    "PRAGMA query_only = 1;";

static void bind_arg(sqlite3_stmt *st, int i, int type, const uint8_t *p,
                     size_t n) {
  uint64_t bits = 0;
  for (size_t k = 0; k < 8 && k < n; k++) bits |= (uint64_t)p[k] << (8 * k);
  switch (type) {
    case 0:
      sqlite3_bind_text(st, i, (const char *)p, (int)n, SQLITE_TRANSIENT);
      break;
    case 1:
      sqlite3_bind_blob(st, i, p, (int)n, SQLITE_TRANSIENT);
      break;
    case 2:
      sqlite3_bind_int64(st, i, (sqlite3_int64)bits);
      break;
    case 3: {
      double d;
      memcpy(&d, &bits, sizeof d);
      sqlite3_bind_double(st, i, d);
      break;
    }
    case 4:
      sqlite3_bind_null(st, i);
      break;
    default:
      sqlite3_bind_int(st, i, n ? (int8_t)p[0] : 0);
  }
}

/* The L2 norm of a float32 BLOB column. */
static double blob_norm(sqlite3_stmt *st) {
  const uint8_t *p = sqlite3_column_blob(st, 0);
  size_t n = (size_t)sqlite3_column_bytes(st, 0) / 4;
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    float f;
    memcpy(&f, p + 4 * i, 4);
    s += (double)f * f;
  }
  return sqrt(s);
}

static void check_row(sqlite3_stmt *st, int check, const char *sql) {
  int type = sqlite3_column_type(st, 0);
  double d = sqlite3_column_double(st, 0);
  if (type == SQLITE_NULL) {
    FUZZ_CHECK(check != NONNEG || strstr(sql, "count(") == NULL,
               "%s: NULL count", sql);
    return;
  }
  switch (check) {
    case NONNEG:
      FUZZ_CHECK(isfinite(d) && d >= 0, "%s gave %.17g", sql, d);
      break;
    case UNIT_VEC:
      FUZZ_CHECK(type == SQLITE_BLOB && sqlite3_column_bytes(st, 0) % 4 == 0 &&
                     fabs(blob_norm(st) - 1) < 1e-5,
                 "%s: not a unit vector (norm %.17g)", sql, blob_norm(st));
      break;
    case COSINE:
      FUZZ_CHECK(d >= -1 && d <= 1, "%s gave %.17g", sql, d);
      break;
    case DISTANCE:
      FUZZ_CHECK(d >= 0 && d <= 2, "%s gave %.17g", sql, d);
      break;
    case TRUE_OR_NULL:
      FUZZ_CHECK(sqlite3_column_int(st, 0) == 1, "%s: round trip changed v",
                 sql);
      break;
    case UNIT_INTERVAL:
      FUZZ_CHECK(d >= 0 && d <= 1, "%s gave %.17g", sql, d);
      break;
    case ZERO_ONE:
      FUZZ_CHECK(type == SQLITE_INTEGER && (d == 0 || d == 1), "%s gave %.17g",
                 sql, d);
      break;
  }
}

/* Reads the statement number, the argument types and the arguments from
 * r, prepares that statement on db into *st and binds them; returns the
 * statement number. */
static size_t prepare_input(sqlite3 *db, FuzzReader *r, sqlite3_stmt **st) {
  size_t which = fuzz_u8(r) % N_STATEMENTS;
  uint8_t types = fuzz_u8(r);
  size_t n1, n2;
  const uint8_t *a1 = fuzz_bytes(r, fuzz_u16(r), &n1);
  const uint8_t *a2 = fuzz_bytes(r, r->n, &n2);
  const char *sql = statements[which].sql;
  FUZZ_CHECK(sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK, "%s: %s",
             sql, sqlite3_errmsg(db));
  bind_arg(*st, 1, types % 6, a1, n1);
  if (sqlite3_bind_parameter_count(*st) >= 2)
    bind_arg(*st, 2, types / 6 % 6, a2, n2);
  return which;
}

/* fuzz_oom.c includes this file for the statements, setup and binding, and
 * has its own entry point. */
#ifndef FUZZ_SQL_NO_ENTRY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static sqlite3 *db;
  if (db == NULL) db = fuzz_open_db(setup_sql);
  FuzzReader r = {data, size};
  sqlite3_stmt *st = NULL;
  size_t which = prepare_input(db, &r, &st);
  const char *sql = statements[which].sql;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    check_row(st, statements[which].check, sql);
  if (rc != SQLITE_DONE) fuzz_check_error(db, rc, statements[which].prefixes, sql);
  sqlite3_finalize(st);
  return 0;
}
#endif
