/*
 * intern.h — the pool reader's lookup tables: examples by id (kept in
 * arrival order, with a hash index built only once ids arrive out of
 * order) and category names interned to numbers.  Numbers follow arrival
 * order; nothing here depends on the hash values but speed.
 */
#ifndef SAFETY_INTERN_H
#define SAFETY_INTERN_H

#include <stddef.h>
#include <stdint.h>

#define NONE SIZE_MAX

/* open-addressing index: key -> entry number */
typedef struct {
  size_t *slots; /* NONE = empty */
  size_t cap;    /* power of two */
} Index;

/* Kept for every id of the pool (the behaviour check needs them all), so
 * small: 16 bytes. */
typedef struct {
  int64_t id;
  /* The example's number among the eligible ones in the order they became
   * eligible (NONE32 until then); with embeddings also its row in the
   * arena and in the reader's per-row arrays. */
  uint32_t index;
  unsigned char behavior;
} Entry;
#define NONE32 UINT32_MAX

typedef struct {
  Entry *e;
  size_t n, cap;
  Index ix;      /* built only once ids arrive out of order */
  int indexed;
} Entries;

/* Finds id; with create, adds it.  Returns the entry number, NONE when
 * absent (or out of memory with create: *nomem set). */
size_t entries_find(Entries *es, int64_t id, int create, int *nomem);
void entries_free(Entries *es);

typedef struct {
  char **names;
  size_t n, cap;
  unsigned char *allowed; /* parallel to names: listed in options */
  size_t allowed_cap;
  Index ix;
} Names;

/* Interns name (len bytes, no NUL among them: the callers reject or
 * strlen such names); returns its number or NONE (absent without create,
 * or out of memory: *nomem set). */
size_t names_find(Names *ns, const char *name, size_t len, int create,
                  int *nomem);
/* Frees the table, and the names unless keep_names (they were taken). */
void names_free(Names *ns, int keep_names);

#endif
