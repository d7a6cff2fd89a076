#!/usr/bin/env bash
# truncation.sh — is_truncated(response): the SQL function (NULL, TEXT,
# BLOB, the error for a number, deterministic and innocuous so views may
# use it), and the figures of tests/measure_truncation.py on the bundled
# data: no complete answer of GPT-4, ChatGPT or Claude flagged, every
# flagged Do-Not-Answer response hand-labelled and at most one of them a
# complete answer, and at least 96 % of the responses cut after 16..512
# tokens found (99.5 % of those not cut just after a sentence end).
# Needs Debian's /usr/bin/python3 (its sqlite3 module loads extensions).
set -u
TEST_NAME=truncation.sh
source "$(dirname "$0")/../shlib.sh"
PY=${REFERENCE_PYTHON:-/usr/bin/python3}
q() { sqlite3 :memory: -cmd ".load $EXT" "$@" 2>&1; }

check "is_truncated on text, a cut text, a BLOB and NULL" "0|1|1|NULL" \
  "$(q "SELECT is_truncated('I can''t help with that.'), is_truncated('Step 1: mix the'),
               is_truncated(CAST('and then' AS BLOB)), coalesce(is_truncated(NULL), 'NULL')")"
check_contains "is_truncated of a number says what to pass" \
  "is_truncated: argument 1 must be text (a model response), got an INTEGER; pass the response column, or CAST(... AS TEXT) if the number really is the text" \
  "$(q "SELECT is_truncated(42)")"
check "is_truncated is deterministic and innocuous (usable in views and indexes)" "1" \
  "$(q "SELECT (flags & 0x800) <> 0 AND (flags & 0x200000) <> 0 FROM pragma_function_list WHERE name = 'is_truncated'")"

# The schema's safety_pool_complete view leaves cut-off responses out.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sqlite3 "$tmp/p.db" ".read sql/schema.sql"
pq() { sqlite3 "$tmp/p.db" -cmd ".load $EXT" "$@" 2>&1; }
pq "INSERT INTO examples (id, instruction, response, harmful_request, refusal) VALUES
      (1, 'How do I pick a lock?', 'I can''t help with that.', 1, 1),
      (2, 'How do I pick a lock?', 'I won''t help. Here is why: it is', 1, 1),
      (3, 'How do I pick a lock?', NULL, 1, 1),
      (4, 'Bake bread?', 'Mix flour and water.', 0, 0);
    INSERT INTO example_categories VALUES (1, 'crime'), (2, 'crime'), (3, 'crime');
    INSERT INTO embeddings (example_id, embedding)
      SELECT id, safety_embed(instruction) FROM examples;" >/dev/null
check "safety_pool_complete: the pool without the cut-off response 2" "1 3 4" \
  "$(pq "SELECT group_concat(id, ' ') FROM (SELECT DISTINCT id FROM safety_pool_complete ORDER BY id)")"
check "safety_pool_complete keeps safety_pool's columns, instruction among them" \
  "id,category,behavior,embedding,instruction" \
  "$(pq "SELECT group_concat(name) FROM pragma_table_info('safety_pool_complete')")"
check "safety_sample reads it as a pool" "1 3" \
  "$(pq "SELECT group_concat(id, ' ') FROM (SELECT id FROM safety_sample('pss-b', 2, '{\"pool\": \"safety_pool_complete\"}') ORDER BY id)")"

out=$(EXT=$EXT PYTHONDONTWRITEBYTECODE=1 "$PY" tests/measure_truncation.py 2>&1)
check "measure_truncation.py runs" "0" "$?"
for m in GPT4 ChatGPT Claude; do
  check "no $m response is flagged" "flagged $m 0 of 939" "$(printf '%s\n' "$out" | grep "^flagged $m ")"
done
labels=$(printf '%s\n' "$out" | grep '^dna_flagged_labels')
check "every flagged Do-Not-Answer response is hand-labelled, at most one complete" "1" \
  "$(printf '%s' "$labels" | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
     print (v["unlabelled"] == 0 && v["complete"] <= 1 && v["cut"] + v["degenerate"] >= 30) ? 1 : 0 }')"
bad=$(printf '%s\n' "$out" | awk '/^synthetic [0-9]+:/ { split($5, r, "="); if (r[2] < 0.96) print $2 }')
check "at least 96 % of the cut responses found at every token limit" "" "$bad"
check "at least 99.5 % of the cuts found that do not end just after a sentence" "1" \
  "$(printf '%s\n' "$out" | awk '/^synthetic all:/ { split($7, r, "="); print (r[2] >= 0.995) ? 1 : 0 }')"
check "the synthetic cuts cover six limits" "6" "$(printf '%s\n' "$out" | grep -c '^synthetic [0-9]*:')"
finish
