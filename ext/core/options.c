/*
 * options.c — parsing and validation of the safety_sample options object.
 * One table (option_table) names every key with its parser; unknown keys
 * are errors that list the known ones from the same table.
 */
#include "options.h"

#include "alloc.h"
#include "json_strict.h"
#include "labels.h"
#include "utf8.h"
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void options_init(SampleOptions *out) {
  memset(out, 0, sizeof *out);
  out->task_size = -1;
}

void options_free(SampleOptions *o) {
  ss_free(o->pool);
  ss_free(o->reference);
  ss_free(o->task);
  ss_free(o->group);
  for (size_t i = 0; i < o->n_categories; i++) ss_free(o->categories[i]);
  ss_free(o->categories);
  for (size_t i = 0; i < o->n_quota; i++) ss_free(o->quota_names[i]);
  ss_free(o->quota_names);
  ss_free(o->quota_counts);
  options_init(o);
}

static char *copy_string(const char *s) {
  size_t n = strlen(s);
  char *c = ss_malloc(n + 1);
  if (c) memcpy(c, s, n + 1);
  return c;
}

/* A JSON number that is a whole number within +-2^53; 1 if so. */
static int whole_number(const cJSON *v, int64_t *out) {
  if (!cJSON_IsNumber(v)) return 0;
  double d = v->valuedouble;
  if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740992.0) return 0;
  *out = (int64_t)d;
  return 1;
}

/* Parses one behaviour type string into the mask; 0 if invalid. */
static int add_behavior(const cJSON *v, unsigned *mask) {
  if (!cJSON_IsString(v)) return 0;
  int code = behavior_code(v->valuestring, strlen(v->valuestring));
  if (code < 1) return 0;
  *mask |= 1u << code;
  return 1;
}

/* A JSON number in the interval (lo, hi] (lo_open) or [lo, hi) (hi_open). */
static int number_in(const cJSON *v, double lo, double hi, int lo_open,
                     double *out) {
  if (!cJSON_IsNumber(v)) return 0;
  double d = v->valuedouble;
  if (!isfinite(d) || (lo_open ? d <= lo : d < lo) || (lo_open ? d > hi : d >= hi))
    return 0;
  *out = d;
  return 1;
}

const char *quota_name(QuotaMode mode) {
  return mode == QUOTA_OPT_UNIFORM        ? "uniform"
         : mode == QUOTA_OPT_PROPORTIONAL ? "proportional"
                                          : NULL;
}

/* The quota option: "uniform", "proportional" or {"category": count, ...}.
 * Returns 0, 1 (out of memory) or 2 (invalid, err set). */
static int parse_quota(const cJSON *item, SampleOptions *out,
                       char err[OPTIONS_ERRLEN]) {
  static const char how[] =
      "option quota must be \"uniform\", \"proportional\" or an object of "
      "per-category counts such as {\"crime\": 3, \"fraud\": 2}";
  for (size_t i = 0; i < out->n_quota; i++) ss_free(out->quota_names[i]);
  ss_free(out->quota_names);
  ss_free(out->quota_counts);
  out->quota_names = NULL;
  out->quota_counts = NULL;
  out->n_quota = 0;
  if (cJSON_IsString(item)) {
    if (strcmp(item->valuestring, quota_name(QUOTA_OPT_UNIFORM)) == 0)
      out->quota = QUOTA_OPT_UNIFORM;
    else if (strcmp(item->valuestring, quota_name(QUOTA_OPT_PROPORTIONAL)) == 0)
      out->quota = QUOTA_OPT_PROPORTIONAL;
    else {
      snprintf(err, OPTIONS_ERRLEN, "%s", how);
      return 2;
    }
    return 0;
  }
  if (!cJSON_IsObject(item) || item->child == NULL) {
    snprintf(err, OPTIONS_ERRLEN, "%s", how);
    return 2;
  }
  size_t n = 0;
  for (const cJSON *e = item->child; e != NULL; e = e->next, n++) {
    int64_t count;
    if (!whole_number(e, &count) || count < 0) {
      snprintf(err, OPTIONS_ERRLEN,
               "option quota: the count for category \"%.*s\" must be a "
               "whole number >= 0",
               (int)utf8_cut(e->string, 60), e->string);
      return 2;
    }
    for (const cJSON *f = item->child; f != e; f = f->next)
      if (strcmp(f->string, e->string) == 0) {
        snprintf(err, OPTIONS_ERRLEN,
                 "option quota names category \"%.*s\" twice; give each "
                 "category one count",
                 (int)utf8_cut(e->string, 60), e->string);
        return 2;
      }
  }
  out->quota_names = ss_malloc_array(n, sizeof(char *));
  out->quota_counts = ss_malloc_array(n, sizeof(int64_t));
  if (out->quota_names == NULL || out->quota_counts == NULL) return 1;
  for (const cJSON *e = item->child; e != NULL; e = e->next) {
    char *name = copy_string(e->string);
    if (name == NULL) return 1;
    out->quota_names[out->n_quota] = name;
    whole_number(e, &out->quota_counts[out->n_quota]);
    out->n_quota++;
  }
  out->quota = QUOTA_OPT_EXPLICIT;
  return 0;
}

/* ---- one parser per key ---- */

/* Each parses one key's value into *out: 0, 1 (out of memory) or 2
 * (invalid, err says why). */
typedef int (*OptionParser)(const char *key, const cJSON *item,
                            SampleOptions *out, char err[OPTIONS_ERRLEN]);

#define INVALID(...)                            \
  do {                                          \
    snprintf(err, OPTIONS_ERRLEN, __VA_ARGS__); \
    return 2;                                   \
  } while (0)

static int parse_seed(const char *key, const cJSON *item, SampleOptions *out,
                      char err[OPTIONS_ERRLEN]) {
  (void)key;
  if (!whole_number(item, &out->seed))
    INVALID("option seed must be a whole number (within +-2^53)");
  return 0;
}

/* pool, reference and task: a relation name. */
static int parse_relation(const char *key, const cJSON *item,
                          SampleOptions *out, char err[OPTIONS_ERRLEN]) {
  char **slot = key[0] == 'p'   ? &out->pool
                : key[0] == 'r' ? &out->reference
                                : &out->task;
  if (!cJSON_IsString(item) || item->valuestring[0] == '\0')
    INVALID("option %s must be the name of a table or view, as a non-empty "
            "string",
            key);
  ss_free(*slot);
  return (*slot = copy_string(item->valuestring)) == NULL ? 1 : 0;
}

static int parse_task_size(const char *key, const cJSON *item,
                           SampleOptions *out, char err[OPTIONS_ERRLEN]) {
  (void)key;
  if (!whole_number(item, &out->task_size) || out->task_size < 1)
    INVALID("option task_size must be a positive whole number (the number "
            "of examples in the fine-tuning set)");
  return 0;
}

static int parse_behavior(const char *key, const cJSON *item,
                          SampleOptions *out, char err[OPTIONS_ERRLEN]) {
  (void)key;
  unsigned mask = 0;
  int ok = 1;
  if (cJSON_IsArray(item)) {
    ok = item->child != NULL;
    for (const cJSON *e = item->child; ok && e != NULL; e = e->next)
      ok = add_behavior(e, &mask);
  } else {
    ok = add_behavior(item, &mask);
  }
  if (!ok)
    INVALID("option behavior must be one of \"T1\", \"T2\", \"T3\", \"T4\" "
            "or a non-empty array of them");
  out->behavior_mask = mask;
  return 0;
}

static int parse_categories(const char *key, const cJSON *item,
                            SampleOptions *out, char err[OPTIONS_ERRLEN]) {
  (void)key;
  size_t n = 0;
  if (!cJSON_IsArray(item) || item->child == NULL)
    INVALID("option categories must be a non-empty array of category names");
  for (const cJSON *e = item->child; e != NULL; e = e->next, n++)
    if (!cJSON_IsString(e))
      INVALID("option categories must be an array of strings; element %zu "
              "is not a string",
              n);
  for (size_t i = 0; i < out->n_categories; i++) ss_free(out->categories[i]);
  ss_free(out->categories);
  out->n_categories = 0;
  out->categories = ss_malloc_array(n, sizeof(char *));
  if (out->categories == NULL) return 1;
  for (const cJSON *e = item->child; e != NULL; e = e->next) {
    char *c = copy_string(e->valuestring);
    if (c == NULL) return 1;
    out->categories[out->n_categories++] = c;
  }
  return 0;
}

static int parse_fill(const char *key, const cJSON *item, SampleOptions *out,
                      char err[OPTIONS_ERRLEN]) {
  (void)key;
  const char *f = cJSON_IsString(item) ? item->valuestring : "";
  if (strcmp(f, "random") == 0)
    out->fill = FILL_RANDOM;
  else if (strcmp(f, "score") == 0)
    out->fill = FILL_SCORE;
  else if (strcmp(f, "none") == 0)
    out->fill = FILL_NONE;
  else
    INVALID("option fill must be \"random\", \"score\" (cossim only) or "
            "\"none\"");
  return 0;
}

static int parse_allow_short(const char *key, const cJSON *item,
                             SampleOptions *out, char err[OPTIONS_ERRLEN]) {
  (void)key;
  if (!cJSON_IsBool(item)) INVALID("option allow_short must be true or false");
  out->allow_short = cJSON_IsTrue(item);
  return 0;
}

static int parse_dedup(const char *key, const cJSON *item, SampleOptions *out,
                       char err[OPTIONS_ERRLEN]) {
  (void)key;
  if (!number_in(item, 0.0, 1.0, 1, &out->dedup))
    INVALID("option dedup must be a number in (0, 1]: the cosine at or above "
            "which a candidate counts as a near-duplicate of a chosen "
            "example, such as 0.95");
  return 0;
}

static int parse_contrast(const char *key, const cJSON *item,
                          SampleOptions *out, char err[OPTIONS_ERRLEN]) {
  (void)key;
  if (!number_in(item, 0.0, 1.0, 0, &out->contrast))
    INVALID("option contrast must be a number in [0, 1): the share of the "
            "budget kept for benign answered (T3) look-alikes of the chosen "
            "T1 examples, such as 0.2");
  return 0;
}

static int parse_quota_key(const char *key, const cJSON *item,
                           SampleOptions *out, char err[OPTIONS_ERRLEN]) {
  (void)key;
  return parse_quota(item, out, err);
}

/* group: the name of a pool column (contract §7). */
static int parse_group(const char *key, const cJSON *item, SampleOptions *out,
                       char err[OPTIONS_ERRLEN]) {
  (void)key;
  if (!cJSON_IsString(item) || item->valuestring[0] == '\0')
    INVALID("option group must be the name of a pool column, as a string "
            "such as \"instruction\"");
  ss_free(out->group);
  return (out->group = copy_string(item->valuestring)) == NULL ? 1 : 0;
}

/* The option table: every key and its parser, in the order the "known
 * options" message lists them.  To add an option: a field in
 * SampleOptions (options.h), a parser above, a row here. */
static const struct {
  const char *key;
  OptionParser parse;
} option_table[] = {
    {"seed", parse_seed},
    {"pool", parse_relation},
    {"reference", parse_relation},
    {"task", parse_relation},
    {"task_size", parse_task_size},
    {"behavior", parse_behavior},
    {"categories", parse_categories},
    {"fill", parse_fill},
    {"allow_short", parse_allow_short},
    {"dedup", parse_dedup},
    {"quota", parse_quota_key},
    {"contrast", parse_contrast},
    {"group", parse_group},
};
#define N_OPTIONS (sizeof option_table / sizeof *option_table)

/* "unknown option ...; the known options are seed, pool, ...", with a
 * pointer to safety_sweep for its own option seeds. */
static void unknown_option(const char *key, char err[OPTIONS_ERRLEN]) {
  size_t len = (size_t)snprintf(
      err, OPTIONS_ERRLEN, "unknown option \"%.*s\"; %sthe known options are ",
      (int)utf8_cut(key, 60), key,
      strcmp(key, "seeds") == 0
          ? "seeds (a list) is safety_sweep's, here give one seed; "
          : "");
  for (size_t k = 0; k < N_OPTIONS && len < OPTIONS_ERRLEN; k++)
    len += (size_t)snprintf(err + len, OPTIONS_ERRLEN - len, "%s%s",
                            k ? ", " : "", option_table[k].key);
}

/* The message of options that are not JSON: about where cJSON stopped
 * (end, in [json, json + len]) as a byte offset and the text from there.
 * cJSON's position is one byte past the fault in some cases (a key that is
 * not a string), so the text shown starts a byte before it, at the start
 * of a UTF-8 character.  With a single quote in the text (Python's str of
 * a dict), the likely cause too. */
static void invalid_json(const char *json, size_t len, const char *end,
                         char err[OPTIONS_ERRLEN]) {
  size_t at = end != NULL && end >= json && end <= json + len ? (size_t)(end - json) : 0;
  if (at > 0) at--;
  while (at > 0 && ((unsigned char)json[at] & 0xC0) == 0x80) at--;
  size_t show = utf8_cut_len(json + at, len - at, 20);
  snprintf(err, OPTIONS_ERRLEN,
           "options are not valid JSON (near byte %zu: '%.*s%s'); pass a JSON object "
           "such as '{\"seed\": 1}'%s",
           at, (int)show, json + at, len - at > show ? "..." : "",
           memchr(json, '\'', len) != NULL
               ? " (names and strings take double quotes: in Python, json.dumps(options))"
               : "");
}

int options_parse(const char *json, size_t len, SampleOptions *out,
                  char err[OPTIONS_ERRLEN]) {
  options_init(out);
  /* A NUL byte in a name would cut it short without a word (cJSON ends
   * its strings there). */
  if (json_strict_no_nul(json, len, err, OPTIONS_ERRLEN) != JSON_STRICT_OK)
    return 2;
  int rc = 0;
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
  /* cJSON stops after the object: anything but white space after it (bytes
   * up to ' ', as cJSON counts them) makes the text invalid JSON. */
  while (root != NULL && end < json + len && (unsigned char)*end <= ' ') end++;
  if (len == 0) {
    snprintf(err, OPTIONS_ERRLEN,
             "options are empty text; pass a JSON object such as "
             "'{\"seed\": 1}', '{}' or NULL for none");
    rc = 2;
  } else if (root == NULL || end < json + len) {
    invalid_json(json, len, end, err);
    rc = 2;
  } else if (!cJSON_IsObject(root)) {
    snprintf(err, OPTIONS_ERRLEN,
             "options must be a JSON object such as '{\"seed\": 1}'");
    rc = 2;
  } else {
    /* cJSON keeps both copies of a key given twice: refuse it. */
    int src = json_strict_unique_keys(root, "option", err, OPTIONS_ERRLEN);
    rc = src == JSON_STRICT_ENOMEM ? 1 : src == JSON_STRICT_INVALID ? 2 : 0;
  }
  for (const cJSON *item = root ? root->child : NULL; rc == 0 && item != NULL;
       item = item->next) {
    size_t k = 0;
    while (k < N_OPTIONS && strcmp(item->string, option_table[k].key) != 0) k++;
    if (k == N_OPTIONS) {
      unknown_option(item->string, err);
      rc = 2;
    } else {
      rc = option_table[k].parse(item->string, item, out, err);
    }
  }
  cJSON_Delete(root);
  if (rc != 0) options_free(out);
  return rc;
}
