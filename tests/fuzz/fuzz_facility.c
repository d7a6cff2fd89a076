/*
 * fuzz_facility.c — facility_greedy (the fl methods) against an exhaustive
 * greedy written here from the definition in facility.h.
 *
 * Pools of up to 40 members, dimension 1..8, elements that are small
 * multiples of 1/8 (so duplicates and exact ties are common), members
 * already selected or excluded, the sgemm cache on or off, and a caller
 * that passes some offers over.  Invariant: the lazy greedy with sgemm
 * bounds offers exactly the members, in the order and with the gains
 * (bit for bit) that the exhaustive greedy with exact gains offers: ties
 * to the smaller index, passed members never offered again.
 */
#include "facility.h"
#include "fuzz.h"
#include "vector.h"

#define MAX_M 40
#define MAX_DIM 8

typedef struct {
  size_t n;            /* offers so far */
  size_t member[MAX_M];
  double gain[MAX_M];
  uint8_t pass_mask;   /* offer q is passed over when bit q % 8 is set */
} Offers;

static int record(void *ctx, size_t member, double gain) {
  Offers *o = ctx;
  FUZZ_CHECK(o->n < MAX_M, "more offers than members");
  o->member[o->n] = member;
  o->gain[o->n] = gain;
  return !(o->pass_mask >> (o->n++ % 8) & 1);
}

/* The definition: best exact gain among the members not offered yet. */
static size_t exhaustive(const FlProblem *p, size_t k, Offers *o) {
  double cur[MAX_M] = {0};
  unsigned char offered[MAX_M] = {0};
  size_t picks = 0;
  for (size_t i = 0; i < p->m; i++)
    if (p->state[i] == FL_SELECTED)
      for (size_t j = 0; j < p->m; j++) {
        double s = facility_sim(p, i, j);
        if (s > cur[j]) cur[j] = s;
      }
  while (picks < k) {
    size_t best = SIZE_MAX;
    double best_gain = 0;
    for (size_t i = 0; i < p->m; i++) {
      if (p->state[i] != FL_CANDIDATE || offered[i]) continue;
      double g = 0;
      for (size_t j = 0; j < p->m; j++) {
        double d = facility_sim(p, i, j) - cur[j];
        if (d > 0) g += d;
      }
      if (best == SIZE_MAX || g > best_gain) best = i, best_gain = g;
    }
    if (best == SIZE_MAX) break;
    offered[best] = 1;
    if (!record(o, best, best_gain)) continue;
    picks++;
    for (size_t j = 0; j < p->m; j++) {
      double s = facility_sim(p, best, j);
      if (s > cur[j]) cur[j] = s;
    }
  }
  return picks;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzReader r = {data, size};
  float store[MAX_M * MAX_DIM];
  const float *vec[MAX_M];
  double norm[MAX_M];
  unsigned char state[MAX_M];
  size_t m = 1 + fuzz_u8(&r) % MAX_M, dim = 1 + fuzz_u8(&r) % MAX_DIM;
  size_t k = fuzz_u8(&r) % (m + 1);
  uint8_t flags = fuzz_u8(&r), pass_mask = fuzz_u8(&r);
  for (size_t i = 0; i < m; i++) {
    float *v = store + i * dim;
    for (size_t d = 0; d < dim; d++) v[d] = (float)(int8_t)fuzz_u8(&r) / 8.0f;
    norm[i] = vec_norm(v, dim);
    if (norm[i] == 0) { /* members have non-zero vectors */
      v[0] = 1;
      norm[i] = 1;
    }
    vec[i] = v;
    uint8_t s = fuzz_u8(&r);
    state[i] = s < 192 ? FL_CANDIDATE : s < 224 ? FL_SELECTED : FL_EXCLUDED;
  }
  FlProblem p = {m, dim, vec, norm, state, flags & 1, NULL};
  Offers lazy = {0, {0}, {0}, pass_mask}, want = {0, {0}, {0}, pass_mask};
  size_t picked = 0, evaluations = 0;
  if (facility_greedy(&p, k, record, &lazy, &picked, &evaluations) != 0)
    return 0; /* out of memory */
  size_t want_picked = exhaustive(&p, k, &want);
  FUZZ_CHECK(picked == want_picked, "%zu picks, the definition makes %zu",
             picked, want_picked);
  FUZZ_CHECK(lazy.n == want.n, "%zu offers, the definition makes %zu", lazy.n,
             want.n);
  for (size_t q = 0; q < want.n; q++)
    FUZZ_CHECK(lazy.member[q] == want.member[q] && lazy.gain[q] == want.gain[q],
               "offer %zu: member %zu gain %.17g, the definition offers %zu "
               "gain %.17g",
               q, lazy.member[q], lazy.gain[q], want.member[q], want.gain[q]);
  return 0;
}
