/*
 * sqltest.c — runs the SQL test files in tests/sql/ against the extension.
 *
 * Usage: sqltest EXTENSION FILE.sql...
 *
 * A test file is plain SQL with directive lines that start with '#' in
 * column 0:
 *
 *   #test NAME      starts a test; the SQL lines after it are its query
 *   #expect         the lines after it (up to a blank line or the next
 *                   directive) are the expected rows: columns joined by '|', NULL as "NULL",
 *                   BLOBs as x'HEX', REALs as SQLite prints them
 *   #error TEXT     the query must fail with a message containing TEXT
 *                   (#error ^TEXT: a message that starts with TEXT)
 *   #true           every column of every row the query returns must be 1
 *                   (and it must return at least one row)
 *   #setup          the SQL lines after it run before the next test and
 *                   must succeed (so does SQL before the first #test, and
 *                   after a finished #expect, #error or #true)
 *   #read PATH      runs the SQL file PATH (relative to the repository) as
 *                   setup, as the sqlite3 shell's .read does
 *   #stop-after MS  from here on a progress handler asks every test's query
 *                   to stop once it has run MS milliseconds (0: no handler),
 *                   as a user's Ctrl-C would; under make sanitize this
 *                   shows that an interrupted call frees what it holds
 *   #file           from here on the file runs on a fresh database file
 *                   instead of :memory: (for tests of read-only behaviour);
 *                   then every #error test also checks that the file's
 *                   bytes are unchanged
 *
 * Each file gets a fresh database with the extension loaded.  A failing test
 * prints one line "FAIL file:line name: ..." with what was expected; the
 * last line is "N passed, M failed".  Exit status 1 on any failure.
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  char *data;
  size_t len, cap;
} Buf;

static void buf_add(Buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->data = realloc(b->data, b->cap);
    if (b->data == NULL) {
      fprintf(stderr, "sqltest: out of memory\n");
      exit(2);
    }
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static void buf_str(Buf *b, const char *s) { buf_add(b, s, strlen(s)); }
static void buf_clear(Buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

static int n_passed = 0, n_failed = 0;
static const char *extension_path;

/* Runs every statement of sql, appending rows to out.  Returns NULL on
 * success or a malloc'ed error message. */
static char *run_sql(sqlite3 *db, const char *sql, Buf *out, int *n_rows) {
  const char *tail = sql;
  *n_rows = 0;
  while (tail && *tail) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, tail, -1, &st, &tail) != SQLITE_OK)
      return strdup(sqlite3_errmsg(db));
    if (st == NULL) break; /* only whitespace or comments left */
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      int nc = sqlite3_column_count(st);
      (*n_rows)++;
      for (int c = 0; c < nc; c++) {
        if (c) buf_str(out, "|");
        switch (sqlite3_column_type(st, c)) {
          case SQLITE_NULL:
            buf_str(out, "NULL");
            break;
          case SQLITE_BLOB: {
            const unsigned char *p = sqlite3_column_blob(st, c);
            int n = sqlite3_column_bytes(st, c);
            char hex[3];
            buf_str(out, "x'");
            for (int i = 0; i < n; i++) {
              snprintf(hex, sizeof hex, "%02X", p[i]);
              buf_str(out, hex);
            }
            buf_str(out, "'");
            break;
          }
          default:
            buf_str(out, (const char *)sqlite3_column_text(st, c));
        }
      }
      buf_str(out, "\n");
    }
    if (rc != SQLITE_DONE) {
      char *msg = strdup(sqlite3_errmsg(db));
      sqlite3_finalize(st);
      return msg;
    }
    sqlite3_finalize(st);
  }
  return NULL;
}

/* FNV-1a over a file's bytes; 0 if it cannot be read. */
static unsigned long long file_checksum(const char *path) {
  FILE *f = fopen(path, "rb");
  unsigned long long h = 1469598103934665603ULL;
  int c;
  if (f == NULL) return 0;
  while ((c = fgetc(f)) != EOF) h = (h ^ (unsigned)c) * 1099511628211ULL;
  fclose(f);
  return h;
}

static void trim_trailing_newlines(Buf *b) {
  while (b->len > 0 &&
         (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == ' '))
    b->data[--b->len] = '\0';
}

static void fail(const char *file, int line, const char *name, const char *fmt,
                 ...) {
  va_list ap;
  printf("FAIL %s:%d %s: ", file, line, name);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  n_failed++;
}

static sqlite3 *open_db(const char *path) {
  sqlite3 *db = NULL;
  char *err = NULL;
  if (sqlite3_open(path, &db) != SQLITE_OK) {
    fprintf(stderr, "sqltest: cannot open %s\n", path);
    exit(2);
  }
  sqlite3_enable_load_extension(db, 1);
  if (sqlite3_load_extension(db, extension_path, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "sqltest: cannot load %s: %s\n", extension_path,
            err ? err : "?");
    exit(2);
  }
  return db;
}

enum { NONE, EXPECT, ERROR, TRUE_ };

typedef struct {
  const char *file;
  int line;       /* line of the #test directive */
  char name[256];
  Buf sql;
  int kind;
  Buf expected;   /* EXPECT rows, or ERROR substring */
} Test;

/* #stop-after: the handler stops a query stop_after_ms after it started. */
static long stop_after_ms;
static struct timespec test_started;

static int stop_after_handler(void *unused) {
  (void)unused;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long ms = (now.tv_sec - test_started.tv_sec) * 1000 +
            (now.tv_nsec - test_started.tv_nsec) / 1000000;
  return ms >= stop_after_ms;
}

static void run_test(sqlite3 *db, const char *dbpath, Test *t) {
  Buf out = {0};
  clock_gettime(CLOCK_MONOTONIC, &test_started);
  int n_rows = 0;
  unsigned long long before = dbpath ? file_checksum(dbpath) : 0;
  char *err = run_sql(db, t->sql.data ? t->sql.data : "", &out, &n_rows);
  trim_trailing_newlines(&out);
  trim_trailing_newlines(&t->expected);
  const char *exp = t->expected.data ? t->expected.data : "";
  const char *got = out.data ? out.data : "";
  switch (t->kind) {
    case EXPECT:
      if (err)
        fail(t->file, t->line, t->name, "expected rows [%s], got error: %s",
             exp, err);
      else if (strcmp(exp, got) != 0)
        fail(t->file, t->line, t->name, "expected [%s], got [%s]", exp, got);
      else
        n_passed++;
      break;
    case ERROR: {
      /* "^TEXT": the message must start with TEXT; "=TEXT": be TEXT (so
       * that what follows is checked absent too); else contain it. */
      int anchored = exp[0] == '^', exact = exp[0] == '=';
      const char *want = exp + (anchored || exact);
      const char *how = anchored ? "starting with" : exact ? "exactly" : "containing";
      if (!err)
        fail(t->file, t->line, t->name, "expected an error %s '%s', got rows [%s]",
             how, want, got);
      else if (exact      ? strcmp(err, want) != 0
               : anchored ? strncmp(err, want, strlen(want)) != 0
                          : strstr(err, want) == NULL)
        fail(t->file, t->line, t->name, "expected an error %s '%s', got '%s'",
             how, want, err);
      else if (dbpath && file_checksum(dbpath) != before)
        fail(t->file, t->line, t->name,
             "the error changed the database file");
      else
        n_passed++;
      break;
    }
    case TRUE_: {
      int ok = !err && n_rows > 0;
      if (ok) {
        /* every field must be exactly "1" */
        const char *p = got;
        while (*p && ok) {
          size_t n = strcspn(p, "|\n");
          if (n != 1 || p[0] != '1') ok = 0;
          p += n;
          if (*p) p++;
        }
      }
      if (err)
        fail(t->file, t->line, t->name, "expected true, got error: %s", err);
      else if (!ok)
        fail(t->file, t->line, t->name, "expected every value to be 1, got [%s]%s",
             got, n_rows == 0 ? " (no rows)" : "");
      else
        n_passed++;
      break;
    }
    default:
      fail(t->file, t->line, t->name, "test has no #expect, #error or #true");
  }
  free(err);
  free(out.data);
}

/* The state of one test file while it is read. */
typedef struct {
  const char *file;
  char dbpath[512];  /* the #file database, "" for :memory: */
  sqlite3 *db;
  Buf setup;         /* setup SQL not yet run */
  Test t;            /* the test being read */
  int in_test, in_expect, lineno;
} Reader;

/* Runs the pending setup SQL, reporting a failure. */
static void flush_setup(Reader *r) {
  if (!r->setup.len) return;
  Buf o = {0};
  int nr;
  char *e = run_sql(r->db, r->setup.data, &o, &nr);
  if (e) {
    fail(r->file, r->lineno, "(setup)", "setup SQL failed: %s", e);
    free(e);
  }
  free(o.data);
  buf_clear(&r->setup);
}

/* Runs the test being read, if any, and starts afresh. */
static void finish_test(Reader *r) {
  if (r->in_test) run_test(r->db, r->dbpath[0] ? r->dbpath : NULL, &r->t);
  r->in_test = r->in_expect = 0;
  buf_clear(&r->t.sql);
  buf_clear(&r->t.expected);
  r->t.kind = NONE;
}

/* #read PATH: the file's text joins the setup SQL. */
static void read_setup_file(Reader *r, const char *path) {
  FILE *in = fopen(path, "r");
  if (in == NULL) {
    fail(r->file, r->lineno, "(read)", "cannot open %s", path);
    return;
  }
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) buf_add(&r->setup, chunk, n);
  fclose(in);
}

/* #file: the rest of the file runs on a new database file. */
static void switch_to_file_db(Reader *r) {
  sqlite3_close(r->db);
  snprintf(r->dbpath, sizeof r->dbpath, "/tmp/sqltest-%d.db", (int)getpid());
  unlink(r->dbpath);
  r->db = open_db(r->dbpath);
}

/* One directive line (starting with '#', line end removed). */
static void directive(Reader *r, const char *line) {
  if (strncmp(line, "#test", 5) == 0) {
    finish_test(r);
    flush_setup(r);
    r->in_test = 1;
    r->t.file = r->file;
    r->t.line = r->lineno;
    snprintf(r->t.name, sizeof r->t.name, "%.200s", line[5] ? line + 6 : "");
  } else if (strcmp(line, "#expect") == 0 && r->in_test) {
    r->t.kind = EXPECT;
    r->in_expect = 1;
  } else if (strncmp(line, "#error ", 7) == 0 && r->in_test) {
    r->t.kind = ERROR;
    buf_str(&r->t.expected, line + 7);
    finish_test(r);
  } else if (strcmp(line, "#true") == 0 && r->in_test) {
    r->t.kind = TRUE_;
    finish_test(r);
  } else if (strcmp(line, "#setup") == 0) {
    finish_test(r);
  } else if (strncmp(line, "#read ", 6) == 0) {
    finish_test(r);
    read_setup_file(r, line + 6);
  } else if (strncmp(line, "#stop-after ", 12) == 0) {
    finish_test(r);
    flush_setup(r);
    stop_after_ms = atol(line + 12);
    sqlite3_progress_handler(r->db, stop_after_ms > 0 ? 100 : 0,
                             stop_after_ms > 0 ? stop_after_handler : NULL,
                             NULL);
  } else if (strcmp(line, "#file") == 0) {
    finish_test(r);
    flush_setup(r);
    switch_to_file_db(r);
  } else {
    fail(r->file, r->lineno, "(parse)", "unknown or misplaced directive '%s'",
         line);
  }
}

static void run_file(const char *file) {
  FILE *f = fopen(file, "r");
  if (f == NULL) {
    fail(file, 0, "(file)", "cannot open");
    return;
  }
  Reader r;
  memset(&r, 0, sizeof r);
  r.file = file;
  r.db = open_db(":memory:");
  char line[1 << 16];
  while (fgets(line, sizeof line, f)) {
    r.lineno++;
    if (line[0] == '#') {
      line[strcspn(line, "\r\n")] = '\0';
      directive(&r, line);
    } else if (r.in_expect && line[strspn(line, " \t\r\n")] == '\0') {
      finish_test(&r); /* a blank line ends the expected rows */
    } else if (r.in_expect) {
      buf_str(&r.t.expected, line);
    } else if (r.in_test) {
      buf_str(&r.t.sql, line);
    } else {
      buf_str(&r.setup, line);
    }
  }
  finish_test(&r);
  flush_setup(&r);
  fclose(f);
  free(r.setup.data);
  free(r.t.sql.data);
  free(r.t.expected.data);
  sqlite3_close(r.db);
  if (r.dbpath[0]) unlink(r.dbpath);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: sqltest EXTENSION FILE.sql...\n");
    return 2;
  }
  extension_path = argv[1];
  for (int i = 2; i < argc; i++) run_file(argv[i]);
  printf("%d passed, %d failed\n", n_passed, n_failed);
  return n_failed ? 1 : 0;
}
