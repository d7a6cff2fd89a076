-- demo.sql — the main job on real data, run by `make demo` (tests/demo.mk).
--
-- Builds the demo database from the Do-Not-Answer data bundled in
-- tests/data/do-not-answer/, compares every selection method at three
-- budgets, draws the pss-b selection per category, and exports it.
--
-- Expects (tests/run_demo.sh, which make demo runs, arranges it):
--   * the sqlite3 shell, run from the repository root on a NEW, empty
--     database file (build/demo.db), with -bail;
--   * the extension already loaded (-cmd '.load build/safety_sample').
-- The driver then exports the pss-b selection at 0.5 % with
-- sql/export_alpaca.sql to build/demo/selected.jsonl and runs the
-- design-card query SELECT * FROM safety_sample('pss-b', 0.0005) in a new
-- session, as a user would.
--
-- What it does:
--   1. sql/schema.sql, then sql/import_do_not_answer.sql: 939 prompts x 6
--      model responses = 5,634 examples, T1 when the human label is action 0
--      (refuses), T2 otherwise; 12 harm categories (types_of_harm);
--      safety_embed(prompt) embeddings.
--   1b. refusal_kind() of every response, in its three kinds, against the
--      human label (in-sample: the detector was trained on these).
--   2. The reference set for cossim: sql/make_reference.sql with its
--      defaults (share 0.1, at least 3 per category, seed 0) makes 10 % of
--      each category's prompts (94 prompts, 3 to 14 per category)
--      reference_examples and holds their examples out of safety_pool
--      (reference_prompts; nothing is deleted), so no method can pick a
--      reference prompt.  The pool keeps 845 prompts x 6 = 5,070 examples.
--   3. task_examples: 20,000 generated placeholder rows ("Placeholder
--      fine-tuning example 1 of 20000", ...).  Only their count matters: it
--      turns the fractional budgets into counts (0.05 % -> 10).  Load a real
--      fine-tuning set with sql/import_alpaca.sql instead.
--   4. For budgets 0.05 %, 0.5 % (the paper's) and 2 % of 20,000 (10, 100,
--      400 examples): sql/analysis.sql over all eight methods, seed 0, as
--      one safety_sweep (one read of the pool for all 24 selections).
--   5. A text bar chart of the pss-b selection at 0.5 % per category.
--   5b. Beyond the paper: pss-b and fl-b at 0.5 %, with and
--      without the dedup option, described by safety_report().
--   5c. Multi-response pools: pss-b and fl-b at 0.5 % with and without
--      {"group": "instruction"} and the safety_pool_complete view
--      (responses cut off at a token limit left out): distinct prompts,
--      the models the picks come from, and the cut-off picks.

.timer off
.print "safety_sample demo: Do-Not-Answer (bundled), every method at three budgets"

-- 1. Layout and data.
.read sql/schema.sql
.read sql/import_do_not_answer.sql

-- 2. Held-out reference set for cossim (defaults: share 0.1, at least 3
--    per category, seed 0).
.read sql/make_reference.sql
.headers on
.mode column --wrap 0

-- 3. The fine-tuning set: 20,000 generated placeholder rows.
INSERT INTO task_examples (id, instruction, input, output)
  WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 20000)
  SELECT i, 'Placeholder fine-tuning example ' || i || ' of 20000', '',
         'Placeholder answer ' || i || '.'
  FROM k;

-- Short display names for the 12 harm types (used by analysis.sql's tables
-- and the bar chart; the database keeps the full names).
CREATE TEMP TABLE analysis_labels (category TEXT PRIMARY KEY, label TEXT);
INSERT INTO analysis_labels VALUES
  ('Adult Content', 'adult content'),
  ('Assisting illegal activities', 'illegal activities'),
  ('Causing material harm by disseminating misinformation e.g. in medicine or law', 'harmful misinformation (medicine, law)'),
  ('Compromise privacy by leaking or inferring private information (person/individual)', 'private information (person)'),
  ('Disseminating false or misleading information', 'false or misleading information'),
  ('Mental Health or Overreliance Crisis', 'mental health, overreliance'),
  ('Nudging or advising users to perform unethical or unsafe actions', 'unethical or unsafe actions'),
  ('Reducing the cost of disinformation campaigns', 'disinformation campaigns'),
  ('Risks from leaking or inferring sensitive information (organization/gov)', 'sensitive information (org/gov)'),
  ('Social stereotypes and unfair discrimination', 'stereotypes, discrimination'),
  ('Toxic language (hate speech)', 'toxic language (hate speech)'),
  ('Treat Chatbot as a Human', 'treat chatbot as a human');

.print
SELECT (SELECT count(DISTINCT id) FROM safety_pool) AS pool_examples,
       (SELECT count(DISTINCT id) FROM safety_pool WHERE behavior = 'T1') AS T1,
       (SELECT count(DISTINCT id) FROM safety_pool WHERE behavior = 'T2') AS T2,
       (SELECT count(DISTINCT category) FROM example_categories) AS categories,
       (SELECT count(*) FROM reference_examples) AS reference_prompts,
       (SELECT count(*) FROM task_examples) AS task_examples,
       (SELECT vec_dim(embedding) FROM embeddings LIMIT 1) AS embedding_dim;

-- 3b. The three kinds of refusal_kind() against human labels: XSTest's
--     three-way label of Mistral-7B-Instruct's 450 answers (bundled in
--     tests/data/xstest), and Do-Not-Answer's action codes.  Both are among
--     the data the detector was trained on, so this agreement is in-sample;
--     the README gives the figures measured on sources left out of training.
.print
.print "== refusal_kind() against human labels (in-sample: the detector was trained on these; the README has left-out figures) =="
WITH x AS MATERIALIZED (
  SELECT json_extract(value, '$.final_label') AS human,
         refusal_kind(json_extract(value, '$.completion')) AS kind
  FROM csv_each('tests/data/xstest/xstest_v2_completions_mistralinstruct.csv'))
SELECT 'XSTest ' || substr(human, 3) AS human_label, count(*) AS responses,
       sum(kind = 'refusal') AS refusal, sum(kind = 'partial') AS partial,
       sum(kind = 'compliance') AS compliance
FROM x GROUP BY human
UNION ALL
SELECT 'Do-Not-Answer action ' || action || ': ' ||
         CASE action WHEN 0 THEN 'refuses' WHEN 1 THEN 'refutes the premise'
           WHEN 2 THEN 'balanced answer' WHEN 3 THEN 'answer with a disclaimer'
           WHEN 4 THEN 'states its limits' ELSE 'follows' END,
       count(*), sum(kind = 'refusal'), sum(kind = 'partial'), sum(kind = 'compliance')
FROM (SELECT CAST(json_extract(c.value, '$."' || m.model || '_action"') AS INTEGER) AS action,
             refusal_kind(json_extract(c.value, '$."' || m.model || '_response"')) AS kind
      FROM csv_each('tests/data/do-not-answer/data_en.csv') AS c,
           (SELECT column1 AS model FROM (VALUES ('GPT4'), ('ChatGPT'), ('Claude'),
              ('ChatGLM2'), ('llama2-7b-chat'), ('vicuna-7b'))) AS m)
GROUP BY action;

-- 4. The comparison at three budgets, from ONE safety_sweep: every method
--    at every budget over one read of the pool (sql/analysis.sql).
--    [safety_sweep section: the comparison and the chart's selection.]
CREATE TEMP TABLE analysis_config (budget, options);
INSERT INTO analysis_config VALUES (NULL, '{}');
CREATE TEMP TABLE analysis_budgets (budget);
INSERT INTO analysis_budgets VALUES (0.0005), (0.005), (0.02);
.print
.print "== every method at 0.05 %, 0.5 % and 2 % of 20,000 (10, 100, 400 examples), one safety_sweep =="
.read sql/analysis.sql
-- Keep the pss-b selection at 0.5 % for the bar chart.
CREATE TEMP TABLE demo_selection AS
  SELECT * FROM temp.analysis_selection
  WHERE method = 'pss-b' AND budget = 0.005 ORDER BY rank;
--    [end of the safety_sweep section]

-- 5. The pss-b selection at 0.5 % per category, as a text bar chart:
--    '#' chosen by the category's quota, '+' by the random fill.
.print
.print "== pss-b at 0.5 % (100 examples) per category: # = chosen by the category quota, + = random fill; T1 = eligible =="
.headers off
SELECT printf('%-40s %3d  %-30s T1 %4d',
              coalesce(l.label, c.category, '(none)'), c.n_quota + c.n_fill,
              substr('##############################', 1, c.n_quota)
                || substr('++++++++++++++++++++++++++++++', 1, c.n_fill),
              c.pool_t1)
FROM (SELECT p.category,
             count(DISTINCT CASE WHEN s.stage = 'category' THEN s.id END) AS n_quota,
             count(DISTINCT CASE WHEN s.stage = 'fill' THEN s.id END) AS n_fill,
             (SELECT count(DISTINCT id) FROM safety_pool AS q
              WHERE q.category IS p.category AND q.behavior = 'T1') AS pool_t1
      FROM temp.demo_selection AS s JOIN safety_pool AS p ON p.id = s.id
      GROUP BY p.category) AS c
LEFT JOIN temp.analysis_labels AS l ON l.category = c.category
ORDER BY c.n_quota + c.n_fill DESC, c.category;
SELECT printf('%-40s %3d  (%d by category quota, %d by random fill)', 'total',
              count(*), sum(stage = 'category'), sum(stage = 'fill'))
FROM temp.demo_selection;

-- 5b. Beyond the paper.  Do-Not-Answer has six responses per
--     prompt and the embedding is the prompt's, so pss-b can pick one
--     prompt several times; dedup 0.9 and fl-b (facility location) do not.
--     prompts = distinct instructions; the other columns come from
--     safety_report() (pairwise = mean pairwise cosine, lower is more
--     diverse; radius = largest cosine distance from an eligible example
--     to its nearest selected one).  eligible_proto_cos is the report's
--     yardstick: the cosine to the prototype of the category's ELIGIBLE
--     rows (T1 for the -b methods), the one pss-b ranks by; the table of
--     section 4 measures every method against the prototype of ALL the
--     category's rows, so its proto_cos of pss-b is lower.
.print
.print "== beyond the paper at 0.5 % (100 examples): near-duplicates and diversity, from safety_report() =="
.headers on
SELECT label AS selection, json_extract(r, '$.rows') AS n,
       (SELECT count(DISTINCT e.instruction) FROM safety_sample(m, 0.005, o) AS s
        JOIN examples AS e ON e.id = s.id) AS prompts,
       json_extract(r, '$.dedup_skipped') AS dedup_skipped,
       printf('%.3f', json_extract(r, '$.mean_prototype_cosine')) AS eligible_proto_cos,
       printf('%.3f', json_extract(r, '$.mean_pairwise_cosine')) AS pairwise_cos,
       printf('%.3f', json_extract(r, '$.coverage_radius')) AS radius
FROM (SELECT column1 AS label, column2 AS m, column3 AS o,
             safety_report(column2, 0.005, column3) AS r
      FROM (VALUES ('pss-b, as in the paper', 'pss-b', '{}'),
                   ('pss-b, dedup 0.9', 'pss-b', '{"dedup": 0.9}'),
                   ('fl-b', 'fl-b', '{}'),
                   ('fl-b, dedup 0.9', 'fl-b', '{"dedup": 0.9}')));

-- 5c. Multi-response pools.  Every prompt has six models' responses with
--     the prompt's embedding, so their scores tie: {"group": "instruction"}
--     takes at most one response per prompt, the seed's tie key (not the
--     import order) decides which, and the safety_pool_complete view of
--     sql/schema.sql leaves out the responses is_truncated() finds cut off.
--     prompts = distinct instructions; models = models represented; top
--     model = the model with the most picks and its share; cut_off = picks
--     that is_truncated() flags.
.print
.print "== multi-response pool at 0.5 % (100 examples): one response per prompt, models, cut-off responses =="
.headers on
WITH pool AS (SELECT * FROM examples WHERE id IN (SELECT id FROM safety_pool))
SELECT (SELECT count(DISTINCT instruction) FROM pool) AS prompts,
       (SELECT count(DISTINCT substr(source_key, instr(source_key, '/') + 1)) FROM pool) AS models,
       (SELECT count(*) FROM pool) AS responses,
       (SELECT sum(is_truncated(response)) FROM pool) AS cut_off,
       (SELECT count(*) FROM pool WHERE behavior = 'T1') AS T1,
       (SELECT sum(is_truncated(response)) FROM pool WHERE behavior = 'T1') AS cut_off_T1;
CREATE TEMP TABLE demo_multi AS
  SELECT c.column1 AS label, s.rank, e.instruction,
         substr(e.source_key, instr(e.source_key, '/') + 1) AS model,
         is_truncated(e.response) AS cut_off
  FROM (VALUES ('pss-b, no group', 'pss-b', '{}'),
               ('pss-b, group', 'pss-b', '{"group": "instruction"}'),
               ('pss-b, group, complete pool', 'pss-b', '{"group": "instruction", "pool": "safety_pool_complete"}'),
               ('fl-b, no group', 'fl-b', '{}'),
               ('fl-b, group', 'fl-b', '{"group": "instruction"}'),
               ('fl-b, group, complete pool', 'fl-b', '{"group": "instruction", "pool": "safety_pool_complete"}')) AS c,
       safety_sample(c.column2, 0.005, c.column3) AS s
  JOIN examples AS e ON e.id = s.id;
SELECT label AS selection, count(*) AS n, count(DISTINCT instruction) AS prompts,
       count(DISTINCT model) AS models,
       (SELECT model || ' ' || count(*) FROM temp.demo_multi AS d WHERE d.label = m.label
        GROUP BY model ORDER BY count(*) DESC, model LIMIT 1) AS top_model,
       sum(cut_off) AS cut_off
FROM temp.demo_multi AS m GROUP BY label ORDER BY min(rowid);
