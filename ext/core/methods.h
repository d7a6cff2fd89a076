/*
 * methods.h — the method table of safety_sample (contract §7): every
 * method name the SQL interface accepts, what it selects with and what it
 * needs.  The "known methods" message is made from the same table, so the
 * two cannot disagree.  To add a method: a SelectMethod (select.h), its
 * selection code in core/, and a row in method_table (methods.c).
 */
#ifndef SAFETY_METHODS_H
#define SAFETY_METHODS_H

#include <stddef.h>

#include "select.h"

typedef struct {
  const char *name;       /* canonical spelling, e.g. "pss-b" */
  SelectMethod method;
  int t1_only;            /* -b: the default behaviour filter is T1 */
  int embeddings;         /* reads the pool's embeddings */
  int prototype_sums;     /* wants each category's sum of member vectors */
  SelectFill fill;        /* the default fill */
  int uses_reference;     /* its categories are the reference set's (read
                             first; quota names are reference categories) */
  int has_categories;     /* selects per category (quotas and fills apply) */
} MethodInfo;

/* The method named name (ASCII case-insensitive), or NULL. */
const MethodInfo *method_find(const char *name);

/* "random, random-b, sss, ..." into buf (NUL-terminated, cut at size). */
void method_list(char *buf, size_t size);

#endif
