-- import_do_not_answer.sql — imports Do-Not-Answer (English) into the
-- canonical layout of sql/schema.sql: one example per (prompt, model
-- response), its harm category and its behaviour, and a safety_embed()
-- embedding of the prompt.
--
-- Expects (sqlite3 shell, run from the repository root):
--   * the file tests/data/do-not-answer/data_en.csv: the original 23-column
--     CSV with a header row (id, risk_area, types_of_harm, specific_harms,
--     question, then M_response, M_harmful, M_action for the six models M =
--     GPT4, ChatGPT, Claude, ChatGLM2, llama2-7b-chat, vicuna-7b; see
--     tests/data/do-not-answer/SOURCE.md).  To read a copy elsewhere, change
--     the path on the .import line below;
--   * a database with sql/schema.sql applied;
--   * the extension loaded (.load ./build/safety_sample) for safety_embed().
--
--   sqlite3 my.db
--   .load ./build/safety_sample
--   .read sql/schema.sql
--   .read sql/import_do_not_answer.sql
--
-- What it writes (939 prompts x 6 models = 5,634 examples for the full file):
--   examples            source 'do-not-answer', source_key '<csv id>/<model>',
--                       instruction = question, input = '', response =
--                       M_response, harmful_request = 1 (every Do-Not-Answer
--                       prompt is a harmful request), refusal = (M_action = 0).
--                       ids continue after the largest id already present, in
--                       the order (csv id, model as listed above).
--   example_categories  one row per example: types_of_harm (12 harm types,
--                       the level that matches BeaverTails' 14 categories in
--                       size).  risk_area is the coarser level above it
--                       (5 areas): to use it instead, replace
--                       "types_of_harm" by "risk_area" in the dna_rows insert.
--   embeddings          model 'safety_embed': safety_embed(question) with its
--                       default dimension, computed once per prompt, so the
--                       six responses to one prompt share one embedding.
--
-- The action codes (human labels, from the paper; counts over the 5,634
-- responses): 0 refuses or cannot assist (1,541) -> refusal = 1, so T1;
-- 1 refutes the opinion or false premise (1,439), 2 balanced statement (203),
-- 3 answers cautiously with a disclaimer or referral (690), 4 cannot answer
-- because of model limits or admits uncertainty (1,576), 5 follows the
-- instruction directly (185) -> refusal = 0, so T2.  Code 4 is the borderline
-- one: to count it as a refusal too, change "action = 0" to
-- "action IN (0, 4)" below.  M_harmful (is the response harmful) is not used.
--
-- Running it again replaces the previous Do-Not-Answer import.  A file with
-- other columns fails with "no such column"; an action code outside 0..5
-- fails with "CHECK constraint failed: import_do_not_answer: ...".

DROP TABLE IF EXISTS temp.dna_csv;
.import --csv --schema temp tests/data/do-not-answer/data_en.csv dna_csv

-- Unpivot: one row per (prompt, model), validated.
DROP TABLE IF EXISTS temp.dna_rows;
CREATE TEMP TABLE dna_rows (
  example_id INTEGER,
  csv_id    INTEGER NOT NULL,
  model_no  INTEGER NOT NULL,
  model     TEXT NOT NULL,
  category  TEXT,
  question  TEXT NOT NULL,
  response  TEXT,
  action    INTEGER,
  CONSTRAINT "import_do_not_answer: every action code must be an integer 0..5 (see tests/data/do-not-answer/SOURCE.md)"
    CHECK (typeof(action) = 'integer' AND action BETWEEN 0 AND 5),
  CONSTRAINT "import_do_not_answer: a prompt without text (empty question column)"
    CHECK (length(question) > 0),
  CONSTRAINT "import_do_not_answer: every id must be a whole number (is this the Do-Not-Answer CSV?)"
    CHECK (typeof(csv_id) = 'integer'),
  PRIMARY KEY (csv_id, model_no)
);
INSERT INTO dna_rows
  SELECT NULL, CASE WHEN id GLOB '[0-9]*' AND id NOT GLOB '*[^0-9]*' THEN CAST(id AS INTEGER) ELSE id END,
         no, model, nullif(trim(types_of_harm), ''), question, response,
         CASE WHEN trim(action) GLOB '[0-9]' THEN CAST(trim(action) AS INTEGER) ELSE action END
  FROM (SELECT c.id, m.no, m.model, c.types_of_harm, c.question,
               CASE m.no WHEN 1 THEN GPT4_response WHEN 2 THEN ChatGPT_response
                         WHEN 3 THEN Claude_response WHEN 4 THEN ChatGLM2_response
                         WHEN 5 THEN "llama2-7b-chat_response" ELSE "vicuna-7b_response" END AS response,
               CASE m.no WHEN 1 THEN GPT4_action WHEN 2 THEN ChatGPT_action
                         WHEN 3 THEN Claude_action WHEN 4 THEN ChatGLM2_action
                         WHEN 5 THEN "llama2-7b-chat_action" ELSE "vicuna-7b_action" END AS action
        FROM temp.dna_csv AS c,
             (SELECT 1 AS no, 'GPT4' AS model UNION ALL SELECT 2, 'ChatGPT'
              UNION ALL SELECT 3, 'Claude' UNION ALL SELECT 4, 'ChatGLM2'
              UNION ALL SELECT 5, 'llama2-7b-chat' UNION ALL SELECT 6, 'vicuna-7b') AS m);

-- Replace an earlier import of this data set (only once the new rows are in).
DELETE FROM embeddings WHERE example_id IN (SELECT id FROM examples WHERE source = 'do-not-answer')
  AND EXISTS (SELECT 1 FROM temp.dna_rows);
DELETE FROM example_categories WHERE example_id IN (SELECT id FROM examples WHERE source = 'do-not-answer')
  AND EXISTS (SELECT 1 FROM temp.dna_rows);
DELETE FROM examples WHERE source = 'do-not-answer' AND EXISTS (SELECT 1 FROM temp.dna_rows);

-- ids continue after the largest one present, in (csv id, model) order.
UPDATE temp.dna_rows SET example_id = w.base + w.rn
  FROM (SELECT csv_id, model_no,
               row_number() OVER (ORDER BY csv_id, model_no) AS rn,
               (SELECT coalesce(max(id), 0) FROM main.examples) AS base
        FROM temp.dna_rows) AS w
  WHERE w.csv_id = dna_rows.csv_id AND w.model_no = dna_rows.model_no;

INSERT INTO examples (id, source, source_key, instruction, input, response, harmful_request, refusal)
  SELECT example_id, 'do-not-answer', csv_id || '/' || model, question, '', response, 1, action = 0
  FROM temp.dna_rows ORDER BY example_id;

INSERT INTO example_categories (example_id, category)
  SELECT example_id, category FROM temp.dna_rows WHERE category IS NOT NULL;

-- One embedding per distinct prompt, shared by its six responses.
DROP TABLE IF EXISTS temp.dna_prompt_vec;
CREATE TEMP TABLE dna_prompt_vec AS
  SELECT question, safety_embed(question) AS embedding
  FROM (SELECT DISTINCT question FROM temp.dna_rows);
INSERT INTO embeddings (example_id, model, embedding)
  SELECT r.example_id, 'safety_embed', v.embedding
  FROM temp.dna_rows AS r JOIN temp.dna_prompt_vec AS v USING (question);

DROP TABLE temp.dna_prompt_vec;
DROP TABLE temp.dna_rows;
DROP TABLE temp.dna_csv;
