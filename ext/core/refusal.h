/*
 * refusal.h — the pure C core of refusal_kind(), refusal_score() and
 * is_refusal() (SPEC section 4): a linear model over hashed word n-grams and
 * layout features, trained by tests/refusal/train.py.  No SQLite, no heap
 * allocation, integer arithmetic up to the final score; safe on any bytes.
 */
#ifndef SAFETY_REFUSAL_H
#define SAFETY_REFUSAL_H

#include <stddef.h>
#include <stdint.h>

/* Only the first REFUSAL_SCAN_MAX bytes, and of them the first
 * REFUSAL_MAX_TOKENS tokens, are read: a refusal shows in the opening, and
 * this bounds time and stack use. */
#define REFUSAL_SCAN_MAX 8192
#define REFUSAL_MAX_TOKENS 1024

typedef enum {
  REFUSAL_KIND_COMPLIANCE = 0,
  REFUSAL_KIND_PARTIAL = 1,
  REFUSAL_KIND_REFUSAL = 2
} RefusalKind;

/* The detector's verdict on one text. */
typedef struct {
  RefusalKind kind;
  double margin;  /* document model, in weight units (>= 0 reads as refusal) */
  double score;   /* in [0, 1]; >= 0.5 exactly when kind is REFUSAL */
} RefusalVerdict;

/*
 * Classifies text[0..len) (any bytes, NULs included; text may be NULL when
 * len is 0).  Empty or all-blank text is compliance with score 0.
 */
RefusalVerdict refusal_classify(const char *text, size_t len);

/* refusal_classify(text, len).score */
double refusal_score_text(const char *text, size_t len);

/* "refusal", "partial" or "compliance". */
const char *refusal_kind_name(RefusalKind kind);

#endif
