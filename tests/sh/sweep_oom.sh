#!/usr/bin/env bash
# sweep_oom.sh — safety_sweep under a heap limit (PRAGMA hard_heap_limit)
# stepped through the range where it runs out at every stage (parsing the
# grid, planning, the one read, the views, the selections): each run
# either returns every row or fails with an out-of-memory error, never
# crashes, and the shell's connection works afterwards.  Under `make
# sanitize` the extension is the ASan+UBSan build.
# Environment: BUILD, EXT (extension path without .so) as tests/run.sh sets.
set -u
TEST_NAME=sweep_oom.sh
source "$(dirname "$0")/../shlib.sh"

q="SELECT count(*) FROM safety_sweep('[\"sss\", \"pss-b\", \"cossim\", \"fl-b\", \"random\"]',
     '[5, 40, 0.02]', '{\"seeds\": [0, 1]}')"
# run SQL...: each statement on its own line of the shell's input (the shell
# goes on after an error there, as it does not after a failed argument).
run() {
  printf '%s;\n' "$@" |
    sqlite3 :memory: -cmd ".load $EXT" -cmd ".read sql/schema.sql" \
      -cmd ".read tests/data/sweep_pool.sql" 2>&1
}
full=$(run "$q")
check "without a limit the sweep returns its rows" "650" "$full"
ok=0 oom=0 bad=""
for ((lim = 250000; lim <= 1500000; lim += 25000)); do
  out=$(run "PRAGMA hard_heap_limit = $lim" "$q" "PRAGMA hard_heap_limit = 0" "SELECT 'after'")
  rc=$? # the shell's status is its last error's code; a signal is a crash
  if [ "$rc" -ge 128 ] || ! grep -qx after <<<"$out"; then
    bad="$bad $lim(rc $rc: $(tr '\n' ' ' <<<"$out" | cut -c1-120))"
  elif grep -qx "$full" <<<"$out"; then
    ok=$((ok + 1))
  elif grep -q 'out of memory' <<<"$out"; then
    oom=$((oom + 1))
  else
    bad="$bad $lim($(tr '\n' ' ' <<<"$out" | cut -c1-120))"
  fi
done
check "every limit gives all rows or out of memory, and the connection goes on" "" "$bad"
check "some limits run out of memory and some do not" "1 1" \
  "$([ $oom -gt 0 ] && echo 1) $([ $ok -gt 0 ] && echo 1)"
finish
