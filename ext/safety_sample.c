/*
 * safety_sample.c — the extension's entry point.
 *
 * SQLite derives the entry point from the file name (safety_sample.so ->
 * sqlite3_safetysample_init).  It registers every module's functions and
 * the two build-report functions safety_version() and safety_debug().
 * Only this symbol is exported (-fvisibility=hidden elsewhere).
 */
#include "common.h"
#include "truncation_sql.h"

#include <cblas.h>
#include <cjson/cJSON.h>

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

/* safety_debug(): one text describing the build and the libraries in use. */
static void fn_safety_debug(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  char *text = sqlite3_mprintf(
      "safety_sample %s\n"
      "sqlite: %s (compiled against %s)\n"
      "openblas: %s\n"
      "openblas core: %s\n"
      "openblas threads: %d\n"
      "pool reader: %s\n"
      "cjson: %s\n"
      "compiler: %s\n"
      "features: %s",
      SAFETY_VERSION, sqlite3_libversion(), SQLITE_VERSION,
      openblas_get_config(), openblas_get_corename(),
      openblas_get_num_threads(),
      sqlite3_threadsafe() ? "2 threads (SQLite's reader and a row worker)"
                           : "1 thread (SQLite is built without threads)",
      cJSON_Version(),
#ifdef __clang__
      "clang " __clang_version__,
#elif defined(__GNUC__)
      "gcc " __VERSION__,
#else
      "unknown",
#endif
      build_features());
  if (text == NULL) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  sqlite3_result_text(ctx, text, -1, sqlite3_free);
}

/* Every module's registration, in the order they are called. */
static int (*const module_registrations[])(sqlite3 *) = {
    safety_register_vector, safety_register_label, safety_register_refusal,
    safety_register_embed,
    safety_register_jsonl,  safety_register_sample, safety_register_pool_reader,
    safety_register_report, safety_register_truncation,
};

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
  rc = sqlite3_create_function_v2(db, "safety_version", 0, SAFETY_PURE, NULL,
                                  fn_safety_version, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function_v2(db, "safety_debug", 0,
                                    SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL,
                                    fn_safety_debug, NULL, NULL, NULL);
  for (size_t i = 0; rc == SQLITE_OK &&
                     i < sizeof module_registrations / sizeof *module_registrations;
       i++)
    rc = module_registrations[i](db);
  if (rc != SQLITE_OK && pzErrMsg != NULL && *pzErrMsg == NULL)
    *pzErrMsg = safety_error_text("safety_sample", "registration failed: %s",
                                  sqlite3_errstr(rc));
  return rc;
}
