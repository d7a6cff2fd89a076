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
  float *vec = malloc(sizeof(float) * (size_t)dim);
  float *centre_data = malloc(sizeof(float) * (size_t)dim * (NCAT + 1));
  if (tmp == NULL || vec == NULL || centre_data == NULL) {
    fprintf(stderr, "gen_pool: out of memory\n");
    return 1;
  }
  snprintf(tmp, tmplen, "%s.tmp", out);
  remove(tmp);

  sqlite3 *db = NULL;
  if (sqlite3_open(tmp, &db) != SQLITE_OK) {
    fprintf(stderr, "gen_pool: cannot open %s\n", tmp);
    return 1;
  }
  check(db, sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                             "PRAGMA cache_size=-262144;",
                         NULL, NULL, NULL), "pragmas");
  check(db, sqlite3_exec(db, schema, NULL, NULL, NULL), "schema");
  check(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin");

  /* Category centres and the T1 (refusal) direction: random unit-ish
   * vectors from a fixed seed, independent of N. */
  sm_state = 0x5AFE7Bull + (uint64_t)dim;
  const float *centres[NCAT + 1];
  for (int c = 0; c <= NCAT; c++) {
    float *cv = centre_data + (size_t)c * dim;
    for (int i = 0; i < dim; i++) cv[i] = gauss() / sqrtf((float)dim);
    centres[c] = cv;
  }
  int total_weight = 0;
  for (int c = 0; c < NCAT; c++) total_weight += category_weight[c];

  sqlite3_stmt *ins_ex = prepare(
      db, "INSERT INTO examples(id, source, source_key, instruction, response,"
          " harmful_request, refusal) VALUES (?1, 'synthetic', ?1, ?2, ?3, ?4, ?5)");
  sqlite3_stmt *ins_cat = prepare(
      db, "INSERT INTO example_categories(example_id, category) VALUES (?1, ?2)");
  sqlite3_stmt *ins_emb = prepare(
      db, "INSERT INTO embeddings(example_id, model, embedding) VALUES (?1, 'synthetic', ?2)");

  sm_state = 0xB0A7ull;
  long counts[4] = {0, 0, 0, 0};
  long cat_rows = 0;
  for (long id = 1; id <= n; id++) {
    double u = uniform01();
    int behaviour = u < 0.45 ? 0 : u < 0.70 ? 1 : u < 0.90 ? 2 : 3; /* T1..T4 */
    int harmful = behaviour <= 1, refusal = behaviour == 0 || behaviour == 3;
    counts[behaviour]++;
    int ncat;
    double v = uniform01();
    if (harmful)
      ncat = v < 0.80 ? 1 : v < 0.95 ? 2 : 3;
    else
      ncat = v < 0.70 ? 0 : 1;
    int cats[3];
    for (int j = 0; j < ncat; j++) {
      int c, dup;
      do {
        c = draw_category(total_weight);
        dup = 0;
        for (int k = 0; k < j; k++) dup |= cats[k] == c;
      } while (dup);
      cats[j] = c;
    }
    /* Embedding: category centres (the first weighs most), the refusal
     * direction for refusals, and noise. */
    const float *mix[4];
    float w[4];
    int nmix = 0;
    for (int j = 0; j < ncat; j++) {
      mix[nmix] = centres[cats[j]];
      w[nmix++] = j == 0 ? 1.0f : 0.6f;
    }
    if (refusal) {
      mix[nmix] = centres[NCAT];
      w[nmix++] = 0.5f;
    }
    make_vector(vec, dim, mix, w, nmix, 1.2f);

    char instruction[48], response[48];
    snprintf(instruction, sizeof instruction, "synthetic instruction %ld", id);
    snprintf(response, sizeof response, "synthetic response %ld", id);
    sqlite3_bind_int64(ins_ex, 1, id);
    sqlite3_bind_text(ins_ex, 2, instruction, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins_ex, 3, response, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(ins_ex, 4, harmful);
    sqlite3_bind_int(ins_ex, 5, refusal);
    step_reset(db, ins_ex);
    for (int j = 0; j < ncat; j++) {
      sqlite3_bind_int64(ins_cat, 1, id);
      sqlite3_bind_text(ins_cat, 2, category_names[cats[j]], -1, SQLITE_STATIC);
      step_reset(db, ins_cat);
      cat_rows++;
    }
    sqlite3_bind_int64(ins_emb, 1, id);
    sqlite3_bind_blob(ins_emb, 2, vec, (int)(sizeof(float) * (size_t)dim),
                      SQLITE_STATIC);
    step_reset(db, ins_emb);
  }

  /* The reference set: 100 single-category exemplars per category. */
  sqlite3_stmt *ins_ref = prepare(
      db, "INSERT INTO reference_examples(id, category, text, embedding)"
          " VALUES (?1, ?2, ?3, ?4)");
  sm_state = 0x4EF5ull;
  long ref_id = 1;
  for (int c = 0; c < NCAT; c++) {
    for (int i = 0; i < NREF_PER_CAT; i++, ref_id++) {
      const float *mix[1] = {centres[c]};
      float w[1] = {1.0f};
      make_vector(vec, dim, mix, w, 1, 1.0f);
      char text[64];
      snprintf(text, sizeof text, "reference %d of category %d", i + 1, c + 1);
      sqlite3_bind_int64(ins_ref, 1, ref_id);
      sqlite3_bind_text(ins_ref, 2, category_names[c], -1, SQLITE_STATIC);
      sqlite3_bind_text(ins_ref, 3, text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_blob(ins_ref, 4, vec, (int)(sizeof(float) * (size_t)dim),
                        SQLITE_STATIC);
      step_reset(db, ins_ref);
    }
  }

  sqlite3_stmt *ins_task = prepare(
      db, "INSERT INTO task_examples(id, instruction, output) VALUES (?1, 'task', 'output')");
  for (long id = 1; id <= NTASK; id++) {
    sqlite3_bind_int64(ins_task, 1, id);
    step_reset(db, ins_task);
  }

  sqlite3_finalize(ins_ex);
  sqlite3_finalize(ins_cat);
  sqlite3_finalize(ins_emb);
  sqlite3_finalize(ins_ref);
  sqlite3_finalize(ins_task);
  check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
  check(db, sqlite3_close(db), "close");
  if (rename(tmp, out) != 0) {
    perror(out);
    return 1;
  }
  printf("gen_pool: %s: %ld examples x %d dims (T1 %ld, T2 %ld, T3 %ld, T4 %ld),"
         " %ld category rows, %ld reference rows\n",
         out, n, dim, counts[0], counts[1], counts[2], counts[3], cat_rows,
         ref_id - 1);
  free(schema);
  free(tmp);
  free(vec);
  free(centre_data);
  return 0;
}
