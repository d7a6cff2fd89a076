#!/usr/bin/env bash
# make_reference.sh — sql/make_reference.sql on the bundled Do-Not-Answer
# data: the same reference set on two runs (and on a database imported
# afresh), every category covered with the documented count, the examples
# untouched (their content checksum), the chosen prompts held out of
# safety_pool and nothing else, cossim-b running after it, :seed changing
# which prompts but not how many, :undo returning the pool, bad parameters
# refused with the database file byte-identical, and an old layout named.
# Environment: BUILD, EXT (extension path without .so) as tests/run.sh sets.
set -u
TEST_NAME=make_reference.sh
source "$(dirname "$0")/../shlib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
DB=$tmp/t.db

q() { sqlite3 "$DB" -cmd ".load $EXT" "$@" 2>&1; }
mk() { sqlite3 "$DB" "$@" ".read sql/make_reference.sql" 2>&1; }
# The examples' whole content, and the reference set with its hold-out.
examples_sum() { q "SELECT sha3_query('SELECT * FROM examples ORDER BY id; SELECT * FROM example_categories ORDER BY 1, 2; SELECT * FROM embeddings ORDER BY 1')"; }
reference_sum() { q "SELECT sha3_query('SELECT category, text, hex(embedding) FROM reference_examples ORDER BY id; SELECT e.instruction, r.text FROM reference_holdout AS h JOIN examples AS e ON e.id = h.example_id JOIN reference_examples AS r ON r.id = h.reference_id ORDER BY 1, 2')"; }

sqlite3 "$DB" ".read sql/schema.sql"
q ".read sql/import_do_not_answer.sql" >/dev/null
before=$(examples_sum)
check "the summary line" \
  "make_reference: 94 reference examples over 12 categories (share 0.1, at least 3 per category, seed 0); 564 examples held out of safety_pool (reference_holdout), nothing deleted" \
  "$(mk)"
first=$(reference_sum)
check "the examples, categories and embeddings are unchanged" "$before" "$(examples_sum)"
check "every category has k = max(3, round(0.1 n)) reference prompts, n - k stay in the pool" "12|12" \
  "$(q "WITH n AS (SELECT c.category, count(DISTINCT e.instruction) AS n FROM examples AS e
                   JOIN example_categories AS c ON c.example_id = e.id GROUP BY 1),
             r AS (SELECT category, count(*) AS k FROM reference_examples GROUP BY 1),
             p AS (SELECT c.category, count(DISTINCT e.instruction) AS left FROM safety_pool AS s
                   JOIN examples AS e ON e.id = s.id JOIN example_categories AS c ON c.example_id = e.id GROUP BY 1)
        SELECT count(*), sum(r.k = max(3, CAST(0.1 * n.n + 0.5 AS INTEGER)) AND p.left = n.n - r.k)
        FROM n JOIN r USING (category) JOIN p USING (category)")"
check "no reference prompt is in the pool; every other example is" "0|5070" \
  "$(q "SELECT (SELECT count(*) FROM safety_pool AS s JOIN examples AS e ON e.id = s.id
                WHERE e.instruction IN (SELECT text FROM reference_examples)),
               (SELECT count(DISTINCT id) FROM safety_pool)")"
check "a reference row's embedding is its prompt's" "94" \
  "$(q "SELECT count(*) FROM reference_examples AS r WHERE r.embedding = safety_embed(r.text)")"
check "cossim-b runs on it (10 of 12 categories at n = 10)" "10|10|category" \
  "$(q "SELECT count(*), count(DISTINCT category), min(stage) FROM safety_sample('cossim-b', 10)")"

mk >/dev/null
check "a second run gives the same reference set and hold-out" "$first" "$(reference_sum)"
check "a second run replaces its first (no duplicates)" "94|564" \
  "$(q "SELECT (SELECT count(*) FROM reference_examples), (SELECT count(*) FROM reference_holdout)")"
D2=$tmp/again.db
sqlite3 "$D2" ".read sql/schema.sql" "INSERT INTO examples (id, instruction) VALUES (5000, 'first')"
sqlite3 "$D2" -cmd ".load $EXT" ".read sql/import_do_not_answer.sql" ".read sql/make_reference.sql" >/dev/null 2>&1
check "other ids (a database imported afresh) give the same prompts" \
  "$(q "SELECT sha3_query('SELECT category, text FROM reference_examples ORDER BY id')")" \
  "$(sqlite3 "$D2" "SELECT sha3_query('SELECT category, text FROM reference_examples ORDER BY id')")"

mk -cmd ".parameter set :seed 7" >/dev/null
check "another seed: other prompts, the same counts" "94|1" \
  "$(q "SELECT count(*), (SELECT sha3_query('SELECT category, text, hex(embedding) FROM reference_examples ORDER BY id')) IS NOT
        (SELECT '$first') FROM reference_examples")"
# 283 = the sum over the 12 categories of max(5, round(0.3 n)), 6 responses each.
check_contains "share and minimum: share 0.3, at least 5" "make_reference: 283 reference examples over 12 categories (share 0.3, at least 5 per category, seed 0); 1698 examples held out" \
  "$(mk -cmd ".parameter set :share 0.3" -cmd ".parameter set :min_per_category 5")"

sqlite3 "$DB" "INSERT INTO reference_examples (category, text, embedding) VALUES ('mine', 'my own exemplar', x'0000803f')"
check "undo: the reference rows go, the pool is whole again" \
  "make_reference: undone; removed the earlier reference set and returned 1698 held-out examples to safety_pool" \
  "$(mk -cmd ".parameter set :undo 1")"
check "undo keeps reference rows the recipe did not make" "1|0|5634" \
  "$(q "SELECT (SELECT count(*) FROM reference_examples), (SELECT count(*) FROM reference_holdout),
               (SELECT count(DISTINCT id) FROM safety_pool)")"
check "the examples are still unchanged" "$before" "$(examples_sum)"

sum=$(sha256sum <"$DB")
for bad in ":share 1|:share must be a number between 0 and 1" ":share 'x'|:share must be a number" \
           ":min_per_category 0|:min_per_category must be a whole number >= 1" ":seed 1.5|:seed must be an integer" \
           ":harmful_only 2|:harmful_only must be 0 or 1" ":min_prompts 0|:min_prompts must be a whole number >= 1" \
           ":min_prompts 1000|no category has :min_prompts distinct prompts; lower :min_prompts"; do
  for bail in "" -bail; do
    out=$(sqlite3 $bail "$DB" -cmd ".parameter set ${bad%%|*}" ".read sql/make_reference.sql" 2>&1)
    check_contains "bad parameter ${bad%%|*} ${bail:-(no -bail)}: the message" "make_reference: ${bad#*|}" "$out"
    check "bad parameter ${bad%%|*} ${bail:-(no -bail)}: the database file is byte-identical" "$sum" "$(sha256sum <"$DB")"
  done
done
E=$tmp/empty.db
sqlite3 "$E" ".read sql/schema.sql"
check_contains "nothing categorised: says what to import" \
  "make_reference: no example has both a harm category and an embedding; import categorised data first" \
  "$(sqlite3 "$E" ".read sql/make_reference.sql" 2>&1)"
# Several sources in one database: Do-Not-Answer (one model) and the
# BeaverTails-style sample, whose categories hold one or two prompts.
M=$tmp/mixed.db
sqlite3 "$M" ".read sql/schema.sql"
sqlite3 "$M" -cmd ".load $EXT" -cmd ".parameter set :model GPT4" ".read sql/import_do_not_answer.sql" \
  ".parameter set :path tests/data/beavertails-style/sample.jsonl" ".read sql/import_beavertails.sql" >/dev/null 2>&1
qm() { sqlite3 "$M" -cmd ".load $EXT" "$@" 2>&1; }
# The categories with a single distinct prompt.
single="SELECT c.category FROM examples AS e JOIN example_categories AS c ON c.example_id = e.id
        GROUP BY 1 HAVING count(DISTINCT e.instruction) < 2"
n_small=$(qm "SELECT count(*) FROM ($single)")
check "mixed: some categories have a single prompt" "yes" "$([ "$n_small" -gt 0 ] && echo yes || echo no)"
sqlite3 "$M" ".read sql/make_reference.sql" >/dev/null 2>&1
check "mixed, by default: every single-prompt category gives its prompt to the reference set" "$n_small" \
  "$(qm "SELECT count(DISTINCT category) FROM reference_examples WHERE category IN ($single)")"
check_contains "mixed, :min_prompts 2: the summary counts the categories left out" \
  "categories of at least 2 prompts ($n_small left out))" \
  "$(sqlite3 "$M" -cmd ".parameter set :min_prompts 2" ".read sql/make_reference.sql" 2>&1)"
check "mixed, :min_prompts 2: no reference row of a single-prompt category, and their examples stay in the pool" "0|0" \
  "$(qm "SELECT (SELECT count(*) FROM reference_examples WHERE category IN ($single)),
                (SELECT count(*) FROM examples WHERE source = 'beavertails' AND id NOT IN (SELECT id FROM safety_pool)
                   AND id IN (SELECT example_id FROM example_categories WHERE category IN ($single))
                   AND instruction NOT IN (SELECT text FROM reference_examples))")"
check_contains "mixed, :harmful_only 1: the summary says so" "seed 0, harmful prompts only)" \
  "$(sqlite3 "$M" -cmd ".parameter set :harmful_only 1" ".read sql/make_reference.sql" 2>&1)"
check "mixed, :harmful_only 1: every reference prompt is a harmful example's" "0" \
  "$(qm "SELECT count(*) FROM reference_examples AS r WHERE NOT EXISTS
         (SELECT 1 FROM examples AS e JOIN example_categories AS c ON c.example_id = e.id
          WHERE e.instruction = r.text AND c.category = r.category AND e.harmful_request = 1)")"
B=$tmp/benign.db
sqlite3 "$B" ".read sql/schema.sql" "INSERT INTO examples (id, instruction, harmful_request) VALUES (1, 'how do I bake bread', 0)" \
  "INSERT INTO example_categories VALUES (1, 'cooking')" "INSERT INTO embeddings (example_id, model, embedding) VALUES (1, 'm', x'0000803f')"
check_contains "only benign examples, :harmful_only 1: says so" \
  "make_reference: with :harmful_only 1, no harmful example (harmful_request = 1) has both a harm category and an embedding" \
  "$(sqlite3 "$B" -cmd ".parameter set :harmful_only 1" ".read sql/make_reference.sql" 2>&1)"

O=$tmp/old.db
sqlite3 "$O" "CREATE TABLE examples (id INTEGER PRIMARY KEY, instruction TEXT)" \
  "CREATE VIEW safety_pool AS SELECT id, NULL AS category, NULL AS behavior, NULL AS embedding FROM examples"
check_contains "an old layout: how to update it" \
  "make_reference: this database's layout predates the reference hold-out (no reference_prompts table, or a safety_pool view that ignores it); run DROP VIEW safety_pool; then .read sql/schema.sql again" \
  "$(sqlite3 "$O" ".read sql/make_reference.sql" 2>&1)"
# The layout before prompts were held out by their text: a reference_holdout
# table of example ids.  The message says how to upgrade; doing so works.
O2=$tmp/old2.db
sqlite3 "$O2" ".read sql/schema.sql" "DROP VIEW reference_holdout" "DROP VIEW safety_pool" \
  "CREATE TABLE reference_holdout (example_id INTEGER NOT NULL, reference_id INTEGER NOT NULL, PRIMARY KEY (example_id, reference_id)) WITHOUT ROWID" \
  "CREATE VIEW safety_pool AS SELECT e.id AS id, c.category AS category, e.behavior AS behavior, m.embedding AS embedding, e.instruction AS instruction FROM examples AS e LEFT JOIN example_categories AS c ON c.example_id = e.id LEFT JOIN embeddings AS m ON m.example_id = e.id WHERE e.id NOT IN (SELECT example_id FROM reference_holdout)"
upgrade="DELETE FROM reference_examples WHERE id IN (SELECT reference_id FROM reference_holdout); DROP TABLE reference_holdout; DROP VIEW safety_pool;"
check_contains "a hold-out by example id: how to upgrade" \
  "make_reference: this database holds reference prompts out by example id (a reference_holdout table), which misses responses imported later; to upgrade (your data is kept): $upgrade then .read sql/schema.sql and run make_reference again" \
  "$(sqlite3 "$O2" ".read sql/make_reference.sql" 2>&1)"
sqlite3 -cmd ".load $EXT" "$O2" ".read sql/import_do_not_answer.sql" >/dev/null 2>&1
check_contains "the upgrade it gives works" "make_reference: 94 reference examples" \
  "$(sqlite3 "$O2" "$upgrade" ".read sql/schema.sql" ".read sql/make_reference.sql" 2>&1)"

# Responses imported after the reference set was made: another model's
# responses to a reference prompt, and a re-import of the same model (new
# example ids), are held out too.
L=$tmp/later.db
sqlite3 "$L" ".read sql/schema.sql"
sqlite3 "$L" -cmd ".load $EXT" -cmd ".parameter set :model GPT4" ".read sql/import_do_not_answer.sql" ".read sql/make_reference.sql" >/dev/null 2>&1
ql() { sqlite3 "$L" -cmd ".load $EXT" "$@" 2>&1; }
leaked="SELECT count(*) FROM safety_pool AS s JOIN examples AS e ON e.id = s.id WHERE e.instruction IN (SELECT text FROM reference_examples)"
check "one model imported: 94 prompts held out, none in the pool" "94|0" \
  "$(ql "SELECT (SELECT count(*) FROM reference_holdout), ($leaked)")"
ql -cmd ".parameter set :model ChatGPT" ".read sql/import_do_not_answer.sql" >/dev/null
check "a second model imported later: its responses to them are held out too" "188|0|1690" \
  "$(ql "SELECT (SELECT count(*) FROM reference_holdout), ($leaked), (SELECT count(DISTINCT id) FROM safety_pool)")"
ql -cmd ".parameter set :model GPT4" ".read sql/import_do_not_answer.sql" >/dev/null
check "the first model imported again (new ids): still held out, no stale rows" "188|0|1690" \
  "$(ql "SELECT (SELECT count(*) FROM reference_holdout), ($leaked), (SELECT count(DISTINCT id) FROM safety_pool)")"

finish
