/*
 * file_source.c — the file side of jsonl_each and csv_each (see
 * file_source.h): safe opening, bounded chunked reads cut at line ends,
 * NUL and interrupt checks, a text buffer (UTF-8 validation is core/utf8.c), and the
 * shared xConnect/xBestIndex.
 *
 * Interrupts.  SQLite 3.40 has no sqlite3_is_interrupted().  A virtual
 * table's xNext that loops over many input lines (blank lines, a long
 * quoted field) never returns to the VDBE, which is where SQLite looks at
 * the interrupt flag.  So every chunk (64 KiB) the reader steps a small
 * prepared statement on the same connection (relation_prepare_probe, as
 * relation.c builds every SQL text): sqlite3_step returns
 * SQLITE_INTERRUPT while sqlite3_interrupt() is in effect (the flag is
 * kept while the outer statement runs), and the statement's opcodes count
 * towards a progress handler, which SQLite calls every N of them: the
 * probe of call_guard.h, which safety_sample's stop check steps too (about
 * 330 opcodes a step), so that a handler with N = 1000 is asked every few
 * chunks.  It costs a few microseconds per chunk, well under 1 % of
 * reading one.
 */
#include "common.h"
#include "file_source.h"
#include "relation.h"

#include "call_guard.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a non-regular file is, for the message. */
static const char *file_type_name(mode_t m) {
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

/* The error for a path that is not a regular file. */
static int not_regular(sqlite3_vtab *vt, const FileReaderNames *nm,
                       const char *path, mode_t m) {
  if (S_ISDIR(m))
    safety_vtab_error(vt, nm->fn,
                      "'%s' is a directory; pass the path of a %s file inside it",
                      path, nm->kind);
  else
    safety_vtab_error(vt, nm->fn,
                      "'%s' is %s, not a regular file; %s reads only regular "
                      "files (copy the data into a file first)",
                      path, file_type_name(m), nm->fn);
  return SQLITE_ERROR;
}

static int open_error(sqlite3_vtab *vt, const FileReaderNames *nm,
                      const char *path, int err) {
  safety_vtab_error(vt, nm->fn,
                    "cannot open '%s': %s; check the path (a relative path "
                    "is relative to the current directory)",
                    path, strerror(err));
  return SQLITE_ERROR;
}

/* The path argument as text, or an error for NULL. */
static int path_argument(sqlite3_vtab *vt, const FileReaderNames *nm,
                         sqlite3_value *arg, const char **path) {
  *path = (const char *)sqlite3_value_text(arg);
  if (*path != NULL) return SQLITE_OK;
  if (sqlite3_value_type(arg) != SQLITE_NULL) return SQLITE_NOMEM;
  safety_vtab_error(vt, nm->fn,
                    "the path is NULL; pass a file name, e.g. %s('%s') (in "
                    "the sqlite3 shell: .parameter set :path '%s')",
                    nm->fn, nm->example, nm->example);
  return SQLITE_ERROR;
}

int file_source_open(FileSource *fs, sqlite3_vtab *vt, sqlite3 *db,
                     const FileReaderNames *nm, sqlite3_value *arg) {
  const char *path;
  struct stat st;
  file_source_close(fs);
  fs->db = db;
  int rc = path_argument(vt, nm, arg, &path);
  if (rc != SQLITE_OK) return rc;
  fs->path = sqlite3_mprintf("%s", path);
  if (fs->path == NULL) return SQLITE_NOMEM;
  /* Before open(): opening a FIFO for reading blocks until a writer comes. */
  if (stat(path, &st) != 0) return open_error(vt, nm, path, errno);
  if (!S_ISREG(st.st_mode)) return not_regular(vt, nm, path, st.st_mode);
  /* O_NONBLOCK: should the path be swapped for a FIFO since stat, open
   * returns at once and fstat below refuses it. */
  fs->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fs->fd < 0) return open_error(vt, nm, path, errno);
  if (fstat(fs->fd, &st) != 0) return open_error(vt, nm, path, errno);
  if (!S_ISREG(st.st_mode)) return not_regular(vt, nm, path, st.st_mode);
  int flags = fcntl(fs->fd, F_GETFL);
  if (flags >= 0) (void)fcntl(fs->fd, F_SETFL, flags & ~O_NONBLOCK);
  rc = relation_prepare_probe(db, &fs->probe);
  if (rc != SQLITE_OK) return rc;
  fs->line = 1;
  return SQLITE_OK;
}

void file_source_init(FileSource *fs) {
  memset(fs, 0, offsetof(FileSource, chunk));
  fs->fd = -1;
}

void file_source_close(FileSource *fs) {
  if (fs->fd >= 0) close(fs->fd);
  fs->fd = -1;
  sqlite3_finalize(fs->probe);
  fs->probe = NULL;
  sqlite3_free(fs->path);
  fs->path = NULL;
  fs->line = fs->seg_line = 0;
  fs->pos = fs->end = fs->nul = 0;
  fs->started = 0;
}

size_t file_source_limit(const FileSource *fs) {
  return (size_t)sqlite3_limit(fs->db, SQLITE_LIMIT_LENGTH, -1);
}

/* Steps the probe: SQLITE_OK, or the interrupt (message set). */
static int check_interrupt(FileSource *fs, sqlite3_vtab *vt,
                           const FileReaderNames *nm) {
  int rc = interrupt_probe_step(fs->probe);
  if (rc == SQLITE_OK) return SQLITE_OK;
  if (rc == SQLITE_INTERRUPT)
    safety_vtab_error(vt, nm->fn, "interrupted while reading %s at line %lld",
                      fs->path, (long long)fs->line);
  return rc;
}

/* Reads the next chunk; fs->end == 0 at the end of the file. */
static int read_chunk(FileSource *fs, sqlite3_vtab *vt,
                      const FileReaderNames *nm) {
  int rc = check_interrupt(fs, vt, nm);
  if (rc != SQLITE_OK) return rc;
  ssize_t got;
  do got = read(fs->fd, fs->chunk, sizeof fs->chunk);
  while (got < 0 && errno == EINTR);
  if (got < 0) {
    safety_vtab_error(vt, nm->fn, "%s line %lld: read error: %s", fs->path,
                      (long long)fs->line, strerror(errno));
    return SQLITE_ERROR;
  }
  fs->pos = 0;
  fs->end = (size_t)got;
  if (!fs->started) {
    fs->started = 1;
    if (fs->end >= 3 && memcmp(fs->chunk, "\xEF\xBB\xBF", 3) == 0)
      fs->pos = 3; /* UTF-8 byte-order mark */
  }
  const unsigned char *z = memchr(fs->chunk, 0, fs->end);
  fs->nul = z ? (size_t)(z - fs->chunk) : fs->end;
  return SQLITE_OK;
}

/* Bytes of the current line returned before chunk[pos] (for columns). */
static sqlite3_int64 column_before(const FileSource *fs, size_t at) {
  const unsigned char *p = fs->chunk + at;
  while (p > fs->chunk && p[-1] != '\n') p--;
  return (sqlite3_int64)(fs->chunk + at - p);
}

int file_source_next(FileSource *fs, sqlite3_vtab *vt, const FileReaderNames *nm,
                     const unsigned char **p, size_t *n, int *eol) {
  *n = 0;
  *eol = 0;
  if (fs->pos == fs->end) {
    int rc = read_chunk(fs, vt, nm);
    if (rc != SQLITE_OK) return rc;
    if (fs->end == 0) return SQLITE_OK; /* end of file */
  }
  fs->seg_line = fs->line;
  if (fs->pos == fs->nul) {
    /* The column counts from the line's start within this chunk, which is
     * exact unless the line began in an earlier chunk. */
    safety_vtab_error(vt, nm->fn,
                      "%s line %lld: NUL byte at column %lld; %s text cannot "
                      "contain NUL bytes (is it a binary or zero-filled file?)",
                      fs->path, (long long)fs->line,
                      (long long)column_before(fs, fs->pos) + 1, nm->kind);
    return SQLITE_ERROR;
  }
  const unsigned char *start = fs->chunk + fs->pos;
  const unsigned char *nl = memchr(start, '\n', fs->nul - fs->pos);
  size_t len = nl ? (size_t)(nl - start) + 1 : fs->nul - fs->pos;
  fs->pos += len;
  if (nl != NULL) {
    *eol = 1;
    fs->line++;
  }
  *p = start;
  *n = len;
  return SQLITE_OK;
}

int textbuf_append(TextBuf *b, const void *p, size_t n, size_t limit) {
  if (n > limit || b->len > limit - n) return SQLITE_TOOBIG;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    char *q = ss_realloc(b->p, cap);
    if (q == NULL) return SQLITE_NOMEM;
    b->p = q;
    b->cap = cap;
  }
  if (n > 0) memcpy(b->p + b->len, p, n);
  b->len += n;
  b->p[b->len] = '\0';
  return SQLITE_OK;
}

void textbuf_free(TextBuf *b) {
  ss_free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

int file_vtab_connect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                      sqlite3_vtab **ppVtab, char **pzErr) {
  (void)pAux;
  (void)argc;
  (void)argv;
  (void)pzErr;
  int rc = sqlite3_declare_vtab(
      db, "CREATE TABLE x(line INTEGER, value TEXT, path HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  /* It reads files: not from the views or triggers of a schema. */
  rc = sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  if (rc != SQLITE_OK) return rc;
  FileVtab *vt = ss_malloc(sizeof *vt);
  if (vt == NULL) return SQLITE_NOMEM;
  memset(vt, 0, sizeof *vt);
  vt->db = db;
  *ppVtab = &vt->base;
  return SQLITE_OK;
}

int file_vtab_disconnect(sqlite3_vtab *vt) {
  ss_free(vt);
  return SQLITE_OK;
}

/*
 * A usable equality constraint on `path` goes to xFilter as argv[0]
 * (idxNum 1).  If one exists but is not usable in this plan,
 * SQLITE_CONSTRAINT makes the planner try another; if there is none, the
 * call is an error.  ORDER BY line (ascending) costs nothing.
 */
int file_vtab_best_index(sqlite3_vtab *vt, sqlite3_index_info *info,
                         const FileReaderNames *nm) {
  int path_idx = -1, unusable = 0;
  const struct sqlite3_index_constraint *c = info->aConstraint;
  for (int i = 0; i < info->nConstraint; i++, c++) {
    if (c->iColumn != FILE_COLUMN_PATH || c->op != SQLITE_INDEX_CONSTRAINT_EQ)
      continue;
    if (!c->usable)
      unusable = 1;
    else if (path_idx < 0)
      path_idx = i;
  }
  if (path_idx < 0) {
    if (unusable) return SQLITE_CONSTRAINT;
    safety_vtab_error(vt, nm->fn, "missing the path argument; call it as %s('%s')",
                      nm->fn, nm->example);
    return SQLITE_ERROR;
  }
  info->aConstraintUsage[path_idx].argvIndex = 1;
  info->aConstraintUsage[path_idx].omit = 1;
  info->idxNum = 1;
  info->estimatedCost = 100000.0;
  info->estimatedRows = 10000;
  if (info->nOrderBy == 1 && !info->aOrderBy[0].desc &&
      (info->aOrderBy[0].iColumn == FILE_COLUMN_LINE ||
       info->aOrderBy[0].iColumn < 0))
    info->orderByConsumed = 1;
  return SQLITE_OK;
}
