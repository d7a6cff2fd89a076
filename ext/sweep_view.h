/*
 * sweep_view.h — safety_sweep's views of its one read (sweep_view.c): the
 * pool a combination's safety_sample call would have read, made from the
 * sweep's read of the union of every combination's behaviour filter,
 * without copying an embedding.
 *
 * A view for behaviour filter F holds the examples of the read that F
 * admits, in the same (id) order, with the categories an F read would
 * name (in name order; without options.categories only those with an
 * F member), the same norms and vectors (pointers into the read's arena);
 * for cossim, the reference set's categories and each example's scores.
 * What depends only on the view (pss scores, cossim scores) is computed
 * once, the first time a combination needs it.
 */
#ifndef SAFETY_SWEEP_VIEW_H
#define SAFETY_SWEEP_VIEW_H

#include "common.h"
#include "pool_read.h"
#include "core/pool.h"

typedef struct {
  unsigned mask;           /* the behaviour filter (0: none) */
  int cossim;              /* reference categories in place of the pool's */
  Pool pd;                 /* borrowed from the read or from the arrays below */
  /* Owned arrays (NULL when the view is the read itself). */
  int64_t *ids;
  unsigned char *behavior;
  double *norms;
  void **row_ptr;
  size_t *cat_start, *cat_member;
  char **cat_names;        /* the strings belong to the read */
  size_t n_cat;
  size_t *in_read;         /* [n]: example i's index in the read, or NULL */
  uint32_t *group;         /* [n]: the group option's numbers, or NULL */
  size_t *pos;             /* [read n]: each read example's index here
                              (SIZE_MAX: not here), or NULL */
  const double **score_rows; /* cossim: example i's scores */
  double *pss_score, *pss_proto_norm;
  SelectTop *pss_top;      /* pss's lists (SelectPool.pss_top), with k > 0
                              (allocated: views move when one is added) */
  int pss_ready;
} SweepView;

/* The read and what every view shares. */
typedef struct {
  Pool read;               /* the union read */
  int keep_categories;     /* options.categories given: every listed one */
  RefSet ref;              /* cossim's reference set (n == 0: none) */
  double *cos_scores;      /* the read's cossim scores (n x ref.n), lazily */
  size_t cossim_k;         /* the most rows any cossim combination asks for */
  size_t pss_k;            /* ... any pss combination: its lists' room */
  unsigned *cossim_masks;  /* the filters of the cossim combinations */
  size_t n_cossim;
  SelectTop *tops;         /* [n_cossim]: their lists, made together */
  SelectTop *read_tops;    /* [n_cossim]: the lists made during the read
                              (sweep_view_begin_tops), until finished */
  const double **read_rows; /* with cossim_matrix: the read's score rows */
  int cossim_matrix;       /* keep every example's cossim scores (a cossim
                              combination with dedup or proportional quotas
                              reads beyond the lists); else the lists alone */
  SweepView *views;
  size_t n_views;
} SweepViews;

/* The view for (mask, cossim), made on first use (the cossim views of
 * every mask in cossim_masks at once, their lists in one pass over the
 * read).  NULL: out of memory. */
SweepView *sweep_view_get(SweepViews *vs, unsigned mask, int cossim);

/* Computes the view's pss scores once (for SelectPool.pss_score) and,
 * with k > 0, its lists of the k best members of each category
 * (SelectPool.pss_top).  0: out of memory. */
int sweep_view_pss(SweepView *v, size_t k);

/* Has the pool read q make the cossim views' lists as the rows arrive
 * (PoolQuery.tops), when they need nothing but the lists and the
 * reference set is read (vs->ref); else leaves q as it is.  0: out of
 * memory. */
int sweep_view_begin_tops(SweepViews *vs, PoolQuery *q);

void sweep_views_free(SweepViews *vs);

#endif
