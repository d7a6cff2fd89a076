#!/usr/bin/env python3
"""pss_numpy.py — pss-b written by hand with numpy, the way a practitioner
would: the benchmark's comparison for safety_sample('pss-b', n).

    python3 pss_numpy.py DB N [REPS] [--ids | --once]

Reads id/category/embedding of the T1 rows of safety_pool with the sqlite3
module (the behaviour filter is pushed into SQL, which favours this script),
stacks the blobs with np.frombuffer, and per category, smallest first (ties
by name), takes the k = max(1, N // C) unchosen members with the highest
cosine to the category's mean embedding (ties: smaller id); then fills to N
at random.  Vectorised: one matrix-vector product per category.

Prints one line in the format of runq:
    result=N_SELECTED reps=R median_ms=M min_ms=M times_ms=a,b,c cpu_ms=a,b,c
    maxrss_kb=K base_kb=K
timing only the selection (after one untimed warm-up), not the interpreter
start or the numpy import.  --ids prints the category-stage ids instead,
one "category|id" per line, for comparing with safety_sample.  --once runs
the selection once and prints "result=N_SELECTED": the benchmark times that
as a whole process (interpreter start and numpy import included), the way a
user runs such a script.
"""
import resource
import sqlite3
import sys
import time

import numpy as np


def pss_b(db_path, n, seed=0):
    """Returns [(id, category or None)] in selection order."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    rows = con.execute(
        "SELECT id, category, embedding FROM safety_pool WHERE behavior = 'T1'"
    ).fetchall()
    con.close()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    cats = np.array([r[1] or "" for r in rows])
    emb = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32)
    emb = emb.reshape(len(rows), -1)
    del rows
    norms = np.linalg.norm(emb, axis=1)

    names, inverse, counts = np.unique(cats, return_inverse=True, return_counts=True)
    order = sorted((int(c), str(name), i) for i, (name, c) in enumerate(zip(names, counts)) if name != "")
    k = max(1, n // len(order)) if order else 0
    chosen, picked = set(), []
    for _, name, ci in order:
        if len(picked) >= n:
            break
        members = np.flatnonzero(inverse == ci)
        x = emb[members]
        proto = x.mean(axis=0)
        sims = (x @ proto) / (norms[members] * np.linalg.norm(proto))
        ranked = members[np.lexsort((ids[members], -sims))]
        taken = 0
        for m in ranked:
            if taken == k or len(picked) >= n:
                break
            i = int(ids[m])
            if i not in chosen:
                chosen.add(i)
                picked.append((i, name))
                taken += 1
    if len(picked) < n:
        rest = np.setdiff1d(np.unique(ids), np.fromiter(chosen, dtype=np.int64))
        rng = np.random.default_rng(seed)
        fill = rng.choice(rest, size=min(n - len(picked), rest.size), replace=False)
        picked.extend((int(i), None) for i in fill)
    return picked


def cpu_ms():
    """User + system CPU time of this process (every thread), in ms."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return (ru.ru_utime + ru.ru_stime) * 1e3


def main():
    args = [a for a in sys.argv[1:] if a not in ("--ids", "--once")]
    if len(args) not in (2, 3):
        sys.exit("usage: pss_numpy.py DB N [REPS] [--ids | --once]")
    db, n = args[0], int(args[1])
    reps = int(args[2]) if len(args) == 3 else 3
    if "--ids" in sys.argv:
        for i, c in pss_b(db, n):
            if c is not None:
                print(f"{c}|{i}")
        return
    if "--once" in sys.argv:
        print(f"result={len(pss_b(db, n))}")
        return
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = len(pss_b(db, n))  # warm-up
    times, cpu = [], []
    for _ in range(reps):
        c0, t0 = cpu_ms(), time.perf_counter()
        result = len(pss_b(db, n))
        times.append((time.perf_counter() - t0) * 1e3)
        cpu.append(cpu_ms() - c0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    s = sorted(times)
    median = s[reps // 2] if reps % 2 else (s[reps // 2 - 1] + s[reps // 2]) / 2
    print(f"result={result} reps={reps} median_ms={median:.2f} min_ms={s[0]:.2f} "
          f"times_ms={','.join(f'{t:.2f}' for t in times)} "
          f"cpu_ms={','.join(f'{t:.2f}' for t in cpu)} maxrss_kb={peak} base_kb={base}")


if __name__ == "__main__":
    main()
