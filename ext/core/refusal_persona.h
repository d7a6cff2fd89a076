/*
 * refusal_persona.h — the line forms of the refusal detector (refusal.c):
 * persona labels ("[DAN]: ...", "As GPT, ...") and list items, and the
 * token hash both files use.  Pure C, no SQLite; features.py mirrors it.
 */
#ifndef SAFETY_REFUSAL_PERSONA_H
#define SAFETY_REFUSAL_PERSONA_H

#include <stddef.h>
#include <stdint.h>

#define REFUSAL_FNV_OFFSET 2166136261u
#define REFUSAL_FNV_PRIME 16777619u

/* FNV-1a 32 of s[0..n) with ASCII letters lower-cased (features.tokhash). */
static inline uint32_t refusal_fnv(const unsigned char *s, size_t n) {
  uint32_t h = REFUSAL_FNV_OFFSET;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
    h = (h ^ c) * REFUSAL_FNV_PRIME;
  }
  return h;
}

static inline uint32_t refusal_fnv_str(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return refusal_fnv((const unsigned char *)s, n);
}

/* A byte of a word token: an ASCII letter, a digit or '. */
static inline int refusal_is_word(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '\'';
}

/* 1 when the line b[p..e) (p past its indent) starts with a persona label,
 * with the hash of the label's name in *h; else 0. */
int refusal_persona(const unsigned char *b, size_t p, size_t e, uint32_t *h);

/* 1 when the line b[p..e) (p past its indent) is a list item: "1. ",
 * "1) ", "- ", "* ", "+ " or a bullet U+2022. */
int refusal_list_item(const unsigned char *b, size_t p, size_t e);

#endif
