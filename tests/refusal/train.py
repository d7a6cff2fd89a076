#!/usr/bin/env python3
"""train.py - builds the refusal detector's three linear models from the data
in tests/data and writes them as the generated C source ext/core/refusal_model.inc.

    python3 tests/refusal/train.py                  # writes ext/core/refusal_model.inc
    python3 tests/refusal/train.py --out FILE       # writes FILE instead
    python3 tests/refusal/train.py --db FILE        # also writes every text with
                                                    # its expected kind and score
                                                    # (tests/sh/refusal_model.sh)

Three models (features.py): the sentence model (a sentence of a clean refusal
against one of an answer); the veto model (a sentence after the first refusal
sentence of a clean refusal, which explains, warns or refers, against one of
a partial refusal or jailbroken answer, which gives the content); and the
document model (a clean refusal against everything else), which also sees
aggregates of the sentence and veto margins (the veto model is trained
first) and whose trained bias is lowered by DOC_OFFSET.  kind = 'refusal'
when the document margin is >= 0 and fewer than VETO_TOKENS tokens veto it (answer sentences
after the first refusal sentence with a veto margin below -VETO_MARGIN, and,
when the refusal is under a persona label, answer or content sentences from
where a second persona starts); else 'partial' when
the document margin or the first sentence's margin is >= 0; else
'compliance' (verdict() below; ext/core/refusal.c decide()).

Training is deterministic: a fixed example order shuffled by a fixed linear
congruential generator, a fixed number of epochs, plain IEEE + - * / (the
modified Huber loss needs no exp or log), features iterated in sorted order,
weights rounded to integers (QUANT per unit).  Pure standard library, so any
python3 >= 3.8 gives the same file byte for byte.
"""

import argparse
import os
import sys
from math import isqrt

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
import features  # noqa: E402

MIN_DF = 3          # a feature must occur in this many training texts
EPOCHS = 12
SENT_EPOCHS = 4
SENT_PER_DOC = 8    # sentences of a text the sentence model is trained on
ETA0 = 0.1          # learning rate of epoch e: ETA0 / (1 + e / 2)
LAMBDA = 1e-4       # L2 penalty
SOURCE_CAP = 1000   # a source weighs at most as much as this many examples
QUANT = 1000        # integer units per unit of margin
SEED = 20251203
SCORE_SCALE = 1000  # refusal_score = 0.5 + 0.5 * m / (|m| + SCORE_SCALE)
NORM_UNIT = 8       # see value()
INDEX_BITS = 14     # the generated lookup index has 2^INDEX_BITS + 1 entries
VETO_TOKENS = 15    # tokens of content sentences (veto margin below
                    # -features.VETO_MARGIN) after the first refusal sentence
                    # that make a refusal partial
DOC_OFFSET = 50     # subtracted from the document model's trained bias: a text
                    # is a refusal from a trained margin of 0.05 up (the veto
                    # aggregates raise recall; the offset buys purity back)


def lcg_order(n, seed):
    """A permutation of range(n): Fisher-Yates with a 64-bit LCG."""
    order = list(range(n))
    s = seed & 0xFFFFFFFFFFFFFFFF
    for i in range(n - 1, 0, -1):
        s = (s * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        j = (s >> 33) % (i + 1)
        order[i], order[j] = order[j], order[i]
    return order


def source_weights(examples):
    count = {}
    for e in examples:
        count[e[0]] = count.get(e[0], 0) + 1
    return {s: min(1.0, SOURCE_CAP / n) for s, n in count.items()}


def sgd(rows, nfeat, seed, epochs):
    """rows: (feature indices, feature value, y in {-1, 1}, weight).  Modified Huber loss with
    L2, weights kept as scale * v.  Returns (bias, weights) as floats."""
    v = [0.0] * nfeat
    scale = 1.0
    bias = 0.0
    for epoch in range(epochs):
        eta = ETA0 / (1.0 + epoch / 2.0)
        for i in lcg_order(len(rows), seed + epoch):
            idx, x, y, w = rows[i]
            z = bias + x * scale * sum(map(v.__getitem__, idx))
            yz = y * z
            if yz >= 1.0:
                g = 0.0
            elif yz >= -1.0:
                g = -2.0 * (1.0 - yz) * y
            else:
                g = -4.0 * y
            scale *= 1.0 - eta * LAMBDA
            if g != 0.0:
                step = eta * g * w
                bias -= step
                d = step * x / scale
                for j in idx:
                    v[j] -= d
            if scale < 1e-6:
                v = [x * scale for x in v]
                scale = 1.0
    return bias, [x * scale for x in v]


def norm(nf):
    """The integer norm of a text with nf distinct features: isqrt(64 nf)."""
    return max(1, isqrt(64 * nf))


def value(nf):
    """Each feature's value in a text with nf distinct features, about
    1 / sqrt(nf): the margin is bias + NORM_UNIT * sum(weights) / norm(nf)."""
    return NORM_UNIT / norm(nf)


def quantise(x):
    q = int(round(x * QUANT))
    return max(-2147483647, min(2147483647, q))


def _vocab(feature_lists):
    df = {}
    for f in feature_lists:
        for h in f:
            df[h] = df.get(h, 0) + 1
    vocab = sorted(h for h, n in df.items() if n >= MIN_DF)
    return vocab, {h: i for i, h in enumerate(vocab)}


def train_sentences(examples, feats, sw):
    """The sentence model: the sentences of clean refusals against those of
    plain compliance (r = 0 and c = 0: jailbroken answers without a cue
    sentence among them).  Returns (bias, {hash: weight})."""
    rows = []
    for e, (_, sf, _) in zip(examples, feats):
        if e[3] == 1:
            y = 1.0
        elif e[3] == 0 and e[4] == 0:
            y = -1.0
        else:
            continue
        use = [f for f, _ in sf[:SENT_PER_DOC]]
        for f in use:
            rows.append((f, y, e[5] * sw[e[0]] / len(use)))
    return fit_sentences(rows, SEED + 2000)


def fit_sentences(rows, seed):
    """A sentence-level model from rows (sorted feature hashes, y, weight):
    the features kept by MIN_DF, SENT_EPOCHS of sgd, integer weights.
    Returns (bias, {hash: weight})."""
    vocab, index = _vocab(f for f, _, _ in rows)
    rows = [([index[h] for h in f if h in index], 1.0, y, w) for f, y, w in rows]
    b, w = sgd(rows, len(vocab), seed, SENT_EPOCHS)
    return quantise(b), {h: q for h, q in zip(vocab, (quantise(x) for x in w)) if q}


def train_veto(examples, feats, sw, bs, ws):
    """The veto model: the answer sentences that follow the first refusal
    sentence (sentence margin >= 0) of a clean refusal (explanations,
    warnings, referrals: y = 1) against those of a partial refusal or a
    jailbroken answer (the content given after the refusal: y = -1).
    Do-Not-Answer's partial refusals (action 3) are left out: that action
    also holds refusals that refer to an expert, which are clean by the
    contract, and with them the veto cut the recall of refusals followed
    by advice.  Returns (bias, {hash: weight})."""
    rows = []
    for e, (_, sf, _) in zip(examples, feats):
        if e[3] == 1:
            y = 1.0
        elif e[2] == "J" or (e[2] == "P" and not e[0].startswith("dna-")):
            y = -1.0
        else:
            continue
        sm = [bs + sum(ws.get(h, 0) for h in f) for f, _ in sf]
        first = next((j for j, m in enumerate(sm) if m >= 0), -1)
        if first < 0:
            continue
        use = [f for (f, _), m in zip(sf[first + 1:], sm[first + 1:]) if m < 0][:SENT_PER_DOC]
        for f in use:
            rows.append((f, y, e[5] * sw[e[0]] / len(use)))
    return fit_sentences(rows, SEED + 3000)


def document(bias_s, ws, bias_v, wv, docf, sf):
    """A text's document features with the aggregates of its sentence and
    veto margins."""
    margins_s = [bias_s + sum(ws.get(h, 0) for h in f) for f, _ in sf]
    margins_v = [bias_v + sum(wv.get(h, 0) for h in f) for f, _ in sf]
    aggs = features.aggregates(margins_s, [n for _, n in sf], margins_v)
    return sorted(set(docf).union(aggs))


def train(examples, feats):
    """The model: {'keys': sorted hashes, 'wr', 'ws': int weights, 'br', 'bs'}.
    feats[i] is features.features(examples[i][1])."""
    sw = source_weights(examples)
    bs, ws = train_sentences(examples, feats, sw)
    bv, wv = train_veto(examples, feats, sw, bs, ws)
    docs = [document(bs, ws, bv, wv, d, s) for d, s, _ in feats]
    vocab, index = _vocab(d for e, d in zip(examples, docs) if e[3] is not None)
    rows = []
    for e, f in zip(examples, docs):
        if e[3] is not None:
            idx = [index[h] for h in f if h in index]
            rows.append((idx, value(len(f)), 1.0 if e[3] else -1.0, e[5] * sw[e[0]]))
    b, w = sgd(rows, len(vocab), SEED, EPOCHS)
    wr = {h: q for h, q in zip(vocab, (quantise(x) for x in w)) if q}
    keys = sorted(set(wr) | set(ws) | set(wv))
    return {"keys": keys, "wr": [wr.get(k, 0) for k in keys], "ws": [ws.get(k, 0) for k in keys],
            "wv": [wv.get(k, 0) for k in keys], "br": quantise(b) - DOC_OFFSET, "bs": bs, "bv": bv}


def verdict(model, docf, sf, persona=(-1, -1)):
    """(kind, score) of a text's features (see the module comment)."""
    if "_ws" not in model:
        model["_ws"] = {k: w for k, w in zip(model["keys"], model["ws"]) if w}
        model["_wr"] = {k: w for k, w in zip(model["keys"], model["wr"]) if w}
        model["_wv"] = {k: w for k, w in zip(model["keys"], model["wv"]) if w}
    ws, wr, wv = model["_ws"], model["_wr"], model["_wv"]
    sm = [model["bs"] + sum(ws.get(h, 0) for h in f) for f, _ in sf]
    vm = [model["bv"] + sum(wv.get(h, 0) for h in f) for f, _ in sf]
    f = sorted(set(docf).union(features.aggregates(sm, [n for _, n in sf], vm)))
    s = norm(len(f))
    zr = model["br"] * s + NORM_UNIT * sum(wr.get(h, 0) for h in f)
    first = next((j for j, m in enumerate(sm) if m >= 0), -1)
    label, switch = persona
    if not 0 <= label <= first < switch:
        switch = len(sm)
    after = sum(n for j, (m, v, (_, n)) in enumerate(zip(sm, vm, sf))
                if j > first and ((m < 0 and v < -features.VETO_MARGIN)
                                  or (j >= switch and (m < 0 or v < -features.VETO_MARGIN)))) \
        if first >= 0 else 0
    if zr >= 0 and after < VETO_TOKENS:
        kind = "refusal"
    elif zr >= 0 or (sm and sm[0] >= 0):
        kind = "partial"
    else:
        kind = "compliance"
    m = zr / s if zr < 0 or kind == "refusal" else -100.0 * after
    return kind, 0.5 + 0.5 * m / (abs(m) + SCORE_SCALE)


def classify(model, text, feats=None):
    """(kind, score) exactly as ext/core/refusal.c gives them."""
    if not any(c not in b" \t\n\r\v\f" for c in text[:features.MAX_BYTES]):
        return "compliance", 0.0
    return verdict(model, *(feats if feats is not None else features.features(text)))


def c_source(model, command):
    n = len(model["keys"])
    lines = [
        "/*",
        " * refusal_model.inc - GENERATED by `%s`" % command,
        " * from the data in tests/data (tests/refusal/data.py); do not edit: change",
        " * the trainer or the data and run the command again.  tests/sh/refusal_model.sh",
        " * regenerates it and fails unless it is byte for byte this file.",
        " *",
        " * %d features: hashes (sorted) with the weights of the refusal model, of" % n,
        " * the sentence model and of the veto model, in 1/%d of a unit of margin." % QUANT,
        " */",
        '#include "refusal_model.h"',
        "",
        "const int32_t refusal_model_bias_r = %d;" % model["br"],
        "const int32_t refusal_model_bias_s = %d;" % model["bs"],
        "const int32_t refusal_model_bias_v = %d;" % model["bv"],
        "const size_t refusal_model_n = %d;" % n,
        "",
        "const RefusalFeature refusal_model[%d] = {" % n,
    ]
    for k, a, c, v in zip(model["keys"], model["wr"], model["ws"], model["wv"]):
        lines.append("    {%du, %d, %d, %d}," % (k, a, c, v))
    lines.append("};")
    lines.append("")
    lines.append("const unsigned refusal_model_index_bits = %d;" % INDEX_BITS)
    lines.append("const uint32_t refusal_model_index[%d] = {" % ((1 << INDEX_BITS) + 1))
    index, j = [], 0
    for t in range((1 << INDEX_BITS) + 1):
        while j < n and (model["keys"][j] >> (32 - INDEX_BITS)) < t:
            j += 1
        index.append(j)
    for k in range(0, len(index), 10):
        lines.append("    " + " ".join("%d," % x for x in index[k:k + 10]))
    lines.append("};")
    return "\n".join(lines) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(root, "tests", "data"))
    ap.add_argument("--out", default=os.path.join(root, "ext", "core", "refusal_model.inc"))
    ap.add_argument("--db", help="also write the texts with expected kinds and scores")
    args = ap.parse_args()
    examples = data.load(args.data)
    feats = [features.features(e[1]) for e in examples]
    model = train(examples, feats)
    with open(args.out, "w", encoding="ascii", newline="\n") as f:
        f.write(c_source(model, "python3 tests/refusal/train.py"))
    if args.db:
        import sqlite3
        if os.path.exists(args.db):
            os.remove(args.db)
        con = sqlite3.connect(args.db)
        con.execute("CREATE TABLE expect(id INTEGER PRIMARY KEY, source TEXT, txt TEXT, kind TEXT, score REAL)")
        for i, e in enumerate(examples):
            k, s = classify(model, e[1], feats[i])
            con.execute("INSERT INTO expect VALUES (?, ?, ?, ?, ?)",
                        (i, e[0], e[1].decode("utf-8"), k, s))
        con.commit()
        con.close()


if __name__ == "__main__":
    main()
