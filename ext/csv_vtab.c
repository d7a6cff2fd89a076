/*
 * csv_vtab.c — csv_each(path): the CSV reader of section 5 of the contract,
 * as an eponymous-only table-valued function.
 *
 *   SELECT line, value FROM csv_each('data.csv');
 *
 * The first record is the header.  Each later record is one row: `line` is
 * the 1-based line on which the record starts and `value` a JSON object
 * from header names to the record's fields, all as JSON strings, in header
 * order.  RFC 4180: fields are separated by commas, a field in double
 * quotes may hold commas, newlines and doubled quotes ("").  Records end
 * at LF or CRLF; blank lines are skipped (but counted); a UTF-8 byte-order
 * mark at the start is skipped.  Spaces are data (never trimmed).
 *
 * Errors name the file and the line: a record with the wrong number of
 * fields, a quote inside an unquoted field or text after a closing quote,
 * an unterminated quoted field, an empty or duplicate header name, invalid
 * UTF-8, a NUL byte.  Reading is interruptible and refuses anything but a
 * regular file (file_source.c); registered SQLITE_VTAB_DIRECTONLY.
 *
 * Parsing is Debian's libcsv (3.0.3) in strict mode, fed one line segment
 * at a time so that the line numbers are known: its record terminator is
 * LF only and CR counts as its "space", which it trims only next to a
 * field's end or start, so CRLF works and a CR inside a field is kept.
 */
#include "common.h"
#include "file_source.h"
#include "core/utf8.h"

#include <csv.h>
#include <string.h>

#define FN "csv_each"

static const FileReaderNames csv_names = {FN, "CSV", "data.csv"};

/* A cursor: the file, the parser, the header and the record being read. */
typedef struct {
  sqlite3_vtab_cursor base;
  struct csv_parser parser;
  int parser_ready;
  size_t limit;            /* SQLite's length limit */
  int rc;                  /* an error raised inside a libcsv callback */
  int in_header;           /* the header record is being read */
  char **names;            /* header names, each as a JSON string "..." */
  size_t n_names;
  TextBuf rec;             /* JSON text of the record being read */
  size_t n_fields;         /* fields seen in it */
  sqlite3_int64 rec_line;  /* line it starts on; 0 = none begun */
  int rec_done;            /* a complete record is in rec */
  sqlite3_int64 row_line;  /* line of the current row */
  int eof;
  FileSource src;          /* last: it holds the read-ahead chunk */
} CsvCursor;

/* libcsv's allocator: SQLite's, so memory limits apply. */
static void *csv_mem_realloc(void *p, size_t n) { return ss_realloc(p, n); }
static void csv_mem_free(void *p) { ss_free(p); }
/* CR is libcsv's only "space" (trimmed at a field's ends); LF ends records. */
static int csv_is_space(unsigned char c) { return c == '\r'; }
static int csv_is_term(unsigned char c) { return c == '\n'; }

static int csvOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor) {
  (void)pVtab;
  CsvCursor *cur = ss_malloc(sizeof *cur);
  if (cur == NULL) return SQLITE_NOMEM;
  memset(cur, 0, offsetof(CsvCursor, src));
  file_source_init(&cur->src);
  cur->eof = 1;
  *ppCursor = &cur->base;
  return SQLITE_OK;
}

/* Frees the header and the parser and closes the file. */
static void cursor_reset(CsvCursor *cur) {
  file_source_close(&cur->src);
  if (cur->parser_ready) csv_free(&cur->parser);
  cur->parser_ready = 0;
  for (size_t i = 0; i < cur->n_names; i++) sqlite3_free(cur->names[i]);
  ss_free(cur->names);
  cur->names = NULL;
  cur->n_names = 0;
  cur->rec.len = 0;
  cur->n_fields = 0;
  cur->rec_line = cur->row_line = 0;
  cur->rec_done = 0;
  cur->rc = SQLITE_OK;
  cur->eof = 1;
}

static int csvClose(sqlite3_vtab_cursor *pCur) {
  CsvCursor *cur = (CsvCursor *)pCur;
  cursor_reset(cur);
  textbuf_free(&cur->rec);
  ss_free(cur);
  return SQLITE_OK;
}

/* An error about the record starting at line (fmt: %s path, %lld line,
 * then the caller's arguments); returns and remembers SQLITE_ERROR. */
static int record_error(CsvCursor *cur, sqlite3_int64 line, const char *fmt,
                        ...) {
  va_list ap;
  va_start(ap, fmt);
  char *detail = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  if (detail == NULL) return cur->rc = SQLITE_NOMEM;
  safety_vtab_error(cur->base.pVtab, FN, "%s line %lld: %s", cur->src.path,
                    (long long)line, detail);
  sqlite3_free(detail);
  return cur->rc = SQLITE_ERROR;
}

/* The record's start line (the current segment's if none was noted). */
static sqlite3_int64 record_line(const CsvCursor *cur) {
  return cur->rec_line ? cur->rec_line : cur->src.seg_line;
}

/* The error for a record longer than SQLite's length limit. */
static int too_long(CsvCursor *cur) {
  return record_error(cur, record_line(cur),
                      "the record is longer than SQLite's length limit of "
                      "%llu bytes; raise the limit or check for an "
                      "unbalanced quote",
                      (unsigned long long)cur->limit);
}

/* Appends text to the record, reporting SQLite's length limit. */
static int rec_append(CsvCursor *cur, const void *p, size_t n) {
  int rc = textbuf_append(&cur->rec, p, n, cur->limit);
  if (rc == SQLITE_TOOBIG) return too_long(cur);
  return cur->rc = rc;
}

/* Appends s[0..n) as a JSON string (quoted, escaped); s is valid UTF-8. */
static int rec_append_json_string(CsvCursor *cur, const unsigned char *s,
                                  size_t n) {
  static const char hex[] = "0123456789abcdef";
  size_t run = 0; /* bytes of s[i - run..i) not yet copied */
  int rc = rec_append(cur, "\"", 1);
  for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
    unsigned char c = s[i];
    if (c >= 0x20 && c != '"' && c != '\\') {
      run++;
      continue;
    }
    rc = rec_append(cur, s + i - run, run);
    run = 0;
    char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
    size_t k = 2;
    if (c == '\n') esc[1] = 'n';
    else if (c == '\r') esc[1] = 'r';
    else if (c == '\t') esc[1] = 't';
    else if (c < 0x20) {
      memcpy(esc + 1, "u00", 3);
      esc[4] = hex[c >> 4];
      esc[5] = hex[c & 15];
      k = 6;
    }
    if (rc == SQLITE_OK) rc = rec_append(cur, esc, k);
  }
  if (rc == SQLITE_OK) rc = rec_append(cur, s + n - run, run);
  if (rc == SQLITE_OK) rc = rec_append(cur, "\"", 1);
  return rc;
}

/* A header field: a non-empty name, not seen before, kept as JSON text. */
static void header_field(CsvCursor *cur, const unsigned char *s, size_t n) {
  sqlite3_int64 line = record_line(cur);
  size_t col = cur->n_names + 1;
  if (n == 0) {
    record_error(cur, line,
                 "header field %llu is empty; every column needs a name",
                 (unsigned long long)col);
    return;
  }
  cur->rec.len = 0;
  if (rec_append_json_string(cur, s, n) != SQLITE_OK) return;
  for (size_t i = 0; i < cur->n_names; i++)
    if (strcmp(cur->names[i], cur->rec.p) == 0) {
      record_error(cur, line,
                   "duplicate header name %s (fields %llu and %llu); rename "
                   "one of the columns",
                   cur->rec.p, (unsigned long long)i + 1,
                   (unsigned long long)col);
      return;
    }
  char **names = ss_realloc(cur->names, (cur->n_names + 1) * sizeof *names);
  if (names == NULL) {
    cur->rc = SQLITE_NOMEM;
    return;
  }
  cur->names = names;
  names[cur->n_names] = sqlite3_mprintf("%s", cur->rec.p);
  if (names[cur->n_names] == NULL) {
    cur->rc = SQLITE_NOMEM;
    return;
  }
  cur->n_names++;
  cur->rec.len = 0;
}

/* libcsv's field callback: checks UTF-8, then adds the field. */
static void on_field(void *s, size_t n, void *data) {
  CsvCursor *cur = data;
  if (cur->rc != SQLITE_OK) return;
  const unsigned char *u = s ? s : (const unsigned char *)"";
  size_t ok = utf8_valid_prefix(u, n);
  if (ok < n) {
    record_error(cur, record_line(cur),
                 "invalid UTF-8 in field %llu (byte %llu of the field); "
                 "convert the file to UTF-8 (e.g. with iconv)",
                 (unsigned long long)cur->n_fields + 1,
                 (unsigned long long)ok + 1);
    return;
  }
  if (cur->in_header) {
    header_field(cur, u, n);
    cur->n_fields++;
    return;
  }
  size_t i = cur->n_fields++;
  if (i >= cur->n_names) return; /* too many: counted, reported at the end */
  if (rec_append(cur, i == 0 ? "{" : ",", 1) != SQLITE_OK) return;
  if (rec_append(cur, cur->names[i], strlen(cur->names[i])) != SQLITE_OK) return;
  if (rec_append(cur, ":", 1) != SQLITE_OK) return;
  rec_append_json_string(cur, u, n);
}

/* libcsv's record callback: ends the header or checks the field count. */
static void on_record(int c, void *data) {
  (void)c;
  CsvCursor *cur = data;
  if (cur->rc != SQLITE_OK) return;
  sqlite3_int64 line = record_line(cur);
  if (cur->in_header) {
    cur->in_header = 0;
  } else if (cur->n_fields != cur->n_names) {
    record_error(cur, line,
                 "the record has %llu field%s but the header has %llu; "
                 "quote fields that contain commas, or fix the record",
                 (unsigned long long)cur->n_fields,
                 cur->n_fields == 1 ? "" : "s",
                 (unsigned long long)cur->n_names);
    return;
  } else if (rec_append(cur, "}", 1) == SQLITE_OK) {
    cur->rec_done = 1;
    cur->row_line = line;
  }
  cur->n_fields = 0;
  cur->rec_line = 0;
}

/* Whether p[0..n) holds anything but CR and LF (a record starts there). */
static int has_content(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != '\r' && p[i] != '\n') return 1;
  return 0;
}

/* The message for libcsv's error status after a failed call. */
static int parser_error(CsvCursor *cur, sqlite3_int64 line, int at_end) {
  int st = csv_error(&cur->parser);
  if (st == CSV_ENOMEM) return cur->rc = SQLITE_NOMEM;
  if (st == CSV_ETOOBIG) return cur->rc = SQLITE_TOOBIG;
  if (at_end)
    return record_error(cur, line,
                        "unterminated quoted field: the record starting here "
                        "opens a quote that is never closed; close it, and "
                        "double any quote inside a quoted field (\"\")");
  return record_error(cur, line,
                      "malformed quoting: a quote inside an unquoted field or "
                      "text after a closing quote; quote the whole field and "
                      "double the quotes inside it (\"\")");
}

/* Feeds one segment to the parser and checks the buffered size. */
static int feed(CsvCursor *cur, const unsigned char *p, size_t n) {
  if (cur->rec_line == 0 && has_content(p, n)) cur->rec_line = cur->src.seg_line;
  size_t used = csv_parse(&cur->parser, p, n, on_field, on_record, cur);
  if (cur->rc != SQLITE_OK) return cur->rc;
  if (used < n) return parser_error(cur, cur->src.seg_line, 0);
  /* Grow libcsv's field buffer geometrically (it adds blk_size each time). */
  size_t have = csv_get_buffer_size(&cur->parser);
  if (have > cur->parser.blk_size) csv_set_blk_size(&cur->parser, have);
  if (cur->parser.entry_pos > cur->limit) return too_long(cur);
  return SQLITE_OK;
}

/* csvNext: reads until the next complete record or the end of the file. */
static int csvNext(sqlite3_vtab_cursor *pCur) {
  CsvCursor *cur = (CsvCursor *)pCur;
  cur->rec_done = 0;
  cur->rec.len = 0;
  while (!cur->rec_done) {
    const unsigned char *p;
    size_t n;
    int eol, rc = file_source_next(&cur->src, pCur->pVtab, &csv_names, &p, &n, &eol);
    if (rc != SQLITE_OK) return rc;
    if (n > 0) {
      rc = feed(cur, p, n);
      if (rc != SQLITE_OK) return rc;
      continue;
    }
    /* End of the file: a last record without a line end. */
    if (csv_fini(&cur->parser, on_field, on_record, cur) != 0)
      return parser_error(cur, record_line(cur), 1);
    if (cur->rc != SQLITE_OK) return cur->rc;
    if (cur->rec_done) break;
    if (cur->names == NULL) {
      safety_vtab_error(pCur->pVtab, FN,
                        "%s has no header record (it is empty); the first "
                        "line must name the columns",
                        cur->src.path);
      return SQLITE_ERROR;
    }
    cur->eof = 1;
    break;
  }
  return SQLITE_OK;
}

/* csvFilter: opens the file (argv[0]), reads the header and the first row. */
static int csvFilter(sqlite3_vtab_cursor *pCur, int idxNum, const char *idxStr,
                     int argc, sqlite3_value **argv) {
  (void)idxStr;
  CsvCursor *cur = (CsvCursor *)pCur;
  cursor_reset(cur);
  if (idxNum != 1 || argc < 1) return SQLITE_ERROR; /* see xBestIndex */
  int rc = file_source_open(&cur->src, pCur->pVtab, ((FileVtab *)pCur->pVtab)->db,
                            &csv_names, argv[0]);
  if (rc != SQLITE_OK) return rc;
  if (csv_init(&cur->parser, CSV_STRICT | CSV_STRICT_FINI) != 0) return SQLITE_NOMEM;
  cur->parser_ready = 1;
  csv_set_realloc_func(&cur->parser, csv_mem_realloc);
  csv_set_free_func(&cur->parser, csv_mem_free);
  csv_set_space_func(&cur->parser, csv_is_space);
  csv_set_term_func(&cur->parser, csv_is_term);
  csv_set_blk_size(&cur->parser, 4096);
  cur->limit = file_source_limit(&cur->src);
  cur->in_header = 1;
  cur->eof = 0;
  return csvNext(pCur);
}

static int csvEof(sqlite3_vtab_cursor *pCur) { return ((CsvCursor *)pCur)->eof; }

/* csvColumn: the record's line, its JSON object, or the path. */
static int csvColumn(sqlite3_vtab_cursor *pCur, sqlite3_context *ctx, int i) {
  CsvCursor *cur = (CsvCursor *)pCur;
  if (i == FILE_COLUMN_LINE)
    sqlite3_result_int64(ctx, cur->row_line);
  else if (i == FILE_COLUMN_VALUE)
    sqlite3_result_text64(ctx, cur->rec.p, (sqlite3_uint64)cur->rec.len,
                          SQLITE_TRANSIENT, SQLITE_UTF8);
  else
    sqlite3_result_text(ctx, cur->src.path, -1, SQLITE_TRANSIENT);
  return SQLITE_OK;
}

/* csvRowid: the record's start line (unique within one file). */
static int csvRowid(sqlite3_vtab_cursor *pCur, sqlite_int64 *pRowid) {
  *pRowid = ((CsvCursor *)pCur)->row_line;
  return SQLITE_OK;
}

static int csvBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *info) {
  return file_vtab_best_index(pVtab, info, &csv_names);
}

/* Eponymous-only: no xCreate/xDestroy (CREATE VIRTUAL TABLE is refused). */
const sqlite3_module csv_module = {
    .iVersion = 0,
    .xConnect = file_vtab_connect,
    .xBestIndex = csvBestIndex,
    .xDisconnect = file_vtab_disconnect,
    .xOpen = csvOpen,
    .xClose = csvClose,
    .xFilter = csvFilter,
    .xNext = csvNext,
    .xEof = csvEof,
    .xColumn = csvColumn,
    .xRowid = csvRowid,
};
