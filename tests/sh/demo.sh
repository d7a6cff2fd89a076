#!/usr/bin/env bash
# demo.sh — runs the demo (tests/run_demo.sh, what `make demo` runs) with the
# extension under test into a scratch directory and checks what it leaves
# and prints: demo.db answers the design-card query with 10 T1 rows, the
# export holds the pss-b selection at 0.5 % as 100 Alpaca JSON lines, the
# printed tables have a row per method for each budget, the bar chart adds
# up, a second run prints the same, and it takes less than a minute.
# Environment: BUILD, EXT (extension path without .so) as tests/run.sh sets.
set -u
TEST_NAME=demo.sh
source "$(dirname "$0")/../shlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
q() { sqlite3 -bail "$tmp/out/demo.db" ".load $EXT" "$@" 2>&1; }

start=$(date +%s)
bash tests/run_demo.sh "$EXT" "$tmp/out" >"$tmp/run1.txt" 2>&1
rc=$?
seconds=$(($(date +%s) - start))
check "the demo exits 0" "0" "$rc"
[ "$rc" -eq 0 ] || sed 's/^/  demo: /' "$tmp/run1.txt" | tail -n 20
check "the demo finishes in under a minute (took ${seconds}s)" "1" "$((seconds < 60))"
check "it leaves demo.db" "yes" "$([ -s "$tmp/out/demo.db" ] && echo yes || echo no)"

# The design-card query, as the README gives it.
check "design card: 10 T1 rows over 10 categories, ranks 1..10, cosine scores" "10|10|10|55|1" \
  "$(q "SELECT count(*), sum(behavior = 'T1'), count(DISTINCT category), sum(rank),
               min(score > 0 AND score <= 1) FROM safety_sample('pss-b', 0.0005)")"
check "demo.db holds the pool, the held-out reference set and 20,000 task rows" "5634|5070|94|20000|12" \
  "$(q "SELECT (SELECT count(*) FROM examples), (SELECT count(DISTINCT id) FROM safety_pool),
               (SELECT count(*) FROM reference_examples), (SELECT count(*) FROM task_examples),
               (SELECT count(DISTINCT category) FROM safety_reference)")"
check "no reference prompt is left in the pool" "0" \
  "$(q "SELECT count(*) FROM safety_pool AS p JOIN examples AS e ON e.id = p.id WHERE e.instruction IN (SELECT text FROM reference_examples)")"

# The export: 100 lines, each a JSON object with exactly the Alpaca keys, in
# the rank order of the pss-b selection at 0.5 %.
jsonl=$tmp/out/demo/selected.jsonl
check "selected.jsonl has 100 lines" "100" "$(wc -l <"$jsonl" | tr -d ' ')"
check "every line is a JSON object with instruction, input, output" "100|100|100" \
  "$(q "WITH RECURSIVE f(t) AS (SELECT CAST(readfile('$jsonl') AS TEXT)),
        l(line, rest) AS (SELECT NULL, t FROM f
          UNION ALL SELECT substr(rest, 1, instr(rest, char(10)) - 1), substr(rest, instr(rest, char(10)) + 1)
          FROM l WHERE instr(rest, char(10)) > 0)
        SELECT count(*), sum(json_valid(line) AND json_type(line) = 'object'),
               sum((SELECT group_concat(key) FROM json_each(line)) = 'instruction,input,output')
        FROM l WHERE line IS NOT NULL")"
check "selected.jsonl is the pss-b selection at 0.5 % with one response per prompt (ascending id, as export_alpaca writes it)" "1" \
  "$(q "SELECT CAST(readfile('$jsonl') AS TEXT) = (SELECT group_concat(line, char(10)) || char(10) FROM
          (SELECT json_object('instruction', e.instruction, 'input', e.input, 'output', e.response) AS line
           FROM safety_sample('pss-b', 0.005, '{\"group\": \"instruction\"}') AS s JOIN examples AS e ON e.id = s.id ORDER BY s.id))")"
check "selected.jsonl has 100 distinct instructions (one response per prompt)" "100" \
  "$(python3 -c 'import json, sys; print(len({json.loads(l)["instruction"] for l in open(sys.argv[1])}))' "$jsonl")"
check "the demo says where it wrote the selection" "1" \
  "$(grep -c "^wrote 100 examples (pss-b at 0.5 %, one response per prompt) to $tmp/out/demo/selected.jsonl with sql/export_alpaca.sql$" "$tmp/run1.txt")"

# The printed comparison: a row per method at each of the three budgets.
out=$(cat "$tmp/run1.txt")
for m in random random-b sss sss-b pss pss-b cossim cossim-b; do
  check "a comparison row for $m at each budget" "3" \
    "$(grep -cE "^$m +[0-9]+ " <<<"$out")"
done
check "the three budgets give n = 10, 100, 400 for pss-b" "10 100 400" \
  "$(grep -E '^pss-b +[0-9]+ ' <<<"$out" | awk '{printf "%s%s", (NR > 1 ? " " : ""), $2}')"
check "the per-category tables list the 12 categories at each budget" "36" \
  "$(grep -cE '^[a-z(].* +[0-9]+ +[0-9]+ +( +[0-9]+){8}$' <<<"$out")"
check "the bar chart has a bar per category and they add up to 100" "12 100" \
  "$(grep -E ' T1 +[0-9]+$' <<<"$out" | awk '{n++; s += $(NF - 3)} END {print n, s}')"
check "the bar chart's total line" "1" \
  "$(grep -cE '^total +100  \([0-9]+ by category quota, [0-9]+ by random fill\)$' <<<"$out")"
check "the design-card query is printed with its 10 rows" "10" \
  "$(sed -n "/^== sqlite3 .*SELECT \* FROM safety_sample('pss-b', 0.0005); ==$/,\$p" <<<"$out" |
     grep -cE '^[0-9]+ +.* T1 +0\.[0-9]+ +[0-9]+ +category')"

# Determinism: a second run prints the same (but for the timing line).
bash tests/run_demo.sh "$EXT" "$tmp/out" >"$tmp/run2.txt" 2>&1
check "a second run prints exactly the same" "" \
  "$(diff <(grep -v '^demo finished' "$tmp/run1.txt") <(grep -v '^demo finished' "$tmp/run2.txt"))"

# make demo runs this driver with the build directory.
check "make demo runs tests/run_demo.sh with BUILD" "1" \
  "$(make -n demo BUILD=/nonexistent/x 2>/dev/null | grep -c 'tests/run_demo.sh /nonexistent/x/safety_sample /nonexistent/x')"

finish
