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
#include "alloc.h"
#include "fuzz.h"
#include "select.h"
#include "vector.h"

#include <math.h>

#define MAX_EX 32
#define MAX_DIM 8
#define MAX_CAT 5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzReader r = {data, size};
  int64_t ids[MAX_EX];
  float vectors[MAX_EX * MAX_DIM], ref_means[MAX_CAT * MAX_DIM];
  float proto[MAX_DIM];
  size_t vec_row[MAX_EX], cat_start[MAX_CAT + 1], cat_member[MAX_CAT * MAX_EX];
  double norms[MAX_EX];
  uint8_t member_bits[MAX_EX];

  uint8_t hdr = fuzz_u8(&r);
  SelectMethod method = (SelectMethod)(hdr % 4);
  SelectFill fill = (SelectFill)((hdr / 4) % 3);
  if (method != METHOD_COSSIM && fill == SELECT_FILL_SCORE)
    fill = SELECT_FILL_RANDOM; /* options reject "score" elsewhere */
  size_t n_ex = 1 + fuzz_u8(&r) % MAX_EX;
  size_t dim = 1 + fuzz_u8(&r) % MAX_DIM;
  size_t n_cat = fuzz_u8(&r) % (MAX_CAT + 1);
  if (method == METHOD_COSSIM && n_cat == 0) n_cat = 1; /* needs a reference */
  size_t n = 1 + fuzz_u8(&r) % (n_ex + 2);
  uint64_t seed = 0;
  for (int i = 0; i < 8; i++) seed = seed << 8 | fuzz_u8(&r);

  int64_t id = (int8_t)fuzz_u8(&r) * 1000LL;
  for (size_t i = 0; i < n_ex; i++) {
    id += 1 + fuzz_u8(&r) % 3;
    ids[i] = id;
    vec_row[i] = i;
    float *v = vectors + i * dim;
    for (size_t d = 0; d < dim; d++) v[d] = (float)(int8_t)fuzz_u8(&r) / 8.0f;
    norms[i] = vec_norm(v, dim);
    if (norms[i] == 0) { /* the pool reader rejects zero vectors */
      v[0] = 1;
      norms[i] = 1;
    }
    member_bits[i] = fuzz_u8(&r);
  }
  size_t n_mem = 0;
  for (size_t c = 0; c < n_cat; c++) {
    cat_start[c] = n_mem;
    for (size_t i = 0; i < n_ex; i++)
      if (member_bits[i] >> c & 1) cat_member[n_mem++] = i;
  }
  cat_start[n_cat] = n_mem;
  /* A mean of unit vectors has norm <= 1: a direction times a length. */
  for (size_t c = 0; c < n_cat; c++) {
    float *m = ref_means + c * dim;
    for (size_t d = 0; d < dim; d++) m[d] = (float)(int8_t)fuzz_u8(&r);
    double len = vec_norm(m, dim), scale = fuzz_u8(&r) / 255.0;
    for (size_t d = 0; d < dim; d++)
      m[d] = len > 0 ? (float)(m[d] / len * scale) : 0.0f;
  }

  SelectPool pool = {n_ex, ids, dim, vectors, vec_row, norms,
                     n_cat, cat_start, cat_member, ref_means, NULL, NULL, NULL,
                     NULL, 0};
  SelectResult res, again;
  size_t bad = (size_t)-1, bad2 = (size_t)-1;
  int rc = select_run(&pool, method, n, fill, seed, &res, &bad);
  if (rc == SELECT_ENOMEM) return 0;
  int rc2 = select_run(&pool, method, n, fill, seed, &again, &bad2);
  FUZZ_CHECK(rc2 == rc && bad2 == bad, "not deterministic: rc %d vs %d", rc,
             rc2);
  if (rc == SELECT_EZERO_PROTOTYPE) {
    FUZZ_CHECK(method == METHOD_PSS && bad < n_cat, "zero prototype from %d",
               method);
    size_t m = cat_start[bad + 1] - cat_start[bad];
    FUZZ_CHECK(m > 0 && select_prototype(&pool, cat_member + cat_start[bad], m,
                                         proto),
               "empty category %zu reported", bad);
    FUZZ_CHECK(vec_norm(proto, dim) == 0, "category %zu has a non-zero prototype",
               bad);
    return 0;
  }
  FUZZ_CHECK(rc == SELECT_OK, "rc %d", rc);
  FUZZ_CHECK(again.n_rows == res.n_rows, "not deterministic: %zu vs %zu rows",
             res.n_rows, again.n_rows);
  for (size_t j = 0; j < res.n_rows; j++) {
    const SelectRow *a = &res.rows[j], *b = &again.rows[j];
    FUZZ_CHECK(a->example == b->example && a->category == b->category &&
                   a->stage == b->stage && a->has_score == b->has_score &&
                   (!a->has_score || a->score == b->score),
               "row %zu differs between two runs", j);
  }
  select_result_free(&again);

  uint64_t *key = tie_keys(ids, n_ex, seed); /* NULL: out of memory */
  size_t want = n < n_ex ? n : n_ex;
  FUZZ_CHECK(res.n_rows <= want, "%zu rows for n %zu", res.n_rows, want);
  if (fill != SELECT_FILL_NONE || method == METHOD_RANDOM)
    FUZZ_CHECK(res.n_rows == want, "%zu rows, wanted %zu", res.n_rows, want);

  size_t used = 0; /* categories with members (sss, pss) or all (cossim) */
  for (size_t c = 0; c < n_cat; c++)
    used += method == METHOD_COSSIM || cat_start[c + 1] > cat_start[c];
  size_t k = used ? n / used : n;
  if (k < 1) k = 1;
  unsigned char seen[MAX_EX] = {0};
  size_t per_cat[MAX_CAT] = {0};
  int in_fill = 0;
  for (size_t j = 0; j < res.n_rows; j++) {
    const SelectRow *row = &res.rows[j];
    FUZZ_CHECK(row->example < n_ex && !seen[row->example],
               "row %zu: example %zu out of range or repeated", j,
               row->example);
    seen[row->example] = 1;
    if (row->stage == STAGE_FILL) {
      in_fill = 1;
    } else {
      FUZZ_CHECK(row->stage == STAGE_CATEGORY && !in_fill && method != METHOD_RANDOM,
                 "row %zu: category row after the fill", j);
      FUZZ_CHECK(row->category >= 0 && (size_t)row->category < n_cat,
                 "row %zu: category %ld", j, row->category);
      size_t c = (size_t)row->category;
      FUZZ_CHECK(++per_cat[c] <= k, "category %zu took more than k = %zu", c, k);
      if (method != METHOD_COSSIM)
        FUZZ_CHECK(member_bits[row->example] >> c & 1,
                   "row %zu: example %zu is not a member of category %zu", j,
                   row->example, c);
    }
    if (method == METHOD_RANDOM || method == METHOD_SSS || row->stage == STAGE_FILL)
      FUZZ_CHECK(method == METHOD_COSSIM || !row->has_score,
                 "row %zu has a score", j);
    if (row->has_score) {
      FUZZ_CHECK(row->score >= -1 - 1e-6 && row->score <= 1 + 1e-6,
                 "row %zu: score %.17g", j, row->score);
      FUZZ_CHECK(!isnan(row->score), "row %zu: NaN score", j);
    }
    /* best first within a category block, ties by the smaller tie key,
     * then the smaller example */
    if (j > 0 && row->has_score && res.rows[j - 1].has_score &&
        res.rows[j - 1].stage == row->stage &&
        (row->stage == STAGE_FILL || res.rows[j - 1].category == row->category)) {
      const SelectRow *prev = &res.rows[j - 1];
      uint64_t kp = key ? key[prev->example] : 0, kr = key ? key[row->example] : 0;
      FUZZ_CHECK(prev->score > row->score ||
                     (prev->score == row->score &&
                      (kp < kr || (kp == kr && prev->example < row->example))),
                 "rows %zu and %zu out of order", j - 1, j);
    }
  }
  ss_free(key);
  select_result_free(&res);
  return 0;
}
