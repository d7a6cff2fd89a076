/*
 * scores.c — the score and sum code of the methods, each written once:
 * the prototype of a category (select_prototype), the pss member scores
 * (cosine to the category prototype, the prototype from sums added in id
 * order) and the cossim scores (score_cossim; the row worker makes the
 * same bits in the pass of a row's norm, vec_dot_many_self, when the pool
 * reader scores rows on arrival).  Every reduction
 * runs in a fixed order, so the same bits on every machine and thread
 * count.
 */
#include "select_impl.h"

#include "alloc.h"
#include "scores.h"
#include "vector.h"
#include <pthread.h>
#include <string.h>

void score_cossim(const float *x, double norm, const double *means, size_t k,
                  size_t dim, double *out) {
  vec_dot_many_bytes(x, means, k, dim, out);
  for (size_t c = 0; c < k; c++) out[c] /= norm;
}

int select_prototype(const SelectPool *p, const size_t *members, size_t m,
                     float *proto) {
  if (m == 0) { /* no members: the zero vector, which callers skip */
    memset(proto, 0, p->dim * sizeof(float));
    return 1;
  }
  double *sum = ss_malloc_array(p->dim, sizeof(double));
  if (sum == NULL) return 0;
  memset(sum, 0, p->dim * sizeof(double));
  for (size_t j = 0; j < m; j++)
    prototype_sum_add(sum, select_vec(p, members[j]), p->dim);
  core_tick((uint64_t)m * p->dim);
  vec_mean_of_sum(proto, sum, m, p->dim);
  ss_free(sum);
  return 1;
}

/* Inverse membership: for example i, the memberships j of cat_member
 * that name it are pos[first[i] .. first[i+1]), and cat_of[j] is j's
 * category.  The arrays are freed by members_free. */
typedef struct {
  size_t *first, *pos, *cat_of;
} Members;

static void members_free(Members *m) {
  ss_free(m->first);
  ss_free(m->pos);
  ss_free(m->cat_of);
}

static int members_build(const SelectPool *p, Members *m) {
  size_t n_mem = p->cat_start[p->n_cat];
  m->first = ss_malloc_array(p->n + 1, sizeof(size_t));
  m->pos = ss_malloc_array(n_mem, sizeof(size_t));
  m->cat_of = ss_malloc_array(n_mem, sizeof(size_t));
  if (!m->first || !m->pos || !m->cat_of) return 0;
  memset(m->first, 0, (p->n + 1) * sizeof(size_t));
  for (size_t c = 0; c < p->n_cat; c++)
    for (size_t j = p->cat_start[c]; j < p->cat_start[c + 1]; j++) {
      m->first[p->cat_member[j] + 1]++;
      m->cat_of[j] = c;
    }
  for (size_t i = 0; i < p->n; i++) m->first[i + 1] += m->first[i];
  for (size_t j = 0; j < n_mem; j++) m->pos[m->first[p->cat_member[j]]++] = j;
  for (size_t i = p->n; i > 0; i--) m->first[i] = m->first[i - 1];
  m->first[0] = 0;
  return 1;
}

/* Scores of the examples i0..i1-1: for each of its memberships j, the
 * cosine to j's category prototype; or, with sums, the prototype sums of
 * categories c0..c1-1 from those examples' members.  The examples are
 * visited in id order, which is the order the arena was filled in (one
 * sequential read); every score depends only on its own example and
 * prototype and every sum is added in id order, so spans (of examples for
 * scores, of categories for sums) can run on any thread. */
typedef struct {
  const SelectPool *p;
  const Members *m;
  const float *protos;
  const double *proto_norm;
  double *score;
  double *sums; /* set: add the sums of categories c0..c1-1 instead */
  size_t c0, c1, i0, i1;
} MemberSpan;

static void *member_span(void *arg) {
  const MemberSpan *sp = arg;
  const SelectPool *p = sp->p;
  for (size_t i = sp->i0; i < sp->i1; i++)
    for (size_t q = sp->m->first[i]; q < sp->m->first[i + 1]; q++) {
      size_t j = sp->m->pos[q], c = sp->m->cat_of[j];
      if (sp->sums != NULL) {
        if (c >= sp->c0 && c < sp->c1)
          prototype_sum_add(sp->sums + c * p->dim, select_vec(p, i), p->dim);
      } else if (sp->proto_norm[c] > 0.0) {
        sp->score[j] = vec_cosine_with_norms(select_vec(p, i), sp->protos + c * p->dim,
                                             p->dim, p->norms[i], sp->proto_norm[c]);
      }
    }
  return NULL;
}

/* select.h: work (memberships or rows x dimensions) from which the scores
 * and sums are computed on two threads: below it starting a thread costs
 * more than it saves. */
size_t select_thread_work = (size_t)1 << 22;

/* Runs fn(first) here and fn(second) on a second thread when two is set
 * and a thread can be started, else fn(all): the caller splits the work
 * so that either way gives the same bits. */
static void run_split(void *(*fn)(void *), void *all, void *first,
                      void *second, int two) {
  pthread_t t;
  if (two && pthread_create(&t, NULL, fn, second) == 0) {
    fn(first);
    pthread_join(t, NULL);
  } else {
    fn(all);
  }
}

/* Computes every membership's score, on two threads (halves of the
 * examples) when there is enough work; the same scores either way. */
static void score_members(const SelectPool *p, const Members *m,
                          const float *protos, const double *proto_norm,
                          double *score) {
  MemberSpan all = {p, m, protos, proto_norm, score, NULL, 0, 0, 0, p->n};
  MemberSpan first = all, second = all;
  size_t n_mem = p->cat_start[p->n_cat];
  first.i1 = second.i0 = p->n / 2;
  run_split(member_span, &all, &first, &second,
            p->n >= 2 && n_mem * p->dim >= select_thread_work);
}

/* Examples summed between two stop checks. */
#define SUM_BLOCK ((size_t)16384)

/* Every category's sum of member vectors in id order, a block of examples
 * at a time (the stop check between blocks); with enough work, the
 * categories in two sets of about equal membership, one on a second
 * thread.  0 when stopped. */
static int sum_members(const SelectPool *p, const Members *m, double *sums) {
  size_t n_mem = p->cat_start[p->n_cat], c_mid = 0;
  while (c_mid < p->n_cat && 2 * p->cat_start[c_mid + 1] <= n_mem) c_mid++;
  int two = p->n_cat > 1 && n_mem * p->dim >= select_thread_work;
  for (size_t i0 = 0; i0 < p->n; i0 += SUM_BLOCK) {
    size_t i1 = p->n - i0 < SUM_BLOCK ? p->n : i0 + SUM_BLOCK;
    if (core_tick((uint64_t)(m->first[i1] - m->first[i0]) * p->dim + (i1 - i0)))
      return 0;
    MemberSpan all = {p, m, NULL, NULL, NULL, sums, 0, p->n_cat, i0, i1};
    MemberSpan first = all, second = all;
    first.c1 = second.c0 = c_mid;
    run_split(member_span, &all, &first, &second, two);
  }
  return 1;
}

/*
 * Member scores of every category: score[j] = cosine of example
 * cat_member[j] to its category's prototype.  The prototype sums come from
 * the pool reader (p->cat_sums, added as the rows arrived in id order) or
 * are added here in one pass over the examples in id order instead of one
 * strided pass per category; each category adds its members in id order,
 * so the sums are the same bits either way.  proto_norm[c] is 0 for a
 * category whose prototype is the zero vector (its scores are then left
 * unset).
 */
/* select.h: above this many cells the prototypes are made one category at
 * a time (pss_scores_by_category): 12 bytes a cell for the sums and
 * prototypes of every category at once grow with the number of categories
 * (one per example at 20,000 x 384 was 90 MB more). */
size_t select_one_pass_cells = (size_t)1 << 19;

/* The scores of pss_member_scores, one category at a time: its sum (the
 * pool reader's, or its members added in id order, as the one pass adds
 * them), its prototype, its members' cosines.  O(dim) memory. */
static int pss_scores_by_category(const SelectPool *p, double *score,
                                  double *proto_norm) {
  size_t dim = p->dim;
  double *sum = ss_malloc_array(dim, sizeof(double));
  float *proto = ss_malloc_array(dim, sizeof(float));
  int ok = sum != NULL && proto != NULL;
  for (size_t c = 0; ok && c < p->n_cat; c++) {
    size_t j0 = p->cat_start[c], j1 = p->cat_start[c + 1];
    if (core_tick((uint64_t)(j1 - j0) * dim * 2 + 1)) break;
    const double *s = p->cat_sums ? p->cat_sums + c * dim : sum;
    if (p->cat_sums == NULL) {
      memset(sum, 0, dim * sizeof(double));
      for (size_t j = j0; j < j1; j++)
        prototype_sum_add(sum, select_vec(p, p->cat_member[j]), dim);
    }
    if (j1 > j0)
      vec_mean_of_sum(proto, s, j1 - j0, dim);
    else
      memset(proto, 0, dim * sizeof(float));
    proto_norm[c] = vec_norm(proto, dim);
    for (size_t j = j0; j < j1 && proto_norm[c] > 0.0; j++) {
      size_t i = p->cat_member[j];
      score[j] = vec_cosine_with_norms(select_vec(p, i), proto, dim,
                                       p->norms[i], proto_norm[c]);
    }
  }
  ss_free(sum);
  ss_free(proto);
  return ok && !core_stopped();
}

int pss_member_scores(const SelectPool *p, double *score,
                             double *proto_norm) {
  if (p->n_cat * p->dim > select_one_pass_cells)
    return pss_scores_by_category(p, score, proto_norm);
  int ok = 0;
  Members m = {0};
  double *sums = NULL;
  float *protos = NULL;
  size_t cells;
  if (!ss_mul_size(p->n_cat ? p->n_cat : 1, p->dim, &cells)) goto cleanup;
  protos = ss_malloc_array(cells, sizeof(float));
  if (protos == NULL || !members_build(p, &m)) goto cleanup;
  const double *sum_of = p->cat_sums;
  if (sum_of == NULL) {
    if ((sums = ss_malloc_array(cells, sizeof(double))) == NULL) goto cleanup;
    memset(sums, 0, cells * sizeof(double));
    if (!sum_members(p, &m, sums)) goto cleanup;
    sum_of = sums;
  }
  for (size_t c = 0; c < p->n_cat; c++) {
    size_t k = p->cat_start[c + 1] - p->cat_start[c];
    if (k > 0)
      vec_mean_of_sum(protos + c * p->dim, sum_of + c * p->dim, k, p->dim);
    else
      memset(protos + c * p->dim, 0, p->dim * sizeof(float));
    proto_norm[c] = vec_norm(protos + c * p->dim, p->dim);
  }
  score_members(p, &m, protos, proto_norm, score);
  core_tick((uint64_t)p->cat_start[p->n_cat] * p->dim);
  ok = 1;
cleanup:
  members_free(&m);
  ss_free(sums);
  ss_free(protos);
  return ok;
}

int select_pss_scores(const SelectPool *pool, double *score, double *proto_norm) {
  return pss_member_scores(pool, score, proto_norm);
}

/* Work (multiply-adds) cossim_scores does between two stop checks: a
 * block of at least two rows (so that both threads have one). */
#define SCORE_BLOCK_WORK ((size_t)1 << 23)

/* The cossim scores of examples i0..i1-1 into rows (each depends on its
 * own example only, so spans may run on any thread). */
typedef struct {
  const SelectPool *p;
  const double *means;
  double *rows;
  size_t i0, i1;
} CossimSpan;

static void *cossim_span(void *arg) {
  const CossimSpan *sp = arg;
  const SelectPool *p = sp->p;
  for (size_t i = sp->i0; i < sp->i1; i++)
    score_cossim(select_vec(p, i), p->norms[i], sp->means, p->n_cat, p->dim,
                 sp->rows + (i - sp->i0) * p->n_cat);
  return NULL;
}

void cossim_score_rows(const SelectPool *p, const double *means, size_t i0,
                       size_t i1, double *rows) {
  CossimSpan all = {p, means, rows, i0, i1}, first = all, second = all;
  size_t mid = i0 + (i1 - i0) / 2, work;
  first.i1 = second.i0 = mid;
  second.rows = rows + (mid - i0) * p->n_cat;
  run_split(cossim_span, &all, &first, &second,
            i1 - i0 >= 2 && ss_mul_size(i1 - i0, p->n_cat * p->dim, &work) &&
                work >= select_thread_work);
}

/* cossim scores: cossim_row(p, *flat, i)[c] = x̂_i · mean of unit refs of
 * c.  When the pool reader already scored them (p->score_ptr) *flat stays
 * NULL; otherwise they are computed into *flat (free it).  0 when out of
 * memory. */
int cossim_scores(const SelectPool *p, double **flat) {
  size_t cells;
  *flat = NULL;
  if (p->score_ptr != NULL) return 1;
  size_t mean_cells;
  if (!ss_mul_size(p->n, p->n_cat, &cells) ||
      !ss_mul_size(p->n_cat, p->dim, &mean_cells))
    return 0;
  double *scores = ss_malloc_array(cells, sizeof(double));
  double *means = vec_widen(p->ref_means, mean_cells);
  if (scores == NULL || means == NULL) {
    ss_free(scores);
    ss_free(means);
    return 0;
  }
  /* In blocks, so that the stop check (this thread's) runs between them. */
  size_t block = SCORE_BLOCK_WORK / (p->n_cat * p->dim + 1);
  if (block < 2) block = 2;
  for (size_t i0 = 0; i0 < p->n && !core_stopped(); i0 += block) {
    size_t i1 = p->n - i0 < block ? p->n : i0 + block;
    cossim_score_rows(p, means, i0, i1, scores + i0 * p->n_cat);
    core_tick((uint64_t)(i1 - i0) * (p->n_cat * p->dim + 1));
  }
  ss_free(means);
  if (core_stopped()) { /* rows left unscored */
    ss_free(scores);
    return 0;
  }
  *flat = scores;
  return 1;
}

int select_cossim_scores(const SelectPool *pool, double **flat) {
  SelectPool p = *pool;
  p.score_ptr = NULL; /* computed here, whatever the reader did */
  return cossim_scores(&p, flat);
}
