/*
 * labels.h — the names the SQL interface shows for behaviour types and
 * selection stages, each written once.
 *
 * Behaviour types (contract §4) are small integers everywhere inside:
 * 0 = NULL (unlabelled), 1..4 = T1..T4.  T1 harmful request refused, T2
 * harmful answered, T3 benign answered, T4 benign refused.
 */
#ifndef SAFETY_LABELS_H
#define SAFETY_LABELS_H

#include <stddef.h>

enum { BEHAVIOR_NULL = 0, BEHAVIOR_T1, BEHAVIOR_T2, BEHAVIOR_T3, BEHAVIOR_T4 };

/* Does a behaviour filter (bit b for behaviour b; 0: no filter) admit an
 * example of behaviour b?  A filter admits no unlabelled example. */
static inline int behavior_admits(unsigned mask, int b) {
  return mask == 0 || (b > 0 && (mask >> b & 1));
}

/* "T1".."T4" (case-insensitive "t1" too) as 1..4; -1 for anything else.
 * text need not be NUL-terminated. */
int behavior_code(const char *text, size_t len);
/* "T1".."T4" for 1..4, NULL otherwise. */
const char *behavior_name(int code);
/* The type of a (harmful request, refusal) pair of 0/1 flags. */
int behavior_of_flags(int harmful, int refusal);

/* The stage column: "category", "fill" or "contrast" (select.h STAGE_*). */
const char *stage_name(int stage);

#endif
