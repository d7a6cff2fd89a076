/*
 * fuzz_vec_json.c — vec_from_json on arbitrary text, and the exact round
 * trip through vec_to_json.
 *
 * Invariants: an accepted vector is non-empty and finite; vec_to_json of it
 * parses back to the identical bytes and prints identically again (the
 * %.9g contract of vec_json); a rejection leaves no vector and a message.
 */
#include "fuzz.h"
#include "vector.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  float *v = NULL, *w = NULL;
  size_t dim = 0, dw = 0;
  char err[VEC_ERRLEN] = "";
  char *json = NULL, *again = NULL;
  int rc = vec_from_json((const char *)data, size, &v, &dim, err);
  if (rc == VEC_ENOMEM) return 0;
  if (rc != VEC_OK) {
    FUZZ_CHECK(rc == VEC_EINVALID, "rc %d", rc);
    FUZZ_CHECK(v == NULL && dim == 0, "rejected input left a vector");
    FUZZ_CHECK(err[0] != '\0' && strlen(err) < VEC_ERRLEN, "no message");
    return 0;
  }
  FUZZ_CHECK(v != NULL && dim > 0, "accepted an empty vector");
  for (size_t i = 0; i < dim; i++)
    FUZZ_CHECK(isfinite(v[i]), "element %zu is not finite", i);
  json = vec_to_json(v, dim);
  if (json == NULL) goto cleanup;
  rc = vec_from_json(json, strlen(json), &w, &dw, err);
  if (rc == VEC_ENOMEM) goto cleanup;
  FUZZ_CHECK(rc == VEC_OK, "vec_to_json output rejected: %s: %s", err, json);
  FUZZ_CHECK(dw == dim && memcmp(w, v, dim * sizeof *v) == 0,
             "round trip changed the vector: %s", json);
  again = vec_to_json(w, dw);
  if (again != NULL)
    FUZZ_CHECK(strcmp(again, json) == 0, "printed differently: %s vs %s",
               json, again);
cleanup:
  free(again);
  free(json);
  free(w);
  free(v);
  return 0;
}
