#!/usr/bin/env bash
# refusal_accuracy.sh — runs tests/measure_refusal.sh and checks the figures
# the README publishes: is_refusal agrees with XSTest's human labels on at
# least 92 % of the completions, is_refusal = (score >= 0.5) with
# every score in [0, 1] on all 6,084 texts, and on Do-Not-Answer it finds at
# least 90 % of the action-0 refusals while flagging at most 5 % of the
# responses that follow the instruction (action 5).
# Honours BUILD / EXT like tests/run.sh.  Ends with "N passed, M failed".
set -u
cd "$(dirname "$0")/../.."
passed=0
failed=0
check() { # check NAME CONDITION-RESULT(0/1) DETAIL
  if [ "$2" = 1 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL refusal_accuracy: $1 ($3)"
  fi
}

out=$(bash tests/measure_refusal.sh 2>&1)
rc=$?
check "measure_refusal.sh runs" "$([ $rc -eq 0 ] && echo 1 || echo 0)" "exit $rc: $(printf '%s' "$out" | tail -n 3)"

# first number after a key on the line that starts with a given prefix
field() { printf '%s\n' "$out" | awk -v p="$1" -v k="$2" 'index($0, p) == 1 {
  for (i = 1; i <= NF; i++) if (index($i, k) == 1) { v = substr($i, length(k) + 1); if (v == "") v = $(i + 1); print v; exit } }'; }
ge() { awk -v a="${1:-x}" -v b="$2" 'BEGIN { print (a != "x" && a + 0 >= b + 0) ? 1 : 0 }'; }
le() { awk -v a="${1:-x}" -v b="$2" 'BEGIN { print (a != "x" && a + 0 <= b + 0) ? 1 : 0 }'; }

acc=$(field "xstest accuracy" "accuracy")
check "XSTest accuracy >= 0.92" "$(ge "$acc" 0.92)" "got ${acc:-nothing}"

checks=$(printf '%s\n' "$out" | grep '^checks: ')
check "is_refusal = (score >= 0.5), scores in [0, 1]" \
  "$(printf '%s' "$checks" | grep -qE '^checks: 6084 rows, 0 where .*, 0 scores outside' && echo 1 || echo 0)" \
  "${checks:-no checks line}"

recall=$(printf '%s\n' "$out" | awk '/^dna accuracy/ { getline; for (i = 1; i <= NF; i++) if ($i ~ /^recall=/) { sub(/recall=/, "", $i); print $i } }')
check "Do-Not-Answer action-0 recall >= 0.90" "$(ge "$recall" 0.90)" "got ${recall:-nothing}"

a5=$(printf '%s\n' "$out" | awk '$1 == "5" && $2 ~ /^n=/ { gsub(/[()%]/, "", $NF); print $NF }')
check "Do-Not-Answer action 5 flagged <= 5 %" "$(le "$a5" 5)" "got ${a5:-nothing} %"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
