/*
 * contrast.c — the contrast picks (beyond the paper; select.h select_contrast)
 * and their anchors (contrast_anchors, the chosen T1 examples):
 * T3 look-alikes of the chosen T1 anchors, round robin over the anchors,
 * each turn the best unpicked candidate by cosine.
 */
#include "select_impl.h"

#include "alloc.h"
#include "labels.h"
#include "vector.h"
#include <string.h>

/* One anchor's candidates, best first: the len best of those not excluded
 * (at most cap of them); pos is where the walk stands. */
typedef struct {
  Scored *list;
  size_t len, cap, pos;
} AnchorList;

/* (Re)computes an anchor's list with room for cap candidates. */
static int anchor_list_fill(AnchorList *a, const SelectPool *cand,
                            const unsigned char *excluded, const uint64_t *key,
                            const float *vec, double norm, size_t cap) {
  Scored *list = ss_malloc_array(cap, sizeof *list);
  if (list == NULL) return 0;
  ss_free(a->list);
  a->list = list;
  a->cap = cap;
  a->len = a->pos = 0;
  if (core_tick((uint64_t)cand->n * cand->dim + 1)) return 0;
  for (size_t i = 0; i < cand->n; i++)
    if (!excluded || !excluded[i])
      heap_push(list, &a->len, cap,
                (Scored){vec_cosine_with_norms(vec, select_vec(cand, i), cand->dim,
                                               norm, cand->norms[i]),
                         i, key[i]});
  heap_sort_best_first(list, a->len);
  return 1;
}

int select_contrast(const SelectPool *cand, const unsigned char *excluded,
                    const float *const *anchor_vec, const double *anchor_norm,
                    size_t n_anchor, size_t k, double dedup, uint64_t seed,
                    ContrastPick *out, size_t *n_out, size_t *skipped) {
  int rc = SELECT_ENOMEM;
  size_t used = min_size(n_anchor, k); /* later anchors never get a turn */
  /* used is 0 when no candidate is left (k = 0): room for one all the
   * same, which the memset below clears. */
  AnchorList *lists = ss_malloc_array(used ? used : 1, sizeof *lists);
  /* PICK_CHOSEN picked, PICK_SKIPPED by dedup, PICK_GROUPED its group */
  unsigned char *taken = ss_malloc(cand->n ? cand->n : 1);
  uint64_t *key = tie_keys(cand->ids, cand->n, seed);
  GroupIndex groups = {0};
  *n_out = 0;
  *skipped = 0;
  if (lists == NULL || taken == NULL || key == NULL ||
      !group_index_build(cand->group, cand->n, cand->n_groups, &groups))
    goto cleanup;
  memset(lists, 0, (used ? used : 1) * sizeof *lists);
  memset(taken, 0, cand->n ? cand->n : 1);
  size_t first_cap = (used ? (k + used - 1) / used : 0) + 8;
  for (size_t turn = 0; *n_out < k && used > 0; turn++) {
    size_t a = turn % used;
    AnchorList *l = &lists[a];
    if (l->list == NULL &&
        !anchor_list_fill(l, cand, excluded, key, anchor_vec[a],
                          anchor_norm[a], first_cap))
      goto cleanup;
    size_t pick = SIZE_MAX;
    while (pick == SIZE_MAX) {
      for (; l->pos < l->len && pick == SIZE_MAX; l->pos++) {
        size_t i = l->list[l->pos].example;
        if (taken[i]) continue;
        if (core_tick((uint64_t)*n_out * cand->dim + 1)) goto cleanup;
        int near = 0;
        for (size_t r = 0; dedup > 0 && r < *n_out && !near; r++) {
          size_t e = out[r].candidate;
          near = vec_cosine_with_norms(select_vec(cand, i), select_vec(cand, e),
                                       cand->dim, cand->norms[i],
                                       cand->norms[e]) >= dedup;
        }
        if (near) {
          taken[i] = PICK_SKIPPED;
          ++*skipped;
        } else {
          pick = l->pos;
        }
      }
      if (pick != SIZE_MAX || l->len < l->cap) break; /* found, or none left */
      /* The list ran out but more candidates exist: a longer one. */
      if (!anchor_list_fill(l, cand, excluded, key, anchor_vec[a],
                            anchor_norm[a], l->cap * 2))
        goto cleanup;
    }
    if (pick == SIZE_MAX) break; /* every candidate is taken */
    size_t i = l->list[pick].example;
    taken[i] = PICK_CHOSEN;
    group_block(&groups, cand->group, i, taken, PICK_GROUPED);
    out[(*n_out)++] = (ContrastPick){i, a, l->list[pick].score};
  }
  rc = SELECT_OK;
cleanup:
  if (core_stopped()) rc = SELECT_ESTOPPED;
  for (size_t a = 0; lists && a < used; a++) ss_free(lists[a].list);
  ss_free(lists);
  ss_free(taken);
  ss_free(key);
  group_index_free(&groups);
  return rc;
}

size_t contrast_anchors(const SelectPool *pool, const unsigned char *behavior,
                        const SelectRow *rows, size_t n_rows,
                        const SelectPool *cand, const float **avec,
                        double *anorm, unsigned char *excluded) {
  size_t n_anchor = 0;
  memset(excluded, 0, cand->n ? cand->n : 1);
  for (size_t r = 0; r < n_rows; r++) {
    size_t e = rows[r].example;
    if (behavior[e] == BEHAVIOR_T1) {
      avec[n_anchor] = select_vec(pool, e);
      anorm[n_anchor++] = pool->norms[e];
    }
    size_t lo = 0, hi = cand->n; /* the id among the candidates (sorted) */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (cand->ids[mid] < pool->ids[e])
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo < cand->n && cand->ids[lo] == pool->ids[e]) excluded[lo] = 1;
  }
  return n_anchor;
}
