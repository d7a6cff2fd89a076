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
  METHOD_COSSIM,
  METHOD_FL /* facility location (beyond the paper; facility.h) */
} SelectMethod;

typedef enum { SELECT_FILL_RANDOM = 0, SELECT_FILL_SCORE, SELECT_FILL_NONE } SelectFill;
enum { STAGE_CATEGORY = 0, STAGE_FILL = 1, STAGE_CONTRAST = 2 };

/* An example with its score and tie key (the methods' heap; the lists of
 * SelectTop, whose keys are 0: see there). */
typedef struct {
  double score;
  size_t example;
  uint64_t key; /* the example's tie key (tie.h) */
} SelectScored;

/*
 * cossim's best candidates of a pool, computed once for many selections
 * on it (select_cossim_top; safety_sweep): for each category c the
 * cat_len[c] examples with the highest score for c, best first, at
 * by_cat + c * k; and the best_len examples with the highest best score
 * over all categories, best first, with best_cat their category.  The
 * lists serve every seed, so equal scores rank by example index in them
 * (key 0), not by a seed's tie key: a selection takes from a list only
 * the entries it can trust for its seed — every entry of a complete list
 * (as long as the view), else those scoring above the list's last score,
 * which are all the examples that do — re-ranked by its own tie keys, and
 * goes on over every example when they run out (select_score.c).
 */
typedef struct SelectTop {
  size_t k, n_cat;
  SelectScored *by_cat;   /* [n_cat * k] */
  size_t *cat_len;        /* [n_cat] */
  SelectScored *best;     /* [k] */
  size_t *best_cat;       /* [k] */
  size_t best_len;
} SelectTop;

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
  /* cossim scores computed while reading, or NULL: example i's score
   * for category c is score_ptr[i][c]. */
  const double *const *score_ptr;
  /* When set, example i's vector is vec_ptr[i] (the pool reader keeps
   * the vectors in chunks that never move) instead of
   * vectors + vec_row[i] * dim. */
  const float *const *vec_ptr;
  /* pss prototype sums computed while reading, or NULL: row c (dim
   * doubles) is the sum of category c's member vectors added in id order,
   * exactly what select.c would add itself. */
  const double *cat_sums;
  /* The group option (contract §7), or NULL: example i's group number
   * (< n_groups, or GROUP_NONE for a NULL value, a group of its own).  At
   * most one example of a group is chosen. */
  const uint32_t *group;
  size_t n_groups;
  /* Computed beforehand for many selections on one pool (safety_sweep),
   * or NULL: the pss member scores and prototype norms (select_pss_scores)
   * and cossim's best candidates (select_cossim_top). */
  const double *pss_score;
  const double *pss_proto_norm;
  const SelectTop *cossim_top;
  /* pss's best members of each category, made once with pss_score for
   * many selections on one pool (select_pss_top; safety_sweep), or NULL:
   * by_cat and cat_len as in SelectTop (best unused), equal scores by
   * example index; a selection uses them as cossim uses its lists. */
  const SelectTop *pss_top;
} SelectPool;

/* The embedding of example i; NULL when the pool keeps no embeddings
 * (pointer arithmetic on NULL is undefined behaviour). */
static inline const float *select_vec(const SelectPool *p, size_t i) {
  if (p->vec_ptr != NULL) return p->vec_ptr[i];
  if (p->vectors == NULL) return NULL;
  return p->vectors + p->vec_row[i] * p->dim;
}

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
  size_t dedup_skipped; /* candidates skipped as near-duplicates */
} SelectResult;

enum {
  SELECT_OK = 0,
  SELECT_ENOMEM = 1,
  SELECT_EZERO_PROTOTYPE = 2, /* *bad_category says which category */
  SELECT_ETOO_LARGE = 3,      /* fl: *bad_category has > FL_MAX_MEMBERS */
  SELECT_ESTOPPED = 4,        /* the thread's stop check said stop (stop.h) */
  SELECT_ENOBLAS = 5          /* fl: OpenBLAS cannot be loaded (blas.h) */
};

/*
 * Beyond the paper.  A zeroed SelectExtra is the contract:
 *
 * dedup > 0: a candidate whose cosine to any example chosen so far is
 *   >= dedup is skipped (and never considered again: the chosen set only
 *   grows, so it stays a near-duplicate); needs embeddings for every
 *   method.  pss/cossim/fl move on to the next best candidate; random
 *   draws (sss, random, the random fill) take the next item of the same
 *   partial Fisher–Yates shuffle, so without skips the draw is unchanged.
 * quota: UNIFORM is k = max(1, n div C) per category (the contract);
 *   PROPORTIONAL and EXPLICIT give each category its own target (see
 *   select_proportional_quotas; EXPLICIT takes quota_counts[c], indexed
 *   like the categories, and visits only categories with a count > 0).
 *   In those two modes what a category cannot supply (too few unchosen
 *   members, or near-duplicates) is added to the next visited category's
 *   target; what is left after the last one goes to the fill.
 */
typedef enum {
  SELECT_QUOTA_UNIFORM = 0,
  SELECT_QUOTA_PROPORTIONAL,
  SELECT_QUOTA_EXPLICIT
} SelectQuota;

typedef struct {
  double dedup;
  SelectQuota quota;
  const size_t *quota_counts; /* [n_cat], SELECT_QUOTA_EXPLICIT only */
} SelectExtra;

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

/* pss: above this many prototype cells (categories x dimensions) the
 * prototypes are made one category at a time, so that memory does not
 * grow with the number of categories (the same bits either way; the tests
 * lower it to compare the two). */
extern size_t select_one_pass_cells;

/* From this much work (memberships or examples x dimensions) the pss
 * sums and scores and the cossim scores run on two threads, each part in
 * a fixed order, so the same bits either way (the tests set it to 0 and
 * to SIZE_MAX to compare the two). */
extern size_t select_thread_work;

/* Non-zero (the default): a random fill of few examples from many draws
 * its positions without writing out the list of candidates, the same
 * draws either way (the tests set it to 0 to compare). */
extern int select_fill_sparse;

/* select_run with the options beyond the paper (extra may be NULL: the contract). */
int select_run_extra(const SelectPool *pool, SelectMethod method, size_t n,
                     SelectFill fill, uint64_t seed, const SelectExtra *extra,
                     SelectResult *out, size_t *bad_category);

/*
 * Proportional quotas: sizes[0..c) are the categories' eligible member
 * counts (all > 0) in the method's category order; out[0..c) receives
 * targets that sum to n.  When n >= c every category first gets 1 and the
 * other n - c are shared out in proportion to the sizes; when n < c all n
 * are shared out that way.  Sharing m in proportion is largest remainder
 * (Hamilton): each gets floor(m * size / total), and the units still left
 * go one each to the largest remainders (m * size mod total, compared
 * exactly in integers); equal remainders go to the category earlier in
 * the order.  Returns 0 when out of memory.
 */
int select_proportional_quotas(const size_t *sizes, size_t c, size_t n,
                               size_t *out);

/*
 * Contrast (beyond the paper): up to k examples of cand (the T3 pool) that look
 * like the anchors (the chosen T1 examples, in rank order): round robin
 * over the anchors, each turn taking the unpicked candidate with the
 * highest cosine to that anchor (ties: the smaller tie key under seed,
 * then the smaller id); with cand->group, a pick's group leaves the
 * candidates; excluded[i] marks
 * candidates that may not be taken (already chosen).  With dedup > 0 a
 * candidate whose cosine to an earlier contrast pick is >= dedup is
 * skipped (contrast rows are meant to resemble the anchors, so they are
 * not compared with the main selection).  out (room for k) receives the
 * picks in order, with score = cosine to the anchor.
 */
typedef struct {
  size_t candidate; /* index into cand */
  size_t anchor;    /* index into the anchor arrays */
  double score;
} ContrastPick;

int select_contrast(const SelectPool *cand, const unsigned char *excluded,
                    const float *const *anchor_vec, const double *anchor_norm,
                    size_t n_anchor, size_t k, double dedup, uint64_t seed,
                    ContrastPick *out, size_t *n_out, size_t *skipped);

/* The tie keys (tie.h) of ids[0..n) under seed, in a new array (free
 * with ss_free); NULL when out of memory. */
uint64_t *tie_keys(const int64_t *ids, size_t n, uint64_t seed);

/*
 * The contrast anchors: the T1 examples (behavior[e] == 1) among the
 * selected rows of pool, in rank order, their vectors and norms into
 * avec, anorm (room for n_rows); returns how many.  excluded (room for
 * cand->n) marks the candidates that are selected already (same id).
 */
size_t contrast_anchors(const SelectPool *pool, const unsigned char *behavior,
                        const SelectRow *rows, size_t n_rows,
                        const SelectPool *cand, const float **avec,
                        double *anorm, unsigned char *excluded);

/* The prototype (float32 mean, summed in double in id order) of the given
 * examples, the zero vector for none; exposed for tests and reports.
 * Returns 0 when out of memory. */
int select_prototype(const SelectPool *pool, const size_t *members, size_t m,
                     float *proto);

/* The pss member scores of pool (score: one per membership, in cat_member
 * order; proto_norm: one per category, 0 for a zero prototype), exactly
 * as a pss selection computes them; for SelectPool.pss_score.  0 when out
 * of memory. */
int select_pss_scores(const SelectPool *pool, double *score, double *proto_norm);

/* The cossim scores of pool (whose categories are the reference set's)
 * into *flat (n x n_cat; free it), exactly as a cossim selection computes
 * them when the reader did not; for SelectPool.score_ptr.  0 when out of
 * memory. */
int select_cossim_scores(const SelectPool *pool, double **flat);

/* Fills *top with pool's cossim lists of at most k each (select_top.c);
 * free with select_top_free.  0 when out of memory. */
int select_cossim_top(const SelectPool *pool, size_t k, SelectTop *top);
/* The lists of n_views views of pool in one pass: view v holds the
 * examples i with pos[v][i] != SIZE_MAX, as its example pos[v][i] (pos[v]
 * NULL: every example, as itself), view_n[v] of them, in pool's order;
 * tops[v] gets its lists of at most k.  0 when out of memory (tops freed). */
int select_cossim_tops(const SelectPool *pool, size_t k, size_t n_views,
                       const size_t *const *pos, const size_t *view_n,
                       SelectTop *tops);
/* Lists made while the pool is read (the row worker, for safety_sweep),
 * the same as select_cossim_tops makes after it: select_top_begin
 * allocates n_views lists of room k (0 when out of memory, nothing kept);
 * select_top_offer offers an example's row of n_cat scores, as example x
 * (its index in the read), in the read's order; select_top_finish turns
 * one view's into what select_cossim_tops gives it, once pool (the read,
 * with the reference categories) is built: room min(k, view_n), sorted,
 * best_cat, examples mapped through pos (NULL: the same).  The read's
 * indices must be in id order, so that they rank equal scores as the
 * view's do.  0 when out of memory. */
int select_top_begin(SelectTop *tops, size_t n_views, size_t n_cat, size_t k);
void select_top_offer(SelectTop *top, const double *row, size_t x);
int select_top_finish(SelectTop *top, const SelectPool *pool, const size_t *pos,
                      size_t view_n);
/* pss's lists (SelectPool.pss_top): each category's at most k members
 * with the highest member score (score[j] for cat_member[j], as
 * select_pss_scores gives them), best first; a category whose prototype
 * is zero (proto_norm 0) gets none.  0 when out of memory or stopped
 * (core_stopped() tells which; the lists are freed). */
int select_pss_top(const SelectPool *pool, const double *score,
                   const double *proto_norm, size_t k, SelectTop *top);
void select_top_free(SelectTop *top);

#endif
