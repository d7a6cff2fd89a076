/*
 * fuzz_jsonl.c — jsonl_each over a file holding the fuzz input.
 *
 * Byte 0 chooses variations, the rest is the file: bit 0 puts a blank line
 * of 65,530 spaces first, so that the input's lines straddle the reader's
 * 64 KiB chunk boundary; bit 1 prefixes a UTF-8 byte-order mark.
 * Invariants: every error starts with "jsonl_each: " and names the file;
 * rows come with increasing line numbers, each value non-empty, trimmed,
 * exactly one JSON value for cJSON and valid for SQLite's json_valid() (so
 * that json_extract can read it); the same file read twice gives the same
 * rows.
 */
#include "fuzz_sqlite.h"

#include <cjson/cJSON.h>
#include <unistd.h>

/* One complete JSON value and nothing else (value is trimmed). */
static int one_json_value(const char *p, size_t n) {
  const char *end = NULL;
  cJSON *j = cJSON_ParseWithLengthOpts(p, n, &end, 0);
  int ok = j != NULL && end == p + n;
  cJSON_Delete(j);
  return ok;
}

/* Reads every row; returns a checksum of (line, value) or 0 on error. */
static uint64_t read_all(sqlite3 *db, const char *path) {
  sqlite3_stmt *st = NULL;
  uint64_t h = 1469598103934665603ULL;
  sqlite3_int64 last = 0;
  FUZZ_CHECK(sqlite3_prepare_v2(db,
                                "SELECT line, value, json_valid(value) "
                                "FROM jsonl_each(?1)",
                                -1, &st, NULL) == SQLITE_OK,
             "%s", sqlite3_errmsg(db));
  sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    sqlite3_int64 line = sqlite3_column_int64(st, 0);
    const char *v = (const char *)sqlite3_column_text(st, 1);
    size_t n = (size_t)sqlite3_column_bytes(st, 1);
    FUZZ_CHECK(line > last, "line %lld after %lld", line, last);
    last = line;
    FUZZ_CHECK(v != NULL && n > 0 && (unsigned char)v[0] > ' ' &&
                   (unsigned char)v[n - 1] > ' ',
               "line %lld: empty or untrimmed value", line);
    FUZZ_CHECK(one_json_value(v, n), "line %lld: not one JSON value: %.80s",
               line, v);
    FUZZ_CHECK(sqlite3_column_int(st, 2) == 1,
               "line %lld: SQLite's json_valid rejects the value: %.80s", line,
               v);
    h = (h ^ (uint64_t)line) * 1099511628211ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)v[i]) * 1099511628211ULL;
  }
  if (rc != SQLITE_DONE) {
    fuzz_check_error(db, rc, "jsonl_each: ", "jsonl_each");
    if (rc != SQLITE_NOMEM && rc != SQLITE_TOOBIG)
      FUZZ_CHECK(strstr(sqlite3_errmsg(db), path) != NULL,
                 "the error does not name the file: %s", sqlite3_errmsg(db));
    h = 0;
  }
  sqlite3_finalize(st);
  return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static sqlite3 *db;
  static char path[64];
  if (db == NULL) {
    db = fuzz_open_db(NULL);
    snprintf(path, sizeof path, "/tmp/fuzz_jsonl_%d.jsonl", (int)getpid());
  }
  FuzzReader r = {data, size};
  uint8_t mode = fuzz_u8(&r);
  FILE *f = fopen(path, "wb");
  FUZZ_CHECK(f != NULL, "cannot write %s", path);
  if (mode & 1) {
    for (int i = 0; i < 65530; i++) fputc(' ', f);
    fputc('\n', f);
  }
  if (mode & 2) fwrite("\xEF\xBB\xBF", 1, 3, f);
  fwrite(r.p, 1, r.n, f);
  fclose(f);
  uint64_t first = read_all(db, path), second = read_all(db, path);
  FUZZ_CHECK(first == second, "two reads of the same file differ");
  unlink(path);
  return 0;
}
