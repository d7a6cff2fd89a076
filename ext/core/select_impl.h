/*
 * select_impl.h — what the selection files of the core share (not part of
 * the interface; select.h is): one selection's working state, the bounded
 * heap of scored candidates and the shared shape of the category methods.
 *
 *   select.c        the shape (category order, quotas, the walk of the
 *                   plan, dedup, fills), random, sss and select_run_extra
 *   scores.c        the score and sum code, once: prototypes, pss member
 *                   scores, cossim scores (the row worker makes
 *                   score_cossim's bits with vec_dot_many_self)
 *   select_score.c  the picks by score: pss, cossim and fl
 *   contrast.c      the contrast picks (select_contrast)
 */
#ifndef SAFETY_SELECT_IMPL_H
#define SAFETY_SELECT_IMPL_H

#include "group.h"
#include "heap.h"
#include "prng.h"
#include "select.h"
#include "stop.h"
#include "tie.h"

/* An example is unavailable once chosen[i] is set: */
enum {
  PICK_CHOSEN = 1,  /* chosen */
  PICK_SKIPPED = 2, /* skipped by dedup */
  PICK_GROUPED = 3  /* another member of its group was chosen (group) */
};

/* Working state of one selection. */
typedef struct {
  const SelectPool *pool;
  size_t n;              /* target */
  unsigned char *chosen; /* [pool->n]: 0 available, else PICK_* */
  SelectResult *out;
  Prng prng;
  size_t *scratch;       /* [pool->n] example indices */
  const SelectExtra *extra; /* never NULL; zeroed = the contract */
  uint64_t tie_mixed;    /* tie_seed(seed): each key is made when looked
                            at (select_tie), none kept */
  GroupIndex groups;     /* the members of each group (pool->group) */
} Selection;

static inline size_t min_size(size_t a, size_t b) { return a < b ? a : b; }

/* Whether a pick can be passed over for a reason other than its score
 * (dedup, group), so that a category needs more than take candidates. */
static inline int picks_may_skip(const Selection *s) {
  return s->extra->dedup > 0 || s->pool->group != NULL;
}

/* ---- bounded heap of (score, example): the k best, worst on top ---- */

/* The heap's element: score, example, tie key (select.h). */
typedef SelectScored Scored;

/* Example i's tie key under the selection's seed (tie.h). */
static inline uint64_t select_tie(const Selection *s, size_t i) {
  return tie_key(s->pool->ids[i], s->tie_mixed);
}

/* a ranks before b: higher score, then the smaller tie key, then smaller
 * example index (= smaller id): contract section 7, "Ties". */
static inline int ranks_before(const Scored *a, const Scored *b) {
  if (a->score != b->score) return a->score > b->score;
  if (a->key != b->key) return a->key < b->key;
  return a->example < b->example;
}

/* The top holds the element that ranks last. */
static inline int scored_above(const Scored *a, const Scored *b) {
  return ranks_before(b, a);
}

HEAP_DEFINE(scored, Scored, scored_above)

/* Offers x to the heap h of *n elements that keeps the cap best. */
static inline void heap_push(Scored *h, size_t *n, size_t cap, Scored x) {
  if (*n < cap) {
    size_t i = (*n)++;
    h[i] = x;
    scored_sift_up(h, i);
  } else if (cap > 0 && ranks_before(&x, &h[0])) {
    h[0] = x;
    scored_sift_down(h, *n, 0);
  }
}

/* 1 when a score can enter the heap h of n elements that keeps the cap
 * best: there is room, or it is not below the worst kept.  Checked before
 * an example's tie key is made, which is needed only then. */
static inline int heap_admits(const Scored *h, size_t n, size_t cap,
                              double score) {
  return n < cap || (cap > 0 && score >= h[0].score);
}

/* Offers the heap entry (score, slot) ranked by example i's tie key, made
 * only when the score can enter.  slot is i itself, or a list position
 * that stands for i (take_listed). */
static inline void heap_offer_as(const Selection *s, Scored *h, size_t *n,
                                 size_t cap, double score, size_t slot,
                                 size_t i) {
  if (heap_admits(h, *n, cap, score))
    heap_push(h, n, cap, (Scored){score, slot, select_tie(s, i)});
}

/* Offers example i with its score to the heap. */
static inline void heap_offer(const Selection *s, Scored *h, size_t *n,
                              size_t cap, double score, size_t i) {
  heap_offer_as(s, h, n, cap, score, i, i);
}

/* Leaves the heap's elements sorted best first. */
void heap_sort_best_first(Scored *h, size_t n);

/* ---- the shape of the category methods (select.c) ---- */

typedef struct {
  size_t count;
  size_t cat;
} CatCount;

/* Categories with members, by member count ascending then name (index);
 * returns how many. */
size_t pool_category_order(const SelectPool *p, CatCount *order);

/*
 * Walks the plan: calls pick(s, category, take, ctx) for each category in
 * order until n are chosen; pick returns how many it added.  Uniform:
 * take = min(k, n - chosen), exactly the contract.  Proportional and
 * explicit: a category's shortfall is added to the next visited one's
 * target, and explicit skips categories whose count is 0.  pick returns
 * a SELECT_* code through *rc on failure (and then the walk stops).
 */
typedef size_t (*PickFn)(Selection *s, size_t cat, size_t take, void *ctx,
                         int *rc);

int walk_plan(Selection *s, const CatCount *order, size_t c_used, PickFn pick,
              void *ctx);

/* dedup: 1 when example i may be chosen (else it is marked skipped). */
int admit(Selection *s, size_t i);
void add_row(Selection *s, size_t example, long category, double score,
             int has_score, int stage);
/* Adds the best of heap[0..h) (sorted best first) that pass dedup, up to
 * take of them.  Returns how many it added. */
size_t take_best(Selection *s, const Scored *heap, size_t h, size_t take,
                 long category, int stage);

/* ---- the methods by score (select_score.c) ---- */

int run_pss(Selection *s, size_t *bad_category);
int run_cossim(Selection *s, SelectFill fill);
int run_fl(Selection *s, size_t *bad_category);

/* ---- scores (scores.c) ---- */

/* Member scores of every category: score[j] = cosine of example
 * cat_member[j] to its category's prototype; proto_norm[c] is 0 for a
 * category whose prototype is the zero vector.  0 when out of memory. */
int pss_member_scores(const SelectPool *p, double *score, double *proto_norm);
/* cossim scores: cossim_row(p, *flat, i)[c] = x̂_i · mean of unit refs of
 * c, from the reader's (p->score_ptr; *flat stays NULL) or computed into
 * *flat (free it).  0 when out of memory. */
int cossim_scores(const SelectPool *p, double **flat);
/* The cossim scores of examples i0..i1-1 (row (i - i0) of rows, n_cat
 * each; means: the reference means widened to double), on two threads
 * (halves) when there is enough work: the same bits either way. */
void cossim_score_rows(const SelectPool *p, const double *means, size_t i0,
                       size_t i1, double *rows);
/* Example i's row of cossim scores (one per category): from the pool
 * reader, which scored them on arrival (flat == NULL), or row i of the
 * matrix cossim_scores computed. */
static inline const double *cossim_row(const SelectPool *p,
                                       const double *flat, size_t i) {
  return flat != NULL ? flat + i * p->n_cat : p->score_ptr[i];
}

/* The category of a row's best cossim score (first by name on ties). */
static inline size_t row_best(const double *row, size_t n_cat) {
  size_t best_c = 0;
  for (size_t c = 1; c < n_cat; c++)
    if (row[c] > row[best_c]) best_c = c;
  return best_c;
}

/* The category of example i's best cossim score (first by name on ties). */
static inline size_t best_category(const SelectPool *p,
                                   const double *scores, size_t i) {
  return row_best(cossim_row(p, scores, i), p->n_cat);
}


#endif
