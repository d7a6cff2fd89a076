/*
 * test_row_batch.c — unit tests of the pool reader's row worker
 * (ext/core/row_worker.[ch]), one job at a time: row_batch_run's store /
 * same_as / scores / sum / hash results against plain vec_dot / vec_norm /
 * vec_axpy computations, the failures (NaN, +inf, -inf, zero,
 * ROW_DIFFERENT) in the order the reader checks them, that a batch stops
 * after its first failed job, and the row hash.  The pipeline that runs
 * such batches on a second thread: test_row_pipeline.c.
 */
#include "hash.h"
#include "row_worker_fixture.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* ---- single jobs ---- */

/* A batch of n jobs over rows of dim floats (owned by the test). */
typedef struct {
  RowBatch b;
  RowJob jobs[8];
  float *data;
  double norm[8];   /* where tb_run points jobs without a norm_out */
  uint64_t hash[8]; /* ... and without a hash_out */
} TestBatch;

static void tb_init(TestBatch *t, size_t dim, size_t n) {
  memset(t->jobs, 0, sizeof t->jobs);
  memset(t->norm, 0, sizeof t->norm);
  memset(t->hash, 0, sizeof t->hash);
  t->data = xmalloc(8 * dim * sizeof(float));
  memset(t->data, 0, 8 * dim * sizeof(float));
  t->b = (RowBatch){.jobs = t->jobs, .data = t->data, .n = n, .cap = 8};
}

/* row_batch_run, with jobs that name no norm_out or hash_out pointed at
 * t->norm[j] and t->hash[j]. */
static size_t tb_run(const RowSpec *spec, TestBatch *t) {
  for (size_t j = 0; j < t->b.n; j++) {
    if (t->jobs[j].norm_out == NULL) t->jobs[j].norm_out = &t->norm[j];
    if (t->jobs[j].hash_out == NULL) t->jobs[j].hash_out = &t->hash[j];
  }
  return row_batch_run(spec, &t->b);
}

/* The means (seeded with mean_seed) and a batch of n jobs for dim. */
static void jobs_setup(Means *m, TestBatch *t, size_t dim, size_t n,
                       unsigned long long mean_seed) {
  means_make(m, dim, K_MEANS, mean_seed);
  tb_init(t, dim, n);
}

/* Every result of good jobs against the reference, dimension by dimension. */
static void test_good_jobs(void) {
  static const size_t dims[] = {1, 2, 3, 7, 8, 9, 31, 32, 33, 100, 384, 1000};
  unsigned long long seed = 7;
  for (size_t di = 0; di < sizeof dims / sizeof *dims; di++) {
    size_t dim = dims[di];
    Means m;
    TestBatch t;
    jobs_setup(&m, &t, dim, 4, 100 + dim);
    float *x = t.data, *x2 = t.data + dim, *x3 = t.data + 2 * dim,
          *x4 = t.data + 3 * dim;
    fill(x, dim, &seed);
    memcpy(x2, x, dim * sizeof(float)); /* a repeat row of job 0 */
    fill(x3, dim, &seed);
    fill(x4, dim, &seed);
    /* store with a canary after it; sums that start non-zero */
    /* store: malloc's 16-byte alignment (the non-temporal copy where dim
     * is a multiple of 4); store2 + 1: misaligned (memcpy).  Canaries
     * around both. */
    float *store = xmalloc((dim + 1) * sizeof(float));
    float *store2 = xmalloc((dim + 2) * sizeof(float));
    for (size_t i = 0; i <= dim; i++) store[i] = -12345.0f;
    for (size_t i = 0; i <= dim + 1; i++) store2[i] = -12345.0f;
    double scores[K_MEANS + 1], sum_a[1000], sum_b[1000], want_a[1000],
        want_b[1000];
    scores[K_MEANS] = -777.0;
    for (size_t i = 0; i < dim; i++) {
      sum_a[i] = want_a[i] = test_uniform(&seed) * 1e3;
      sum_b[i] = want_b[i] = test_uniform(&seed);
    }
    t.jobs[0] = (RowJob){.store = store, .scores = scores, .sum = sum_a,
                         .hash = 1, .id = 11, .tag = 5};
    t.jobs[1] = (RowJob){.same_as = store, .sum = sum_b, .hash = 1, .id = 11};
    t.jobs[2] = (RowJob){.id = 12};
    t.jobs[3] = (RowJob){.store = store2 + 1, .sum = sum_a, .id = 13};
    size_t done = tb_run(&m.spec, &t);
    vec_axpy(want_a, 1.0, x, dim);
    vec_axpy(want_b, 1.0, x2, dim);
    vec_axpy(want_a, 1.0, x4, dim);

    CHECK(done == 4, "dim %zu: 4 good jobs, %zu done", dim, done);
    int ok = 1;
    for (size_t j = 0; j < 4; j++) ok &= t.jobs[j].status == ROW_OK;
    CHECK(ok, "dim %zu: every good job ROW_OK", dim);
    /* norm: bit for bit vec_norm, and the plain long-double sum */
    ok = 1;
    for (size_t j = 0; j < 4; j++) {
      const float *xj = t.data + j * dim;
      long double s = 0;
      for (size_t i = 0; i < dim; i++) s += (long double)xj[i] * xj[i];
      ok &= t.norm[j] == vec_norm(xj, dim);
      ok &= fabs(t.norm[j] - sqrt((double)s)) <= 1e-13 * sqrt((double)s);
    }
    CHECK(ok, "dim %zu: norms are vec_norm bit for bit", dim);
    CHECK(memcmp(store, x, dim * sizeof(float)) == 0 && store[dim] == -12345.0f,
          "dim %zu: store copies exactly dim floats", dim);
    CHECK(memcmp(store2 + 1, x4, dim * sizeof(float)) == 0 &&
              store2[0] == -12345.0f && store2[dim + 1] == -12345.0f,
          "dim %zu: a misaligned store copies exactly dim floats", dim);
    ok = scores[K_MEANS] == -777.0;
    for (size_t c = 0; c < K_MEANS; c++) {
      long double d = 0, xx = 0;
      for (size_t i = 0; i < dim; i++) {
        d += (long double)x[i] * m.mf[c * dim + i];
        xx += (long double)x[i] * x[i];
      }
      double plain = (double)(d / sqrtl(xx));
      ok &= scores[c] == ref_score(x, m.mf, c, dim);
      ok &= fabs(scores[c] - plain) <= 1e-12 * (1 + fabs(plain)) * sqrt((double)dim);
    }
    CHECK(ok, "dim %zu: scores are x.m_c/|x| (vec_dot/vec_norm bit for bit)", dim);
    CHECK(memcmp(sum_a, want_a, dim * sizeof(double)) == 0,
          "dim %zu: sum of jobs 0 and 3 is vec_axpy(1.0) bit for bit", dim);
    CHECK(memcmp(sum_b, want_b, dim * sizeof(double)) == 0,
          "dim %zu: a repeat row adds to its own sum", dim);
    CHECK(t.hash[0] == hash_vector(x, dim) &&
              t.hash[1] == t.hash[0],
          "dim %zu: hash of a row and of its repeat", dim);
    CHECK(t.hash[2] == 0 && t.hash[3] == 0,
          "dim %zu: no hash unless asked", dim);
    CHECK(t.jobs[0].id == 11 && t.jobs[0].tag == 5 && t.jobs[1].id == 11,
          "dim %zu: id and tag are left alone", dim);
    free(store);
    free(store2);
    free(t.data);
    means_free(&m);
  }
}

/* norm_out and hash_out receive the norm and hash; a repeat row with
 * same_hash passes when the hash matches the first row's (written by an
 * earlier job of the same batch) and fails ROW_DIFFERENT otherwise, after
 * the norm was written and before its sum is added. */
static void test_outputs_and_same_hash(void) {
  static const size_t dims[] = {1, 5, 8, 384};
  unsigned long long seed = 99;
  for (size_t di = 0; di < sizeof dims / sizeof *dims; di++) {
    size_t dim = dims[di];
    Means m;
    TestBatch t;
    jobs_setup(&m, &t, dim, 4, 300 + dim);
    float *x = t.data, *x2 = t.data + dim, *x3 = t.data + 2 * dim;
    fill(x, dim, &seed);
    memcpy(x2, x, dim * sizeof(float)); /* job 1 repeats job 0 */
    memcpy(x3, x, dim * sizeof(float));
    x3[dim - 1] = -x3[dim - 1] + 0.5f; /* job 2 differs in its last float */
    double norms[3] = {-1, -1, -1}, scores[K_MEANS], sum[1000] = {0};
    uint64_t hash0 = 0, hash_unused = 12345;
    t.jobs[0] = (RowJob){.scores = scores, .hash = 1, .norm_out = &norms[0],
                         .hash_out = &hash0, .id = 1};
    t.jobs[1] = (RowJob){.hash = 1, .same_hash = &hash0, .norm_out = &norms[1],
                         .id = 1};
    t.jobs[2] = (RowJob){.hash = 1, .same_hash = &hash0, .norm_out = &norms[2],
                         .hash_out = &hash_unused, .sum = sum, .id = 1};
    double norm_after = -1;
    t.jobs[3] = (RowJob){.norm_out = &norm_after, .id = 2}; /* a good row */
    size_t done = tb_run(&m.spec, &t);
    CHECK(done == 3 && norm_after == -1,
          "dim %zu: the batch stops at the differing row (%zu of 4 done)", dim, done);
    CHECK(t.jobs[0].status == ROW_OK && t.jobs[1].status == ROW_OK,
          "dim %zu: a repeat row with the first row's hash is ROW_OK", dim);
    CHECK(t.jobs[2].status == ROW_DIFFERENT,
          "dim %zu: a repeat row with another hash is ROW_DIFFERENT", dim);
    CHECK(hash0 == hash_vector(x, dim),
          "dim %zu: hash_out receives the row's hash", dim);
    CHECK(norms[0] == vec_norm(x, dim) && norms[1] == norms[0] &&
              norms[2] == vec_norm(x3, dim),
          "dim %zu: norm_out receives the norm, of a failing repeat row too", dim);
    CHECK(hash_unused == hash_vector(x3, dim),
          "dim %zu: hash_out is written before the comparison", dim);
    /* The sum is added in the pass of the norm, before the comparison: a
     * differing row has added itself (its read fails and frees the sums). */
    int added = 1;
    for (size_t i = 0; i < dim; i++) added &= sum[i] == (double)x3[i];
    CHECK(added, "dim %zu: a differing row's sum holds the row (added with its norm)", dim);
    free(t.data);
    means_free(&m);
  }
}

/* Inputs that must fail, and the first failure wins within a row. */
static void test_bad_jobs(void) {
  const size_t dim = 9;
  Means m;
  means_make(&m, dim, K_MEANS, 3);
  unsigned long long seed = 11;
  float good[9], stored[9];
  fill(good, dim, &seed);
  memcpy(stored, good, sizeof good);
  const float fnan = NAN, finf = INFINITY;
  struct {
    const char *what;
    size_t at[2];
    float val[2];   /* set good[at[i]] = val[i] (at = 99: unused) */
    int zero;       /* start from the zero vector (1) or -0.0 (2) */
    int same_as;    /* compare with stored */
    int status;
    long long bad;
    int is_nan;
  } cases[] = {
      {"NaN at 0", {0, 99}, {fnan, 0}, 0, 0, ROW_NONFINITE, 0, 1},
      {"NaN at 4", {4, 99}, {fnan, 0}, 0, 0, ROW_NONFINITE, 4, 1},
      {"NaN at last", {8, 99}, {fnan, 0}, 0, 0, ROW_NONFINITE, 8, 1},
      {"+inf", {3, 99}, {finf, 0}, 0, 0, ROW_NONFINITE, 3, 0},
      {"-inf", {6, 99}, {-finf, 0}, 0, 0, ROW_NONFINITE, 6, 0},
      {"+inf before NaN", {2, 5}, {finf, fnan}, 0, 0, ROW_NONFINITE, 2, 0},
      {"NaN before -inf", {5, 7}, {fnan, -finf}, 0, 0, ROW_NONFINITE, 5, 1},
      {"-inf and +inf", {1, 2}, {-finf, finf}, 0, 0, ROW_NONFINITE, 1, 0},
      {"NaN in a zero vector", {4, 99}, {fnan, 0}, 1, 0, ROW_NONFINITE, 4, 1},
      {"zero vector", {99, 99}, {0, 0}, 1, 0, ROW_ZERO, 0, 0},
      {"-0.0 vector", {99, 99}, {0, 0}, 2, 0, ROW_ZERO, 0, 0},
      {"zero vector with same_as", {99, 99}, {0, 0}, 1, 1, ROW_ZERO, 0, 0},
      {"NaN with same_as", {0, 99}, {fnan, 0}, 0, 1, ROW_NONFINITE, 0, 1},
      {"one ulp off its stored row", {99, 99}, {0, 0}, 0, 1, ROW_DIFFERENT, 0, 0},
      {"0.0 vs -0.0 (bytes differ)", {3, 99}, {0, 0}, 0, 1, ROW_DIFFERENT, 0, 0},
  };
  for (size_t ci = 0; ci < sizeof cases / sizeof *cases; ci++) {
    TestBatch t;
    tb_init(&t, dim, 1);
    float *x = t.data;
    memcpy(x, good, sizeof good);
    memcpy(stored, good, sizeof good);
    if (cases[ci].zero)
      for (size_t i = 0; i < dim; i++) x[i] = cases[ci].zero == 2 ? -0.0f : 0.0f;
    for (int a = 0; a < 2; a++)
      if (cases[ci].at[a] < dim) x[cases[ci].at[a]] = cases[ci].val[a];
    if (strcmp(cases[ci].what, "one ulp off its stored row") == 0)
      x[8] = nextafterf(x[8], 100.0f);
    if (strncmp(cases[ci].what, "0.0 vs", 6) == 0) {
      x[3] = -0.0f;
      stored[3] = 0.0f;
    }
    float store[9];
    double sum[9] = {0}, scores[K_MEANS] = {0};
    for (size_t i = 0; i < dim; i++) store[i] = 42.0f;
    t.jobs[0] = (RowJob){.store = cases[ci].same_as ? NULL : store,
                         .same_as = cases[ci].same_as ? stored : NULL,
                         .scores = scores, .sum = sum, .hash = 1};
    size_t done = tb_run(&m.spec, &t);
    const RowJob *j = &t.jobs[0];
    CHECK(done == 1 && j->status == cases[ci].status,
          "%s: status %d (want %d), done %zu", cases[ci].what, j->status,
          cases[ci].status, done);
    if (cases[ci].status == ROW_NONFINITE)
      CHECK(j->bad_element == cases[ci].bad && j->bad_is_nan == cases[ci].is_nan,
            "%s: bad_element %lld is_nan %d (want %lld %d)", cases[ci].what,
            j->bad_element, j->bad_is_nan, cases[ci].bad, cases[ci].is_nan);
    int untouched = t.hash[0] == 0;
    for (size_t i = 0; i < dim; i++) untouched &= store[i] == 42.0f;
    /* (its sum and scores may hold the row's share: made in the pass of the
     * norm; the read fails and frees them) */
    CHECK(untouched, "%s: a failed job stores and hashes nothing",
          cases[ci].what);
    free(t.data);
  }

  /* Tiny and huge finite vectors are not zero and not infinite. */
  for (int big = 0; big < 2; big++) {
    size_t d = 384;
    Means m2;
    means_make(&m2, d, 1, 9);
    TestBatch t;
    tb_init(&t, d, 1);
    for (size_t i = 0; i < d; i++)
      t.data[i] = big ? (i % 2 ? -FLT_MAX : FLT_MAX) : (i == 200 ? FLT_TRUE_MIN : 0.0f);
    double score;
    t.jobs[0] = (RowJob){.scores = &score};
    size_t done = tb_run(&m2.spec, &t);
    CHECK(done == 1 && t.jobs[0].status == ROW_OK && t.norm[0] > 0 &&
              isfinite(t.norm[0]) &&
              t.norm[0] == vec_norm(t.data, d) &&
              score == ref_score(t.data, m2.mf, 0, d),
          "%s vector: ROW_OK, norm %.17g", big ? "FLT_MAX" : "one-denormal",
          t.norm[0]);
    free(t.data);
    means_free(&m2);
  }
  means_free(&m);
}

/* row_batch_run stops after the first failed job: the rest are not run. */
static void test_batch_stops(void) {
  const size_t dim = 6, n = 7;
  Means m;
  means_make(&m, dim, K_MEANS, 5);
  unsigned long long seed = 99;
  for (int kind = 0; kind < 3; kind++)
    for (size_t at = 0; at < n; at++) {
      TestBatch t;
      tb_init(&t, dim, n);
      fill(t.data, n * dim, &seed);
      float stores[7][6], first[6];
      double sum[6] = {0};
      memcpy(first, t.data, sizeof first);
      for (size_t j = 0; j < n; j++) {
        for (size_t i = 0; i < dim; i++) stores[j][i] = 42.0f;
        t.jobs[j] = (RowJob){.store = stores[j], .sum = sum, .hash = 1,
                             .status = 77};
        t.norm[j] = -1.0;
      }
      float *xa = t.data + at * dim;
      if (kind == 0) xa[at % dim] = NAN;
      if (kind == 1) memset(xa, 0, dim * sizeof(float));
      if (kind == 2) { /* a repeat row that differs from job 0's copy */
        t.jobs[at].store = NULL;
        t.jobs[at].same_as = first;
        xa[0] = first[0] + 1.0f;
      }
      /* The sum of the jobs up to the failed one, which added itself in
       * the pass of its norm (its read fails and frees the sums). */
      double want[6] = {0};
      for (size_t j = 0; j <= at; j++) vec_axpy(want, 1.0, t.data + j * dim, dim);
      size_t done = tb_run(&m.spec, &t);
      static const int st[3] = {ROW_NONFINITE, ROW_ZERO, ROW_DIFFERENT};
      CHECK(done == at + 1 && t.jobs[at].status == st[kind],
            "kind %d bad at %zu: done %zu status %d", kind, at, done,
            t.jobs[at].status);
      int ok = 1;
      for (size_t j = 0; j < at; j++)
        ok &= t.jobs[j].status == ROW_OK &&
              memcmp(stores[j], t.data + j * dim, sizeof stores[j]) == 0;
      for (size_t j = at + 1; j < n; j++) {
        ok &= t.jobs[j].status == 77 && t.norm[j] == -1.0 &&
              t.hash[j] == 0;
        for (size_t i = 0; i < dim; i++) ok &= stores[j][i] == 42.0f;
      }
      ok &= memcmp(sum, want, sizeof sum) == 0;
      CHECK(ok, "kind %d bad at %zu: jobs before it done, none after it",
            kind, at);
      free(t.data);
    }
  TestBatch t;
  tb_init(&t, dim, 0);
  CHECK(tb_run(&m.spec, &t) == 0, "an empty batch does nothing");
  free(t.data);
  means_free(&m);
}

/* Every bit of every byte of the row feeds the hash; so does its length. */
static void test_hash(void) {
  unsigned long long seed = 5;
  float v[41], w[41];
  int ok = 1, lengths = 1;
  for (size_t n = 1; n <= 40; n++) {
    fill(v, n + 1, &seed);
    uint64_t h = hash_vector(v, n);
    ok &= h == hash_vector(v, n);
    for (size_t byte = 0; byte < 4 * n; byte++)
      for (int bit = 0; bit < 8; bit++) {
        memcpy(w, v, sizeof v);
        ((unsigned char *)w)[byte] ^= (unsigned char)(1u << bit);
        ok &= hash_vector(w, n) != h;
      }
    float z[41] = {0};
    lengths &= hash_vector(z, n) != hash_vector(z, n + 1);
    memcpy(w, v, sizeof v);
    w[n] = 0.0f;
    lengths &= hash_vector(w, n) != hash_vector(w, n + 1);
  }
  CHECK(ok, "a one-bit change anywhere in rows of 1..40 floats changes the hash");
  CHECK(lengths, "a row and the same row with a zero appended hash apart");
}

int main(void) {
  test_good_jobs();
  test_outputs_and_same_hash();
  test_bad_jobs();
  test_batch_stops();
  test_hash();
  return CHECK_SUMMARY();
}
