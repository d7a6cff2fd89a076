/*
 * relation.c — the only place that builds SQL text: every relation name is
 * quoted as an identifier ("%w"), never pasted in; the contract's columns
 * are checked before a read so that a missing one is named; and the
 * statements that read a relation, count it or probe its columns, and the
 * file readers' interrupt probe.
 */
#include "relation.h"

#include <string.h>

/* 1 if the prepared statement has a result column named col (any case). */
static int stmt_has_column(sqlite3_stmt *st, const char *col) {
  for (int j = 0; j < sqlite3_column_count(st); j++)
    if (sqlite3_stricmp(sqlite3_column_name(st, j), col) == 0) return 1;
  return 0;
}

/* 1 if name[0..len) is the name of a schema of db (main, temp or an
 * attached database, any case), 0 if not, -1 when out of memory. */
static int is_schema(sqlite3 *db, const char *name, size_t len) {
  if (len == 4 && (sqlite3_strnicmp(name, "main", 4) == 0 ||
                   sqlite3_strnicmp(name, "temp", 4) == 0))
    return 1;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(
      db, "SELECT 1 FROM pragma_database_list WHERE name = ?1 COLLATE NOCASE",
      -1, &st, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_bind_text(st, 1, name, (int)len, SQLITE_STATIC);
  if (rc == SQLITE_OK) rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_NOMEM ? -1 : 0;
}

/* The length of rel's schema part (before its first dot) when that names
 * a schema of db, else 0; -1 when out of memory. */
static int schema_length(sqlite3 *db, const char *rel) {
  const char *dot = strchr(rel, '.');
  if (dot == NULL || dot == rel || dot[1] == '\0') return 0;
  int schema = is_schema(db, rel, (size_t)(dot - rel));
  return schema <= 0 ? schema : (int)(dot - rel);
}

/*
 * rel as SQL: "schema"."name" when the part before its first dot names a
 * schema (main, temp, an attached database), else "rel" as one name; each
 * part is quoted as an identifier.  So "aux.t" is table t of aux, "my.t"
 * (no schema my) the table named my.t, and "main.my.t" that table in main.
 * NULL when out of memory (sqlite3_free the result).
 */
static char *quoted_relation(sqlite3 *db, const char *rel) {
  int schema = schema_length(db, rel);
  if (schema < 0) return NULL;
  if (schema == 0) return sqlite3_mprintf("\"%w\"", rel);
  const char *dot = rel + schema;
  char *head = sqlite3_mprintf("%.*s", schema, rel);
  char *out = head ? sqlite3_mprintf("\"%w\".\"%w\"", head, dot + 1) : NULL;
  sqlite3_free(head);
  return out;
}

/* 1 if rel, read as quoted_relation reads it, names a table or view that
 * exists (it may still fail to read: a view whose table is gone), 0 if
 * not, -1 when out of memory.  Only a missing relation is told to create
 * it. */
static int relation_exists(sqlite3 *db, const char *rel) {
  int schema = schema_length(db, rel);
  if (schema < 0) return -1;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(
      db,
      "SELECT 1 FROM pragma_table_list WHERE name = ?1 COLLATE NOCASE "
      "AND (?2 IS NULL OR schema = ?2 COLLATE NOCASE)",
      -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 1, schema ? rel + schema + 1 : rel, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK && schema)
    rc = sqlite3_bind_text(st, 2, rel, schema, SQLITE_STATIC);
  if (rc == SQLITE_OK) rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? 1 : (rc & 0xff) == SQLITE_NOMEM ? -1 : 0;
}

/* Prepares "<head> rel", the relation always quoted (quoted_relation). */
static int prepare_on(sqlite3 *db, const char *head, const char *rel,
                      sqlite3_stmt **st) {
  *st = NULL;
  char *name = quoted_relation(db, rel);
  char *sql = name ? sqlite3_mprintf("%s %s", head, name) : NULL;
  sqlite3_free(name);
  if (sql == NULL) return SQLITE_NOMEM;
  int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
  sqlite3_free(sql);
  return rc;
}

/* The names cols[0..n) joined by ", " into *out (NULL when none is
 * chosen): all of them, or with probe only those it has no column for. */
static int join_columns(const char *const *cols, size_t n, sqlite3_stmt *probe,
                        char **out) {
  char *list = NULL;
  for (size_t c = 0; c < n; c++) {
    if (probe != NULL && stmt_has_column(probe, cols[c])) continue;
    char *more = list ? sqlite3_mprintf("%s, %s", list, cols[c])
                      : sqlite3_mprintf("%s", cols[c]);
    sqlite3_free(list);
    if (more == NULL) return SQLITE_NOMEM;
    list = more;
  }
  *out = list;
  return SQLITE_OK;
}

int relation_failed(sqlite3 *db, int rc, const char *kind, const char *rel,
                    char **errmsg) {
  int base = rc & 0xff;
  if (base == SQLITE_NOMEM) return rc;
  sqlite3_free(*errmsg);
  if (base == SQLITE_INTERRUPT)
    *errmsg = sqlite3_mprintf("interrupted while reading the %s relation "
                              "\"%s\"", kind, rel);
  else
    *errmsg = sqlite3_mprintf(
        "the %s relation \"%s\" cannot be read now (%s)%s", kind, rel,
        sqlite3_errmsg(db),
        base == SQLITE_BUSY || base == SQLITE_LOCKED
            ? "; retry when the other connection has finished, or wait for "
              "it with PRAGMA busy_timeout"
            : "");
  return *errmsg ? rc : SQLITE_NOMEM;
}

int relation_has_column(sqlite3 *db, const char *rel, const char *col) {
  sqlite3_stmt *st;
  int found = prepare_on(db, "SELECT * FROM", rel, &st) == SQLITE_OK
                  ? stmt_has_column(st, col)
                  : -1;
  sqlite3_finalize(st);
  return found;
}

int relation_check_column(sqlite3 *db, const char *kind, const char *rel,
                          const char *option, const char *col, char **errmsg) {
  sqlite3_stmt *st;
  int rc = prepare_on(db, "SELECT * FROM", rel, &st);
  if (rc != SQLITE_OK || stmt_has_column(st, col)) {
    sqlite3_finalize(st);
    return rc == SQLITE_NOMEM ? rc : SQLITE_OK;
  }
  char *list = NULL;
  for (int j = 0; rc == SQLITE_OK && j < sqlite3_column_count(st); j++) {
    char *more = sqlite3_mprintf("%s%s%s", list ? list : "", j ? ", " : "",
                                 sqlite3_column_name(st, j));
    sqlite3_free(list);
    if ((list = more) == NULL) rc = SQLITE_NOMEM;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_OK) return rc;
  *errmsg = sqlite3_mprintf(
      "option %s names column \"%s\", which the %s relation \"%s\" does "
      "not have; its columns are %s",
      option, col, kind, rel, list ? list : "(none)");
  sqlite3_free(list);
  return SQLITE_ERROR;
}

int relation_prepare(sqlite3 *db, const char *kind, const char *option,
                            const char *rel, const char *const *cols,
                            size_t n_cols, unsigned null_mask,
                            const char *aggregate, size_t n_args,
                            sqlite3_stmt **out, char **errmsg) {
  sqlite3_stmt *probe;
  char *missing = NULL, *want = NULL, *head = NULL;
  *out = NULL;
  int rc = prepare_on(db, "SELECT * FROM", rel, &probe);
  if (rc != SQLITE_OK && rc != SQLITE_ERROR) {
    sqlite3_finalize(probe);
    return relation_failed(db, rc, kind, rel, errmsg);
  }
  if (rc != SQLITE_OK) {
    char *why = sqlite3_mprintf("%s", sqlite3_errmsg(db));
    int exists = why ? relation_exists(db, rel) : -1;
    if (exists > 0)
      *errmsg = sqlite3_mprintf(
          "the %s relation \"%s\" exists but cannot be read (%s); fix its "
          "definition (a view may name a table or column that is gone) or "
          "name another with options.%s",
          kind, rel, why, option);
    else if (exists == 0)
      *errmsg = sqlite3_mprintf(
          "the %s relation \"%s\" cannot be read (%s); create it "
          "(sql/schema.sql makes safety_pool and safety_reference) or name "
          "another with options.%s",
          kind, rel, why, option);
    sqlite3_free(why);
    sqlite3_finalize(probe);
    return exists < 0 || *errmsg == NULL ? SQLITE_NOMEM : SQLITE_ERROR;
  }
  /* Which contract columns are missing? */
  rc = join_columns(cols, n_cols, probe, &missing);
  sqlite3_finalize(probe);
  if (rc == SQLITE_OK && missing != NULL) {
    rc = join_columns(cols, n_cols, NULL, &want);
    if (rc == SQLITE_OK) {
      *errmsg = sqlite3_mprintf(
          "the %s relation \"%s\" has no column %s; it needs the columns %s",
          kind, rel, missing, want);
      rc = SQLITE_ERROR;
    }
  }
  if (rc == SQLITE_OK) {
    head = aggregate ? sqlite3_mprintf("SELECT %s(?1", aggregate)
                     : sqlite3_mprintf("SELECT ");
    if (head == NULL) rc = SQLITE_NOMEM;
  }
  if (n_args < n_cols) n_args = n_cols;
  for (size_t c = 0; rc == SQLITE_OK && c < n_args; c++) {
    const char *comma = c || aggregate ? ", " : "";
    char *more = c >= n_cols || (null_mask >> c) & 1
                     ? sqlite3_mprintf("%s%sNULL", head, comma)
                     : sqlite3_mprintf("%s%s\"%w\"", head, comma, cols[c]);
    sqlite3_free(head);
    head = more;
    if (head == NULL) rc = SQLITE_NOMEM;
  }
  if (rc == SQLITE_OK) {
    char *from = sqlite3_mprintf("%s%s FROM", head, aggregate ? ")" : "");
    rc = from ? prepare_on(db, from, rel, out) : SQLITE_NOMEM;
    sqlite3_free(from);
    if (rc != SQLITE_OK && rc != SQLITE_ERROR)
      rc = relation_failed(db, rc, kind, rel, errmsg);
    else if (rc != SQLITE_OK)
      *errmsg = sqlite3_mprintf("cannot read the %s relation \"%s\": %s", kind,
                                rel, sqlite3_errmsg(db));
  }
  sqlite3_free(missing);
  sqlite3_free(want);
  sqlite3_free(head);
  return rc;
}

int relation_count_task(sqlite3 *db, const char *task, double budget,
                    sqlite3_int64 *count, char **errmsg) {
  sqlite3_stmt *st;
  int rc = prepare_on(db, "SELECT count(*) FROM", task, &st);
  if (rc != SQLITE_OK && rc != SQLITE_ERROR) {
    sqlite3_finalize(st);
    return relation_failed(db, rc, "task", task, errmsg);
  }
  if (rc != SQLITE_OK) {
    char *why = sqlite3_mprintf("%s", sqlite3_errmsg(db));
    int exists = why ? relation_exists(db, task) : -1;
    if (exists >= 0)
      *errmsg = sqlite3_mprintf(
          "budget %g is a fraction of the fine-tuning set, but the task "
          "relation \"%s\" %scannot be read (%s); %s, pass "
          "options.task_size, or give the budget as a whole-number count",
          budget, task, exists ? "exists but " : "", why,
          exists ? "fix its definition" : "create it");
    sqlite3_free(why);
    return exists < 0 || *errmsg == NULL ? SQLITE_NOMEM : SQLITE_ERROR;
  }
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *count = sqlite3_column_int64(st, 0);
    rc = SQLITE_OK;
  } else if (rc != SQLITE_ERROR) {
    rc = relation_failed(db, rc, "task", task, errmsg);
  } else {
    *errmsg = sqlite3_mprintf("counting the task relation \"%s\" failed: %s",
                              task, sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  return rc;
}

/* Loops 16 times, so that a progress handler with N = 1000 is asked every
 * few chunks of a file (file_source.c explains why). */
int relation_prepare_probe(sqlite3 *db, sqlite3_stmt **out) {
  static const char probe[] =
      "SELECT count(*) FROM (VALUES (1),(1),(1),(1),(1),(1),(1),(1),(1),(1),"
      "(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),"
      "(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),"
      "(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),(1),"
      "(1),(1),(1))";
  return sqlite3_prepare_v2(db, probe, (int)sizeof probe - 1, out, NULL);
}

int relation_prepare_snapshot(sqlite3 *db, sqlite3_stmt **out) {
  return sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, out,
                            NULL);
}

int relation_prepare_sweep_json(sqlite3 *db, SweepJson which, sqlite3_stmt **out) {
  static const char *const sql[] = {
      [SWEEP_JSON_IS_ARRAY] =
          "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) = 'array' ELSE 0 END",
      [SWEEP_JSON_ELEMENTS] = "SELECT value FROM json_each(?1)",
      [SWEEP_JSON_SEED_INFO] =
          "SELECT json_type(?1, '$.seeds') IS NOT NULL, "
          "json_type(?1, '$.seed') IS NOT NULL "
          "WHERE CASE WHEN json_valid(?1) THEN json_type(?1) = 'object' END",
      [SWEEP_JSON_SEEDS] =
          "SELECT s.value, json_set(json_remove(?1, '$.seeds'), '$.seed', s.value) "
          "FROM json_each(?1, '$.seeds') AS s WHERE json_type(?1, '$.seeds') = 'array'",
      [SWEEP_JSON_WITH_TASK] =
          "SELECT json_set(coalesce(?1, '{}'), '$.task_size', ?2) "
          "WHERE ?1 IS NULL OR (CASE WHEN json_valid(?1) THEN json_type(?1) = "
          "'object' AND json_type(?1, '$.task_size') IS NULL END)",
  };
  return sqlite3_prepare_v2(db, sql[which], -1, out, NULL);
}

int relation_parallel_info(sqlite3 *db, const char *rel, RelationInfo *info) {
  memset(info, 0, sizeof *info);
  int schema = schema_length(db, rel);
  if (schema < 0) return SQLITE_NOMEM;
  if (schema && !(schema == 4 && sqlite3_strnicmp(rel, "main", 4) == 0))
    return SQLITE_OK; /* another schema: not read in parallel */
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(
      db,
      "SELECT (SELECT count(*) FROM temp.sqlite_schema) + "
      "(SELECT * FROM pragma_reverse_unordered_selects) + "
      "(SELECT * FROM pragma_read_uncommitted), "
      "(SELECT type = 'view' OR (type = 'table' AND NOT wr) FROM "
      "pragma_table_list WHERE schema = 'main' AND name = ?1 COLLATE NOCASE), "
      "(SELECT type = 'view' FROM pragma_table_list WHERE schema = 'main' AND "
      "name = ?1 COLLATE NOCASE)",
      -1, &st, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text(st, 1, schema ? rel + schema + 1 : rel, -1, SQLITE_STATIC);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    info->readable = sqlite3_column_int(st, 0) == 0 && sqlite3_column_int(st, 1);
    info->is_view = sqlite3_column_int(st, 2);
    rc = SQLITE_OK;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_OK || !info->readable) return rc;
  rc = sqlite3_prepare_v2(db, "PRAGMA main.journal_mode", -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *mode = (const char *)sqlite3_column_text(st, 0);
    info->readable = mode != NULL && sqlite3_stricmp(mode, "wal") != 0;
    rc = SQLITE_OK;
  }
  sqlite3_finalize(st);
  return rc;
}

int relation_prepare_range(sqlite3 *db, const char *select_sql,
                           const char *key, RangeForm form,
                           sqlite3_stmt **out) {
  static const char *const where[] = {
      [RANGE_BELOW] = "%s WHERE %s < ?2",
      [RANGE_FROM] = "%s WHERE %s >= ?2",
  };
  *out = NULL;
  char *sql = form == RANGE_BETWEEN
                  ? sqlite3_mprintf("%s WHERE %s >= ?2 AND %s < ?3",
                                    select_sql, key, key)
                  : sqlite3_mprintf(where[form], select_sql, key);
  if (sql == NULL) return SQLITE_NOMEM;
  int rc = sqlite3_prepare_v2(db, sql, -1, out, NULL);
  sqlite3_free(sql);
  return rc;
}

int relation_prepare_key_bound(sqlite3 *db, const char *rel, const char *key,
                               int last, sqlite3_stmt **out) {
  char *head = sqlite3_mprintf("SELECT %s FROM", key);
  char *name = quoted_relation(db, rel);
  char *sql = head && name ? sqlite3_mprintf(
                                 "%s %s ORDER BY %s%s LIMIT 1", head, name,
                                 key, last ? " DESC" : "")
                           : NULL;
  sqlite3_free(head);
  sqlite3_free(name);
  *out = NULL;
  if (sql == NULL) return SQLITE_NOMEM;
  int rc = sqlite3_prepare_v2(db, sql, -1, out, NULL);
  sqlite3_free(sql);
  return rc;
}

int relation_helper_setup(sqlite3 *db) {
  /* A helper reads its ranges once, in order: a small cache holds the
   * interior pages its searches revisit. */
  return sqlite3_exec(db, "PRAGMA cache_size = -128", NULL, NULL, NULL);
}

/* EXPLAIN (plan: EXPLAIN QUERY PLAN) of sql on db as one text: every
 * column of every row of the program, or each step's detail of the plan.
 * NULL when out of memory or when sql does not prepare. */
char *relation_explain(sqlite3 *db, const char *sql, int plan) {
  char *q = sqlite3_mprintf("EXPLAIN %s%s", plan ? "QUERY PLAN " : "", sql);
  sqlite3_stmt *st = NULL;
  int rc = q ? sqlite3_prepare_v2(db, q, -1, &st, NULL) : SQLITE_NOMEM;
  sqlite3_free(q);
  sqlite3_str *out = sqlite3_str_new(db);
  while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
    for (int c = plan ? 3 : 0; c < (plan ? 4 : sqlite3_column_count(st)); c++) {
      const char *t = (const char *)sqlite3_column_text(st, c);
      sqlite3_str_appendf(out, "%s\x1f", t ? t : "");
    }
    sqlite3_str_appendchar(out, 1, '\n');
  }
  if (rc == SQLITE_OK && sqlite3_reset(st) != SQLITE_OK) rc = SQLITE_ERROR;
  sqlite3_finalize(st);
  char *text = sqlite3_str_finish(out);
  if (rc != SQLITE_OK) {
    sqlite3_free(text);
    return NULL;
  }
  return text;
}

int relation_reads_in_key_order(sqlite3 *db, sqlite3_stmt *serial,
                                const char *rel, const char *key) {
  char *name = quoted_relation(db, rel);
  char *ordered = name ? sqlite3_mprintf("SELECT * FROM %s ORDER BY %s", name, key) : NULL;
  char *a = ordered ? relation_explain(db, sqlite3_sql(serial), 1) : NULL;
  char *b = a ? relation_explain(db, ordered, 1) : NULL;
  int same = b != NULL && strcmp(a, b) == 0 && strstr(b, "TEMP B-TREE") == NULL;
  sqlite3_free(name);
  sqlite3_free(ordered);
  sqlite3_free(a);
  sqlite3_free(b);
  return same;
}
