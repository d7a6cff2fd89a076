/*
 * test_stats.c — unit tests of the report's embedding statistics
 * (core/stats.c) and the contrast anchors (core/contrast.c), each against
 * a brute force written here on random pools: prototype cosines (rows of
 * unknown or no category left out), pairwise cosines, the coverage
 * radius, a zero prototype, no rows; anchors in rank order and the
 * selected candidates excluded.
 */
#include "check.h"
#include "labels.h"
#include "select.h"
#include "stats.h"
#include "vector.h"
#include "random_pool.h"

#include <stdlib.h>
#include <string.h>

static double brute_cos(const float *a, const float *b, size_t dim) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t d = 0; d < dim; d++) {
    ab += (double)a[d] * b[d];
    aa += (double)a[d] * a[d];
    bb += (double)b[d] * b[d];
  }
  return ab / (sqrt(aa) * sqrt(bb));
}

/* The float32 mean of category c's members; returns 0 for a zero vector. */
static int brute_proto(const RandomPool *t, size_t dim, size_t c, float *out) {
  double sum[RANDOM_POOL_MAX_DIM] = {0};
  size_t m = t->cat_start[c + 1] - t->cat_start[c];
  int nonzero = 0;
  for (size_t j = t->cat_start[c]; j < t->cat_start[c + 1]; j++)
    for (size_t d = 0; d < dim; d++)
      sum[d] += t->vec[t->vec_row[t->cat_member[j]] * dim + d];
  for (size_t d = 0; d < dim; d++) {
    out[d] = m ? (float)(sum[d] / (double)m) : 0.0f;
    nonzero |= out[d] != 0;
  }
  return nonzero;
}

static void test_stats_against_brute_force(void) {
  static RandomPool t;
  char *names[RANDOM_POOL_MAX_CAT];
  char name_buf[RANDOM_POOL_MAX_CAT][16];
  for (int c = 0; c < RANDOM_POOL_MAX_CAT; c++) {
    snprintf(name_buf[c], sizeof name_buf[c], "c%d", c);
    names[c] = name_buf[c];
  }
  for (unsigned long long seed = 1; seed <= 12; seed++) {
    size_t n = 20 + seed * 17, dim = 3 + seed % 7, n_cat = 1 + seed % 5;
    make_random_pool(&t, n, dim, n_cat, seed, 1, 5, 3);
    StatsCategories cats = {n_cat, names, t.cat_start, t.cat_member};
    StatsRow rows[40];
    size_t n_rows = 5 + seed * 2;
    unsigned long long s = seed * 77;
    for (size_t i = 0; i < n_rows; i++) {
      size_t e = (size_t)(test_rand(&s) % n);
      unsigned long long pick = test_rand(&s) % (n_cat + 2);
      rows[i] = (StatsRow){t.vec + t.vec_row[e] * dim, t.norms[e],
                           pick < n_cat ? names[pick]
                           : pick == n_cat ? "not-a-pool-category"
                                           : NULL};
    }
    EmbeddingStats st;
    CHECK(embedding_stats(&t.p, &cats, rows, n_rows, &st), "stats computed");
    /* brute force */
    double psum = 0, pair_sum = 0, pair_min = 2, radius = -1;
    size_t prows = 0, pairs = 0;
    for (size_t i = 0; i < n_rows; i++) {
      float proto[RANDOM_POOL_MAX_DIM];
      for (size_t c = 0; c < n_cat; c++)
        if (rows[i].category && strcmp(rows[i].category, names[c]) == 0 &&
            brute_proto(&t, dim, c, proto)) {
          psum += brute_cos(rows[i].vec, proto, dim);
          prows++;
        }
      for (size_t j = i + 1; j < n_rows; j++) {
        double c = brute_cos(rows[i].vec, rows[j].vec, dim);
        pair_sum += c;
        if (c < pair_min) pair_min = c;
        pairs++;
      }
    }
    for (size_t e = 0; e < n; e++) {
      double best = -2;
      for (size_t i = 0; i < n_rows; i++) {
        double c = brute_cos(t.vec + t.vec_row[e] * dim, rows[i].vec, dim);
        if (c > best) best = c;
      }
      if (1 - best > radius) radius = 1 - best;
    }
    CHECK(st.prototype_rows == prows, "seed %llu: prototype rows %zu, want %zu",
          seed, st.prototype_rows, prows);
    if (prows) CHECK_NEAR(st.mean_prototype, psum / (double)prows, 1e-9, "mean prototype cosine");
    CHECK(st.pairs == pairs, "seed %llu: %zu pairs, want %zu", seed, st.pairs, pairs);
    CHECK_NEAR(st.mean_pairwise, pair_sum / (double)pairs, 1e-9, "mean pairwise cosine");
    CHECK_NEAR(st.min_pairwise, pair_min, 1e-9, "min pairwise cosine");
    CHECK_NEAR(st.coverage_radius, radius, 1e-9, "coverage radius");
  }
}

/* A category whose members cancel out has no prototype; no rows, no
 * pairs and no radius. */
static void test_stats_edges(void) {
  static const float vec[] = {1, 0, -1, 0, 0, 1};
  static const size_t vec_row[] = {0, 1, 2};
  static const double norms[] = {1, 1, 1};
  static const int64_t ids[] = {1, 2, 3};
  static const size_t start[] = {0, 2, 3}, member[] = {0, 1, 2};
  char a[] = "a", b[] = "b";
  char *names[] = {a, b};
  SelectPool p = {.n = 3, .ids = ids, .dim = 2, .vectors = vec,
                  .vec_row = vec_row, .norms = norms};
  StatsCategories cats = {2, names, start, member};
  StatsRow rows[] = {{vec, 1, "a"}, {vec + 4, 1, "b"}};
  EmbeddingStats st;
  CHECK(embedding_stats(&p, &cats, rows, 2, &st), "stats computed");
  CHECK(st.prototype_rows == 1 && st.mean_prototype == 1,
        "the zero prototype of a is skipped, b's row matches its prototype: "
        "%zu rows, mean %g", st.prototype_rows, st.mean_prototype);
  CHECK(st.pairs == 1 && st.mean_pairwise == 0 && st.min_pairwise == 0,
        "one orthogonal pair");
  CHECK(st.coverage_radius == 1, "example 2 is orthogonal to both rows: %g",
        st.coverage_radius);
  CHECK(embedding_stats(&p, &cats, rows, 0, &st), "no rows computed");
  CHECK(st.prototype_rows == 0 && st.pairs == 0 && st.coverage_radius == -1,
        "no rows: nothing counted, no radius");
}

static void test_contrast_anchors(void) {
  static RandomPool t, c;
  for (unsigned long long seed = 1; seed <= 10; seed++) {
    size_t n = 30 + seed * 9, dim = 4;
    make_random_pool(&t, n, dim, 2, seed, 0, 1, 1);
    unsigned char behavior[RANDOM_POOL_MAX_N];
    unsigned long long s = seed;
    for (size_t i = 0; i < n; i++) behavior[i] = (unsigned char)(test_rand(&s) % 5);
    /* the candidates: every third id of the pool, shifted by one */
    make_random_pool(&c, n / 3, dim, 1, seed + 100, 0, 2, 3);
    SelectRow rows[60];
    size_t n_rows = 10 + seed;
    for (size_t r = 0; r < n_rows; r++)
      rows[r] = (SelectRow){.example = (size_t)(test_rand(&s) % n), .category = -1};
    const float *avec[60];
    double anorm[60];
    unsigned char excluded[RANDOM_POOL_MAX_N];
    size_t k = contrast_anchors(&t.p, behavior, rows, n_rows, &c.p, avec, anorm,
                                excluded);
    size_t want = 0;
    int ok = 1;
    for (size_t r = 0; r < n_rows; r++) {
      size_t e = rows[r].example;
      if (behavior[e] != BEHAVIOR_T1) continue;
      ok &= want < k && avec[want] == t.vec + t.vec_row[e] * dim &&
            anorm[want] == t.norms[e];
      want++;
    }
    CHECK(ok && k == want, "seed %llu: %zu anchors in rank order, want %zu",
          seed, k, want);
    size_t n_excluded = 0;
    for (size_t i = 0; i < c.p.n; i++) {
      int chosen = 0;
      for (size_t r = 0; r < n_rows; r++) chosen |= t.ids[rows[r].example] == c.ids[i];
      ok &= excluded[i] == chosen;
      n_excluded += chosen;
    }
    CHECK(ok, "seed %llu: the selected candidates are excluded (%zu)", seed,
          n_excluded);
  }
}

int main(void) {
  test_stats_against_brute_force();
  test_stats_edges();
  test_contrast_anchors();
  return CHECK_SUMMARY();
}
