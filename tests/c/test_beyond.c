/*
 * test_beyond.c — unit tests of the additions beyond the paper on in-memory pools:
 * SHA-256 against the FIPS 180-4 vectors; proportional quotas against an
 * exact rational computation; explicit quotas and their shortfalls;
 * dedup (no pair at or above the threshold, no change when nothing is a
 * near-duplicate, skips counted); facility location against an exhaustive
 * greedy, its sgemm bounds against the exact gains, and METHOD_FL against
 * a brute-force run of the whole plan; contrast against a plain round
 * robin.
 */
#include "check.h"
#include "facility.h"
#include "select.h"
#include "sha256.h"
#include "vector.h"
#include "random_pool.h"

#include <stdlib.h>
#include <string.h>

/* ---- SHA-256 ---- */

static void hex(const unsigned char d[32], char out[65]) {
  for (int i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", d[i]);
}

static void test_sha256(void) {
  static const struct {
    const char *msg;
    const char *want;
  } cases[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
  };
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    Sha256 h;
    unsigned char d[32];
    char got[65];
    sha256_init(&h);
    /* Fed in pieces of 1, 2, 3, ... bytes to exercise the buffering. */
    size_t len = strlen(cases[c].msg), pos = 0;
    for (size_t piece = 1; pos < len; piece++) {
      size_t take = len - pos < piece ? len - pos : piece;
      sha256_update(&h, cases[c].msg + pos, take);
      pos += take;
    }
    sha256_final(&h, d);
    hex(d, got);
    CHECK(strcmp(got, cases[c].want) == 0, "sha256 case %zu: %s", c, got);
  }
  /* One million 'a' (FIPS 180-4 appendix). */
  Sha256 h;
  unsigned char d[32];
  char got[65], block[1000];
  memset(block, 'a', sizeof block);
  sha256_init(&h);
  for (int i = 0; i < 1000; i++) sha256_update(&h, block, sizeof block);
  sha256_final(&h, d);
  hex(d, got);
  CHECK(strcmp(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
        "sha256 of a million 'a': %s", got);
  /* The fixed-width helpers are little-endian. */
  Sha256 a, b;
  unsigned char da[32], db[32], le[4] = {0x04, 0x03, 0x02, 0x01};
  sha256_init(&a);
  sha256_u32(&a, 0x01020304u);
  sha256_final(&a, da);
  sha256_init(&b);
  sha256_update(&b, le, 4);
  sha256_final(&b, db);
  CHECK(memcmp(da, db, 32) == 0, "sha256_u32 hashes little-endian bytes");
}

/* ---- proportional quotas ---- */

static void test_proportional_quotas(void) {
  /* Worked: sizes 1, 3, 4 (total 8), n = 6: one each, then 3 to share:
   * 3/8 -> 0 r3, 9/8 -> 1 r1, 12/8 -> 1 r4; one unit left -> the largest
   * remainder (r4, the third): 1, 2, 3. */
  size_t sizes[3] = {1, 3, 4}, out[3];
  select_proportional_quotas(sizes, 3, 6, out);
  CHECK(out[0] == 1 && out[1] == 2 && out[2] == 3, "1,3,4 n=6: %zu %zu %zu",
        out[0], out[1], out[2]);
  /* Ties go to the earlier category: sizes 2, 2, n = 4 -> 1+0.5 each; the
   * single unit left goes to the first. */
  size_t tie[2] = {2, 2}, to[2];
  select_proportional_quotas(tie, 2, 3, to);
  CHECK(to[0] == 2 && to[1] == 1, "tie: %zu %zu", to[0], to[1]);
  /* n < C: no minimum; 2 units over sizes 1, 1, 10 -> 10 gets floor(20/12)
   * = 1 r8, the others 0 r2 each: the unit left goes to the r8 one. */
  size_t few[3] = {1, 1, 10}, fo[3];
  select_proportional_quotas(few, 3, 2, fo);
  CHECK(fo[0] == 0 && fo[1] == 0 && fo[2] == 2, "n<C: %zu %zu %zu", fo[0],
        fo[1], fo[2]);
  /* Random cases against the definition, in exact integer arithmetic. */
  unsigned long long seed = 7;
  int ok_sum = 1, ok_min = 1, ok_rule = 1;
  for (int t = 0; t < 500; t++) {
    size_t c = 1 + test_rand(&seed) % 12, n = 1 + test_rand(&seed) % 200;
    size_t sz[12], q[12], total = 0;
    for (size_t i = 0; i < c; i++) total += sz[i] = 1 + test_rand(&seed) % 300;
    select_proportional_quotas(sz, c, n, q);
    size_t sum = 0, base = n >= c ? 1 : 0, share = n - base * c;
    for (size_t i = 0; i < c; i++) {
      sum += q[i];
      ok_min &= q[i] >= base;
      /* Hamilton: q - base is floor(share*size/total) or one more. */
      size_t fl = share * sz[i] / total;
      ok_rule &= q[i] - base == fl || q[i] - base == fl + 1;
    }
    ok_sum &= sum == n;
    /* Whoever got the extra unit has a remainder >= everyone who did not
     * (and on equal remainders, comes first). */
    for (size_t i = 0; i < c; i++)
      for (size_t j = 0; j < c; j++) {
        size_t ri = share * sz[i] % total, rj = share * sz[j] % total;
        int xi = q[i] - base > share * sz[i] / total;
        int xj = q[j] - base > share * sz[j] / total;
        if (xi && !xj) ok_rule &= ri > rj || (ri == rj && i < j);
      }
  }
  CHECK(ok_sum, "proportional quotas always sum to n");
  CHECK(ok_min, "at least one per category when n >= C");
  CHECK(ok_rule, "largest remainder, earlier category on ties");
}

/* ---- random pools (tests/c/random_pool.h), ids 5, 7, 9, ... ---- */

typedef RandomPool Pool;
#define make_pool(t, n, dim, n_cat, seed, duplicates) \
  make_random_pool((t), (n), (dim), (n_cat), (seed), (duplicates), 5, 2)

static double cos_ex(const SelectPool *p, size_t a, size_t b) {
  return vec_cosine_with_norms(p->vectors + p->vec_row[a] * p->dim,
                               p->vectors + p->vec_row[b] * p->dim, p->dim,
                               p->norms[a], p->norms[b]);
}

static int same_rows(const SelectResult *a, const SelectResult *b) {
  if (a->n_rows != b->n_rows) return 0;
  for (size_t i = 0; i < a->n_rows; i++)
    if (a->rows[i].example != b->rows[i].example ||
        a->rows[i].category != b->rows[i].category ||
        a->rows[i].stage != b->rows[i].stage ||
        a->rows[i].has_score != b->rows[i].has_score ||
        (a->rows[i].has_score && a->rows[i].score != b->rows[i].score))
      return 0;
  return 1;
}

/* ---- dedup ---- */

static void test_dedup(void) {
  static Pool t;
  const SelectMethod methods[5] = {METHOD_RANDOM, METHOD_SSS, METHOD_PSS,
                                   METHOD_COSSIM, METHOD_FL};
  int no_pair = 1, unchanged = 1, skipped_some = 1, full = 1;
  for (unsigned long long seed = 1; seed <= 12; seed++) {
    make_pool(&t, 120 + seed * 10, 4, 1 + seed % 6, seed, 1);
    for (int mi = 0; mi < 5; mi++) {
      SelectFill fill = methods[mi] == METHOD_COSSIM ? SELECT_FILL_SCORE
                                                     : SELECT_FILL_RANDOM;
      size_t n = 10 + seed * 3, bad;
      SelectExtra x = {.dedup = 0.9};
      SelectResult r, plain, one;
      select_run_extra(&t.p, methods[mi], n, fill, seed, &x, &r, &bad);
      for (size_t i = 0; i < r.n_rows; i++)
        for (size_t j = i + 1; j < r.n_rows; j++)
          no_pair &= cos_ex(&t.p, r.rows[i].example, r.rows[j].example) < 0.9;
      full &= r.n_rows == n; /* plenty of non-duplicates are left */
      skipped_some &= r.dedup_skipped > 0 || methods[mi] == METHOD_FL;
      /* Threshold 1: only exact directions would be skipped; none here,
       * so the rows are the contract's, draw for draw. */
      SelectExtra x1 = {.dedup = 1.0};
      select_run(&t.p, methods[mi], n, fill, seed, &plain, &bad);
      select_run_extra(&t.p, methods[mi], n, fill, seed, &x1, &one, &bad);
      unchanged &= same_rows(&plain, &one) && one.dedup_skipped == 0;
      select_result_free(&r);
      select_result_free(&plain);
      select_result_free(&one);
    }
  }
  CHECK(no_pair, "dedup: no two rows at or above the threshold, any method");
  CHECK(full, "dedup: still n rows when enough distinct examples exist");
  CHECK(skipped_some, "dedup: near-copies were skipped and counted");
  CHECK(unchanged, "dedup 1.0 without exact duplicates changes nothing");

  /* Hand-made: three examples, 0 and 1 nearly the same direction. */
  int64_t ids[3] = {1, 2, 3};
  float vec[6] = {1, 0, 1, 0.01f, 0, 1};
  size_t rows[3] = {0, 1, 2}, start[2] = {0, 3}, members[3] = {0, 1, 2};
  double norms[3];
  for (int i = 0; i < 3; i++) norms[i] = vec_norm(vec + 2 * i, 2);
  SelectPool p = {.n = 3, .ids = ids, .dim = 2, .vectors = vec, .vec_row = rows, .norms = norms,
                  .n_cat = 1, .cat_start = start, .cat_member = members};
  SelectExtra x = {.dedup = 0.99};
  SelectResult r;
  size_t bad;
  select_run_extra(&p, METHOD_PSS, 2, SELECT_FILL_NONE, 0, &x, &r, &bad);
  /* prototype [0.667, 0.337]: cosines .892 (0), .897 (1), .451 (2); 1
   * first, then 0 is a near-copy of 1 (cosine .99995): skipped for 2. */
  CHECK(r.n_rows == 2 && r.rows[0].example == 1 && r.rows[1].example == 2 &&
            r.dedup_skipped == 1,
        "pss dedup: skips the near-copy and takes the next best (%zu rows)",
        r.n_rows);
  select_result_free(&r);
}

/* ---- explicit quotas ---- */

static void test_explicit_quotas(void) {
  static Pool t;
  make_pool(&t, 200, 3, 4, 42, 0);
  /* Category sizes (members): the quotas ask for 3, 0, 5, 2 in category
   * index order; categories are visited smallest first. */
  size_t counts[4] = {3, 0, 5, 2}, bad;
  SelectExtra x = {.quota = SELECT_QUOTA_EXPLICIT, .quota_counts = counts};
  const SelectMethod methods[3] = {METHOD_SSS, METHOD_PSS, METHOD_FL};
  for (int mi = 0; mi < 3; mi++) {
    SelectResult r;
    select_run_extra(&t.p, methods[mi], 12, SELECT_FILL_RANDOM, 3, &x, &r, &bad);
    size_t per[4] = {0}, fill = 0;
    for (size_t i = 0; i < r.n_rows; i++)
      if (r.rows[i].stage == STAGE_FILL)
        fill++;
      else
        per[r.rows[i].category]++;
    CHECK(r.n_rows == 12 && per[0] == 3 && per[1] == 0 && per[2] == 5 &&
              per[3] == 2 && fill == 2,
          "explicit quotas honoured (method %d): %zu %zu %zu %zu + %zu fill",
          mi, per[0], per[1], per[2], per[3], fill);
    select_result_free(&r);
  }
  /* Shortfall: a category with 2 members asked for 5 passes 3 on. */
  int64_t ids[6] = {1, 2, 3, 4, 5, 6};
  float vec[12] = {1, 0, 0.9f, 0.1f, 0, 1, 0.1f, 0.9f, 0.5f, 0.5f, 0.3f, 0.7f};
  size_t rows[6] = {0, 1, 2, 3, 4, 5};
  size_t start[3] = {0, 2, 6}, members[6] = {0, 1, 2, 3, 4, 5};
  double norms[6];
  for (int i = 0; i < 6; i++) norms[i] = vec_norm(vec + 2 * i, 2);
  SelectPool p = {.n = 6, .ids = ids, .dim = 2, .vectors = vec, .vec_row = rows, .norms = norms,
                  .n_cat = 2, .cat_start = start, .cat_member = members};
  size_t want[2] = {5, 0};
  SelectExtra xs = {.quota = SELECT_QUOTA_EXPLICIT, .quota_counts = want};
  SelectResult r;
  select_run_extra(&p, METHOD_SSS, 5, SELECT_FILL_NONE, 0, &xs, &r, &bad);
  CHECK(r.n_rows == 2, "explicit: a category whose count is 0 takes no "
                       "shortfall (%zu rows)", r.n_rows);
  select_result_free(&r);
  size_t want2[2] = {5, 1};
  xs.quota_counts = want2;
  select_run_extra(&p, METHOD_PSS, 6, SELECT_FILL_NONE, 0, &xs, &r, &bad);
  size_t in0 = 0, in1 = 0;
  for (size_t i = 0; i < r.n_rows; i++) {
    if (r.rows[i].category == 0) in0++;
    else in1++;
  }
  CHECK(r.n_rows == 6 && in0 == 2 && in1 == 4,
        "explicit: category 0 (2 members, asked 5) passes 3 to category 1 "
        "(asked 1): %zu + %zu", in0, in1);
  select_result_free(&r);
  /* Proportional through select_run_extra: targets sum to n, no fill. */
  SelectExtra xp = {.quota = SELECT_QUOTA_PROPORTIONAL};
  select_run_extra(&t.p, METHOD_PSS, 17, SELECT_FILL_RANDOM, 0, &xp, &r, &bad);
  size_t fills = 0;
  for (size_t i = 0; i < r.n_rows; i++) fills += r.rows[i].stage == STAGE_FILL;
  CHECK(r.n_rows == 17 && fills == 0, "proportional pss: 17 category rows");
  select_result_free(&r);
}

/* ---- facility location ---- */

/* Exhaustive greedy with exact gains (no laziness, no bounds). */
/* The tie key of contract section 7 with the test's own splitmix64
 * (check.h): mix(x) is test_rand of state x. */
static uint64_t expected_key(int64_t id, unsigned long long seed) {
  unsigned long long s = seed, x = (unsigned long long)id ^ test_rand(&s);
  return test_rand(&x);
}

static size_t brute_fl(const FlProblem *p, size_t k, size_t *out) {
  size_t m = p->m, picked = 0;
  double *cur = calloc(m, sizeof(double));
  unsigned char *used = calloc(m, 1);
  for (size_t i = 0; i < m; i++)
    if (p->state[i] == FL_SELECTED)
      for (size_t j = 0; j < m; j++) {
        double s = facility_sim(p, i, j);
        if (s > cur[j]) cur[j] = s;
      }
  while (picked < k) {
    size_t best = SIZE_MAX;
    double best_gain = -1;
    for (size_t i = 0; i < m; i++) {
      if (p->state[i] != FL_CANDIDATE || used[i]) continue;
      double g = 0;
      for (size_t j = 0; j < m; j++) {
        double d = facility_sim(p, i, j) - cur[j];
        if (d > 0) g += d;
      }
      /* Equal gains: the smaller tie key (when given), then index. */
      if (g > best_gain ||
          (g == best_gain && p->key && p->key[i] < p->key[best]))
        best_gain = g, best = i;
    }
    if (best == SIZE_MAX) break;
    used[best] = 1;
    out[picked++] = best;
    for (size_t j = 0; j < m; j++) {
      double s = facility_sim(p, best, j);
      if (s > cur[j]) cur[j] = s;
    }
  }
  free(cur);
  free(used);
  return picked;
}

typedef struct {
  size_t picks[200];
  size_t n;
} Collect;

static int collect(void *ctx, size_t member, double gain) {
  (void)gain;
  Collect *c = ctx;
  c->picks[c->n++] = member;
  return 1;
}

static void test_facility_against_brute_force(void) {
  static float vec[150 * 16];
  const float *rows[150];
  double norms[150];
  unsigned char state[150];
  size_t total_evals = 0, total_cands = 0;
  int all_same = 1, bounds_ok = 1;
  for (unsigned long long seed = 1; seed <= 40; seed++) {
    size_t m = 5 + (seed * 13) % 140, dim = 1 + seed % 16;
    unsigned long long s = seed * 1000;
    for (size_t i = 0; i < m; i++) {
      for (size_t d = 0; d < dim; d++)
        vec[i * dim + d] = (float)test_uniform(&s) + (d == 0 ? 0.3f : 0.0f);
      /* Some exact ties: copies of an earlier member. */
      if (i > 2 && test_rand(&s) % 7 == 0)
        memcpy(vec + i * dim, vec + (i / 2) * dim, dim * sizeof(float));
      rows[i] = vec + i * dim;
      norms[i] = vec_norm(rows[i], dim);
      unsigned r = (unsigned)(test_rand(&s) % 10);
      state[i] = r == 0 ? FL_SELECTED : r == 1 ? FL_EXCLUDED : FL_CANDIDATE;
    }
    /* Odd seeds renew bounds with sgemm blocks, even ones from the
     * cached matrix. */
    FlProblem p = {m, dim, rows, norms, state, (int)(seed & 1), NULL};
    size_t k = 1 + seed % 12, want[150], evals;
    size_t n_want = brute_fl(&p, k, want);
    Collect got = {{0}, 0};
    size_t n_got;
    facility_greedy(&p, k, collect, &got, &n_got, &evals);
    int same = n_got == n_want && got.n == n_want;
    for (size_t i = 0; same && i < n_want; i++) same = got.picks[i] == want[i];
    all_same &= same;
    if (!same) printf("  fl seed %llu: m=%zu k=%zu differs\n", seed, m, k);
    /* The sgemm bounds are upper bounds of the exact initial gains. */
    size_t idx[150];
    double bound[150];
    for (size_t i = 0; i < m; i++) idx[i] = i;
    facility_bounds(&p, idx, m, NULL, bound);
    for (size_t i = 0; i < m; i++) {
      double g = 0;
      for (size_t j = 0; j < m; j++) g += facility_sim(&p, i, j);
      bounds_ok &= bound[i] >= g && bound[i] - g < 1e-3 * (double)m;
    }
    total_evals += evals;
    total_cands += m;
  }
  CHECK(all_same, "lazy greedy (sgemm bounds) == exhaustive exact greedy");
  CHECK(bounds_ok, "sgemm bounds are tight upper bounds of the exact gains");
  CHECK(total_evals < total_cands * 12,
        "lazy evaluation: %zu exact gains for %zu members", total_evals,
        total_cands);
}

/* A candidate refused by the callback is never offered again and the
 * next best is offered instead. */
static int refuse_first(void *ctx, size_t member, double gain) {
  (void)gain;
  Collect *c = ctx;
  c->picks[c->n++] = member;
  return c->n > 1;
}

static void test_facility_refusal(void) {
  float vec[8] = {1, 0, 0.9f, 0.1f, 0, 1, 0.7f, 0.7f};
  const float *rows[4] = {vec, vec + 2, vec + 4, vec + 6};
  double norms[4];
  unsigned char state[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4; i++) norms[i] = vec_norm(rows[i], 2);
  FlProblem p = {4, 2, rows, norms, state, 0, NULL};
  Collect c = {{0}, 0};
  size_t n;
  facility_greedy(&p, 1, refuse_first, &c, &n, NULL);
  CHECK(n == 1 && c.n == 2 && c.picks[0] != c.picks[1],
        "a refused candidate is skipped and the next best taken");
  /* Worked example: the diagonal [0.7, 0.7] covers all four best:
   * sims to it: .707, .779 (0.9,0.1), .707, 1 -> 3.19 vs the others. */
  Collect d = {{0}, 0};
  facility_greedy(&p, 2, collect, &d, &n, NULL);
  CHECK(n == 2 && d.picks[0] == 3, "first pick is the most central member");
}

/* METHOD_FL == the plan (order, k, stop at n) with brute_fl per category. */
static void test_fl_method(void) {
  static Pool t;
  for (unsigned long long seed = 1; seed <= 10; seed++) {
    make_pool(&t, 60 + seed * 12, 5, 1 + seed % 6, seed, 0);
    const SelectPool *p = &t.p;
    size_t n = 3 + seed * 2, bad;
    SelectResult r;
    select_run_extra(p, METHOD_FL, n, SELECT_FILL_NONE, 0, NULL, &r, &bad);
    /* Brute force: categories by size ascending then index, k each. */
    size_t order[6], c_used = 0;
    for (size_t c = 0; c < p->n_cat; c++)
      if (p->cat_start[c + 1] > p->cat_start[c]) order[c_used++] = c;
    for (size_t a = 0; a < c_used; a++)
      for (size_t b = a + 1; b < c_used; b++) {
        size_t ma = p->cat_start[order[a] + 1] - p->cat_start[order[a]];
        size_t mb = p->cat_start[order[b] + 1] - p->cat_start[order[b]];
        if (mb < ma || (mb == ma && order[b] < order[a])) {
          size_t x = order[a];
          order[a] = order[b];
          order[b] = x;
        }
      }
    size_t k = c_used ? n / c_used : n;
    if (k < 1) k = 1;
    unsigned char chosen[300] = {0};
    size_t want[300], n_want = 0;
    for (size_t oi = 0; oi < c_used && n_want < n; oi++) {
      size_t c = order[oi], m = p->cat_start[c + 1] - p->cat_start[c];
      const size_t *mem = p->cat_member + p->cat_start[c];
      const float *rows[300];
      unsigned char state[300];
      for (size_t j = 0; j < m; j++) {
        rows[j] = p->vectors + p->vec_row[mem[j]] * p->dim;
        state[j] = chosen[mem[j]] ? FL_SELECTED : FL_CANDIDATE;
      }
      double norms[300];
      uint64_t keys[300];
      for (size_t j = 0; j < m; j++) {
        norms[j] = p->norms[mem[j]];
        keys[j] = expected_key(p->ids[mem[j]], 0);
      }
      FlProblem fl = {m, p->dim, rows, norms, state, 0, keys};
      size_t picks[300];
      size_t take = k < n - n_want ? k : n - n_want;
      size_t got = brute_fl(&fl, take, picks);
      for (size_t j = 0; j < got; j++) {
        chosen[mem[picks[j]]] = 1;
        want[n_want++] = mem[picks[j]];
      }
    }
    int same = r.n_rows == n_want;
    for (size_t i = 0; same && i < n_want; i++) same = r.rows[i].example == want[i];
    CHECK(same, "fl method seed %llu: %zu rows, brute force %zu", seed,
          r.n_rows, n_want);
    select_result_free(&r);
  }
  /* The size limit. */
  /* Category 0 = {0}, category 1 = every one of FL_MAX_MEMBERS + 1. */
  static size_t big_members[FL_MAX_MEMBERS + 2];
  static int64_t ids[FL_MAX_MEMBERS + 1];
  static size_t rows[FL_MAX_MEMBERS + 1];
  static double norms[FL_MAX_MEMBERS + 1];
  float v[1] = {1};
  for (size_t i = 0; i <= FL_MAX_MEMBERS; i++) {
    big_members[i + 1] = i;
    ids[i] = (int64_t)i;
    rows[i] = 0;
    norms[i] = 1;
  }
  size_t start[3] = {0, 1, FL_MAX_MEMBERS + 2}, bad = 99;
  SelectPool big = {.n = FL_MAX_MEMBERS + 1, .ids = ids, .dim = 1, .vectors = v, .vec_row = rows,
                    .norms = norms, .n_cat = 2, .cat_start = start, .cat_member = big_members};
  SelectResult r;
  int rc = select_run_extra(&big, METHOD_FL, 5, SELECT_FILL_RANDOM, 0, NULL, &r, &bad);
  CHECK(rc == SELECT_ETOO_LARGE && bad == 1,
        "fl refuses a category above FL_MAX_MEMBERS (rc %d, category %zu)", rc, bad);
}

/* ---- contrast ---- */

static void test_contrast(void) {
  static Pool cand;
  make_pool(&cand, 80, 4, 1, 99, 0);
  float anchors[3 * 4];
  unsigned long long s = 5;
  for (int i = 0; i < 12; i++) anchors[i] = (float)test_uniform(&s);
  const float *av[3] = {anchors, anchors + 4, anchors + 8};
  double an[3];
  for (int i = 0; i < 3; i++) an[i] = vec_norm(av[i], 4);
  unsigned char excluded[80] = {0};
  excluded[7] = excluded[11] = 1;
  ContrastPick picks[200];
  size_t n_picks, skipped;
  select_contrast(&cand.p, excluded, av, an, 3, 40, 0, 0, picks, &n_picks, &skipped);
  /* Plain round robin: anchor r % 3 takes its best untaken candidate. */
  unsigned char taken[80] = {0};
  int same = n_picks == 40 && skipped == 0;
  for (size_t r = 0; same && r < 40; r++) {
    size_t a = r % 3, best = SIZE_MAX;
    double bs = -2;
    for (size_t i = 0; i < 80; i++) {
      if (excluded[i] || taken[i]) continue;
      double c = vec_cosine_with_norms(av[a], cand.p.vectors + cand.p.vec_row[i] * 4,
                                       4, an[a], cand.p.norms[i]);
      if (c > bs) bs = c, best = i;
    }
    taken[best] = 1;
    same = picks[r].candidate == best && picks[r].anchor == a && picks[r].score == bs;
  }
  CHECK(same, "contrast: round robin over anchors, best untaken candidate each");
  /* Fewer candidates than k: all of them, no repeats. */
  select_contrast(&cand.p, excluded, av, an, 3, 200, 0, 0, picks, &n_picks, &skipped);
  CHECK(n_picks == 78, "contrast takes every allowed candidate at most (%zu)", n_picks);
  /* k < anchors: only the first k anchors get a turn. */
  select_contrast(&cand.p, NULL, av, an, 3, 2, 0, 0, picks, &n_picks, &skipped);
  CHECK(n_picks == 2 && picks[0].anchor == 0 && picks[1].anchor == 1,
        "contrast k=2: anchors 0 and 1");
  /* k = 0 (no candidate room: a pool without T3 examples): nothing, and no
   * write beyond the anchor lists (make sanitize; the heap was corrupted). */
  n_picks = 99;
  CHECK(select_contrast(&cand.p, NULL, av, an, 3, 0, 0, 0, picks, &n_picks, &skipped) == SELECT_OK &&
            n_picks == 0,
        "contrast k=0: no pick (%zu)", n_picks);
  /* dedup among contrast picks. */
  select_contrast(&cand.p, NULL, av, an, 3, 30, 0.8, 0, picks, &n_picks, &skipped);
  int far = 1;
  for (size_t i = 0; i < n_picks; i++)
    for (size_t j = i + 1; j < n_picks; j++)
      far &= cos_ex(&cand.p, picks[i].candidate, picks[j].candidate) < 0.8;
  CHECK(far && skipped > 0, "contrast dedup: no pair >= 0.8 (%zu skipped)", skipped);
}

int main(void) {
  test_sha256();
  test_proportional_quotas();
  test_dedup();
  test_explicit_quotas();
  test_facility_against_brute_force();
  test_facility_refusal();
  test_fl_method();
  test_contrast();
  return CHECK_SUMMARY();
}
