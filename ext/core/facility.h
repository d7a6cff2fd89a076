/*
 * facility.h — greedy facility-location selection within one category
 * (the fl and fl-b methods, beyond the paper).
 *
 * Pure C, no SQLite.  The objective over the category's members M (the
 * "clients") and a selected set S is
 *
 *     F(S) = sum over j in M of  max over i in S of  sim(i, j)
 *
 * with sim(i, j) = max(0, cosine(i, j)): cosine clipped at 0, so that F is
 * monotone submodular and an unrelated (negative) pair simply does not
 * cover.  F rewards a set whose members are each close to many others
 * (representative) and punishes picking two that cover the same clients
 * (diverse), as apricot's FacilityLocationSelection does.
 *
 * Greedy: repeatedly add the candidate with the largest gain
 * F(S + i) - F(S) (ties: the smaller tie key, then the smaller member
 * index, i.e. the smaller id).
 * Lazy greedy (Minoux): gains only shrink as S grows, so a stale gain is
 * an upper bound; pop the best bound, recompute it, and pick it once it
 * is still on top with a gain computed against the current S.
 *
 * Determinism: every gain that decides a pick is computed with the
 * project's own kernel (vec_dot: double accumulation in a fixed order),
 * summed over j in member order.  OpenBLAS (cblas_sgemm on unit vectors,
 * in blocks of rows; opened on first use, blas.h) computes only upper bounds of the gains, each widened
 * by a proven error margin so it stays an upper bound whatever kernel the
 * CPU runs; a bound only decides which gains get computed exactly, never
 * which candidate wins, so the picks are identical to an exhaustive
 * greedy with exact gains on every machine and thread count.
 *
 * Cost: the first bounds take m^2 * dim multiply-adds (sgemm); after a
 * pick, stale bounds are renewed with sgemm in blocks, and only the
 * candidates whose sgemm bound reaches the top get an exact gain (m * dim
 * with vec_dot each).  Memory: m * dim floats plus a 16 MiB block.
 * Quadratic in the category size, so categories above FL_MAX_MEMBERS are
 * refused by the caller.
 */
#ifndef SAFETY_FACILITY_H
#define SAFETY_FACILITY_H

#include <stddef.h>
#include <stdint.h>

/* The largest category (eligible members) fl accepts. */
#define FL_MAX_MEMBERS 20000

/* Member states: a candidate may be picked; a selected member is in S from
 * the start (chosen earlier) and covers its clients; an excluded member
 * (a near-duplicate) is a client only. */
enum { FL_CANDIDATE = 0, FL_SELECTED = 1, FL_EXCLUDED = 2 };

typedef struct {
  size_t m, dim;
  const float *const *vec;    /* [m] each member's vector */
  const double *norm;         /* [m] their L2 norms (> 0) */
  const unsigned char *state; /* [m] FL_CANDIDATE / FL_SELECTED / FL_EXCLUDED */
  int no_cache; /* tests: never keep the m x m sgemm matrix (see .c) */
  /* [m] tie keys (contract §7, "Ties"): equal gains go to the smaller
   * key, then the smaller member index; NULL: the smaller index. */
  const uint64_t *key;
} FlProblem;

/* Called with the best candidate and its gain: returns 1 if it was taken,
 * 0 to pass it over (it is then never offered again). */
typedef int (*FlTryPick)(void *ctx, size_t member, double gain);

/*
 * Greedy facility location: offers candidates in greedy order until k were
 * taken or none is left; *n_picked says how many were taken, and
 * *evaluations (when not NULL) how many gains were computed exactly.
 * Returns 0, 1 when out of memory, 2 when the thread's stop check said
 * stop (stop.h), or 3 when OpenBLAS cannot be loaded (blas.h).
 */
int facility_greedy(const FlProblem *p, size_t k, FlTryPick try_pick,
                    void *ctx, size_t *n_picked, size_t *evaluations);

/* sim(i, j) = max(0, cosine) exactly as the greedy uses it. */
double facility_sim(const FlProblem *p, size_t i, size_t j);

/* Upper bounds of the gains of the members rows[0..r) against the
 * coverage cur[0..m) (NULL: nothing covered yet), bound[q] >=
 * sum_j max(0, sim(rows[q], j) - cur[j]), from cblas_sgemm (see above).
 * Exposed for tests and measurements.  Returns 0 when out of memory or
 * OpenBLAS cannot be loaded (blas.h). */
int facility_bounds(const FlProblem *p, const size_t *rows, size_t r,
                    const double *cur, double *bound);

#endif
