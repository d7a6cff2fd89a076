/*
 * pool_parallel_when.c — whether the pool may be read over several
 * connections (pool_parallel_when.h): every condition of one snapshot and
 * of the same rows and errors as the one-connection read, each proved on
 * the caller's connection before a helper starts.  The reasons for each
 * are in ext/README.md, "The parallel read".
 */
#include "pool_parallel_when.h"

#include "pool_parallel.h"

#include "relation.h"
#include "sql_functions.h"
#include <stdio.h>
#include <string.h>

/* 1 when a plan (relation_explain's text of EXPLAIN QUERY PLAN) reads no
 * table through a whole scan (unless allow_scan), sorts nothing and
 * materializes nothing: each range read then costs about its rows. */
static int plan_searches(const char *plan, int allow_scan) {
  for (const char *line = plan; *line != '\0'; line = strchr(line, '\n') + 1) {
    if (!allow_scan && strncmp(line, "SCAN ", 5) == 0) return 0;
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    char detail[512];
    if (len >= sizeof detail) return 0;
    memcpy(detail, line, len);
    detail[len] = '\0';
    if (strstr(detail, "TEMP B-TREE") != NULL || strstr(detail, "MATERIALIZE") != NULL)
      return 0;
    if (end == NULL) break;
  }
  return 1;
}

/* 1 when the outermost loop of a range form's plan (plan: relation_explain's
 * text of EXPLAIN QUERY PLAN) searches on the key's bound: "(rowid<?)",
 * "(id>? AND id<?)", "(rowid>?)".  A search on another index would read
 * every block's rows from all of that index's. */
static int searches_on_key(const char *plan, RangeForm form) {
  const char *end = strchr(plan, '\n');
  size_t len = end ? (size_t)(end - plan) : strlen(plan);
  const char *bound = form == RANGE_FROM ? ">?" : "<?";
  if (strncmp(plan, "SEARCH ", 7) != 0) return 0;
  for (const char *at = plan; at + 2 <= plan + len; at++)
    if (strncmp(at, bound, 2) == 0) return 1;
  return 0;
}

/* 1 when every range form of select_sql reads db's rows by search on
 * key, not by scanning (checked on the caller's connection, so that its
 * authorizer sees the statements too); prog[f] is then form f's program
 * on db, for same_programs. */
static int ranges_searched(sqlite3 *db, const char *select_sql, const char *key,
                           char *prog[RANGE_FORMS]) {
  int ok = 1;
  for (int f = 0; ok && f < RANGE_FORMS; f++) {
    sqlite3_stmt *st = NULL;
    char *plan = NULL;
    ok = relation_prepare_range(db, select_sql, key, (RangeForm)f, &st) == SQLITE_OK &&
         (plan = relation_explain(db, sqlite3_sql(st), 1)) != NULL &&
         plan_searches(plan, 0) && searches_on_key(plan, (RangeForm)f) &&
         (prog[f] = relation_explain(db, sqlite3_sql(st), 0)) != NULL;
    sqlite3_free(plan);
    sqlite3_finalize(st);
  }
  return ok;
}

/* 1 when p4, an instruction's P4 as EXPLAIN shows it, names no collation
 * but BINARY: a collating sequence "NAME-8" (or -16LE, -16BE), or an
 * index's key "k(N,a,b,...)" whose columns' collations are "" or "B". */
static int binary_only(const char *p4) {
  if (strncmp(p4, "k(", 2) == 0) {
    for (const char *c = strchr(p4, ','); c != NULL; c = strchr(c + 1, ',')) {
      const char *name = c + 1;
      if (*name == '-') name++;
      if (strncmp(name, "N.", 2) == 0) name += 2;
      size_t n = strcspn(name, ",)");
      if (n != 0 && !(n == 1 && name[0] == 'B')) return 0;
    }
    return 1;
  }
  const char *dash = strrchr(p4, '-');
  if (dash == NULL || !(strcmp(dash, "-8") == 0 || strcmp(dash, "-16LE") == 0 ||
                        strcmp(dash, "-16BE") == 0))
    return 1;
  return (size_t)(dash - p4) == 6 && strncmp(p4, "BINARY", 6) == 0;
}

/* 1 when the program prog (relation_explain's text) calls no SQL function
 * but the read's aggregate and compares with BINARY only: the caller's
 * connection may define a function or collation under a built-in's name
 * (or PRAGMA case_sensitive_like redefines like()), and a helper would call
 * the built-in.  Conservative: a string that looks like a collation also
 * counts. */
static int builtins_only(const char *prog) {
  for (const char *row = prog; *row != '\0';) {
    const char *end = strchr(row, '\n');
    size_t len = end ? (size_t)(end - row) : strlen(row);
    char line[512];
    int ok = len < sizeof line;
    if (ok) {
      memcpy(line, row, len);
      line[len] = '\0';
      char *col[8] = {NULL};
      char *at = line;
      for (int c = 0; c < 8 && at != NULL; c++) {
        col[c] = at;
        if ((at = strchr(at, '\x1f')) != NULL) *at++ = '\0';
      }
      const char *op = col[1] ? col[1] : "", *p4 = col[5] ? col[5] : "";
      if (strncmp(op, "Function", 8) == 0 || strncmp(op, "PureFunc", 8) == 0 ||
          (strncmp(op, "Agg", 3) == 0 && strncmp(p4, READ_POOL_FN "(", strlen(READ_POOL_FN) + 1) != 0))
        ok = 0;
      else if (strcmp(op, "String8") != 0)
        ok = binary_only(p4);
    }
    if (!ok) return 0;
    row += len + (end != NULL);
  }
  return 1;
}

int parallel_same_programs(sqlite3 *helper, sqlite3_stmt *const form[RANGE_FORMS],
                           const ParallelPlan *plan) {
  int ok = 1;
  char *const *prog = plan->prog;
  for (int f = 0; ok && f < RANGE_FORMS; f++) {
    char *mine = relation_explain(helper, sqlite3_sql(form[f]), 0);
    ok = mine != NULL && strcmp(mine, prog[f]) == 0 && builtins_only(mine);
    sqlite3_free(mine);
  }
  return ok;
}

/* The smallest (last: largest) key of rel, when it is an INTEGER (a NULL
 * would come first) and the plan finds it without sorting.  1 on
 * success. */
static int key_bound(sqlite3 *db, const char *rel, const char *key, int last,
                     int64_t *out) {
  sqlite3_stmt *st = NULL;
  char *plan = NULL;
  int ok = relation_prepare_key_bound(db, rel, key, last, &st) == SQLITE_OK &&
           (plan = relation_explain(db, sqlite3_sql(st), 1)) != NULL &&
           plan_searches(plan, 1) && sqlite3_step(st) == SQLITE_ROW &&
           sqlite3_column_type(st, 0) == SQLITE_INTEGER;
  if (ok) *out = sqlite3_column_int64(st, 0);
  sqlite3_free(plan);
  sqlite3_finalize(st);
  return ok;
}

/* 1 when SQLite's mutexes are real, so that connections may be used on
 * several threads: a fast mutex, tried twice, must refuse the second
 * time.  A process configured SQLITE_CONFIG_SINGLETHREAD has only no-op
 * mutexes (every try succeeds), and its SQLite may not be used from two
 * threads at all.  (sqlite3_db_mutex cannot tell: the sqlite3 shell's
 * connection has none either, in multi-thread mode.) */
static int mutexes_work(void) {
  sqlite3_mutex *m = sqlite3_mutex_alloc(SQLITE_MUTEX_FAST);
  if (m == NULL) return 0;
  int first = sqlite3_mutex_try(m), second = sqlite3_mutex_try(m);
  if (first == SQLITE_OK) sqlite3_mutex_leave(m);
  if (second == SQLITE_OK) sqlite3_mutex_leave(m);
  sqlite3_mutex_free(m);
  return first == SQLITE_OK && second == SQLITE_BUSY;
}

/* The main database's file and VFS name when a helper can share the
 * caller's snapshot: a file (not memory) on the unix VFS, locks in use
 * (no nolock), a read transaction open and nothing written, in a process
 * whose SQLite has real mutexes. */
static const char *shared_file(sqlite3 *db, const char **vfs) {
  sqlite3_vfs *v = NULL;
  const char *file = sqlite3_db_filename(db, "main");
  if (!mutexes_work() || file == NULL || file[0] == '\0' || sqlite3_uri_boolean(file, "nolock", 0) ||
      sqlite3_txn_state(db, "main") != SQLITE_TXN_READ ||
      sqlite3_file_control(db, "main", SQLITE_FCNTL_VFS_POINTER, &v) != SQLITE_OK ||
      v == NULL || strcmp(v->zName, "unix") != 0)
    return NULL;
  *vfs = v->zName;
  return file;
}

char *parallel_helper_file(const char *file) {
  if (!sqlite3_uri_boolean(file, "immutable", 0)) return sqlite3_mprintf("%s", file);
  size_t n = strlen(file);
  char *uri = sqlite3_malloc64(3 * (sqlite3_uint64)n + 32), *at = uri;
  if (uri == NULL) return NULL;
  at += sprintf(at, "file:");
  for (const unsigned char *c = (const unsigned char *)file; *c; c++) {
    if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
        (*c >= '0' && *c <= '9') || strchr("/-._~", *c) != NULL)
      *at++ = (char)*c;
    else
      at += sprintf(at, "%%%02X", *c);
  }
  strcpy(at, "?immutable=1");
  return uri;
}

int parallel_plan(sqlite3 *db, const char *rel, sqlite3_stmt *serial,
                  int heavy_jobs, ParallelPlan *plan) {
  memset(plan, 0, sizeof *plan);
  RelationInfo info;
  if (parallel_read_helpers(0) < 2) return 0; /* before any statement */
  plan->file = shared_file(db, &plan->vfs);
  if (plan->file == NULL || relation_parallel_info(db, rel, &info) != SQLITE_OK ||
      !info.readable)
    return 0;
  /* A table's read is cheap next to the row work: there, as with heavy
   * jobs, one core is left to the row worker (parallel_read_helpers). */
  plan->helpers = parallel_read_helpers(heavy_jobs || !info.is_view);
  if (plan->helpers < 2) return 0;
  plan->key = info.is_view ? "\"id\"" : "rowid";
  plan->select_sql = sqlite3_sql(serial);
  /* A small key range first: there the helpers' start (connections,
   * threads, these checks: about 1 ms) costs more than they save.  Then
   * the helpers give the rows in key order: the serial read's must be it. */
  if (plan->select_sql != NULL && key_bound(db, rel, plan->key, 0, &plan->lo) &&
      key_bound(db, rel, plan->key, 1, &plan->hi) &&
      (uint64_t)plan->hi - (uint64_t)plan->lo >= PARALLEL_MIN_KEYS &&
      relation_reads_in_key_order(db, serial, rel, plan->key) &&
      ranges_searched(db, plan->select_sql, plan->key, plan->prog))
    return 1;
  parallel_plan_free(plan);
  return 0;
}

void parallel_plan_free(ParallelPlan *plan) {
  for (int f = 0; f < RANGE_FORMS; f++) {
    sqlite3_free(plan->prog[f]);
    plan->prog[f] = NULL;
  }
}
