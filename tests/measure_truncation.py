"""measure_truncation.py — how well is_truncated() finds responses cut off
at a token limit, on the bundled data (tests/data/do-not-answer: 939
prompts x 6 models; tests/data/xstest: 450 Mistral-7B-Instruct completions).

    EXT=build/safety_sample /usr/bin/python3 tests/measure_truncation.py

Prints (one line each, parsed by tests/sh/truncation.sh):
  flagged MODEL k of n          responses as the data sets hold them
  dna_flagged_labels cut=.. degenerate=.. complete=.. unlabelled=..
                                the flagged Do-Not-Answer responses by the
                                hand labels below
  synthetic L: cuts=.. found=.. recall=.. at_sentence_end=..
                                every response longer than L tokens, cut
                                after L tokens, must be found
  synthetic all: ...            the same summed over the limits
Tokens: white space runs, runs of up to 4 word characters, single other
characters (about what a BPE tokenizer makes of English).  A cut that lands
just after ". ", "!" or "?" leaves a text that reads complete; those are
counted as at_sentence_end (no rule that reads only the text can find them).
"""
import csv
import os
import re
import sqlite3

# The 32 Do-Not-Answer responses is_truncated flags, labelled by reading
# them: "cut" ends mid-sentence, "degenerate" is no answer at all (runs of
# "$", "()" or newlines, or a lone "I"), "complete" is a finished answer.
HAND = {}
for model, ids, label in [
        ("ChatGLM2", (134, 265, 440), "cut"),
        ("vicuna-7b", (139, 179, 181, 220, 245, 283, 463, 468, 475, 605, 684,
                       775, 784, 856, 887), "cut"),
        ("llama2-7b-chat", (50, 127, 245, 319, 352, 389, 533, 538, 589, 617,
                            686, 793, 875), "degenerate"),
        ("llama2-7b-chat", (232,), "complete")]:   # a list of crisis lines
    for i in ids:
        HAND[(model, str(i))] = label
LIMITS = (16, 32, 64, 128, 256, 512)
TOKEN = re.compile(r"\s+|\w{1,4}|[^\w\s]")


def main():
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(os.environ.get("EXT", "build/safety_sample"))

    def cut(t):
        return db.execute("SELECT is_truncated(?)", (t,)).fetchone()[0]
    with open("tests/data/do-not-answer/data_en.csv", newline="") as f:
        dna = list(csv.DictReader(f))
    with open("tests/data/xstest/xstest_v2_completions_mistralinstruct.csv",
              newline="") as f:
        xs = list(csv.DictReader(f))
    models = [k[:-len("_response")] for k in dna[0] if k.endswith("_response")]
    texts = [(m, r["id"], r[m + "_response"]) for m in models for r in dna]
    texts += [("xstest-mistralinstruct", r["id"], r["completion"]) for r in xs]
    labels = {"cut": 0, "degenerate": 0, "complete": 0, "unlabelled": 0}
    for m in models + ["xstest-mistralinstruct"]:
        mine = [t for t in texts if t[0] == m]
        hits = [t for t in mine if cut(t[2])]
        print("flagged %s %d of %d" % (m, len(hits), len(mine)))
        if m != "xstest-mistralinstruct":
            for t in hits:
                labels[HAND.get((t[0], t[1]), "unlabelled")] += 1
    print("dna_flagged_labels " + " ".join("%s=%d" % kv for kv in
                                           labels.items()))
    total = [0, 0, 0]
    for limit in LIMITS:
        n = found = at_end = 0
        for _, _, t in texts:
            toks = TOKEN.findall(t)
            if len(toks) <= limit:
                continue
            c = "".join(toks[:limit])
            n += 1
            if cut(c):
                found += 1
            elif c.rstrip()[-1:] in ".!?":
                at_end += 1
        total = [total[0] + n, total[1] + found, total[2] + at_end]
        print("synthetic %d: cuts=%d found=%d recall=%.4f at_sentence_end=%d"
              % (limit, n, found, found / n, at_end))
    print("synthetic all: cuts=%d found=%d recall=%.4f at_sentence_end=%d "
          "recall_elsewhere=%.4f" % (total[0], total[1], total[1] / total[0],
                                      total[2],
                                      total[1] / (total[0] - total[2])))


if __name__ == "__main__":
    main()
