/*
 * fuzz_vec_blob.c — vec_from_blob on arbitrary bytes.
 *
 * Invariants: a vector is accepted exactly when the length is a positive
 * multiple of 4 and every float32 is finite; an accepted vector is the
 * input's bytes; its norm is finite; its JSON text parses back to the same
 * bytes; a rejection leaves no vector and a message.
 */
#include "fuzz.h"
#include "vector.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  float *v = NULL, *w = NULL;
  size_t dim = 0, dw = 0;
  char err[VEC_ERRLEN] = "";
  int finite = 1;
  for (size_t i = 0; i + 4 <= size; i += 4) {
    float f;
    memcpy(&f, data + i, 4);
    finite &= isfinite(f) != 0;
  }
  int valid = size > 0 && size % 4 == 0 && finite;
  int rc = vec_from_blob(data, size, &v, &dim, err);
  if (rc == VEC_ENOMEM) return 0;
  FUZZ_CHECK((rc == VEC_OK) == valid, "rc %d for a %s input of %zu bytes",
             rc, valid ? "valid" : "invalid", size);
  if (rc != VEC_OK) {
    FUZZ_CHECK(v == NULL && dim == 0, "rejected input left a vector");
    FUZZ_CHECK(err[0] != '\0' && strlen(err) < VEC_ERRLEN, "no message");
    return 0;
  }
  FUZZ_CHECK(dim * 4 == size && memcmp(v, data, size) == 0,
             "accepted vector differs from its bytes");
  double norm = vec_norm(v, dim);
  FUZZ_CHECK(isfinite(norm) && norm >= 0, "norm %g", norm);
  if (norm > 0) {
    double c = vec_cosine_with_norms(v, v, dim, norm, norm);
    FUZZ_CHECK(c >= 1 - 1e-6 && c <= 1, "cosine(v, v) = %.17g", c);
  }
  char *json = vec_to_json(v, dim);
  if (json != NULL) {
    rc = vec_from_json(json, strlen(json), &w, &dw, err);
    FUZZ_CHECK(rc == VEC_OK || rc == VEC_ENOMEM, "vec_to_json output rejected: %s",
               err);
    if (rc == VEC_OK)
      FUZZ_CHECK(dw == dim && memcmp(w, v, size) == 0,
                 "JSON round trip changed the vector: %s", json);
  }
  free(json);
  free(w);
  free(v);
  return 0;
}
