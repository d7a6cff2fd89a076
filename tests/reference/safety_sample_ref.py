"""safety_sample_ref.py — an independent Python implementation of the
contract's safety_sample selection (SPEC.md sections 6 and 7), used to check
the C extension on random pools.  Standard library only; it reads the pool
and reference relations with plain SQL, so it needs no extension.

    rows = select(conn, "pss-b", 10, {"seed": 1})

returns a list of rows (id, category, behavior, score, rank, stage).  For
pss, pss-b, cossim and cossim-b the category stage (and cossim's score fill)
is deterministic and is what the extension must return.  Random draws
(random, sss, the random fill) use Python's random.Random(seed): a valid
sample, but not the extension's PRNG, so for those only the structure can be
compared; check_structure() replays a returned selection against the rules.

Readings of the contract where it is not explicit (marked "reading:" below):
  * allow_short with fewer eligible examples than n: the method runs with
    n = the eligible count (so k = max(1, eligible div C)); see
    SHORT_CLAMPS_N for the other reading (k from the requested n).
  * a missing embedding matters only on an eligible example.
  * fill "none" with random/random-b returns no rows (all their rows are
    'fill'); the extension instead ignores fill "none" for random.
  * options.categories with cossim: the eligible pool rows are restricted as
    section 7 says, and the reference categories are restricted to the
    listed ones as well.
  * cossim fill: the best category of an example is the first one in name
    order among those with the highest score.
  * fill "none" does not waive the "fewer eligible examples than n" error.
"""

import math
import random
import struct

METHODS = ("random", "random-b", "sss", "sss-b", "pss", "pss-b",
           "cossim", "cossim-b")
BEHAVIORS = ("T1", "T2", "T3", "T4")
# reading: with allow_short and fewer eligible examples than n, the method
# runs with n = the eligible count (so k = max(1, eligible div C)); False
# keeps the requested n for k and lets the selection end short.
SHORT_CLAMPS_N = True
OPTION_KEYS = ("seed", "pool", "reference", "task", "task_size", "behavior",
               "categories", "fill", "allow_short")


class SampleError(Exception):
    """The contract says this call is an error (message without prefix)."""


def quote_ident(name):
    """An SQL identifier, double-quoted, so names are never pasted as SQL."""
    return '"' + name.replace('"', '""') + '"'


def unpack(blob, what):
    """A float32 BLOB as a tuple of floats; errors for bad length/values."""
    if blob is None:
        raise SampleError("%s has no embedding" % what)
    if not isinstance(blob, bytes) or len(blob) == 0 or len(blob) % 4:
        raise SampleError("%s has a malformed embedding" % what)
    v = struct.unpack("<%df" % (len(blob) // 4), blob)
    if not all(math.isfinite(x) for x in v):
        raise SampleError("%s has a non-finite embedding" % what)
    return v


def norm(v):
    return math.sqrt(sum(x * x for x in v))


def dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def resolve_n(conn, budget, opts):
    """The budget rule: a fraction of the task size or a whole count."""
    if isinstance(budget, bool) or not isinstance(budget, (int, float)):
        raise SampleError("budget must be a number")
    b = float(budget)
    if math.isnan(b) or b <= 0:
        raise SampleError("budget must be > 0")
    if b >= 1:
        if not b.is_integer():
            raise SampleError("a budget >= 1 is a count and must be whole")
        return int(b)
    if "task_size" in opts:
        size = opts["task_size"]
    else:
        task = opts.get("task", "task_examples")
        try:
            size = conn.execute("SELECT count(*) FROM %s"
                                % quote_ident(task)).fetchone()[0]
        except Exception as e:  # missing relation
            raise SampleError("no task size: %s" % e)
    n = math.floor(b * size + 0.5)
    if n < 1:
        raise SampleError("budget gives n = %d" % n)
    return n


class Plan:
    """What a selection call works on, before any draw: n, the eligible
    examples (id -> behaviour, categories, vector), the categories in the
    method's order, k, and the category members."""


def make_plan(conn, method, budget, options=None):
    opts = dict(options or {})
    for key in opts:
        if key not in OPTION_KEYS:
            raise SampleError("unknown option %s" % key)
    m = method.lower()
    if m not in METHODS:
        raise SampleError("unknown method %s" % method)
    p = Plan()
    p.method = m
    p.base = m[:-2] if m.endswith("-b") else m
    p.seed = opts.get("seed", 0)
    p.fill = opts.get("fill", "score" if p.base == "cossim" else "random")
    if p.fill not in ("random", "score", "none"):
        raise SampleError("bad fill")
    if p.fill == "score" and p.base != "cossim":
        raise SampleError("fill score is only for cossim")
    p.allow_short = bool(opts.get("allow_short", False))
    p.n = resolve_n(conn, budget, opts)

    beh = opts.get("behavior", ["T1"] if m.endswith("-b") else None)
    if isinstance(beh, str):
        beh = [beh]
    if beh is not None and any(b not in BEHAVIORS for b in beh):
        raise SampleError("bad behavior")
    cats_opt = opts.get("categories")

    pool = opts.get("pool", "safety_pool")
    rows = conn.execute("SELECT id, category, behavior, embedding FROM %s"
                        % quote_ident(pool)).fetchall()
    behavior, blobs, allcats = {}, {}, {}
    for rid, cat, b, emb in rows:
        if rid in behavior and behavior[rid] != b:
            raise SampleError("example %d has two behaviours" % rid)
        behavior[rid] = b
        allcats.setdefault(rid, set())
        if emb is not None:
            blobs.setdefault(rid, emb)
        if beh is not None and b not in beh:
            continue
        if cats_opt is not None and cat not in cats_opt:
            continue
        allcats[rid].add(cat)
    p.behavior = {i: behavior[i] for i in allcats if allcats[i]}
    p.eligible = sorted(p.behavior)
    p.cats = {i: {c for c in allcats[i] if c is not None} for i in p.eligible}
    if len(p.eligible) < p.n:
        if not p.allow_short:
            raise SampleError("only %d eligible examples for n = %d"
                              % (len(p.eligible), p.n))
        if SHORT_CLAMPS_N:
            p.n = len(p.eligible)         # reading: see SHORT_CLAMPS_N

    p.members = {}
    for i in p.eligible:
        for c in p.cats[i]:
            p.members.setdefault(c, []).append(i)
    if p.base in ("sss", "pss"):
        p.order = sorted(p.members, key=lambda c: (len(p.members[c]), c))
    elif p.base == "cossim":
        ref = opts.get("reference", "safety_reference")
        refrows = conn.execute("SELECT category, embedding FROM %s"
                               % quote_ident(ref)).fetchall()
        p.refvecs = {}
        for c, emb in refrows:
            if cats_opt is not None and c not in cats_opt:  # reading
                continue
            p.refvecs.setdefault(c, []).append(unpack(emb, "reference"))
        if not p.refvecs:
            raise SampleError("empty reference set")
        p.order = sorted(p.refvecs)
    else:
        p.order = []
    p.k = max(1, p.n // len(p.order)) if p.order else 0

    p.vec = {}
    if p.base in ("pss", "cossim"):
        dims = set()
        for i in p.eligible:
            v = unpack(blobs.get(i), "example %d" % i)
            if norm(v) == 0:
                raise SampleError("example %d has a zero embedding" % i)
            p.vec[i] = v
            dims.add(len(v))
        if p.base == "cossim":
            dims.update(len(v) for vs in p.refvecs.values() for v in vs)
        if len(dims) > 1:
            raise SampleError("dimension mismatch %s" % sorted(dims))
    return p


def pss_scores(p):
    """cosine(x, prototype(c)) for every category c and member x; the
    prototype is the float64 mean of all eligible members' vectors."""
    scores = {}
    for c, ids in p.members.items():
        d = len(p.vec[ids[0]])
        proto = [math.fsum(p.vec[i][j] for i in ids) / len(ids)
                 for j in range(d)]
        pn = norm(proto)
        if pn == 0:
            raise SampleError("category %s has a zero prototype" % c)
        scores[c] = {i: dot(p.vec[i], proto) / (norm(p.vec[i]) * pn)
                     for i in ids}
    return scores


def cossim_scores(p, direct=False):
    """Score(x, c) = mean over reference r of c of cosine(x, r), for every
    category and eligible example: through the mean of the unit reference
    vectors (x/|x| . mean(r/|r|)), or with direct=True as the plain mean of
    the cosines (the definition; slower, used to check the identity)."""
    scores = {}
    for c in p.order:
        if any(norm(r) == 0 for r in p.refvecs[c]):
            raise SampleError("zero reference vector in %s" % c)
    for c in p.order:
        units = [[x / norm(r) for x in r] for r in p.refvecs[c]]
        mean = [math.fsum(u[j] for u in units) / len(units)
                for j in range(len(units[0]))]
        scores[c] = {}
        for i in p.eligible:
            x = p.vec[i]
            if direct:
                s = math.fsum(dot(x, u) for u in units) / len(units)
            else:
                s = dot(x, mean)
            scores[c][i] = s / norm(x)
    return scores


def select(conn, method, budget, options=None, direct=False):
    """The rows (id, category, behavior, score, rank, stage) of
    safety_sample(method, budget, options); raises SampleError.  direct:
    compute cossim scores as the mean of the cosines."""
    p = make_plan(conn, method, budget, options)
    rng = random.Random(p.seed)
    out = []
    chosen = set()

    def emit(i, cat, score, stage):
        out.append((i, cat, p.behavior[i], score, len(out) + 1, stage))
        chosen.add(i)

    scores = None
    if p.base == "pss":
        scores = pss_scores(p)
    elif p.base == "cossim":
        scores = cossim_scores(p, direct)
    for c in p.order:
        if len(chosen) >= p.n:
            break
        pool = p.members[c] if p.base != "cossim" else p.eligible
        avail = [i for i in pool if i not in chosen]
        take = min(p.k, p.n - len(chosen))
        if p.base == "sss":
            picks = avail if len(avail) <= take else rng.sample(avail, take)
            for i in picks:
                emit(i, c, None, "category")
        else:
            avail.sort(key=lambda i: (-scores[c][i], i))
            for i in avail[:take]:
                emit(i, c, scores[c][i], "category")
    if p.fill == "none":
        return out
    rest = [i for i in p.eligible if i not in chosen]
    need = min(p.n - len(chosen), len(rest))
    if p.fill == "score":
        best = {}
        for i in rest:
            bc = max(p.order, key=lambda c: (scores[c][i], -p.order.index(c)))
            best[i] = (bc, scores[bc][i])
        rest.sort(key=lambda i: (-best[i][1], i))
        for i in rest[:need]:
            emit(i, best[i][0], best[i][1], "fill")
    else:
        for i in rng.sample(rest, need):
            emit(i, None, None, "fill")
    return out


def check_structure(conn, method, budget, options, rows):
    """Replays a selection returned by the extension against the contract's
    quota rules; returns a list of problems (empty when it conforms).
    Checks: ranks 1..len, no duplicate ids, every id eligible with its own
    behaviour, the category rows in the method's category order with exactly
    min(k, unchosen members, n - chosen) rows per category, each a member of
    that category not chosen before, and the fill count and shape."""
    p = make_plan(conn, method, budget, options)
    bad = []
    ids = [r[0] for r in rows]
    if [r[4] for r in rows] != list(range(1, len(rows) + 1)):
        bad.append("ranks are not 1..%d" % len(rows))
    if len(set(ids)) != len(ids):
        bad.append("duplicate ids")
    for r in rows:
        if r[0] not in p.behavior:
            bad.append("id %s is not eligible" % r[0])
        elif r[2] != p.behavior[r[0]]:
            bad.append("id %s behaviour %s, pool says %s"
                       % (r[0], r[2], p.behavior[r[0]]))
    if bad:
        return bad
    chosen = set()
    pos = 0
    if p.base != "random":
        for c in p.order:
            if len(chosen) >= p.n:
                break
            pool = p.members[c] if p.base != "cossim" else p.eligible
            avail = {i for i in pool if i not in chosen}
            q = min(p.k, len(avail), p.n - len(chosen))
            seg = rows[pos:pos + q]
            if len(seg) != q or any(r[1] != c or r[5] != "category"
                                    or r[0] not in avail for r in seg):
                bad.append("category %r: expected %d 'category' rows of its "
                           "unchosen members at ranks %d..%d, got %s"
                           % (c, q, pos + 1, pos + q,
                              [(r[0], r[1], r[5]) for r in seg]))
                return bad
            chosen.update(r[0] for r in seg)
            pos += q
    fill = rows[pos:]
    if p.fill == "none":
        want = 0
    else:
        want = min(p.n - len(chosen), len(p.eligible) - len(chosen))
    if len(fill) != want:
        bad.append("fill: expected %d rows, got %d" % (want, len(fill)))
    for r in fill:
        if r[5] != "fill":
            bad.append("rank %d: stage %r, expected 'fill'" % (r[4], r[5]))
        if p.fill == "random" and (r[1] is not None or r[3] is not None):
            bad.append("rank %d: random fill row has category/score %r/%r"
                       % (r[4], r[1], r[3]))
    if p.base in ("sss", "random"):
        for r in rows:
            if r[3] is not None:
                bad.append("rank %d: score %r, expected NULL" % (r[4], r[3]))
    return bad
