"""compare.py — checks the C extension's safety_sample against the
independent Python reference (safety_sample_ref.py).

    EXT=build/safety_sample /usr/bin/python3 tests/reference/compare.py \
        [--pools 30] [--first-seed 1] [--reference-only]

1. Hand cases (hand_cases.py): worked-out answers, asserted against the
   reference and the extension.
2. Random pools (gen_pool.py, seeds first-seed..; a third of them with
   no repeated prompts, the others with several responses per prompt
   sharing its embedding): for each, 53 calls (budgets below and above the
   number of categories, fractions of the task set, behaviour and category
   filters, fill "none" and "random", allow_short, dedup, quota, contrast,
   and group in every method and stage).  pss, cossim and fl (and -b): the
   same rows in the same order (id, category, behaviour, rank, stage; score
   within 1e-4) up to the random fill, ties by the tie key; fl picks whose
   gains agree to 1e-12 but not to the bit count as either.  sss, random
   and every random fill: the contract's quota, group and dedup structure,
   replayed by check_structure(), which also recomputes the contrast rows.
   An error must be an error in both, with the extension's text starting
   "safety_sample: ".
Prints one line per failing comparison and ends with "N passed, M failed";
exit status 1 on any failure.  --reference-only checks the reference
against the hand cases and itself (no extension needed).
"""

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_pool  # noqa: E402
import hand_cases  # noqa: E402
import safety_sample_ref as ref  # noqa: E402

TOL = 1e-4
passed = 0
failed = 0


def result(ok, text):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL " + text)


def connect(path, ext):
    conn = sqlite3.connect(path)
    if ext:
        conn.enable_load_extension(True)
        conn.load_extension(ext)
    return conn


def run_ext(conn, method, budget, options):
    """The extension's rows, or ("error", message)."""
    sql = "SELECT id, category, behavior, score, rank, stage FROM "
    try:
        if options is None:
            return conn.execute(sql + "safety_sample(?, ?)",
                                (method, budget)).fetchall()
        return conn.execute(sql + "safety_sample(?, ?, ?)",
                            (method, budget, json.dumps(options))).fetchall()
    except sqlite3.Error as e:
        return ("error", str(e))


def run_ref(conn, method, budget, options):
    try:
        return ref.select(conn, method, budget, options)
    except ref.SampleError as e:
        return ("error", str(e))


def is_error(r):
    return isinstance(r, tuple) and r and r[0] == "error"


def call_text(method, budget, options):
    return "%s(%r%s)" % (method, budget,
                         "" if options is None else ", " + json.dumps(options))


def hand_tests(ext):
    """Hand cases against the reference and (with ext) the extension."""
    conn = connect(":memory:", ext)
    hand_cases.build(conn)
    impls = [("reference", run_ref)] + ([("extension", run_ext)] if ext
                                        else [])
    for name, method, budget, options, expected in hand_cases.CASES:
        for who, run in impls:
            got = run(conn, method, budget, options)
            where = "hand case %r (%s) %s" % (name, who,
                                              call_text(method, budget,
                                                        options))
            if expected == "error":
                ok = is_error(got) and (who == "reference" or
                                        got[1].startswith("safety_sample: "))
                result(ok, "%s: expected a 'safety_sample: ' error, got %r"
                       % (where, got))
            elif is_error(got):
                result(False, "%s: unexpected error %s" % (where, got[1]))
            else:
                bad = hand_cases.check(got, expected)
                result(not bad, "%s: %s" % (where, "; ".join(bad)))
    # Stratified and random methods on the hand pool: structure only.
    for method, budget, options in [("sss-b", 4, None), ("sss", 8, None),
                                    ("sss", 3, {"categories": ["b", "c"]}),
                                    ("SSS-B", 2, {"seed": 3}),
                                    ("random", 5, None),
                                    ("random-b", 6, {"seed": 1}),
                                    ("sss", 8, {"fill": "none"})]:
        for who, run in impls:
            got = run(conn, method, budget, options)
            where = "hand case (%s) %s" % (who,
                                           call_text(method, budget, options))
            if is_error(got):
                result(False, "%s: unexpected error %s" % (where, got[1]))
                continue
            bad = ref.check_structure(conn, method, budget, options, got)
            result(not bad, "%s: %s" % (where, "; ".join(bad)))
    conn.close()


def pool_calls(rng, info):
    """The calls made on one random pool: (method, budget, options)."""
    cats = info["categories"]
    c = len(cats)

    def some_cats():
        return sorted(rng.sample(cats, rng.randint(1, min(4, c))))

    return paper_calls(rng, info, c, some_cats) + \
        beyond_calls(rng, info, c, some_cats) + \
        group_calls(rng, info, c, some_cats)


def beyond_calls(rng, info, c, some_cats):
    """fl, dedup, quota and contrast (README "Beyond the paper")."""
    two = sorted(rng.sample(info["categories"], 2))
    return [
        ("fl-b", rng.randint(1, 3 * c), None),
        ("fl", rng.randint(1, 2 * c), {"behavior": ["T2", "T3"],
                                       "seed": rng.randint(0, 9)}),
        ("fl-b", rng.randint(c, 3 * c), {"quota": "proportional"}),
        ("pss-b", rng.randint(c, 3 * c), {"dedup": 0.95}),
        ("fl-b", rng.randint(c, 3 * c), {"dedup": 0.9, "allow_short": True}),
        ("cossim", rng.randint(1, 3 * c), {"dedup": 0.9, "seed": 3}),
        ("pss", rng.randint(c, 3 * c), {"quota": "proportional"}),
        ("pss", rng.randint(1, c), {"quota": "proportional"}),
        ("pss-b", rng.randint(4, 12), {"quota": {two[0]: 2, two[1]: 1}}),
        ("cossim-b", rng.randint(c, 3 * c), {"quota": "proportional"}),
        ("sss", rng.randint(c, 3 * c), {"quota": "proportional",
                                        "seed": rng.randint(0, 99)}),
        ("sss-b", rng.randint(1, 3 * c), {"dedup": 0.9, "allow_short": True}),
        ("random", rng.randint(1, 3 * c), {"dedup": 0.95,
                                           "allow_short": True}),
        ("pss-b", rng.randint(4, 3 * c), {"contrast": 0.3}),
        ("fl-b", rng.randint(4, 3 * c), {"contrast": 0.25, "dedup": 0.95,
                                         "allow_short": True}),
        ("sss-b", rng.randint(4, 3 * c), {"contrast": 0.4, "seed": 2}),
    ]


def group_calls(rng, info, c, some_cats):
    """The group option in every method and stage (SPEC section 7)."""
    g = {"group": "instruction"}

    def w(**kw):
        d = dict(g)
        d.update(kw)
        return d
    return [
        ("pss-b", rng.randint(1, 3 * c), g),
        ("pss", rng.randint(c, 3 * c), w(seed=rng.randint(0, 99))),
        ("pss-b", rng.randint(c, 3 * c), w(dedup=0.95)),
        ("pss", rng.randint(c, 3 * c), w(quota="proportional")),
        ("pss-b", rng.randint(4, 3 * c), w(contrast=0.3)),
        ("pss", rng.randint(c, 3 * c), {"group": "prompt",
                                        "pool": "pool_nullgroup"}),
        ("cossim-b", rng.randint(1, 3 * c), w(seed=rng.randint(0, 9))),
        ("cossim", rng.randint(c, 3 * c), w(categories=some_cats())),
        ("cossim", rng.randint(1, 3 * c), w(fill="random", seed=5)),
        ("fl-b", rng.randint(1, 3 * c), g),
        ("fl", rng.randint(c, 3 * c), w(dedup=0.9, allow_short=True)),
        ("fl-b", rng.randint(c, 3 * c), w(quota="proportional", seed=1)),
        ("sss-b", rng.randint(1, 3 * c), w(seed=rng.randint(0, 99))),
        ("sss", rng.randint(c, 3 * c), w(quota="proportional")),
        ("random", rng.randint(1, 3 * c), g),
        ("random-b", info["n"], w(allow_short=True)),
        ("pss-b", info["n"], w(allow_short=True)),
        ("sss-b", rng.randint(4, 3 * c), w(contrast=0.3, dedup=0.95,
                                           allow_short=True)),
        ("pss", 3, {"group": "no_such_column"}),
    ]


def paper_calls(rng, info, c, some_cats):
    """The paper's methods and the contract's options."""
    return [
        ("pss-b", rng.randint(1, max(1, c - 1)), None),
        ("pss-b", rng.randint(c, 3 * c), {"seed": rng.randint(0, 99)}),
        ("PSS", rng.choice([0.005, 0.01, 0.02, 0.04]), None),
        ("pss", rng.randint(1, 2 * c), {"behavior": ["T2", "T3"]}),
        ("pss", rng.randint(1, 2 * c), {"categories": some_cats()}),
        ("pss", 0.01, {"task_size": rng.randint(100, 3000),
                       "behavior": "T4"}),
        ("pss-b", rng.randint(2 * c, 4 * c), {"fill": "none"}),
        ("pss-b", info["n"], {"allow_short": True}),
        ("cossim-b", rng.randint(1, 3 * c), None),
        ("cossim", rng.randint(1, 3 * c), {"behavior": ["T1", "T4"]}),
        ("Cossim-B", rng.randint(c, 3 * c), {"fill": "random", "seed": 4}),
        ("cossim", rng.choice([0.005, 0.01, 0.03]), None),
        ("cossim", rng.randint(1, 2 * c), {"categories": some_cats()}),
        ("sss-b", rng.randint(1, 3 * c), {"seed": rng.randint(0, 99)}),
        ("sss", rng.randint(1, 3 * c), {"categories": some_cats()}),
        ("sss", info["n"], {"allow_short": True, "behavior": "T3"}),
        ("random", rng.randint(1, 3 * c), None),
        ("random-b", rng.randint(1, 2 * c), {"seed": 7}),
    ]


# fl's gains are sums over a category's members; the extension adds in
# eight lanes, the reference in order, so two gains equal but for the last
# bits may be ordered either way (exact ties, as between identical
# embeddings, are equal in both and go by the tie key: tie_keys.sh).
FL_NEAR = 1e-12


def fl_near_tie(method, w, g):
    """An fl pick that differs only where the two gains agree to rounding:
    the rest of that call is not compared."""
    return method.lower().startswith("fl") and w[1] == g[1] and \
        w[5] == g[5] == "category" and g[3] is not None and \
        abs(w[3] - g[3]) <= FL_NEAR


def compare_call(rconn, econn, tag, method, budget, options):
    where = "%s %s" % (tag, call_text(method, budget, options))
    want = run_ref(rconn, method, budget, options)
    got = run_ext(econn, method, budget, options)
    if is_error(want) or is_error(got):
        if not (is_error(want) and is_error(got)):
            result(False, "%s: reference %s, extension %s" % (
                where, want[1] if is_error(want) else "%d rows" % len(want),
                got[1] if is_error(got) else "%d rows" % len(got)))
        else:
            result(got[1].startswith("safety_sample: "),
                   "%s: error text %r lacks the prefix" % (where, got[1]))
        return
    bad = ref.check_structure(rconn, method, budget, options, got)
    if method.lower().split("-")[0] in ("pss", "cossim", "fl"):
        if len(got) != len(want):
            bad.append("%d rows, expected %d" % (len(got), len(want)))
        for w, g in zip(want, got):
            if w[5] == "fill" and w[1] is None:
                break                     # random fill: structure only
            same = (w[0], w[1], w[2], w[4], w[5]) == \
                (g[0], g[1], g[2], g[4], g[5])
            if same and g[3] is not None and abs(w[3] - g[3]) <= TOL:
                continue
            if fl_near_tie(method, w, g):
                break          # gains equal but for rounding: either pick
            bad.append("rank %d: expected %r, got %r" % (w[4], w, g))
            break
    result(not bad, "%s: %s" % (where, "; ".join(bad)))


def random_pools(ext, pools, first_seed, tmp):
    for seed in range(first_seed, first_seed + pools):
        rng = random.Random(seed)
        n, dim, ncat = rng.randint(20, 400), rng.randint(2, 64), \
            rng.randint(3, 12)
        multi = rng.choice([0.0, 0.3, 0.6])
        path = os.path.join(tmp, "pool%d.db" % seed)
        info = gen_pool.generate(path, seed, n, dim, ncat, multi)
        tag = "seed=%d (n=%d dim=%d C=%d multi=%g)" % (seed, n, dim, ncat,
                                                       multi)
        rconn = sqlite3.connect(path)
        if ext:
            econn = connect(path, ext)
            for method, budget, options in pool_calls(rng, info):
                compare_call(rconn, econn, tag, method, budget, options)
            econn.close()
        else:
            self_check(rconn, tag, rng, info)
        rconn.close()


def self_check(conn, tag, rng, info):
    """Without the extension: the reference's own output must pass its
    structure check, and cossim's two score formulas must agree."""
    for method, budget, options in pool_calls(rng, info):
        got = run_ref(conn, method, budget, options)
        where = "%s reference %s" % (tag, call_text(method, budget, options))
        if is_error(got):
            continue
        bad = ref.check_structure(conn, method, budget, options, got)
        if method.lower().startswith("cossim"):
            direct = ref.select(conn, method, budget, options, direct=True)
            if [r[:3] for r in direct] != [r[:3] for r in got] and \
                    "random" not in json.dumps(options):
                bad.append("mean-of-cosines and unit-mean scores differ")
        result(not bad, "%s: %s" % (where, "; ".join(bad)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pools", type=int, default=30)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--reference-only", action="store_true")
    a = ap.parse_args()
    ext = None if a.reference_only else os.path.abspath(os.environ.get(
        "EXT", "build/safety_sample"))
    tmp = tempfile.mkdtemp(prefix="ss_reference.")
    try:
        hand_tests(ext)
        random_pools(ext, a.pools, a.first_seed, tmp)
    finally:
        shutil.rmtree(tmp)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
