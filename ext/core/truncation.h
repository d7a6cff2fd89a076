/*
 * truncation.h — the pure C core of is_truncated(): does a model response
 * look cut off (a completion stopped at a token limit, mid-sentence)?  A
 * deterministic rule on how the text ends; no SQLite, no allocation, safe
 * on arbitrary bytes.  truncation.c documents the rule.
 */
#ifndef SAFETY_TRUNCATION_H
#define SAFETY_TRUNCATION_H

#include <stddef.h>

/*
 * 1 when text[0..len) (any bytes; text may be NULL when len is 0) looks cut
 * off, else 0.  Empty or all-blank text is 0.
 */
int truncation_is_cut(const char *text, size_t len);

#endif
