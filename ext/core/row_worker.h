/*
 * row_worker.h — the per-row embedding work of the pool reader, done on a
 * second thread while the reading thread steps SQLite.
 *
 * Reading the pool is bound by SQLite's own work on the reading thread.
 * Everything the reader does with an embedding beyond copying it out of
 * SQLite's row — checking it is finite and non-zero, its norm, storing it
 * in the arena (whose first touch of fresh memory is the largest cost on
 * some virtual machines), the cossim scores, the pss prototype sums,
 * safety_sweep's cossim lists and the check that two rows of one example
 * agree — is described as a RowJob
 * and done here, in batches, in the order the rows arrived.  The reader
 * hands over a full batch and fills the next of a small ring meanwhile;
 * results come back in row order, so the first error reported is the
 * first bad row, exactly as if one thread had done everything.
 *
 * Pure C (no SQLite): the worker only touches memory it is given and never
 * allocates, so it is safe whatever SQLite's threading mode.  Where a
 * thread cannot be started the same work runs inline, with the same
 * results bit for bit (every job is computed by the same code in the same
 * order).
 */
#ifndef SAFETY_ROW_WORKER_H
#define SAFETY_ROW_WORKER_H

#include <stddef.h>
#include <stdint.h>

enum { ROW_OK = 0, ROW_NONFINITE, ROW_ZERO, ROW_DIFFERENT };

/* One pool row's embedding work.  The reader sets the inputs; the worker
 * writes the status here and the norm and hash only where norm_out and
 * hash_out point (each result is kept once: where its reader wants it). */
typedef struct {
  /* inputs (NULL = not wanted) */
  float *store;          /* copy the vector here (its arena row) */
  const float *same_as;  /* a repeat row: must equal this stored vector */
  double *scores;        /* k scores x.m_c / |x| against the spec's means */
  double *sum;           /* add the vector to this prototype sum (dim) */
  int hash;              /* compute the hash of the vector's bytes */
  double *norm_out;      /* store |x| here (once x is finite, non-zero) */
  uint64_t *hash_out;    /* with hash: store the hash here */
  const uint64_t *same_hash; /* with hash, a repeat row: must hash to this
                                (written by an earlier job) */
  int64_t id;            /* the example, for the reader's messages */
  size_t tag;            /* the caller's own bookkeeping (not used here) */
  unsigned top_views;    /* bit v: offer the row's cossim scores to the
                            spec's tops[v] as example top_index */
  size_t top_index;
  void *prefault;        /* fresh memory to pre-fault first (row_prefault) */
  size_t prefault_bytes;
  /* results */
  int status;            /* ROW_* */
  int bad_is_nan;        /* ROW_NONFINITE: NaN rather than infinite */
  long long bad_element; /* ROW_NONFINITE: the first non-finite element */
} RowJob;

/* What every job shares. */
typedef struct {
  size_t dim;
  const double *means; /* [k * dim], for jobs with scores */
  size_t k;
  /* The cossim lists of jobs with top_views (select_top_offer): the
   * scores x.m_c / |x| against top_means [top_cats * dim] (the job's own
   * scores when it has them), computed into top_row [top_cats], which
   * only the worker touches. */
  struct SelectTop *tops;
  size_t n_tops;
  const double *top_means;
  size_t top_cats;
  double *top_row;
} RowSpec;

/* Jobs of a batch, with each row's floats as read. */
typedef struct {
  RowJob *jobs;
  float *data;                /* [cap * dim], 64-byte aligned */
  unsigned char *data_alloc;  /* what the allocation returned */
  size_t n, cap;
} RowBatch;

/* Does jobs 0..n-1 of b in order; stops after the first job whose status
 * is not ROW_OK.  Returns the number of jobs done.  A failed job stores,
 * scores and hashes nothing, but may have added its vector to its sum
 * (added in the pass of the norm): a failed row fails the read, which
 * frees its sums unused. */
size_t row_batch_run(const RowSpec *spec, RowBatch *b);

/* Pre-faults the whole pages of [p, p + bytes) for writing in one system
 * call (Linux 5.14's MADV_POPULATE_WRITE); elsewhere, or when the kernel
 * refuses, nothing happens and the pages fault in as they are touched. */
void row_prefault(void *p, size_t bytes);

/* Copies n floats (src of any alignment) to dst: with non-temporal
 * stores, which bypass the caches, where the machine has them (x86-64) and
 * dst is 16-byte aligned (32-byte stores where the machine has AVX and
 * dst is 32-byte aligned); else memcpy.  Returns 1 when it streamed.  The
 * reader fills batch rows this way (the worker, on another core, reads
 * them next: no cache line moves back and forth) and the worker fills
 * arena rows (read again only after the whole pool).  Stores become
 * visible to other threads at row_pipeline_flush and at the end of
 * row_batch_run. */
int row_copy_stream(float *dst, const void *src, size_t n);

typedef struct RowPipeline RowPipeline;

/* Called for every batch the worker finished, in row order, on the
 * reader's thread; returns 0 to go on, or a positive code that stops the
 * pipeline and is returned by row_pipeline_flush. */
typedef int (*RowCollect)(void *ctx, RowBatch *b, size_t done);

/*
 * Starts a pipeline for rows of spec->dim floats, batches of batch_rows
 * rows (at least 1), with a worker thread when threaded is non-zero and a
 * thread can be started (otherwise the work runs inline on flush).
 * *out is NULL when out of memory.  spec must outlive the pipeline.
 */
void row_pipeline_start(RowPipeline **out, const RowSpec *spec,
                        size_t batch_rows, int threaded);

/* The next job of the batch being filled, with *data its row of floats to
 * fill; NULL when that batch is full (flush first).  The job's fields are
 * zeroed. */
RowJob *row_pipeline_add(RowPipeline *p, float **data);

/* row_pipeline_flush's code when the next batch of the ring cannot be
 * allocated. */
#define ROW_PIPE_ENOMEM (-1)

/*
 * Hands over the batch being filled and collects every finished batch in
 * row order.  With wait_all, waits until every job handed over is done
 * and collected (nothing is in flight afterwards).  Returns 0, the first
 * non-zero code collect returned, or ROW_PIPE_ENOMEM; after either, every
 * later flush returns that code at once without collecting anything, and
 * batches may still be in flight until row_pipeline_free (which waits for
 * the worker): free the memory the jobs point into only after it.
 */
int row_pipeline_flush(RowPipeline *p, int wait_all, RowCollect collect,
                       void *ctx);


/* 1 when the pipeline runs a worker thread (the tests check that a
 * threaded run really ran on two threads). */
int row_pipeline_threaded(const RowPipeline *p);
/* Stops the worker (it first runs the batches already handed over, which
 * may still write where their jobs point) and frees everything. */
void row_pipeline_free(RowPipeline *p);

#endif
