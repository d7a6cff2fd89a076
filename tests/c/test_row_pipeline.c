/*
 * test_row_pipeline.c — unit tests of the row worker's pipeline
 * (row_pipeline_* of ext/core/row_worker.h); the single jobs it runs are
 * tested in test_row_batch.c.
 *
 * 10,000 pool-like rows (first rows stored, scored, hashed and summed;
 * repeat rows checked against their stored first row, which only works if
 * the jobs run in row order) through row_pipeline_* with and without a
 * worker thread, batches of 1, 7, 64 and 12,000 rows (also partial batches
 * and a mid-way wait_all flush), dimensions 1, 5 and 384: bit-identical to
 * the reference, collected strictly in row order on the calling thread.  A
 * bad row k is reported by the collect of the batch holding k, nothing
 * after it is collected, and flush keeps returning the collect's code.
 * Freeing with batches in flight, after an error, or never started does
 * not hang or leak (make sanitize runs this under ASan/LSan; it is also
 * clean under clang -fsanitize=thread).
 */
#include "hash.h"
#include "row_worker_fixture.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define N_CAT 4
#define REPEAT_EVERY 5 /* row t is a repeat of row t-1's example when t % 5 == 3 */

/* ---- the pipeline ---- */

/* Pool-like rows: row t is the first row of a new example, or (t % 5 == 3,
 * and the last row) a repeat row of row t-1's example with the same
 * floats. */
typedef struct {
  size_t dim, n;
  float *x;        /* [n * dim] */
  size_t *first;   /* the first row of row t's example */
  size_t *cat;     /* the category sum row t adds to */
  Means m;
} Workload;

static void workload_make(Workload *w, size_t dim, size_t n,
                          unsigned long long seed) {
  w->dim = dim;
  w->n = n;
  w->x = xmalloc(n * dim * sizeof(float));
  w->first = xmalloc(n * sizeof(size_t));
  w->cat = xmalloc(n * sizeof(size_t));
  fill(w->x, n * dim, &seed);
  for (size_t t = 0; t < n; t++) {
    int repeat = t % REPEAT_EVERY == 3 || (t > 0 && t == n - 1);
    w->first[t] = repeat ? w->first[t - 1] : t;
    if (w->first[t] != t)
      memcpy(w->x + t * dim, w->x + w->first[t] * dim, dim * sizeof(float));
    w->cat[t] = (t * 7 + t / 3) % N_CAT;
  }
  means_make(&w->m, dim, K_MEANS, seed + 1);
}

static void workload_free(Workload *w) {
  free(w->x);
  free(w->first);
  free(w->cat);
  means_free(&w->m);
}

/* What a run produces: the targets the jobs write into, and what the
 * collect saw of each job. */
typedef struct {
  float *store;     /* [n * dim]: first rows */
  double *scores;   /* [n * K_MEANS]: first rows */
  double *sums;     /* [N_CAT * dim] */
  double *norm;     /* [n] */
  uint64_t *hash;   /* [n] */
} Outputs;

static void outputs_make(Outputs *o, const Workload *w) {
  o->store = xmalloc(w->n * w->dim * sizeof(float));
  o->scores = xmalloc(w->n * K_MEANS * sizeof(double));
  o->sums = xmalloc(N_CAT * w->dim * sizeof(double));
  o->norm = xmalloc(w->n * sizeof(double));
  o->hash = xmalloc(w->n * sizeof(uint64_t));
  memset(o->store, 0, w->n * w->dim * sizeof(float));
  memset(o->scores, 0, w->n * K_MEANS * sizeof(double));
  memset(o->sums, 0, N_CAT * w->dim * sizeof(double));
  memset(o->norm, 0, w->n * sizeof(double));
  memset(o->hash, 0, w->n * sizeof(uint64_t));
}

static void outputs_free(Outputs *o) {
  free(o->store);
  free(o->scores);
  free(o->sums);
  free(o->norm);
  free(o->hash);
}

/* The reference: each row in order with the kernels of vector.h. */
static void reference(const Workload *w, Outputs *o) {
  size_t dim = w->dim;
  for (size_t t = 0; t < w->n; t++) {
    const float *x = w->x + t * dim;
    o->norm[t] = vec_norm(x, dim);
    o->hash[t] = hash_vector(x, dim);
    if (w->first[t] == t) {
      memcpy(o->store + t * dim, x, dim * sizeof(float));
      for (size_t c = 0; c < K_MEANS; c++)
        o->scores[t * K_MEANS + c] = ref_score(x, w->m.mf, c, dim);
    }
    vec_axpy(o->sums + w->cat[t] * dim, 1.0, x, dim);
  }
}

/* The collect callback's record of a run. */
typedef struct {
  Outputs *o;
  pthread_t reader;
  size_t next;          /* the next row expected */
  size_t calls;
  size_t batch_rows;    /* expected size of every full batch */
  int in_order;         /* rows came consecutively from row 0 */
  int sizes_ok;         /* batches no larger than batch_rows; done == n when good */
  int on_reader;        /* every call on the reader's thread */
  size_t n_fail, fail_row;
  RowJob fail_job;
  size_t fail_batch_first, fail_done;
  int code;             /* returned for a failed job */
  size_t stop_at_call;  /* 1-based call that returns 7 (0 = none) */
} Collector;

static int collect(void *ctx, RowBatch *b, size_t done) {
  Collector *c = ctx;
  c->calls++;
  c->on_reader &= pthread_equal(pthread_self(), c->reader) != 0;
  c->sizes_ok &= b->n >= 1 && b->n <= c->batch_rows && done <= b->n;
  for (size_t j = 0; j < done; j++) {
    const RowJob *job = &b->jobs[j];
    c->in_order &= job->tag == c->next && (int64_t)job->tag == job->id - 1000;
    c->next++;
    if (job->status != ROW_OK) {
      c->n_fail++;
      c->fail_row = job->tag;
      c->fail_job = *job;
      c->fail_batch_first = b->jobs[0].tag;
      c->fail_done = done;
      return c->code;
    }
  }
  c->sizes_ok &= done == b->n;
  if (c->stop_at_call && c->calls == c->stop_at_call) return 7;
  return 0;
}

static void collector_init(Collector *c, Outputs *o, size_t batch_rows) {
  memset(c, 0, sizeof *c);
  c->o = o;
  c->reader = pthread_self();
  c->batch_rows = batch_rows ? batch_rows : 1;
  c->in_order = c->sizes_ok = c->on_reader = 1;
  c->code = 42;
}

/* How a run feeds the pipeline. */
typedef struct {
  size_t batch_rows;
  int threaded;
  size_t partial_every; /* also flush (no wait) after every this many rows */
  size_t wait_at;       /* flush with wait_all after this row (0 = none) */
  size_t stop_rows;     /* add only this many rows (0 = all) */
} Feed;

/* Feeds rows 0..n-1 as the pool reader does (row_pipeline_add; flush when
 * the batch is full; flush with wait_all at the end).  Returns flush's
 * first non-zero code or 0; *pipe_out keeps the pipeline when not NULL
 * (else it is freed).  *adds_ok: add returned a zeroed job, and NULL
 * exactly when batch_rows jobs had been added since the last flush. */
static int feed(const Workload *w, Outputs *o, Collector *c, const Feed *f,
                RowPipeline **pipe_out, int *adds_ok) {
  size_t dim = w->dim, rows = f->stop_rows ? f->stop_rows : w->n;
  size_t cap = f->batch_rows ? f->batch_rows : 1, since = 0;
  RowPipeline *p;
  row_pipeline_start(&p, &w->m.spec, f->batch_rows, f->threaded);
  if (p == NULL) {
    CHECK(0, "row_pipeline_start failed");
    return -1;
  }
  CHECK(row_pipeline_threaded(p) == (f->threaded != 0),
        "row_pipeline_threaded is %d for threaded=%d", row_pipeline_threaded(p),
        f->threaded);
  int rc = 0, ok = 1;
  for (size_t t = 0; t < rows && rc == 0; t++) {
    float *data = NULL;
    RowJob *job = row_pipeline_add(p, &data);
    if (job == NULL) {
      ok &= since == cap;
      rc = row_pipeline_flush(p, 0, collect, c);
      since = 0;
      if (rc) break;
      job = row_pipeline_add(p, &data);
    } else {
      ok &= since < cap;
    }
    if (job == NULL) {
      ok = 0;
      break;
    }
    since++;
    /* a zeroed job, even from a batch slot used before */
    ok &= job->store == NULL && job->same_as == NULL && job->scores == NULL &&
          job->sum == NULL && job->hash == 0 && job->status == 0 &&
          job->norm_out == NULL && job->hash_out == NULL &&
          job->bad_element == 0 &&
          job->tag == 0 && job->id == 0;
    memcpy(data, w->x + t * dim, dim * sizeof(float));
    job->id = 1000 + (int64_t)t;
    job->tag = t;
    job->hash = 1;
    job->norm_out = o->norm + t;
    job->hash_out = o->hash + t;
    job->sum = o->sums + w->cat[t] * dim;
    if (w->first[t] == t) {
      job->store = o->store + t * dim;
      job->scores = o->scores + t * K_MEANS;
    } else {
      job->same_as = o->store + w->first[t] * dim; /* written by an earlier job */
    }
    if (f->partial_every && (t + 1) % f->partial_every == 0) {
      rc = row_pipeline_flush(p, 0, collect, c);
      since = 0;
    }
    if (rc == 0 && f->wait_at && t == f->wait_at) {
      rc = row_pipeline_flush(p, 1, collect, c);
      since = 0;
      ok &= rc != 0 || c->next == t + 1; /* nothing left in flight */
    }
  }
  if (rc == 0) rc = row_pipeline_flush(p, 1, collect, c);
  if (adds_ok) *adds_ok = ok;
  if (pipe_out)
    *pipe_out = p;
  else
    row_pipeline_free(p);
  return rc;
}

static int same_bits(const void *a, const void *b, size_t bytes) {
  return memcmp(a, b, bytes) == 0;
}

/* Threaded and inline runs are the reference bit for bit, in order. */
static void test_pipeline_identical(void) {
  static const size_t dims[] = {1, 5, 384};
  static const Feed feeds[] = {
      {7, 0, 0, 0, 0},  {7, 1, 0, 0, 0},    {64, 0, 0, 0, 0}, {64, 1, 0, 0, 0},
      {1, 1, 0, 0, 0},  {0, 1, 0, 0, 0},    {64, 1, 13, 0, 0}, {7, 1, 0, 5000, 0},
      {64, 0, 13, 5000, 0}, {12000, 1, 0, 0, 0},
  };
  const size_t n = 10000;
  for (size_t di = 0; di < sizeof dims / sizeof *dims; di++) {
    size_t dim = dims[di];
    Workload w;
    workload_make(&w, dim, n, 1000 + dim);
    Outputs ref;
    outputs_make(&ref, &w);
    reference(&w, &ref);
    for (size_t fi = 0; fi < sizeof feeds / sizeof *feeds; fi++) {
      const Feed *f = &feeds[fi];
      /* batches of one row (many hand-overs) and one batch bigger than
       * the pool (8 x 12,000 rows of the ring) only at small dimensions */
      if ((f->batch_rows <= 1 || f->batch_rows > n) && dim == 384) continue;
      Outputs o;
      outputs_make(&o, &w);
      Collector c;
      collector_init(&c, &o, f->batch_rows);
      int adds_ok = 0;
      int rc = feed(&w, &o, &c, f, NULL, &adds_ok);
      char what[96];
      snprintf(what, sizeof what, "dim %zu batch %zu %s partial %zu wait %zu",
               dim, f->batch_rows, f->threaded ? "threaded" : "inline",
               f->partial_every, f->wait_at);
      CHECK(rc == 0 && c.n_fail == 0, "%s: rc %d, %zu failures", what, rc, c.n_fail);
      CHECK(adds_ok, "%s: add gives zeroed jobs and NULL exactly when full", what);
      CHECK(c.in_order && c.next == n, "%s: rows collected in order (%zu of %zu)",
            what, c.next, n);
      CHECK(c.sizes_ok, "%s: batch sizes", what);
      CHECK(c.on_reader, "%s: collect runs on the reader's thread", what);
      size_t cap = f->batch_rows ? f->batch_rows : 1;
      if (!f->partial_every && !f->wait_at)
        CHECK(c.calls == (n + cap - 1) / cap, "%s: %zu collects for %zu batches",
              what, c.calls, (n + cap - 1) / cap);
      CHECK(same_bits(o.norm, ref.norm, n * sizeof(double)), "%s: norms", what);
      CHECK(same_bits(o.hash, ref.hash, n * sizeof(uint64_t)), "%s: hashes", what);
      CHECK(same_bits(o.store, ref.store, n * dim * sizeof(float)), "%s: stores", what);
      CHECK(same_bits(o.scores, ref.scores, n * K_MEANS * sizeof(double)),
            "%s: scores", what);
      CHECK(same_bits(o.sums, ref.sums, N_CAT * dim * sizeof(double)),
            "%s: sums (added in row order)", what);
      outputs_free(&o);
    }
    outputs_free(&ref);
    workload_free(&w);
  }
}

/* A bad row k: reported by the collect of the batch holding it, nothing
 * after it collected, the code returned again by every later flush. */
static void test_pipeline_errors(void) {
  const size_t n = 10000;
  static const size_t sizes[] = {7, 64};
  static const int kinds[] = {ROW_NONFINITE, ROW_ZERO, ROW_DIFFERENT};
  for (size_t di = 0; di < 2; di++) {
    size_t dim = di ? 384 : 5;
    Workload w;
    workload_make(&w, dim, n, 77 + dim);
    Outputs ref;
    outputs_make(&ref, &w);
    reference(&w, &ref);
    float *clean = xmalloc(n * dim * sizeof(float));
    memcpy(clean, w.x, n * dim * sizeof(float));
    for (size_t si = 0; si < 2; si++)
      for (int threaded = 0; threaded < 2; threaded++) {
        size_t br = sizes[si];
        size_t at_list[] = {0, br - 1, br, 3 * br + 2, 8 * br, 9 * br - 1, n / 2, n - 1};
        for (size_t ai = 0; ai < sizeof at_list / sizeof *at_list; ai++)
          for (size_t ki = 0; ki < 3; ki++) {
            if (dim == 384 && ai % 2) continue; /* keep it quick */
            size_t k = at_list[ai];
            if (kinds[ki] == ROW_DIFFERENT) /* a repeat row at or after k */
              while (w.first[k] == k) k++;
            /* bad row k, and later bad rows of other kinds (not reported) */
            float *xk = w.x + k * dim;
            if (kinds[ki] == ROW_NONFINITE) xk[k % dim] = NAN;
            if (kinds[ki] == ROW_ZERO) memset(xk, 0, dim * sizeof(float));
            if (kinds[ki] == ROW_DIFFERENT) xk[dim - 1] = -xk[dim - 1] - 1.0f;
            if (k + 1 < n) w.x[(k + 1) * dim] = INFINITY;
            if (k + 2 * br < n) memset(w.x + (k + 2 * br) * dim, 0, dim * sizeof(float));
            Outputs o;
            outputs_make(&o, &w);
            Collector c;
            collector_init(&c, &o, br);
            RowPipeline *p = NULL;
            Feed f = {br, threaded, 0, 0, 0};
            int rc = feed(&w, &o, &c, &f, &p, NULL);
            char what[96];
            snprintf(what, sizeof what, "dim %zu batch %zu %s, kind %d at row %zu",
                     dim, br, threaded ? "threaded" : "inline", kinds[ki], k);
            CHECK(rc == 42, "%s: flush returned %d, not the collect's 42", what, rc);
            CHECK(c.n_fail == 1 && c.fail_row == k &&
                      c.fail_job.status == kinds[ki] && c.fail_job.id == 1000 + (int64_t)k,
                  "%s: %zu failures, first at row %zu status %d", what, c.n_fail,
                  c.fail_row, c.fail_job.status);
            if (kinds[ki] == ROW_NONFINITE)
              CHECK(c.fail_job.bad_element == (long long)(k % dim) &&
                        c.fail_job.bad_is_nan,
                    "%s: element %lld", what, c.fail_job.bad_element);
            CHECK(c.fail_batch_first == k - k % br && c.fail_done == k % br + 1,
                  "%s: reported by the batch from row %zu with %zu done", what,
                  c.fail_batch_first, c.fail_done);
            CHECK(c.in_order && c.next == k + 1,
                  "%s: rows 0..k collected in order, none after (next %zu)", what,
                  c.next);
            CHECK(same_bits(o.norm, ref.norm, k * sizeof(double)) &&
                      same_bits(o.hash, ref.hash, k * sizeof(uint64_t)),
                  "%s: the rows before k as the reference", what);
            size_t calls = c.calls;
            int again0 = row_pipeline_flush(p, 0, collect, &c);
            int again1 = row_pipeline_flush(p, 1, collect, &c);
            CHECK(again0 == 42 && again1 == 42 && c.calls == calls,
                  "%s: later flushes return %d, %d and collect nothing", what,
                  again0, again1);
            row_pipeline_free(p);
            outputs_free(&o);
            memcpy(w.x, clean, n * dim * sizeof(float));
          }
      }
    free(clean);
    outputs_free(&ref);
    workload_free(&w);
  }
}

/* A collect that stops the pipeline on a good batch (the reader's own
 * reason): nothing more is collected, its code comes back. */
static void test_pipeline_collect_stops(void) {
  Workload w;
  workload_make(&w, 16, 3000, 31);
  for (int threaded = 0; threaded < 2; threaded++) {
    Outputs o;
    outputs_make(&o, &w);
    Collector c;
    collector_init(&c, &o, 10);
    c.stop_at_call = 3;
    RowPipeline *p;
    Feed f = {10, threaded, 0, 0, 0};
    int rc = feed(&w, &o, &c, &f, &p, NULL);
    CHECK(rc == 7 && c.calls == 3 && c.next == 30 && c.in_order,
          "%s: collect's 7 after 3 batches: rc %d, %zu calls, next %zu",
          threaded ? "threaded" : "inline", rc, c.calls, c.next);
    CHECK(row_pipeline_flush(p, 1, collect, &c) == 7 && c.calls == 3,
          "%s: flush keeps returning 7", threaded ? "threaded" : "inline");
    row_pipeline_free(p);
    outputs_free(&o);
  }
  workload_free(&w);
}

/* Freeing never hangs, leaks or leaves the worker writing: with batches
 * in flight, with a batch filled but not handed over, right after start,
 * after an error with later batches still queued, and NULL. */
static void test_pipeline_free(void) {
  const size_t dim = 384, n = 8 * 64 + 20;
  Workload w;
  workload_make(&w, dim, n, 55);
  for (int variant = 0; variant < 4; variant++) {
    Outputs o;
    outputs_make(&o, &w);
    Collector c;
    collector_init(&c, &o, 64);
    RowPipeline *p;
    row_pipeline_start(&p, &w.m.spec, 64, 1);
    if (p == NULL) {
      CHECK(0, "row_pipeline_start failed");
      outputs_free(&o);
      continue;
    }
    size_t rows = variant == 0 ? n : variant == 1 ? 30 : variant == 2 ? 0 : n;
    if (variant == 3) c.stop_at_call = 1; /* stop at the first batch */
    int rc = 0;
    for (size_t t = 0; t < rows && rc == 0; t++) {
      float *data;
      RowJob *job = row_pipeline_add(p, &data);
      if (job == NULL) {
        rc = row_pipeline_flush(p, 0, collect, &c);
        if (rc) break;
        job = row_pipeline_add(p, &data);
      }
      memcpy(data, w.x + t * dim, dim * sizeof(float));
      job->store = o.store + t * dim;
      job->sum = o.sums;
      job->tag = t;
      job->id = 1000 + (int64_t)t;
    }
    /* variant 0: hand the last batch over without waiting */
    if (variant == 0) rc = row_pipeline_flush(p, 0, collect, &c);
    row_pipeline_free(p);
    /* the worker is gone: nothing changes any more */
    float *snap = xmalloc(n * dim * sizeof(float));
    double snap_sum[384];
    memcpy(snap, o.store, n * dim * sizeof(float));
    memcpy(snap_sum, o.sums, sizeof snap_sum);
    nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
    CHECK(memcmp(snap, o.store, n * dim * sizeof(float)) == 0 &&
              memcmp(snap_sum, o.sums, sizeof snap_sum) == 0,
          "variant %d: nothing is written after row_pipeline_free", variant);
    CHECK(variant != 3 || (rc == 7 && c.calls == 1),
          "variant 3: stopped at the first batch (rc %d)", rc);
    free(snap);
    outputs_free(&o);
  }
  row_pipeline_free(NULL);
  /* batches too large to allocate: no pipeline, nothing left behind */
  for (int threaded = 0; threaded < 2; threaded++) {
    RowPipeline *big = (RowPipeline *)&w; /* must be overwritten */
    row_pipeline_start(&big, &w.m.spec, SIZE_MAX / 8, threaded);
    CHECK(big == NULL, "threaded=%d: batches of SIZE_MAX/8 rows fail to start",
          threaded);
  }
  /* inline, a filled batch never flushed */
  RowPipeline *p;
  row_pipeline_start(&p, &w.m.spec, 64, 0);
  float *data;
  CHECK(p != NULL && row_pipeline_add(p, &data) != NULL, "inline pipeline starts");
  row_pipeline_free(p);
  workload_free(&w);
}

int main(void) {
  test_pipeline_identical();
  test_pipeline_errors();
  test_pipeline_collect_stops();
  test_pipeline_free();
  return CHECK_SUMMARY();
}
