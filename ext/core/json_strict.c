/*
 * json_strict.c — NUL bytes in strings and duplicate keys (json_strict.h).
 */
#include "json_strict.h"

#include "alloc.h"
#include "utf8.h"
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int json_strict_no_nul(const char *json, size_t len, char *err, size_t errlen) {
  int in_string = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)json[i];
    if (c == '\0') {
      snprintf(err, errlen, "options hold a NUL byte (at byte %zu); names "
                            "cannot contain NUL bytes",
               i);
      return JSON_STRICT_INVALID;
    }
    if (!in_string) {
      in_string = c == '"';
      continue;
    }
    if (c == '"') {
      in_string = 0;
    } else if (c == '\\' && i + 1 < len) {
      if (json[i + 1] == 'u' && i + 5 < len && strncmp(json + i + 2, "0000", 4) == 0) {
        snprintf(err, errlen, "options hold a NUL byte (\\u0000 at byte %zu); "
                              "names cannot contain NUL bytes",
                 i);
        return JSON_STRICT_INVALID;
      }
      i++; /* the escaped character, whatever it is */
    }
  }
  return JSON_STRICT_OK;
}

static int cmp_key(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int json_strict_unique_keys(const cJSON *obj, const char *what, char *err,
                            size_t errlen) {
  size_t n = 0;
  if (!cJSON_IsObject(obj)) return JSON_STRICT_OK;
  for (const cJSON *e = obj->child; e != NULL; e = e->next) n++;
  if (n < 2) return JSON_STRICT_OK;
  const char **keys = ss_malloc_array(n, sizeof *keys);
  if (keys == NULL) return JSON_STRICT_ENOMEM;
  n = 0;
  for (const cJSON *e = obj->child; e != NULL; e = e->next) keys[n++] = e->string;
  qsort(keys, n, sizeof *keys, cmp_key);
  int rc = JSON_STRICT_OK;
  for (size_t i = 1; i < n && rc == JSON_STRICT_OK; i++)
    if (strcmp(keys[i - 1], keys[i]) == 0) {
      snprintf(err, errlen, "%s \"%.*s\" is given twice; give each %s once",
               what, (int)utf8_cut(keys[i], 60), keys[i], what);
      rc = JSON_STRICT_INVALID;
    }
  ss_free(keys);
  return rc;
}
