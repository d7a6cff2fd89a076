/*
 * pool_read.h — reads the relations that safety_sample uses (contract §6)
 * into the in-memory form the selection code takes (select.h).
 *
 * The pool is read in one pass: rows are filtered for eligibility as they
 * arrive, each eligible example's embedding is copied once into a float32
 * arena of 16 MiB chunks (its norm computed while it is in cache) or, for
 * cossim, scored on arrival and not kept, and afterwards the examples are
 * put in id order.  Relation names are always
 * quoted as identifiers, never pasted into SQL.
 */
#ifndef SAFETY_POOL_READ_H
#define SAFETY_POOL_READ_H

#include "common.h"
#include "select.h"

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
   * floats each) instead of being stored; cat_scores holds them. */
  const float *score_means;
  size_t score_k;
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
  float **vec_chunks;        /* rows of embeddings, vec_per_chunk a chunk */
  void **vec_chunk_alloc;    /* what each chunk's allocation returned */
  size_t n_chunks, vec_per_chunk;
  size_t chunk0_rows;        /* rows the first chunk has room for so far */
  size_t *vec_row;
  double *norms;
  size_t *cat_start;
  size_t *cat_member;
  char **cat_names;          /* [n_cat], name order */
  size_t n_cat_names;
  float *ref_means;
  double *cat_scores;        /* scoring on arrival: [vec_row * score_k + c] */
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
