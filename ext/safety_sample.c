/*
 * safety_sample.c — the extension's entry point.
 *
 * SQLite derives the entry point from the file name (safety_sample.so ->
 * sqlite3_safetysample_init).  It registers every SQL function and
 * virtual table from one table (functions[], modules[] below, with their
 * flags), among them the build-report functions safety_version() and
 * safety_debug().
 * Only this symbol is exported (-fvisibility=hidden elsewhere).
 */
#include "common.h"
#include "pool_parallel.h"
#include "sql_functions.h"
#include "core/blas.h"

#include <cjson/cJSON.h>
#include <string.h>

SQLITE_EXTENSION_INIT1

/* safety_version(): the version string. */
static void fn_safety_version(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  sqlite3_result_text(ctx, SAFETY_VERSION, -1, SQLITE_STATIC);
}

/* The compile-time features, as one line of "name" words. */
static const char *build_features(void) {
  return "float32 vectors (little-endian)"
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
         ", kernels: default+avx2 chosen at load time"
#else
         ", kernels: portable"
#endif
#ifdef __SANITIZE_ADDRESS__
         ", AddressSanitizer"
#endif
#ifdef NDEBUG
         ", NDEBUG"
#endif
      ;
}

/* The OpenBLAS lines of safety_debug() (opening the library if it is not
 * yet: blas.h), or "openblas: not loaded (why)"; NULL without memory. */
static char *blas_report(void) {
  const BlasLib *b = blas_lib();
  if (b == NULL) return sqlite3_mprintf("openblas: not loaded (%s)", blas_error());
  return sqlite3_mprintf("openblas: %s\nopenblas core: %s\nopenblas threads: %d",
                         b->get_config(), b->get_corename(), b->get_num_threads());
}

/* safety_debug(): one text describing the build and the libraries in use. */
static void fn_safety_debug(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  char *blas = blas_report();
  char *text = blas == NULL ? NULL : sqlite3_mprintf(
      "safety_sample %s\n"
      "sqlite: %s (compiled against %s)\n"
      "%s\n"
      "pool reader: %s\n"
      "parallel pool reads: %d helper connections for a view, %d for a "
      "table or a sweep with cossim lists, of a rollback-journal file (0: "
      "one; SAFETY_SAMPLE_READERS sets it); %lu so far\n"
      "cjson: %s\n"
      "compiler: %s\n"
      "features: %s",
      SAFETY_VERSION, sqlite3_libversion(), SQLITE_VERSION, blas,
      sqlite3_threadsafe() ? "2 threads (SQLite's reader and a row worker)"
                           : "1 thread (SQLite is built without threads)",
      parallel_read_helpers(0), parallel_read_helpers(1), parallel_read_count(),
      cJSON_Version(),
#ifdef __clang__
      "clang " __clang_version__,
#elif defined(__GNUC__)
      "gcc " __VERSION__,
#else
      "unknown",
#endif
      build_features());
  sqlite3_free(blas);
  if (text == NULL) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_text(ctx, text, -1, sqlite3_free);
}

/* safety_sample(...) or safety_sweep(...) called as a scalar function: the
 * user meant the table-valued function, which SQLite would otherwise
 * report as "no such function". */
static void fn_table_only(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  const char *name = sqlite3_user_data(ctx);
  safety_result_error(ctx, name,
                      "cannot be called as a scalar function; it is a "
                      "table-valued function: call it in FROM, as in SELECT * FROM %s(%s)",
                      name, strcmp(name, "safety_sweep") == 0
                                ? "'[\"pss-b\"]', '[10, 100]'"
                                : "'pss-b', 10");
}

/* safety_report with neither 2 nor 3 arguments. */
static void fn_report_usage(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argv;
  safety_result_error(ctx, "safety_report",
                      "needs a method and a budget, and optionally options "
                      "(got %d argument%s), as in SELECT safety_report('pss-b', "
                      "10, '{\"seed\": 1}')",
                      argc, argc == 1 ? "" : "s");
}

/* ---- the registration table ---- */

#define FLAGS_PURE SAFETY_PURE
/* Depends on the database or the build, not only its arguments. */
#define FLAGS_VOLATILE (SQLITE_UTF8 | SQLITE_INNOCUOUS)

/* Every SQL function of the extension with its arguments and flags: a
 * scalar has xFunc; an aggregate xStep and xFinal; a window function also
 * xValue and xInverse; each gets its name as user data.  To add a function: its entry point in its file,
 * declared in sql_functions.h, and a row here. */
static const struct {
  const char *name;
  int nargs;
  int flags;
  SqlFunc xFunc, xStep;
  void (*xFinal)(sqlite3_context *);
  void (*xValue)(sqlite3_context *);
  SqlFunc xInverse;
} functions[] = {
    {"safety_version", 0, FLAGS_PURE, fn_safety_version, 0, 0, 0, 0},
    {"safety_debug", 0, FLAGS_VOLATILE, fn_safety_debug, 0, 0, 0, 0},
    {"vec_f32", 1, FLAGS_PURE, fn_vec_f32, 0, 0, 0, 0},
    {"vec_json", 1, FLAGS_PURE, fn_vec_json, 0, 0, 0, 0},
    {"vec_dim", 1, FLAGS_PURE, fn_vec_dim, 0, 0, 0, 0},
    {"vec_norm", 1, FLAGS_PURE, fn_vec_norm, 0, 0, 0, 0},
    {"vec_normalize", 1, FLAGS_PURE, fn_vec_normalize, 0, 0, 0, 0},
    {"cosine", 2, FLAGS_PURE, fn_cosine, 0, 0, 0, 0},
    {"cosine_distance", 2, FLAGS_PURE, fn_cosine_distance, 0, 0, 0, 0},
    {"prototype", 1, FLAGS_PURE, 0, prototype_step, prototype_final,
     prototype_value, prototype_inverse},
    {"behavior_type", 2, FLAGS_PURE, fn_behavior_type, 0, 0, 0, 0},
    {"refusal_kind", 1, FLAGS_PURE, fn_refusal_kind, 0, 0, 0, 0},
    {"refusal_score", 1, FLAGS_PURE, fn_refusal_score, 0, 0, 0, 0},
    {"is_refusal", 1, FLAGS_PURE, fn_is_refusal, 0, 0, 0, 0},
    {"safety_embed", 1, FLAGS_PURE, fn_safety_embed, 0, 0, 0, 0},
    {"safety_embed", 2, FLAGS_PURE, fn_safety_embed, 0, 0, 0, 0},
    {"is_truncated", 1, FLAGS_PURE, fn_is_truncated, 0, 0, 0, 0},
    /* Reads the database: neither deterministic nor innocuous. */
    {"safety_report", 2, SQLITE_UTF8, fn_safety_report, 0, 0, 0, 0},
    {"safety_report", 3, SQLITE_UTF8, fn_safety_report, 0, 0, 0, 0},
    {"safety_report", -1, FLAGS_VOLATILE, fn_report_usage, 0, 0, 0, 0},
    /* The table-valued functions called as scalars: a message that says so
     * (user data: the name). */
    {"safety_sample", -1, FLAGS_VOLATILE, fn_table_only, 0, 0, 0, 0},
    {"safety_sweep", -1, FLAGS_VOLATILE, fn_table_only, 0, 0, 0, 0},
    /* Internal: only pool_read can pass it its pointer argument. */
    {READ_POOL_FN, 6, SQLITE_UTF8 | SQLITE_DIRECTONLY, 0, read_pool_step,
     read_pool_final, 0, 0},
};

/* Every virtual table (table-valued function) of the extension. */
static const struct {
  const char *name;
  const sqlite3_module *module;
} modules[] = {
    {"safety_sample", &safety_sample_module},
    {"safety_sweep", &safety_sweep_module},
    /* File readers; their xConnect makes them SQLITE_VTAB_DIRECTONLY. */
    {"jsonl_each", &jsonl_module},
    {"csv_each", &csv_module},
};


#define COUNT(a) (sizeof(a) / sizeof *(a))

static int register_all(sqlite3 *db) {
  int rc = SQLITE_OK;
  for (size_t i = 0; rc == SQLITE_OK && i < COUNT(functions); i++)
    rc = functions[i].xValue
             ? sqlite3_create_window_function(
                   db, functions[i].name, functions[i].nargs,
                   functions[i].flags, (void *)functions[i].name, functions[i].xStep,
                   functions[i].xFinal, functions[i].xValue,
                   functions[i].xInverse, NULL)
             : sqlite3_create_function_v2(
                   db, functions[i].name, functions[i].nargs,
                   functions[i].flags, (void *)functions[i].name, functions[i].xFunc,
                   functions[i].xStep, functions[i].xFinal, NULL);
  for (size_t i = 0; rc == SQLITE_OK && i < COUNT(modules); i++)
    rc = sqlite3_create_module(db, modules[i].name, modules[i].module, NULL);
  return rc;
}

__attribute__((visibility("default"))) int sqlite3_safetysample_init(
    sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  int rc;
  SQLITE_EXTENSION_INIT2(pApi);
  if (sqlite3_libversion_number() < 3038000) {
    *pzErrMsg = safety_error_text("safety_sample",
                                  "needs SQLite 3.38 or newer, this is %s",
                                  sqlite3_libversion());
    return SQLITE_ERROR;
  }
  rc = register_all(db);
  if (rc != SQLITE_OK && pzErrMsg != NULL && *pzErrMsg == NULL)
    *pzErrMsg = safety_error_text("safety_sample", "registration failed: %s",
                                  sqlite3_errstr(rc));
  return rc;
}
