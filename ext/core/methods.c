/*
 * methods.c — the method table (methods.h).
 */
#include "methods.h"

#include <stdio.h>

/* name, method, t1_only, embeddings, prototype_sums, fill, uses_reference,
 * has_categories */
static const MethodInfo method_table[] = {
    {"random", METHOD_RANDOM, 0, 0, 0, SELECT_FILL_RANDOM, 0, 0},
    {"random-b", METHOD_RANDOM, 1, 0, 0, SELECT_FILL_RANDOM, 0, 0},
    {"sss", METHOD_SSS, 0, 0, 0, SELECT_FILL_RANDOM, 0, 1},
    {"sss-b", METHOD_SSS, 1, 0, 0, SELECT_FILL_RANDOM, 0, 1},
    {"pss", METHOD_PSS, 0, 1, 1, SELECT_FILL_RANDOM, 0, 1},
    {"pss-b", METHOD_PSS, 1, 1, 1, SELECT_FILL_RANDOM, 0, 1},
    {"cossim", METHOD_COSSIM, 0, 1, 0, SELECT_FILL_SCORE, 1, 1},
    {"cossim-b", METHOD_COSSIM, 1, 1, 0, SELECT_FILL_SCORE, 1, 1},
    {"fl", METHOD_FL, 0, 1, 0, SELECT_FILL_RANDOM, 0, 1},
    {"fl-b", METHOD_FL, 1, 1, 0, SELECT_FILL_RANDOM, 0, 1},
};
#define N_METHODS (sizeof method_table / sizeof *method_table)

/* ASCII case-insensitive equality (the names are ASCII). */
static int same_name(const char *a, const char *b) {
  for (;; a++, b++) {
    unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
    if (x >= 'A' && x <= 'Z') x = (unsigned char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (unsigned char)(y - 'A' + 'a');
    if (x != y) return 0;
    if (x == 0) return 1;
  }
}

const MethodInfo *method_find(const char *name) {
  for (size_t m = 0; name != NULL && m < N_METHODS; m++)
    if (same_name(name, method_table[m].name)) return &method_table[m];
  return NULL;
}

void method_list(char *buf, size_t size) {
  size_t len = 0;
  if (size == 0) return;
  buf[0] = '\0';
  for (size_t m = 0; m < N_METHODS && len < size; m++)
    len += (size_t)snprintf(buf + len, size - len, "%s%s", m ? ", " : "",
                            method_table[m].name);
}
