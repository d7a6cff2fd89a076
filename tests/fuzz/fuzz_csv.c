/*
 * fuzz_csv.c — csv_each over a file holding the fuzz input.
 *
 * Byte 0 chooses variations, the rest is the file: bit 0 puts 65,530 blank
 * lines first, so that records straddle the reader's 64 KiB chunk
 * boundary; bit 1 prefixes a UTF-8 byte-order mark.
 * Invariants: every error starts with "csv_each: " and names the file;
 * rows come with increasing line numbers; each value is a JSON object that
 * SQLite's json_valid() accepts; the same file read twice gives the same
 * rows.  When the input holds no CR byte, a small independent RFC 4180
 * reader below decides the expected outcome: an error exactly when it
 * finds one, and otherwise the same rows, line numbers and JSON text.
 */
#include "fuzz_sqlite.h"

#include <unistd.h>

/* ---- the reference reader (no CR handling: used only without CR) ------ */

typedef struct {
  char *p;
  size_t len, cap;
} Str;

static void str_add(Str *s, const void *p, size_t n) {
  if (s->len + n + 1 > s->cap) {
    s->cap = (s->len + n + 1) * 2;
    s->p = realloc(s->p, s->cap);
    FUZZ_CHECK(s->p != NULL, "out of memory");
  }
  memcpy(s->p + s->len, p, n);
  s->len += n;
  s->p[s->len] = 0;
}

/* The field as a JSON string, escaped as csv_each escapes it. */
static void json_string(Str *out, const unsigned char *f, size_t n) {
  str_add(out, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = f[i];
    char esc[8];
    if (c == '"' || c == '\\') snprintf(esc, sizeof esc, "\\%c", c);
    else if (c == '\n') snprintf(esc, sizeof esc, "\\n");
    else if (c == '\t') snprintf(esc, sizeof esc, "\\t");
    else if (c < 0x20) snprintf(esc, sizeof esc, "\\u%04x", c);
    else {
      str_add(out, &c, 1);
      continue;
    }
    str_add(out, esc, strlen(esc));
  }
  str_add(out, "\"", 1);
}

/* Whether p[0..n) is valid UTF-8 (an independent, plain check). */
static int valid_utf8(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned c = p[i], k;
    unsigned long cp;
    if (c < 0x80) { i++; continue; }
    if ((c & 0xE0) == 0xC0) k = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) k = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) k = 3, cp = c & 0x07;
    else return 0;
    for (unsigned j = 1; j <= k; j++) {
      if (i + j >= n || (p[i + j] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (p[i + j] & 0x3F);
    }
    static const unsigned long min[4] = {0, 0x80, 0x800, 0x10000};
    if (cp < min[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    i += k + 1;
  }
  return 1;
}

/* Reads one field at *i; returns 0 on a quoting error. */
static int ref_field(const unsigned char *s, size_t n, size_t *i, Str *f,
                     long *line) {
  f->len = 0;
  str_add(f, "", 0);
  if (*i < n && s[*i] == '"') {
    for (++*i;; ++*i) {
      if (*i >= n) return 0; /* unterminated */
      if (s[*i] == '"') {
        if (*i + 1 < n && s[*i + 1] == '"') { str_add(f, "\"", 1); ++*i; continue; }
        ++*i;
        return *i >= n || s[*i] == ',' || s[*i] == '\n';
      }
      if (s[*i] == '\n') ++*line;
      str_add(f, s + *i, 1);
    }
  }
  while (*i < n && s[*i] != ',' && s[*i] != '\n') {
    if (s[*i] == '"') return 0;
    str_add(f, s + (*i)++, 1);
  }
  return 1;
}

/* Expected rows ("line|json\n" each) in *out; returns 0 for an error. */
static int reference(const unsigned char *s, size_t n, long first_line, Str *out) {
  Str f = {0}, rec = {0}, *names = calloc(n + 1, sizeof *names);
  FUZZ_CHECK(names != NULL, "out of memory");
  size_t n_names = 0, i = 0;
  long line = first_line;
  int ok = 1, header = 1;
  if (memchr(s, 0, n) != NULL) ok = 0;
  while (ok && i < n) {
    if (s[i] == '\n') { i++; line++; continue; } /* blank line */
    long start = line;
    size_t k = 0;
    rec.len = 0;
    for (;;) {
      if (!ref_field(s, n, &i, &f, &line) || !valid_utf8((unsigned char *)f.p, f.len)) { ok = 0; break; }
      if (header) {
        if (f.len == 0) { ok = 0; break; }
        for (size_t j = 0; j < n_names; j++)
          if (names[j].len == f.len && memcmp(names[j].p, f.p, f.len) == 0) ok = 0;
        names[n_names] = (Str){0};
        str_add(&names[n_names++], f.p, f.len);
      } else if (k < n_names) {
        str_add(&rec, k == 0 ? "{" : ",", 1);
        json_string(&rec, (unsigned char *)names[k].p, names[k].len);
        str_add(&rec, ":", 1);
        json_string(&rec, (unsigned char *)f.p, f.len);
      }
      k++;
      if (!ok || i >= n || s[i] == '\n') break;
      i++; /* the comma */
    }
    if (!ok) break;
    if (i < n) { i++; line++; }
    if (header) { header = 0; continue; }
    if (k != n_names) { ok = 0; break; }
    char head[32];
    snprintf(head, sizeof head, "%ld|", start);
    str_add(out, head, strlen(head));
    str_add(out, rec.p, rec.len);
    str_add(out, "}\n", 2);
  }
  if (n_names == 0) ok = 0; /* no header */
  for (size_t j = 0; j < n_names; j++) free(names[j].p);
  free(names);
  free(f.p);
  free(rec.p);
  return ok;
}

/* ---- csv_each ----------------------------------------------------------- */

/* Reads every row into out ("line|json\n"); returns 1, or 0 on an error. */
static int read_all(sqlite3 *db, const char *path, Str *out) {
  sqlite3_stmt *st = NULL;
  sqlite3_int64 last = 0;
  FUZZ_CHECK(sqlite3_prepare_v2(db,
                                "SELECT line, value, json_valid(value), "
                                "json_type(value) FROM csv_each(?1)",
                                -1, &st, NULL) == SQLITE_OK,
             "%s", sqlite3_errmsg(db));
  sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    sqlite3_int64 line = sqlite3_column_int64(st, 0);
    const char *v = (const char *)sqlite3_column_text(st, 1);
    FUZZ_CHECK(line > last, "line %lld after %lld", line, last);
    last = line;
    FUZZ_CHECK(sqlite3_column_int(st, 2) == 1 && v != NULL,
               "line %lld: SQLite's json_valid rejects %.80s", line, v);
    FUZZ_CHECK(strcmp((const char *)sqlite3_column_text(st, 3), "object") == 0,
               "line %lld: not an object", line);
    char head[32];
    snprintf(head, sizeof head, "%lld|", line);
    str_add(out, head, strlen(head));
    str_add(out, v, strlen(v));
    str_add(out, "\n", 1);
  }
  if (rc != SQLITE_DONE) {
    fuzz_check_error(db, rc, "csv_each: ", "csv_each");
    if (rc != SQLITE_NOMEM && rc != SQLITE_TOOBIG)
      FUZZ_CHECK(strstr(sqlite3_errmsg(db), path) != NULL,
                 "the error does not name the file: %s", sqlite3_errmsg(db));
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static sqlite3 *db;
  static char path[64];
  if (db == NULL) {
    db = fuzz_open_db(NULL);
    snprintf(path, sizeof path, "/tmp/fuzz_csv_%d.csv", (int)getpid());
  }
  FuzzReader r = {data, size};
  uint8_t mode = fuzz_u8(&r);
  FILE *f = fopen(path, "wb");
  FUZZ_CHECK(f != NULL, "cannot write %s", path);
  long first_line = 1;
  if (mode & 1) {
    static char blank[65530];
    memset(blank, '\n', sizeof blank);
    fwrite(blank, 1, sizeof blank, f);
    first_line += 65530;
  }
  if (mode & 2) fwrite("\xEF\xBB\xBF", 1, 3, f);
  fwrite(r.p, 1, r.n, f);
  fclose(f);
  Str a = {0}, b = {0}, want = {0};
  int ok_a = read_all(db, path, &a), ok_b = read_all(db, path, &b);
  FUZZ_CHECK(ok_a == ok_b && a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0),
             "two reads of the same file differ");
  if (memchr(r.p, '\r', r.n) == NULL) {
    /* What follows the blank lines; csv_each skips a byte-order mark only
     * at the very start of a file. */
    Str body = {0};
    if (mode & 2) str_add(&body, "\xEF\xBB\xBF", 3);
    str_add(&body, r.p, r.n);
    size_t skip = !(mode & 1) && body.len >= 3 && memcmp(body.p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    int ok_ref = reference((unsigned char *)body.p + skip, body.len - skip, first_line, &want);
    free(body.p);
    FUZZ_CHECK(ok_ref == ok_a, "csv_each %s but the reference reader %s",
               ok_a ? "succeeded" : "failed", ok_ref ? "succeeded" : "failed");
    if (ok_ref)
      FUZZ_CHECK(want.len == a.len && (a.len == 0 || memcmp(want.p, a.p, a.len) == 0),
                 "rows differ from the reference:\n%.300s\nvs\n%.300s",
                 a.p ? a.p : "", want.p ? want.p : "");
  }
  free(a.p);
  free(b.p);
  free(want.p);
  unlink(path);
  return 0;
}
