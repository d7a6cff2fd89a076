/*
 * pool_parallel.c — the pool read over several connections at once (see
 * pool_parallel.h).
 *
 * When it may run at all is pool_parallel_when.c's: every condition is
 * proved on the caller's connection before a helper starts.
 *
 * One snapshot (contract §9).  The caller's connection holds a read
 * transaction on the main database for the whole call (call_guard.c).  In
 * a rollback-journal database that is a SHARED lock, and no writer can
 * commit while any SHARED lock is held; a helper connection opened on the
 * same file then reads exactly the state the caller reads.  WAL databases
 * give no such guarantee (a reader's snapshot is the last commit when it
 * begins, and this SQLite has no sqlite3_snapshot_open), so they, and
 * every case below that cannot be proved, are read by the caller's own
 * statement.
 *
 * The read.  The key (rowid of a table, id of a view) is cut into blocks:
 * ranges [lo, lo + width) from below the smallest key, the last range
 * open above.  No key is NULL: the smallest comes from "ORDER BY key
 * LIMIT 1" in a plan that sorts nothing, which would have given a NULL
 * first (then the read is serial, and says which id is not an INTEGER).  Helpers claim the
 * next block in turn and copy its rows into chunks of about 256 KiB (a
 * block may take several chunks; each helper has a ring of a few, so
 * memory stays a few MiB), and the caller takes the chunks back in block
 * order: the rows arrive in key order whatever the number of helpers.
 * The width adapts so that a block holds about BLOCK_BYTES of rows.
 */
#include "pool_parallel.h"

#include "pool_parallel_when.h"

#include "pool_read.h"
#include "core/labels.h"
#include "relation.h"
#include "sql_functions.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELPERS 4
#define RING 3                             /* chunks per helper */
#define CHUNK_BYTES ((size_t)256 << 10)
#define BLOCK_BYTES ((size_t)384 << 10)    /* a block's target size */
#define OWNER_RING 256 /* > MAX_HELPERS * (RING + 1): blocks in flight */
#define HELPER_POINTER "safety_sample_parallel_helper"

static atomic_ulong parallel_reads;

/* A cell as stored in a chunk, followed by its n bytes, a NUL and padding
 * to 8 bytes. */
typedef struct {
  int64_t num;   /* INTEGER: the value; FLOAT: its bits */
  uint32_t n;    /* bytes that follow */
  uint8_t type;
  uint8_t has_p; /* SqlCell.p was not NULL */
} CellHead;

typedef struct {
  unsigned char *buf;
  size_t used, cap;
  int last;     /* the last chunk of its block */
  int rc;       /* the read failed: its code and message */
  char *errmsg;
} Chunk;

typedef struct ParallelRead ParallelRead;

typedef struct {
  ParallelRead *pr;
  sqlite3 *db;
  sqlite3_stmt *snapshot;     /* keeps its read transaction open */
  sqlite3_stmt *form[RANGE_FORMS];
  pthread_t thread;
  int running;
  pthread_cond_t room;        /* a chunk was handed back */
  Chunk chunk[RING];
  size_t head, filled;        /* the queued chunks: head, head + 1, ... */
  Chunk *fill;                /* the chunk being filled, once taken */
  size_t block_bytes;         /* of the block being read */
} Helper;

struct ParallelRead {
  pthread_mutex_t mu;
  pthread_cond_t ready;         /* a chunk was queued, or a helper ended */
  Helper h[MAX_HELPERS];
  size_t n_helpers;
  /* the blocks: claimed in order, by whichever helper is free */
  int64_t next_block, n_blocks; /* n_blocks once the last is claimed */
  int claimed_last;
  int64_t lo, max_key;
  uint64_t width;
  unsigned char owner[OWNER_RING];
  unsigned behavior_mask;       /* the read's filter (labels.h) */
  int stop;
  /* the caller's position */
  int64_t block;
  Chunk *cur;
  Helper *cur_h;
  size_t off;
};

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

/* The chunk being filled (the one after the queued ones): the helper's
 * own until it is queued, so only getting a new one takes the lock, waiting
 * while the ring is full; NULL when the read is stopping.  Called without
 * mu. */
static Chunk *filling_chunk(Helper *h) {
  if (h->fill != NULL) return h->fill;
  ParallelRead *p = h->pr;
  pthread_mutex_lock(&p->mu);
  while (h->filled == RING && !p->stop) pthread_cond_wait(&h->room, &p->mu);
  h->fill = p->stop ? NULL : &h->chunk[(h->head + h->filled) % RING];
  pthread_mutex_unlock(&p->mu);
  return h->fill;
}

/* Queues the chunk being filled (it is then the caller's to take). */
static void queue_chunk(Helper *h, int last) {
  ParallelRead *p = h->pr;
  pthread_mutex_lock(&p->mu);
  h->fill->last = last;
  h->fill = NULL;
  h->filled++;
  pthread_cond_signal(&p->ready);
  pthread_mutex_unlock(&p->mu);
}

/* Appends one row's cells to the chunk being filled, queueing it first
 * when the row does not fit.  SQLITE_OK, SQLITE_NOMEM or SQLITE_INTERRUPT
 * (stopping). */
static int append_row(Helper *h, const SqlCell *cells) {
  size_t need = 0;
  for (int c = 0; c < PARALLEL_CELLS; c++)
    need += sizeof(CellHead) + pad8((cells[c].p ? cells[c].n : 0) + 1);
  Chunk *ch = filling_chunk(h);
  if (ch == NULL) return SQLITE_INTERRUPT;
  if (ch->used > 0 && ch->used + need > ch->cap) {
    queue_chunk(h, 0);
    if ((ch = filling_chunk(h)) == NULL) return SQLITE_INTERRUPT;
  }
  if (ch->used + need > ch->cap) { /* an empty chunk, or a row this big */
    size_t cap = need > CHUNK_BYTES ? need : CHUNK_BYTES;
    unsigned char *b = ss_realloc(ch->buf, cap);
    if (b == NULL) return SQLITE_NOMEM;
    ch->buf = b;
    ch->cap = cap;
  }
  unsigned char *at = ch->buf + ch->used;
  for (int c = 0; c < PARALLEL_CELLS; c++) {
    const SqlCell *v = &cells[c];
    CellHead hd = {v->type == SQLITE_FLOAT ? 0 : v->i, v->p ? (uint32_t)v->n : 0,
                   (uint8_t)v->type, v->p != NULL};
    if (v->type == SQLITE_FLOAT) memcpy(&hd.num, &v->r, sizeof v->r);
    memcpy(at, &hd, sizeof hd);
    at += sizeof hd;
    if (hd.n) memcpy(at, v->p, hd.n);
    at[hd.n] = '\0';
    at += pad8((size_t)hd.n + 1);
  }
  ch->used = (size_t)(at - ch->buf);
  h->block_bytes += need;
  return SQLITE_OK;
}

/* The helpers' own safety_sample_read_pool(helper, id, category,
 * behavior, embedding, group): copies each row into the chunks. */
static void copy_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  Helper *h = sqlite3_value_pointer(argv[0], HELPER_POINTER);
  if (h == NULL || argc != 1 + PARALLEL_CELLS) {
    sqlite3_result_error(ctx, "internal to the parallel pool read", -1);
    return;
  }
  SqlCell cells[PARALLEL_CELLS];
  pool_row_cells(argv + 1, cells);
  for (int c = 0; c < PARALLEL_CELLS; c++)
    if (cells[c].p == NULL && cells[c].n > 0) { /* SQLite's text failed */
      sqlite3_result_error_nomem(ctx);
      return;
    }
  /* A row whose behaviour the read does not admit needs neither its
   * embedding nor its group (reader_row looks no further), so they are
   * not copied. */
  if (h->pr->behavior_mask != 0 && cells[2].type != SQLITE_BLOB) {
    int code = cells[2].type == SQLITE_NULL ? 0
                                             : behavior_code((const char *)cells[2].p, cells[2].n);
    if (code >= 0 && !behavior_admits(h->pr->behavior_mask, code))
      cells[3] = cells[4] = (SqlCell){SQLITE_NULL, 0, 0, NULL, 0};
  }
  int rc = append_row(h, cells);
  if (rc == SQLITE_NOMEM) sqlite3_result_error_nomem(ctx);
  else if (rc != SQLITE_OK) sqlite3_result_error_code(ctx, rc);
}

static void copy_final(sqlite3_context *ctx) { sqlite3_result_null(ctx); }

/* Claims the next block for h (under mu): its form and bounds; 0 when
 * every block is claimed. */
static int claim_block(ParallelRead *p, Helper *h, RangeForm *form,
                       int64_t *lo, int64_t *hi) {
  if (p->claimed_last) return 0;
  p->owner[p->next_block % OWNER_RING] = (unsigned char)(h - p->h);
  int first = p->next_block == 0;
  p->next_block++;
  uint64_t left = (uint64_t)p->max_key - (uint64_t)p->lo; /* lo <= max */
  *lo = p->lo;
  if (left < p->width) { /* the last block: open above */
    p->claimed_last = 1;
    p->n_blocks = p->next_block;
    *form = RANGE_FROM;
    return 1;
  }
  *hi = (int64_t)((uint64_t)p->lo + p->width);
  p->lo = *hi;
  *form = first ? RANGE_BELOW : RANGE_BETWEEN;
  return 1;
}

/* After a block of width keys gave bytes: the next width, aiming at
 * BLOCK_BYTES a block (under mu). */
static void adapt_width(ParallelRead *p, uint64_t width, size_t bytes) {
  double w = (double)width, next = bytes == 0 ? w * 2 : w * BLOCK_BYTES / (double)bytes;
  if (next > w * 4) next = w * 4;
  if (next < w / 4) next = w / 4;
  if (next < 1) next = 1;
  if (next > 0x1p62) next = 0x1p62;
  p->width = (uint64_t)next;
}

/* Reads one block into the chunks; SQLITE_OK or the statement's code
 * (then the message is queued as the block's last chunk). */
static int read_block(Helper *h, RangeForm form, int64_t lo, int64_t hi) {
  sqlite3_stmt *st = h->form[form];
  h->block_bytes = 0;
  int rc = sqlite3_bind_pointer(st, 1, h, HELPER_POINTER, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 2, form == RANGE_BELOW ? hi : lo);
  if (rc == SQLITE_OK && form == RANGE_BETWEEN) rc = sqlite3_bind_int64(st, 3, hi);
  if (rc == SQLITE_OK) rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  char *msg = rc != SQLITE_OK ? sqlite3_mprintf("%s", sqlite3_errmsg(h->db)) : NULL;
  sqlite3_reset(st);
  Chunk *ch = filling_chunk(h);
  if (ch == NULL) {
    sqlite3_free(msg);
    return SQLITE_INTERRUPT;
  }
  ch->rc = rc;
  ch->errmsg = msg;
  queue_chunk(h, 1);
  return rc;
}

/* A helper thread: claims and reads blocks until none is left. */
static void *helper_main(void *arg) {
  Helper *h = arg;
  ParallelRead *p = h->pr;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    RangeForm form;
    int64_t lo = 0, hi = 0;
    uint64_t width = p->width;
    if (p->stop || !claim_block(p, h, &form, &lo, &hi)) break;
    pthread_mutex_unlock(&p->mu);
    int rc = read_block(h, form, lo, hi);
    pthread_mutex_lock(&p->mu);
    if (rc != SQLITE_OK) break;
    adapt_width(p, width, h->block_bytes);
  }
  pthread_cond_signal(&p->ready);
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* One cell out of a chunk at *at, which then points past it. */
static void cell_from_chunk(const unsigned char **at, SqlCell *c) {
  CellHead hd;
  memcpy(&hd, *at, sizeof hd);
  *at += sizeof hd;
  c->type = hd.type;
  c->i = hd.type == SQLITE_INTEGER ? hd.num : 0;
  c->r = (double)c->i;
  if (hd.type == SQLITE_FLOAT) memcpy(&c->r, &hd.num, sizeof c->r);
  c->p = hd.has_p ? *at : NULL;
  c->n = hd.n;
  *at += pad8((size_t)hd.n + 1);
}

int parallel_read_next(ParallelRead *p, SqlCell *cells, char **errmsg) {
  for (;;) {
    if (p->cur != NULL && p->off < p->cur->used) {
      const unsigned char *at = p->cur->buf + p->off;
      for (int c = 0; c < PARALLEL_CELLS; c++) cell_from_chunk(&at, &cells[c]);
      p->off = (size_t)(at - p->cur->buf);
      return SQLITE_ROW;
    }
    pthread_mutex_lock(&p->mu);
    if (p->cur != NULL) { /* hand the chunk back */
      Helper *h = p->cur_h;
      int rc = p->cur->rc;
      if (rc != SQLITE_OK) {
        *errmsg = p->cur->errmsg;
        p->cur->errmsg = NULL;
        pthread_mutex_unlock(&p->mu);
        return rc;
      }
      if (p->cur->last) p->block++;
      p->cur->used = 0;
      p->cur->last = 0;
      h->head = (h->head + 1) % RING;
      h->filled--;
      p->cur = NULL;
      pthread_cond_signal(&h->room);
    }
    Helper *h = NULL;
    int waited = 0;
    for (;;) {
      if (p->claimed_last && p->block >= p->n_blocks) break;
      if (p->block < p->next_block) {
        h = &p->h[p->owner[p->block % OWNER_RING]];
        if (h->filled > 0) break;
        h = NULL;
      }
      if (waited++) { /* let the caller look for an interrupt */
        pthread_mutex_unlock(&p->mu);
        return PARALLEL_PENDING;
      }
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_nsec += 20 * 1000000L;
      if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&p->ready, &p->mu, &until);
    }
    if (h != NULL) {
      p->cur = &h->chunk[h->head];
      p->cur_h = h;
      p->off = 0;
    }
    pthread_mutex_unlock(&p->mu);
    if (h == NULL) return SQLITE_DONE;
  }
}

void parallel_read_free(ParallelRead *p) {
  if (p == NULL) return;
  pthread_mutex_lock(&p->mu);
  p->stop = 1;
  for (size_t i = 0; i < p->n_helpers; i++) pthread_cond_signal(&p->h[i].room);
  pthread_mutex_unlock(&p->mu);
  for (size_t i = 0; i < p->n_helpers; i++) {
    Helper *h = &p->h[i];
    if (h->db != NULL) sqlite3_interrupt(h->db);
    if (h->running) pthread_join(h->thread, NULL);
    for (int f = 0; f < RANGE_FORMS; f++) sqlite3_finalize(h->form[f]);
    sqlite3_finalize(h->snapshot);
    sqlite3_close(h->db);
    for (int c = 0; c < RING; c++) {
      ss_free(h->chunk[c].buf);
      sqlite3_free(h->chunk[c].errmsg);
    }
  }
  for (int i = 0; i < MAX_HELPERS; i++) pthread_cond_destroy(&p->h[i].room);
  pthread_cond_destroy(&p->ready);
  pthread_mutex_destroy(&p->mu);
  ss_free(p);
}

int parallel_read_helpers(int heavy_jobs) {
  if (!sqlite3_threadsafe()) return 0;
  /* A helper a core; with heavy row jobs (a sweep's cossim lists, or a
   * table's read, cheap next to them) one core is left to the row worker,
   * which then bounds the read.  Measured on two cores with two helpers:
   * a sweep 15 % slower, pss-b and cossim-b over a table 6-10 % slower,
   * and over the canonical views 15-20 % faster. */
  long n = sysconf(_SC_NPROCESSORS_ONLN) - (heavy_jobs != 0);
  /* SAFETY_SAMPLE_READERS sets it (1 or 0: the caller's connection only). */
  const char *set = getenv("SAFETY_SAMPLE_READERS");
  if (set != NULL && *set != '\0') {
    char *end;
    long c = strtol(set, &end, 10);
    if (*end == '\0' && c >= 0) n = c;
  }
  if (n < 2) return 0;
  return n > MAX_HELPERS ? MAX_HELPERS : (int)n;
}

unsigned long parallel_read_count(void) { return atomic_load(&parallel_reads); }

/* Opens helper h on file (the main database's, with the caller's VFS and
 * limits), registers its copy aggregate, begins its read transaction and
 * prepares its range statements.  1 on success. */
static int open_helper(sqlite3 *db, Helper *h, const char *file,
                       const char *vfs, const char *select_sql,
                       const char *key) {
  int uri = strncmp(file, "file:", 5) == 0;
  int rc = sqlite3_open_v2(file, &h->db,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | (uri ? SQLITE_OPEN_URI : 0),
                           vfs);
  for (int id = 0; rc == SQLITE_OK && id <= SQLITE_LIMIT_WORKER_THREADS; id++)
    sqlite3_limit(h->db, id, sqlite3_limit(db, id, -1));
  if (rc == SQLITE_OK) rc = relation_helper_setup(h->db);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function_v2(h->db, READ_POOL_FN, 1 + PARALLEL_CELLS,
                                    SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL, NULL,
                                    copy_step, copy_final, NULL);
  if (rc == SQLITE_OK) rc = relation_prepare_snapshot(h->db, &h->snapshot);
  if (rc == SQLITE_OK && sqlite3_step(h->snapshot) != SQLITE_ROW) rc = SQLITE_ERROR;
  for (int f = 0; rc == SQLITE_OK && f < RANGE_FORMS; f++)
    rc = relation_prepare_range(h->db, select_sql, key, (RangeForm)f, &h->form[f]);
  return rc == SQLITE_OK;
}

int parallel_read_start(sqlite3 *db, const char *rel, sqlite3_stmt *serial,
                        unsigned behavior_mask, int heavy_jobs,
                        ParallelRead **out) {
  *out = NULL;
  ParallelPlan plan;
  if (!parallel_plan(db, rel, serial, heavy_jobs, &plan)) return SQLITE_OK;
  int n = plan.helpers;
  ParallelRead *p = ss_malloc(sizeof *p);
  char *name = p ? parallel_helper_file(plan.file) : NULL;
  if (name == NULL) {
    ss_free(p);
    parallel_plan_free(&plan);
    return SQLITE_OK;
  }
  memset(p, 0, sizeof *p);
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->ready, NULL);
  for (int i = 0; i < MAX_HELPERS; i++) pthread_cond_init(&p->h[i].room, NULL);
  p->lo = plan.lo;
  p->max_key = plan.hi;
  p->behavior_mask = behavior_mask;
  p->width = ((uint64_t)plan.hi - (uint64_t)plan.lo) / 1024 + 1;
  int ok = 1;
  for (int i = 0; ok && i < n; i++) {
    Helper *h = &p->h[i];
    h->pr = p;
    p->n_helpers++;
    ok = open_helper(db, h, name, plan.vfs, plan.select_sql, plan.key) &&
         (i > 0 || parallel_same_programs(h->db, h->form, &plan));
  }
  sqlite3_free(name);
  parallel_plan_free(&plan);
  /* The helpers opened the file by its name: it must still be the
   * caller's file (not renamed, deleted or replaced since it was opened). */
  int moved = 1;
  if (ok && (sqlite3_file_control(db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK ||
             moved))
    ok = 0;
  for (size_t i = 0; ok && i < p->n_helpers; i++)
    ok = p->h[i].running =
        pthread_create(&p->h[i].thread, NULL, helper_main, &p->h[i]) == 0;
  if (!ok) {
    parallel_read_free(p);
    return SQLITE_OK;
  }
  atomic_fetch_add(&parallel_reads, 1);
  *out = p;
  return SQLITE_OK;
}
