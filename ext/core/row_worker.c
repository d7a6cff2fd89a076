/*
 * row_worker.c — the pool reader's per-row embedding work and the
 * two-batch pipeline that runs it beside the reading thread.  See
 * row_worker.h.
 */
#define _DEFAULT_SOURCE /* madvise() */
#include "row_worker.h"

#include "alloc.h"
#include "hash.h"
#include "scores.h"
#include "select.h"
#include "vector.h"
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <immintrin.h>
#define ROW_STREAM_STORES 1
#endif

#ifdef ROW_STREAM_STORES
/* 32-byte non-temporal stores, on a machine with AVX: half the
 * instructions of the 16-byte loop for each row the reader copies. */
__attribute__((target("avx"))) static void copy_stream_avx(float *dst, const float *f,
                                                           size_t n) {
  for (size_t i = 0; i < n; i += 8) _mm256_stream_ps(dst + i, _mm256_loadu_ps(f + i));
}

/* 1 when the machine has AVX.  No cache of our own: libgcc's constructor
 * fills the CPU model before any call, so the test is one load of its
 * table, and nothing is written that two threads could race on. */
static int have_avx(void) { return __builtin_cpu_supports("avx") != 0; }
#endif

int row_copy_stream(float *dst, const void *src, size_t n) {
#ifdef ROW_STREAM_STORES
  if ((uintptr_t)dst % 32 == 0 && n % 8 == 0 && have_avx()) {
    copy_stream_avx(dst, src, n);
    return 1;
  }
  if ((uintptr_t)dst % 16 == 0 && n % 4 == 0) {
    const float *f = src;
    for (size_t i = 0; i < n; i += 4) _mm_stream_ps(dst + i, _mm_loadu_ps(f + i));
    return 1;
  }
#endif
  memcpy(dst, src, n * sizeof(float));
  return 0;
}

/* Makes non-temporal stores of this thread visible before what follows. */
static void stream_fence(void) {
#ifdef ROW_STREAM_STORES
  _mm_sfence();
#endif
}

/*
 * One job.  The checks come in the order the one-thread reader made them:
 * finiteness (first bad element), then zero, then agreement with the
 * stored row.  x.x is finite and positive exactly when every element is
 * finite and one is non-zero (float32 squares cannot overflow a double),
 * so the element scan runs only for a bad row.  The norm is
 * sqrt(vec_dot(x, x)), bit for bit vec_norm(x).
 */
void row_prefault(void *p, size_t bytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) return;
  uintptr_t mask = (uintptr_t)page - 1;
  uintptr_t lo = ((uintptr_t)p + mask) & ~mask;
  uintptr_t hi = ((uintptr_t)p + bytes) & ~mask;
  if (hi > lo) (void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#else
  (void)p;
  (void)bytes;
#endif
}

/* Offers a row's cossim scores to the lists of the views its job names
 * (in row order: the lists come out as select_cossim_tops makes them);
 * without the job's own scores, top_row holds the row's dots with the
 * lists' means (run_job), made scores here as score_cossim makes them. */
static void offer_tops(const RowSpec *s, const RowJob *job, double norm) {
  const double *row = job->scores;
  if (row == NULL) {
    for (size_t c = 0; c < s->top_cats; c++) s->top_row[c] /= norm;
    row = s->top_row;
  }
  for (size_t v = 0; v < s->n_tops; v++)
    if (job->top_views >> v & 1) select_top_offer(&s->tops[v], row, job->top_index);
}

static int run_job(const RowSpec *s, RowJob *job, const float *x,
                   int *streamed) {
  size_t dim = s->dim;
  /* The prototype sum and the dots of the row's scores (with the score
   * means, else the lists' means: score_cossim's products) are made in the
   * pass of the norm, before the checks: a row that fails them fails the
   * read, whose sums and scores are freed. */
  const double *mm = job->scores ? s->means : job->top_views ? s->top_means : NULL;
  double *dots = job->scores ? job->scores : s->top_row;
  double aa = mm ? vec_dot_many_self(x, mm, job->scores ? s->k : s->top_cats, dim,
                                     dots, job->sum)
                 : vec_dot_self_add(x, job->sum, dim);
  if (!(isfinite(aa) && aa > 0.0)) {
    job->status = ROW_ZERO;
    for (size_t i = 0; i < dim; i++)
      if (!isfinite(x[i])) {
        job->status = ROW_NONFINITE;
        job->bad_element = (long long)i;
        job->bad_is_nan = isnan(x[i]) != 0;
        break;
      }
    return 0;
  }
  double norm = sqrt(aa);
  if (job->prefault != NULL) row_prefault(job->prefault, job->prefault_bytes);
  if (job->norm_out != NULL) *job->norm_out = norm;
  if (job->same_as != NULL &&
      memcmp(x, job->same_as, dim * sizeof(float)) != 0) {
    job->status = ROW_DIFFERENT;
    return 0;
  }
  if (job->store != NULL) *streamed |= row_copy_stream(job->store, x, dim);
  for (size_t c = 0; job->scores != NULL && c < s->k; c++) job->scores[c] /= norm;
  if (job->hash) {
    uint64_t h = hash_vector(x, dim);
    if (job->hash_out != NULL) *job->hash_out = h;
    if (job->same_hash != NULL && *job->same_hash != h) {
      job->status = ROW_DIFFERENT;
      return 0;
    }
  }
  if (job->top_views != 0) offer_tops(s, job, norm);
  job->status = ROW_OK;
  return 1;
}

size_t row_batch_run(const RowSpec *spec, RowBatch *b) {
  int streamed = 0;
  size_t j = 0;
  while (j < b->n && run_job(spec, &b->jobs[j], b->data + j * spec->dim, &streamed))
    j++;
  if (streamed) stream_fence(); /* the rows are complete before the batch is */
  return j < b->n ? j + 1 : b->n;
}

/* ---- the pipeline ---- */

/* Batches in the ring: the reader fills one while the worker runs the
 * others in order, so that a pause of the worker (pre-faulting a window of
 * the arena) does not stop the reader. */
#define PIPE_BATCHES 8

/* The reader wakes a sleeping worker only once this many batches wait for
 * it (or when the reader itself must wait): waking a thread is a system
 * call and an interrupt to the other processor, which cost about 50 us a
 * batch on a virtual machine; in bursts it is paid a few times less
 * often. */
#define PIPE_WAKE_AT (PIPE_BATCHES / 2)

struct RowPipeline {
  const RowSpec *spec;
  RowBatch batch[PIPE_BATCHES];   /* batch s % PIPE_BATCHES is number s */
  size_t done_jobs[PIPE_BATCHES]; /* jobs the worker did of each */
  size_t batch_rows;
  size_t collected;   /* batches collected (reader only) */
  int failed;         /* a collect's non-zero code: collect no more */
  int threaded;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv_work, cv_done;
  size_t submitted, finished; /* batches handed over / run (under mu) */
  int stop;                   /* under mu */
  int worker_sleeps;          /* under mu: waiting for cv_work */
};

/* 1 when batch b's last job done (of done) failed: the worker stops at
 * the first failed job. */
static int batch_failed(const RowBatch *b, size_t done) {
  return done > 0 && b->jobs[done - 1].status != ROW_OK;
}

/* The worker: runs the batches handed over, in order, until stopped.
 * After a failed job it runs no later batch (done 0): the first failure is
 * the one reported, and later jobs may point at rows the failed batch
 * never wrote. */
static void *worker_main(void *arg) {
  RowPipeline *p = arg;
  int failed = 0;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (p->finished == p->submitted && !p->stop) {
      p->worker_sleeps = 1;
      pthread_cond_wait(&p->cv_work, &p->mu);
      p->worker_sleeps = 0;
    }
    if (p->finished == p->submitted) break; /* stopped with nothing to do */
    size_t k = p->finished % PIPE_BATCHES;
    pthread_mutex_unlock(&p->mu);
    size_t done = failed ? 0 : row_batch_run(p->spec, &p->batch[k]);
    failed = failed || batch_failed(&p->batch[k], done);
    pthread_mutex_lock(&p->mu);
    p->done_jobs[k] = done;
    p->finished++;
    pthread_cond_signal(&p->cv_done);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* Allocates a batch of rows rows of dim floats; 0 (and nothing kept) when
 * out of memory. */
static int batch_init(RowBatch *b, size_t rows, size_t dim) {
  size_t cells;
  b->n = 0;
  b->cap = rows;
  b->jobs = ss_malloc_array(rows, sizeof(RowJob));
  /* Rows of floats 64-byte aligned, for row_copy_stream. */
  b->data_alloc = ss_mul_size(rows, dim, &cells) && cells <= SIZE_MAX / 4 - 64
                      ? ss_malloc(cells * sizeof(float) + 64)
                      : NULL;
  if (b->jobs != NULL && b->data_alloc != NULL) {
    uintptr_t at = (uintptr_t)b->data_alloc;
    b->data = (float *)(void *)(b->data_alloc + (64 - at % 64) % 64);
    return 1;
  }
  ss_free(b->jobs);
  ss_free(b->data_alloc);
  b->jobs = NULL;
  b->data_alloc = NULL;
  return 0;
}

void row_pipeline_start(RowPipeline **out, const RowSpec *spec,
                        size_t batch_rows, int threaded) {
  RowPipeline *p = ss_malloc(sizeof *p);
  *out = NULL;
  if (p == NULL) return;
  memset(p, 0, sizeof *p);
  p->spec = spec;
  p->batch_rows = batch_rows ? batch_rows : 1;
  /* The other batches of the ring are allocated when first filled, so a
   * small pool takes one. */
  if (!batch_init(&p->batch[0], p->batch_rows, spec->dim)) {
    ss_free(p);
    return;
  }
  if (threaded && pthread_mutex_init(&p->mu, NULL) == 0) {
    if (pthread_cond_init(&p->cv_work, NULL) == 0) {
      if (pthread_cond_init(&p->cv_done, NULL) == 0) {
        if (pthread_create(&p->thread, NULL, worker_main, p) == 0)
          p->threaded = 1;
        else
          pthread_cond_destroy(&p->cv_done);
      }
      if (!p->threaded) pthread_cond_destroy(&p->cv_work);
    }
    if (!p->threaded) pthread_mutex_destroy(&p->mu);
  }
  *out = p; /* without a thread the work runs inline in flush */
}

int row_pipeline_threaded(const RowPipeline *p) { return p->threaded; }

/* The batch the reader fills: the next to hand over (batch 0 inline). */
static RowBatch *filling(RowPipeline *p) {
  return p->threaded ? &p->batch[p->submitted % PIPE_BATCHES] : &p->batch[0];
}

RowJob *row_pipeline_add(RowPipeline *p, float **data) {
  RowBatch *b = filling(p);
  if (b->n == b->cap) return NULL;
  RowJob *job = &b->jobs[b->n];
  memset(job, 0, sizeof *job);
  *data = b->data + b->n * p->spec->dim;
  b->n++;
  return job;
}

/* Collects, in order, the batches the worker has finished; with wait,
 * first waits until at least `until` batches are finished.  The reader
 * reads submitted without the lock: only it changes it. */
static int collect_finished(RowPipeline *p, size_t until, RowCollect collect,
                            void *ctx) {
  pthread_mutex_lock(&p->mu);
  if (p->finished < until && p->worker_sleeps)
    pthread_cond_signal(&p->cv_work); /* about to wait for it */
  while (p->finished < until) pthread_cond_wait(&p->cv_done, &p->mu);
  size_t finished = p->finished;
  pthread_mutex_unlock(&p->mu);
  for (; p->collected < finished; p->collected++) {
    size_t k = p->collected % PIPE_BATCHES;
    int rc = collect(ctx, &p->batch[k], p->done_jobs[k]);
    p->batch[k].n = 0;
    if (rc) {
      p->collected++;
      p->failed = rc;
      return rc;
    }
  }
  return 0;
}

int row_pipeline_flush(RowPipeline *p, int wait_all, RowCollect collect,
                       void *ctx) {
  if (p->failed) return p->failed;
  RowBatch *f = filling(p);
  if (!p->threaded) {
    if (f->n == 0) return 0;
    size_t done = row_batch_run(p->spec, f);
    int rc = collect(ctx, f, done);
    f->n = 0;
    if (rc) p->failed = rc;
    return rc;
  }
  if (f->n > 0) {
    stream_fence(); /* the rows the reader copied in with row_copy_stream */
    pthread_mutex_lock(&p->mu);
    p->submitted++;
    if (p->worker_sleeps && p->submitted - p->finished >= PIPE_WAKE_AT)
      pthread_cond_signal(&p->cv_work);
    pthread_mutex_unlock(&p->mu);
  }
  /* Everything finished so far; and room for the next batch to fill (or,
   * with wait_all, everything). */
  size_t until = p->submitted - p->collected >= PIPE_BATCHES
                     ? p->collected + 1 : 0;
  if (wait_all) until = p->submitted;
  int rc = collect_finished(p, until, collect, ctx);
  if (rc) return rc;
  f = filling(p);
  if (!wait_all && f->jobs == NULL && !batch_init(f, p->batch_rows, p->spec->dim))
    rc = p->failed = ROW_PIPE_ENOMEM;
  return rc;
}

void row_pipeline_free(RowPipeline *p) {
  if (p == NULL) return;
  if (p->threaded) {
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->cv_work);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->cv_work);
    pthread_cond_destroy(&p->cv_done);
    pthread_mutex_destroy(&p->mu);
  }
  for (int i = 0; i < PIPE_BATCHES; i++) {
    ss_free(p->batch[i].jobs);
    ss_free(p->batch[i].data_alloc);
  }
  ss_free(p);
}
