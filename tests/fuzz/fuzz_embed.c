/*
 * fuzz_embed.c — embed_text on arbitrary bytes and dimensions.
 *
 * The first two bytes choose the dimension (0 and 65,537 must be refused,
 * 65,536 must work), the rest is the text.  Invariants: EMBED_OK exactly
 * when the dimension is in range and the text has a word (and the features
 * do not cancel); the result is finite and unit length; the same input
 * gives the same bytes; other results leave the output untouched.
 */
#include "embed.h"
#include "fuzz.h"
#include "vector.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzReader r = {data, size};
  uint16_t d = fuzz_u16(&r);
  size_t dim = d == 0xFFFF ? EMBED_MAX_DIM + 1
               : d == 0xFFFE ? EMBED_MAX_DIM
                             : d % 1025; /* 0 .. 1024 */
  size_t len, words = 12345, words2 = 0;
  const uint8_t *text = fuzz_bytes(&r, r.n, &len);
  size_t cells = dim ? dim : 1;
  float *out = malloc(cells * sizeof(float)), *out2 = malloc(cells * sizeof(float));
  if (out == NULL || out2 == NULL) goto cleanup;
  for (size_t i = 0; i < cells; i++) out[i] = out2[i] = 42.0f;
  int rc = embed_text(text, len, dim, out, &words);
  if (rc == EMBED_ENOMEM) goto cleanup;
  if (dim < 1 || dim > EMBED_MAX_DIM) {
    FUZZ_CHECK(rc == EMBED_EDIM, "dimension %zu accepted (rc %d)", dim, rc);
    goto cleanup;
  }
  FUZZ_CHECK(rc != EMBED_EDIM, "dimension %zu refused", dim);
  int rc2 = embed_text(text, len, dim, out2, &words2);
  if (rc2 == EMBED_ENOMEM) goto cleanup;
  FUZZ_CHECK(rc2 == rc && words2 == words, "not deterministic");
  if (rc != EMBED_OK) {
    FUZZ_CHECK(rc == EMBED_ENOWORDS ? words == 0 : rc == EMBED_EZERO,
               "rc %d with %zu words", rc, words);
    for (size_t i = 0; i < dim; i++)
      FUZZ_CHECK(out[i] == 42.0f, "output written on rc %d", rc);
    goto cleanup;
  }
  FUZZ_CHECK(words > 0, "a vector from no words");
  FUZZ_CHECK(memcmp(out, out2, dim * sizeof(float)) == 0,
             "two runs gave different bytes");
  for (size_t i = 0; i < dim; i++)
    FUZZ_CHECK(isfinite(out[i]), "element %zu is %g", i, out[i]);
  double norm = vec_norm(out, dim);
  FUZZ_CHECK(fabs(norm - 1) < 1e-5, "norm %.17g", norm);
cleanup:
  free(out);
  free(out2);
  return 0;
}
