#!/usr/bin/env bash
# sweep_demo.sh — safety_sweep on the demo's data (Do-Not-Answer, built by
# tests/run_demo.sh into a scratch directory): every combination of the
# demo's comparison grid (eight methods, the paper's budgets, three seeds),
# and of the methods beyond the paper with dedup, returns exactly the rows
# of its own safety_sample call, in grid order (tests/data/sweep_check.sql
# compares them row by row, scores bit for bit).
# Environment: BUILD, EXT (extension path without .so) as tests/run.sh sets.
set -u
TEST_NAME=sweep_demo.sh
source "$(dirname "$0")/../shlib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash tests/run_demo.sh "$EXT" "$tmp/out" >"$tmp/demo.txt" 2>&1
check "the demo builds its database" "0" "$?"

# compare METHODS BUDGETS OPTIONS: the three columns of sweep_check.
compare() {
  sqlite3 -bail "$tmp/out/demo.db" ".load $EXT" ".read tests/data/sweep_check.sql" \
    "INSERT INTO temp.sweep_case VALUES ('$1', '$2', '$3')" \
    "SELECT * FROM temp.sweep_check" 2>&1
}

check "the demo grid: 8 methods x 0.05 %, 0.5 %, 2 % x seeds 0, 1, 2" "1|1|1" \
  "$(compare '["random","random-b","sss","sss-b","pss","pss-b","cossim","cossim-b"]' \
       '[0.0005, 0.005, 0.02]' '{"seeds": [0, 1, 2]}')"
check "beyond the paper: pss-b and fl-b with dedup 0.9, budgets 10 and 100" "1|1|1" \
  "$(compare '["pss-b","fl-b"]' '[10, 100]' '{"seeds": [0, 5], "dedup": 0.9}')"
check "a T2 filter, proportional quotas" "1|1|1" \
  "$(compare '["pss","cossim","sss"]' '[40]' '{"behavior": "T2", "quota": "proportional"}')"
finish
