"""ref_plan.py — the part of the Python reference that reads a call's
arguments and the pool before any selection: options, the budget, the
eligible examples, their groups, the categories in the method's order and
the quotas.  Written from the contract's words (SPEC.md sections 6 and 7 and
the README's "Beyond the paper" sections), not from the C code.

Readings where the words leave a choice are marked "reading:".
"""

import math
import struct

METHODS = ("random", "random-b", "sss", "sss-b", "pss", "pss-b",
           "cossim", "cossim-b", "fl", "fl-b")
BEHAVIORS = ("T1", "T2", "T3", "T4")
OPTION_KEYS = ("seed", "pool", "reference", "task", "task_size", "behavior",
               "categories", "fill", "allow_short", "dedup", "quota",
               "contrast", "group")
# reading: with allow_short and fewer eligible examples (groups, with the
# group option) than n, the method runs with n = that count.
SHORT_CLAMPS_N = True
M64 = (1 << 64) - 1


class SampleError(Exception):
    """The contract says this call is an error (message without prefix)."""


# ------------------------------------------------------------------ ties

def mix(x):
    """The splitmix64 finaliser of SPEC section 7 ("Ties"), mod 2^64."""
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def tie_key(i, seed):
    """tie_key(id) = mix(uint64(id) XOR mix(uint64(seed))); Python's & M64
    of a negative int is its two's complement, as the contract says."""
    return mix((i & M64) ^ mix(seed & M64))


def order_key(p, i, score):
    """Sort key for 'descending score, ties by tie key, then id'."""
    return (-score, p.tie[i], i)


# ------------------------------------------------------------------ helpers

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


def cosine(a, b):
    return dot(a, b) / (norm(a) * norm(b))


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


def pool_columns(conn, pool):
    return [r[1] for r in conn.execute("PRAGMA table_info(%s)"
                                       % quote_ident(pool))]


class Plan:
    """What a selection call works on, before any draw: n, the eligible
    examples (id -> behaviour, categories, vector, group), the categories
    in the method's order, the quotas."""

    def group_count(self, ids):
        """How many groups the ids span (a NULL value is a group of its
        own); with no group option, the number of ids."""
        if self.group_col is None:
            return len(ids)
        named = {self.group[i] for i in ids if self.group[i] is not None}
        return len(named) + sum(1 for i in ids if self.group[i] is None)


def check_options(opts, base):
    for key in opts:
        if key not in OPTION_KEYS:
            raise SampleError("unknown option %s" % key)
    fill = opts.get("fill", "score" if base == "cossim" else "random")
    if fill not in ("random", "score", "none"):
        raise SampleError("bad fill")
    if fill == "score" and base != "cossim":
        raise SampleError("fill score is only for cossim")
    dedup = opts.get("dedup")
    if dedup is not None and not (0 < dedup <= 1):
        raise SampleError("dedup must be in (0, 1]")
    contrast = opts.get("contrast", 0)
    if not (0 <= contrast < 1):
        raise SampleError("contrast must be in [0, 1)")
    quota = opts.get("quota", "uniform")
    if isinstance(quota, dict):
        if any(not isinstance(v, int) or v < 0 for v in quota.values()):
            raise SampleError("quota counts must be whole numbers >= 0")
    elif quota not in ("uniform", "proportional"):
        raise SampleError("bad quota")
    group = opts.get("group")
    if group is not None and (not isinstance(group, str) or not group):
        raise SampleError("group must be a column name")
    return fill, dedup, contrast, quota, group


def same_value(a, b):
    """SQL equality of two group values (1 = 1.0; NULL only with NULL)."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (bytes, str)) or isinstance(b, (bytes, str)):
        return type(a) is type(b) and a == b
    return a == b


def read_pool(conn, p, opts, beh, cats_opt):
    """Reads the pool; sets p.behavior, p.eligible, p.cats, p.blobs,
    p.group (id -> group value, every id of the pool)."""
    pool = opts.get("pool", "safety_pool")
    cols = "id, category, behavior, embedding"
    if p.group_col is not None:
        if p.group_col not in pool_columns(conn, pool):
            raise SampleError("the pool has no column %s" % p.group_col)
        cols += ", " + quote_ident(p.group_col)
    rows = conn.execute("SELECT %s FROM %s"
                        % (cols, quote_ident(pool))).fetchall()
    behavior, blobs, allcats, group, first = {}, {}, {}, {}, {}
    for row in rows:
        rid, cat, b, emb = row[:4]
        if rid in behavior and behavior[rid] != b:
            raise SampleError("example %d has two behaviours" % rid)
        behavior[rid] = b
        allcats.setdefault(rid, set())
        if emb is not None:
            blobs.setdefault(rid, emb)
        if p.group_col is not None:
            first.setdefault(rid, row[4])    # for the contrast candidates
        if beh is not None and b not in beh:
            continue
        if cats_opt is not None and cat not in cats_opt:
            continue
        if p.group_col is not None:
            # reading: an example's group is the value of its eligible
            # rows; two different values there are an error.
            if rid in group and not same_value(group[rid], row[4]):
                raise SampleError("example %d has two values of %s"
                                  % (rid, p.group_col))
            group.setdefault(rid, row[4])
        allcats[rid].add(cat)
    p.all_behavior = behavior
    p.behavior = {i: behavior[i] for i in allcats if allcats[i]}
    p.eligible = sorted(p.behavior)
    p.cats = {i: {c for c in allcats[i] if c is not None} for i in p.eligible}
    p.blobs = blobs
    if p.group_col is None:
        group = {}
    p.group = {i: group[i] if i in group else first.get(i) for i in behavior}


def load_vectors(p, ids, what="example"):
    dims = set()
    for i in ids:
        if i in p.vec:
            continue
        v = unpack(p.blobs.get(i), "%s %d" % (what, i))
        if norm(v) == 0:
            raise SampleError("%s %d has a zero embedding" % (what, i))
        p.vec[i] = v
        dims.add(len(v))
    return dims


def make_plan(conn, method, budget, options=None):
    opts = dict(options or {})
    m = method.lower()
    if m not in METHODS:
        raise SampleError("unknown method %s" % method)
    p = Plan()
    p.method = m
    p.base = m[:-2] if m.endswith("-b") else m
    p.fill, p.dedup, p.contrast, p.quota, p.group_col = \
        check_options(opts, p.base)
    p.seed = opts.get("seed", 0)
    p.allow_short = bool(opts.get("allow_short", False))
    p.n = resolve_n(conn, budget, opts)
    p.n_contrast = math.floor(p.contrast * p.n)
    p.n_main = p.n - p.n_contrast

    beh = opts.get("behavior", ["T1"] if m.endswith("-b") else None)
    if isinstance(beh, str):
        beh = [beh]
    if beh is not None and any(b not in BEHAVIORS for b in beh):
        raise SampleError("bad behavior")
    cats_opt = opts.get("categories")
    read_pool(conn, p, opts, beh, cats_opt)
    p.tie = {i: tie_key(i, p.seed) for i in p.all_behavior}
    avail = p.group_count(p.eligible)
    if avail < p.n_main:
        if not p.allow_short:
            raise SampleError("only %d eligible examples for n = %d"
                              % (avail, p.n_main))
        if SHORT_CLAMPS_N:
            p.n_main = avail              # reading: see SHORT_CLAMPS_N

    p.members = {}
    for i in p.eligible:
        for c in sorted(p.cats[i]):
            p.members.setdefault(c, []).append(i)
    if p.base in ("sss", "pss", "fl", "random"):
        p.order = sorted(p.members, key=lambda c: (len(p.members[c]), c))
    else:
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
    if p.base == "random":
        p.order = []

    p.vec = {}
    if p.base in ("pss", "cossim", "fl") or p.dedup is not None:
        dims = load_vectors(p, p.eligible)
        if p.base == "cossim":
            dims.update(len(v) for vs in p.refvecs.values() for v in vs)
        if len(dims) > 1:
            raise SampleError("dimension mismatch %s" % sorted(dims))
    return p


# ------------------------------------------------------------------ quotas

def hamilton(m, sizes):
    """m shared over sizes (a list, in the method's order) by largest
    remainder; remainders compared exactly; ties to the earlier one."""
    total = sum(sizes)
    shares = [m * s // total for s in sizes]
    rema = [m * s % total for s in sizes]
    left = m - sum(shares)
    for j in sorted(range(len(sizes)), key=lambda j: (-rema[j], j))[:left]:
        shares[j] += 1
    return shares


def visits(p, sizes):
    """The category visits: a list of (category, share) in the method's
    order, and whether a shortfall passes on to the next visit.  sizes:
    category -> eligible size (for cossim: examples whose best it is)."""
    n = p.n_main
    if not p.order:
        return [], False
    if isinstance(p.quota, dict):
        known = set(p.order)
        for c in p.quota:
            if c not in known:
                raise SampleError("quota names category %s, which has no "
                                  "eligible examples" % c)
        if sum(p.quota.values()) > n:
            raise SampleError("quota counts add up to more than n")
        return [(c, p.quota[c]) for c in p.order if c in p.quota], True
    if p.quota == "proportional":
        cats = [c for c in p.order if sizes.get(c, 0) > 0]
        sz = [sizes[c] for c in cats]
        if not cats:
            return [], True
        if n >= len(cats):
            shares = [1 + s for s in hamilton(n - len(cats), sz)]
        else:
            shares = hamilton(n, sz)
        return list(zip(cats, shares)), True
    k = max(1, n // len(p.order))
    return [(c, k) for c in p.order], False
