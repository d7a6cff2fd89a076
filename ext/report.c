/*
 * report.c — safety_report(method, budget [, options]): a JSON text (built
 * with cJSON) that describes the selection the same safety_sample call
 * returns.  Both go through sample_run(), so the report describes exactly
 * those rows: arguments and resolved n, counts per category and
 * behaviour, stages, dedup skips, embedding statistics and a SHA-256
 * fingerprint of the data the selection read (see fingerprint() for the
 * exact bytes).
 */
#include "common.h"
#include "sql_functions.h"
#include "sample_run.h"
#include "core/sha256.h"
#include "core/stats.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FN "safety_report"

/* Metrics are rounded to 6 decimals (reports are read by people; the
 * rounding is deterministic). */
static double round6(double x) { return round(x * 1e6) / 1e6; }

static void hash_string(Sha256 *h, const char *s) {
  size_t len = strlen(s);
  sha256_u32(h, (uint32_t)len);
  sha256_update(h, s, len);
}

static void hash_floats(Sha256 *h, const float *v, size_t dim) {
  sha256_u32(h, (uint32_t)dim);
  for (size_t d = 0; d < dim; d++) {
    uint32_t bits;
    memcpy(&bits, &v[d], 4);
    sha256_u32(h, bits); /* little-endian, as in the vec_f32 BLOB */
  }
}

/* The examples of a pool: id, behaviour, embedding (dim 0 when unread). */
static void hash_examples(Sha256 *h, const Pool *pd, int embeddings) {
  const SelectPool *p = &pd->sel;
  sha256_u64(h, (uint64_t)p->n);
  /* Hashing costs about 16 multiply-adds a float (core/stop.h units). */
  for (size_t i = 0; i < p->n && !core_tick(16 * (uint64_t)p->dim + 1); i++) {
    unsigned char b = pd->behavior[i];
    sha256_u64(h, (uint64_t)pd->sel.ids[i]);
    sha256_update(h, &b, 1);
    if (embeddings)
      hash_floats(h, select_vec(p, i), p->dim);
    else
      sha256_u32(h, 0);
  }
}

/*
 * The fingerprint, "sha256:" + hex of SHA-256 over (integers little-endian,
 * strings as u32 length + bytes, vectors as u32 dim + float32 bits):
 *   "safety_sample fingerprint v1"
 *   the eligible examples in id order: u64 count, then per example
 *     i64 id, u8 behaviour (0 NULL, 1..4 T1..T4), its embedding;
 *   the pool categories in name order: u64 count, then per category its
 *     name, u64 member count and the members' ids ascending;
 *   cossim: "reference", u64 count, per reference category (name order)
 *     its name and the mean of its unit reference vectors;
 *   contrast: "contrast" and the T3 examples encoded as the examples above.
 * Everything is in id or name order, so the physical order of rows does
 * not matter; any changed id, label, category or embedding byte does.
 */
static void fingerprint(const SampleRun *run, char out[7 + 65]) {
  static const char hex[] = "0123456789abcdef";
  Sha256 h;
  unsigned char digest[32];
  const Pool *pd = &run->pd;
  sha256_init(&h);
  hash_string(&h, "safety_sample fingerprint v1");
  hash_examples(&h, pd, run->embeddings);
  const RunCategories *pc = &run->pool_cats;
  sha256_u64(&h, (uint64_t)pc->n);
  for (size_t c = 0; c < pc->n; c++) {
    hash_string(&h, pc->names[c]);
    sha256_u64(&h, (uint64_t)(pc->start[c + 1] - pc->start[c]));
    for (size_t j = pc->start[c]; j < pc->start[c + 1]; j++)
      sha256_u64(&h, (uint64_t)pd->sel.ids[pc->member[j]]);
  }
  if (run->method->uses_reference) {
    hash_string(&h, "reference");
    sha256_u64(&h, (uint64_t)pd->sel.n_cat);
    for (size_t c = 0; c < pd->sel.n_cat; c++) {
      hash_string(&h, pd->cat_names[c]);
      hash_floats(&h, pd->sel.ref_means + c * pd->sel.dim, pd->sel.dim);
    }
  }
  if (run->n_contrast > 0) {
    hash_string(&h, "contrast");
    hash_examples(&h, &run->t3, 1);
  }
  sha256_final(&h, digest);
  memcpy(out, "sha256:", 7);
  for (int i = 0; i < 32; i++) {
    out[7 + 2 * i] = hex[digest[i] >> 4];
    out[8 + 2 * i] = hex[digest[i] & 15];
  }
  out[7 + 64] = '\0';
}

/* Rows ordered for the counts: category by name (NULL last), behaviour. */
static int cmp_count_rows(const void *a, const void *b) {
  const RunRow *x = *(const RunRow *const *)a, *y = *(const RunRow *const *)b;
  if ((x->category == NULL) != (y->category == NULL))
    return x->category == NULL ? 1 : -1;
  int c = x->category ? strcmp(x->category, y->category) : 0;
  if (c != 0) return c;
  return x->behavior - y->behavior;
}

/* counts: [{"category", "behavior", "rows"}] per category × behaviour. */
static cJSON *count_table(const SampleRun *run) {
  cJSON *arr = cJSON_CreateArray();
  const RunRow **order = ss_malloc_array(run->n_rows + 1, sizeof *order);
  if (arr == NULL || order == NULL) goto fail;
  for (size_t i = 0; i < run->n_rows; i++) order[i] = &run->rows[i];
  qsort(order, run->n_rows, sizeof *order, cmp_count_rows);
  for (size_t i = 0; i < run->n_rows;) {
    size_t j = i + 1;
    while (j < run->n_rows && cmp_count_rows(&order[i], &order[j]) == 0) j++;
    cJSON *o = cJSON_CreateObject();
    if (o == NULL) goto fail;
    cJSON_AddItemToArray(arr, o);
    const char *b = behavior_name(order[i]->behavior);
    if (!(order[i]->category ? cJSON_AddStringToObject(o, "category", order[i]->category)
                             : cJSON_AddNullToObject(o, "category")) ||
        !(b ? cJSON_AddStringToObject(o, "behavior", b)
            : cJSON_AddNullToObject(o, "behavior")) ||
        !cJSON_AddNumberToObject(o, "rows", (double)(j - i)))
      goto fail;
    i = j;
  }
  ss_free(order);
  return arr;
fail:
  ss_free(order);
  cJSON_Delete(arr);
  return NULL;
}

/*
 * The embedding statistics (core/stats.c) as report keys: the category and
 * fill rows are compared with their pool category's prototype, contrast
 * rows only in pairs and for coverage.  Returns 0 when out of memory or
 * stopped.
 */
static int embedding_stats_json(const SampleRun *run, cJSON *o) {
  const RunCategories *pc = &run->pool_cats;
  StatsCategories cats = {pc->n, pc->names, pc->start, pc->member};
  StatsRow *rows = ss_malloc_array(run->n_rows + 1, sizeof *rows);
  EmbeddingStats st;
  if (rows == NULL) return 0;
  for (size_t i = 0; i < run->n_rows; i++) {
    const RunRow *r = &run->rows[i];
    rows[i] = (StatsRow){r->vec, r->norm,
                         r->stage == STAGE_CONTRAST ? NULL : r->category};
  }
  int ok = embedding_stats(&run->pd.sel, &cats, rows, run->n_rows, &st);
  ss_free(rows);
  if (!ok) return 0;
  ok = cJSON_AddNumberToObject(o, "dim", (double)run->pd.sel.dim) != NULL;
  ok &= (st.prototype_rows ? cJSON_AddNumberToObject(o, "mean_prototype_cosine",
                                                     round6(st.mean_prototype))
                           : cJSON_AddNullToObject(o, "mean_prototype_cosine")) != NULL;
  ok &= cJSON_AddNumberToObject(o, "prototype_rows", (double)st.prototype_rows) != NULL;
  ok &= (st.pairs ? cJSON_AddNumberToObject(o, "mean_pairwise_cosine",
                                            round6(st.mean_pairwise))
                  : cJSON_AddNullToObject(o, "mean_pairwise_cosine")) != NULL;
  ok &= (st.pairs ? cJSON_AddNumberToObject(o, "min_pairwise_cosine",
                                            round6(st.min_pairwise))
                  : cJSON_AddNullToObject(o, "min_pairwise_cosine")) != NULL;
  ok &= (st.coverage_radius >= 0
             ? cJSON_AddNumberToObject(o, "coverage_radius", round6(st.coverage_radius))
             : cJSON_AddNullToObject(o, "coverage_radius")) != NULL;
  return ok;
}

/* The report object; NULL when out of memory. */
static cJSON *build_report(const SampleRun *run) {
  const SampleOptions *opt = &run->opt;
  cJSON *o = cJSON_CreateObject(), *item;
  int ok = o != NULL;
  if (!ok) return NULL;
  ok &= cJSON_AddStringToObject(o, "version", SAFETY_VERSION) != NULL;
  ok &= cJSON_AddStringToObject(o, "method", run->method->name) != NULL;
  ok &= cJSON_AddNumberToObject(o, "budget", run->budget) != NULL;
  item = run->options ? cJSON_Parse((const char *)sqlite3_value_text(run->options))
                      : cJSON_CreateNull();
  ok &= item != NULL && cJSON_AddItemToObject(o, "options", item);
  ok &= (run->task_size >= 0
             ? cJSON_AddNumberToObject(o, "task_size", (double)run->task_size)
             : cJSON_AddNullToObject(o, "task_size")) != NULL;
  ok &= cJSON_AddNumberToObject(o, "n", (double)run->n) != NULL;
  ok &= cJSON_AddNumberToObject(o, "seed", (double)opt->seed) != NULL;
  if (run->opt.behavior_mask == 0) {
    ok &= cJSON_AddStringToObject(o, "behavior", "any") != NULL;
  } else {
    item = cJSON_AddArrayToObject(o, "behavior");
    ok &= item != NULL;
    for (int t = 1; ok && t <= 4; t++)
      if (run->opt.behavior_mask >> t & 1) {
        cJSON *s = cJSON_CreateString(behavior_name(t));
        ok &= s != NULL && cJSON_AddItemToArray(item, s);
      }
  }
  ok &= cJSON_AddNumberToObject(o, "eligible", (double)run->pd.sel.n) != NULL;
  if (opt->quota == QUOTA_OPT_EXPLICIT) {
    item = cJSON_AddObjectToObject(o, "quota");
    ok &= item != NULL;
    for (size_t q = 0; ok && q < opt->n_quota; q++)
      ok &= cJSON_AddNumberToObject(item, opt->quota_names[q],
                                    (double)opt->quota_counts[q]) != NULL;
  } else {
    ok &= cJSON_AddStringToObject(o, "quota", quota_name(opt->quota)) != NULL;
  }
  ok &= (opt->dedup > 0 ? cJSON_AddNumberToObject(o, "dedup", opt->dedup)
                        : cJSON_AddNullToObject(o, "dedup")) != NULL;
  ok &= cJSON_AddNumberToObject(o, "contrast", opt->contrast) != NULL;
  ok &= cJSON_AddNumberToObject(o, "contrast_reserved", (double)run->n_contrast) != NULL;
  if (opt->group != NULL) /* only when given: reports without it unchanged */
    ok &= cJSON_AddStringToObject(o, "group", opt->group) != NULL;
  ok &= cJSON_AddNumberToObject(o, "rows", (double)run->n_rows) != NULL;
  size_t stage[3] = {0, 0, 0};
  for (size_t i = 0; i < run->n_rows; i++) stage[run->rows[i].stage]++;
  item = cJSON_AddObjectToObject(o, "stages");
  ok &= item != NULL;
  for (int s = 0; ok && s < 3; s++)
    ok &= cJSON_AddNumberToObject(item, stage_name(s), (double)stage[s]) != NULL;
  ok &= cJSON_AddNumberToObject(o, "fill", (double)stage[STAGE_FILL]) != NULL;
  ok &= cJSON_AddNumberToObject(o, "dedup_skipped",
                                (double)(run->res.dedup_skipped +
                                         run->contrast_skipped)) != NULL;
  item = count_table(run);
  ok &= item != NULL && cJSON_AddItemToObject(o, "counts", item);
  if (run->embeddings) {
    ok &= embedding_stats_json(run, o);
  } else {
    static const char *const keys[] = {"dim", "mean_prototype_cosine",
                                       "prototype_rows", "mean_pairwise_cosine",
                                       "min_pairwise_cosine", "coverage_radius"};
    for (size_t k = 0; ok && k < sizeof keys / sizeof *keys; k++)
      ok &= cJSON_AddNullToObject(o, keys[k]) != NULL;
    ok &= cJSON_AddStringToObject(o, "embeddings_unavailable",
                                  run->no_embeddings ? run->no_embeddings : "") != NULL;
  }
  char fp[7 + 65];
  if (ok) fingerprint(run, fp); /* not when stopped: it hashes every vector */
  ok = ok && !core_stopped() &&
       cJSON_AddStringToObject(o, "fingerprint", fp) != NULL;
  if (!ok) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

/* Sets the error result, keeping the code (BUSY, LOCKED, NOMEM and
 * INTERRUPT reach the caller as themselves); errmsg is "safety_report: ...". */
static void report_error(sqlite3_context *ctx, int rc, const char *errmsg) {
  if (errmsg == NULL) {
    if (rc == SQLITE_NOMEM)
      sqlite3_result_error_nomem(ctx);
    else
      sqlite3_result_error_code(ctx, rc);
    return;
  }
  sqlite3_result_error(ctx, errmsg, -1);
  if (rc != SQLITE_ERROR) sqlite3_result_error_code(ctx, rc);
}

/* safety_report(method, budget [, options]) */
void fn_safety_report(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv) {
  SampleRun run;
  char *errmsg = NULL, *text = NULL;
  int rc = sample_run(sqlite3_context_db_handle(ctx), argc, argv, 1, &run,
                      &errmsg);
  if (rc == SQLITE_OK) {
    cJSON *report = build_report(&run);
    text = report ? cJSON_PrintUnformatted(report) : NULL;
    cJSON_Delete(report);
    if (core_stopped()) {
      char *body = NULL;
      rc = call_guard_stopped(run_guard(&run), "computing the report's statistics",
                              &body);
      errmsg = body ? sqlite3_mprintf("safety_report: %s", body) : NULL;
      sqlite3_free(body);
    } else if (text == NULL) {
      rc = SQLITE_NOMEM;
    }
  }
  if (rc == SQLITE_OK)
    sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
  else
    report_error(ctx, rc, errmsg);
  cJSON_free(text);
  sqlite3_free(errmsg);
  sample_run_free(&run);
}
