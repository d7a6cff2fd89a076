/*
 * fuzz_select.c — select_run (random, sss, pss, cossim) on small pools
 * built from the input: up to 32 examples with ascending ids, dimension
 * 1..8 with small integer-valued elements (so scores tie often), up to 5
 * categories with any membership, any seed, budget and fill.
 *
 * Invariants: the result is deterministic; examples are distinct and in
 * range; with a random or score fill exactly min(n, examples) rows come
 * back; category rows precede fill rows, each category takes at most its
 * quota k = max(1, n div categories) and (sss, pss) only its own members;
 * pss and cossim scores are in [-1, 1] (the reference means are means of
 * unit vectors), best first, ties by the tie key then id; pss
 * fails only for a category whose prototype really is the zero vector.
 */
#include "fuzz.h"
#include "select.h"
#include "tie.h"
#include "vector.h"

#include <math.h>
#include <string.h>

#define MAX_EX 32
#define MAX_DIM 8
#define MAX_CAT 5

/* One case: the pool's arrays and the call's arguments, read from the input. */
typedef struct {
  int64_t ids[MAX_EX];
  float vectors[MAX_EX * MAX_DIM], ref_means[MAX_CAT * MAX_DIM];
  size_t vec_row[MAX_EX], cat_start[MAX_CAT + 1], cat_member[MAX_CAT * MAX_EX];
  double norms[MAX_EX];
  uint8_t member_bits[MAX_EX];
  SelectMethod method;
  SelectFill fill;
  size_t n_ex, dim, n_cat, n;
  uint64_t seed;
} Case;

/* The method, fill, sizes, budget and seed. */
static void read_arguments(FuzzReader *r, Case *k) {
  uint8_t hdr = fuzz_u8(r);
  k->method = (SelectMethod)(hdr % 4);
  k->fill = (SelectFill)((hdr / 4) % 3);
  if (k->method != METHOD_COSSIM && k->fill == SELECT_FILL_SCORE)
    k->fill = SELECT_FILL_RANDOM; /* options reject "score" elsewhere */
  k->n_ex = 1 + fuzz_u8(r) % MAX_EX;
  k->dim = 1 + fuzz_u8(r) % MAX_DIM;
  k->n_cat = fuzz_u8(r) % (MAX_CAT + 1);
  if (k->method == METHOD_COSSIM && k->n_cat == 0) k->n_cat = 1; /* needs a reference */
  k->n = 1 + fuzz_u8(r) % (k->n_ex + 2);
  k->seed = 0;
  for (int i = 0; i < 8; i++) k->seed = k->seed << 8 | fuzz_u8(r);
}

/* The examples (ascending ids, non-zero vectors, membership bits), the
 * category member lists and the reference means. */
static void read_pool(FuzzReader *r, Case *k) {
  size_t dim = k->dim;
  int64_t id = (int8_t)fuzz_u8(r) * 1000LL;
  for (size_t i = 0; i < k->n_ex; i++) {
    id += 1 + fuzz_u8(r) % 3;
    k->ids[i] = id;
    k->vec_row[i] = i;
    float *v = k->vectors + i * dim;
    for (size_t d = 0; d < dim; d++) v[d] = (float)(int8_t)fuzz_u8(r) / 8.0f;
    k->norms[i] = vec_norm(v, dim);
    if (k->norms[i] == 0) { /* the pool reader rejects zero vectors */
      v[0] = 1;
      k->norms[i] = 1;
    }
    k->member_bits[i] = fuzz_u8(r);
  }
  size_t n_mem = 0;
  for (size_t c = 0; c < k->n_cat; c++) {
    k->cat_start[c] = n_mem;
    for (size_t i = 0; i < k->n_ex; i++)
      if (k->member_bits[i] >> c & 1) k->cat_member[n_mem++] = i;
  }
  k->cat_start[k->n_cat] = n_mem;
  /* A mean of unit vectors has norm <= 1: a direction times a length. */
  for (size_t c = 0; c < k->n_cat; c++) {
    float *m = k->ref_means + c * dim;
    for (size_t d = 0; d < dim; d++) m[d] = (float)(int8_t)fuzz_u8(r);
    double len = vec_norm(m, dim), scale = fuzz_u8(r) / 255.0;
    for (size_t d = 0; d < dim; d++)
      m[d] = len > 0 ? (float)(m[d] / len * scale) : 0.0f;
  }
}

/* A zero-prototype failure is pss's, for a non-empty category whose
 * prototype really is the zero vector. */
static void check_zero_prototype(const Case *k, const SelectPool *pool,
                                 size_t bad) {
  float proto[MAX_DIM];
  FUZZ_CHECK(k->method == METHOD_PSS && bad < k->n_cat, "zero prototype from %d",
             k->method);
  size_t m = k->cat_start[bad + 1] - k->cat_start[bad];
  FUZZ_CHECK(m > 0 && select_prototype(pool, k->cat_member + k->cat_start[bad],
                                       m, proto),
             "empty category %zu reported", bad);
  FUZZ_CHECK(vec_norm(proto, k->dim) == 0,
             "category %zu has a non-zero prototype", bad);
}

/* Two runs gave the same rows. */
static void check_same(const SelectResult *res, const SelectResult *again) {
  FUZZ_CHECK(again->n_rows == res->n_rows, "not deterministic: %zu vs %zu rows",
             res->n_rows, again->n_rows);
  for (size_t j = 0; j < res->n_rows; j++) {
    const SelectRow *a = &res->rows[j], *b = &again->rows[j];
    FUZZ_CHECK(a->example == b->example && a->category == b->category &&
                   a->stage == b->stage && a->has_score == b->has_score &&
                   (!a->has_score || a->score == b->score),
               "row %zu differs between two runs", j);
  }
}

/* Row j's score: none for random, sss and fill rows (but cossim's fill);
 * in [-1, 1]; best first within a block, ties by the smaller tie key
 * (tie.h), then the smaller example. */
static void check_score(const Case *k, const SelectResult *res, size_t j) {
  const SelectRow *row = &res->rows[j];
  SelectMethod method = k->method;
  if (method == METHOD_RANDOM || method == METHOD_SSS || row->stage == STAGE_FILL)
    FUZZ_CHECK(method == METHOD_COSSIM || !row->has_score,
               "row %zu has a score", j);
  if (row->has_score) {
    FUZZ_CHECK(row->score >= -1 - 1e-6 && row->score <= 1 + 1e-6,
               "row %zu: score %.17g", j, row->score);
    FUZZ_CHECK(!isnan(row->score), "row %zu: NaN score", j);
  }
  if (j > 0 && row->has_score && res->rows[j - 1].has_score &&
      res->rows[j - 1].stage == row->stage &&
      (row->stage == STAGE_FILL || res->rows[j - 1].category == row->category)) {
    const SelectRow *prev = &res->rows[j - 1];
    uint64_t mixed = tie_seed(k->seed);
    uint64_t kp = tie_key(k->ids[prev->example], mixed),
             kr = tie_key(k->ids[row->example], mixed);
    FUZZ_CHECK(prev->score > row->score ||
                   (prev->score == row->score &&
                    (kp < kr || (kp == kr && prev->example < row->example))),
               "rows %zu and %zu out of order", j - 1, j);
  }
}

/* The row count, distinct examples in range, category rows before fill
 * rows, at most k per category and (sss, pss) only its members. */
static void check_rows(const Case *k, const SelectResult *res) {
  SelectMethod method = k->method;
  size_t n = k->n, want = n < k->n_ex ? n : k->n_ex;
  FUZZ_CHECK(res->n_rows <= want, "%zu rows for n %zu", res->n_rows, want);
  if (k->fill != SELECT_FILL_NONE || method == METHOD_RANDOM)
    FUZZ_CHECK(res->n_rows == want, "%zu rows, wanted %zu", res->n_rows, want);

  size_t used = 0; /* categories with members (sss, pss) or all (cossim) */
  for (size_t c = 0; c < k->n_cat; c++)
    used += method == METHOD_COSSIM || k->cat_start[c + 1] > k->cat_start[c];
  size_t quota = used ? n / used : n;
  if (quota < 1) quota = 1;
  unsigned char seen[MAX_EX] = {0};
  size_t per_cat[MAX_CAT] = {0};
  int in_fill = 0;
  for (size_t j = 0; j < res->n_rows; j++) {
    const SelectRow *row = &res->rows[j];
    FUZZ_CHECK(row->example < k->n_ex && !seen[row->example],
               "row %zu: example %zu out of range or repeated", j, row->example);
    seen[row->example] = 1;
    if (row->stage == STAGE_FILL) {
      in_fill = 1;
    } else {
      FUZZ_CHECK(row->stage == STAGE_CATEGORY && !in_fill && method != METHOD_RANDOM,
                 "row %zu: category row after the fill", j);
      FUZZ_CHECK(row->category >= 0 && (size_t)row->category < k->n_cat,
                 "row %zu: category %ld", j, row->category);
      size_t c = (size_t)row->category;
      FUZZ_CHECK(++per_cat[c] <= quota, "category %zu took more than k = %zu", c,
                 quota);
      if (method != METHOD_COSSIM)
        FUZZ_CHECK(k->member_bits[row->example] >> c & 1,
                   "row %zu: example %zu is not a member of category %zu", j,
                   row->example, c);
    }
    check_score(k, res, j);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzReader r = {data, size};
  static Case k;
  memset(&k, 0, sizeof k);
  read_arguments(&r, &k);
  read_pool(&r, &k);

  SelectPool pool = {.n = k.n_ex, .ids = k.ids, .dim = k.dim, .vectors = k.vectors,
                     .vec_row = k.vec_row, .norms = k.norms, .n_cat = k.n_cat,
                     .cat_start = k.cat_start, .cat_member = k.cat_member,
                     .ref_means = k.ref_means};
  SelectResult res, again;
  size_t bad = (size_t)-1, bad2 = (size_t)-1;
  int rc = select_run(&pool, k.method, k.n, k.fill, k.seed, &res, &bad);
  if (rc == SELECT_ENOMEM) return 0;
  int rc2 = select_run(&pool, k.method, k.n, k.fill, k.seed, &again, &bad2);
  FUZZ_CHECK(rc2 == rc && bad2 == bad, "not deterministic: rc %d vs %d", rc,
             rc2);
  if (rc == SELECT_EZERO_PROTOTYPE) {
    check_zero_prototype(&k, &pool, bad);
    return 0;
  }
  FUZZ_CHECK(rc == SELECT_OK, "rc %d", rc);
  check_same(&res, &again);
  select_result_free(&again);
  check_rows(&k, &res);
  select_result_free(&res);
  return 0;
}
