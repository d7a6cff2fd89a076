/*
 * heap.h — the one binary heap, written once as a macro over the element
 * type and its order: HEAP_DEFINE(name, T, above) defines
 *   name_sift_down(T *h, size_t n, size_t i)   restores the heap below i
 *   name_sift_up(T *h, size_t i)               restores it above i
 * where above(const T *a, const T *b) is 1 when a belongs nearer the top
 * than b.  The methods' bounded heap of scores (select_impl.h, worst on
 * top) and facility location's lazy heap (best bound on top) are the two
 * instances.  Every step compares in a fixed order, so equal inputs give
 * equal heaps on every machine.
 */
#ifndef SAFETY_HEAP_H
#define SAFETY_HEAP_H

#include <stddef.h>

#define HEAP_DEFINE(name, T, above)                                        \
  static inline void name##_sift_down(T *h, size_t n, size_t i) {          \
    for (;;) {                                                             \
      size_t l = 2 * i + 1, r = l + 1, top = i;                            \
      if (l < n && above(&h[l], &h[top])) top = l;                         \
      if (r < n && above(&h[r], &h[top])) top = r;                         \
      if (top == i) return;                                                \
      T t = h[i];                                                          \
      h[i] = h[top];                                                       \
      h[top] = t;                                                          \
      i = top;                                                             \
    }                                                                      \
  }                                                                        \
  static inline void name##_sift_up(T *h, size_t i) {                      \
    while (i > 0) {                                                        \
      size_t parent = (i - 1) / 2;                                         \
      if (!above(&h[i], &h[parent])) return;                               \
      T t = h[i];                                                          \
      h[i] = h[parent];                                                    \
      h[parent] = t;                                                       \
      i = parent;                                                          \
    }                                                                      \
  }

#endif
