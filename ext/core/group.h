/*
 * group.h — the members of each group of the group option (contract §7):
 * at most one example per group is selected; once one is chosen, the
 * other members leave the eligible set.  Groups are numbered 0..n_groups-1
 * by the reader; GROUP_NONE (a NULL value) is a group of its own, so an
 * example in it never blocks another.
 */
#ifndef SAFETY_GROUP_H
#define SAFETY_GROUP_H

#include <stddef.h>
#include <stdint.h>

#define GROUP_NONE UINT32_MAX

/* Members of group g: member[start[g] .. start[g + 1]) (indices of the
 * examples, ascending).  Empty (all NULL) without the option. */
typedef struct {
  size_t *start;  /* [n_groups + 1] */
  size_t *member;
  size_t n_groups;
} GroupIndex;

/* Builds the index of group[0..n) (values < n_groups or GROUP_NONE);
 * group NULL builds an empty one.  Returns 0 when out of memory. */
int group_index_build(const uint32_t *group, size_t n, size_t n_groups,
                      GroupIndex *out);
void group_index_free(GroupIndex *g);

/* How many groups examples 0..n span: the distinct groups plus one for
 * each example in GROUP_NONE (n without the option).  0 when out of
 * memory (*nomem set). */
size_t group_count(const uint32_t *group, size_t n, size_t n_groups,
                   int *nomem);

/* Marks mark[j] = value for every other member j of example i's group
 * whose mark is 0. */
void group_block(const GroupIndex *g, const uint32_t *group, size_t i,
                 unsigned char *mark, unsigned char value);

#endif
