/*
 * gen_pool.c — writes the benchmark's synthetic safety pool.
 *
 *   gen_pool OUT.db N DIM SCHEMA.sql
 *
 * Creates OUT.db with sql/schema.sql and fills it with N examples of DIM
 * dimensions, so the benchmark reads through the safety_pool and
 * safety_reference views exactly as a user's database would:
 *
 *   - behaviours: about 45 % T1, 25 % T2, 20 % T3, 10 % T4;
 *   - 14 harm categories (the BeaverTails names) with unequal frequencies;
 *     harmful examples have 1 category (80 %), 2 (15 %) or 3 (5 %); benign
 *     ones have none (70 %) or one;
 *   - embeddings: unit float32 vectors, the sum of the example's category
 *     centres, a behaviour direction and noise, so category prototypes and
 *     reference means mean something;
 *   - reference_examples: 100 per category (1,400 rows) around the centres;
 *   - task_examples: 20,000 short rows (the benchmark uses count budgets).
 *
 * Texts are short, so the pool's pages hold little besides embeddings: the
 * bare scan is as cheap as it can be, which makes the ratios to it strict.
 * Deterministic: one splitmix64 stream with fixed seeds, no rand().  The
 * database is written to OUT.db.tmp and renamed when complete.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCAT 14
#define NREF_PER_CAT 100
#define NTASK 20000

static const char *const category_names[NCAT] = {
    "animal_abuse",
    "child_abuse",
    "controversial_topics,politics",
    "discrimination,stereotype,injustice",
    "drug_abuse,weapons,banned_substance",
    "financial_crime,property_crime,theft",
    "hate_speech,offensive_language",
    "misinformation_regarding_ethics,laws_and_safety",
    "non_violent_unethical_behavior",
    "privacy_violation",
    "self_harm",
    "sexually_explicit,adult_content",
    "terrorism,organized_crime",
    "violence,aiding_and_abetting,incitement",
};
/* Relative frequencies, so categories differ in size (sss/pss order them). */
static const int category_weight[NCAT] = {4, 3, 10, 12, 16, 14, 18,
                                          5, 26, 9,  2, 6, 7,  28};

/* splitmix64: the generator's only source of randomness. */
static uint64_t sm_state;
static uint64_t splitmix64(void) {
  uint64_t z = (sm_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
/* Uniform in [0, 1). */
static double uniform01(void) { return (double)(splitmix64() >> 11) * 0x1p-53; }
/* Approximately standard normal: the sum of four 16-bit uniforms (Irwin-Hall),
 * centred and scaled to unit variance; one generator call per value. */
static float gauss(void) {
  uint64_t r = splitmix64();
  double s = (double)(r & 0xFFFF) + (double)((r >> 16) & 0xFFFF) +
             (double)((r >> 32) & 0xFFFF) + (double)(r >> 48);
  return (float)((s / 65536.0 - 2.0) * 1.7320508075688772);
}

/* A category drawn by weight. */
static int draw_category(int total_weight) {
  int r = (int)(uniform01() * total_weight);
  for (int c = 0; c < NCAT; c++) {
    if (r < category_weight[c]) return c;
    r -= category_weight[c];
  }
  return NCAT - 1;
}

/* v = normalize(sum of w_i * centre_i + noise_scale * gaussian noise / sqrt(dim)). */
static void make_vector(float *v, int dim, const float *const *centres,
                        const float *weights, int ncentres, float noise_scale) {
  double norm = 0;
  float ns = noise_scale / sqrtf((float)dim);
  for (int i = 0; i < dim; i++) {
    float x = ns * gauss();
    for (int j = 0; j < ncentres; j++) x += weights[j] * centres[j][i];
    v[i] = x;
    norm += (double)x * x;
  }
  float inv = (float)(1.0 / sqrt(norm));
  for (int i = 0; i < dim; i++) v[i] *= inv;
}

/* Exits with a message when an SQLite call failed. */
static void check(sqlite3 *db, int rc, const char *what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
  fprintf(stderr, "gen_pool: %s: %s\n", what, sqlite3_errmsg(db));
  exit(1);
}

/* Reads a whole file into a new NUL-terminated string. */
static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)len + 1);
  if (text == NULL || fread(text, 1, (size_t)len, f) != (size_t)len) {
    fprintf(stderr, "gen_pool: cannot read %s\n", path);
    exit(1);
  }
  text[len] = 0;
  fclose(f);
  return text;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  check(db, sqlite3_prepare_v2(db, sql, -1, &st, NULL), sql);
  return st;
}

/* Steps a fully bound insert once and resets it. */
static void step_reset(sqlite3 *db, sqlite3_stmt *st) {
  check(db, sqlite3_step(st), sqlite3_sql(st));
  sqlite3_reset(st);
}

/* What every writer needs: the database, the dimension, a row buffer and
 * the category centres (centres[NCAT] is the refusal direction). */
typedef struct {
  sqlite3 *db;
  int dim;
  float *vec;
  const float *centres[NCAT + 1];
  int total_weight;
} Gen;

/* Category centres and the T1 (refusal) direction: random unit-ish
 * vectors from a fixed seed, independent of N, in data[(NCAT + 1) * dim]. */
static void make_centres(Gen *g, float *data) {
  sm_state = 0x5AFE7Bull + (uint64_t)g->dim;
  for (int c = 0; c <= NCAT; c++) {
    float *cv = data + (size_t)c * g->dim;
    for (int i = 0; i < g->dim; i++) cv[i] = gauss() / sqrtf((float)g->dim);
    g->centres[c] = cv;
  }
  g->total_weight = 0;
  for (int c = 0; c < NCAT; c++) g->total_weight += category_weight[c];
}

/* An example's distinct categories into cats[0..3): 1-3 when harmful,
 * else 0-1.  Returns how many. */
static int draw_categories(const Gen *g, int harmful, int cats[3]) {
  double v = uniform01();
  int ncat = harmful ? (v < 0.80 ? 1 : v < 0.95 ? 2 : 3) : (v < 0.70 ? 0 : 1);
  for (int j = 0; j < ncat; j++) {
    int c, dup;
    do {
      c = draw_category(g->total_weight);
      dup = 0;
      for (int k = 0; k < j; k++) dup |= cats[k] == c;
    } while (dup);
    cats[j] = c;
  }
  return ncat;
}

/* The example's embedding into g->vec: its category centres (the first
 * weighs most), the refusal direction for refusals, and noise. */
static void example_vector(Gen *g, const int *cats, int ncat, int refusal) {
  const float *mix[4];
  float w[4];
  int nmix = 0;
  for (int j = 0; j < ncat; j++) {
    mix[nmix] = g->centres[cats[j]];
    w[nmix++] = j == 0 ? 1.0f : 0.6f;
  }
  if (refusal) {
    mix[nmix] = g->centres[NCAT];
    w[nmix++] = 0.5f;
  }
  make_vector(g->vec, g->dim, mix, w, nmix, 1.2f);
}

/* The three insert statements of an example. */
typedef struct {
  sqlite3_stmt *ex, *cat, *emb;
} ExampleInserts;

/* Inserts example id with its categories and the embedding in g->vec. */
static void insert_example(Gen *g, const ExampleInserts *ins, long id,
                           int harmful, int refusal, const int *cats, int ncat) {
  char instruction[48], response[48];
  snprintf(instruction, sizeof instruction, "synthetic instruction %ld", id);
  snprintf(response, sizeof response, "synthetic response %ld", id);
  sqlite3_bind_int64(ins->ex, 1, id);
  sqlite3_bind_text(ins->ex, 2, instruction, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(ins->ex, 3, response, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(ins->ex, 4, harmful);
  sqlite3_bind_int(ins->ex, 5, refusal);
  step_reset(g->db, ins->ex);
  for (int j = 0; j < ncat; j++) {
    sqlite3_bind_int64(ins->cat, 1, id);
    sqlite3_bind_text(ins->cat, 2, category_names[cats[j]], -1, SQLITE_STATIC);
    step_reset(g->db, ins->cat);
  }
  sqlite3_bind_int64(ins->emb, 1, id);
  sqlite3_bind_blob(ins->emb, 2, g->vec, (int)(sizeof(float) * (size_t)g->dim),
                    SQLITE_STATIC);
  step_reset(g->db, ins->emb);
}

/* The pool: n examples; counts[0..4) gets the examples per behaviour.
 * Returns the number of category rows. */
static long write_examples(Gen *g, long n, long counts[4]) {
  ExampleInserts ins = {
      prepare(g->db, "INSERT INTO examples(id, source, source_key, instruction, response,"
                     " harmful_request, refusal) VALUES (?1, 'synthetic', ?1, ?2, ?3, ?4, ?5)"),
      prepare(g->db, "INSERT INTO example_categories(example_id, category) VALUES (?1, ?2)"),
      prepare(g->db, "INSERT INTO embeddings(example_id, model, embedding) VALUES (?1, 'synthetic', ?2)"),
  };
  sm_state = 0xB0A7ull;
  long cat_rows = 0;
  for (long id = 1; id <= n; id++) {
    double u = uniform01();
    int behaviour = u < 0.45 ? 0 : u < 0.70 ? 1 : u < 0.90 ? 2 : 3; /* T1..T4 */
    int harmful = behaviour <= 1, refusal = behaviour == 0 || behaviour == 3;
    counts[behaviour]++;
    int cats[3];
    int ncat = draw_categories(g, harmful, cats);
    example_vector(g, cats, ncat, refusal);
    insert_example(g, &ins, id, harmful, refusal, cats, ncat);
    cat_rows += ncat;
  }
  sqlite3_finalize(ins.ex);
  sqlite3_finalize(ins.cat);
  sqlite3_finalize(ins.emb);
  return cat_rows;
}

/* The reference set: 100 single-category exemplars per category.  Returns
 * the number of rows. */
static long write_reference(Gen *g) {
  sqlite3_stmt *ins_ref = prepare(
      g->db, "INSERT INTO reference_examples(id, category, text, embedding)"
             " VALUES (?1, ?2, ?3, ?4)");
  sm_state = 0x4EF5ull;
  long ref_id = 1;
  for (int c = 0; c < NCAT; c++) {
    for (int i = 0; i < NREF_PER_CAT; i++, ref_id++) {
      const float *mix[1] = {g->centres[c]};
      float w[1] = {1.0f};
      make_vector(g->vec, g->dim, mix, w, 1, 1.0f);
      char text[64];
      snprintf(text, sizeof text, "reference %d of category %d", i + 1, c + 1);
      sqlite3_bind_int64(ins_ref, 1, ref_id);
      sqlite3_bind_text(ins_ref, 2, category_names[c], -1, SQLITE_STATIC);
      sqlite3_bind_text(ins_ref, 3, text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_blob(ins_ref, 4, g->vec, (int)(sizeof(float) * (size_t)g->dim),
                        SQLITE_STATIC);
      step_reset(g->db, ins_ref);
    }
  }
  sqlite3_finalize(ins_ref);
  return ref_id - 1;
}

/* The task set: NTASK short rows. */
static void write_tasks(sqlite3 *db) {
  sqlite3_stmt *ins_task = prepare(
      db, "INSERT INTO task_examples(id, instruction, output) VALUES (?1, 'task', 'output')");
  for (long id = 1; id <= NTASK; id++) {
    sqlite3_bind_int64(ins_task, 1, id);
    step_reset(db, ins_task);
  }
  sqlite3_finalize(ins_task);
}

/* Opens a new database at path (removing an old one), applies the fast
 * pragmas and the schema and begins the transaction. */
static sqlite3 *open_new(const char *path, const char *schema) {
  remove(path);
  sqlite3 *db = NULL;
  if (sqlite3_open(path, &db) != SQLITE_OK) {
    fprintf(stderr, "gen_pool: cannot open %s\n", path);
    exit(1);
  }
  check(db, sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                             "PRAGMA cache_size=-262144;",
                         NULL, NULL, NULL), "pragmas");
  check(db, sqlite3_exec(db, schema, NULL, NULL, NULL), "schema");
  check(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin");
  return db;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: gen_pool OUT.db N DIM SCHEMA.sql\n");
    return 2;
  }
  const char *out = argv[1];
  long n = atol(argv[2]);
  int dim = atoi(argv[3]);
  if (n < 1 || dim < 1 || dim > 65536) {
    fprintf(stderr, "gen_pool: N must be >= 1 and DIM in 1..65536\n");
    return 2;
  }
  char *schema = read_file(argv[4]);
  size_t tmplen = strlen(out) + 5;
  char *tmp = malloc(tmplen);
  Gen g = {.dim = dim, .vec = malloc(sizeof(float) * (size_t)dim)};
  float *centre_data = malloc(sizeof(float) * (size_t)dim * (NCAT + 1));
  if (tmp == NULL || g.vec == NULL || centre_data == NULL) {
    fprintf(stderr, "gen_pool: out of memory\n");
    return 1;
  }
  snprintf(tmp, tmplen, "%s.tmp", out);
  g.db = open_new(tmp, schema);
  make_centres(&g, centre_data);
  long counts[4] = {0, 0, 0, 0};
  long cat_rows = write_examples(&g, n, counts);
  long ref_rows = write_reference(&g);
  write_tasks(g.db);
  check(g.db, sqlite3_exec(g.db, "COMMIT", NULL, NULL, NULL), "commit");
  check(g.db, sqlite3_close(g.db), "close");
  if (rename(tmp, out) != 0) {
    perror(out);
    return 1;
  }
  printf("gen_pool: %s: %ld examples x %d dims (T1 %ld, T2 %ld, T3 %ld, T4 %ld),"
         " %ld category rows, %ld reference rows\n",
         out, n, dim, counts[0], counts[1], counts[2], counts[3], cat_rows,
         ref_rows);
  free(schema);
  free(tmp);
  free(g.vec);
  free(centre_data);
  return 0;
}
