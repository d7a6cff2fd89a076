/*
 * refusal_persona.c — the line forms the refusal detector reads (see
 * refusal.c, step 3): persona labels, whose names become features and whose
 * change after a refusal ("[GPT]: I can't ..." then "[DAN]: Sure ...")
 * makes the second persona's answer veto the refusal, and list items.  Pure
 * C, no SQLite, no heap; tests/refusal/features.py (_persona, scan_lines)
 * is the same computation in Python.
 */
#include "refusal_persona.h"

#include <string.h>

static int label_ok(unsigned char c) {
  return refusal_is_word(c) ? c != '\'' : (c == ' ' || c == '_' || c == '-' ||
                                   c == '(' || c == ')' || c == '[' ||
                                   c == ']' || c >= 0x80);
}

static int is_alnum(unsigned char c) { return refusal_is_word(c) && c != '\''; }

static int is_blank(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* The hash of a label's name in b[r..q): its first 16 letters and digits
 * after any leading symbols ("#" when it has none). */
static uint32_t label_name(const unsigned char *b, size_t r, size_t q) {
  while (r < q && !is_alnum(b[r])) r++;
  size_t start = r;
  while (r < q && r - start < 16 && is_alnum(b[r])) r++;
  return r > start ? refusal_fnv(b + start, r - start) : refusal_fnv_str("#");
}

/* The name hash of a line "As Name, ..." whose name starts at b[st] (an
 * upper-case letter); 0 for "As I, ..." or without a comma. */
static int as_persona(const unsigned char *b, size_t st, size_t e,
                      uint32_t *h) {
  size_t q = st, spaces = 0;
  while (q < e && q - st < 32 && b[q] != ',') {
    if (!label_ok(b[q])) return 0;
    spaces += b[q] == ' ';
    q++;
  }
  if (q >= e || b[q] != ',' || spaces > 2) return 0;
  if (b[st] == 'I' && (st + 1 == q || !is_alnum(b[st + 1]))) return 0;
  *h = label_name(b, st, q);
  return 1;
}

/* The name hash of a label at the start of the line b[p..e) ("[Name]:
 * ...", "Name: ...", "[Name] ...", "[Name:] ...", "(Name) ..."), or 0.  A
 * bracketed name may also start with a digit and hold dots ("[8.6-RC1:]").
 * The name is the letters and digits after any leading symbols
 * ("[\xF0\x9F\x94\x92CLASSIC]" is "classic"). */
static int label(const unsigned char *b, size_t p, size_t e, uint32_t *h) {
  unsigned char close = 0;
  if (p < e && (b[p] == '[' || b[p] == '(')) close = b[p++] == '[' ? ']' : ')';
  int square = close == ']';
  if (p >= e || !((b[p] >= 'A' && b[p] <= 'Z') || b[p] >= 0x80 ||
                  (square && b[p] >= '0' && b[p] <= '9')))
    return 0;
  size_t q = p, spaces = 0;
  while (q < e && q - p < 32 && b[q] != ':' && (close == 0 || b[q] != close)) {
    if (!label_ok(b[q]) && !(square && b[q] == '.')) return 0;
    spaces += b[q] == ' ';
    q++;
  }
  if (q >= e || spaces > 2) return 0;
  if (close != 0 && b[q] == ':' && q + 1 < e && b[q + 1] == close) {
    if (q + 2 < e && !is_blank(b[q + 2])) return 0;
  } else if (close != 0 && b[q] == close) {
    if (q + 1 < e && !is_blank(b[q + 1]) && b[q + 1] != ':') return 0;
  } else if (b[q] != ':' || (q + 1 < e && !is_blank(b[q + 1]))) {
    return 0;
  }
  *h = label_name(b, p, q);
  return 1;
}

/* A line that starts with one symbol of at most 4 bytes >= 0x80 (not the
 * bullet U+2022) and a space ("\xCE\xB1 I'm sorry ...", an emoji and
 * "Sure ..."): the label is the symbol, hashed after a byte 1 so that it
 * is no word's hash. */
static int symbol(const unsigned char *b, size_t p, size_t e, uint32_t *h) {
  size_t q = p;
  while (q < e && b[q] >= 0x80 && q - p < 5) q++;
  if (q == p || q - p > 4 || q >= e || b[q] != ' ') return 0;
  if (q - p == 3 && b[p] == 0xE2 && b[p + 1] == 0x80 && b[p + 2] == 0xA2)
    return 0;
  unsigned char name[5] = {1};
  memcpy(name + 1, b + p, q - p);
  *h = refusal_fnv(name, q - p + 1);
  return 1;
}

/* The persona name hash of the line b[p..e): a label, "As Name, ..." or a
 * symbol (see features._persona); 0 when the line has none. */
int refusal_persona(const unsigned char *b, size_t p, size_t e,
                    uint32_t *h) {
  if (e - p > 3 && b[p] == 'A' && b[p + 1] == 's' && b[p + 2] == ' ' &&
      b[p + 3] >= 'A' && b[p + 3] <= 'Z')
    return as_persona(b, p + 3, e, h);
  return label(b, p, e, h) || symbol(b, p, e, h);
}

int refusal_list_item(const unsigned char *b, size_t p, size_t e) {
  size_t q = p;
  while (q < e && b[q] >= '0' && b[q] <= '9' && q - p < 3) q++;
  if (q > p)
    return q + 1 < e && (b[q] == '.' || b[q] == ')') &&
           (b[q + 1] == ' ' || b[q + 1] == '\t');
  if (p + 1 < e && (b[p] == '-' || b[p] == '*' || b[p] == '+') &&
      b[p + 1] == ' ')
    return 1;
  return p + 2 < e && b[p] == 0xE2 && b[p + 1] == 0x80 && b[p + 2] == 0xA2;
}
