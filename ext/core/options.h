/*
 * options.h — the options object of safety_sample(method, budget, options)
 * (contract §7, and the dedup, quota and contrast options), parsed with
 * cJSON into a plain struct.
 *
 * Pure C (no SQLite), so it can be fuzzed on its own.  Errors name the key
 * and say what is expected; the caller prefixes "safety_sample: ".
 */
#ifndef SAFETY_OPTIONS_H
#define SAFETY_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#define OPTIONS_ERRLEN 300

typedef enum { FILL_DEFAULT = 0, FILL_RANDOM, FILL_SCORE, FILL_NONE } FillMode;
/* Per-category quotas (beyond the paper): uniform is the contract's k = max(1, n div C). */
typedef enum { QUOTA_OPT_UNIFORM = 0, QUOTA_OPT_PROPORTIONAL, QUOTA_OPT_EXPLICIT } QuotaMode;

typedef struct {
  int64_t seed;             /* 0 unless given */
  char *pool;               /* relation names; NULL = the default */
  char *reference;
  char *task;
  int64_t task_size;        /* -1 unless given */
  unsigned behavior_mask;   /* bit t (1..4) set for Tt; 0 = not given */
  char **categories;        /* NULL = not given */
  size_t n_categories;
  FillMode fill;
  int allow_short;
  /* Beyond the paper; the zero values keep its defaults. */
  double dedup;             /* 0 = off, else the cosine threshold in (0, 1] */
  QuotaMode quota;
  char **quota_names;       /* QUOTA_OPT_EXPLICIT: category names ... */
  int64_t *quota_counts;    /* ... and their counts (>= 0), in given order */
  size_t n_quota;
  double contrast;          /* share of n for T3 look-alikes, in [0, 1) */
  char *group;              /* a pool column: one example per value; NULL = off */
} SampleOptions;

/* Parses options JSON text into *out (zeroed first, then defaults).
 * Returns 0 on success, 1 out of memory, 2 invalid (err says why). */
int options_parse(const char *json, size_t len, SampleOptions *out,
                  char err[OPTIONS_ERRLEN]);
/* Sets the defaults (for a call without options). */
void options_init(SampleOptions *out);
/* "uniform" or "proportional" as the quota option spells them; NULL for
 * QUOTA_OPT_EXPLICIT (an object of counts). */
const char *quota_name(QuotaMode mode);
void options_free(SampleOptions *o);

#endif
