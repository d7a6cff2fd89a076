/*
 * file_source.h — what the file-reading table-valued functions (jsonl_each,
 * csv_each) share: opening the path argument safely, reading it in bounded
 * chunks cut at line ends, noticing sqlite3_interrupt while reading, a
 * growable text buffer (UTF-8 checks: core/utf8.h), and the xConnect/xBestIndex of a table
 * with columns (line, value, path HIDDEN).
 *
 * Contract section 5: only regular files are read (a FIFO, device, socket
 * or directory is an error before anything could block), the first NUL
 * byte stops the read with an error naming the file and line, and an
 * interrupt stops it within one chunk.
 */
#ifndef SAFETY_FILE_SOURCE_H
#define SAFETY_FILE_SOURCE_H

#include "common.h"

#include <stddef.h>

#define FILE_SOURCE_CHUNK 65536 /* bytes read from the file at a time */

/* Column numbers of the table every file reader declares. */
#define FILE_COLUMN_LINE 0
#define FILE_COLUMN_VALUE 1
#define FILE_COLUMN_PATH 2

/* The names a reader's messages use. */
typedef struct {
  const char *fn;      /* SQL name, e.g. "csv_each" (the message prefix) */
  const char *kind;    /* kind of file, e.g. "CSV" */
  const char *example; /* example file name, e.g. "data.csv" */
} FileReaderNames;

/* An open file being read: file_source_init once, then file_source_open. */
typedef struct {
  int fd;                 /* -1 when closed */
  char *path;             /* the path argument, for messages */
  sqlite3 *db;            /* the connection (length limit, interrupts) */
  sqlite3_stmt *probe;    /* stepped between chunks to see an interrupt */
  sqlite3_int64 line;     /* 1-based line of the next unread byte */
  sqlite3_int64 seg_line; /* line of the segment last returned */
  size_t pos, end;        /* unread bytes are chunk[pos..end) */
  size_t nul;             /* offset of the chunk's first NUL, or end */
  int started;            /* the first chunk (and its BOM) was read */
  unsigned char chunk[FILE_SOURCE_CHUNK];
} FileSource;

/* A growable byte buffer, always NUL-terminated when non-empty. */
typedef struct {
  char *p;
  size_t len, cap;
} TextBuf;

/*
 * Opens the file named by arg for reading: refuses NULL, anything but a
 * regular file (checked with stat before open, opened O_NONBLOCK so that a
 * FIFO swapped in cannot block, and checked again with fstat).  Skips a
 * UTF-8 byte-order mark at the start.  On error sets vt's message and
 * returns an SQLite code; file_source_close is safe either way.
 */
int file_source_open(FileSource *fs, sqlite3_vtab *vt, sqlite3 *db,
                     const FileReaderNames *nm, sqlite3_value *arg);
void file_source_init(FileSource *fs);
void file_source_close(FileSource *fs);

/*
 * The next segment of the file: the bytes up to and including the next
 * '\n' or the end of the current chunk, whichever comes first.  *n == 0 at
 * the end of the file.  fs->seg_line is the segment's line; *eol is 1 when
 * the segment ends the line.  A NUL byte, a read error or an interrupt is
 * an error (message set on vt).
 */
int file_source_next(FileSource *fs, sqlite3_vtab *vt, const FileReaderNames *nm,
                     const unsigned char **p, size_t *n, int *eol);

/* SQLite's length limit on the connection. */
size_t file_source_limit(const FileSource *fs);

/* Appends n bytes; SQLITE_OK, SQLITE_NOMEM or SQLITE_TOOBIG (over limit). */
int textbuf_append(TextBuf *b, const void *p, size_t n, size_t limit);
void textbuf_free(TextBuf *b);

/* The virtual table of a file reader: only the connection. */
typedef struct {
  sqlite3_vtab base;
  sqlite3 *db;
} FileVtab;

/* xConnect for (line, value, path HIDDEN), registered DIRECTONLY; the
 * table is a FileVtab.  xDisconnect frees it. */
int file_vtab_connect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                      sqlite3_vtab **ppVtab, char **pzErr);
int file_vtab_disconnect(sqlite3_vtab *vt);

/*
 * xBestIndex: the path argument is required (an equality on `path`, passed
 * as argv[0], idxNum 1); rows come in line order.  usage is the call shown
 * in the message, e.g. "csv_each('file.csv')".
 */
int file_vtab_best_index(sqlite3_vtab *vt, sqlite3_index_info *info,
                         const FileReaderNames *nm);

#endif
