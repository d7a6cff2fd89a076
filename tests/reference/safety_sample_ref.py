"""safety_sample_ref.py — an independent Python implementation of the
contract's safety_sample selection (SPEC.md sections 6 and 7, and the
README's dedup, quota, fl and contrast), used to check the C extension on
random pools.  Standard library only; it reads the pool and reference
relations with plain SQL, so it needs no extension.

    rows = select(conn, "pss-b", 10, {"seed": 1, "group": "instruction"})

returns a list of rows (id, category, behavior, score, rank, stage).  For
pss, cossim and fl (and -b) the category stage, cossim's score fill and the
contrast stage are deterministic and are what the extension must return.
Random draws (random, sss, the random fill) use Python's random.Random(seed):
a valid sample, but not the extension's PRNG, so for those only the
structure can be compared; check_structure() replays a returned selection
against the rules (and recomputes its contrast rows exactly).

Ties (SPEC "Ties"): wherever a score orders examples, equal scores go to the
smaller tie key, then the smaller id (ref_plan.order_key).
group: at most one example per distinct non-NULL value of the named column
in every stage; a chosen example's group leaves the eligible set; a NULL
value is a group of its own; prototypes, category sizes, category order, k
and fl's coverage targets still count every eligible member.

Readings of the contract where it is not explicit (marked "reading:"):
  * allow_short with fewer eligible examples than n: the method runs with
    n = the eligible count (ref_plan.SHORT_CLAMPS_N); with group, the count
    is the number of groups among the eligible examples.
  * a missing embedding matters only on an eligible example.
  * fill "none" with random/random-b is an error (README "Budget").
  * options.categories with cossim: the eligible pool rows are restricted
    as section 7 says, and the reference categories are restricted too.
  * cossim fill: the best category of an example is the first one in name
    order among those with the highest score.
  * fill "none" does not waive the "fewer eligible examples than n" error.
  * contrast candidates are the T3 examples not in the main selection and
    not in a group the selection (or an earlier contrast row) took.
"""

import math
import random

from ref_plan import (SampleError, cosine, dot, load_vectors, make_plan,
                      norm, order_key, visits)

__all__ = ["SampleError", "select", "check_structure", "make_plan"]


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


def best_category(p, scores, i):
    """cossim: the category with i's highest score, the first by name."""
    bc = max(p.order, key=lambda c: (scores[c][i], -p.order.index(c)))
    return bc, scores[bc][i]


def sim(a, b):
    """Cosine, exactly 1 for identical vectors."""
    return 1.0 if a == b else cosine(a, b)


class State:
    """The selection so far: rows, chosen ids, taken groups."""

    def __init__(self, p):
        self.p = p
        self.rows = []
        self.chosen = set()
        self.groups = set()

    def blocked(self, i):
        """Chosen already, or its group was taken."""
        if i in self.chosen:
            return True
        g = self.p.group[i]
        return g is not None and g in self.groups

    def near_dup(self, i, against):
        t = self.p.dedup
        return t is not None and any(sim(self.p.vec[i], self.p.vec[j]) >= t
                                     for j in against)

    def main_ids(self):
        return [r[0] for r in self.rows]

    def take(self, i, cat, score, stage, behavior=None):
        p = self.p
        beh = behavior if behavior is not None else p.behavior[i]
        self.rows.append((i, cat, beh, score, len(self.rows) + 1, stage))
        self.chosen.add(i)
        if p.group[i] is not None:
            self.groups.add(p.group[i])


def take_ranked(st, ranked, want, cat, score_of, stage):
    """Takes up to want of ranked (best first), skipping blocked ids and
    near-duplicates of the rows chosen so far; returns how many."""
    got = 0
    for i in ranked:
        if got >= want:
            break
        if st.blocked(i) or st.near_dup(i, st.main_ids()):
            continue
        st.take(i, cat, score_of(i), stage)
        got += 1
    return got


def take_random(st, rng, cands, want, cat, stage):
    """Takes up to want of cands drawn at random (a shuffle), skipping
    blocked ids and near-duplicates; returns how many."""
    pool = [i for i in cands if not st.blocked(i)]
    rng.shuffle(pool)
    return take_ranked(st, pool, want, cat, lambda i: None, stage)


def first_unique(st, cands, score, against, dropped):
    """The best of cands by score (ties: tie key, id) that is not a
    near-duplicate of against; the near-duplicates passed over go into
    dropped.  None when there is none."""
    for i in sorted(cands, key=lambda i: order_key(st.p, i, score[i])):
        if not st.near_dup(i, against):
            return i
        dropped.add(i)
    return None


def fl_category(st, c, want):
    """Facility location in category c: greedy gains of
    F(S) = sum_j max_{i in S} max(0, cos(i, j)) over the members j; members
    chosen before count in S from the start; score = gain / |M|."""
    p = st.p
    members = p.members[c]
    vec = p.vec
    simrow = {i: [max(0.0, sim(vec[i], vec[j])) for j in members]
              for i in members}
    cur = [0.0] * len(members)
    for i in members:
        if i in st.chosen:
            cur = [max(a, b) for a, b in zip(cur, simrow[i])]
    dropped = set()
    got = 0
    while got < want:
        cands = [i for i in members if not st.blocked(i) and i not in dropped]
        if not cands:
            break
        gain = {i: sum(max(0.0, a - b) for a, b in zip(simrow[i], cur))
                for i in cands}
        pick = first_unique(st, cands, gain, st.main_ids(), dropped)
        if pick is None:
            break
        st.take(pick, c, gain[pick] / len(members), "category")
        cur = [max(a, b) for a, b in zip(cur, simrow[pick])]
        got += 1
    return got


def category_visits(st, scores):
    """Yields (category, how many to take) in visiting order; send() it
    how many were taken, so that a shortfall passes on where the quota
    says so.  Sizes: eligible members; for cossim, the examples whose best
    category it is."""
    p = st.p
    if p.base == "cossim":
        sizes = {}
        for i in p.eligible:
            bc = best_category(p, scores, i)[0]
            sizes[bc] = sizes.get(bc, 0) + 1
    else:
        sizes = {c: len(m) for c, m in p.members.items()}
    plan, carry_on = visits(p, sizes)
    carry = 0
    for c, share in plan:
        if len(st.rows) >= p.n_main:
            return
        want = min(share + carry, p.n_main - len(st.rows))
        got = yield c, want
        yield None
        carry = want - got if carry_on else 0


def category_stage(st, rng, scores):
    p = st.p
    gen = category_visits(st, scores)
    for c, want in gen:
        if p.base == "sss":
            got = take_random(st, rng, p.members[c], want, c, "category")
        elif p.base == "fl":
            got = fl_category(st, c, want)
        else:
            cands = p.members[c] if p.base == "pss" else p.eligible
            ranked = sorted(cands, key=lambda i: order_key(p, i, scores[c][i]))
            got = take_ranked(st, ranked, want, c, lambda i: scores[c][i],
                              "category")
        gen.send(got)


def fill_stage(st, rng, scores):
    p = st.p
    need = p.n_main - len(st.rows)
    if need <= 0 or p.fill == "none":
        return
    rest = [i for i in p.eligible if not st.blocked(i)]
    if p.fill == "score":
        best = {i: best_category(p, scores, i) for i in rest}
        rest.sort(key=lambda i: order_key(p, i, best[i][1]))
        for i in rest:
            if len(st.rows) >= p.n_main:
                break
            if st.blocked(i) or st.near_dup(i, st.main_ids()):
                continue
            st.take(i, best[i][0], best[i][1], "fill")
    else:
        take_random(st, rng, rest, need, None, "fill")


def contrast_stage(conn, p, st):
    """The contrast rows: round robin over the first min(anchors, share)
    chosen T1 rows (rank order); each turn the anchor takes the unpicked T3
    candidate with the highest cosine to it; dedup among contrast rows."""
    share = p.n_contrast
    anchors = [r for r in st.rows if r[2] == "T1"]
    if not anchors:
        raise SampleError("contrast needs T1 rows to anchor on")
    cands = sorted(i for i, b in p.all_behavior.items()
                   if b == "T3" and not st.blocked(i))
    load_vectors(p, cands)
    load_vectors(p, [r[0] for r in anchors])
    if len({len(p.vec[i]) for i in cands} |
           {len(p.vec[r[0]]) for r in anchors}) > 1:
        raise SampleError("contrast: dimension mismatch")
    if p.group_count(cands) < share and not p.allow_short:
        raise SampleError("contrast: only %d T3 candidates for %d"
                          % (p.group_count(cands), share))
    turns = anchors[:min(len(anchors), share)]
    picked = []
    dropped = set()
    t = 0
    while len(picked) < share:
        a = turns[t % len(turns)]
        t += 1
        av = p.vec[a[0]]
        live = [i for i in cands if not st.blocked(i) and i not in dropped]
        score = {i: sim(av, p.vec[i]) for i in live}
        pick = first_unique(st, live, score, picked, dropped)
        if pick is None:
            break
        st.take(pick, a[1], score[pick], "contrast", "T3")
        picked.append(pick)
    if len(picked) < share and not p.allow_short:
        raise SampleError("contrast: only %d T3 candidates remain after "
                          "dedup" % len(picked))


def select(conn, method, budget, options=None, direct=False):
    """The rows (id, category, behavior, score, rank, stage) of
    safety_sample(method, budget, options); raises SampleError.  direct:
    compute cossim scores as the mean of the cosines."""
    p = make_plan(conn, method, budget, options)
    if p.base == "random" and p.fill == "none":
        raise SampleError("fill none with random returns nothing")
    rng = random.Random(p.seed)
    st = State(p)
    scores = None
    if p.base == "pss":
        scores = pss_scores(p)
    elif p.base == "cossim":
        scores = cossim_scores(p, direct)
    category_stage(st, rng, scores)
    fill_stage(st, rng, scores)
    if p.dedup is not None and p.fill != "none" and \
            len(st.rows) < p.n_main and not p.allow_short:
        raise SampleError("dedup left only %d examples for %d"
                          % (len(st.rows), p.n_main))
    if p.n_contrast > 0:
        contrast_stage(conn, p, st)
    return st.rows


# ------------------------------------------------------------------ checks

def check_structure(conn, method, budget, options, rows):
    """Replays a selection returned by the extension against the contract's
    rules; returns a list of problems (empty when it conforms).  Checks:
    ranks 1..len, no duplicate ids, every id eligible with its own
    behaviour, at most one row per group, dedup between main rows and
    between contrast rows; the category rows in the visiting order, each
    visit a run of unchosen members of its category as long as the quota
    (with what earlier visits passed on) allows, and shorter only when no
    unchosen member is left that is not blocked by its group or dedup; the
    fill count likewise; the contrast rows exactly as the reference
    computes them from the returned main rows."""
    p = make_plan(conn, method, budget, options)
    bad = []
    ids = [r[0] for r in rows]
    if [r[4] for r in rows] != list(range(1, len(rows) + 1)):
        bad.append("ranks are not 1..%d" % len(rows))
    if len(set(ids)) != len(ids):
        bad.append("duplicate ids")
    main = [r for r in rows if r[5] != "contrast"]
    for r in main:
        if r[0] not in p.behavior:
            bad.append("id %s is not eligible" % r[0])
        elif r[2] != p.behavior[r[0]]:
            bad.append("id %s behaviour %s, pool says %s"
                       % (r[0], r[2], p.behavior[r[0]]))
    named = [p.group[i] for i in ids if p.group.get(i) is not None]
    if len(set(named)) != len(named):
        bad.append("two rows share a group value")
    if bad:
        return bad
    st = State(p)
    scores = None
    if p.base == "cossim":
        scores = cossim_scores(p)
    bad += replay_main(p, st, main, scores)
    if bad:
        return bad
    if p.n_contrast > 0:
        want = []
        try:
            st2 = State(p)
            for r in main:
                st2.take(r[0], r[1], r[3], r[5])
            contrast_stage(conn, p, st2)
            want = st2.rows[len(main):]
        except SampleError as e:
            bad.append("contrast: reference says %s" % e)
        got = rows[len(main):]
        if len(got) != len(want) or any(
                (w[0], w[1], w[2], w[4], w[5]) != (g[0], g[1], g[2], g[4],
                                                   g[5])
                or abs(w[3] - g[3]) > 1e-4 for w, g in zip(want, got)):
            bad.append("contrast rows %s, expected %s" % (got, want))
    return bad


def exhausted(st, cands):
    """True when every candidate is blocked (chosen, group, dedup)."""
    return all(st.blocked(i) or st.near_dup(i, st.main_ids()) for i in cands)


def replay_main(p, st, main, scores):
    bad = []
    pos = 0
    if p.base != "random":
        gen = category_visits(st, scores)
        for c, want in gen:
            cands = p.members[c] if p.base != "cossim" else p.eligible
            got = 0
            while got < want and pos < len(main) and main[pos][5] == \
                    "category" and main[pos][1] == c:
                i = main[pos][0]
                if i not in cands or st.blocked(i) or \
                        st.near_dup(i, st.main_ids()):
                    bad.append("rank %d: id %d is not an available member "
                               "of %r" % (pos + 1, i, c))
                    return bad
                st.take(i, c, main[pos][3], "category")
                got += 1
                pos += 1
            if got < want and not exhausted(st, cands):
                bad.append("category %r: %d rows, expected %d"
                           % (c, got, want))
                return bad
            gen.send(got)
    fill = main[pos:]
    for r in fill:
        if r[5] != "fill":
            bad.append("rank %d: stage %r, expected 'fill'" % (r[4], r[5]))
            return bad
        if st.blocked(r[0]) or st.near_dup(r[0], st.main_ids()):
            bad.append("rank %d: fill id %d is blocked" % (r[4], r[0]))
            return bad
        if p.fill == "random" and (r[1] is not None or r[3] is not None):
            bad.append("rank %d: random fill row has category/score %r/%r"
                       % (r[4], r[1], r[3]))
        st.take(r[0], r[1], r[3], "fill")
    if p.fill == "none":
        if fill:
            bad.append("fill none, but %d fill rows" % len(fill))
    elif len(st.rows) < p.n_main and not exhausted(st, p.eligible):
        bad.append("fill: %d rows in all, expected %d"
                   % (len(st.rows), p.n_main))
    elif len(st.rows) > p.n_main:
        bad.append("%d rows, expected %d" % (len(st.rows), p.n_main))
    if p.base in ("sss", "random"):
        for r in main:
            if r[3] is not None:
                bad.append("rank %d: score %r, expected NULL" % (r[4], r[3]))
    return bad
