"""gen_pool.py — writes a random safety pool into a SQLite file laid out by
sql/schema.sql, for comparing safety_sample with the reference.

    /usr/bin/python3 tests/reference/gen_pool.py OUT.db --seed 7 --n 200 \
        --dim 16 --categories 6

Everything comes from random.Random(seed), so a seed names a pool.  The pool
has: sparse, shuffled ids (results must not depend on insertion order);
examples with zero, one, two or three harm categories, drawn with skewed
weights so that some categories are tiny (smaller than k); all four
behaviours plus some NULL behaviour (harmful_request or refusal NULL);
embeddings clustered around a centroid per category, with some exact copies
of earlier embeddings (exact score ties, broken by the tie key); a reference
set over most pool categories plus one category the pool does not have; and
a task_examples table of a random size.

Multi-response prompts: with --multi (a probability, 0 by default; compare.py
draws it per pool), an example is another response to an earlier example's
prompt: the same instruction text (its group for {"group": "instruction"}),
the same harm categories and harmfulness, mostly the same embedding (the
prompt's: exact ties) and its own refusal label.  The view pool_nullgroup is
safety_pool with a column prompt that is NULL for about one example in five
(NULL is a group of its own).
"""

import argparse
import os
import random
import sqlite3
import struct

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "..", "..", "sql", "schema.sql")
# (harmful_request, refusal) for T1..T4, and two with a NULL label.
LABELS = [((1, 1), 45), ((1, 0), 20), ((0, 0), 20), ((0, 1), 10),
          ((None, 1), 3), ((1, None), 2)]


def f32(v):
    return struct.pack("<%df" % len(v), *v)


def vector(rng, center, spread):
    """A float32-representable vector near center, never all zero."""
    while True:
        v = [c + rng.gauss(0, spread) for c in center]
        if any(abs(x) > 1e-3 for x in v):
            return v


def generate(path, seed, n, dim, ncat, multi=0.0):
    """Creates the database at path (replacing it) and returns a summary
    dict (seed, n, dim, categories, task size, prompts)."""
    rng = random.Random(seed)
    if os.path.exists(path):
        os.remove(path)
    conn = sqlite3.connect(path)
    with open(SCHEMA) as f:
        conn.executescript(f.read())
    names = sorted(rng.sample([chr(97 + i) + chr(97 + j) for i in range(26)
                               for j in range(26)], ncat))
    weights = [rng.choice([1, 1, 2, 5, 10, 20]) for _ in names]
    centers = {c: [rng.gauss(0, 1) for _ in range(dim)] for c in names}
    ids = rng.sample(range(1, 10 * n + 1000), n)
    spread = rng.choice([0.3, 0.7, 1.5])
    labels = [lab for lab, w in LABELS for _ in range(w)]
    vecs = []
    rows = []
    for i in ids:
        if rows and rng.random() < multi:
            # another response to an earlier prompt
            j, cats0, (h0, _), v0, prompt = rng.choice(rows)
            v = v0 if rng.random() < 0.85 else vector(rng, v0, 0.2)
            lab = (h0, rng.choice([0, 1, 1, None]) if h0 is not None
                   else rng.choice([0, 1]))
            vecs.append(v)
            rows.append((i, cats0, lab, v, prompt))
            continue
        k = rng.choices([0, 1, 2, 3], [15, 55, 22, 8])[0]
        cats = set()
        while len(cats) < min(k, ncat):
            cats.add(rng.choices(names, weights)[0])
        if vecs and rng.random() < 0.06:
            v = rng.choice(vecs)                 # an exact copy: ties
        else:
            center = [0.0] * dim
            for c in cats:
                center = [a + b for a, b in zip(center, centers[c])]
            v = vector(rng, center, spread if cats else 1.0)
        vecs.append(v)
        rows.append((i, sorted(cats), rng.choice(labels), v,
                     "instruction %d" % i))
    # Tiny categories: the last one has exactly one member (maybe also in
    # other categories), so it is smaller than any k > 1.
    # (Responses share their category list object with their prompt.)
    rows[0][1][:] = [names[-1]]
    for r in rows[1:]:
        if names[-1] in r[1] and r[1] is not rows[0][1]:
            r[1].remove(names[-1])
    rng.shuffle(rows)
    for i, cats, (h, r), v, prompt in rows:
        conn.execute("INSERT INTO examples(id, instruction, response, "
                     "harmful_request, refusal) VALUES (?,?,?,?,?)",
                     (i, prompt, "response %d" % i, h, r))
        for c in cats:
            conn.execute("INSERT INTO example_categories VALUES (?,?)",
                         (i, c))
        conn.execute("INSERT INTO embeddings(example_id, model, embedding) "
                     "VALUES (?,?,?)", (i, "gen", f32(v)))
    refcats = [c for c in names if rng.random() < 0.8] or names[:1]
    refcats.append("zz")                       # not in the pool
    centers["zz"] = [rng.gauss(0, 1) for _ in range(dim)]
    for c in refcats:
        for _ in range(rng.randint(1, 5)):
            conn.execute("INSERT INTO reference_examples(category, text, "
                         "embedding) VALUES (?,?,?)",
                         (c, "ref " + c, f32(vector(rng, centers[c], 0.5))))
    task = rng.randint(200, 5000)
    conn.executemany("INSERT INTO task_examples(instruction, output) "
                     "VALUES (?, ?)", [("q", "a")] * task)
    conn.execute("CREATE VIEW pool_nullgroup AS SELECT p.*, CASE WHEN "
                 "p.id % 5 = 0 THEN NULL ELSE p.instruction END AS prompt "
                 "FROM safety_pool AS p")
    conn.commit()
    conn.close()
    return {"seed": seed, "n": n, "dim": dim, "categories": names,
            "task_size": task, "prompts": len({r[4] for r in rows})}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--dim", type=int, default=16)
    ap.add_argument("--categories", type=int, default=6)
    ap.add_argument("--multi", type=float, default=0.0)
    a = ap.parse_args()
    print(generate(a.out, a.seed, a.n, a.dim, a.categories, a.multi))


if __name__ == "__main__":
    main()
