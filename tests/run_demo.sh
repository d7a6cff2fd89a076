#!/usr/bin/env bash
# run_demo.sh [EXT [OUT]] — the demo driver behind `make demo` (tests/demo.mk)
# and tests/sh/demo.sh.  Defaults: EXT=build/safety_sample (the extension,
# without .so), OUT=build.  Run from anywhere.
#
#   1. creates OUT/demo.db from scratch and runs sql/demo.sql in it with the
#      sqlite3 shell and the extension loaded (import, comparison, chart);
#   2. exports the pss-b selection at 0.5 %, one response per prompt
#      ({"group": "instruction"}), with sql/export_alpaca.sql to
#      OUT/demo/selected.jsonl (Alpaca JSON Lines, ascending id);
#   3. runs the design-card query in a new session, as a user would:
#      sqlite3 OUT/demo.db, .load EXT, SELECT * FROM safety_sample('pss-b', 0.0005);
set -eu
cd "$(dirname "$0")/.."
EXT=${1:-build/safety_sample}
OUT=${2:-build}
start=$(date +%s%N)
rm -f "$OUT/demo.db" "$OUT/demo/selected.jsonl"
mkdir -p "$OUT/demo"

sqlite3 -bail -cmd ".load $EXT" "$OUT/demo.db" ".read sql/demo.sql"

sqlite3 -bail "$OUT/demo.db" ".load $EXT" \
  "CREATE TEMP TABLE selection AS SELECT id FROM safety_sample('pss-b', 0.005, '{\"group\": \"instruction\"}')" \
  ".read sql/export_alpaca.sql" >"$OUT/demo/selected.jsonl"
echo
echo "wrote $(wc -l <"$OUT/demo/selected.jsonl") examples (pss-b at 0.5 %, one response per prompt) to $OUT/demo/selected.jsonl with sql/export_alpaca.sql"

echo
echo "== sqlite3 $OUT/demo.db; .load $EXT; SELECT * FROM safety_sample('pss-b', 0.0005); =="
sqlite3 -bail "$OUT/demo.db" ".load $EXT" ".headers on" ".mode column --wrap 0" \
  "SELECT * FROM safety_sample('pss-b', 0.0005)"

ms=$((($(date +%s%N) - start) / 1000000))
echo
printf 'demo finished in %d.%d s\n' $((ms / 1000)) $((ms % 1000 / 100))
