/*
 * sql_functions.h — the SQL entry points of the SQLite floor, each defined
 * in the file of its SQL object and registered by the one table in
 * safety_sample.c (with its name, arguments and flags there).
 */
#ifndef SAFETY_SQL_FUNCTIONS_H
#define SAFETY_SQL_FUNCTIONS_H

#include "common.h"

typedef void (*SqlFunc)(sqlite3_context *, int, sqlite3_value **);

/* vec_sql.c: the vector functions and the prototype aggregate/window. */
void fn_vec_f32(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void fn_vec_json(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void fn_vec_dim(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void fn_vec_norm(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void fn_vec_normalize(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void fn_cosine(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void fn_cosine_distance(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void prototype_step(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void prototype_inverse(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void prototype_value(sqlite3_context *ctx);
void prototype_final(sqlite3_context *ctx);

/* label_sql.c: behavior_type(harmful_request, refusal). */
void fn_behavior_type(sqlite3_context *ctx, int argc, sqlite3_value **argv);

/* refusal_sql.c: refusal_kind, refusal_score and is_refusal (response). */
void fn_refusal_kind(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void fn_refusal_score(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void fn_is_refusal(sqlite3_context *ctx, int argc, sqlite3_value **argv);

/* embed_sql.c: safety_embed(text [, dim]). */
void fn_safety_embed(sqlite3_context *ctx, int argc, sqlite3_value **argv);

/* truncation_sql.c: is_truncated(response). */
void fn_is_truncated(sqlite3_context *ctx, int argc, sqlite3_value **argv);

/* report.c: safety_report(method, budget [, options]). */
void fn_safety_report(sqlite3_context *ctx, int argc, sqlite3_value **argv);

/* pool_read.c: the internal aggregate that reads the pool. */
#define READ_POOL_FN "safety_sample_read_pool"
void read_pool_step(sqlite3_context *ctx, int argc, sqlite3_value **argv);
void read_pool_final(sqlite3_context *ctx);

/* sample_vtab.c: the safety_sample table-valued function. */
extern const sqlite3_module safety_sample_module;
extern const sqlite3_module jsonl_module; /* jsonl_vtab.c */
extern const sqlite3_module csv_module;   /* csv_vtab.c */

/* sweep_vtab.c: the safety_sweep table-valued function. */
extern const sqlite3_module safety_sweep_module;

#endif
