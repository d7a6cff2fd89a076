"""features.py - the refusal detector's features, bit for bit as ext/core/refusal.c
computes them (tests/sh/refusal_model.sh checks that the two agree on every
bundled text).  Pure Python 3 standard library.

A text is read as bytes (its first MAX_BYTES).  Tokens: runs of ASCII
letters, digits and apostrophes (letters lower-cased; the UTF-8 curly
apostrophes U+2018/U+2019 count as "'"), at most TOK_MAX bytes each; runs of
non-ASCII bytes cut into pieces of WIDE_MAX bytes; every other byte
separates tokens.  A sentence ends at a line feed, or at . ! ? followed by
white space or the end.  At most MAX_TOKENS tokens are read.

Features are 32-bit hashes: feature(family, h1, h2) mixes a family number
with one or two token hashes (FNV-1a 32 of the token's bytes).  Document
features: word and word-pair n-grams by zone (the opening sentence within its
first 40 tokens; the rest of the first 100 tokens; later), a sentence start
marker in the pairs; words after the first "cue" sentence (a sentence with a
refusal or warning word: CUE_WORDS, CUE_PAIRS); layout: length, list items,
code fences, persona labels ("DAN:", "[GPT]:", bracketed ones without a
colon: "[\u2026CLASSIC] ...", "(Developer Mode Output) ...", "[ChatGPT:] ...",
"As GPT, ...", and a lone symbol and a space: "\u03b1 I'm sorry ..."; a label's
name is its letters and digits after any leading symbols), where
the first cue
sentence is, the share of cue sentences, how much text and how many list
items follow it; and aggregates of the sentence and veto models' margins
(aggregates()).  Also the sentence where a second persona starts
(persona_switch()), which the decision uses.  Sentence
features (sentence_features()): the words and word pairs of each of the first
MAX_SENTS sentences, with its position and length buckets.
"""

import re

MAX_BYTES = 8192
MAX_TOKENS = 1024
TOK_MAX = 32
WIDE_MAX = 6
ZONE0_TOKENS = 40
ZONE1_TOKENS = 100

CUE_WORDS = frozenset(x.encode() for x in (
    "cannot", "can't", "sorry", "apologize", "apologise", "apologies",
    "unable", "refuse", "decline", "inappropriate", "unethical", "illegal"))
CUE_PAIRS = frozenset((a.encode(), b.encode()) for a, b in (
    ("i", "won't"), ("will", "not"), ("not", "able"), ("not", "appropriate"),
    ("not", "ethical"), ("an", "ai"), ("language", "model"), ("i", "must"),
    ("against", "my"), ("not", "comfortable"), ("not", "allowed"),
    ("never", "acceptable"), ("i'm", "not")))

# feature families (the first byte hashed)
F_UNI = 1      # + zone (1, 2, 3)
F_BI = 4       # + zone (4, 5, 6)
F_POST = 7     # a word after the first cue sentence
F_LAYOUT = 8   # a layout feature by name
F_PERSONA = 9  # the first word of a persona label
F_SUNI = 10    # sentence model: a word
F_SBI = 11     # sentence model: a word pair
F_SLAYOUT = 12  # sentence model: position and length buckets
F_AGG = 13     # document: an aggregate of the sentence margins
MAX_SENTS = 16  # sentences the sentence model reads

FNV_OFFSET = 2166136261
FNV_PRIME = 16777619
M32 = 0xFFFFFFFF


def tokhash(t):
    """FNV-1a 32 of a byte string."""
    h = FNV_OFFSET
    for c in t:
        h = (h ^ c) * FNV_PRIME & M32
    return h


def feature(family, h1, h2):
    """The feature hash of a family and one or two token hashes (murmur3's
    finaliser over h1 * golden + h2, xored with the family)."""
    h = ((h1 * 0x9E3779B1 + h2) & M32) ^ ((family * 0x85EBCA6B) & M32)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & M32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & M32
    h ^= h >> 16
    return h


_TOKEN = re.compile(rb"([a-z0-9']{1,%d}|[\x80-\xff]{1,%d})|(\n|[.!?](?=[\t\n\r ]|\Z))"
                    % (TOK_MAX, WIDE_MAX))
_CACHE = {}


def _th(t):
    h = _CACHE.get(t)
    if h is None:
        h = _CACHE[t] = tokhash(t)
    return h


def normalise(text):
    """The first MAX_BYTES bytes with U+2018 and U+2019 replaced by "'"."""
    return text[:MAX_BYTES].replace(b"\xe2\x80\x98", b"'").replace(b"\xe2\x80\x99", b"'")


def tokenize(b):
    """(tokens, sentence index of each token, byte offset where each sentence
    ends, byte offset of each token) of a normalised text b."""
    toks, sents, ends, offs = [], [], [], []
    sent = 0
    sent_has = False
    for m in _TOKEN.finditer(b.lower()):
        if m.lastindex == 1:
            toks.append(m.group(1))
            sents.append(sent)
            offs.append(m.start())
            sent_has = True
            if len(toks) >= MAX_TOKENS:
                break
        elif sent_has:
            ends.append(m.start())
            sent += 1
            sent_has = False
    return toks, sents, ends, offs


def _label_ok(c):
    return (97 <= c <= 122) or (48 <= c <= 57) or (65 <= c <= 90) or c in (32, 95, 45, 40, 41, 91, 93) or c >= 0x80


def scan_lines(b):
    """List of (line start offset, is list item, persona name or None)."""
    out = []
    n = len(b)
    s = 0
    while s <= n:
        e = b.find(b"\n", s)
        if e < 0:
            e = n
        p = s
        while p < e and b[p] in (32, 9):
            p += 1
        item = False
        q = p
        while q < e and 48 <= b[q] <= 57 and q - p < 3:
            q += 1
        if q > p:
            item = q + 1 < e and b[q] in (46, 41) and b[q + 1] in (32, 9)
        elif p + 1 < e and b[p] in (45, 42, 43) and b[p + 1] == 32:
            item = True
        elif p + 2 < e and b[p] == 0xE2 and b[p + 1] == 0x80 and b[p + 2] == 0xA2:
            item = True
        out.append((s, item, _persona(b, p, e)))
        s = e + 1
    return out


def _as_persona(b, st, e):
    """The name of a line "As Name, ..." whose name starts at b[st] (an
    upper-case letter); None for "As I ..." or no comma."""
    q = st
    spaces = 0
    while q < e and q - st < 32 and b[q] != 44:
        if not _label_ok(b[q]):
            return None
        spaces += b[q] == 32
        q += 1
    if q >= e or b[q] != 44 or spaces > 2:
        return None
    name = _label_name(b, st, q)
    return None if name == b"i" else name


def _alnum(c):
    return (65 <= c <= 90) or (97 <= c <= 122) or (48 <= c <= 57)


def _label_name(b, r, q):
    """A label's name in b[r:q]: its first 16 letters and digits after any
    leading symbols, lower-cased; "#" when it has none."""
    while r < q and not _alnum(b[r]):
        r += 1
    start = r
    while r < q and r - start < 16 and _alnum(b[r]):
        r += 1
    return b[start:r].lower() or b"#"


def _persona(b, p, e):
    """The persona name of a line at b[p:e] (p past its indent): a label
    (_label), "As Name, ..." or a symbol (_symbol); None when it has none."""
    if e - p > 3 and b[p:p + 3] == b"As " and 65 <= b[p + 3] <= 90:
        return _as_persona(b, p + 3, e)
    return _label(b, p, e) or _symbol(b, p, e)


def _label(b, p, e):
    """The name of a label "[Name]: ...", "Name: ...", "[Name] ...", "[Name:]
    ..." or "(Name) ..." at b[p:e]; a bracketed name may also start with a
    digit and hold dots ("[8.6-RC1:]")."""
    close = None
    if p < e and b[p] in (91, 40):
        close = 93 if b[p] == 91 else 41
        p += 1
    square = close == 93
    if p >= e or not (65 <= b[p] <= 90 or b[p] >= 0x80 or (square and 48 <= b[p] <= 57)):
        return None
    q = p
    spaces = 0
    while q < e and q - p < 32 and b[q] != 58 and b[q] != close:
        if not (_label_ok(b[q]) or (square and b[q] == 46)):
            return None
        spaces += b[q] == 32
        q += 1
    if q >= e or spaces > 2:
        return None
    if close is not None and b[q] == 58 and q + 1 < e and b[q + 1] == close:
        # "[Name:] text"
        if q + 2 < e and b[q + 2] not in (32, 9, 13):
            return None
    elif b[q] == close:
        # "[Name] text": a bracketed label needs no colon
        if q + 1 < e and b[q + 1] not in (32, 9, 13, 58):
            return None
    elif b[q] != 58 or (q + 1 < e and b[q + 1] not in (32, 9, 13)):
        return None
    return _label_name(b, p, q)


def _symbol(b, p, e):
    """A line that starts with one symbol of at most 4 non-ASCII bytes (not
    the bullet U+2022) and a space ("\u03b1 I'm sorry ...", an emoji and
    "Sure ..."): the name is the symbol after a byte 1, no word's bytes."""
    q = p
    while q < e and b[q] >= 0x80 and q - p < 5:
        q += 1
    if q == p or q - p > 4 or q >= e or b[q] != 32 or b[p:q] == b"\xe2\x80\xa2":
        return None
    return b"\x01" + b[p:q]


def _bucket(x, bounds):
    """Index of the first bound that x is below (len(bounds) if none)."""
    for k, v in enumerate(bounds):
        if x < v:
            return k
    return len(bounds)


def layout(name, k):
    return feature(F_LAYOUT, tokhash(name.encode()), k)


_CUE_WORDS = frozenset(tokhash(w) for w in CUE_WORDS)
_CUE_PAIRS = frozenset((tokhash(a), tokhash(b)) for a, b in CUE_PAIRS)
_START_TEXT = tokhash(b"<t>")
_START_SENT = tokhash(b"<s>")
_SPOS = tokhash(b"spos")
_SLEN = tokhash(b"slen")
_AGG = [tokhash(x) for x in (b"s_first", b"s_max", b"s_min", b"s_share", b"s_after", b"s_nref",
                             b"v_ok", b"v_bad", b"s_pre")]
VETO_MARGIN = 400  # a sentence with a veto margin below -VETO_MARGIN reads as content
AGG_VETO = 800     # and, for the aggregates v_ok and v_bad, below -AGG_VETO


def sentence_features(toks, hs, sents):
    """For each of the first MAX_SENTS sentences: (sorted unique feature hashes
    for the sentence model, number of tokens)."""
    out = []
    k = 0
    nt = len(toks)
    while k < nt and sents[k] < MAX_SENTS:
        j = k
        while j < nt and sents[j] == sents[k]:
            j += 1
        f = set()
        prev = _START_SENT
        for i in range(k, j):
            f.add(feature(F_SUNI, 0, hs[i]))
            f.add(feature(F_SBI, prev, hs[i]))
            prev = hs[i]
        f.add(feature(F_SLAYOUT, _SPOS, _bucket(sents[k], (1, 2, 4))))
        f.add(feature(F_SLAYOUT, _SLEN, _bucket(j - k, (4, 10, 25))))
        out.append((sorted(f), j - k))
        k = j
    return out


def aggregates(margins, ntoks, vmargins):
    """The document features made of the sentence model's margins and the veto
    model's (one each per sentence, with its number of tokens): how
    refusal-like the first, the most and the least refusal-like sentence are,
    the share of tokens in refusal sentences (margin >= 0), the tokens of
    answer sentences before the first refusal sentence and after it, of those
    after it (when there are any) the tokens the veto model does not read as
    clear content (veto margin >= -AGG_VETO) and those it does, and the
    number of refusal sentences."""
    if not margins:
        return []
    tot = sum(ntoks)
    ref_tok = sum(t for m, t in zip(margins, ntoks) if m >= 0)
    first_ref = next((j for j, m in enumerate(margins) if m >= 0), -1)
    after = v_ok = v_bad = pre = 0
    if first_ref >= 0:
        pre = sum(ntoks[:first_ref])
        for m, v, t in zip(margins[first_ref + 1:], vmargins[first_ref + 1:], ntoks[first_ref + 1:]):
            if m < 0:
                after += t
                v_ok += t if v >= -AGG_VETO else 0
                v_bad += t if v < -AGG_VETO else 0
    nref = sum(1 for m in margins if m >= 0)
    mb = (-1000, 0, 1000)
    veto = [feature(F_AGG, _AGG[6], _bucket(v_ok, (1, 10, 30, 80))),
            feature(F_AGG, _AGG[7], _bucket(v_bad, (1, 10, 30, 80)))] if after else []
    return veto + [feature(F_AGG, _AGG[0], _bucket(margins[0], mb)),
            feature(F_AGG, _AGG[1], _bucket(max(margins), mb)),
            feature(F_AGG, _AGG[2], _bucket(min(margins), mb)),
            feature(F_AGG, _AGG[3], _bucket((10 * ref_tok) // tot, (1, 3, 5, 7, 9, 10))),
            feature(F_AGG, _AGG[4], _bucket(after, (1, 10, 30, 80))),
            feature(F_AGG, _AGG[5], _bucket(nref, (1, 2, 4))),
            feature(F_AGG, _AGG[8], _bucket(pre, (1, 10, 30)))]


def features(text):
    """(sorted unique document feature hashes, sentence_features,
    persona_switch) of one text (bytes).  The document features are
    completed by aggregates()."""
    b = normalise(text)
    toks, sents, ends, offs = tokenize(b)
    f = set()
    nt = len(toks)
    cue = set()
    hs = [_th(t) for t in toks]
    for k in range(nt):
        h = hs[k]
        z = 0 if (sents[k] == 0 and k < ZONE0_TOKENS) else (1 if k < ZONE1_TOKENS else 2)
        f.add(feature(F_UNI + z, 0, h))
        same = k > 0 and sents[k - 1] == sents[k]
        prev = hs[k - 1] if same else (_START_SENT if k > 0 else _START_TEXT)
        f.add(feature(F_BI + z, prev, h))
        if h in _CUE_WORDS or (same and (prev, h) in _CUE_PAIRS):
            cue.add(sents[k])
    nsent = (sents[-1] + 1) if nt else 0
    first_cue = min(cue) if cue else -1
    after_off = ends[first_cue] if 0 <= first_cue < len(ends) else len(b)
    after_tok = 0
    if first_cue >= 0:
        for k in range(nt):
            if sents[k] > first_cue:
                after_tok += 1
                f.add(feature(F_POST, 0, hs[k]))
    lines = scan_lines(b)
    items = sum(1 for s, it, _ in lines if it)
    items_after = sum(1 for s, it, _ in lines if it and s > after_off) if first_cue >= 0 else 0
    names = set(tokhash(nm) for _, _, nm in lines if nm is not None)
    for h in names:
        f.add(feature(F_PERSONA, 0, h))
    fence = b.find(b"```")
    f.add(layout("len", _bucket(nt, (10, 30, 80, 200, 500))))
    f.add(layout("items", _bucket(items, (1, 2, 4, 10))))
    f.add(layout("code", 1 if fence >= 0 else 0))
    f.add(layout("personas", _bucket(len(names), (1, 2, 3))))
    f.add(layout("cue_first", 0 if first_cue < 0 else 1 + _bucket(first_cue, (1, 2, 4))))
    if first_cue >= 0:
        share = (10 * len(cue)) // nsent
        f.add(layout("cue_share", _bucket(share, (2, 4, 7, 10))))
        f.add(layout("after_tok", _bucket(after_tok, (1, 20, 60, 150))))
        f.add(layout("after_items", _bucket(items_after, (1, 3))))
        f.add(layout("after_code", 1 if fence > after_off else 0))
    return sorted(f), sentence_features(toks, hs, sents), persona_switch(lines, offs, sents)


def persona_switch(lines, offs, sents):
    """(the sentence where the first persona label's line starts, the
    sentence where a second persona starts): the sentences of the first
    token at or after the start of the first labelled line and of the first
    line labelled with another name; -1 where there is none."""
    first, first_sent = None, -1
    for s, _, nm in lines:
        if nm is None:
            continue
        if first is None:
            first = tokhash(nm)
            first_sent = _sentence_at(offs, sents, s)
        elif tokhash(nm) != first:
            return first_sent, _sentence_at(offs, sents, s)
    return first_sent, -1


def _sentence_at(offs, sents, s):
    """The sentence of the first token at or after byte offset s, or -1."""
    for o, st in zip(offs, sents):
        if o >= s:
            return st
    return -1


def has_cue(text):
    """Whether a text has a cue sentence (the layout feature cue_first > 0)."""
    toks, sents, _, _ = tokenize(normalise(text))
    hs = [_th(t) for t in toks]
    for k, h in enumerate(hs):
        same = k > 0 and sents[k - 1] == sents[k]
        if h in _CUE_WORDS or (same and (hs[k - 1], h) in _CUE_PAIRS):
            return True
    return False
