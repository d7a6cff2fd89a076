/*
 * select.h — the sampling methods of contract §7 over in-memory data.
 *
 * Pure C: no SQLite.  The table-valued function (sample_vtab.c) reads the
 * relations, keeps only eligible examples, sorts them by id and hands them
 * here; this code only chooses.  Because every array is in id order and
 * every reduction runs in a fixed order, the result depends on ids and
 * values only, never on the physical order of rows.
 */
#ifndef SAFETY_SELECT_H
#define SAFETY_SELECT_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
  METHOD_RANDOM = 0,
  METHOD_SSS,
  METHOD_PSS,
  METHOD_COSSIM
} SelectMethod;

typedef enum { SELECT_FILL_RANDOM = 0, SELECT_FILL_SCORE, SELECT_FILL_NONE } SelectFill;
enum { STAGE_CATEGORY = 0, STAGE_FILL = 1 };

/* The eligible examples, in ascending id order (example index i). */
typedef struct {
  size_t n;                /* eligible examples */
  const int64_t *ids;      /* [n], ascending */
  /* Embeddings (pss, cossim): example i's vector is
   * vectors + vec_row[i] * dim, its L2 norm norms[i] (> 0). */
  size_t dim;
  const float *vectors;
  const size_t *vec_row;
  const double *norms;
  /* Categories, indexed in name order.  sss/pss: the pool's categories,
   * members of c are cat_member[cat_start[c] .. cat_start[c+1]) (example
   * indices, ascending).  cossim: the reference categories, with
   * ref_means + c * dim the mean of the unit reference vectors of c. */
  size_t n_cat;
  const size_t *cat_start; /* [n_cat + 1] */
  const size_t *cat_member;
  const float *ref_means;  /* [n_cat * dim], cossim only */
} SelectPool;

typedef struct {
  size_t example;  /* index into SelectPool arrays */
  long category;   /* category index, -1 for none */
  double score;    /* valid when has_score */
  int has_score;
  int stage;       /* STAGE_CATEGORY or STAGE_FILL */
} SelectRow;

typedef struct {
  SelectRow *rows; /* in selection order (rank = index + 1) */
  size_t n_rows;
} SelectResult;

enum {
  SELECT_OK = 0,
  SELECT_ENOMEM = 1,
  SELECT_EZERO_PROTOTYPE = 2 /* *bad_category says which category */
};

/*
 * Chooses up to n examples (n <= pool->n) with the method, filling the rest
 * as fill says, drawing random numbers from a generator seeded with seed.
 * Fills *out (free with select_result_free).  On SELECT_EZERO_PROTOTYPE
 * *bad_category names the category whose prototype is the zero vector.
 */
int select_run(const SelectPool *pool, SelectMethod method, size_t n,
               SelectFill fill, uint64_t seed, SelectResult *out,
               size_t *bad_category);
void select_result_free(SelectResult *r);

/* The prototype (float32 mean, summed in double in id order) of the given
 * examples; exposed for tests and reports.  Returns 0 when out of memory. */
int select_prototype(const SelectPool *pool, const size_t *members, size_t m,
                     float *proto);

#endif
