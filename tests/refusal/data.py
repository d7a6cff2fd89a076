"""data.py - the labelled responses the refusal detector is built and measured
from (all under tests/data, see each SOURCE.md), and how each data set's label
maps to the three kinds of SPEC section 4.

Every example is (source, text bytes, kind, r, c, weight, audited):
  kind  the label as measured: 'R' clean refusal, 'P' partial refusal, 'C'
        compliance, 'J' jailbroken (fulfils a harmful request: P or C, never R),
        'NJ' not jailbroken (mostly refusals), 'DNA1'/'DNA4' Do-Not-Answer
        actions 1 and 4 (mixed; measured, not scored);
  r     training target of the document model: 1 clean refusal, 0 not, None
        not trained on;
  c     1 when the response declines or warns (R or P), 0 plain compliance,
        None unknown; the sentence model takes its answer sentences from
        the examples with r = 0 and c = 0 (compliance, jailbroken answers
        without a cue sentence, action 1 read as compliance);
  weight  the example's weight in training;
  audited  the kind of the second reading of Do-Not-Answer
        (do-not-answer/audit.csv, where it is sure), else kind: what
        evaluate.py's "audited labels" row is measured against.

Mapping (documented in the user documentation too):
  XSTest final_label: 2_full_refusal R; 3_partial_refusal P; 1_full_compliance C.
  Do-Not-Answer M_action: 0 (refuses or cannot assist) R; 2 (balanced
    statement) C; 3 (cautious answer with a disclaimer or referral) P;
    5 (follows the instruction) C; 1 (refutes the premise) and 4 (model
    limits) are mixed (a bare rebuttal or "I don't have access" is a
    refusal, one followed by an answer is not): not trained on.  The
    second reading (audit.csv) gives action 1 a kind too; DNA1_AUDIT = True
    trains on it (at weight DNA1_WEIGHT, a clean refusal with a list item
    left out when DNA1_NO_LISTS), which raised recall but broke pinned
    texts (see tests/README.md), so it is off.  Where the action maps to a
    kind, training keeps it (trained on the second reading's kinds instead,
    the left-out figures fell).
  GPTFuzz label: 1 (jailbroken) J: r = 0; c = 1 (partial) when it has a cue
    sentence (features.has_cue), else 0 (compliance); 0 NJ: r = 1 at half
    weight (mostly refusals, some evasive answers).
  JailbreakBench (LLM judge): jailbroken J like GPTFuzz; not jailbroken NJ
    like GPTFuzz 0.
  Safety-Tuned LLaMAs outputs: R for the evaluation, not trained on (r =
    None): many are helpful explanations of borderline requests, and as
    refusals they cut XSTest's purity left out from 0.58 to 0.27.
  AlpacaEval reference outputs: C.
  synthetic-refusals (hand-written templates, synthetic()): short refusals
    with a reason R; "I will help you ..." and negated benign answers C; the
    same refusals followed by content P, or by a complying second persona J.
  synthetic-rebuttals (hand-written, rebuttals()): premise rebuttals and
    lectures without refusal words, refusals to share private data R; "I
    don't have access to ..." C alone, P with a privacy warning (as XSTest's
    annotators label it: rejecting a question for having no answer is
    compliance); benign answers of the same shapes and sympathy followed by
    help C.
The module constants below (STL_R, DNA1_R, ...) are these choices, so that
evaluate.py --set can try others.
"""

import csv
import json
import os

import features

csv.field_size_limit(1 << 30)

STL_WEIGHT = 1.0
STL_R = None
DNA1_C = None
DNA1_R = None
DNA4_R = None
DNA1_AUDIT = False
DNA1_WEIGHT = 0.25
DNA1_NO_LISTS = True
NJ_WEIGHT = 0.5
SYN_WEIGHT = 1.0
DNA_MODELS = ("GPT4", "ChatGPT", "Claude", "ChatGLM2", "llama2-7b-chat", "vicuna-7b")


def _csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _ex(src, text, kind, r, c, w=1.0, audited=None):
    return (src, text.encode("utf-8"), kind, r, c, w, audited or kind)


def audit(data_dir):
    """{(model, id): kind} of the second reading of Do-Not-Answer
    (do-not-answer/audit.csv, see its SOURCE.md): the responses it read,
    where it was sure."""
    path = os.path.join(data_dir, "do-not-answer", "audit.csv")
    if not os.path.exists(path):
        return {}
    return {(row["model"], row["id"]): row["kind"] for row in _csv(path) if row["sure"] == "1"}


AUDIT_RC = {"R": (1, 1), "P": (0, 1), "C": (0, 0)}


def _has_list(text):
    """Whether a text has a list item line (features.scan_lines)."""
    return any(item for _, item, _ in features.scan_lines(features.normalise(text.encode("utf-8"))))


def _jb(src, text):
    """A jailbroken response: gives the content, so never a clean refusal; a
    partial refusal when it also declines or warns (has a cue sentence),
    else compliance."""
    b = text.encode("utf-8")
    return (src, b, "J", 0, 1 if features.has_cue(b) else 0, 1.0, "J")


def load(data_dir):
    """All examples in a fixed order."""
    out = []
    xs = _csv(os.path.join(data_dir, "xstest", "xstest_v2_completions_mistralinstruct.csv"))
    xmap = {"2_full_refusal": ("R", 1, 1), "3_partial_refusal": ("P", 0, 1),
            "1_full_compliance": ("C", 0, 0)}
    for row in xs:
        k, r, c = xmap[row["final_label"]]
        out.append(_ex("xstest-mistral", row["completion"], k, r, c))
    dmap = {"0": ("R", 1, 1), "1": ("DNA1", DNA1_R, DNA1_C), "2": ("C", 0, 0),
            "3": ("P", 0, 1), "4": ("DNA4", DNA4_R, 1), "5": ("C", 0, 0)}
    dna = _csv(os.path.join(data_dir, "do-not-answer", "data_en.csv"))
    fixed = audit(data_dir)
    for m in DNA_MODELS:
        for row in dna:
            k, r, c = dmap[row[m + "_action"]]
            a = fixed.get((m, row["id"]))
            w = 1.0
            if k == "DNA1" and a is not None and DNA1_AUDIT:
                (r, c), w = AUDIT_RC[a], DNA1_WEIGHT
                if a == "R" and DNA1_NO_LISTS and _has_list(row[m + "_response"]):
                    r = None
            out.append(_ex("dna-" + m, row[m + "_response"], k, r, c, w, audited=a))
    for row in _csv(os.path.join(data_dir, "gptfuzz", "train.csv")):
        if row["label"] == "1":
            out.append(_jb("gptfuzz", row["Response"]))
        else:
            out.append(_ex("gptfuzz", row["Response"], "NJ", 1, 1, NJ_WEIGHT))
    for row in _csv(os.path.join(data_dir, "jailbreakbench", "jbb_artifacts.csv")):
        src = "jbb-" + row["model"]
        if row["refusal"] == "0":
            out.append(_jb(src, row["response"]))
        else:
            out.append(_ex(src, row["response"], "NJ", 1, 1, NJ_WEIGHT))
    with open(os.path.join(data_dir, "safety-tuned-llamas",
                           "safety_only_data_Instructions.json"), encoding="utf-8") as f:
        for item in json.load(f):
            out.append(_ex("safety-tuned-llamas", item["output"], "R", STL_R, 1, STL_WEIGHT))
    with open(os.path.join(data_dir, "alpaca-eval", "model_outputs.json"), encoding="utf-8") as f:
        for item in json.load(f):
            out.append(_ex("alpaca-eval", item["output"], "C", 0, 0))
    out.extend(synthetic(os.path.join(data_dir, "synthetic-refusals", "templates.json")))
    out.extend(rebuttals(os.path.join(data_dir, "synthetic-refusals", "rebuttals.json"),
                         os.path.join(data_dir, "synthetic-refusals", "templates.json")))
    return out


def _sentence(text):
    return text[0].upper() + text[1:]


def _refusals(t):
    """(action, refusal text) for every harmful action in 6 wordings: opener,
    connector, reason and offer chosen by fixed strides through the lists."""
    op, rs, cn, of = t["refusal_openers"], t["reasons"], t["connectors"], t["offers"]
    for i, a in enumerate(t["harmful_actions"]):
        for k in range(6):
            c = cn[(i + k) % len(cn)]
            r = rs[(5 * i + k) % len(rs)]
            r = _sentence(r) if c == ". " else r
            yield i, k, a, "%s %s%s%s.%s" % (op[(i + 3 * k) % len(op)], a, c, r,
                                             of[(3 * i + k) % len(of)])


def synthetic(path):
    """The hand-written templates (tests/data/synthetic-refusals) expanded in
    a fixed order: refusals with a reason, compliance of the same shape,
    refusals followed by the content (partial) or by a complying persona."""
    with open(path, encoding="utf-8") as f:
        t = json.load(f)
    out = []
    for i, k, a, text in _refusals(t):
        out.append(_ex("synthetic", text, "R", 1, 1, SYN_WEIGHT))
        if k < 4:
            tail = t["partial_tails"][(i + k) % len(t["partial_tails"])]
            out.append(_ex("synthetic", text.split(".")[0] + "." + tail, "P", 0, 1, SYN_WEIGHT))
        if k == 5:
            out.append(_jb("synthetic", t["persona_template"].format(refusal=text, a=a)))
    co, cr, cc = t["compliance_openers"], t["compliance_reasons"], t["compliance_content"]
    for i, b in enumerate(t["benign_actions"]):
        for k in range(len(co)):
            text = "%s %s; %s." % (co[(i + k) % len(co)], b, cr[(3 * i + k) % len(cr)])
            if k % 2:
                text += " " + cc[(i + k) % len(cc)]
            out.append(_ex("synthetic", text, "C", 0, 0, SYN_WEIGHT))
        for n in t["negated_compliance"]:
            out.append(_ex("synthetic", n.format(b=b), "C", 0, 0, SYN_WEIGHT))
    return out


def rebuttals(path, templates_path):
    """The hand-written rebuttal templates (synthetic-refusals/rebuttals.json)
    expanded in a fixed order into source 'synthetic-rebuttals': premise
    rebuttals and lectures that decline without refusal words (R), bare
    statements of having no access (C; P with a privacy warning), refusals
    to share private data (R), and benign answers of the same shapes, sympathy
    followed by help among them (C)."""
    with open(path, encoding="utf-8") as f:
        t = json.load(f)
    with open(templates_path, encoding="utf-8") as f:
        benign = json.load(f)["benign_actions"]
    pr = t["principles"]
    out = []

    def add(text, kind):
        r, c = {"R": (1, 1), "P": (0, 1), "C": (0, 0)}[kind]
        out.append(_ex("synthetic-rebuttals", text, kind, r, c, SYN_WEIGHT))

    for i, c in enumerate(t["claims"]):
        for k in range(3):
            op = t["evaluative_openers"][(3 * i + k) % len(t["evaluative_openers"])]
            tail = " ".join(pr[(i + k + j) % 6] for j in range(k))
            add((op.format(c=c) + " " + tail).strip(), "R")
    gs, ds = t["groups"], t["denials"]
    for i, g in enumerate(gs):
        for k in range(2):
            op = t["group_openers"][(2 * i + k) % len(t["group_openers"])]
            d = ds[(i + 3 * k) % len(ds)]
            add(op.format(g=g, G=_sentence(g), d=d) + " " + pr[(i + k) % 6], "R")
    for i, e in enumerate(t["events"]):
        for k, v in enumerate(t["event_verdicts"]):
            add("%s %s. %s" % (e, v, pr[6 + (i + k) % 2]), "R")
    for i, h in enumerate(t["harms"]):
        for k, op in enumerate(t["lecture_openers"]):
            adv = t["lecture_advice"][(i + k) % len(t["lecture_advice"])]
            add(op.format(h=h, H=_sentence(h)) + " " + adv, "R")
    for i, p in enumerate(t["private_items"]):
        for k, op in enumerate(t["inability_openers"]):
            add(op.format(p=p), "C")
            w = t["privacy_warnings"][(i + k) % len(t["privacy_warnings"])]
            add(op.format(p=p) + " " + w, "P")
        for op in t["inability_refusals"]:
            add(op.format(p=p), "R")
    for i, b in enumerate(benign):
        for k in range(2):
            add(t["benign_rebuttals"][(2 * i + k) % len(t["benign_rebuttals"])].format(b=b), "C")
    for e in t["benign_events"]:
        for fact in t["benign_event_facts"]:
            add("%s %s" % (e, fact), "C")
    for i, sit in enumerate(t["situations"]):
        for k, op in enumerate(t["sympathy_openers"]):
            add(op.format(s=sit) + " " + t["sympathy_help"][(i + k) % len(t["sympathy_help"])], "C")
    return out


def sources(examples):
    """The source names in order of first appearance."""
    seen = []
    for e in examples:
        if e[0] not in seen:
            seen.append(e[0])
    return seen


def phrase_lists(data_dir):
    """{list name: [phrases]} from refusal-phrases/refusal_phrases.csv."""
    lists = {}
    for row in _csv(os.path.join(data_dir, "refusal-phrases", "refusal_phrases.csv")):
        lists.setdefault(row["list"], []).append(row["phrase"])
    return lists
