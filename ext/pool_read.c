/*
 * pool_read.c — reading the pool relation for safety_sample (pool_read.h):
 * each row is checked on the reading thread inside the internal aggregate
 * safety_sample_read_pool, its embedding handed to the row worker
 * (core/row_worker.h), and what is collected becomes the pool (core/pool.c).
 */
#include "pool_read.h"

#include "core/labels.h"
#include "core/stop.h"
#include "core/row_worker.h"
#include "core/vector.h"
#include "pool_parallel.h"
#include "relation.h"
#include "sql_functions.h"
#include "vec_value.h"
#include <stdio.h>
#include <string.h>

/* Rows per batch of the row worker: about 256 KiB of floats, so that a
 * batch stays in cache between the two threads and a hand-over (a lock
 * and perhaps a wake-up) is paid once per some hundred rows. */
#define BATCH_BYTES ((size_t)256 << 10)
#define BATCH_MAX_ROWS 1024 /* for small dimensions: the jobs' own size */

/* The reader's state while the pool is read (pool_read): what it
 * collects for the pool (core/pool.h), and how. */
typedef struct {
  const PoolQuery *q;
  Pool *out;
  char **errmsg;
  PoolParts pp;
  int scoring;          /* scores wanted on arrival, not vectors */
  Slots hashes;         /* uint64_t, scoring: the hash of each row's bytes */
  size_t *id_cats;      /* categories summed for example id_cats_of */
  int64_t id_cats_of;
  size_t n_id_cats, cap_id_cats;
  size_t n_sums;        /* category sums allocated (at most SUMS_MAX_BYTES) */
  RowSpec spec;
  double *means_d;      /* scoring: the score means in double */
  double *top_means_d;  /* q->tops: the reference means in double */
  unsigned top_views_of[BEHAVIOR_T4 + 1]; /* per behaviour: the cossim views
                                             that admit it (bit v) */
  RowPipeline *pipe;
  int rc;               /* the first failed row's code (then *errmsg) */
  int lost_message;     /* a failed job's message could not be made */
  sqlite3_value **lazy; /* the aggregate's row: cells 1, 3, 4 still to make */
} Reader;

/* The message of a failed job, in *r->errmsg (NULL if out of memory). */
static void job_message(Reader *r, const RowJob *job) {
  char who[64];
  snprintf(who, sizeof who, "pool example %lld", (long long)job->id);
  *r->errmsg = embedding_fault_text(who, job->status, job->bad_element,
                                    job->bad_is_nan);
}

/* Collects a batch the row worker finished (row_worker.h): the worker
 * stops after the first failed job and writes each row's norm and hash
 * itself, so only the last job done can have failed; its failure becomes
 * the message (SQLITE_NOMEM, and lost_message set, when the message cannot
 * be made). */
static int collect_rows(void *ctx, RowBatch *b, size_t done) {
  Reader *r = ctx;
  if (done == 0) return SQLITE_OK; /* an empty batch */
  const RowJob *job = &b->jobs[done - 1];
  if (job->status == ROW_OK) return done < b->n ? SQLITE_ERROR : SQLITE_OK;
  job_message(r, job);
  if (*r->errmsg != NULL) return SQLITE_ERROR;
  r->lost_message = 1;
  return SQLITE_NOMEM;
}

/* row_pipeline_flush with collect_rows, as an SQLite code. */
static int reader_flush(Reader *r, int wait_all) {
  if (r->pipe == NULL) return SQLITE_OK;
  int rc = row_pipeline_flush(r->pipe, wait_all, collect_rows, r);
  return rc == ROW_PIPE_ENOMEM ? SQLITE_NOMEM : rc;
}

/* Waits for every job handed to the worker and collects it. */
static int reader_drain(Reader *r) { return reader_flush(r, 1); }

/* The next job and its row of floats, handing over a full batch first. */
static RowJob *reader_job(Reader *r, float **data, int *rc) {
  RowJob *job = row_pipeline_add(r->pipe, data);
  if (job != NULL) return job;
  if ((*rc = reader_flush(r, 0)) != SQLITE_OK) return NULL;
  return row_pipeline_add(r->pipe, data);
}

/* Starts the row worker once the dimension is known: on its own thread
 * unless SQLite was built without threads. */
static int reader_start(Reader *r) {
  const PoolQuery *q = r->q;
  r->spec.dim = r->pp.dim;
  if (r->scoring) {
    size_t cells;
    if (!ss_mul_size(q->score_k, r->pp.dim, &cells) ||
        (r->means_d = vec_widen(q->score_means, cells)) == NULL)
      return SQLITE_NOMEM;
    r->spec.means = r->means_d;
    r->spec.k = q->score_k;
  }
  if (q->n_tops > 0) { /* the cossim lists: scored on the worker */
    size_t cells, n_cat = q->tops[0].n_cat;
    if (!ss_mul_size(n_cat, r->pp.dim, &cells) ||
        (r->top_means_d = vec_widen(q->top_means, cells)) == NULL ||
        (r->spec.top_row = ss_malloc_array(n_cat ? n_cat : 1, sizeof(double))) == NULL)
      return SQLITE_NOMEM;
    r->spec = (RowSpec){r->spec.dim, r->spec.means, r->spec.k, q->tops,
                        q->n_tops, r->top_means_d, n_cat, r->spec.top_row};
    for (int b = BEHAVIOR_NULL; b <= BEHAVIOR_T4; b++)
      for (size_t v = 0; v < q->n_tops; v++)
        if (behavior_admits(q->top_masks[v], b)) r->top_views_of[b] |= 1u << v;
  }
  size_t rows = BATCH_BYTES / (r->pp.dim * sizeof(float));
  if (rows > BATCH_MAX_ROWS) rows = BATCH_MAX_ROWS;
  row_pipeline_start(&r->pipe, &r->spec, rows ? rows : 1,
                     sqlite3_threadsafe() != 0);
  return r->pipe ? SQLITE_OK : SQLITE_NOMEM;
}

/* The category sums added on arrival take at most this much memory: a
 * pool with more categories (one per example, say) stops adding them and
 * leaves the prototypes to the selection, which then makes them one
 * category at a time (core/scores.c), so per-category memory stays
 * bounded.  Either way the sums are the same bits. */
#define SUMS_MAX_BYTES ((size_t)8 << 20)

/* The category sum of category cat for this row, or NULL: only when sums
 * are wanted, while ids ascend, once per (example, category). */
static int reader_sum(Reader *r, int64_t id, size_t cat, double **sum) {
  *sum = NULL;
  if (!r->pp.sums_on || cat == NONE) return 1;
  if (r->id_cats_of != id) r->n_id_cats = 0;
  r->id_cats_of = id;
  for (size_t i = 0; i < r->n_id_cats; i++)
    if (r->id_cats[i] == cat) return 1; /* the same pair twice */
  if (!ss_grow((void **)&r->id_cats, &r->cap_id_cats, r->n_id_cats + 1,
            sizeof(size_t)))
    return 0;
  r->id_cats[r->n_id_cats++] = cat;
  if (cat >= r->pp.cap_sums) {
    size_t old = r->pp.cap_sums;
    if (!ss_grow((void **)&r->pp.sum_of_cat, &r->pp.cap_sums, cat + 1, sizeof(double *)))
      return 0;
    for (size_t c = old; c < r->pp.cap_sums; c++) r->pp.sum_of_cat[c] = NULL;
  }
  if (r->pp.sum_of_cat[cat] == NULL) {
    if ((r->n_sums + 1) * r->pp.dim * sizeof(double) > SUMS_MAX_BYTES) {
      /* Too many categories: no sums at all (the worker may still be
       * adding to those made so far; they are freed after the read). */
      r->pp.sums_on = 0;
      return 1;
    }
    r->n_sums++;
    double *s = ss_malloc_array(r->pp.dim, sizeof(double));
    if (s == NULL) return 0;
    memset(s, 0, r->pp.dim * sizeof(double));
    r->pp.sum_of_cat[cat] = s;
  }
  *sum = r->pp.sum_of_cat[cat];
  return 1;
}

/* The out-of-memory message of the arena, the one allocation that grows
 * with the pool. */
static int arena_full(Reader *r) {
  size_t stored = r->pp.n_eligible - 1; /* all but the row that did not fit */
  if (r->scoring) {
    *r->errmsg = sqlite3_mprintf(
        "out of memory keeping the cossim scores of the eligible examples "
        "(%llu stored, %llu reference categories, %.0f MiB so far); %s keeps "
        "one score per example and reference category: raise the memory "
        "SQLite may use (PRAGMA hard_heap_limit, soft_heap_limit), narrow "
        "the reference set with options.categories, or the pool with "
        "options.behavior",
        (unsigned long long)stored, (unsigned long long)r->q->score_k,
        (double)stored * (double)r->q->score_k * 8.0 / 1048576.0, r->q->method);
    return SQLITE_NOMEM;
  }
  *r->errmsg = sqlite3_mprintf(
      "out of memory keeping the embeddings of the eligible examples "
      "(%llu stored, %llu dimensions, %.0f MiB so far); %s",
      (unsigned long long)stored, (unsigned long long)r->pp.dim,
      (double)stored * (double)r->pp.dim * 4.0 / 1048576.0,
      r->q->memory_advice ? r->q->memory_advice
                          : "raise the memory SQLite may use (PRAGMA "
                            "hard_heap_limit, soft_heap_limit)");
  return SQLITE_NOMEM; /* with the message when it could be made */
}

/*
 * The embedding of an eligible row: checks its type and dimension here and
 * hands the rest (finiteness, norm, storing or scoring, the prototype sum,
 * agreement with the example's first row) to the row worker.  e is the
 * example's entry, cat the row's category (NONE without), first whether
 * the row made the example eligible (its index was just given: the row
 * stores the embedding; later rows are compared with it).
 */
static int reader_embedding(Reader *r, const SqlCell *v, size_t e,
                            size_t cat, int first) {
  const PoolQuery *q = r->q;
  Entry *en = &r->pp.es.e[e];
  float *json = NULL;
  const void *src;
  int rc = SQLITE_OK;
  if (v->type == SQLITE_BLOB && r->pp.dim != 0 && v->p != NULL &&
      v->n == r->pp.dim * sizeof(float)) {
    src = v->p; /* the usual row: no message to prepare */
  } else {
    char who[64];
    snprintf(who, sizeof who, "pool example %lld", (long long)en->id);
    rc = embedding_dim(v, who, &r->pp.dim,
                       q->dim ? "the reference set's" : "others", &json,
                       r->errmsg);
    if (rc != SQLITE_OK) return rc;
    src = json ? (const void *)json : (const void *)v->p;
  }
  if (r->pipe == NULL && (rc = reader_start(r)) != SQLITE_OK) goto done;
  double *sum;
  if (!reader_sum(r, en->id, cat, &sum)) {
    rc = SQLITE_NOMEM;
    goto done;
  }
  size_t row = en->index;
  void *at = NULL; /* the new row's place in the arena */
  double *norm_at = NULL;  /* where the worker puts the row's norm */
  uint64_t *hash_at = NULL; /* ... its hash, or the first row's to match */
  if (first) {
    if (!ss_grow((void **)&r->pp.row_ptr, &r->pp.cap_rows, row + 1, sizeof(void *)) ||
        (norm_at = slot_at(&r->pp.norms, row, sizeof(double))) == NULL)
      goto oom;
  }
  if (r->scoring &&
      (hash_at = slot_at(&r->hashes, row, sizeof(uint64_t))) == NULL)
    goto oom;
  if (first) {
    at = arena_add(&r->out->arena,
                   r->scoring ? q->score_k * sizeof(double) : r->pp.dim * sizeof(float));
    if (at == NULL) {
      rc = arena_full(r);
      goto done;
    }
    r->pp.row_ptr[row] = at;
  }
  float *data;
  RowJob *job = reader_job(r, &data, &rc);
  if (job == NULL) goto done;
  row_copy_stream(data, src, r->pp.dim);
  /* Fresh arena memory this row reaches into: the worker pre-faults it. */
  job->prefault = arena_fresh(&r->out->arena, &job->prefault_bytes);
  job->id = en->id;
  job->sum = sum;
  job->hash = r->scoring;
  job->norm_out = norm_at;
  if (first) {
    if (r->scoring)
      job->scores = at;
    else
      job->store = at;
    job->hash_out = hash_at;
    /* Offered to the cossim views that admit it, while the ids come in
     * order (after that the lists are made after the read). */
    if (!r->pp.es.indexed) job->top_views = r->top_views_of[en->behavior];
    job->top_index = row;
  } else if (r->scoring) {
    job->same_hash = hash_at;
  } else {
    job->same_as = r->pp.row_ptr[row];
  }
  goto done;
oom:
  rc = SQLITE_NOMEM;
done:
  ss_free(json);
  return rc;
}

/*
 * The group option: the group number of an eligible row's value, interned
 * by type and content (an INTEGER and a REAL of the same value are one
 * group; TEXT by its bytes; NULL is GROUP_NONE, a group of its own).  The
 * example's first eligible row sets it; a later one must agree.
 */
static int reader_group(Reader *r, const SqlCell *v, const Entry *en,
                        int first) {
  uint32_t g;
  int rc = pool_group_number(v, r->q->groups, &g);
  if (rc != SQLITE_OK) return rc;
  size_t i = en->index;
  if (first) {
    if (!ss_grow((void **)&r->pp.group_of, &r->pp.cap_group, i + 1,
                 sizeof(uint32_t)))
      return SQLITE_NOMEM;
    r->pp.group_of[i] = g;
    return SQLITE_OK;
  }
  if (r->pp.group_of[i] == g) return SQLITE_OK;
  *r->errmsg = sqlite3_mprintf(
      "pool example %lld has two values of the group column \"%s\"; give "
      "each example one value (the column must not depend on the category "
      "row)",
      (long long)en->id, r->q->group);
  return SQLITE_ERROR;
}

/*
 * One row of the pool: v[0..3] are the cells of its id, category, behavior
 * and embedding (v[4] the group column's; pool_row_cells makes them, or
 * with r->lazy only the id and behaviour, the rest made here for an eligible
 * row).  Checks them, records the example and its category, and hands an
 * eligible row's embedding on (reader_embedding).  SQLITE_OK, or the
 * row's failure with *r->errmsg set (SQLITE_NOMEM without a message).
 */
static int reader_row(Reader *r, SqlCell *v) {
  const PoolQuery *q = r->q;
  Entries *es = &r->pp.es;
  Names *ns = &r->pp.ns;
  char **errmsg = r->errmsg;
  int nomem = 0;
  /* id */
  if (v[0].type != SQLITE_INTEGER) {
    const char *shown = v[0].p ? (const char *)v[0].p : "NULL";
    *errmsg = sqlite3_mprintf(
        "the pool relation \"%s\" has an id that is not an INTEGER "
        "(%.*s); ids must be integers",
        q->pool, v[0].p ? (int)v[0].n : 4, shown);
    return SQLITE_ERROR;
  }
  int64_t id = v[0].i;
  /* behaviour */
  int code = 0;
  if (v[2].type != SQLITE_NULL) {
    const char *b = (const char *)v[2].p;
    code = behavior_code(b, v[2].n);
    if (code < 1) {
      *errmsg = sqlite3_mprintf(
          "pool example %lld has behavior '%.*s'; expected 'T1', 'T2', "
          "'T3', 'T4' or NULL (see behavior_type())",
          (long long)id, b ? (int)v[2].n : 0, b ? b : "");
      return SQLITE_ERROR;
    }
  }
  size_t known = es->n;
  size_t e = entries_find(es, id, 1, &nomem);
  if (nomem) return SQLITE_NOMEM;
  if (es->indexed) r->pp.sums_on = 0; /* ids out of order: sum afterwards */
  Entry *en = &es->e[e];
  if (e == known) { /* first row of this id */
    en->behavior = (unsigned char)code;
  } else if (en->behavior != code) {
    *errmsg = sqlite3_mprintf(
        "pool example %lld has two behaviours (%s and %s); an example "
        "must have exactly one — fix its labels",
        (long long)id, en->behavior ? behavior_name(en->behavior) : "NULL",
        code ? behavior_name(code) : "NULL");
    return SQLITE_ERROR;
  }
  /* eligibility of this row */
  if (!behavior_admits(q->behavior_mask, code)) return SQLITE_OK;
  if (r->lazy != NULL) pool_row_cells_rest(r->lazy, v);
  size_t cat = NONE;
  if (v[1].type != SQLITE_NULL) {
    const char *c;
    size_t len;
    int rc = pool_category_text(&v[1], "pool", q->pool, id, 1, &c, &len, errmsg);
    if (rc != SQLITE_OK) return rc;
    cat = names_find(ns, c, len, q->categories == NULL, &nomem);
    if (nomem) return SQLITE_NOMEM;
  }
  if (q->categories != NULL && (cat == NONE || !ns->allowed[cat]))
    return SQLITE_OK;
  int first = en->index == NONE32;
  if (first) {
    if (r->pp.n_eligible >= NONE32) return SQLITE_NOMEM; /* over 4 billion */
    en->index = (uint32_t)r->pp.n_eligible++;
  }
  if (cat != NONE) {
    if (!ss_grow((void **)&r->pp.mem, &r->pp.cap_mem, r->pp.n_mem + 1, sizeof *r->pp.mem) ||
        cat >= NONE32 || e >= NONE32)
      return SQLITE_NOMEM;
    r->pp.mem[r->pp.n_mem++] = (Membership){(uint32_t)cat, (uint32_t)e};
  }
  if (q->group != NULL) {
    int rc = reader_group(r, &v[q->need_embeddings ? 4 : 3], en, first);
    if (rc != SQLITE_OK) return rc;
  }
  if (!q->need_embeddings) return SQLITE_OK;
  return reader_embedding(r, &v[3], e, cat, first);
}

/* The pointer type that carries the Reader into the aggregate below: SQL
 * cannot make a value of it, so only pool_read can call the aggregate. */
#define READER_POINTER "safety_sample_pool_reader"

/*
 * The aggregate safety_sample_read_pool(reader, id, category, behavior,
 * embedding), which pool_read runs over the pool relation: SQLite steps
 * through the rows inside one sqlite3_step, as it does for the bare scan
 * sum(length(embedding)), instead of returning to the caller for every
 * row (about 0.1 of the scan's time saved on the default pool).  A failed
 * row stops the statement; its code and message stay in the Reader.
 */
void read_pool_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  Reader *r = sqlite3_value_pointer(argv[0], READER_POINTER);
  if (r != NULL && r->rc != SQLITE_OK) { /* SQLite stops at the first */
    sqlite3_result_error_code(ctx, r->rc);
    return;
  }
  if (r == NULL) {
    char *msg = safety_error_text(
        READ_POOL_FN, "this function is internal to safety_sample, which "
                      "reads the pool with it; select from safety_sample(...) "
                      "instead");
    if (msg == NULL) sqlite3_result_error_nomem(ctx);
    else sqlite3_result_error(ctx, msg, -1);
    sqlite3_free(msg);
    return;
  }
  SqlCell cells[5];
  pool_row_cells_head(argv + 1, cells);
  r->lazy = argv + 1;
  int rc = reader_row(r, cells);
  if (rc != SQLITE_OK) {
    r->rc = rc;
    sqlite3_result_error_code(ctx, rc == SQLITE_NOMEM ? SQLITE_NOMEM : SQLITE_ERROR);
  }
}

void read_pool_final(sqlite3_context *ctx) { sqlite3_result_null(ctx); }

/* The message of a failed read, serial or parallel: why is SQLite's. */
static void reader_read_failed(Reader *rd, const char *why) {
  *rd->errmsg = sqlite3_mprintf("reading the pool relation \"%s\" failed: %s",
                                rd->q->pool, why);
}

/* Reads the pool's rows from the helpers of a parallel read (pool_parallel.h)
 * into rd, in the order the serial read would take them (the key order,
 * which parallel_read_start checks is the serial plan's), and looking for
 * an interrupt as the core does. */
static int reader_parallel(Reader *rd, ParallelRead *par) {
  SqlCell cells[PARALLEL_CELLS];
  /* Work units of a row: about its worker job's multiply-adds (the row
   * worker may be behind: reader_drain waits for it), and at least a check
   * every 2,048 rows, so that a progress handler runs about as it does
   * while the aggregate reads. */
  const PoolQuery *q = rd->q;
  uint64_t row_units = (uint64_t)(q->dim ? q->dim : 384) *
                           (2 + q->score_k + (q->n_tops ? q->tops[0].n_cat : 0)) +
                       CORE_STOP_EVERY / 2048;
  for (;;) {
    char *msg = NULL;
    int rc = parallel_read_next(par, cells, &msg);
    if (rc == SQLITE_ROW) {
      if ((rc = reader_row(rd, cells)) != SQLITE_OK) return rc;
      if (!core_tick(row_units)) continue;
    } else if (rc == PARALLEL_PENDING) {
      /* 20 ms of helpers' work: 64 polls (21,000 steps) for the handler */
      if (!core_tick(64 * CORE_STOP_EVERY)) continue;
    } else if (rc == SQLITE_DONE) {
      return reader_drain(rd);
    }
    if (rc == SQLITE_ROW || rc == PARALLEL_PENDING) rc = SQLITE_INTERRUPT;
    reader_read_failed(rd, msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return rc;
  }
}

/* Reads every row of the pool relation into rd: through the aggregate
 * (read_pool_step) when embeddings are read, over several connections
 * when pool_parallel.c can (the same rows), else row by row.  SQLITE_OK
 * once every row is read and the worker has finished. */
static int reader_scan(sqlite3 *db, Reader *rd) {
  const PoolQuery *q = rd->q;
  /* The group column comes after the embedding, or in its place when
   * the embeddings are not read. */
  const char *cols[5] = {"id", "category", "behavior", "embedding", q->group};
  size_t n_cols = q->need_embeddings ? 4 : 3;
  if (q->group != NULL) cols[n_cols++] = q->group;
  sqlite3_stmt *st = NULL;
  ParallelRead *par = NULL;
  int nomem = 0;
  /* With embeddings, through the aggregate (read_pool_step).  Without,
   * row by row: SQLite leaves out a join that only the embedding needed
   * (the pool view's LEFT JOIN of embeddings) from a plain SELECT, not
   * from an aggregate one. */
  const char *aggregate = q->need_embeddings ? READ_POOL_FN : NULL;
  int rc = q->group ? relation_check_column(db, "pool", q->pool, "group",
                                            q->group, rd->errmsg)
                    : SQLITE_OK;
  if (rc == SQLITE_OK)
    rc = relation_prepare(db, "pool", "pool", q->pool, cols, n_cols,
                          q->skip_category ? 2u : 0u, aggregate, 5, &st,
                          rd->errmsg);
  for (size_t i = 0; rc == SQLITE_OK && i < q->n_categories; i++) {
    size_t k = names_find(&rd->pp.ns, q->categories[i],
                          strlen(q->categories[i]), 1, &nomem);
    if (nomem)
      rc = SQLITE_NOMEM;
    else
      rd->pp.ns.allowed[k] = 1;
  }
  int ran = rc == SQLITE_OK;
  if (ran && aggregate != NULL) rc = parallel_read_start(db, q->pool, st, q->behavior_mask, q->n_tops > 0, &par);
  if (par != NULL) {
    rc = reader_parallel(rd, par);
    parallel_read_free(par);
    sqlite3_finalize(st);
    return rc;
  }
  if (ran && aggregate != NULL) {
    /* SQLite runs the loop: one step of the aggregate reads every row
     * (reader_row), and stops at the first that fails. */
    rc = sqlite3_bind_pointer(st, 1, rd, READER_POINTER, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) rc = sqlite3_step(st);
  } else if (ran) {
    while (rd->rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
      sqlite3_value *v[5] = {
          sqlite3_column_value(st, 0), sqlite3_column_value(st, 1),
          sqlite3_column_value(st, 2), sqlite3_column_value(st, 3),
          sqlite3_column_value(st, 4)};
      SqlCell cells[5];
      pool_row_cells(v, cells);
      rd->rc = reader_row(rd, cells);
    }
  }
  if (ran && rd->rc != SQLITE_OK) {
    rc = rd->rc;
  } else if (ran && rc != SQLITE_DONE) {
    if (*rd->errmsg == NULL) reader_read_failed(rd, sqlite3_errmsg(db));
  } else if (ran) {
    rc = reader_drain(rd);
  }
  sqlite3_finalize(st);
  return rc;
}

/* After a failed read: a row before this error may have failed in the
 * worker, and the first bad row is the one to report. */
static int reader_first_error(Reader *rd, int rc) {
  char **errmsg = rd->errmsg;
  char *mine = *errmsg;
  *errmsg = NULL;
  if (reader_drain(rd) != SQLITE_OK && (*errmsg != NULL || rd->lost_message)) {
    sqlite3_free(mine); /* without a message: out of memory making it */
    return *errmsg != NULL ? SQLITE_ERROR : SQLITE_NOMEM;
  }
  sqlite3_free(*errmsg);
  *errmsg = mine;
  return rc;
}

int pool_read(sqlite3 *db, const PoolQuery *q, Pool *out, char **errmsg) {
  Reader rd = {0};
  memset(out, 0, sizeof *out);
  rd.q = q;
  rd.out = out;
  rd.errmsg = errmsg;
  rd.pp.dim = q->dim;
  rd.scoring = q->score_means != NULL;
  rd.pp.sums_on = q->want_sums && q->need_embeddings && !rd.scoring;
  int rc = reader_scan(db, &rd);
  if (rc != SQLITE_OK && rd.pipe != NULL) rc = reader_first_error(&rd, rc);
  /* The worker's thread and batches go at once, before the arrays of the
   * pool are made: measured side by side (cossim-b on the default pool,
   * medians of 36 runs each), 402 ms against 427 ms when it was joined at
   * the end; the next selection's first allocations then find the freed
   * batches. */
  row_pipeline_free(rd.pipe);
  rd.pipe = NULL;
  slots_free(&rd.hashes);
  for (size_t v = 0; v < q->n_tops && (rc != SQLITE_OK || rd.pp.es.indexed); v++)
    select_top_free(&q->tops[v]); /* not in id order: made after the read */
  ss_free(rd.top_means_d);
  ss_free(rd.spec.top_row);
  if (rc == SQLITE_OK &&
      !pool_build(&rd.pp, q->need_embeddings, rd.scoring, out))
    rc = SQLITE_NOMEM;
  if (rc == SQLITE_OK && q->group != NULL) {
    out->sel.n_groups = q->groups->n;
    if (out->sel.group == NULL) { /* no eligible example */
      out->sel.group = ss_malloc(sizeof(uint32_t));
      if (out->sel.group == NULL) rc = SQLITE_NOMEM;
    }
  }
  pool_parts_free(&rd.pp);
  ss_free(rd.means_d);
  ss_free(rd.id_cats);
  if (rc != SQLITE_OK) pool_free(out);
  return rc;
}
