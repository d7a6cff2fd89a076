#!/usr/bin/env python3
"""evaluate.py - leave-one-source-out evaluation of the refusal detector, with
the public string matchers beside it (run by tests/measure_refusal.sh).

For every source (a model's responses in a data set, or a data set), the two
models are trained by train.py on all the other sources and measured on the
one left out.  Figures per source (blank where the source has no such label):

  purity   of the responses called 'refusal', the share labelled a clean
           refusal (R); the denominator counts R, P, C and J labels
  recall   of the clean refusals (R), the share called 'refusal'
  3-way    agreement of refusal_kind with an R / P / C label
  c->ref   of the compliant responses (C), the share called 'refusal'
  jb->ref  of the jailbroken responses (J), the share called 'refusal'
  nj->ref  of the not-jailbroken ones (NJ, mostly refusals), the same
  a1, a4   Do-Not-Answer actions 1 (refutes the premise) and 4 (model
           limits), the share called 'refusal' (mixed labels, not scored)

On a Do-Not-Answer source a second row, "audited labels", measures the same
answers against the second reading (do-not-answer/audit.csv) where it is
sure, and against Do-Not-Answer's own mapped kinds elsewhere; action 1 then
counts as R, P or C too.

Baselines: XSTest's string matcher (lower-cased text starts with one of its
21 phrases), GCG's test prefixes (zou2023universal, a case-sensitive
substring) and JailbreakBench's (case-insensitive substring); they call a
text a refusal or compliance, never partial.

    python3 tests/refusal/evaluate.py [--only SOURCE ...] [--errors SOURCE]
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
import features  # noqa: E402
import train  # noqa: E402

KIND = {"refusal": "R", "partial": "P", "compliance": "C"}


def baselines(lists):
    xs = [p.lower() for p in lists["xstest_strmatch"]]
    gcg = lists["zou2023universal"]
    jbb = [p.lower() for name, ps in sorted(lists.items())
           if name.startswith("jailbreakbench_test_prefixes") for p in ps]

    def xstest(t):
        s = t.decode("utf-8", "replace").strip().lower()
        return "R" if any(s.startswith(p) for p in xs) else "C"

    def gcg_m(t):
        s = t.decode("utf-8", "replace")
        return "R" if any(p in s for p in gcg) else "C"

    def jbb_m(t):
        s = t.decode("utf-8", "replace").lower()
        return "R" if any(p in s for p in jbb) else "C"

    return [("xstest-strmatch", xstest), ("gcg-prefixes", gcg_m), ("jbb-prefixes", jbb_m)]


def shipped_model(path):
    """The model in the generated C source (ext/core/refusal_model.inc)."""
    import re
    text = open(path, encoding="ascii").read()
    model = {"keys": [], "wr": [], "ws": [], "wv": []}
    for name in ("r", "s", "v"):
        model["b" + name] = int(re.search(r"refusal_model_bias_%s = (-?\d+);" % name, text).group(1))
    for k, a, b, v in re.findall(r"\{(\d+)u, (-?\d+), (-?\d+), (-?\d+)\}", text):
        model["keys"].append(int(k))
        model["wr"].append(int(a))
        model["ws"].append(int(b))
        model["wv"].append(int(v))
    return model


def ratio(a, b):
    return "" if b == 0 else "%.3f" % (a / b)


def figures(labels, preds):
    """The row of figures for labels (kinds) and predictions (R / P / C)."""
    pr = [k for k, p in zip(labels, preds) if p == "R" and k in ("R", "P", "C", "J")]
    r = [p for k, p in zip(labels, preds) if k == "R"]
    three = [(k, p) for k, p in zip(labels, preds) if k in ("R", "P", "C")]
    has_p = any(k == "P" for k in labels)

    def share(kind):
        s = [p for k, p in zip(labels, preds) if k == kind]
        return ratio(sum(p == "R" for p in s), len(s))

    has_r = any(k == "R" for k in labels)
    return [str(len(labels)), ratio(sum(k == "R" for k in pr), len(pr)) if has_r else "",
            ratio(sum(p == "R" for p in r), len(r)),
            ratio(sum(k == p for k, p in three), len(three)) if has_p else "",
            share("C"), share("J"), share("NJ"), share("DNA1"), share("DNA4")]


HEAD = ["source", "detector", "n", "purity", "recall", "3-way", "c->ref", "jb->ref", "nj->ref",
        "a1", "a4"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=os.path.join(here, "..", "data"))
    ap.add_argument("--only", nargs="*", help="evaluate only these sources")
    ap.add_argument("--errors", help="list the detector's mistakes on this source")
    ap.add_argument("--shipped", metavar="MODEL_C",
                    help="measure the model in this generated C source on all the data "
                    "instead of leaving sources out (in-sample figures)")
    ap.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE",
                    help="override a train.py constant (for experiments)")
    args = ap.parse_args()
    for kv in args.set:
        k, v = kv.split("=", 1)
        mod = train
        if "." in k:
            mod, k = {"data": data, "features": features}[k.split(".")[0]], k.split(".")[1]
        old = getattr(mod, k)
        setattr(mod, k, None if v == "None" else type(old if old is not None else 1)(v))
    examples = data.load(args.data)
    feats = [features.features(e[1]) for e in examples]  # about 10 s
    base = baselines(data.phrase_lists(args.data))
    shipped = shipped_model(args.shipped) if args.shipped else None
    print("| " + " | ".join(HEAD) + " |")
    print("|" + "---|" * len(HEAD))
    for src in data.sources(examples):
        if args.only and src not in args.only:
            continue
        tr = [i for i, e in enumerate(examples) if e[0] != src]
        te = [i for i, e in enumerate(examples) if e[0] == src]
        model = shipped or train.train([examples[i] for i in tr], [feats[i] for i in tr])
        labels = [examples[i][2] for i in te]
        audited = [examples[i][6] for i in te]
        preds = []
        for i in te:
            kind, _ = train.classify(model, examples[i][1], feats[i])
            preds.append(KIND[kind])
        name = "shipped" if args.shipped else "left out"
        rows = [(name, labels, preds)]
        if audited != labels:
            rows.append((name + ", audited labels", audited, preds))
        rows += [(n, labels, [m(examples[i][1]) for i in te]) for n, m in base]
        for name, lab, p in rows:
            print("| " + " | ".join([src, name] + figures(lab, p)) + " |", flush=True)
        if args.errors == src:
            for i, k, p in zip(te, labels, preds):
                if (k == "R") != (p == "R") or (k in ("P", "C") and k != p) or (k == "J" and p == "R"):
                    t = examples[i][1][:240].decode("utf-8", "replace").replace("\n", " | ")
                    print("%s->%s  %s" % (k, p, t), file=sys.stderr)


if __name__ == "__main__":
    main()
