#!/usr/bin/env python3
"""train.py - builds the refusal detector's two linear models from the data in
tests/data and writes them as the generated C source ext/refusal_model.c.

    python3 tests/refusal/train.py                  # writes ext/refusal_model.c
    python3 tests/refusal/train.py --out FILE       # writes FILE instead
    python3 tests/refusal/train.py --db FILE        # also writes every text with
                                                    # its expected kind and score
                                                    # (tests/sh/refusal_model.sh)

Two models over the same features (features.py): the refusal model (a clean
refusal against everything else) and the decline model (declines or warns at
all, against plain compliance).  kind = 'refusal' when the refusal margin is
>= 0, else 'partial' when the decline margin is >= 0, else 'compliance'.

Training is deterministic: a fixed example order shuffled by a fixed linear
congruential generator, a fixed number of epochs, plain IEEE + - * / (the
modified Huber loss needs no exp or log), features iterated in sorted order,
weights rounded to integers (QUANT per unit).  Pure standard library, so any
python3 >= 3.6 gives the same file byte for byte.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
import features  # noqa: E402

MIN_DF = 3          # a feature must occur in this many training texts
EPOCHS = 12
ETA0 = 0.02         # learning rate of epoch e: ETA0 / (1 + e / 2)
LAMBDA = 1e-5       # L2 penalty
SOURCE_CAP = 1000   # a source weighs at most as much as this many examples
QUANT = 1000        # integer units per unit of margin
SEED = 20251203
SCORE_SCALE = 1000  # refusal_score = 0.5 + 0.5 * m / (|m| + SCORE_SCALE)


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


def sgd(rows, nfeat, seed):
    """rows: (feature indices, y in {-1, 1}, weight).  Modified Huber loss with
    L2, weights kept as scale * v.  Returns (bias, weights) as floats."""
    v = [0.0] * nfeat
    scale = 1.0
    bias = 0.0
    for epoch in range(EPOCHS):
        eta = ETA0 / (1.0 + epoch / 2.0)
        for i in lcg_order(len(rows), seed + epoch):
            idx, y, w = rows[i]
            z = bias + scale * sum(map(v.__getitem__, idx))
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
                d = step / scale
                for j in idx:
                    v[j] -= d
            if scale < 1e-6:
                v = [x * scale for x in v]
                scale = 1.0
    return bias, [x * scale for x in v]


def quantise(x):
    q = int(round(x * QUANT))
    return max(-2147483647, min(2147483647, q))


def train(examples, feats):
    """The model: {'keys': sorted hashes, 'wr', 'wc': int weights, 'br', 'bc'}."""
    sw = source_weights(examples)
    df = {}
    for e, f in zip(examples, feats):
        if e[3] is None and e[4] is None:
            continue
        for h in f:
            df[h] = df.get(h, 0) + 1
    vocab = sorted(h for h, n in df.items() if n >= MIN_DF)
    index = {h: i for i, h in enumerate(vocab)}
    out = {}
    for name, col, seed in (("r", 3, SEED), ("c", 4, SEED + 1000)):
        rows = []
        for e, f in zip(examples, feats):
            if e[col] is None:
                continue
            idx = [index[h] for h in f if h in index]
            rows.append((idx, 1.0 if e[col] else -1.0, e[5] * sw[e[0]]))
        b, w = sgd(rows, len(vocab), seed)
        out["b" + name] = quantise(b)
        out["w" + name] = [quantise(x) for x in w]
    keep = [i for i in range(len(vocab)) if out["wr"][i] or out["wc"][i]]
    return {"keys": [vocab[i] for i in keep], "wr": [out["wr"][i] for i in keep],
            "wc": [out["wc"][i] for i in keep], "br": out["br"], "bc": out["bc"]}


def margins(model, f):
    """(refusal margin, decline margin) of a text's features: integer sums."""
    lookup = model.get("_lookup")
    if lookup is None:
        lookup = {k: (a, b) for k, a, b in zip(model["keys"], model["wr"], model["wc"])}
        model["_lookup"] = lookup
    zr, zc = model["br"], model["bc"]
    for h in f:
        w = lookup.get(h)
        if w is not None:
            zr += w[0]
            zc += w[1]
    return zr, zc


def classify(model, text):
    """(kind, score) exactly as ext/refusal.c gives them."""
    if not any(c not in b" \t\n\r\v\f" for c in text[:features.MAX_BYTES]):
        return "compliance", 0.0
    zr, zc = margins(model, features.features(text))
    kind = "refusal" if zr >= 0 else ("partial" if zc >= 0 else "compliance")
    return kind, 0.5 + 0.5 * zr / (abs(zr) + SCORE_SCALE)


def c_source(model, command):
    n = len(model["keys"])
    lines = [
        "/*",
        " * refusal_model.c - GENERATED by `%s`" % command,
        " * from the data in tests/data (tests/refusal/data.py); do not edit: change",
        " * the trainer or the data and run the command again.  tests/sh/refusal_model.sh",
        " * regenerates it and fails unless it is byte for byte this file.",
        " *",
        " * %d features: FNV-1a hashes (sorted) with the refusal model's and the" % n,
        " * decline model's weights, in 1/%d of a unit of margin." % QUANT,
        " */",
        '#include "refusal_model.h"',
        "",
        "const int32_t refusal_model_bias_r = %d;" % model["br"],
        "const int32_t refusal_model_bias_c = %d;" % model["bc"],
        "const size_t refusal_model_n = %d;" % n,
        "",
        "const RefusalFeature refusal_model[%d] = {" % n,
    ]
    for k, a, b in zip(model["keys"], model["wr"], model["wc"]):
        lines.append("    {%du, %d, %d}," % (k, a, b))
    lines.append("};")
    return "\n".join(lines) + "\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(root, "tests", "data"))
    ap.add_argument("--out", default=os.path.join(root, "ext", "refusal_model.c"))
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
            k, s = classify(model, e[1])
            con.execute("INSERT INTO expect VALUES (?, ?, ?, ?, ?)",
                        (i, e[0], e[1].decode("utf-8"), k, s))
        con.commit()
        con.close()


if __name__ == "__main__":
    main()
