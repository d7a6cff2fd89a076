/*
 * sweep_view.c — the views of safety_sweep's one read (sweep_view.h).
 *
 * A view must be exactly the pool that its combination's own read would
 * have built, so that the selection code, given it, returns the very rows
 * of that call: the same examples in the same order (the read's id order,
 * restricted), the same category names and members (a read names a
 * category when an eligible row has it, or every listed category with
 * options.categories), the same norms and vectors, and for cossim the
 * reference categories with scores made by the same code.
 */
#include "common.h"
#include "sweep_view.h"

#include "core/labels.h"

#include <string.h>

static void view_free(SweepView *v) {
  ss_free(v->ids);
  ss_free(v->behavior);
  ss_free(v->norms);
  ss_free(v->row_ptr);
  ss_free(v->cat_start);
  ss_free(v->cat_member);
  ss_free(v->cat_names);
  ss_free(v->in_read);
  ss_free(v->group);
  ss_free(v->score_rows);
  ss_free(v->pos);
  ss_free(v->pss_score);
  ss_free(v->pss_proto_norm);
  if (v->pss_top != NULL) select_top_free(v->pss_top);
  ss_free(v->pss_top);
  memset(v, 0, sizeof *v);
}

/* The categories of a restricted view: members mapped through pos (the
 * read's index -> the view's, SIZE_MAX when not in it). */
static int restrict_categories(const SweepViews *vs, SweepView *v,
                               const size_t *pos) {
  const SelectPool *r = &vs->read.sel;
  size_t n_cat = r->n_cat, n_mem = r->cat_start ? r->cat_start[n_cat] : 0;
  v->cat_start = ss_malloc_array(n_cat + 1, sizeof(size_t));
  v->cat_member = ss_malloc_array(n_mem ? n_mem : 1, sizeof(size_t));
  v->cat_names = ss_malloc_array(n_cat ? n_cat : 1, sizeof(char *));
  if (!v->cat_start || !v->cat_member || !v->cat_names) return 0;
  size_t c_out = 0, m = 0;
  v->cat_start[0] = 0;
  for (size_t c = 0; c < n_cat; c++) {
    size_t m0 = m;
    for (size_t j = r->cat_start[c]; j < r->cat_start[c + 1]; j++)
      if (pos[r->cat_member[j]] != SIZE_MAX)
        v->cat_member[m++] = pos[r->cat_member[j]];
    if (m == m0 && !vs->keep_categories) continue; /* no member: not named */
    v->cat_names[c_out] = vs->read.cat_names[c];
    v->cat_start[++c_out] = m;
  }
  v->n_cat = c_out;
  return 1;
}

/* A view of the read's examples that mask admits. */
static int restrict_view(const SweepViews *vs, SweepView *v) {
  const Pool *r = &vs->read;
  size_t n = 0, all = r->sel.n;
  size_t *pos = ss_malloc_array(all ? all : 1, sizeof(size_t));
  if (pos == NULL) return 0;
  for (size_t i = 0; i < all; i++)
    pos[i] = behavior_admits(v->mask, r->behavior[i]) ? n++ : SIZE_MAX;
  v->ids = ss_malloc_array(n ? n : 1, sizeof(int64_t));
  v->behavior = ss_malloc(n ? n : 1);
  v->norms = ss_malloc_array(n ? n : 1, sizeof(double));
  v->row_ptr = ss_malloc_array(n ? n : 1, sizeof(void *));
  v->in_read = ss_malloc_array(n ? n : 1, sizeof(size_t));
  if (r->sel.group != NULL) v->group = ss_malloc_array(n ? n : 1, sizeof(uint32_t));
  int ok = v->ids && v->behavior && v->norms && v->row_ptr && v->in_read &&
           (r->sel.group == NULL || v->group) && restrict_categories(vs, v, pos);
  for (size_t i = 0; ok && i < all; i++) {
    size_t k = pos[i];
    if (k == SIZE_MAX) continue;
    v->ids[k] = r->sel.ids[i];
    v->behavior[k] = r->behavior[i];
    v->norms[k] = r->sel.norms ? r->sel.norms[i] : 0.0;
    v->row_ptr[k] = r->row_ptr ? r->row_ptr[i] : NULL;
    v->in_read[k] = i;
    if (v->group) v->group[k] = r->sel.group[i];
  }
  v->pos = pos; /* kept: the cossim lists map the read to the view */
  if (!ok) return 0;
  Pool *pd = &v->pd;
  pd->behavior = v->behavior;
  pd->row_ptr = v->row_ptr;
  pd->cat_names = v->cat_names;
  pd->n_unlabelled = r->n_unlabelled; /* for the messages of too few */
  pd->n_read = r->n_read;
  pd->sel = (SelectPool){
      .n = n,
      .ids = v->ids,
      .dim = r->sel.dim,
      .vec_ptr = r->sel.vec_ptr ? (const float *const *)v->row_ptr : NULL,
      .score_ptr = r->sel.score_ptr ? (const double *const *)v->row_ptr : NULL,
      .norms = r->sel.norms ? v->norms : NULL,
      .n_cat = v->n_cat,
      .cat_start = v->cat_start,
      .cat_member = v->cat_member,
      .group = v->group, /* numbered in the read: only equality counts */
      .n_groups = r->sel.n_groups,
  };
  return 1;
}

/* The read's cossim scores against the reference set, once. */
static int read_scores(SweepViews *vs) {
  if (vs->cos_scores != NULL) return 1;
  SelectPool p = vs->read.sel;
  p.n_cat = vs->ref.n;
  p.cat_start = p.cat_member = NULL;
  p.ref_means = vs->ref.means;
  p.cat_sums = NULL;
  return select_cossim_scores(&p, &vs->cos_scores);
}

/* Turns a view (a copy of the pool view of its mask) into cossim's: the
 * reference categories and, when a combination reads beyond the lists,
 * each example's scores (the reader's when it scored on arrival, else the
 * read's, computed once). */
static int cossim_view(SweepViews *vs, SweepView *v, const SweepView *base) {
  Pool *pd = &v->pd;
  *pd = base->pd;
  pd->cat_names = vs->ref.names;
  pd->sel.n_cat = vs->ref.n;
  pd->sel.cat_start = pd->sel.cat_member = NULL;
  pd->sel.ref_means = vs->ref.means;
  pd->sel.cat_sums = NULL;
  pd->sel.pss_score = pd->sel.pss_proto_norm = NULL;
  pd->sel.pss_top = NULL;
  if (pd->sel.dim == 0) pd->sel.dim = vs->ref.dim; /* a pool with no rows */
  if (pd->sel.score_ptr != NULL || !vs->cossim_matrix) return 1;
  size_t n = pd->sel.n;
  if (!read_scores(vs)) return 0;
  v->score_rows = ss_malloc_array(n ? n : 1, sizeof(double *));
  if (v->score_rows == NULL) return 0;
  for (size_t i = 0; i < n; i++) {
    size_t k = base->in_read ? base->in_read[i] : i;
    v->score_rows[i] = vs->cos_scores + k * vs->ref.n;
  }
  pd->sel.score_ptr = v->score_rows;
  return 1;
}

/* The index of the view (mask, cossim), or SIZE_MAX. */
static size_t view_find(const SweepViews *vs, unsigned mask, int cossim) {
  for (size_t i = 0; i < vs->n_views; i++)
    if (vs->views[i].mask == mask && vs->views[i].cossim == cossim) return i;
  return SIZE_MAX;
}

/* Adds the view (mask, cossim); its index, or SIZE_MAX (out of memory). */
static size_t view_add(SweepViews *vs, unsigned mask, int cossim) {
  size_t base = SIZE_MAX, at = vs->n_views;
  if (cossim && (base = view_find(vs, mask, 0)) == SIZE_MAX &&
      (base = view_add(vs, mask, 0)) == SIZE_MAX)
    return SIZE_MAX;
  at = vs->n_views;
  SweepView *grown = ss_realloc(vs->views, (at + 1) * sizeof *grown);
  if (grown == NULL) return SIZE_MAX;
  vs->views = grown;
  SweepView *v = &grown[at];
  memset(v, 0, sizeof *v);
  v->mask = mask;
  v->cossim = cossim;
  int ok, all = 1;
  for (size_t i = 0; i < vs->read.sel.n && all && !cossim; i++)
    all = behavior_admits(mask, vs->read.behavior[i]);
  if (cossim)
    ok = cossim_view(vs, v, &grown[base]);
  else if (all) { /* every example of the read admitted: the read itself */
    v->pd = vs->read;
    ok = 1;
  } else {
    ok = restrict_view(vs, v);
  }
  if (!ok) {
    view_free(v);
    return SIZE_MAX;
  }
  vs->n_views++;
  return at;
}

int sweep_view_begin_tops(SweepViews *vs, PoolQuery *q) {
  size_t n = vs->n_cossim;
  if (vs->cossim_matrix || n == 0 || n > 32 || vs->ref.n == 0 || vs->cossim_k == 0)
    return 1;
  vs->read_tops = ss_malloc_array(n, sizeof *vs->read_tops);
  if (vs->read_tops == NULL ||
      !select_top_begin(vs->read_tops, n, vs->ref.n, vs->cossim_k)) {
    ss_free(vs->read_tops);
    vs->read_tops = NULL;
    return 0;
  }
  q->tops = vs->read_tops;
  q->top_masks = vs->cossim_masks;
  q->n_tops = n;
  q->top_means = vs->ref.means;
  return 1;
}

/* The lists the read made (sweep_view_begin_tops) as the views' lists;
 * without them (ids out of order), one pass over the read now. */
static int cossim_lists(SweepViews *vs, const SelectPool *read,
                        const size_t **pos, const size_t *view_n) {
  size_t n = vs->n_cossim;
  if (vs->read_tops == NULL || vs->read_tops[0].by_cat == NULL)
    return select_cossim_tops(read, vs->cossim_k, n, pos, view_n, vs->tops);
  memcpy(vs->tops, vs->read_tops, n * sizeof *vs->tops);
  ss_free(vs->read_tops);
  vs->read_tops = NULL;
  int ok = 1;
  for (size_t j = 0; j < n; j++)
    ok = ok && select_top_finish(&vs->tops[j], read, pos[j], view_n[j]);
  for (size_t j = 0; !ok && j < n; j++) select_top_free(&vs->tops[j]);
  return ok;
}

/* The cossim views of every mask in cossim_masks, and their lists in one
 * pass over the read (or made during it).  0: out of memory. */
static int build_cossim(SweepViews *vs) {
  size_t n = vs->n_cossim, *at = ss_malloc_array(n ? n : 1, sizeof(size_t));
  const size_t **pos = ss_malloc_array(n ? n : 1, sizeof *pos);
  size_t *view_n = ss_malloc_array(n ? n : 1, sizeof(size_t));
  vs->tops = ss_malloc_array(n ? n : 1, sizeof *vs->tops);
  int ok = at && pos && view_n && vs->tops;
  if (vs->tops) memset(vs->tops, 0, (n ? n : 1) * sizeof *vs->tops);
  for (size_t j = 0; ok && j < n; j++)
    ok = (at[j] = view_add(vs, vs->cossim_masks[j], 1)) != SIZE_MAX;
  SelectPool read = vs->read.sel; /* the read with the reference categories */
  read.n_cat = vs->ref.n;
  read.cat_start = read.cat_member = NULL;
  read.ref_means = vs->ref.means;
  read.cat_sums = NULL;
  if (ok && read.score_ptr == NULL && vs->cossim_matrix) { /* the matrix's rows */
    vs->read_rows = ss_malloc_array(read.n ? read.n : 1, sizeof(double *));
    ok = vs->read_rows != NULL && read_scores(vs);
    for (size_t i = 0; ok && i < read.n; i++)
      vs->read_rows[i] = vs->cos_scores + i * vs->ref.n;
    read.score_ptr = vs->read_rows;
  }
  for (size_t j = 0; ok && j < n; j++) {
    const SweepView *base = &vs->views[view_find(vs, vs->cossim_masks[j], 0)];
    pos[j] = base->pos;
    view_n[j] = base->pd.sel.n;
  }
  ok = ok && cossim_lists(vs, &read, pos, view_n);
  for (size_t j = 0; ok && j < n; j++) vs->views[at[j]].pd.sel.cossim_top = &vs->tops[j];
  if (!ok) {
    ss_free(vs->tops);
    vs->tops = NULL;
  }
  ss_free(at);
  ss_free(pos);
  ss_free(view_n);
  return ok;
}

SweepView *sweep_view_get(SweepViews *vs, unsigned mask, int cossim) {
  size_t i = view_find(vs, mask, cossim);
  if (i == SIZE_MAX && cossim && vs->tops == NULL) {
    if (!build_cossim(vs)) return NULL;
    i = view_find(vs, mask, cossim);
  }
  if (i == SIZE_MAX && !cossim) i = view_add(vs, mask, 0);
  return i == SIZE_MAX ? NULL : &vs->views[i];
}

int sweep_view_pss(SweepView *v, size_t k) {
  if (v->pss_ready) return 1;
  const SelectPool *p = &v->pd.sel;
  size_t n_mem = p->cat_start ? p->cat_start[p->n_cat] : 0;
  if (v->pss_score == NULL) /* kept from a failed call, not made twice */
    v->pss_score = ss_malloc_array(n_mem ? n_mem : 1, sizeof(double));
  if (v->pss_proto_norm == NULL)
    v->pss_proto_norm = ss_malloc_array(p->n_cat ? p->n_cat : 1, sizeof(double));
  if (k > 0 && v->pss_top == NULL) {
    if ((v->pss_top = ss_malloc(sizeof *v->pss_top)) == NULL) return 0;
    memset(v->pss_top, 0, sizeof *v->pss_top);
  }
  if (v->pss_score == NULL || v->pss_proto_norm == NULL ||
      !select_pss_scores(p, v->pss_score, v->pss_proto_norm) ||
      (k > 0 && !select_pss_top(p, v->pss_score, v->pss_proto_norm, k, v->pss_top)))
    return 0;
  v->pd.sel.pss_score = v->pss_score;
  v->pd.sel.pss_proto_norm = v->pss_proto_norm;
  v->pd.sel.pss_top = v->pss_top;
  v->pss_ready = 1;
  return 1;
}

void sweep_views_free(SweepViews *vs) {
  for (size_t i = 0; i < vs->n_views; i++) view_free(&vs->views[i]);
  for (size_t j = 0; vs->tops && j < vs->n_cossim; j++) select_top_free(&vs->tops[j]);
  for (size_t j = 0; vs->read_tops && j < vs->n_cossim; j++)
    select_top_free(&vs->read_tops[j]);
  ss_free(vs->tops);
  ss_free(vs->read_tops);
  ss_free(vs->cossim_masks);
  ss_free(vs->read_rows);
  ss_free(vs->views);
  ss_free(vs->cos_scores);
  pool_free(&vs->read);
  ref_free(&vs->ref);
  memset(vs, 0, sizeof *vs);
}
