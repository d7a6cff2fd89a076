/*
 * json_strict.h — the checks cJSON does not make on an options text:
 * a NUL byte inside a string (raw, or written \u0000, which cJSON decodes
 * and then silently cuts the string at), and a key given twice in an
 * object (cJSON keeps both, and a lookup takes one of them).
 *
 * Pure C (no SQLite).  Messages have no function prefix; the caller adds
 * it.
 */
#ifndef SAFETY_JSON_STRICT_H
#define SAFETY_JSON_STRICT_H

#include <stddef.h>

struct cJSON;

enum { JSON_STRICT_OK = 0, JSON_STRICT_ENOMEM = 1, JSON_STRICT_INVALID = 2 };

/* Scans the raw text json[0..len) for a NUL byte inside a string (either a
 * raw byte or a \u0000 escape; an escaped backslash before "u0000" is no
 * NUL).  Returns JSON_STRICT_OK or JSON_STRICT_INVALID with err saying
 * where (err holds errlen bytes). */
int json_strict_no_nul(const char *json, size_t len, char *err, size_t errlen);

/* Checks the object obj (not the objects inside it) for a key that
 * appears twice, by sorting its keys (O(k log k) for k keys).  Returns
 * JSON_STRICT_OK (also when obj is no object), JSON_STRICT_ENOMEM, or
 * JSON_STRICT_INVALID with err naming the key: what names a key ("option"
 * gives 'option "seed" is given twice; give each option once'). */
int json_strict_unique_keys(const struct cJSON *obj, const char *what,
                            char *err, size_t errlen);

#endif
