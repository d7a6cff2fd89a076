/*
 * jsonl_vtab.c — jsonl_each(path): the JSON Lines reader of section 5 of the
 * contract, as an eponymous-only table-valued function.
 *
 *   SELECT line, value FROM jsonl_each('data.jsonl');
 *
 * One row per non-blank line: `line` is the 1-based line number in the file
 * (blank lines are counted but not returned) and `value` is the line's JSON
 * text, trimmed of surrounding white space and checked with cJSON.  Lines
 * may be of any length (up to SQLite's length limit); CRLF line ends and a
 * UTF-8 byte-order mark on the first line are accepted.  A malformed line
 * stops the query with "jsonl_each: <path> line <n>: ...".
 *
 * The module is registered SQLITE_VTAB_DIRECTONLY: it reads files, so it may
 * not run from the views or triggers of a database schema, which a user may
 * not have written ("unsafe use of virtual table").
 *
 * The structure follows SQLite's ext/misc/series.c.
 */
#include "common.h"
#include "sql_functions.h"
#include "file_source.h"
#include "core/utf8.h"

#include <cjson/cJSON.h>
#include <string.h>

#define FN "jsonl_each"

static const FileReaderNames jsonl_names = {FN, "JSON Lines", "data.jsonl"};

/* A cursor: the file and the current line. */
typedef struct {
  sqlite3_vtab_cursor base;
  sqlite3_int64 lineno; /* line number of the current row */
  int eof;              /* no current row */
  TextBuf line;         /* current physical line (no newline), NUL-ended */
  const char *value;    /* the JSON text inside line (trimmed) */
  size_t value_len;
  FileSource src;       /* last: it holds the read-ahead chunk */
} JsonlCursor;

/* jsonlOpen: a new cursor with no file open yet. */
static int jsonlOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor) {
  (void)pVtab;
  JsonlCursor *cur = ss_malloc(sizeof *cur);
  if (cur == NULL) return SQLITE_NOMEM;
  memset(cur, 0, offsetof(JsonlCursor, src));
  file_source_init(&cur->src);
  cur->eof = 1;
  *ppCursor = &cur->base;
  return SQLITE_OK;
}

/* Closes the file (the line buffer is kept). */
static void cursor_reset(JsonlCursor *cur) {
  file_source_close(&cur->src);
  cur->lineno = 0;
  cur->eof = 1;
  cur->line.len = 0;
  cur->value = NULL;
  cur->value_len = 0;
}

/* jsonlClose: closes the file and frees the cursor. */
static int jsonlClose(sqlite3_vtab_cursor *pCur) {
  JsonlCursor *cur = (JsonlCursor *)pCur;
  cursor_reset(cur);
  textbuf_free(&cur->line);
  ss_free(cur);
  return SQLITE_OK;
}

/* Sets the table's error message from fmt, whose three conversions are
 * %s (the path), %lld (the current line number) and %s (detail, a piece of
 * text the caller formatted); returns SQLITE_ERROR. */
static int cursor_error(JsonlCursor *cur, const char *fmt, const char *detail) {
  safety_vtab_error(cur->base.pVtab, FN, fmt, cur->src.path,
                    (long long)cur->lineno, detail);
  return SQLITE_ERROR;
}

/* cursor_error naming the column (1-based) of byte at in the current line. */
static int column_error(JsonlCursor *cur, const char *fmt, const char *at) {
  char col[32];
  sqlite3_snprintf(sizeof col, col, "%lld", (long long)(at - cur->line.p) + 1);
  return cursor_error(cur, fmt, col);
}

/*
 * Reads the next physical line into cur->line, without its '\n'.  Sets
 * *got to 0 at the end of the file.  Returns an SQLite result code; errors
 * (read errors, NUL bytes, interrupts, over-long lines) are already
 * reported.
 */
static int read_line(JsonlCursor *cur, int *got) {
  size_t limit = file_source_limit(&cur->src);
  int any = 0;
  cur->line.len = 0;
  for (;;) {
    const unsigned char *p;
    size_t n;
    int eol, rc = file_source_next(&cur->src, cur->base.pVtab, &jsonl_names,
                                   &p, &n, &eol);
    if (rc != SQLITE_OK) return rc;
    if (n == 0) break; /* end of file */
    any = 1;
    rc = textbuf_append(&cur->line, p, n - (size_t)eol, limit);
    if (rc == SQLITE_TOOBIG) {
      safety_vtab_error(cur->base.pVtab, FN,
                        "%s line %lld: the line is longer than SQLite's "
                        "length limit of %llu bytes; raise the limit or split "
                        "the record",
                        cur->src.path, (long long)cur->src.seg_line,
                        (unsigned long long)limit);
      return SQLITE_ERROR;
    }
    if (rc != SQLITE_OK) return rc;
    if (eol) break;
  }
  if (cur->line.p == NULL && textbuf_append(&cur->line, "", 0, limit) != SQLITE_OK)
    return SQLITE_NOMEM;
  *got = any;
  return SQLITE_OK;
}

/* JSON white space (RFC 8259); a line holds no '\n'. */
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/*
 * cJSON accepts a few things that JSON (RFC 8259) and SQLite's json
 * functions reject: control characters as white space or raw inside
 * strings, and numbers such as +1, 01, .5 or 1.  Run after cJSON has
 * accepted p[0..n), this scan returns the offset of the first such byte
 * (with *what saying which rule), or n when the text is strict JSON.
 */
static size_t strict_json_scan(const char *p, size_t n, const char **what) {
  size_t i = 0;
  int in_string = 0;
  while (i < n) {
    unsigned char c = (unsigned char)p[i];
    if (in_string) {
      if (c < 0x20) {
        *what = "a raw control character inside a string (write it as an "
                "escape such as \\t or \\u0001)";
        return i;
      }
      if (c == '"') in_string = 0;
      i += c == '\\' ? 2 : 1; /* cJSON has checked the escapes */
      continue;
    }
    if (c == '"') {
      in_string = 1;
      i++;
    } else if (c < 0x20 && !is_space((char)c)) {
      *what = "a control character between values (only spaces, tabs and "
              "CR may separate them)";
      return i;
    } else if (c == '-' || c == '+' || c == '.' || is_digit((char)c)) {
      /* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? and nothing more */
      size_t j = i + (c == '-');
      int ok = j < n && is_digit(p[j]);
      if (ok && p[j] == '0')
        j++;
      else
        while (j < n && is_digit(p[j])) j++;
      if (ok && j < n && p[j] == '.') {
        ok = ++j < n && is_digit(p[j]);
        while (j < n && is_digit(p[j])) j++;
      }
      if (ok && j < n && (p[j] == 'e' || p[j] == 'E')) {
        j++;
        if (j < n && (p[j] == '+' || p[j] == '-')) j++;
        ok = j < n && is_digit(p[j]);
        while (j < n && is_digit(p[j])) j++;
      }
      if (ok && j < n && (p[j] == '+' || p[j] == '-' || p[j] == '.' ||
                          p[j] == 'e' || p[j] == 'E' || is_digit(p[j])))
        ok = 0;
      if (!ok) {
        *what = "a malformed number (JSON numbers look like -12, 0.5 or "
                "1e-3: no leading +, no leading zeros, digits on both sides "
                "of the point)";
        return i;
      }
      i = j;
    } else {
      i++;
    }
  }
  return n;
}

/* Quotes up to 24 bytes of text near p for a message, printable ASCII only. */
static void excerpt(const char *p, const char *end, char out[32]) {
  size_t k = 0;
  while (p < end && k < 24) {
    unsigned char c = (unsigned char)*p++;
    out[k++] = (c >= 0x20 && c < 0x7F) ? (char)c : '?';
  }
  out[k] = '\0';
}

/*
 * Checks the current line: trims it, and parses it with cJSON as exactly
 * one JSON value.  Returns SQLITE_OK (cur->value set), or an error code
 * with the message set.
 */
static int check_line(JsonlCursor *cur) {
  const char *p = cur->line.p, *end = cur->line.p + cur->line.len;
  while (p < end && is_space(*p)) p++;
  while (end > p && is_space(end[-1])) end--;
  cur->value = p;
  cur->value_len = (size_t)(end - p);
  if (cur->value_len == 0) return SQLITE_OK; /* blank line */
  size_t ok = utf8_valid_prefix((const unsigned char *)p, cur->value_len);
  if (ok < cur->value_len)
    return column_error(cur,
                        "%s line %lld: invalid UTF-8 at column %s; convert the "
                        "file to UTF-8 (e.g. with iconv)",
                        p + ok);
  /* cJSON skips a byte-order mark where its text starts, but the value
   * would not be JSON for SQLite's json functions: only the file may start
   * with one (the file source skips it). */
  if (cur->value_len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
    return column_error(cur,
                        "%s line %lld: byte-order mark at column %s; only the "
                        "first line of a file may start with one (remove it)",
                        p);
  const char *stop = NULL;
  cJSON *json = cJSON_ParseWithLengthOpts(p, cur->value_len, &stop, 0);
  if (json != NULL) {
    /* cJSON's value, but also strict JSON?  (Checked before any trailing
     * text, so that "1e" reads as a bad number, not as two values.) */
    const char *what = NULL;
    size_t bad = strict_json_scan(p, cur->value_len, &what);
    cJSON_Delete(json);
    if (bad < cur->value_len) {
      char near[32], detail[320];
      excerpt(p + bad, end, near);
      sqlite3_snprintf(sizeof detail, detail, "column %lld near '%s': %s",
                       (long long)(p + bad - cur->line.p) + 1, near, what);
      return cursor_error(cur, "%s line %lld: malformed JSON at %s", detail);
    }
    while (stop < end && is_space(*stop)) stop++;
    if (stop == end) return SQLITE_OK;
  }
  if (stop == NULL || stop < p || stop > end) stop = end;
  char near[32], where[96];
  excerpt(stop, end, near);
  if (stop == end)
    sqlite3_snprintf(sizeof where, where, "at the end of the line");
  else
    sqlite3_snprintf(sizeof where, where, "at column %lld near '%s'",
                     (long long)(stop - cur->line.p) + 1, near);
  return cursor_error(cur,
                      json ? "%s line %lld: more than one JSON value (%s); "
                             "put each record on its own line"
                           : "%s line %lld: malformed JSON %s; each non-blank "
                             "line must hold one complete JSON value",
                      where);
}

/* jsonlNext: advances to the next non-blank line, checking it. */
static int jsonlNext(sqlite3_vtab_cursor *pCur) {
  JsonlCursor *cur = (JsonlCursor *)pCur;
  for (;;) {
    int got = 0, rc = read_line(cur, &got);
    if (rc != SQLITE_OK) return rc;
    if (!got) {
      cur->eof = 1;
      return SQLITE_OK;
    }
    cur->lineno++;
    rc = check_line(cur);
    if (rc != SQLITE_OK) return rc;
    if (cur->value_len > 0) return SQLITE_OK;
  }
}

/*
 * jsonlFilter: opens the file named by the path argument (argv[0]; idxNum
 * is 1 when jsonlBestIndex found it) and moves to the first row.
 */
static int jsonlFilter(sqlite3_vtab_cursor *pCur, int idxNum,
                       const char *idxStr, int argc, sqlite3_value **argv) {
  (void)idxStr;
  JsonlCursor *cur = (JsonlCursor *)pCur;
  cursor_reset(cur);
  if (idxNum != 1 || argc < 1) return SQLITE_ERROR; /* see xBestIndex */
  int rc = file_source_open(&cur->src, pCur->pVtab, ((FileVtab *)pCur->pVtab)->db,
                            &jsonl_names,
                            argv[0]);
  if (rc != SQLITE_OK) return rc;
  cur->eof = 0;
  return jsonlNext(pCur);
}

/* jsonlEof: true after the last row. */
static int jsonlEof(sqlite3_vtab_cursor *pCur) {
  return ((JsonlCursor *)pCur)->eof;
}

/* jsonlColumn: the line number, the JSON text or the path. */
static int jsonlColumn(sqlite3_vtab_cursor *pCur, sqlite3_context *ctx,
                       int i) {
  JsonlCursor *cur = (JsonlCursor *)pCur;
  switch (i) {
    case FILE_COLUMN_LINE:
      sqlite3_result_int64(ctx, cur->lineno);
      break;
    case FILE_COLUMN_VALUE:
      sqlite3_result_text64(ctx, cur->value, (sqlite3_uint64)cur->value_len,
                            SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
    default:
      sqlite3_result_text(ctx, cur->src.path, -1, SQLITE_TRANSIENT);
  }
  return SQLITE_OK;
}

/* jsonlRowid: the line number (unique within one file). */
static int jsonlRowid(sqlite3_vtab_cursor *pCur, sqlite_int64 *pRowid) {
  *pRowid = ((JsonlCursor *)pCur)->lineno;
  return SQLITE_OK;
}

/* jsonlBestIndex: the path argument is required (file_vtab_best_index). */
static int jsonlBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *info) {
  return file_vtab_best_index(pVtab, info, &jsonl_names);
}

/* Eponymous-only: no xCreate/xDestroy, so CREATE VIRTUAL TABLE is refused
 * and the module exists only as the table-valued function. */
const sqlite3_module jsonl_module = {
    .iVersion = 0,
    .xCreate = 0,
    .xConnect = file_vtab_connect,
    .xBestIndex = jsonlBestIndex,
    .xDisconnect = file_vtab_disconnect,
    .xDestroy = 0,
    .xOpen = jsonlOpen,
    .xClose = jsonlClose,
    .xFilter = jsonlFilter,
    .xNext = jsonlNext,
    .xEof = jsonlEof,
    .xColumn = jsonlColumn,
    .xRowid = jsonlRowid,
};
