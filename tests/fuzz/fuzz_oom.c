/*
 * fuzz_oom.c — the statements of fuzz_sql.c with SQLite's allocator failing
 * at the Nth allocation (every extension allocation goes through it:
 * ss_malloc is sqlite3_malloc64).
 *
 * Input: byte 0 is N (0..255: fail the Nth allocation and every later one
 * until the statement ends), the rest is a fuzz_sql.c input.  Each input
 * opens a fresh connection, registers the extension and runs the setup
 * with the allocator working, then runs the statement with it failing.
 * Invariants: no crash, no leak (LeakSanitizer), no sanitizer report; a
 * row that does come back passes fuzz_sql.c's checks; an error is
 * SQLITE_NOMEM or starts with the function's name; registration under
 * failing allocation fails cleanly.
 */
#define FUZZ_SQL_NO_ENTRY
#include "fuzz_sql.c"

static sqlite3_mem_methods real_mem;
static long countdown = -1; /* allocations left before failing; -1: never */

static int allocation_fails(void) {
  if (countdown < 0) return 0;
  if (countdown == 0) return 1;
  countdown--;
  return 0;
}

static void *failing_malloc(int n) {
  return allocation_fails() ? NULL : real_mem.xMalloc(n);
}

static void *failing_realloc(void *p, int n) {
  return allocation_fails() ? NULL : real_mem.xRealloc(p, n);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  sqlite3_mem_methods m;
  FUZZ_CHECK(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem) == SQLITE_OK,
             "no allocator");
  m = real_mem;
  m.xMalloc = failing_malloc;
  m.xRealloc = failing_realloc;
  FUZZ_CHECK(sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK,
             "cannot set the allocator");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzReader r = {data, size};
  long fail_at = fuzz_u8(&r);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  char *err = NULL;
  countdown = -1;
  FUZZ_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK, "cannot open");
  /* Registration alone under failure: an error, never a crash or a leak. */
  if (fail_at < 16) {
    countdown = fail_at;
    int rc = sqlite3_safetysample_init(db, &err, NULL);
    countdown = -1;
    sqlite3_free(err);
    sqlite3_close(db);
    FUZZ_CHECK(rc == SQLITE_OK || rc == SQLITE_NOMEM,
               "registration under failing allocation returned %d", rc);
    return 0;
  }
  FUZZ_CHECK(sqlite3_safetysample_init(db, &err, NULL) == SQLITE_OK, "init: %s",
             err ? err : "?");
  FUZZ_CHECK(sqlite3_exec(db, setup_sql, NULL, NULL, &err) == SQLITE_OK,
             "setup: %s", err ? err : "?");
  size_t which = prepare_input(db, &r, &st);
  const char *sql = statements[which].sql;
  countdown = fail_at - 16;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    check_row(st, statements[which].check, sql);
  countdown = -1;
  /* When the copy of an error message cannot be allocated, SQLite reports
   * its generic text for the code (e.g. "SQL logic error"). */
  const char *msg = sqlite3_errmsg(db);
  if (rc != SQLITE_DONE && rc != SQLITE_NOMEM &&
      strcmp(msg, sqlite3_errstr(rc)) != 0 && strcmp(msg, "out of memory") != 0)
    fuzz_check_error(db, rc, statements[which].prefixes, sql);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return 0;
}
