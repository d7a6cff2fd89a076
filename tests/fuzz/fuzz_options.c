/*
 * fuzz_options.c — options_parse on arbitrary text (the options argument
 * of safety_sample).
 *
 * Invariants: a result of 0, 1 or 2; a rejection has a message; an
 * accepted object has a known fill mode, behaviour bits only for T1..T4,
 * NUL-terminated names, and parses the same way twice; options_free leaves
 * the defaults.
 */
#include "fuzz.h"
#include "options.h"

static void check_same(const char *what, const char *a, const char *b) {
  FUZZ_CHECK((a == NULL) == (b == NULL) && (a == NULL || strcmp(a, b) == 0),
             "%s differs between two parses", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  SampleOptions o, o2;
  char err[OPTIONS_ERRLEN] = "", err2[OPTIONS_ERRLEN] = "";
  int rc = options_parse((const char *)data, size, &o, err);
  int rc2 = options_parse((const char *)data, size, &o2, err2);
  FUZZ_CHECK(rc >= 0 && rc <= 2, "rc %d", rc);
  if (rc == 1 || rc2 == 1) goto cleanup; /* out of memory */
  FUZZ_CHECK(rc2 == rc, "rc %d then %d", rc, rc2);
  if (rc == 2) {
    FUZZ_CHECK(err[0] != '\0' && strlen(err) < OPTIONS_ERRLEN, "no message");
    FUZZ_CHECK(strcmp(err, err2) == 0, "message differs: %s / %s", err, err2);
    goto cleanup;
  }
  FUZZ_CHECK(o.fill >= FILL_DEFAULT && o.fill <= FILL_NONE, "fill %d", o.fill);
  FUZZ_CHECK((o.behavior_mask & ~0x1Eu) == 0, "behaviour bits %#x",
             o.behavior_mask);
  FUZZ_CHECK(o.task_size >= -1, "task_size %lld", (long long)o.task_size);
  FUZZ_CHECK(o.allow_short == 0 || o.allow_short == 1, "allow_short %d",
             o.allow_short);
  FUZZ_CHECK(o.seed == o2.seed && o.task_size == o2.task_size &&
                 o.behavior_mask == o2.behavior_mask && o.fill == o2.fill &&
                 o.n_categories == o2.n_categories,
             "two parses differ");
  check_same("pool", o.pool, o2.pool);
  check_same("reference", o.reference, o2.reference);
  check_same("task", o.task, o2.task);
  FUZZ_CHECK((o.categories == NULL) == (o2.categories == NULL),
             "categories differ");
  for (size_t i = 0; i < o.n_categories; i++)
    check_same("category", o.categories[i], o2.categories[i]);
cleanup:
  if (rc == 0) options_free(&o);
  if (rc2 == 0) options_free(&o2);
  if (rc == 0) FUZZ_CHECK(o.pool == NULL && o.categories == NULL &&
                              o.task_size == -1,
                          "options_free did not reset");
  return 0;
}
