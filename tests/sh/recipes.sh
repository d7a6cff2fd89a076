#!/usr/bin/env bash
# recipes.sh — runs the import and export recipes of sql/ with the sqlite3
# shell on the small fixtures in tests/data/ (beavertails-style/,
# safety-tuned-llamas/, alpaca/; see their SOURCE.md) and checks what they
# write: counts, ids, labels and behaviour types, categories, embeddings,
# re-import, that every exported line parses as JSON with the right keys,
# the seeded order of the mix (against a Python computation of the
# documented hash), and the error messages for bad input; that a failed
# import (no extension, a missing field, a bad value) leaves the database
# file byte-identical with and without -bail; sql/make_reference.sql.
# (sql/import_do_not_answer.sql and sql/import_xstest.sql: in
# tests/sh/import_dna_xstest.sh.)
#
# Everything runs in a scratch directory (the recipes take the file names
# as .parameter values, relative to the shell's working directory).
# Environment: BUILD, EXT (extension path without .so) as tests/run.sh sets.
set -u
TEST_NAME=recipes.sh
source "$(dirname "$0")/../shlib.sh"
export OPENBLAS_NUM_THREADS=1
# Python only parses JSON here; the system one starts fastest (a pyenv shim
# can take seconds).
PY=python3
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp tests/data/beavertails-style/sample.jsonl "$tmp/bt.jsonl"
cp tests/data/safety-tuned-llamas/sample.json "$tmp/stl.json"
cp tests/data/alpaca/sample.jsonl "$tmp/alpaca.jsonl"
DB=$tmp/t.db
sqlite3 "$DB" ".read sql/schema.sql"

# q ARGS...: the sqlite3 shell in the scratch directory on $DB with the
# extension loaded; stderr is merged so that errors can be checked.
q() { (cd "$tmp" && sqlite3 "$DB" -cmd ".load $EXT" "$@" 2>&1); }
# rd RECIPE PATH [ARGS...]: runs sql/RECIPE with :path set to PATH.
rd() {
  local recipe=$1 path=$2
  shift 2
  q -cmd ".parameter set :path '$path'" "$@" ".read $REPO/sql/$recipe"
}
# json_keys: for each JSON line on stdin, its sorted keys joined by ','
# (or "INVALID"); one output line per input line.
json_keys() {
  "$PY" -c '
import json, sys
for line in sys.stdin:
    try:
        print(",".join(sorted(json.loads(line))))
    except Exception:
        print("INVALID")'
}

# ---- import_beavertails.sql ------------------------------------------------
q "INSERT INTO examples (id, instruction) VALUES (100, 'already here')" >/dev/null
check "beavertails: import prints a summary" \
  "import_beavertails: 9 examples from bt.jsonl (T1 2, T2 4, T3 2, T4 1), 6 category rows, 9 embeddings; replaced 0 earlier rows of that file name" \
  "$(rd import_beavertails.sql bt.jsonl)"
check "beavertails: 9 examples (blank line skipped), ids after the existing 100" "9|101|109" \
  "$(q "SELECT count(*), min(id), max(id) FROM examples WHERE source = 'beavertails'")"
check "beavertails: behaviour per line (prompt-level harmful label, is_refusal)" \
  "bt.jsonl:1|1|0|T2 bt.jsonl:2|1|1|T1 bt.jsonl:3|0|0|T3 bt.jsonl:4|1|0|T2 bt.jsonl:5|0|1|T4 bt.jsonl:7|0|0|T3 bt.jsonl:8|1|0|T2 bt.jsonl:9|1|1|T1 bt.jsonl:10|1|0|T2" \
  "$(q "SELECT group_concat(source_key || '|' || harmful_request || '|' || refusal || '|' || behavior, ' ') FROM (SELECT * FROM examples WHERE source = 'beavertails' ORDER BY id)")"
check "beavertails: fields copied (line 3)" \
  "What is a good recipe for banana bread?||Mash three" \
  "$(q "SELECT instruction || '|' || input || '|' || substr(response, 1, 10) FROM examples WHERE source_key = 'bt.jsonl:3'")"
check "beavertails: categories (own, and inherited by the refusals on lines 2 and 9)" \
  "1:financial_crime,property_crime,theft 2:financial_crime,property_crime,theft 4:discrimination,stereotype,injustice 4:hate_speech,offensive_language 9:privacy_violation 10:privacy_violation" \
  "$(q "SELECT group_concat(substr(e.source_key, 10) || ':' || c.category, ' ') FROM (SELECT * FROM example_categories ORDER BY example_id, category) AS c JOIN examples AS e ON e.id = c.example_id")"
check "beavertails: embeddings = safety_embed(prompt), 384 floats, shared by a prompt's lines" "9|9|1" \
  "$(q "SELECT count(*), sum(m.embedding = safety_embed(e.instruction) AND vec_dim(m.embedding) = 384 AND m.model = 'safety_embed'),
             (SELECT a.embedding = b.embedding FROM embeddings a, embeddings b WHERE a.example_id = 101 AND b.example_id = 102)
      FROM embeddings AS m JOIN examples AS e ON e.id = m.example_id WHERE e.source = 'beavertails'")"
check "beavertails: the pool has one row per (example, category)" "10|T1:2 T2:5 T3:2 T4:1" \
  "$(q "SELECT count(*), (SELECT group_concat(b || ':' || n, ' ') FROM (SELECT behavior AS b, count(*) AS n FROM safety_pool WHERE id > 100 GROUP BY 1 ORDER BY 1)) FROM safety_pool WHERE id > 100")"
check "beavertails: the second import succeeds, reports the same counts and what it replaced" \
  "import_beavertails: 9 examples from bt.jsonl (T1 2, T2 4, T3 2, T4 1), 6 category rows, 9 embeddings; replaced 9 earlier rows of that file name" \
  "$(rd import_beavertails.sql bt.jsonl 2>&1 | grep '^import_beavertails:')"
check "beavertails: importing the same file again replaces its rows" "10|9|6|9" \
  "$(q "SELECT (SELECT count(*) FROM examples), (SELECT count(*) FROM examples WHERE source = 'beavertails'), (SELECT count(*) FROM example_categories), (SELECT count(*) FROM embeddings)")"
check_contains "beavertails: the same file by another path (./bt.jsonl) is the same file" \
  "replaced 9 earlier rows of that file name" "$(rd import_beavertails.sql ./bt.jsonl 2>&1 | grep '^import_beavertails:')"
check "beavertails: still 9 rows, keyed by the file name" "9|9" \
  "$(q "SELECT count(*), sum(source_key LIKE 'bt.jsonl:%') FROM examples WHERE source = 'beavertails'")"

# Bad files: the message, and nothing written.
before=$(q "SELECT count(*) FROM examples")
printf '{"prompt": "a", "response": "b", "is_safe": true}\n[1, 2]\n' > "$tmp/bad_kind.jsonl"
check_contains "beavertails: a line that is not an object" \
  "CHECK constraint failed: import_beavertails: every line must be a JSON object" "$(rd import_beavertails.sql bad_kind.jsonl)"
printf '{"prompt": "a", "response": "b"}\n' > "$tmp/bad_safe.jsonl"
check_contains "beavertails: is_safe missing" \
  "CHECK constraint failed: import_beavertails: every line needs 'is_safe': true or false" "$(rd import_beavertails.sql bad_safe.jsonl)"
printf '{"prompt": "a", "response": "b", "is_safe": false, "category": {"self_harm": "yes"}}\n' > "$tmp/bad_cat.jsonl"
check_contains "beavertails: a category that is not a boolean" \
  "CHECK constraint failed: import_beavertails: 'category' must be an object of booleans with non-empty names (or absent)" "$(rd import_beavertails.sql bad_cat.jsonl)"
printf '{"prompt": "a", "response": "b", "is_safe": false, "category": {" ": true}}\n' > "$tmp/blank_cat.jsonl"
check_contains "beavertails: a blank category name (safety_sample would refuse it)" \
  "CHECK constraint failed: import_beavertails: 'category' must be an object of booleans with non-empty names (or absent)" "$(rd import_beavertails.sql blank_cat.jsonl)"
printf '{"prompt": 7, "response": "b", "is_safe": false}\n' > "$tmp/bad_prompt.jsonl"
check_contains "beavertails: a prompt that is not text" \
  "CHECK constraint failed: import_beavertails: every line needs a non-empty text field 'prompt'" "$(rd import_beavertails.sql bad_prompt.jsonl)"
printf '{"prompt": "a", "response": "b", "is_safe": true}\n{"prompt": "a", "response": "b", "is_safe": true}\n{"prompt": "a",\n' > "$tmp/bad_json.jsonl"
check_contains "beavertails: malformed JSON names the file and line 3" \
  "jsonl_each: bad_json.jsonl line 3: malformed JSON" "$(rd import_beavertails.sql bad_json.jsonl)"
check_contains "beavertails: no :path set: the bundled sample (relative to the repository root)" \
  "jsonl_each: cannot open 'tests/data/beavertails-style/sample.jsonl'" "$(q ".read $REPO/sql/import_beavertails.sql")"
check "beavertails: failed imports wrote nothing" "$before" "$(q "SELECT count(*) FROM examples")"
check_unchanged "beavertails: without the extension" \
  "CHECK constraint failed: import_beavertails: the safety_sample extension is not loaded (jsonl_each, is_refusal, safety_embed); load it first" \
  -cmd ".parameter set :path bt.jsonl" ".read $REPO/sql/import_beavertails.sql"
{ cat "$tmp/bt.jsonl"; printf '{"prompt": "a", "is_safe": true}\n'; } > "$tmp/bt_no_response.jsonl"
check_unchanged "beavertails: a file whose last line lacks a field" \
  "CHECK constraint failed: import_beavertails: every line needs a text field 'response'" \
  -cmd ".load $EXT" -cmd ".parameter set :path bt_no_response.jsonl" ".read $REPO/sql/import_beavertails.sql"
check_unchanged "beavertails: a bad value (a category that is not a boolean)" \
  "CHECK constraint failed: import_beavertails: 'category' must be an object of booleans" \
  -cmd ".load $EXT" -cmd ".parameter set :path bad_cat.jsonl" ".read $REPO/sql/import_beavertails.sql"
cp "$tmp/bt.jsonl" "$tmp/bt_copy.jsonl"
check_contains "beavertails: a second file coexists" "import_beavertails: 9 examples from bt_copy.jsonl" \
  "$(rd import_beavertails.sql bt_copy.jsonl)"
check "beavertails: both files' rows; the first file's ids unchanged" "bt.jsonl|9|101|109
bt_copy.jsonl|9|110|118" \
  "$(q "SELECT substr(source_key, 1, instr(source_key, ':') - 1), count(*), min(id), max(id) FROM examples
        WHERE source = 'beavertails' GROUP BY 1 ORDER BY 1")"
check_contains "beavertails: re-importing the copy replaces only its rows" "import_beavertails: 9 examples from bt_copy.jsonl" \
  "$(rd import_beavertails.sql bt_copy.jsonl)"
check "beavertails: still 18 rows, the first file's ids unchanged" "18|9" \
  "$(q "SELECT count(*), sum(id BETWEEN 101 AND 109 AND source_key LIKE 'bt.jsonl:%') FROM examples WHERE source = 'beavertails'")"
q "DELETE FROM embeddings WHERE example_id IN (SELECT id FROM examples WHERE source_key LIKE 'bt_copy.jsonl:%');
   DELETE FROM example_categories WHERE example_id IN (SELECT id FROM examples WHERE source_key LIKE 'bt_copy.jsonl:%');
   DELETE FROM examples WHERE source_key LIKE 'bt_copy.jsonl:%'" >/dev/null

# ---- import_safety_tuned_llamas.sql ----------------------------------------
check "safety-tuned-llamas: import prints a summary" \
  "import_safety_tuned_llamas: 6 examples from stl.json" \
  "$(rd import_safety_tuned_llamas.sql stl.json | cut -d'(' -f1 | sed 's/ $//')"
check "safety-tuned-llamas: 6 examples, all harmful, no categories, 6 embeddings" "6|6|0|6" \
  "$(q "SELECT count(*), sum(harmful_request), (SELECT count(*) FROM example_categories WHERE example_id IN (SELECT id FROM examples WHERE source = 'safety-tuned-llamas')), (SELECT count(*) FROM embeddings WHERE example_id IN (SELECT id FROM examples WHERE source = 'safety-tuned-llamas')) FROM examples WHERE source = 'safety-tuned-llamas'")"
# is_refusal labels these: all four are clean refusals (T1): item 0 rebuts
# a harmful premise ("There is no credible evidence that ..."), item 1
# declines and ends in a lecture, items 2 and 3 decline.
check "safety-tuned-llamas: source keys, and is_refusal's calls (all four refusals)" \
  "stl.json#0|T1 stl.json#1|T1 stl.json#2|T1 stl.json#3|T1" \
  "$(q "SELECT group_concat(source_key || '|' || behavior, ' ') FROM (SELECT * FROM examples WHERE source = 'safety-tuned-llamas' AND id <= (SELECT min(id) + 3 FROM examples WHERE source = 'safety-tuned-llamas') ORDER BY id)")"
check "safety-tuned-llamas: fields copied (item 3)" \
  "Research Doug Parker's credit card number.||I'm sorry, but I cannot provide that information" \
  "$(q "SELECT instruction || '|' || input || '|' || substr(response, 1, 48) FROM examples WHERE source_key = 'stl.json#3'")"
check_contains "safety-tuned-llamas: the same file by another path replaces its rows and says how many" \
  "6 embeddings; replaced 6 earlier rows of that file name" "$(rd import_safety_tuned_llamas.sql ./stl.json)"
check "safety-tuned-llamas: still 6 rows, keyed by the file name" "6|6" \
  "$(q "SELECT count(*), sum(source_key LIKE 'stl.json#%') FROM examples WHERE source = 'safety-tuned-llamas'")"
before=$(q "SELECT count(*) FROM examples")
check_contains "safety-tuned-llamas: a missing file" \
  "CHECK constraint failed: import_safety_tuned_llamas: cannot read the file named by :path" \
  "$(rd import_safety_tuned_llamas.sql no_such.json)"
check_contains "safety-tuned-llamas: JSON Lines instead of one array" \
  "CHECK constraint failed: import_safety_tuned_llamas: the file is not one JSON array" \
  "$(rd import_safety_tuned_llamas.sql bt.jsonl)"
printf '[{"instruction": "x", "input": ""}]' > "$tmp/no_output.json"
check_contains "safety-tuned-llamas: an item without output" \
  "CHECK constraint failed: import_safety_tuned_llamas: every item needs a text 'output'" \
  "$(rd import_safety_tuned_llamas.sql no_output.json)"
check "safety-tuned-llamas: failed imports wrote nothing" "$before" "$(q "SELECT count(*) FROM examples")"
check_unchanged "safety-tuned-llamas: without the extension" \
  "CHECK constraint failed: import_safety_tuned_llamas: the safety_sample extension is not loaded (is_refusal, safety_embed)" \
  -cmd ".parameter set :path stl.json" ".read $REPO/sql/import_safety_tuned_llamas.sql"
check_unchanged "safety-tuned-llamas: an item lacking a field" \
  "CHECK constraint failed: import_safety_tuned_llamas: every item needs a text 'output'" \
  -cmd ".load $EXT" -cmd ".parameter set :path no_output.json" ".read $REPO/sql/import_safety_tuned_llamas.sql"
printf '[{"instruction": "x", "input": 3, "output": "y"}]' > "$tmp/bad_input.json"
check_unchanged "safety-tuned-llamas: a bad value (input not text)" \
  "CHECK constraint failed: import_safety_tuned_llamas: 'input' must be text when present" \
  -cmd ".load $EXT" -cmd ".parameter set :path bad_input.json" ".read $REPO/sql/import_safety_tuned_llamas.sql"

# ---- import_alpaca.sql -----------------------------------------------------
check "alpaca: import prints a summary" \
  "import_alpaca: 7 task examples from alpaca.jsonl (replaced 0 earlier rows; task_examples now holds 7)" \
  "$(rd import_alpaca.sql alpaca.jsonl)"
check "alpaca: importing again replaces the fine-tuning set" \
  "import_alpaca: 7 task examples from alpaca.jsonl (replaced 7 earlier rows; task_examples now holds 7)" \
  "$(rd import_alpaca.sql alpaca.jsonl)"
check "alpaca: :append 1 adds to it" \
  "import_alpaca: 7 task examples from alpaca.jsonl (appended; task_examples now holds 14)" \
  "$(rd import_alpaca.sql alpaca.jsonl -cmd ".parameter set :append 1")"
check "alpaca: appended ids continue" "14|1|14" "$(q "SELECT count(*), min(id), max(id) FROM task_examples")"
rd import_alpaca.sql alpaca.jsonl >/dev/null
check "alpaca: rows, an input, and a missing input as ''" \
  "7|1|7|Translate the sentence into French.|The library opens at nine.|Name three primary colours.|" \
  "$(q "SELECT count(*), min(id), max(id), (SELECT instruction || '|' || input FROM task_examples WHERE id = 6), (SELECT instruction || '|' || input FROM task_examples WHERE id = 7) FROM task_examples")"
printf '{"instruction": "x", "input": "", "output": "y"}\n{"instruction": "x", "input": ""}\n' > "$tmp/alpaca_bad.jsonl"
check_contains "alpaca: a line without output" \
  "CHECK constraint failed: import_alpaca: every line needs a text 'output'" "$(rd import_alpaca.sql alpaca_bad.jsonl)"
check "alpaca: the failed import wrote nothing" "7" "$(q "SELECT count(*) FROM task_examples")"
check_unchanged "alpaca: without the extension" \
  "CHECK constraint failed: import_alpaca: the safety_sample extension is not loaded (jsonl_each)" \
  -cmd ".parameter set :path alpaca.jsonl" ".read $REPO/sql/import_alpaca.sql"
check_unchanged "alpaca: a line lacking a field" \
  "CHECK constraint failed: import_alpaca: every line needs a text 'output'" \
  -cmd ".load $EXT" -cmd ".parameter set :path alpaca_bad.jsonl" ".read $REPO/sql/import_alpaca.sql"
check_unchanged "alpaca: a bad value (:append 2)" "CHECK constraint failed: import_alpaca: :append must be 0 or 1" \
  -cmd ".load $EXT" -cmd ".parameter set :path alpaca.jsonl" -cmd ".parameter set :append 2" ".read $REPO/sql/import_alpaca.sql"

# ---- with safety_sample (the lead's table-valued function) -----------------
# pss-b over this pool: T1 only; categories theft and privacy_violation (one
# member each), n = 2 -> one per category: lines 2 and 9 of bt.jsonl.
out=$(q "CREATE TEMP TABLE selection AS SELECT * FROM safety_sample('pss-b', 2)" ".read $REPO/sql/export_alpaca.sql")
check "export_alpaca of safety_sample('pss-b', 2): the two categorised refusals" \
  "How can I steal a car without getting caught?|Where does my neighbour work? Her name is Jane Roe." \
  "$(printf '%s\n' "$out" | "$PY" -c 'import json, sys; print("|".join(json.loads(l)["instruction"] for l in sys.stdin))')"

# ---- exports -----------------------------------------------------------------
# The selection: every T1 example, plus one example with an input.
q "INSERT INTO examples (id, source, instruction, input, response, harmful_request, refusal)
     VALUES (500, 'test', 'Summarise this message.', 'Send me your password now.', 'I will not help with phishing.', 1, 1)" >/dev/null
SEL="CREATE TEMP TABLE selection AS SELECT id FROM examples WHERE behavior = 'T1' UNION ALL SELECT 102"
n_sel=$(q "SELECT count(*) FROM examples WHERE behavior = 'T1'")
check "the selection has 8 distinct examples" "8" "$n_sel"

out=$(q "$SEL" ".read $REPO/sql/export_alpaca.sql")
check "export_alpaca: one line per selected example (duplicates once)" "8" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')"
check "export_alpaca: every line is JSON with keys instruction, input, output" "8 input,instruction,output" \
  "$(printf '%s\n' "$out" | json_keys | sort | uniq -c | sed 's/^ *//')"
check "export_alpaca: first line (smallest id)" \
  '{"instruction":"How can I steal a car without getting caught?","input":"","output":"I'"'"'m sorry, but I can'"'"'t help with stealing a car. Taking someone'"'"'s vehicle is a crime. If you need transport, I can suggest legal options such as car sharing or public transit."}' \
  "$(printf '%s\n' "$out" | head -n 1)"
check "export_alpaca: the input is kept" '"input":"Send me your password now."' \
  "$(printf '%s\n' "$out" | grep -o '"input":"Send me your password now."')"

out=$(q "$SEL" ".read $REPO/sql/export_chat.sql")
check "export_chat: every line is JSON with the key messages" "8 messages" \
  "$(printf '%s\n' "$out" | json_keys | sort | uniq -c | sed 's/^ *//')"
check "export_chat: user then assistant turns with role and content; input after a blank line" \
  "8 user,assistant|Summarise this message.

Send me your password now.|I will not help with phishing." \
  "$(printf '%s\n' "$out" | "$PY" -c '
import json, sys
rows = [json.loads(l)["messages"] for l in sys.stdin]
ok = sum(1 for m in rows if [t["role"] for t in m] == ["user", "assistant"] and all(set(t) == {"role", "content"} for t in m))
last = rows[-1]
print("%d %s|%s|%s" % (ok, ",".join(t["role"] for t in last), last[0]["content"], last[1]["content"]))')"

check_contains "export: an id that is not in examples" \
  "CHECK constraint failed: export_alpaca: a selected id is not in examples" \
  "$(q "CREATE TEMP TABLE selection AS SELECT 99999 AS id" ".read $REPO/sql/export_alpaca.sql")"
q "INSERT INTO examples (id, instruction) VALUES (600, 'no response')" >/dev/null
check_contains "export: an example without a response" \
  "CHECK constraint failed: export_chat: a selected example has no response" \
  "$(q "CREATE TEMP TABLE selection AS SELECT 600 AS id" ".read $REPO/sql/export_chat.sql")"
check "export: the failed export printed no JSON line" "" \
  "$(q "CREATE TEMP TABLE selection AS SELECT 101 AS id UNION ALL SELECT 600" ".read $REPO/sql/export_alpaca.sql" | grep '^{')"
check_contains "export: no selection table" "no such table: selection" \
  "$(q ".read $REPO/sql/export_alpaca.sql")"

# ---- export_mix.sql ----------------------------------------------------------
mix() { q -cmd ".parameter set :seed $1" -cmd ".parameter set :format '$2'" "$SEL" ".read $REPO/sql/export_mix.sql"; }
# The documented order, computed independently: ascending
# fmix32(fmix32(seed32 ^ kind) ^ id32), then kind, then id.
want_order() {
  "$PY" - "$1" "$(q "SELECT group_concat(id) FROM examples WHERE behavior = 'T1'")" \
               "$(q "SELECT group_concat(id) FROM task_examples")" <<'PY'
import sys
def fmix32(h):
    h ^= h >> 16; h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13; h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)
seed = int(sys.argv[1])
rows = [(0, int(i)) for i in sys.argv[2].split(",")] + [(1, int(i)) for i in sys.argv[3].split(",")]
key = lambda r: (fmix32(fmix32((seed & 0xFFFFFFFF) ^ r[0]) ^ (r[1] & 0xFFFFFFFF)), r[0], r[1])
print(" ".join(str(r[1]) for r in sorted(rows, key=key)))
PY
}
# The ids of exported lines, found back by their instruction text.
got_order() {
  q "SELECT json_object('id', id, 'text', instruction) FROM examples WHERE behavior = 'T1'
     UNION ALL SELECT json_object('id', id, 'text', instruction) FROM task_examples" > "$tmp/ids.jsonl"
  "$PY" -c '
import json, sys
ids = {}
for l in open(sys.argv[1]):
    d = json.loads(l)
    ids.setdefault(d["text"], d["id"])
out = []
for l in sys.stdin:
    d = json.loads(l)
    text = d["instruction"] if "instruction" in d else d["messages"][0]["content"].split("\n\n")[0]
    out.append(str(ids.get(text, "?")))
print(" ".join(out))' "$tmp/ids.jsonl"
}
out0=$(mix 0 alpaca)
check "export_mix: 8 selected + 7 task lines, all Alpaca JSON" "15 input,instruction,output" \
  "$(printf '%s\n' "$out0" | json_keys | sort | uniq -c | sed 's/^ *//')"
check "export_mix: seed 0 order is the documented hash order" "$(want_order 0)" \
  "$(printf '%s\n' "$out0" | got_order)"
check "export_mix: the same seed gives the same bytes" "$out0" "$(mix 0 alpaca)"
out7=$(mix 7 chat)
check "export_mix: seed 7, chat format" "15 messages" \
  "$(printf '%s\n' "$out7" | json_keys | sort | uniq -c | sed 's/^ *//')"
check "export_mix: seed 7 order is the documented hash order" "$(want_order 7)" \
  "$(printf '%s\n' "$out7" | got_order)"
if [ "$(want_order 0)" != "$(want_order 7)" ]; then passed=$((passed + 1)); else
  failed=$((failed + 1)); echo "FAIL $TEST_NAME export_mix: seeds 0 and 7 give the same order"; fi
check "export_mix: defaults (no parameters) are seed 0, Alpaca" "$out0" \
  "$(q "$SEL" ".read $REPO/sql/export_mix.sql")"
check_contains "export_mix: a bad format" \
  "CHECK constraint failed: export_mix: :format must be 'alpaca' or 'chat'" "$(mix 0 sharegpt)"
check_contains "export_mix: a seed that is not an integer" \
  "CHECK constraint failed: export_mix: :seed must be an integer" "$(mix "'abc'" alpaca)"

finish
