/*
 * pool.h — the one owner of an eligible pool's arrays, and how they are
 * built from what the pool reader collected.
 *
 * The SQLite floor's reader (ext/pool_read.c) fills a PoolParts as rows
 * arrive: every id with its behaviour, the category names, each eligible
 * example's arena row and norm, its memberships and, when asked, each
 * category's sum of member vectors.  pool_build turns that into a Pool:
 * examples in id order, categories in name order with members in id
 * order, and sel, the SelectPool view the methods (select.h) read.  sel's
 * pointers are the owners (ids, norms, cat_start, cat_member, ref_means,
 * cat_sums); pool_free frees through them, so nothing is kept twice.
 */
#ifndef SAFETY_POOL_H
#define SAFETY_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "intern.h"
#include "select.h"

typedef struct {
  uint32_t cat, example; /* < 2^32: checked as rows arrive */
} Membership;

/* What the reader collects while the rows arrive. */
typedef struct {
  Entries es;           /* every id: behaviour, eligible index */
  Names ns;             /* category names in arrival order */
  size_t dim;
  size_t n_eligible;    /* examples eligible so far (= rows stored) */
  void **row_ptr;       /* [n_eligible]: each row in the arena */
  size_t cap_rows;
  Slots norms;          /* double: |x| of each stored row */
  /* Prototype sums added on arrival (in id order while ids ascend):
   * sum_of_cat[c] is NULL until category c has a member. */
  int sums_on;
  double **sum_of_cat;
  size_t cap_sums;
  Membership *mem;      /* (category, entry) of every row with a category */
  /* The group option: each eligible example's group number (GROUP_NONE
   * for a NULL value), by eligible index; NULL without the option. */
  uint32_t *group_of;
  size_t cap_group;
  size_t n_mem, cap_mem;
} PoolParts;

/* The eligible pool. */
typedef struct {
  SelectPool sel;          /* the view the methods read; owns its arrays */
  unsigned char *behavior; /* [n]: 0 = NULL, 1..4 = T1..T4 */
  Arena arena;             /* each eligible example's embedding or scores */
  void **row_ptr;          /* [n]: example i's arena row, NULL when none */
  char **cat_names;        /* [sel.n_cat], name order */
  /* For the messages of too few eligible examples (set by pool_build
   * from every id read, eligible or not): */
  size_t n_unlabelled;     /* examples read whose behaviour is NULL */
  size_t n_read;           /* distinct examples read */
} Pool;

/* The reference set of cossim: categories in name order, each with the
 * mean of its unit reference vectors. */
typedef struct {
  char **names;
  size_t n;
  float *means; /* [n * dim] */
  size_t dim;
} RefSet;

/* One reference row: its name's number and its row of floats. */
typedef struct {
  size_t name; /* number in Names before sorting, then rank */
  size_t row;  /* row in the reference arena */
} RefRow;

/* Builds *out from parts (taking what it keeps; free parts afterwards
 * with pool_parts_free).  embeddings: rows hold vectors or scores;
 * scoring: the rows are cossim scores, not vectors.  0 if out of memory
 * (then pool_free(out)). */
int pool_build(PoolParts *parts, int embeddings, int scoring, Pool *out);
void pool_parts_free(PoolParts *parts);

/*
 * The reference means: rows[0..n_rows) with floats vectors + row * dim
 * and norms norms[row], names ns (taken into out->names).  Each
 * category's mean of unit vectors, summed in name then byte order, so
 * that it does not depend on the order of the reference rows.  0 if out
 * of memory.
 */
int pool_reference_means(Names *ns, RefRow *rows, size_t n_rows,
                         const float *vectors, const double *norms,
                         size_t dim, RefSet *out);

/* Replaces the pool's categories with the reference set's (taking its
 * arrays; *ref is left empty). */
void pool_use_reference(Pool *p, RefSet *ref);
void ref_free(RefSet *ref);
void pool_free(Pool *p);

#endif
