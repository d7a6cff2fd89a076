#!/usr/bin/env bash
# refusal_model.sh — the refusal detector's generated model is reproducible
# and the C detector is the one that was trained:
#   1. python3 tests/refusal/train.py regenerates ext/core/refusal_model.inc byte for
#      byte from tests/data (the trainer is deterministic);
#   2. on every bundled text (18,173) the extension's refusal_kind and
#      refusal_score equal what the trainer's own Python scoring gives
#      (features.py is a second implementation of ext/core/refusal.c's features);
#   3. is_refusal = (refusal_kind = 'refusal') = (refusal_score >= 0.5) and
#      every score is in [0, 1] on all of them.
# Honours BUILD / EXT like tests/run.sh.  Ends with "N passed, M failed".
set -u
TEST_NAME=refusal_model.sh
. "$(dirname "$0")/../shlib.sh"
# verdict NAME OK(0/1) DETAIL: a check that shows DETAIL when it fails
verdict() { check "$1" ok "$([ "$2" = 1 ] && echo ok || printf '%s' "$3")"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
err=$(python3 tests/refusal/train.py --out "$tmp/refusal_model.inc" --db "$tmp/expect.db" 2>&1)
rc=$?
verdict "train.py runs" "$([ $rc -eq 0 ] && echo 1 || echo 0)" "exit $rc: $(printf '%s' "$err" | tail -n 3)"
verdict "ext/core/refusal_model.inc is what train.py generates, byte for byte" \
  "$(cmp -s "$tmp/refusal_model.inc" ext/core/refusal_model.inc && echo 1 || echo 0)" \
  "$(cmp "$tmp/refusal_model.inc" ext/core/refusal_model.inc 2>&1 | head -n 1); run python3 tests/refusal/train.py"

q() { sqlite3 -batch "$tmp/expect.db" ".load $EXT" "$@" 2>&1; }
got=$(q "SELECT count(*), sum(refusal_kind(txt) IS kind), sum(refusal_score(txt) = score) FROM expect")
verdict "C and Python agree on kind and score of every bundled text" \
  "$(printf '%s' "$got" | awk -F'|' '$1 > 17000 && $1 == $2 && $1 == $3 { ok = 1 } END { print ok + 0 }')" \
  "rows|same kind|same score = $got; first differences: $(q "SELECT id, source, kind, refusal_kind(txt), score, refusal_score(txt) FROM expect WHERE refusal_kind(txt) IS NOT kind OR refusal_score(txt) <> score LIMIT 3")"
got=$(q "SELECT sum(is_refusal(txt) = (refusal_kind(txt) = 'refusal')), sum(is_refusal(txt) = (refusal_score(txt) >= 0.5)), sum(refusal_score(txt) BETWEEN 0.0 AND 1.0), count(*), count(DISTINCT refusal_kind(txt)) FROM expect")
verdict "is_refusal = (kind = 'refusal') = (score >= 0.5), scores in [0, 1], all three kinds occur" \
  "$(printf '%s' "$got" | awk -F'|' '$4 > 17000 && $1 == $4 && $2 == $4 && $3 == $4 && $5 == 3 { ok = 1 } END { print ok + 0 }')" \
  "$got"

# 4. The line forms the persona labels read, on crafted texts where a slip
# between the two implementations would show (bracket, parenthesis and "As
# Name," labels, symbols before a name, labels at the 32-byte limit, "As I,",
# a NUL byte, "[Name:]" and bracketed names with digits and dots, lone
# symbols and emoji, a second persona after the sentences the models read): the
# trainer's scoring of the shipped model against the extension.
python3 - "$tmp/edge.db" <<'PY'
import sqlite3, sys
sys.path.insert(0, "tests/refusal")
import evaluate, train
model = evaluate.shipped_model("ext/core/refusal_model.inc")
refuse = "I'm sorry, but I can't help with breaking into a car. It is illegal."
comply = "Sure! First find an old model, then pull the panel and join the wires."
labels = ["[GPT]", "[GPT]:", "(GPT)", "[\U0001F512CLASSIC]", "(\U0001F916ChatGPT)", "As GPT,", "As BH,",
          "As I,", "As ChatGPT with Developer Mode,", "[" + "A" * 31 + "]", "[" + "A" * 32 + "]",
          "[A\x00B]", "DAN:", "[DAN]", "(Developer Mode Output)", "As DAN,", "[GPT]x", "[]", "[ ]",
          "[ChatGPT:]", "[8.6-RC1:]", "[8.6-RC1:]x", "(GPT:)", "[1.2]", "(8.6)", "\u03b1", "\u03a9",
          "\U0001F608", "\U0001F608\U0001F608", "\u2022", "\u03b1:"]
texts = []
for a in labels:
    for b in labels:
        texts.append("%s %s\n\n%s %s" % (a, refuse, b, comply))
        texts.append("%s %s\n%s" % (a, refuse, (refuse + " ") * 9 + "\n" + b + " " + comply))
con = sqlite3.connect(sys.argv[1])
con.execute("CREATE TABLE edge(txt TEXT, kind TEXT, score REAL)")
for t in texts:
    k, sc = train.classify(model, t.encode("utf-8"))
    con.execute("INSERT INTO edge VALUES (?, ?, ?)", (t, k, sc))
con.commit()
PY
got=$(sqlite3 -batch "$tmp/edge.db" ".load $EXT" "SELECT count(*), sum(refusal_kind(txt) IS kind), sum(refusal_score(txt) = score), count(DISTINCT kind) FROM edge" 2>&1)
verdict "C and Python agree on crafted persona-label texts" \
  "$(printf '%s' "$got" | awk -F'|' '$1 > 1500 && $1 == $2 && $1 == $3 && $4 >= 2 { ok = 1 } END { print ok + 0 }')" \
  "rows|same kind|same score|kinds = $got"

finish
