/*
 * intern.c — the pool reader's lookup tables: an open-addressing index,
 * examples by id and interned category names.  See intern.h.
 */
#include "intern.h"

#include "alloc.h"
#include "arena.h"
#include "hash.h"
#include <string.h>

/* Eight bytes a step (a category name is two or three words; FNV-1a's
 * byte a step was most of a lookup).  Only the slots depend on the hash,
 * never the number a name gets. */
static uint64_t hash_bytes(const void *p, size_t n) {
  const unsigned char *b = p;
  uint64_t h = HASH_GOLDEN ^ (uint64_t)n, w;
  for (; n >= 8; b += 8, n -= 8) {
    memcpy(&w, b, 8);
    h = hash_splitmix64_mix(h ^ w);
  }
  w = 0;
  for (size_t i = 0; i < n; i++) w |= (uint64_t)b[i] << (8 * i);
  return hash_splitmix64_mix(h ^ w);
}

static uint64_t hash_id(int64_t id) {
  return hash_splitmix64_mix((uint64_t)id + HASH_GOLDEN);
}

/* ---- open-addressing index: key -> entry number ---- */

static int index_init(Index *ix, size_t cap) {
  ix->cap = cap;
  ix->slots = ss_malloc_array(cap, sizeof(size_t));
  if (ix->slots == NULL) return 0;
  for (size_t i = 0; i < cap; i++) ix->slots[i] = NONE;
  return 1;
}

/* The hash of entry j of whatever the index is over. */
typedef uint64_t (*HashOf)(const void *ctx, size_t j);

/* A new table of cap slots (a power of two) holding entries 0..n-1. */
static int index_build(Index *ix, size_t cap, size_t n, HashOf hash_of,
                       const void *ctx) {
  if (!index_init(ix, cap)) return 0;
  for (size_t j = 0; j < n; j++) {
    size_t s = (size_t)hash_of(ctx, j) & (cap - 1);
    while (ix->slots[s] != NONE) s = (s + 1) & (cap - 1);
    ix->slots[s] = j;
  }
  return 1;
}

/* Records entry k (the newest; entries 0..k exist) in the empty slot that
 * probing found, and doubles the table at half load.  0 if out of memory. */
static int index_insert(Index *ix, size_t slot, size_t k, HashOf hash_of,
                        const void *ctx) {
  ix->slots[slot] = k;
  if ((k + 1) * 2 <= ix->cap) return 1;
  Index bigger;
  if (!index_build(&bigger, ix->cap * 2, k + 1, hash_of, ctx)) return 0;
  ss_free(ix->slots);
  *ix = bigger;
  return 1;
}

/* ---- examples by id ---- */

static uint64_t entry_hash(const void *ctx, size_t j) {
  return hash_id(((const Entries *)ctx)->e[j].id);
}

/* Finds id; with create, adds it.  Returns the entry number, NONE when
 * absent (or out of memory with create: *nomem set). */
size_t entries_find(Entries *es, int64_t id, int create, int *nomem) {
  if (!es->indexed) {
    /* Ids in ascending order (the usual pool, scanned by primary key):
     * the entries stay sorted and need no hash table. */
    if (es->n > 0 && es->e[es->n - 1].id == id) return es->n - 1;
    if (es->n == 0 || id > es->e[es->n - 1].id) {
      if (!create) return NONE;
      if (!ss_grow((void **)&es->e, &es->cap, es->n + 1, sizeof(Entry))) goto oom;
      es->e[es->n] = (Entry){id, NONE32, 0};
      return es->n++;
    }
    /* The first id out of order: index what is there, then hash. */
    size_t cap = 1024;
    while (cap < 2 * (es->n + 1)) cap *= 2;
    if (!index_build(&es->ix, cap, es->n, entry_hash, es)) goto oom;
    es->indexed = 1;
  }
  size_t mask = es->ix.cap - 1, h = (size_t)hash_id(id) & mask;
  while (es->ix.slots[h] != NONE) {
    if (es->e[es->ix.slots[h]].id == id) return es->ix.slots[h];
    h = (h + 1) & mask;
  }
  if (!create) return NONE;
  if (!ss_grow((void **)&es->e, &es->cap, es->n + 1, sizeof(Entry))) goto oom;
  size_t k = es->n++;
  es->e[k] = (Entry){id, NONE32, 0};
  if (!index_insert(&es->ix, h, k, entry_hash, es)) goto oom;
  return k;
oom:
  *nomem = 1;
  return NONE;
}

/* ---- category names ---- */

static uint64_t name_hash(const void *ctx, size_t j) {
  const char *name = ((const Names *)ctx)->names[j];
  return hash_bytes(name, strlen(name));
}

/* Interns name; returns its number or NONE (absent without create, or out
 * of memory: *nomem set). */
size_t names_find(Names *ns, const char *name, size_t len, int create,
                         int *nomem) {
  if (ns->ix.slots == NULL && !index_init(&ns->ix, 64)) goto oom;
  size_t mask = ns->ix.cap - 1, h = (size_t)hash_bytes(name, len) & mask;
  while (ns->ix.slots[h] != NONE) {
    const char *s = ns->names[ns->ix.slots[h]];
    /* strncmp stops at s's end: no strlen of s on every probe. */
    if (strncmp(s, name, len) == 0 && s[len] == '\0') return ns->ix.slots[h];
    h = (h + 1) & mask;
  }
  if (!create) return NONE;
  if (!ss_grow((void **)&ns->names, &ns->cap, ns->n + 1, sizeof(char *)) ||
      !ss_grow((void **)&ns->allowed, &ns->allowed_cap, ns->n + 1, 1))
    goto oom;
  char *copy = ss_malloc(len + 1);
  if (copy == NULL) goto oom;
  memcpy(copy, name, len);
  copy[len] = '\0';
  size_t k = ns->n++;
  ns->names[k] = copy;
  ns->allowed[k] = 0;
  if (!index_insert(&ns->ix, h, k, name_hash, ns)) goto oom;
  return k;
oom:
  *nomem = 1;
  return NONE;
}

void names_free(Names *ns, int keep_names) {
  if (!keep_names) {
    for (size_t i = 0; i < ns->n; i++) ss_free(ns->names[i]);
    ss_free(ns->names);
  }
  ss_free(ns->allowed);
  ss_free(ns->ix.slots);
}

void entries_free(Entries *es) {
  ss_free(es->e);
  ss_free(es->ix.slots);
  memset(es, 0, sizeof *es);
}
