/*
 * group.c — the members of each group (group.h): a counting sort of the
 * examples by group number, so that choosing one example blocks the rest
 * of its group in time proportional to the group's size.
 */
#include "group.h"

#include "alloc.h"
#include <string.h>

int group_index_build(const uint32_t *group, size_t n, size_t n_groups,
                      GroupIndex *out) {
  memset(out, 0, sizeof *out);
  if (group == NULL) return 1;
  out->n_groups = n_groups;
  out->start = ss_malloc_array(n_groups + 1, sizeof(size_t));
  out->member = ss_malloc_array(n ? n : 1, sizeof(size_t));
  if (out->start == NULL || out->member == NULL) {
    group_index_free(out);
    return 0;
  }
  memset(out->start, 0, (n_groups + 1) * sizeof(size_t));
  for (size_t i = 0; i < n; i++)
    if (group[i] != GROUP_NONE) out->start[group[i] + 1]++;
  for (size_t g = 0; g < n_groups; g++) out->start[g + 1] += out->start[g];
  /* Place in ascending index order: a running position per group. */
  size_t *pos = ss_malloc_array(n_groups ? n_groups : 1, sizeof(size_t));
  if (pos == NULL) {
    group_index_free(out);
    return 0;
  }
  memcpy(pos, out->start, n_groups * sizeof(size_t));
  for (size_t i = 0; i < n; i++)
    if (group[i] != GROUP_NONE) out->member[pos[group[i]]++] = i;
  ss_free(pos);
  return 1;
}

void group_index_free(GroupIndex *g) {
  ss_free(g->start);
  ss_free(g->member);
  memset(g, 0, sizeof *g);
}

size_t group_count(const uint32_t *group, size_t n, size_t n_groups,
                   int *nomem) {
  if (group == NULL) return n;
  unsigned char *seen = ss_malloc(n_groups ? n_groups : 1);
  if (seen == NULL) {
    *nomem = 1;
    return 0;
  }
  memset(seen, 0, n_groups ? n_groups : 1);
  size_t count = 0;
  for (size_t i = 0; i < n; i++)
    if (group[i] == GROUP_NONE || !seen[group[i]]) {
      if (group[i] != GROUP_NONE) seen[group[i]] = 1;
      count++;
    }
  ss_free(seen);
  return count;
}

void group_block(const GroupIndex *g, const uint32_t *group, size_t i,
                 unsigned char *mark, unsigned char value) {
  if (group == NULL || group[i] == GROUP_NONE) return;
  for (size_t j = g->start[group[i]]; j < g->start[group[i] + 1]; j++)
    if (g->member[j] != i && mark[g->member[j]] == 0)
      mark[g->member[j]] = value;
}
