/*
 * pool_read.c — reading the pool, the reference set and the task size for
 * safety_sample.  See pool_read.h.
 */
#define _DEFAULT_SOURCE /* madvise() */
#include "pool_read.h"

#include "common.h"

#include "core/hash.h"
#include "core/labels.h"
#include "core/options.h"
#include "core/row_worker.h"
#include "core/vector.h"
#include <math.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE SIZE_MAX
#define FN "safety_sample"

/* Large blocks are 2 MiB-aligned within and hinted for transparent huge
 * pages (see the row arena below: a 4 KiB page fault costs about 12 us on
 * some virtual machines).  The hint changes no result. */
#define HUGE_HINT_BYTES ((size_t)4 << 20)
#define HUGE_ALIGN ((size_t)2 << 20)

/* Hints the 2 MiB-aligned part of [p, p + bytes) for huge pages. */
static void hint_huge_pages(void *p, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  uintptr_t lo = ((uintptr_t)p + HUGE_ALIGN - 1) & ~(uintptr_t)(HUGE_ALIGN - 1);
  uintptr_t hi = ((uintptr_t)p + bytes) & ~(uintptr_t)(HUGE_ALIGN - 1);
  if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

/* Grows *p (elements of size elem) to hold at least need; 0 if no memory.
 * Past 64 KiB it grows fourfold (each move copies the array into fresh
 * memory, whose first touch is the cost), and past HUGE_HINT_BYTES the new
 * block is hinted before the old one is copied in, so that the copy fills
 * huge pages. */
static int grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 1;
  size_t c = *cap ? *cap : 64;
  while (c < need) {
    if (c > SIZE_MAX / 4) return 0;
    c *= c * elem >= ((size_t)64 << 10) ? 4 : 2;
  }
  size_t bytes;
  if (!ss_mul_size(c, elem, &bytes)) return 0;
  void *q;
  if (bytes >= HUGE_HINT_BYTES) {
    if ((q = ss_malloc(bytes)) == NULL) return 0;
    hint_huge_pages(q, bytes);
    if (*p != NULL) memcpy(q, *p, *cap * elem);
    ss_free(*p);
  } else if ((q = ss_realloc(*p, bytes)) == NULL) {
    return 0;
  }
  *p = q;
  *cap = c;
  return 1;
}

static uint64_t hash_bytes(const void *p, size_t n) {
  return hash_fnv1a(HASH_FNV_BASIS, p, n);
}

static uint64_t hash_id(int64_t id) {
  return hash_splitmix64_mix((uint64_t)id + HASH_GOLDEN);
}

/* ---- open-addressing index: key -> entry number ---- */

typedef struct {
  size_t *slots; /* NONE = empty */
  size_t cap;    /* power of two */
} Index;

static int index_init(Index *ix, size_t cap) {
  ix->cap = cap;
  ix->slots = ss_malloc_array(cap, sizeof(size_t));
  if (ix->slots == NULL) return 0;
  for (size_t i = 0; i < cap; i++) ix->slots[i] = NONE;
  return 1;
}

/* The hash of entry j of whatever the index is over. */
typedef uint64_t (*HashOf)(const void *ctx, size_t j);

/* A new table of cap slots (a power of two) holding entries 0..n-1. */
static int index_build(Index *ix, size_t cap, size_t n, HashOf hash_of,
                       const void *ctx) {
  if (!index_init(ix, cap)) return 0;
  for (size_t j = 0; j < n; j++) {
    size_t s = (size_t)hash_of(ctx, j) & (cap - 1);
    while (ix->slots[s] != NONE) s = (s + 1) & (cap - 1);
    ix->slots[s] = j;
  }
  return 1;
}

/* Records entry k (the newest; entries 0..k exist) in the empty slot that
 * probing found, and doubles the table at half load.  0 if out of memory. */
static int index_insert(Index *ix, size_t slot, size_t k, HashOf hash_of,
                        const void *ctx) {
  ix->slots[slot] = k;
  if ((k + 1) * 2 <= ix->cap) return 1;
  Index bigger;
  if (!index_build(&bigger, ix->cap * 2, k + 1, hash_of, ctx)) return 0;
  ss_free(ix->slots);
  *ix = bigger;
  return 1;
}

/* ---- examples by id ---- */

/* Kept for every id of the pool (the behaviour check needs them all), so
 * small: 16 bytes. */
typedef struct {
  int64_t id;
  /* The example's number among the eligible ones in the order they became
   * eligible (NONE32 until then); with embeddings also its row in the
   * arena and in the reader's per-row arrays. */
  uint32_t index;
  unsigned char behavior;
} Entry;
#define NONE32 UINT32_MAX

typedef struct {
  Entry *e;
  size_t n, cap;
  Index ix;      /* built only once ids arrive out of order */
  int indexed;
} Entries;

static uint64_t entry_hash(const void *ctx, size_t j) {
  return hash_id(((const Entries *)ctx)->e[j].id);
}

/* Finds id; with create, adds it.  Returns the entry number, NONE when
 * absent (or out of memory with create: *nomem set). */
static size_t entries_find(Entries *es, int64_t id, int create, int *nomem) {
  if (!es->indexed) {
    /* Ids in ascending order (the usual pool, scanned by primary key):
     * the entries stay sorted and need no hash table. */
    if (es->n > 0 && es->e[es->n - 1].id == id) return es->n - 1;
    if (es->n == 0 || id > es->e[es->n - 1].id) {
      if (!create) return NONE;
      if (!grow((void **)&es->e, &es->cap, es->n + 1, sizeof(Entry))) goto oom;
      es->e[es->n] = (Entry){id, NONE32, 0};
      return es->n++;
    }
    /* The first id out of order: index what is there, then hash. */
    size_t cap = 1024;
    while (cap < 2 * (es->n + 1)) cap *= 2;
    if (!index_build(&es->ix, cap, es->n, entry_hash, es)) goto oom;
    es->indexed = 1;
  }
  size_t mask = es->ix.cap - 1, h = (size_t)hash_id(id) & mask;
  while (es->ix.slots[h] != NONE) {
    if (es->e[es->ix.slots[h]].id == id) return es->ix.slots[h];
    h = (h + 1) & mask;
  }
  if (!create) return NONE;
  if (!grow((void **)&es->e, &es->cap, es->n + 1, sizeof(Entry))) goto oom;
  size_t k = es->n++;
  es->e[k] = (Entry){id, NONE32, 0};
  if (!index_insert(&es->ix, h, k, entry_hash, es)) goto oom;
  return k;
oom:
  *nomem = 1;
  return NONE;
}

/* ---- category names ---- */

typedef struct {
  char **names;
  size_t n, cap;
  unsigned char *allowed; /* parallel to names: listed in options */
  size_t allowed_cap;
  Index ix;
} Names;

static uint64_t name_hash(const void *ctx, size_t j) {
  const char *name = ((const Names *)ctx)->names[j];
  return hash_bytes(name, strlen(name));
}

/* Interns name; returns its number or NONE (absent without create, or out
 * of memory: *nomem set). */
static size_t names_find(Names *ns, const char *name, size_t len, int create,
                         int *nomem) {
  if (ns->ix.slots == NULL && !index_init(&ns->ix, 64)) goto oom;
  size_t mask = ns->ix.cap - 1, h = (size_t)hash_bytes(name, len) & mask;
  while (ns->ix.slots[h] != NONE) {
    const char *s = ns->names[ns->ix.slots[h]];
    if (strlen(s) == len && memcmp(s, name, len) == 0) return ns->ix.slots[h];
    h = (h + 1) & mask;
  }
  if (!create) return NONE;
  if (!grow((void **)&ns->names, &ns->cap, ns->n + 1, sizeof(char *)) ||
      !grow((void **)&ns->allowed, &ns->allowed_cap, ns->n + 1, 1))
    goto oom;
  char *copy = ss_malloc(len + 1);
  if (copy == NULL) goto oom;
  memcpy(copy, name, len);
  copy[len] = '\0';
  size_t k = ns->n++;
  ns->names[k] = copy;
  ns->allowed[k] = 0;
  if (!index_insert(&ns->ix, h, k, name_hash, ns)) goto oom;
  return k;
oom:
  *nomem = 1;
  return NONE;
}

static void names_free(Names *ns, int keep_names) {
  if (!keep_names) {
    for (size_t i = 0; i < ns->n; i++) ss_free(ns->names[i]);
    ss_free(ns->names);
  }
  ss_free(ns->allowed);
  ss_free(ns->ix.slots);
}

/* ---- helpers for statements and messages ---- */

/* 1 if the prepared statement has a result column named col (any case). */
static int stmt_has_column(sqlite3_stmt *st, const char *col) {
  for (int j = 0; j < sqlite3_column_count(st); j++)
    if (sqlite3_stricmp(sqlite3_column_name(st, j), col) == 0) return 1;
  return 0;
}

/* Prepares "<head> "rel"", the relation always quoted as an identifier. */
static int prepare_on(sqlite3 *db, const char *head, const char *rel,
                      sqlite3_stmt **st) {
  *st = NULL;
  char *sql = sqlite3_mprintf("%s \"%w\"", head, rel);
  if (sql == NULL) return SQLITE_NOMEM;
  int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
  sqlite3_free(sql);
  return rc;
}

/* The names cols[0..n) joined by ", " into *out (NULL when none is
 * chosen): all of them, or with probe only those it has no column for. */
static int join_columns(const char *const *cols, size_t n, sqlite3_stmt *probe,
                        char **out) {
  char *list = NULL;
  for (size_t c = 0; c < n; c++) {
    if (probe != NULL && stmt_has_column(probe, cols[c])) continue;
    char *more = list ? sqlite3_mprintf("%s, %s", list, cols[c])
                      : sqlite3_mprintf("%s", cols[c]);
    sqlite3_free(list);
    if (more == NULL) return SQLITE_NOMEM;
    list = more;
  }
  *out = list;
  return SQLITE_OK;
}

int pool_relation_has_column(sqlite3 *db, const char *rel, const char *col) {
  sqlite3_stmt *st;
  int found = prepare_on(db, "SELECT * FROM", rel, &st) == SQLITE_OK
                  ? stmt_has_column(st, col)
                  : -1;
  sqlite3_finalize(st);
  return found;
}

/* Checks that relation rel exists and has the columns; prepares
 * "SELECT <columns> FROM rel", with NULL in place of column c when bit c of
 * null_mask is set (a column the method does not use: SQLite then does not
 * extract it).  With aggregate, "SELECT aggregate(?1, <columns>) FROM rel"
 * instead.  The list is padded with NULLs to n_args columns.  kind is
 * "pool"/"reference" for messages. */
static int prepare_relation(sqlite3 *db, const char *kind, const char *option,
                            const char *rel, const char *const *cols,
                            size_t n_cols, unsigned null_mask,
                            const char *aggregate, size_t n_args,
                            sqlite3_stmt **out, char **errmsg) {
  sqlite3_stmt *probe;
  char *missing = NULL, *want = NULL, *head = NULL;
  *out = NULL;
  int rc = prepare_on(db, "SELECT * FROM", rel, &probe);
  if (rc == SQLITE_NOMEM) return rc;
  if (rc != SQLITE_OK) {
    *errmsg = safety_error_text(
        FN, "the %s relation \"%s\" cannot be read (%s); create it "
            "(sql/schema.sql makes safety_pool and safety_reference) or name "
            "another with options.%s",
        kind, rel, sqlite3_errmsg(db), option);
    sqlite3_finalize(probe);
    return SQLITE_ERROR;
  }
  /* Which contract columns are missing? */
  rc = join_columns(cols, n_cols, probe, &missing);
  sqlite3_finalize(probe);
  if (rc == SQLITE_OK && missing != NULL) {
    rc = join_columns(cols, n_cols, NULL, &want);
    if (rc == SQLITE_OK) {
      *errmsg = safety_error_text(
          FN, "the %s relation \"%s\" has no column %s; it needs the columns %s",
          kind, rel, missing, want);
      rc = SQLITE_ERROR;
    }
  }
  if (rc == SQLITE_OK) {
    head = aggregate ? sqlite3_mprintf("SELECT %s(?1", aggregate)
                     : sqlite3_mprintf("SELECT ");
    if (head == NULL) rc = SQLITE_NOMEM;
  }
  if (n_args < n_cols) n_args = n_cols;
  for (size_t c = 0; rc == SQLITE_OK && c < n_args; c++) {
    const char *comma = c || aggregate ? ", " : "";
    char *more = c >= n_cols || (null_mask >> c) & 1
                     ? sqlite3_mprintf("%s%sNULL", head, comma)
                     : sqlite3_mprintf("%s%s\"%w\"", head, comma, cols[c]);
    sqlite3_free(head);
    head = more;
    if (head == NULL) rc = SQLITE_NOMEM;
  }
  if (rc == SQLITE_OK) {
    char *from = sqlite3_mprintf("%s%s FROM", head, aggregate ? ")" : "");
    rc = from ? prepare_on(db, from, rel, out) : SQLITE_NOMEM;
    sqlite3_free(from);
    if (rc != SQLITE_OK && rc != SQLITE_NOMEM)
      *errmsg = safety_error_text(FN, "cannot read the %s relation \"%s\": %s",
                                  kind, rel, sqlite3_errmsg(db));
  }
  sqlite3_free(missing);
  sqlite3_free(want);
  sqlite3_free(head);
  return rc;
}

/* The dimension-mismatch error; others says whose dimension *dim is
 * ("others" in one relation, "the reference set's" across the two). */
static int dim_mismatch(const char *who, size_t d, size_t dim,
                        const char *others, char **errmsg) {
  *errmsg = safety_error_text(
      FN, "%s has a %llu-dimensional embedding but %s have %llu (dimension "
          "mismatch %llu vs %llu); every embedding must come from the same "
          "model",
      who, (unsigned long long)d, others, (unsigned long long)dim,
      (unsigned long long)d, (unsigned long long)dim);
  return SQLITE_ERROR;
}

/*
 * Checks an embedding value's type and dimension.  *dim == 0 means "not
 * known yet": the value's dimension is then stored in *dim.  JSON text is
 * parsed here, once: *json receives the floats (ss_free them after
 * embedding_copy), NULL for a BLOB.  who names the row in messages.
 */
static int embedding_dim(sqlite3_value *v, const char *who, size_t *dim,
                         const char *others, float **json, char **errmsg) {
  int type = sqlite3_value_type(v);
  size_t d;
  *json = NULL;
  if (type == SQLITE_NULL) {
    *errmsg = safety_error_text(
        FN, "%s has no embedding; store one (a float32 BLOB, for example "
            "from safety_embed(text)) or leave the row out",
        who);
    return SQLITE_ERROR;
  }
  if (type == SQLITE_BLOB) {
    size_t bytes = (size_t)sqlite3_value_bytes(v);
    if (bytes == 0 || bytes % 4 != 0) {
      *errmsg = safety_error_text(
          FN, "%s has an embedding of %llu bytes, which is not a float32 "
              "vector (a non-empty multiple of 4 bytes); store vec_f32(...) "
              "values",
          who, (unsigned long long)bytes);
      return SQLITE_ERROR;
    }
    d = bytes / 4;
  } else if (type == SQLITE_TEXT) {
    char err[VEC_ERRLEN];
    int rc = vec_from_json((const char *)sqlite3_value_text(v),
                           (size_t)sqlite3_value_bytes(v), json, &d, err);
    if (rc == VEC_ENOMEM) return SQLITE_NOMEM;
    if (rc != VEC_OK) {
      *errmsg = safety_error_text(FN, "%s has an invalid embedding: %s", who,
                                  err);
      return SQLITE_ERROR;
    }
  } else {
    *errmsg = safety_error_text(
        FN, "%s has %s embedding; store a float32 BLOB (vec_f32(...))", who,
        type == SQLITE_INTEGER ? "an INTEGER" : "a REAL");
    return SQLITE_ERROR;
  }
  if (*dim != 0 && d != *dim) {
    ss_free(*json);
    *json = NULL;
    return dim_mismatch(who, d, *dim, others, errmsg);
  }
  *dim = d;
  return SQLITE_OK;
}

/* Copies an embedding checked by embedding_dim (its JSON floats, or the
 * BLOB) into dst (dim floats), checks finiteness and that it is not the
 * zero vector, and returns its norm in *norm. */
static int embedding_copy(sqlite3_value *v, const float *json,
                          const char *who, size_t dim, float *dst,
                          double *norm, char **errmsg) {
  long long bad;
  if (json != NULL) {
    memcpy(dst, json, dim * sizeof(float)); /* vec_from_json checked it */
    bad = -1;
  } else {
    bad = vec_copy_checked(dst, sqlite3_value_blob(v), dim);
  }
  if (bad >= 0) {
    *errmsg = safety_error_text(
        FN, "%s has an embedding whose element %lld is %s; embeddings must "
            "be finite",
        who, bad, isnan(dst[bad]) ? "NaN" : "infinite");
    return SQLITE_ERROR;
  }
  *norm = vec_norm(dst, dim);
  if (*norm == 0.0) {
    *errmsg = safety_error_text(
        FN, "%s has a zero embedding, which has no direction for cosine; "
            "re-embed it or leave it out of the pool",
        who);
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

/* ---- sorting helpers ---- */

/* qsort has no context argument: the comparators read these, one per
 * thread so that connections in different threads do not race. */
static _Thread_local const Entry *sort_entries_base;
static int cmp_entry_by_id(const void *a, const void *b) {
  int64_t x = sort_entries_base[*(const size_t *)a].id;
  int64_t y = sort_entries_base[*(const size_t *)b].id;
  return x < y ? -1 : x > y;
}

static _Thread_local char *const *sort_names_base;
static int cmp_name(const void *a, const void *b) {
  return strcmp(sort_names_base[*(const size_t *)a],
                sort_names_base[*(const size_t *)b]);
}

typedef struct {
  uint32_t cat, example; /* < 2^32: checked as rows arrive */
} Membership;

static int cmp_membership(const void *a, const void *b) {
  const Membership *x = a, *y = b;
  if (x->cat != y->cat) return x->cat < y->cat ? -1 : 1;
  return x->example < y->example ? -1 : x->example > y->example;
}

/* Sorts memberships that arrived in example order by category, keeping
 * that order within each (a counting sort: the same order as
 * cmp_membership gives, in linear time).  0 if out of memory. */
static int sort_by_category(Membership **mem, size_t n_mem, size_t n_cat) {
  size_t *start = ss_malloc_array(n_cat + 1, sizeof(size_t));
  Membership *sorted = ss_malloc_array(n_mem, sizeof(Membership));
  if (start == NULL || sorted == NULL) {
    ss_free(start);
    ss_free(sorted);
    return 0;
  }
  memset(start, 0, (n_cat + 1) * sizeof(size_t));
  for (size_t j = 0; j < n_mem; j++) start[(*mem)[j].cat + 1]++;
  for (size_t c = 0; c < n_cat; c++) start[c + 1] += start[c];
  for (size_t j = 0; j < n_mem; j++) sorted[start[(*mem)[j].cat]++] = (*mem)[j];
  ss_free(start);
  ss_free(*mem);
  *mem = sorted;
  return 1;
}

/* Sorts name numbers into name order: rank[old] = new position. */
static int name_order(char *const *names, size_t n, size_t **rank_out) {
  size_t *order = ss_malloc_array(n, sizeof(size_t));
  size_t *rank = ss_malloc_array(n, sizeof(size_t));
  if (order == NULL || rank == NULL) {
    ss_free(order);
    ss_free(rank);
    return 0;
  }
  for (size_t i = 0; i < n; i++) order[i] = i;
  sort_names_base = names;
  qsort(order, n, sizeof *order, cmp_name);
  for (size_t i = 0; i < n; i++) rank[order[i]] = i;
  ss_free(order);
  *rank_out = rank;
  return 1;
}

/* ---- the row arena ---- */

/*
 * Rows of fixed size (the embeddings pss keeps, or the scores cossim
 * computes on arrival) in chunks that never move, so that the row worker
 * may write into them while more are added, and nothing is copied as the
 * pool grows.  Chunk sizes grow fourfold from 64 KiB (a small pool never
 * asks for much) to 16 MiB.  For pss's vectors, chunks of 4 MiB and more
 * are aligned to 2 MiB and, on Linux, hinted for transparent huge pages:
 * first-touch page faults were the largest cost of pss on a virtual
 * machine (about 12 us per 4 KiB page; filling 132 MB of 4 KiB pages took
 * about 0.4 s, with huge pages a few tens of ms).  cossim's score rows
 * (112 bytes an example on the default pool, 12 MB) are not hinted:
 * there the hint made the whole selection about 25 ms slower (387 against
 * 412 ms on 200,000 x 384, measured side by side), while their 4 KiB
 * faults fall on the row worker, off the reading thread.  The hint changes
 * no result.
 */
#define ARENA_FIRST_BYTES ((size_t)64 << 10)
#define ARENA_MAX_BYTES ((size_t)16 << 20)

/* A new row of pd's arena (rows of row_bytes), in chunks hinted for huge
 * pages when hint; NULL if out of memory. */
static void *arena_add(PoolData *pd, size_t row_bytes, int hint) {
  if (pd->arena_left == 0) {
    size_t bytes = pd->arena_next_bytes ? pd->arena_next_bytes : ARENA_FIRST_BYTES;
    if (bytes < row_bytes) bytes = row_bytes;
    pd->arena_next_bytes = bytes < ARENA_MAX_BYTES / 4 ? 4 * bytes : ARENA_MAX_BYTES;
    int huge = hint && bytes >= HUGE_HINT_BYTES;
    if (huge && bytes > SIZE_MAX - HUGE_ALIGN) return NULL;
    if (!grow((void **)&pd->arena_chunks, &pd->arena_cap, pd->n_arena + 1,
              sizeof(void *)))
      return NULL;
    unsigned char *raw = ss_malloc(huge ? bytes + HUGE_ALIGN : bytes);
    if (raw == NULL) return NULL;
    pd->arena_chunks[pd->n_arena++] = raw;
    unsigned char *at = raw;
    if (huge) { /* the chunk itself aligned, so that all of it is hinted */
      at += (HUGE_ALIGN - (uintptr_t)raw % HUGE_ALIGN) % HUGE_ALIGN;
      hint_huge_pages(at, bytes);
    }
    pd->arena_next = at;
    pd->arena_left = bytes / row_bytes;
  }
  void *row = pd->arena_next;
  pd->arena_next += row_bytes;
  pd->arena_left--;
  return row;
}

/* ---- per-row values the row worker writes ---- */

/*
 * Values of each eligible row that the row worker writes as it goes (each
 * row's norm, and under cossim the hash that its repeat rows are compared
 * with), in chunks of SLOT_CHUNK rows that never move: the worker writes
 * through pointers in its jobs while the reader adds chunks, and the
 * reader never reads them back row by row during the read (it used to,
 * batch by batch, which cost about 7 ms of cossim-b's read).
 */
#define SLOT_CHUNK ((size_t)1 << 12)

typedef struct {
  unsigned char **chunk;
  size_t n, cap; /* chunks made / room for */
} Slots;

/* Where row's value (elem bytes) goes, making its chunk (rows arrive in
 * order, so it is the next one) when needed; NULL if out of memory. */
static void *slot_at(Slots *s, size_t row, size_t elem) {
  size_t c = row / SLOT_CHUNK;
  while (s->n <= c) {
    if (!grow((void **)&s->chunk, &s->cap, s->n + 1, sizeof *s->chunk) ||
        (s->chunk[s->n] = ss_malloc_array(SLOT_CHUNK, elem)) == NULL)
      return NULL;
    s->n++;
  }
  return s->chunk[c] + (row % SLOT_CHUNK) * elem;
}

static void slots_free(Slots *s) {
  for (size_t c = 0; c < s->n; c++) ss_free(s->chunk[c]);
  ss_free(s->chunk);
  memset(s, 0, sizeof *s);
}

/* ---- the pool ---- */

/* Rows per batch of the row worker: about 256 KiB of floats, so that a
 * batch stays in cache between the two threads and a hand-over (a lock
 * and perhaps a wake-up) is paid once per some hundred rows. */
#define BATCH_BYTES ((size_t)256 << 10)
#define BATCH_MAX_ROWS 1024 /* for small dimensions: the jobs' own size */

/* The reader's state while the pool is read (pool_read). */
typedef struct {
  const PoolQuery *q;
  PoolData *out;
  char **errmsg;
  Entries es;
  Names ns;
  size_t dim;
  int scoring;          /* cossim on arrival: scores, not vectors */
  size_t n_eligible;    /* examples eligible so far (= rows stored) */
  void **row_ptr;       /* [n_vec]: each row in the arena */
  size_t cap_rows;
  Slots norms;          /* double: |x| of each stored row */
  Slots hashes;         /* uint64_t, scoring: the hash of its bytes */
  /* pss prototype sums added on arrival (in id order while ids ascend):
   * sum_of_cat[c] is NULL until category c has a member. */
  int sums_on;
  double **sum_of_cat;
  size_t cap_sums;
  size_t *id_cats;      /* categories summed for example id_cats_of */
  int64_t id_cats_of;
  size_t n_id_cats, cap_id_cats;
  RowSpec spec;
  double *means_d;      /* scoring: the reference means in double */
  RowPipeline *pipe;
  Membership *mem;      /* (category, entry) of every row with a category */
  size_t n_mem, cap_mem;
  int rc;               /* the first failed row's code (then *errmsg) */
  int lost_message;     /* a failed job's message could not be made */
} Reader;

/* The message of a failed job, in *r->errmsg (NULL if out of memory). */
static void job_message(Reader *r, const RowJob *job) {
  switch (job->status) {
  case ROW_NONFINITE:
    *r->errmsg = safety_error_text(
        FN, "pool example %lld has an embedding whose element %lld is %s; "
            "embeddings must be finite",
        (long long)job->id, job->bad_element,
        job->bad_is_nan ? "NaN" : "infinite");
    break;
  case ROW_ZERO:
    *r->errmsg = safety_error_text(
        FN, "pool example %lld has a zero embedding, which has no direction "
            "for cosine; re-embed it or leave it out of the pool",
        (long long)job->id);
    break;
  default: /* ROW_DIFFERENT */
    *r->errmsg = safety_error_text(
        FN, "pool example %lld has two different embeddings in its rows; "
            "one example must have one embedding",
        (long long)job->id);
    break;
  }
}

/* Collects a batch the row worker finished (row_worker.h): the worker
 * stops after the first failed job and writes each row's norm and hash
 * itself, so only the last job done can have failed; its failure becomes
 * the message (SQLITE_NOMEM, and lost_message set, when the message cannot
 * be made). */
static int collect_rows(void *ctx, RowBatch *b, size_t done) {
  Reader *r = ctx;
  if (done == 0) return SQLITE_OK; /* an empty batch */
  const RowJob *job = &b->jobs[done - 1];
  if (job->status == ROW_OK) return done < b->n ? SQLITE_ERROR : SQLITE_OK;
  job_message(r, job);
  if (*r->errmsg != NULL) return SQLITE_ERROR;
  r->lost_message = 1;
  return SQLITE_NOMEM;
}

/* row_pipeline_flush with collect_rows, as an SQLite code. */
static int reader_flush(Reader *r, int wait_all) {
  if (r->pipe == NULL) return SQLITE_OK;
  int rc = row_pipeline_flush(r->pipe, wait_all, collect_rows, r);
  return rc == ROW_PIPE_ENOMEM ? SQLITE_NOMEM : rc;
}

/* Waits for every job handed to the worker and collects it. */
static int reader_drain(Reader *r) { return reader_flush(r, 1); }

/* The next job and its row of floats, handing over a full batch first. */
static RowJob *reader_job(Reader *r, float **data, int *rc) {
  RowJob *job = row_pipeline_add(r->pipe, data);
  if (job != NULL) return job;
  if ((*rc = reader_flush(r, 0)) != SQLITE_OK) return NULL;
  return row_pipeline_add(r->pipe, data);
}

/* Starts the row worker once the dimension is known: on its own thread
 * unless SQLite was built without threads. */
static int reader_start(Reader *r) {
  const PoolQuery *q = r->q;
  r->spec.dim = r->dim;
  if (r->scoring) {
    size_t cells;
    if (!ss_mul_size(q->score_k, r->dim, &cells) ||
        (r->means_d = vec_widen(q->score_means, cells)) == NULL)
      return SQLITE_NOMEM;
    r->spec.means = r->means_d;
    r->spec.k = q->score_k;
  }
  size_t rows = BATCH_BYTES / (r->dim * sizeof(float));
  if (rows > BATCH_MAX_ROWS) rows = BATCH_MAX_ROWS;
  row_pipeline_start(&r->pipe, &r->spec, rows ? rows : 1,
                     sqlite3_threadsafe() != 0);
  return r->pipe ? SQLITE_OK : SQLITE_NOMEM;
}

/* The prototype sum of category cat for this row, or NULL: only under pss
 * while ids ascend, once per (example, category). */
static int reader_sum(Reader *r, int64_t id, size_t cat, double **sum) {
  *sum = NULL;
  if (!r->sums_on || cat == NONE) return 1;
  if (r->id_cats_of != id) r->n_id_cats = 0;
  r->id_cats_of = id;
  for (size_t i = 0; i < r->n_id_cats; i++)
    if (r->id_cats[i] == cat) return 1; /* the same pair twice */
  if (!grow((void **)&r->id_cats, &r->cap_id_cats, r->n_id_cats + 1,
            sizeof(size_t)))
    return 0;
  r->id_cats[r->n_id_cats++] = cat;
  if (cat >= r->cap_sums) {
    size_t old = r->cap_sums;
    if (!grow((void **)&r->sum_of_cat, &r->cap_sums, cat + 1, sizeof(double *)))
      return 0;
    for (size_t c = old; c < r->cap_sums; c++) r->sum_of_cat[c] = NULL;
  }
  if (r->sum_of_cat[cat] == NULL) {
    double *s = ss_malloc_array(r->dim, sizeof(double));
    if (s == NULL) return 0;
    memset(s, 0, r->dim * sizeof(double));
    r->sum_of_cat[cat] = s;
  }
  *sum = r->sum_of_cat[cat];
  return 1;
}

/* The out-of-memory message of the arena, the one allocation that grows
 * with the pool. */
static int arena_full(Reader *r) {
  size_t stored = r->n_eligible - 1; /* all but the row that did not fit */
  *r->errmsg = safety_error_text(
      FN, "out of memory keeping the embeddings of the eligible examples "
          "(%llu stored, %llu dimensions, %.0f MiB so far); %s keeps one "
          "float32 copy of them: raise the memory SQLite may use (PRAGMA "
          "hard_heap_limit, soft_heap_limit), narrow the pool with "
          "options.behavior or options.categories, or use cossim or sss, "
          "which do not keep them",
      (unsigned long long)stored, (unsigned long long)r->dim,
      (double)stored * (double)r->dim * 4.0 / 1048576.0, r->q->method);
  return *r->errmsg ? SQLITE_ERROR : SQLITE_NOMEM;
}

/*
 * The embedding of an eligible row: checks its type and dimension here and
 * hands the rest (finiteness, norm, storing or scoring, the prototype sum,
 * agreement with the example's first row) to the row worker.  e is the
 * example's entry, cat the row's category (NONE without), first whether
 * the row made the example eligible (its index was just given: the row
 * stores the embedding; later rows are compared with it).
 */
static int reader_embedding(Reader *r, sqlite3_value *v, size_t e,
                            size_t cat, int first) {
  const PoolQuery *q = r->q;
  Entry *en = &r->es.e[e];
  float *json = NULL;
  const void *src;
  int rc = SQLITE_OK;
  if (sqlite3_value_type(v) == SQLITE_BLOB && r->dim != 0 &&
      (size_t)sqlite3_value_bytes(v) == r->dim * sizeof(float)) {
    src = sqlite3_value_blob(v); /* the usual row: no message to prepare */
  } else {
    char who[64];
    snprintf(who, sizeof who, "pool example %lld", (long long)en->id);
    rc = embedding_dim(v, who, &r->dim,
                       q->dim ? "the reference set's" : "others", &json,
                       r->errmsg);
    if (rc != SQLITE_OK) return rc;
    src = json ? (const void *)json : sqlite3_value_blob(v);
  }
  if (r->pipe == NULL && (rc = reader_start(r)) != SQLITE_OK) goto done;
  double *sum;
  if (!reader_sum(r, en->id, cat, &sum)) {
    rc = SQLITE_NOMEM;
    goto done;
  }
  size_t row = en->index;
  void *at = NULL; /* the new row's place in the arena */
  double *norm_at = NULL;  /* where the worker puts the row's norm */
  uint64_t *hash_at = NULL; /* ... its hash, or the first row's to match */
  if (first) {
    if (!grow((void **)&r->row_ptr, &r->cap_rows, row + 1, sizeof(void *)) ||
        (norm_at = slot_at(&r->norms, row, sizeof(double))) == NULL)
      goto oom;
  }
  if (r->scoring &&
      (hash_at = slot_at(&r->hashes, row, sizeof(uint64_t))) == NULL)
    goto oom;
  if (first) {
    at = arena_add(r->out,
                   r->scoring ? q->score_k * sizeof(double) : r->dim * sizeof(float),
                   !r->scoring);
    if (at == NULL) {
      rc = r->scoring ? SQLITE_NOMEM : arena_full(r);
      goto done;
    }
    r->row_ptr[row] = at;
  }
  float *data;
  RowJob *job = reader_job(r, &data, &rc);
  if (job == NULL) goto done;
  row_copy_stream(data, src, r->dim);
  job->id = en->id;
  job->sum = sum;
  job->hash = r->scoring;
  job->norm_out = norm_at;
  if (first) {
    if (r->scoring)
      job->scores = at;
    else
      job->store = at;
    job->hash_out = hash_at;
  } else if (r->scoring) {
    job->same_hash = hash_at;
  } else {
    job->same_as = r->row_ptr[row];
  }
  goto done;
oom:
  rc = SQLITE_NOMEM;
done:
  ss_free(json);
  return rc;
}

/*
 * One row of the pool: v[0..3] are its id, category, behavior and
 * embedding.  Checks them, records the example and its category, and hands
 * an eligible row's embedding on (reader_embedding).  SQLITE_OK, or the
 * row's failure with *r->errmsg set (SQLITE_NOMEM without a message).
 */
static int reader_row(Reader *r, sqlite3_value **v) {
  const PoolQuery *q = r->q;
  Entries *es = &r->es;
  Names *ns = &r->ns;
  char **errmsg = r->errmsg;
  int nomem = 0;
  /* id */
  if (sqlite3_value_type(v[0]) != SQLITE_INTEGER) {
    const char *shown = (const char *)sqlite3_value_text(v[0]);
    *errmsg = safety_error_text(
        FN, "the pool relation \"%s\" has an id that is not an INTEGER "
            "(%s); ids must be integers",
        q->pool, shown ? shown : "NULL");
    return SQLITE_ERROR;
  }
  int64_t id = sqlite3_value_int64(v[0]);
  /* behaviour */
  int code = 0;
  if (sqlite3_value_type(v[2]) != SQLITE_NULL) {
    const char *b = (const char *)sqlite3_value_text(v[2]);
    code = behavior_code(b, (size_t)sqlite3_value_bytes(v[2]));
    if (code < 1) {
      *errmsg = safety_error_text(
          FN, "pool example %lld has behavior '%s'; expected 'T1', 'T2', "
              "'T3', 'T4' or NULL (see behavior_type())",
          (long long)id, b ? b : "");
      return SQLITE_ERROR;
    }
  }
  size_t known = es->n;
  size_t e = entries_find(es, id, 1, &nomem);
  if (nomem) return SQLITE_NOMEM;
  if (es->indexed) r->sums_on = 0; /* ids out of order: sum afterwards */
  Entry *en = &es->e[e];
  if (e == known) { /* first row of this id */
    en->behavior = (unsigned char)code;
  } else if (en->behavior != code) {
    *errmsg = safety_error_text(
        FN, "pool example %lld has two behaviours (%s and %s); an example "
            "must have exactly one — fix its labels",
        (long long)id,
        en->behavior ? behavior_name(en->behavior) : "NULL",
        code ? behavior_name(code) : "NULL");
    return SQLITE_ERROR;
  }
  /* eligibility of this row */
  if (q->behavior_mask && !(code > 0 && (q->behavior_mask >> code) & 1))
    return SQLITE_OK;
  size_t cat = NONE;
  if (sqlite3_value_type(v[1]) != SQLITE_NULL) {
    const char *c = (const char *)sqlite3_value_text(v[1]);
    size_t len = (size_t)sqlite3_value_bytes(v[1]);
    if (c == NULL) return SQLITE_NOMEM;
    cat = names_find(ns, c, len, q->categories == NULL, &nomem);
    if (nomem) return SQLITE_NOMEM;
  }
  if (q->categories != NULL && (cat == NONE || !ns->allowed[cat]))
    return SQLITE_OK;
  int first = en->index == NONE32;
  if (first) {
    if (r->n_eligible >= NONE32) return SQLITE_NOMEM; /* over 4 billion */
    en->index = (uint32_t)r->n_eligible++;
  }
  if (cat != NONE) {
    if (!grow((void **)&r->mem, &r->cap_mem, r->n_mem + 1, sizeof *r->mem) ||
        cat >= NONE32 || e >= NONE32)
      return SQLITE_NOMEM;
    r->mem[r->n_mem++] = (Membership){(uint32_t)cat, (uint32_t)e};
  }
  if (!q->need_embeddings) return SQLITE_OK;
  return reader_embedding(r, v[3], e, cat, first);
}

/* The pointer type that carries the Reader into the aggregate below: SQL
 * cannot make a value of it, so only pool_read can call the aggregate. */
#define READER_POINTER "safety_sample_pool_reader"
#define READ_POOL_FN "safety_sample_read_pool"

/*
 * The aggregate safety_sample_read_pool(reader, id, category, behavior,
 * embedding), which pool_read runs over the pool relation: SQLite steps
 * through the rows inside one sqlite3_step, as it does for the bare scan
 * sum(length(embedding)), instead of returning to the caller for every
 * row (about 0.1 of the scan's time saved on the default pool).  A failed
 * row stops the statement; its code and message stay in the Reader.
 */
static void read_pool_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  Reader *r = sqlite3_value_pointer(argv[0], READER_POINTER);
  if (r != NULL && r->rc != SQLITE_OK) { /* SQLite stops at the first */
    sqlite3_result_error_code(ctx, r->rc);
    return;
  }
  if (r == NULL) {
    char *msg = safety_error_text(
        READ_POOL_FN, "this function is internal to safety_sample, which "
                      "reads the pool with it; select from safety_sample(...) "
                      "instead");
    if (msg == NULL) {
      sqlite3_result_error_nomem(ctx);
      return;
    }
    sqlite3_result_error(ctx, msg, -1);
    sqlite3_free(msg);
    return;
  }
  int rc = reader_row(r, argv + 1);
  if (rc != SQLITE_OK) {
    r->rc = rc;
    sqlite3_result_error_code(ctx, rc == SQLITE_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR);
  }
}

static void read_pool_final(sqlite3_context *ctx) { sqlite3_result_null(ctx); }

int safety_register_pool_reader(sqlite3 *db) {
  return sqlite3_create_function_v2(db, READ_POOL_FN, 5,
                                    SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL, NULL,
                                    read_pool_step, read_pool_final, NULL);
}

int pool_read(sqlite3 *db, const PoolQuery *q, PoolData *out, char **errmsg) {
  static const char *const cols[4] = {"id", "category", "behavior",
                                      "embedding"};
  sqlite3_stmt *st = NULL;
  Reader rd = {0};
  Entries *es = &rd.es;
  Names *ns = &rd.ns;
  Membership *mem = NULL; /* rd.mem once the read is over */
  size_t n_mem = 0;
  size_t *order = NULL, *rank = NULL, *pos = NULL;
  int nomem = 0, rc;

  memset(out, 0, sizeof *out);
  rd.q = q;
  rd.out = out;
  rd.errmsg = errmsg;
  rd.dim = q->dim;
  rd.scoring = q->score_means != NULL;
  rd.sums_on = q->want_sums && q->need_embeddings && !rd.scoring;
  /* With embeddings, through the aggregate (read_pool_step).  Without,
   * row by row: SQLite leaves out a join that only the embedding needed
   * (the pool view's LEFT JOIN of embeddings) from a plain SELECT, not
   * from an aggregate one. */
  const char *aggregate = q->need_embeddings ? READ_POOL_FN : NULL;
  rc = prepare_relation(db, "pool", "pool", q->pool, cols,
                        q->need_embeddings ? 4 : 3, q->skip_category ? 2u : 0u,
                        aggregate, 4, &st, errmsg);
  if (rc != SQLITE_OK) goto cleanup;
  for (size_t i = 0; i < q->n_categories; i++) {
    size_t k = names_find(ns, q->categories[i], strlen(q->categories[i]), 1,
                          &nomem);
    if (nomem) goto oom;
    ns->allowed[k] = 1;
  }

  if (aggregate != NULL) {
    /* SQLite runs the loop: one step of the aggregate reads every row
     * (reader_row), and stops at the first that fails. */
    rc = sqlite3_bind_pointer(st, 1, &rd, READER_POINTER, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) rc = sqlite3_step(st);
  } else {
    while (rd.rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
      sqlite3_value *v[4] = {sqlite3_column_value(st, 0),
                             sqlite3_column_value(st, 1),
                             sqlite3_column_value(st, 2),
                             sqlite3_column_value(st, 3)};
      rd.rc = reader_row(&rd, v);
    }
  }
  if (rd.rc != SQLITE_OK) {
    rc = rd.rc;
    goto cleanup;
  }
  if (rc != SQLITE_DONE) {
    if (*errmsg == NULL)
      *errmsg = safety_error_text(FN, "reading the pool relation \"%s\" failed: %s",
                                  q->pool, sqlite3_errmsg(db));
    goto cleanup;
  }
  rc = reader_drain(&rd);
  if (rc != SQLITE_OK) goto cleanup;
  /* The worker's thread and batches go at once, before the arrays below
   * are made: measured side by side (cossim-b on the default pool, medians
   * of 36 runs each), 402 ms against 427 ms when it was joined at the end;
   * the next selection's first allocations then find the freed batches. */
  row_pipeline_free(rd.pipe);
  rd.pipe = NULL;
  slots_free(&rd.hashes);
  mem = rd.mem;
  n_mem = rd.n_mem;
  rd.mem = NULL;
  size_t dim = rd.dim;

  /* Eligible examples in id order: the order they became eligible while
   * ids ascended; otherwise sorted, with pos[index] the example number. */
  size_t n = rd.n_eligible;
  out->ids = ss_malloc_array(n, sizeof(int64_t));
  out->behavior = ss_malloc_array(n, 1);
  if (!out->ids || !out->behavior) goto oom;
  if (es->indexed) {
    order = ss_malloc_array(n, sizeof(size_t));
    pos = ss_malloc_array(n, sizeof(size_t));
    if (!order || !pos) goto oom;
    for (size_t e = 0; e < es->n; e++)
      if (es->e[e].index != NONE32) order[es->e[e].index] = e;
    sort_entries_base = es->e;
    qsort(order, n, sizeof *order, cmp_entry_by_id);
    for (size_t i = 0; i < n; i++) pos[es->e[order[i]].index] = i;
  }
  for (size_t e = 0; e < es->n; e++) {
    const Entry *en = &es->e[e];
    if (en->index == NONE32) continue;
    size_t i = pos ? pos[en->index] : en->index;
    out->ids[i] = en->id;
    out->behavior[i] = en->behavior;
  }
  out->norms = ss_malloc_array(n, sizeof(double));
  if (out->norms == NULL) goto oom;
  if (q->need_embeddings && pos == NULL && n > 0) {
    /* Already in example order: take the reader's rows, gather the norms. */
    out->row_ptr = rd.row_ptr;
    rd.row_ptr = NULL;
    for (size_t c = 0; c * SLOT_CHUNK < n; c++) {
      size_t rows = n - c * SLOT_CHUNK < SLOT_CHUNK ? n - c * SLOT_CHUNK : SLOT_CHUNK;
      memcpy(out->norms + c * SLOT_CHUNK, rd.norms.chunk[c], rows * sizeof(double));
    }
  } else {
    out->row_ptr = ss_malloc_array(n, sizeof(void *));
    if (out->row_ptr == NULL) goto oom;
    for (size_t k = 0; k < n; k++) {
      size_t i = pos ? pos[k] : k;
      out->norms[i] = q->need_embeddings
                          ? ((const double *)(void *)rd.norms.chunk[k / SLOT_CHUNK])[k % SLOT_CHUNK]
                          : 0.0;
      out->row_ptr[i] = q->need_embeddings ? rd.row_ptr[k] : NULL;
    }
  }

  /* Categories in name order, members in id order, without duplicates. */
  if (!name_order(ns->names, ns->n, &rank)) goto oom;
  for (size_t j = 0; j < n_mem; j++) {
    size_t k = es->e[mem[j].example].index;
    mem[j] = (Membership){(uint32_t)rank[mem[j].cat], (uint32_t)(pos ? pos[k] : k)};
  }
  if (n_mem > 0 && es->indexed) /* mem is NULL when no row has a category */
    qsort(mem, n_mem, sizeof *mem, cmp_membership);
  else if (n_mem > 0 && !sort_by_category(&mem, n_mem, ns->n))
    goto oom;
  out->cat_start = ss_malloc_array(ns->n + 1, sizeof(size_t));
  out->cat_member = ss_malloc_array(n_mem, sizeof(size_t));
  out->cat_names = ss_malloc_array(ns->n, sizeof(char *));
  if (!out->cat_start || !out->cat_member || !out->cat_names) goto oom;
  if (rd.sums_on && q->need_embeddings && dim > 0) {
    /* The prototype sums added on arrival, in name order. */
    size_t cells;
    if (!ss_mul_size(ns->n, dim, &cells) ||
        (out->cat_sums = ss_malloc_array(cells, sizeof(double))) == NULL)
      goto oom;
    for (size_t c = 0; c < ns->n; c++) {
      double *to = out->cat_sums + rank[c] * dim;
      if (c < rd.cap_sums && rd.sum_of_cat[c] != NULL)
        memcpy(to, rd.sum_of_cat[c], dim * sizeof(double));
      else
        memset(to, 0, dim * sizeof(double));
    }
  }
  for (size_t c = 0; c < ns->n; c++) out->cat_names[rank[c]] = ns->names[c];
  out->n_cat_names = ns->n;
  ss_free(ns->names);
  ns->names = NULL;
  ns->n = 0;
  size_t m = 0, j = 0;
  for (size_t c = 0; c <= out->n_cat_names; c++) {
    out->cat_start[c] = m;
    for (; c < out->n_cat_names && j < n_mem && mem[j].cat == c; j++)
      if (m == out->cat_start[c] || out->cat_member[m - 1] != mem[j].example)
        out->cat_member[m++] = mem[j].example;
  }

  out->sel = (SelectPool){
      .n = n,
      .ids = out->ids,
      .dim = dim,
      .vec_ptr = q->need_embeddings && !rd.scoring
                     ? (const float *const *)out->row_ptr : NULL,
      .score_ptr = rd.scoring ? (const double *const *)out->row_ptr : NULL,
      .norms = out->norms,
      .n_cat = out->n_cat_names,
      .cat_start = out->cat_start,
      .cat_member = out->cat_member,
      .cat_sums = out->cat_sums,
  };
  goto cleanup;
oom:
  rc = SQLITE_NOMEM;
cleanup:
  sqlite3_finalize(st);
  if (rc != SQLITE_OK && rd.pipe != NULL) {
    /* A row before this error may have failed in the worker: the first
     * bad row is the one to report. */
    char *mine = *errmsg;
    *errmsg = NULL;
    if (reader_drain(&rd) != SQLITE_OK && (*errmsg != NULL || rd.lost_message)) {
      sqlite3_free(mine); /* without a message: out of memory making it */
      rc = *errmsg != NULL ? SQLITE_ERROR : SQLITE_NOMEM;
    } else {
      sqlite3_free(*errmsg);
      *errmsg = mine;
    }
  }
  row_pipeline_free(rd.pipe);
  ss_free(es->e);
  ss_free(es->ix.slots);
  names_free(ns, 0);
  ss_free(mem);
  ss_free(rd.mem);
  ss_free(order);
  ss_free(rank);
  ss_free(pos);
  ss_free(rd.means_d);
  ss_free(rd.row_ptr);
  slots_free(&rd.norms);
  slots_free(&rd.hashes);
  for (size_t c = 0; c < rd.cap_sums; c++) ss_free(rd.sum_of_cat[c]);
  ss_free(rd.sum_of_cat);
  ss_free(rd.id_cats);
  if (rc != SQLITE_OK) pool_free(out);
  return rc;
}

/* ---- the reference set (cossim) ---- */

typedef struct {
  size_t name; /* number in Names before sorting, then rank */
  size_t row;  /* row in the reference arena */
} RefRow;

static _Thread_local const float *sort_ref_vectors;
static _Thread_local size_t sort_ref_dim;
static int cmp_ref(const void *a, const void *b) {
  const RefRow *x = a, *y = b;
  if (x->name != y->name) return x->name < y->name ? -1 : 1;
  /* Within a category, by the vector's bytes: the sum then does not
   * depend on the physical order of the reference rows. */
  return memcmp(sort_ref_vectors + x->row * sort_ref_dim,
                sort_ref_vectors + y->row * sort_ref_dim,
                sort_ref_dim * sizeof(float));
}

int pool_read_reference(sqlite3 *db, const PoolQuery *q, RefSet *out,
                        char **errmsg) {
  static const char *const cols[2] = {"category", "embedding"};
  sqlite3_stmt *st = NULL;
  Names ns = {0};
  RefRow *rows = NULL;
  float *json = NULL; /* the current row's embedding when it is JSON text */
  float *arena = NULL;
  double *norms = NULL, *sum = NULL;
  size_t n_rows = 0, cap_rows = 0, cap_arena = 0, cap_norms = 0;
  size_t dim = 0, *rank = NULL;

  memset(out, 0, sizeof *out);
  int nomem = 0, rc;
  char who[160];

  rc = prepare_relation(db, "reference", "reference", q->reference, cols, 2, 0,
                        NULL, 2, &st, errmsg);
  if (rc != SQLITE_OK) goto cleanup;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
      *errmsg = safety_error_text(
          FN, "the reference relation \"%s\" has a row with a NULL category; "
              "every reference example needs its harm category",
          q->reference);
      rc = SQLITE_ERROR;
      goto cleanup;
    }
    const char *c = (const char *)sqlite3_column_text(st, 0);
    size_t len = (size_t)sqlite3_column_bytes(st, 0);
    if (c == NULL) goto oom;
    if (q->categories != NULL) { /* only the listed categories */
      int listed = 0;
      for (size_t i = 0; i < q->n_categories && !listed; i++)
        listed = strlen(q->categories[i]) == len &&
                 memcmp(q->categories[i], c, len) == 0;
      if (!listed) continue;
    }
    size_t name = names_find(&ns, c, len, 1, &nomem);
    if (nomem) goto oom;
    snprintf(who, sizeof who, "a reference example of category '%.100s'", c);
    sqlite3_value *v = sqlite3_column_value(st, 1);
    ss_free(json);
    rc = embedding_dim(v, who, &dim, "others", &json, errmsg);
    if (rc != SQLITE_OK) goto cleanup;
    size_t need;
    if (!grow((void **)&rows, &cap_rows, n_rows + 1, sizeof *rows) ||
        !grow((void **)&norms, &cap_norms, n_rows + 1, sizeof *norms) ||
        !ss_mul_size(n_rows + 1, dim, &need) ||
        !grow((void **)&arena, &cap_arena, need, sizeof(float)))
      goto oom;
    rc = embedding_copy(v, json, who, dim, arena + n_rows * dim, &norms[n_rows],
                        errmsg);
    if (rc != SQLITE_OK) goto cleanup;
    rows[n_rows] = (RefRow){name, n_rows};
    n_rows++;
  }
  if (rc != SQLITE_DONE) {
    if (*errmsg == NULL)
      *errmsg = safety_error_text(FN, "reading the reference relation \"%s\" failed: %s",
                                  q->reference, sqlite3_errmsg(db));
    goto cleanup;
  }
  rc = SQLITE_OK;
  if (n_rows == 0) {
    *errmsg = safety_error_text(
        FN, "the reference relation \"%s\" has no rows%s; %s needs labelled "
            "exemplars of each harm category (fill reference_examples, or "
            "name another relation with options.reference)",
        q->reference, q->categories ? " in the requested categories" : "",
        q->method);
    rc = SQLITE_ERROR;
    goto cleanup;
  }

  /* Mean of the unit vectors of each category, in name then byte order. */
  if (!name_order(ns.names, ns.n, &rank)) goto oom;
  for (size_t i = 0; i < n_rows; i++) rows[i].name = rank[rows[i].name];
  sort_ref_vectors = arena;
  sort_ref_dim = dim;
  qsort(rows, n_rows, sizeof *rows, cmp_ref);
  size_t cells;
  if (!ss_mul_size(ns.n, dim, &cells)) goto oom;
  float *means = ss_malloc_array(cells, sizeof(float));
  char **names = ss_malloc_array(ns.n, sizeof(char *));
  sum = ss_malloc_array(dim, sizeof(double));
  if (means == NULL || names == NULL || sum == NULL) {
    ss_free(means);
    ss_free(names);
    goto oom;
  }
  for (size_t i = 0, c = 0; c < ns.n; c++) {
    size_t count = 0;
    memset(sum, 0, dim * sizeof(double));
    for (; i < n_rows && rows[i].name == c; i++, count++)
      vec_axpy(sum, 1.0 / norms[rows[i].row], arena + rows[i].row * dim, dim);
    vec_mean_of_sum(means + c * dim, sum, count, dim);
  }
  for (size_t c = 0; c < ns.n; c++) names[rank[c]] = ns.names[c];
  out->names = names;
  out->n = ns.n;
  out->means = means;
  out->dim = dim;
  ss_free(ns.names);
  ns.names = NULL;
  ns.n = 0;
  goto cleanup;
oom:
  rc = SQLITE_NOMEM;
cleanup:
  sqlite3_finalize(st);
  names_free(&ns, 0);
  ss_free(rows);
  ss_free(json);
  ss_free(arena);
  ss_free(norms);
  ss_free(sum);
  ss_free(rank);
  return rc;
}

void pool_use_reference(PoolData *pd, RefSet *ref) {
  for (size_t c = 0; c < pd->n_cat_names; c++) ss_free(pd->cat_names[c]);
  ss_free(pd->cat_names);
  ss_free(pd->cat_start);
  ss_free(pd->cat_member);
  ss_free(pd->ref_means);
  pd->cat_start = pd->cat_member = NULL;
  pd->cat_names = ref->names;
  pd->n_cat_names = ref->n;
  pd->ref_means = ref->means;
  pd->sel.n_cat = ref->n;
  pd->sel.cat_start = pd->sel.cat_member = NULL;
  pd->sel.ref_means = ref->means;
  if (pd->sel.dim == 0) pd->sel.dim = ref->dim; /* a pool with no rows */
  memset(ref, 0, sizeof *ref);
}

void ref_free(RefSet *ref) {
  for (size_t c = 0; c < ref->n; c++) ss_free(ref->names[c]);
  ss_free(ref->names);
  ss_free(ref->means);
  memset(ref, 0, sizeof *ref);
}

int pool_count_task(sqlite3 *db, const char *task, double budget,
                    sqlite3_int64 *count, char **errmsg) {
  sqlite3_stmt *st;
  int rc = prepare_on(db, "SELECT count(*) FROM", task, &st);
  if (rc == SQLITE_NOMEM) return rc;
  if (rc != SQLITE_OK) {
    *errmsg = safety_error_text(
        FN, "budget %g is a fraction of the fine-tuning set, but the task "
            "relation \"%s\" cannot be read (%s); create it, pass "
            "options.task_size, or give the budget as a whole-number count",
        budget, task, sqlite3_errmsg(db));
    return SQLITE_ERROR;
  }
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *count = sqlite3_column_int64(st, 0);
    rc = SQLITE_OK;
  } else {
    *errmsg = safety_error_text(FN, "counting the task relation \"%s\" failed: %s",
                                task, sqlite3_errmsg(db));
    rc = SQLITE_ERROR;
  }
  sqlite3_finalize(st);
  return rc;
}

void pool_free(PoolData *pd) {
  ss_free(pd->ids);
  ss_free(pd->behavior);
  for (size_t c = 0; c < pd->n_arena; c++) ss_free(pd->arena_chunks[c]);
  ss_free(pd->arena_chunks);
  ss_free(pd->row_ptr);
  ss_free(pd->norms);
  ss_free(pd->cat_start);
  ss_free(pd->cat_member);
  for (size_t c = 0; c < pd->n_cat_names; c++) ss_free(pd->cat_names[c]);
  ss_free(pd->cat_names);
  ss_free(pd->ref_means);
  ss_free(pd->cat_sums);
  memset(pd, 0, sizeof *pd);
}
