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
 * chunks that never move (also adding the category sums while ids ascend,
 * when they are wanted) or, when scores are wanted instead, scores it and
 * keeps only the scores.  The reader knows no method: the caller says
 * what is wanted (PoolQuery).  Afterwards the examples are in id order:
 * as they came when ids ascend, else sorted.
 * The SQL text is relation.c's; the pool's arrays are core/pool.h's.
 */
#ifndef SAFETY_POOL_READ_H
#define SAFETY_POOL_READ_H

#include "common.h"
#include "core/pool.h"
#include "core/select.h"
#include "sql_cell.h"

/* What to read and how to filter. */
typedef struct {
  const char *pool;          /* relation names */
  const char *reference;
  unsigned behavior_mask;    /* bit t for Tt; 0 = every behaviour, NULL too */
  char *const *categories;   /* NULL = every category */
  size_t n_categories;
  int need_embeddings;
  const char *method;        /* for the reference reader's messages */
  /* How to fix a pool whose kept embeddings do not fit in memory, in the
   * caller's words (it knows the method and its alternatives); NULL:
   * raise the memory limit. */
  const char *memory_advice;
  /* The embedding dimension when already known (the reference set's), so
   * a pool row of another dimension is named against it; 0 = from the
   * first row. */
  size_t dim;
  /* Scores wanted on arrival instead of the vectors (cossim, when
   * nothing else needs them): each eligible example's embedding is
   * validated and turned into score_k scores x.m_c / |x| against the rows
   * of score_means (dim floats each, core/scores.h) instead of being
   * stored; SelectPool.score_ptr gives them. */
  const float *score_means;
  size_t score_k;
  /* Category sums wanted (pss's prototypes): add each category's sum of
   * member vectors as the rows arrive (kept only when the ids arrive in
   * ascending order, so that the sums are the same bits as
   * core/scores.c's own, in id order). */
  int want_sums;
  /* The pool's categories are not wanted (cossim without the categories
   * option), so they are not read (the column must still exist). */
  int skip_category;
  /* The group option: the pool column to read (NULL = off), its values
   * interned into groups (shared by the main and the contrast reads, so
   * their numbers agree); SelectPool.group gets each example's number. */
  const char *group;
  Names *groups;
  /* Cossim lists made as the rows arrive (safety_sweep's cossim views,
   * core/select.h's select_top_offer): tops[v], begun by the caller with
   * the n_cat rows of top_means (dim floats each), gets every eligible
   * example that filter top_masks[v] admits, as its index in the read.
   * They are kept only when the ids arrived in ascending order (the
   * read's order is then the id order); otherwise, and when the read
   * fails, they are freed (tops[v].by_cat NULL).  n_tops <= 32. */
  SelectTop *tops;
  const unsigned *top_masks;
  size_t n_tops;
  const float *top_means;
} PoolQuery;

/* The cells of a row of the pool's reading statement, v[0..5) its id,
 * category, behavior, embedding and group column: the id's text only when
 * it is no INTEGER (for the message), the category's and behaviour's also
 * when they are numbers (pool_values.c, as the next two). */
void pool_row_cells(sqlite3_value **v, SqlCell *c);
/* The same in two parts: the id and behaviour (head), which say whether
 * the row is eligible, then the category, embedding and group (rest), which
 * the reader looks at only for an eligible row. */
void pool_row_cells_head(sqlite3_value **v, SqlCell *c);
void pool_row_cells_rest(sqlite3_value **v, SqlCell *c);

/* The group number of the group column's value v, interned into groups
 * by type and content (an INTEGER and a REAL of the same value are one
 * group; TEXT by its bytes; NULL is GROUP_NONE). */
int pool_group_number(const SqlCell *v, Names *groups, uint32_t *out);

/* A category cell (not NULL; made with text_of_numbers) of the kind ("pool"/"reference") relation
 * rel as text in *text, *len bytes: TEXT, or a number read as its text
 * (5 is '5'); a BLOB, or text with a NUL byte inside, is SQLITE_ERROR with
 * *errmsg naming the relation and, with has_id, the example id.
 * SQLITE_NOMEM when out of memory. */
int pool_category_text(const SqlCell *v, const char *kind, const char *rel,
                       int64_t id, int has_id, const char **text, size_t *len,
                       char **errmsg);

/* Each returns SQLITE_OK, or an error code with *errmsg the message body
 * ("the pool relation ... ; ...", without the function's name, which
 * sample_run adds; sqlite3_free it).  pool_read fills *out
 * (core/pool.h; pool_free it either way). */
int pool_read(sqlite3 *db, const PoolQuery *q, Pool *out, char **errmsg);
/* Reads the reference relation (cossim), restricted to q->categories
 * (reference_read.c). */
int pool_read_reference(sqlite3 *db, const PoolQuery *q, RefSet *out,
                        char **errmsg);

#endif
