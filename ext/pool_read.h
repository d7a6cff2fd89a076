/*
 * pool_read.h — reads the relations that safety_sample uses (contract §6)
 * into the in-memory form the selection code takes (select.h).
 *
 * The pool is read in one pass, inside one sqlite3_step of an internal
 * aggregate (safety_sample_read_pool) when embeddings are read, so that
 * SQLite does not return to the caller for every row: rows are filtered for
 * eligibility as they arrive on the calling thread, and each eligible
 * example's embedding is
 * handed to the row worker (row_worker.h), which checks it and computes its
 * norm on a second thread, then copies it once into a float32 arena of
 * chunks that never move (pss; also adding the prototype sums while ids
 * ascend) or scores it and keeps only the scores (cossim).  Afterwards the
 * examples are in id order: as they came when ids ascend, else sorted.
 * Relation names are always quoted as identifiers, never pasted into SQL.
 */
#ifndef SAFETY_POOL_READ_H
#define SAFETY_POOL_READ_H

#include "common.h"
#include "core/select.h"

/* What to read and how to filter. */
typedef struct {
  const char *pool;          /* relation names */
  const char *reference;
  unsigned behavior_mask;    /* bit t for Tt; 0 = every behaviour, NULL too */
  char *const *categories;   /* NULL = every category */
  size_t n_categories;
  int need_embeddings;
  const char *method;        /* for messages */
  /* The embedding dimension when already known (the reference set's), so
   * a pool row of another dimension is named against it; 0 = from the
   * first row. */
  size_t dim;
  /* Scoring on arrival (cossim with nothing else needing the vectors):
   * each eligible example's embedding is validated and turned into
   * score_k scores x.m_c / |x| against the rows of score_means (dim
   * floats each) instead of being stored; SelectPool.score_ptr gives
   * them. */
  const float *score_means;
  size_t score_k;
  /* pss: add each category's prototype sum as the rows arrive (kept only
   * when the ids arrive in ascending order, so that the sums are the
   * same bits as select.c's own, in id order). */
  int want_sums;
  /* cossim without the categories option: the pool's categories are not
   * used, so they are not read (the column must still exist). */
  int skip_category;
} PoolQuery;

/* The reference set of cossim: categories in name order, each with the
 * mean of its unit reference vectors. */
typedef struct {
  char **names;
  size_t n;
  float *means;              /* [n * dim] */
  size_t dim;
} RefSet;

/* The eligible pool, owning every array that SelectPool points to. */
typedef struct {
  SelectPool sel;
  int64_t *ids;
  unsigned char *behavior;   /* [n]: 0 = NULL, 1..4 = T1..T4 */
  /* The arena (pool_read.c): each eligible example's row, its embedding
   * (pss) or its scores (cossim on arrival), in chunks that never move. */
  void **arena_chunks;       /* what each chunk's allocation returned */
  size_t n_arena, arena_cap;
  unsigned char *arena_next; /* the next free row of the newest chunk */
  size_t arena_left;         /* rows left there */
  size_t arena_next_bytes;   /* size of the next chunk */
  void **row_ptr;            /* [n]: example i's row, NULL when none */
  double *norms;
  size_t *cat_start;
  size_t *cat_member;
  char **cat_names;          /* [n_cat], name order */
  size_t n_cat_names;
  float *ref_means;
  double *cat_sums;          /* want_sums: [n_cat * dim], or NULL */
} PoolData;

/* Each returns SQLITE_OK, or an error code with *errmsg set to a
 * "safety_sample: ..." message (sqlite3_free it). */
int pool_read(sqlite3 *db, const PoolQuery *q, PoolData *out, char **errmsg);
/* Reads the reference relation (cossim), restricted to q->categories. */
int pool_read_reference(sqlite3 *db, const PoolQuery *q, RefSet *out,
                        char **errmsg);
/* Replaces the pool's categories with the reference set's (taking its
 * arrays; *ref is left empty). */
void pool_use_reference(PoolData *pd, RefSet *ref);
void ref_free(RefSet *ref);
/* 1 if relation rel has column col, 0 if not, -1 if it cannot be read. */
int pool_relation_has_column(sqlite3 *db, const char *rel, const char *col);
/* count(*) of the task relation. */
int pool_count_task(sqlite3 *db, const char *task, double budget,
                    sqlite3_int64 *count, char **errmsg);
void pool_free(PoolData *pd);

#endif
