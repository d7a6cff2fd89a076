"""hand_cases.py — small pools whose safety_sample answers are worked out by
hand (in the comments), asserted against any implementation: the Python
reference (safety_sample_ref.select) and the C extension.

Pool (2-D, integer coordinates so the arithmetic is exact):

    id  categories  behaviour  embedding
    1   a           T1         [1, 0]
    2   a, b        T1         [1, 1]
    3   b           T1         [0, 1]
    4   b           T2         [1, 2]
    5   -           T1         [2, 1]
    6   c           T1         [-1, 0]
    7   a           T3         [0, 1]
    8   -           NULL       [1, 3]
    9   c           T1         [-1, 0]   (a copy of 6: exact ties)

Reference set: x = {[1,0], [0,1]}, y = {[-1,0]}, z = {[0,-2]}.
task_examples has 9 rows.
"""

import math
import struct

POOL = [
    (1, ["a"], "T1", (1, 0)),
    (2, ["a", "b"], "T1", (1, 1)),
    (3, ["b"], "T1", (0, 1)),
    (4, ["b"], "T2", (1, 2)),
    (5, [], "T1", (2, 1)),
    (6, ["c"], "T1", (-1, 0)),
    (7, ["a"], "T3", (0, 1)),
    (8, [], None, (1, 3)),
    (9, ["c"], "T1", (-1, 0)),
]
REFERENCE = [("x", (1, 0)), ("x", (0, 1)), ("y", (-1, 0)), ("z", (0, -2))]

S2 = math.sqrt(2)
S5 = math.sqrt(5)


def f32(v):
    return struct.pack("<%df" % len(v), *v)


def build(conn):
    """Creates the hand pool as plain tables with the contract's columns."""
    conn.executescript("""
        CREATE TABLE safety_pool(id INTEGER, category TEXT, behavior TEXT,
                                 embedding BLOB);
        CREATE TABLE safety_reference(category TEXT, embedding BLOB);
        CREATE TABLE task_examples(id INTEGER PRIMARY KEY, t TEXT);
        CREATE TABLE two_behaviors(id INTEGER, category TEXT, behavior TEXT,
                                   embedding BLOB);
        CREATE TABLE no_embedding(id INTEGER, category TEXT, behavior TEXT,
                                  embedding BLOB);
    """)
    for i, cats, b, v in POOL:
        for c in cats or [None]:
            conn.execute("INSERT INTO safety_pool VALUES (?,?,?,?)",
                         (i, c, b, f32(v)))
    for c, v in REFERENCE:
        conn.execute("INSERT INTO safety_reference VALUES (?,?)", (c, f32(v)))
    conn.executemany("INSERT INTO task_examples(t) VALUES (?)",
                     [("t",)] * 9)
    conn.executemany("INSERT INTO two_behaviors VALUES (?,?,?,?)",
                     [(1, "a", "T1", f32((1, 0))),
                      (1, "b", "T2", f32((1, 0)))])
    conn.executemany("INSERT INTO no_embedding VALUES (?,?,?,?)",
                     [(1, "a", "T1", f32((1, 0))), (2, "a", "T1", None)])
    # The hand pool plus: a T3 example without an embedding (ineligible for
    # the -b methods), and a category q whose two members cancel out.
    conn.executescript("""
        CREATE TABLE pool_t3_null AS SELECT * FROM safety_pool;
        CREATE TABLE pool_zero_proto AS SELECT * FROM safety_pool;
        CREATE TABLE reference_twins(category TEXT, embedding BLOB);
    """)
    conn.execute("INSERT INTO pool_t3_null VALUES (20, 'a', 'T3', NULL)")
    conn.executemany("INSERT INTO pool_zero_proto VALUES (?,?,?,?)",
                     [(30, "q", "T1", f32((1, 0))),
                      (31, "q", "T1", f32((-1, 0)))])
    # Two reference categories with the same exemplar: every score ties.
    conn.executemany("INSERT INTO reference_twins VALUES (?,?)",
                     [("x", f32((1, 0))), ("w", f32((1, 0)))])


def fill(*ids):
    """A random-fill row: any one of ids (each used once), no category or
    score."""
    return ("fill-from", frozenset(ids))


def cat(i, c, score):
    """A row chosen for category c's quota."""
    return (i, c, score, "category")


def best(i, c, score):
    """A cossim score-fill row reporting its best category."""
    return (i, c, score, "fill")


BEH = {i: b for i, _, b, _ in POOL}
A2 = 1.5 / math.sqrt(2.5)     # cos([1,1], [1,.5])
B3 = 1 / math.sqrt(1.25)      # cos([0,1], [.5,1]) = cos([1,0], [1,.5])

# (name, method, budget, options, expected).  expected is the list of rows
# in rank order (see cat/best/fill); every row's behaviour must be the
# pool's; "error" means the call must fail with "safety_sample: ...".
CASES = [
    # T1 only: a={1,2}, b={2,3}, c={6,9}; all of size 2 -> name order a,b,c;
    # k = max(1, 4 div 3) = 1.  a: prototype [1,.5]: cos(1)=1/sqrt(1.25),
    # cos(2)=1.5/sqrt(2.5) -> 2.  b: 2 is taken; prototype [.5,1]:
    # cos(3)=1/sqrt(1.25) -> 3.  c: prototype [-1,0], 6 and 9 tie at 1 -> 6.
    # One random fill from the T1 rest {1,5,9}.
    ("pss-b n=4", "pss-b", 4, None,
     [cat(2, "a", A2), cat(3, "b", B3), cat(6, "c", 1.0), fill(1, 5, 9)]),
    # Every behaviour (8 has NULL behaviour: eligible with no filter):
    # a={1,2,7}, b={2,3,4}, c={6,9} -> order c(2), a(3), b(3); k = 1.
    # c: 6.  a: prototype [2/3,2/3] -> 2 (cos 1).  b: prototype [2/3,4/3]
    # -> 4 (cos 1; 2 is taken).
    ("pss n=3", "pss", 3, None,
     [cat(6, "c", 1.0), cat(2, "a", 1.0), cat(4, "b", 1.0)]),
    # n < C: k = 1 and the stop at n after two categories.
    ("PSS n=2 stops at n", "PSS", 2, None,
     [cat(6, "c", 1.0), cat(2, "a", 1.0)]),
    # k = 8 div 3 = 2.  c: 6, 9 (tie, by id).  a: 2 (1.0), then 1 and 7 tie
    # at cos 1/sqrt2 -> 1.  b: 4 (1.0), 3 (2/sqrt5).  Fill 2 of {5,7,8}.
    ("pss n=8 k=2 ties", "pss", 8, None,
     [cat(6, "c", 1.0), cat(9, "c", 1.0), cat(2, "a", 1.0),
      cat(1, "a", 1 / S2), cat(4, "b", 1.0), cat(3, "b", 2 / S5),
      fill(5, 7, 8), fill(5, 7, 8)]),
    # The same call with other seeds: the ties go by the tie key
    # (SPEC "Ties"); in the hand pool's ids the key orders are
    #   seed 0: 1 4 5 7 6 9 3 2 8   (6 before 9, 1 before 7: as by id)
    #   seed 1: 8 6 9 7 3 5 2 4 1   (7 before 1)
    #   seed 2: 7 5 2 3 9 4 6 1 8   (9 before 6, 7 before 1)
    # (test_tie_key in tie_keys.sh checks these orders with its own code).
    # seed 1: c: 6, 9; a: 2, then 7 (tie with 1); b: 4, 3; fill from
    # {1, 5, 8}.
    ("pss n=8 k=2 ties, seed 1", "pss", 8, {"seed": 1},
     [cat(6, "c", 1.0), cat(9, "c", 1.0), cat(2, "a", 1.0),
      cat(7, "a", 1 / S2), cat(4, "b", 1.0), cat(3, "b", 2 / S5),
      fill(1, 5, 8), fill(1, 5, 8)]),
    # seed 2: c: 9, 6; a: 2, 7; b: 4, 3.
    ("pss n=8 k=2 ties, seed 2", "pss", 8, {"seed": 2, "fill": "none"},
     [cat(9, "c", 1.0), cat(6, "c", 1.0), cat(2, "a", 1.0),
      cat(7, "a", 1 / S2), cat(4, "b", 1.0), cat(3, "b", 2 / S5)]),
    ("pss n=8 fill none", "pss", 8, {"fill": "none"},
     [cat(6, "c", 1.0), cat(9, "c", 1.0), cat(2, "a", 1.0),
      cat(1, "a", 1 / S2), cat(4, "b", 1.0), cat(3, "b", 2 / S5)]),
    # behavior option on a non -b method: only 4 (T2), in b.
    ("pss behavior T2", "pss", 1, {"behavior": "T2"}, [cat(4, "b", 1.0)]),
    # Fraction of the 9-row task set: floor(0.5*9 + 0.5) = 5; T1 set is
    # {1,2,3,5,6,9}; k = max(1, 5 div 3) = 1 -> 2, 3, 6 then 2 fills.
    ("pss-b fraction of task_examples", "pss-b", 0.5, None,
     [cat(2, "a", A2), cat(3, "b", B3), cat(6, "c", 1.0),
      fill(1, 5, 9), fill(1, 5, 9)]),
    # task_size 20: n = 10 > 6 eligible T1 examples.
    ("pss-b too few eligible", "pss-b", 0.5, {"task_size": 20}, "error"),
    # allow_short: k = max(1, 10 div 3) = 3: a: 2, 1; b: 3; c: 6, 9;
    # fill: 5 -> all six T1 examples.
    ("pss-b allow_short", "pss-b", 0.5, {"task_size": 20,
                                          "allow_short": True},
     [cat(2, "a", A2), cat(1, "a", B3), cat(3, "b", B3),
      cat(6, "c", 1.0), cat(9, "c", 1.0), fill(5)]),
    # categories option: eligible rows in b or c: 2, 3, 4 (b), 6, 9 (c);
    # order c(2), b(3); k = max(1, 3 div 2) = 1.  c: 6.  b: prototype
    # [2/3,4/3] -> 4.  Fill 1 of {2, 3, 9}.
    ("pss categories b,c", "pss", 3, {"categories": ["b", "c"]},
     [cat(6, "c", 1.0), cat(4, "b", 1.0), fill(2, 3, 9)]),
    # cossim-b: categories x, y, z by name; k = 1.  Score x = mean cosine to
    # [1,0] and [0,1]: 1 -> .5, 2 -> 1/sqrt2, 3 -> .5, 5 -> 3/(2 sqrt5),
    # 6, 9 -> -.5: 2.  y (cosine to [-1,0]): 6 (1.0; 9 ties, larger id).
    # z (cosine to [0,-1]): 1 and 9 tie at 0 -> 1.  Fill by best score over
    # the categories: 3 -> x .5, 5 -> x .6708, 9 -> y 1.0: 9.
    ("cossim-b n=4", "cossim-b", 4, None,
     [cat(2, "x", 1 / S2), cat(6, "y", 1.0), cat(1, "z", 0.0),
      best(9, "y", 1.0)]),
    # seed 2: x: 2; y: 9 (ties with 6, 9 has the smaller key); z over the
    # unchosen {1, 3, 5, 6}: 1 and 6 tie at 0 -> 6 (smaller key).  Fill by
    # best score: 1 -> x .5, 3 -> x .5, 5 -> x 3/(2 sqrt5) = .6708: 5.
    ("cossim-b n=4 seed 2", "cossim-b", 4, {"seed": 2},
     [cat(2, "x", 1 / S2), cat(9, "y", 1.0), cat(6, "z", 0.0),
      best(5, "x", 3 / (2 * S5))]),
    # k = 6 div 3 = 2: x: 2, 5; y: 6, 9; z over unchosen {1, 3}: 1 (0),
    # 3 (-1).  No fill.
    ("cossim-b n=6 k=2", "cossim-b", 6, None,
     [cat(2, "x", 1 / S2), cat(5, "x", 3 / (2 * S5)), cat(6, "y", 1.0),
      cat(9, "y", 1.0), cat(1, "z", 0.0), cat(3, "z", -1.0)]),
    # All behaviours: x: 2 (4 -> .6708, 8 -> .632); y: 6; stop at n = 2.
    ("cossim n=2 stops at n", "cossim", 2, None,
     [cat(2, "x", 1 / S2), cat(6, "y", 1.0)]),
    ("cossim-b fill random", "cossim-b", 4, {"fill": "random"},
     [cat(2, "x", 1 / S2), cat(6, "y", 1.0), cat(1, "z", 0.0),
      fill(3, 5, 9)]),
    # allow_short with fill none: only the quotas; k = max(1, 6 div 3) = 2
    # (n becomes the 6 eligible examples): a: 2, 1; b: 3; c: 6, 9.
    ("pss-b allow_short fill none", "pss-b", 8,
     {"allow_short": True, "fill": "none"},
     [cat(2, "a", A2), cat(1, "a", B3), cat(3, "b", B3), cat(6, "c", 1.0),
      cat(9, "c", 1.0)]),
    ("pss-b fill none still needs n eligible", "pss-b", 8, {"fill": "none"},
     "error"),
    # Reference w = x = {[1,0]}: k = 5 div 2 = 2.  w: 1 (1.0), 5 (2/sqrt5);
    # x: 2 (1/sqrt2), then 3 (0) (6, 9 score -1).  Fill: 6 and 9 tie at -1
    # in both categories -> 6, reporting w (first by name).
    ("cossim-b tied categories", "cossim-b", 5,
     {"reference": "reference_twins"},
     [cat(1, "w", 1.0), cat(5, "w", 2 / S5), cat(2, "x", 1 / S2),
      cat(3, "x", 0.0), best(6, "w", -1.0)]),
    # A missing embedding on an example that is not eligible is not used.
    ("pss-b ignores an ineligible example's NULL embedding", "pss-b", 2,
     {"pool": "pool_t3_null"},
     [cat(2, "a", A2), cat(3, "b", B3)]),
    ("pss needs every eligible embedding", "pss", 2,
     {"pool": "pool_t3_null"}, "error"),
    ("pss zero prototype", "pss-b", 5, {"pool": "pool_zero_proto"},
     "error"),
    ("cossim with no reference in the categories", "cossim", 2,
     {"categories": ["a"]}, "error"),
    ("sss fill score is an error", "sss", 2, {"fill": "score"}, "error"),
    ("budget 2.5 is an error", "pss", 2.5, None, "error"),
    ("budget 0 is an error", "pss", 0, None, "error"),
    ("budget rounding to 0 is an error", "pss", 0.01, None, "error"),
    ("two behaviours for one id", "sss", 1, {"pool": "two_behaviors"},
     "error"),
    ("pss without an embedding", "pss", 1, {"pool": "no_embedding"},
     "error"),
    ("unknown option", "pss", 1, {"bogus": 1}, "error"),
    ("unknown method", "nope", 1, None, "error"),
]


def check(rows, expected):
    """Problems (list of text) of rows against one case's expected rows."""
    if len(rows) != len(expected):
        return ["%d rows, expected %d: %s" % (len(rows), len(expected), rows)]
    bad = []
    used = set()
    for k, (r, e) in enumerate(zip(rows, expected), 1):
        rid, category, beh, score, rank, stage = r
        if rank != k:
            bad.append("row %d has rank %r" % (k, rank))
        if beh != BEH.get(rid, "?"):
            bad.append("row %d: behaviour %r, expected %r"
                       % (k, beh, BEH.get(rid)))
        if e[0] == "fill-from":
            if rid not in e[1] or rid in used or category is not None \
                    or score is not None or stage != "fill":
                bad.append("row %d: %r, expected a random fill from %s"
                           % (k, r, sorted(e[1])))
        elif rid != e[0] or category != e[1] or stage != e[3] \
                or score is None or abs(score - e[2]) > 1e-6:
            bad.append("row %d: %r, expected (%r, %r, %.6f, %r)"
                       % (k, r, e[0], e[1], e[2], e[3]))
        used.add(rid)
    return bad
