/*
 * select_score.c — the methods that pick by score (contract §7 and
 * beyond it): pss (cosine to the category prototype), cossim (cosine to the
 * reference means) and fl (facility location, facility.c), each as a pick
 * function over the shared walk of the plan (select.c).
 */
#include "select_impl.h"

#include "alloc.h"
#include "blas.h"
#include "facility.h"
#include <string.h>


/* Working data of the pss picks. */
typedef struct {
  const double *score, *proto_norm;
  Scored *heap; /* room for n, or for pool->n with dedup */
  size_t *bad_category;
} PssPick;

/* Below (with cossim's picks). */
static size_t take_listed(Selection *s, Scored *heap, const Scored *list,
                          size_t len, size_t full, size_t take, long category,
                          const size_t *cats, int stage);

/* pss pick: the take unchosen members of c with the highest cosine to the
 * prototype (with dedup: the best that are not near-duplicates); from the
 * pool's lists first when it has them (pss_top, walked as cossim walks
 * its own: see take_listed). */
static size_t pick_pss(Selection *s, size_t c, size_t take, void *ctx,
                       int *rc) {
  PssPick *pp = ctx;
  const SelectPool *p = s->pool;
  if (pp->proto_norm[c] == 0.0) {
    *pp->bad_category = c;
    *rc = SELECT_EZERO_PROTOTYPE;
    return 0;
  }
  size_t listed = 0, size = p->cat_start[c + 1] - p->cat_start[c];
  if (p->pss_top != NULL && !picks_may_skip(s)) {
    const SelectTop *top = p->pss_top;
    listed = take_listed(s, pp->heap, top->by_cat + c * top->k, top->cat_len[c],
                         size, take, (long)c, NULL, STAGE_CATEGORY);
    if (listed == take || top->cat_len[c] == size) return listed;
    take -= listed; /* the list ran out: go on over every member */
  }
  size_t h = 0, cap = picks_may_skip(s) ? p->n : take;
  for (size_t j = p->cat_start[c]; j < p->cat_start[c + 1]; j++)
    if (!s->chosen[p->cat_member[j]])
      heap_offer(s, pp->heap, &h, cap, pp->score[j], p->cat_member[j]);
  heap_sort_best_first(pp->heap, h);
  return listed + take_best(s, pp->heap, h, take, (long)c, STAGE_CATEGORY);
}

int run_pss(Selection *s, size_t *bad_category) {
  const SelectPool *p = s->pool;
  int rc = SELECT_ENOMEM;
  size_t n_mem = p->cat_start[p->n_cat];
  int given = p->pss_score != NULL; /* computed beforehand (select.h) */
  CatCount *order = ss_malloc_array(p->n_cat, sizeof *order);
  double *score = given ? NULL : ss_malloc_array(n_mem, sizeof(double));
  double *proto_norm = given ? NULL : ss_malloc_array(p->n_cat, sizeof(double));
  Scored *heap = ss_malloc_array(picks_may_skip(s) ? p->n : s->n, sizeof *heap);
  if (order == NULL || heap == NULL ||
      (!given && (score == NULL || proto_norm == NULL)))
    goto cleanup;
  if (!given && !pss_member_scores(p, score, proto_norm)) goto cleanup;
  size_t c_used = pool_category_order(p, order);
  PssPick pp = {given ? p->pss_score : score,
                given ? p->pss_proto_norm : proto_norm, heap, bad_category};
  rc = walk_plan(s, order, c_used, pick_pss, &pp);
cleanup:
  ss_free(order);
  ss_free(score);
  ss_free(proto_norm);
  ss_free(heap);
  return rc;
}


/* Working data of the cossim picks.  The scores are made when first
 * needed: with SelectTop lists (no dedup, no group) they may never be. */
typedef struct {
  const SelectPool *p;
  double *scores; /* computed scores (NULL: the reader's, or not yet) */
  int ready;      /* cossim_row may be called */
  Scored *heap;   /* room for n, or for pool->n when picks may skip */
} CossimPick;

/* Makes the scores readable; 0 when out of memory (or stopped). */
static int cossim_ready(CossimPick *cp) {
  if (!cp->ready && !cossim_scores(cp->p, &cp->scores)) return 0;
  cp->ready = 1;
  return 1;
}

/* Does this selection walk the pool's SelectTop lists?  Not when a pick
 * may be passed over (dedup, group): a list could run short unseen. */
static int uses_top(const Selection *s) {
  return s->pool->cossim_top != NULL && !picks_may_skip(s);
}

/*
 * Adds up to take of list[0..len) not chosen yet, in this selection's
 * order (score, its seed's tie key, id), reporting category, or with cats
 * each entry's own.  The list ranks equal scores by example index for
 * every seed, so of a list shorter than what it is drawn from (len <
 * full: the view's examples for cossim, the category's members for pss)
 * only the entries scoring above its last score are used: they are every
 * candidate that does, so their order here is the selection's; entries tied with
 * the last may be missing some of their tie and are left to the scan over
 * every example.  The heap (room for take) holds list positions as
 * examples, which rank like the examples (a list's equal scores are in
 * example order).  Returns how many it added.
 */
static size_t take_listed(Selection *s, Scored *heap, const Scored *list,
                          size_t len, size_t full, size_t take, long category,
                          const size_t *cats, int stage) {
  size_t h = 0, usable = len, got = 0;
  if (len < full)
    while (usable > 0 && list[usable - 1].score == list[len - 1].score) usable--;
  for (size_t j = 0; j < usable; j++)
    if (!s->chosen[list[j].example])
      heap_offer_as(s, heap, &h, take, list[j].score, j, list[j].example);
  heap_sort_best_first(heap, h);
  for (size_t r = 0; r < h && got < take; r++) {
    size_t j = heap[r].example, i = list[j].example;
    if (!admit(s, i)) continue;
    add_row(s, i, cats ? (long)cats[j] : category, list[j].score, 1, stage);
    got++;
  }
  return got;
}

/* cossim pick: the take unchosen examples with the highest score for c
 * (from the pool's list when it has one). */
static size_t pick_cossim(Selection *s, size_t c, size_t take, void *ctx,
                          int *rc) {
  CossimPick *cp = ctx;
  const SelectPool *p = s->pool;
  size_t listed = 0;
  if (uses_top(s)) {
    const SelectTop *top = p->cossim_top;
    size_t len = top->cat_len[c];
    listed = take_listed(s, cp->heap, top->by_cat + c * top->k, len, p->n, take,
                         (long)c, NULL, STAGE_CATEGORY);
    if (listed == take || len == p->n) return listed;
    take -= listed; /* the list ran out: go on over every example */
  }
  if (!cossim_ready(cp)) {
    *rc = SELECT_ENOMEM;
    return listed;
  }
  size_t h = 0, cap = picks_may_skip(s) ? p->n : take;
  if (core_tick((uint64_t)p->n * 4)) return listed; /* a pass over the pool */
  for (size_t i = 0; i < p->n; i++)
    if (!s->chosen[i])
      heap_offer(s, cp->heap, &h, cap, cossim_row(p, cp->scores, i)[c], i);
  heap_sort_best_first(cp->heap, h);
  return listed + take_best(s, cp->heap, h, take, (long)c, STAGE_CATEGORY);
}

/* cossim's fill: the rest by their best score over all categories (first
 * by name on ties), reporting that category. */
static int fill_cossim(Selection *s, CossimPick *cp) {
  const SelectPool *p = s->pool;
  size_t take = s->n - s->out->n_rows, h = 0;
  if (uses_top(s)) {
    const SelectTop *top = p->cossim_top;
    take -= take_listed(s, cp->heap, top->best, top->best_len, p->n, take, -1,
                        top->best_cat, STAGE_FILL);
    if (take == 0 || top->best_len == p->n) return SELECT_OK;
  }
  if (!cossim_ready(cp)) return SELECT_ENOMEM;
  const double *scores = cp->scores;
  Scored *heap = cp->heap;
  size_t cap = picks_may_skip(s) ? p->n : take;
  if (core_tick((uint64_t)p->n * 4)) return SELECT_OK; /* the caller sees the stop */
  for (size_t i = 0; i < p->n; i++)
    if (!s->chosen[i])
      heap_offer(s, heap, &h, cap,
                 cossim_row(p, scores, i)[best_category(p, scores, i)], i);
  heap_sort_best_first(heap, h);
  for (size_t j = 0, got = 0; j < h && got < take; j++)
    if (!s->chosen[heap[j].example] && admit(s, heap[j].example)) {
      add_row(s, heap[j].example,
              (long)best_category(p, scores, heap[j].example), heap[j].score,
              1, STAGE_FILL);
      got++;
    }
  return SELECT_OK;
}

int run_cossim(Selection *s, SelectFill fill) {
  const SelectPool *p = s->pool;
  int rc = SELECT_ENOMEM;
  CatCount *order = ss_malloc_array(p->n_cat, sizeof *order);
  Scored *heap = ss_malloc_array(picks_may_skip(s) ? p->n : s->n, sizeof *heap);
  CossimPick cp = {p, NULL, 0, heap};
  int proportional = s->extra->quota == SELECT_QUOTA_PROPORTIONAL;
  if (order == NULL || heap == NULL ||
      ((!uses_top(s) || proportional) && !cossim_ready(&cp)))
    goto cleanup;
  /* Categories by name.  Proportional quotas weigh a category by the
   * eligible examples whose best score is for it, and skip those that are
   * nobody's best. */
  size_t c_used = 0;
  if (proportional) {
    for (size_t c = 0; c < p->n_cat; c++) order[c] = (CatCount){0, c};
    for (size_t i = 0; i < p->n; i++) order[best_category(p, cp.scores, i)].count++;
    for (size_t c = 0; c < p->n_cat; c++)
      if (order[c].count > 0) order[c_used++] = order[c];
  } else {
    for (size_t c = 0; c < p->n_cat; c++) order[c_used++] = (CatCount){0, c};
  }
  rc = walk_plan(s, order, c_used, pick_cossim, &cp);
  if (rc == SELECT_OK && fill == SELECT_FILL_SCORE && s->out->n_rows < s->n)
    rc = fill_cossim(s, &cp);
cleanup:
  ss_free(cp.scores);
  ss_free(order);
  ss_free(heap);
  return rc;
}


/* Working data of the facility-location picks. */
typedef struct {
  Selection *s;
  size_t c;              /* category */
  const size_t *members; /* its members (example indices) */
  size_t m;
} FlPick;

/* facility_greedy's callback: the member may be picked unless dedup says
 * it is a near-duplicate.  score = the gain per member of the category. */
static int fl_try_pick(void *ctx, size_t member, double gain) {
  FlPick *fp = ctx;
  size_t i = fp->members[member];
  if (fp->s->chosen[i] || !admit(fp->s, i)) return 0; /* group, dedup */
  add_row(fp->s, i, (long)fp->c, gain / (double)fp->m, 1, STAGE_CATEGORY);
  return 1;
}

/* fl pick: greedy facility location over category c (facility.h); members
 * chosen earlier (for other categories) count as already selected. */
static size_t pick_fl(Selection *s, size_t c, size_t take, void *ctx,
                      int *rc) {
  (void)ctx;
  const SelectPool *p = s->pool;
  const size_t *members = p->cat_member + p->cat_start[c];
  size_t m = p->cat_start[c + 1] - p->cat_start[c], got = 0;
  const float **vec = ss_malloc_array(m, sizeof *vec);
  double *norm = ss_malloc_array(m, sizeof *norm);
  uint64_t *key = ss_malloc_array(m ? m : 1, sizeof *key);
  unsigned char *state = ss_malloc(m ? m : 1);
  if (vec == NULL || norm == NULL || key == NULL || state == NULL) {
    *rc = SELECT_ENOMEM;
    goto cleanup;
  }
  /* A member another category chose covers from the start; one skipped
   * by dedup or blocked by its group is a client only. */
  for (size_t j = 0; j < m; j++) {
    vec[j] = select_vec(p, members[j]);
    norm[j] = p->norms[members[j]];
    key[j] = select_tie(s, members[j]);
    state[j] = s->chosen[members[j]] == PICK_CHOSEN ? FL_SELECTED
               : s->chosen[members[j]]           ? FL_EXCLUDED
                                                 : FL_CANDIDATE;
  }
  FlProblem fl = {m, p->dim, vec, norm, state, 0, key};
  FlPick fp = {s, c, members, m};
  int frc = facility_greedy(&fl, take, fl_try_pick, &fp, &got, NULL);
  if (frc != 0)
    *rc = frc == 2 ? SELECT_ESTOPPED : frc == 3 ? SELECT_ENOBLAS : SELECT_ENOMEM;
cleanup:
  ss_free(vec);
  ss_free(norm);
  ss_free(key);
  ss_free(state);
  return got;
}

int run_fl(Selection *s, size_t *bad_category) {
  const SelectPool *p = s->pool;
  CatCount *order = ss_malloc_array(p->n_cat, sizeof *order);
  if (order == NULL) return SELECT_ENOMEM;
  size_t c_used = pool_category_order(p, order);
  int rc = SELECT_OK;
  /* Refuse before any work: the largest category is checked first. */
  if (blas_lib() == NULL) {
    rc = SELECT_ENOBLAS;
  } else if (c_used > 0 && order[c_used - 1].count > FL_MAX_MEMBERS) {
    *bad_category = order[c_used - 1].cat;
    rc = SELECT_ETOO_LARGE;
  } else {
    rc = walk_plan(s, order, c_used, pick_fl, NULL);
  }
  ss_free(order);
  return rc;
}
