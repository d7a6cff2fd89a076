/*
 * fuzz_sqlite.h — for the targets that call the extension through an
 * in-process SQLite.  tests/fuzz.mk compiles every ext/ source into them with
 * -DSQLITE_CORE (so the extension calls libsqlite3 directly, no loadable
 * API table) and calls the entry point on a fresh connection.
 */
#ifndef SAFETY_FUZZ_SQLITE_H
#define SAFETY_FUZZ_SQLITE_H

#include "fuzz.h"

#include <sqlite3.h>

int sqlite3_safetysample_init(sqlite3 *db, char **pzErrMsg,
                              const sqlite3_api_routines *pApi);

/* Opens :memory: with the extension registered and runs setup_sql. */
static inline sqlite3 *fuzz_open_db(const char *setup_sql) {
  sqlite3 *db = NULL;
  char *err = NULL;
  FUZZ_CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK, "cannot open");
  FUZZ_CHECK(sqlite3_safetysample_init(db, &err, NULL) == SQLITE_OK,
             "init failed: %s", err ? err : "?");
  if (setup_sql != NULL)
    FUZZ_CHECK(sqlite3_exec(db, setup_sql, NULL, NULL, &err) == SQLITE_OK,
               "setup failed: %s", err ? err : "?");
  return db;
}

/* An error must begin with one of the '|'-separated prefixes ("fn: "),
 * unless SQLite itself ran out of memory or hit a length limit. */
static inline void fuzz_check_error(sqlite3 *db, int rc, const char *prefixes,
                                    const char *sql) {
  const char *msg = sqlite3_errmsg(db);
  if (rc == SQLITE_NOMEM || rc == SQLITE_TOOBIG) return;
  for (const char *p = prefixes; *p;) {
    size_t n = strcspn(p, "|");
    if (strncmp(msg, p, n) == 0) return;
    p += n + (p[n] == '|');
  }
  FUZZ_CHECK(0, "%s: error '%s' does not start with '%s'", sql, msg, prefixes);
}

#endif
