#!/usr/bin/env bash
# multi_response.sh — the done-when of multi-response pools, on the bundled
# data: Do-Not-Answer (939 prompts x 6 models' responses, each response with
# its prompt's embedding) alone, and with XSTest's Mistral completions added
# (7 sources).  pss-b, fl-b and sss-b at 100 with {"group": "instruction"}
# return as many distinct prompts as rows, every row T1, for three seeds;
# on Do-Not-Answer no model supplies more than half of the picks, with and
# without group (and with dedup 0.9); without group pss-b does repeat
# prompts (so the first check can fail), and the seed changes which
# response of a prompt is taken.
# Environment: BUILD, EXT (extension path without .so) as tests/run.sh sets.
set -u
TEST_NAME=multi_response.sh
source "$(dirname "$0")/../shlib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
DB=$tmp/m.db
q() { sqlite3 -bail "$DB" -cmd ".load $EXT" "$@" 2>&1; }
q ".read sql/schema.sql" ".read sql/import_do_not_answer.sql" >/dev/null
# source: the model for Do-Not-Answer ('<id>/<model>'), the data set and
# model for XSTest ('<model>/<id>').
SRC="CASE e.source WHEN 'do-not-answer' THEN substr(e.source_key, instr(e.source_key, '/') + 1)
          ELSE e.source || ':' || substr(e.source_key, 1, instr(e.source_key, '/') - 1) END"
# stats METHOD OPTIONS: rows, distinct prompts, T1 rows, the largest number
# of rows from one source.
stats() {
  q "WITH s AS (SELECT s.id, s.behavior, e.instruction, $SRC AS src
                FROM safety_sample('$1', 100, '$2') AS s JOIN examples AS e ON e.id = s.id)
     SELECT count(*) || ' ' || count(DISTINCT instruction) || ' ' || sum(behavior = 'T1') || ' '
            || (SELECT max(c) FROM (SELECT count(*) AS c FROM s GROUP BY src)) FROM s"
}
# le N LIMIT: 1 when N is a number <= LIMIT, else 0.
le() { case $1 in ''|*[!0-9]*) echo 0 ;; *) echo $(($1 <= $2)) ;; esac; }
# run_checks POOL SHARES: the group checks; with SHARES=1 also the source
# shares (for a pool of several models' responses to the same prompts).
run_checks() {
  local pool=$1
  for m in pss-b fl-b sss-b; do
    for seed in 0 1 2; do
      read -r rows prompts t1 top <<<"$(stats "$m" "{\"group\": \"instruction\", \"seed\": $seed}")"
      check "$pool: $m, group, seed $seed: 100 rows, 100 prompts, all T1" "100 100 100" "$rows $prompts $t1"
      [ "$2" = 1 ] || continue
      check "$pool: $m, group, seed $seed: no source has more than half the picks (top: $top)" "1" "$(le "$top" 50)"
      read -r rows prompts t1 top <<<"$(stats "$m" "{\"seed\": $seed}")"
      check "$pool: $m, seed $seed, no group: no source has more than half the picks (top: $top)" "1" "$(le "$top" 50)"
      read -r rows prompts t1 top <<<"$(stats "$m" "{\"dedup\": 0.9, \"seed\": $seed}")"
      check "$pool: $m, dedup 0.9, seed $seed: no source has more than half the picks (top: $top)" "1" "$(le "$top" 50)"
    done
  done
}
run_checks "Do-Not-Answer" 1
read -r rows prompts t1 top <<<"$(stats pss-b '{}')"
check "pss-b without group repeats prompts (fewer than 60 prompts in 100: $prompts)" "1" "$(le "$prompts" 59)"
check "the seed decides which response of a prompt is taken" "1" \
  "$(q "SELECT (SELECT group_concat(id) FROM safety_sample('pss-b', 100, '{\"group\": \"instruction\"}'))
             <> (SELECT group_concat(id) FROM safety_sample('pss-b', 100, '{\"group\": \"instruction\", \"seed\": 1}'))")"
q ".read sql/import_xstest.sql" >/dev/null
check "XSTest's 450 completions are added" "6084" "$(q "SELECT count(*) FROM examples")"
# XSTest's prompts are its own and its 8 harm types are its own categories,
# so its one model may well supply most picks: only the group checks here.
run_checks "Do-Not-Answer + XSTest" 0
finish
