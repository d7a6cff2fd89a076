/*
 * pool.c — building the eligible pool from what the reader collected, the
 * reference means, and freeing both (pool.h).  Every order here is fixed
 * by ids and names only, never by the physical order of the rows.
 */
#include "pool.h"

#include "alloc.h"
#include "vector.h"
#include <stdlib.h>
#include <string.h>

/* ---- sorting helpers ---- */

/* qsort has no context argument: the comparators read these, one per
 * thread so that connections in different threads do not race. */
static _Thread_local const Entry *sort_entries_base;
static int cmp_entry_by_id(const void *a, const void *b) {
  int64_t x = sort_entries_base[*(const size_t *)a].id;
  int64_t y = sort_entries_base[*(const size_t *)b].id;
  return x < y ? -1 : x > y;
}

static _Thread_local char *const *sort_names_base;
static int cmp_name(const void *a, const void *b) {
  return strcmp(sort_names_base[*(const size_t *)a],
                sort_names_base[*(const size_t *)b]);
}

static int cmp_membership(const void *a, const void *b) {
  const Membership *x = a, *y = b;
  if (x->cat != y->cat) return x->cat < y->cat ? -1 : 1;
  return x->example < y->example ? -1 : x->example > y->example;
}

/* Sorts memberships that arrived in example order by category, keeping
 * that order within each (a counting sort: the same order as
 * cmp_membership gives, in linear time).  0 if out of memory. */
static int sort_by_category(Membership **mem, size_t n_mem, size_t n_cat) {
  size_t *start = ss_malloc_array(n_cat + 1, sizeof(size_t));
  Membership *sorted = ss_malloc_array(n_mem, sizeof(Membership));
  if (start == NULL || sorted == NULL) {
    ss_free(start);
    ss_free(sorted);
    return 0;
  }
  memset(start, 0, (n_cat + 1) * sizeof(size_t));
  for (size_t j = 0; j < n_mem; j++) start[(*mem)[j].cat + 1]++;
  for (size_t c = 0; c < n_cat; c++) start[c + 1] += start[c];
  for (size_t j = 0; j < n_mem; j++) sorted[start[(*mem)[j].cat]++] = (*mem)[j];
  ss_free(start);
  ss_free(*mem);
  *mem = sorted;
  return 1;
}

/* Sorts name numbers into name order: rank[old] = new position. */
static int name_order(char *const *names, size_t n, size_t **rank_out) {
  size_t *order = ss_malloc_array(n, sizeof(size_t));
  size_t *rank = ss_malloc_array(n, sizeof(size_t));
  if (order == NULL || rank == NULL) {
    ss_free(order);
    ss_free(rank);
    return 0;
  }
  for (size_t i = 0; i < n; i++) order[i] = i;
  sort_names_base = names;
  qsort(order, n, sizeof *order, cmp_name);
  for (size_t i = 0; i < n; i++) rank[order[i]] = i;
  ss_free(order);
  *rank_out = rank;
  return 1;
}

/* ---- the pool ---- */

/* Eligible examples in id order: the order they became eligible while
 * ids ascended; otherwise sorted, with (*pos)[index] the example number
 * (*pos NULL when ids ascended). */
static int build_examples(const PoolParts *pp, Pool *out, size_t **pos) {
  const Entries *es = &pp->es;
  size_t n = pp->n_eligible, *order = NULL;
  int64_t *ids = ss_malloc_array(n, sizeof(int64_t));
  out->sel.ids = ids;
  out->behavior = ss_malloc_array(n, 1);
  if (!ids || !out->behavior) return 0;
  if (es->indexed) {
    order = ss_malloc_array(n, sizeof(size_t));
    *pos = ss_malloc_array(n, sizeof(size_t));
    if (!order || !*pos) {
      ss_free(order);
      return 0;
    }
    for (size_t e = 0; e < es->n; e++)
      if (es->e[e].index != NONE32) order[es->e[e].index] = e;
    sort_entries_base = es->e;
    qsort(order, n, sizeof *order, cmp_entry_by_id);
    for (size_t i = 0; i < n; i++) (*pos)[es->e[order[i]].index] = i;
    ss_free(order);
  }
  uint32_t *group = NULL;
  if (pp->group_of != NULL) {
    out->sel.group = group = ss_malloc_array(n ? n : 1, sizeof(uint32_t));
    if (group == NULL) return 0;
  }
  for (size_t e = 0; e < es->n; e++) {
    const Entry *en = &es->e[e];
    if (en->index == NONE32) continue;
    size_t i = *pos ? (*pos)[en->index] : en->index;
    ids[i] = en->id;
    out->behavior[i] = en->behavior;
    if (group) group[i] = pp->group_of[en->index];
  }
  return 1;
}

/* Each example's arena row and norm, in example order. */
static int build_rows(PoolParts *pp, int embeddings, const size_t *pos,
                      Pool *out) {
  size_t n = pp->n_eligible;
  double *norms = ss_malloc_array(n, sizeof(double));
  out->sel.norms = norms;
  if (norms == NULL) return 0;
  if (embeddings && pos == NULL && n > 0) {
    /* Already in example order: take the reader's rows, gather the norms. */
    out->row_ptr = pp->row_ptr;
    pp->row_ptr = NULL;
    for (size_t c = 0; c * SLOT_CHUNK < n; c++) {
      size_t rows = n - c * SLOT_CHUNK < SLOT_CHUNK ? n - c * SLOT_CHUNK : SLOT_CHUNK;
      memcpy(norms + c * SLOT_CHUNK, pp->norms.chunk[c], rows * sizeof(double));
    }
    return 1;
  }
  out->row_ptr = ss_malloc_array(n, sizeof(void *));
  if (out->row_ptr == NULL) return 0;
  for (size_t k = 0; k < n; k++) {
    size_t i = pos ? pos[k] : k;
    norms[i] = embeddings
                   ? ((const double *)(void *)pp->norms.chunk[k / SLOT_CHUNK])[k % SLOT_CHUNK]
                   : 0.0;
    out->row_ptr[i] = embeddings ? pp->row_ptr[k] : NULL;
  }
  return 1;
}

/* The prototype sums added on arrival, in name order (rank). */
static int build_sums(const PoolParts *pp, const size_t *rank, Pool *out) {
  size_t dim = pp->dim, n_cat = pp->ns.n, cells;
  double *sums;
  if (!ss_mul_size(n_cat, dim, &cells) ||
      (sums = ss_malloc_array(cells, sizeof(double))) == NULL)
    return 0;
  out->sel.cat_sums = sums;
  for (size_t c = 0; c < n_cat; c++) {
    double *to = sums + rank[c] * dim;
    if (c < pp->cap_sums && pp->sum_of_cat[c] != NULL)
      memcpy(to, pp->sum_of_cat[c], dim * sizeof(double));
    else
      memset(to, 0, dim * sizeof(double));
  }
  return 1;
}

/* Categories in name order, members in id order, without duplicates. */
static int build_categories(PoolParts *pp, int want_sums, const size_t *pos,
                            Pool *out) {
  Names *ns = &pp->ns;
  Membership *mem = pp->mem;
  size_t n_mem = pp->n_mem, *rank = NULL;
  if (!name_order(ns->names, ns->n, &rank)) return 0;
  for (size_t j = 0; j < n_mem; j++) {
    size_t k = pp->es.e[mem[j].example].index;
    mem[j] = (Membership){(uint32_t)rank[mem[j].cat], (uint32_t)(pos ? pos[k] : k)};
  }
  int ok = 1;
  if (n_mem > 0 && pp->es.indexed) /* mem is NULL when no row has a category */
    qsort(mem, n_mem, sizeof *mem, cmp_membership);
  else if (n_mem > 0)
    ok = sort_by_category(&pp->mem, n_mem, ns->n);
  mem = pp->mem;
  size_t *start = ss_malloc_array(ns->n + 1, sizeof(size_t));
  size_t *member = ss_malloc_array(n_mem, sizeof(size_t));
  out->sel.cat_start = start;
  out->sel.cat_member = member;
  out->cat_names = ss_malloc_array(ns->n, sizeof(char *));
  ok = ok && start && member && out->cat_names &&
       (!want_sums || build_sums(pp, rank, out));
  if (ok) {
    for (size_t c = 0; c < ns->n; c++) out->cat_names[rank[c]] = ns->names[c];
    out->sel.n_cat = ns->n;
    ss_free(ns->names);
    ns->names = NULL;
    ns->n = 0;
    size_t m = 0, j = 0;
    for (size_t c = 0; c <= out->sel.n_cat; c++) {
      start[c] = m;
      for (; c < out->sel.n_cat && j < n_mem && mem[j].cat == c; j++)
        if (m == start[c] || member[m - 1] != mem[j].example)
          member[m++] = mem[j].example;
    }
  }
  ss_free(rank);
  return ok;
}

int pool_build(PoolParts *pp, int embeddings, int scoring, Pool *out) {
  size_t *pos = NULL;
  int ok = build_examples(pp, out, &pos) &&
           build_rows(pp, embeddings, pos, out) &&
           build_categories(pp, pp->sums_on && embeddings && pp->dim > 0, pos,
                            out);
  ss_free(pos);
  if (!ok) return 0;
  out->sel.n = pp->n_eligible;
  /* What the messages of too few eligible examples count (pool.h). */
  out->n_read = pp->es.n;
  out->n_unlabelled = 0;
  for (size_t i = 0; i < pp->es.n; i++) out->n_unlabelled += pp->es.e[i].behavior == 0;
  out->sel.dim = pp->dim;
  out->sel.vec_ptr =
      embeddings && !scoring ? (const float *const *)out->row_ptr : NULL;
  out->sel.score_ptr = scoring ? (const double *const *)out->row_ptr : NULL;
  return 1;
}

void pool_parts_free(PoolParts *pp) {
  entries_free(&pp->es);
  names_free(&pp->ns, 0);
  ss_free(pp->row_ptr);
  slots_free(&pp->norms);
  for (size_t c = 0; c < pp->cap_sums; c++) ss_free(pp->sum_of_cat[c]);
  ss_free(pp->sum_of_cat);
  ss_free(pp->mem);
  ss_free(pp->group_of);
  memset(pp, 0, sizeof *pp);
}

/* ---- the reference set (cossim) ---- */

static _Thread_local const float *sort_ref_vectors;
static _Thread_local size_t sort_ref_dim;
static int cmp_ref(const void *a, const void *b) {
  const RefRow *x = a, *y = b;
  if (x->name != y->name) return x->name < y->name ? -1 : 1;
  /* Within a category, by the vector's bytes: the sum then does not
   * depend on the physical order of the reference rows. */
  return memcmp(sort_ref_vectors + x->row * sort_ref_dim,
                sort_ref_vectors + y->row * sort_ref_dim,
                sort_ref_dim * sizeof(float));
}

int pool_reference_means(Names *ns, RefRow *rows, size_t n_rows,
                         const float *vectors, const double *norms,
                         size_t dim, RefSet *out) {
  size_t *rank = NULL, cells;
  if (!ss_mul_size(ns->n, dim, &cells) || !name_order(ns->names, ns->n, &rank))
    return 0;
  for (size_t i = 0; i < n_rows; i++) rows[i].name = rank[rows[i].name];
  sort_ref_vectors = vectors;
  sort_ref_dim = dim;
  qsort(rows, n_rows, sizeof *rows, cmp_ref);
  float *means = ss_malloc_array(cells, sizeof(float));
  char **names = ss_malloc_array(ns->n, sizeof(char *));
  double *sum = ss_malloc_array(dim, sizeof(double));
  if (means == NULL || names == NULL || sum == NULL) {
    ss_free(means);
    ss_free(names);
    ss_free(sum);
    ss_free(rank);
    return 0;
  }
  for (size_t i = 0, c = 0; c < ns->n; c++) {
    size_t count = 0;
    memset(sum, 0, dim * sizeof(double));
    for (; i < n_rows && rows[i].name == c; i++, count++)
      vec_axpy(sum, 1.0 / norms[rows[i].row], vectors + rows[i].row * dim, dim);
    vec_mean_of_sum(means + c * dim, sum, count, dim);
  }
  for (size_t c = 0; c < ns->n; c++) names[rank[c]] = ns->names[c];
  out->names = names;
  out->n = ns->n;
  out->means = means;
  out->dim = dim;
  ss_free(ns->names);
  ns->names = NULL;
  ns->n = 0;
  ss_free(sum);
  ss_free(rank);
  return 1;
}

/* The pool's own categories' names and arrays. */
static void free_categories(Pool *p) {
  for (size_t c = 0; c < p->sel.n_cat; c++) ss_free(p->cat_names[c]);
  ss_free(p->cat_names);
  ss_free((void *)p->sel.cat_start);
  ss_free((void *)p->sel.cat_member);
  ss_free((void *)p->sel.ref_means);
  ss_free((void *)p->sel.cat_sums);
  p->cat_names = NULL;
  p->sel.n_cat = 0;
  p->sel.cat_start = p->sel.cat_member = NULL;
  p->sel.ref_means = NULL;
  p->sel.cat_sums = NULL;
}

void pool_use_reference(Pool *p, RefSet *ref) {
  free_categories(p);
  p->cat_names = ref->names;
  p->sel.n_cat = ref->n;
  p->sel.ref_means = ref->means;
  if (p->sel.dim == 0) p->sel.dim = ref->dim; /* a pool with no rows */
  memset(ref, 0, sizeof *ref);
}

void ref_free(RefSet *ref) {
  for (size_t c = 0; c < ref->n; c++) ss_free(ref->names[c]);
  ss_free(ref->names);
  ss_free(ref->means);
  memset(ref, 0, sizeof *ref);
}

void pool_free(Pool *p) {
  free_categories(p);
  ss_free((void *)p->sel.ids);
  ss_free((void *)p->sel.norms);
  ss_free((void *)p->sel.group);
  ss_free(p->behavior);
  arena_free(&p->arena);
  ss_free(p->row_ptr);
  memset(p, 0, sizeof *p);
}
