-- export_alpaca.sql — writes the selected safety examples to standard
-- output as JSON Lines in the Alpaca format, one object per line:
--   {"instruction": "...", "input": "...", "output": "..."}
-- (output = the example's response).  This is what LLaMA-Factory's
-- "alpaca" format and Stanford Alpaca's training script read.
--
-- Expects (sqlite3 shell):
--   * a database with sql/schema.sql applied and examples imported;
--   * a table or view named `selection` with a column `id` (example ids;
--     duplicates are ignored), typically
--       CREATE TEMP TABLE selection AS SELECT * FROM safety_sample('pss-b', 0.0005);
--     (which needs the extension loaded; this script itself does not).
--
--   sqlite3 my.db -cmd ".load ./build/safety_sample" \
--     "CREATE TEMP TABLE selection AS SELECT * FROM safety_sample('pss-b', 0.0005)" \
--     ".read sql/export_alpaca.sql" > safety.jsonl
--
-- instruction, input and output are written without leading or trailing
-- white space (space, tab, line feed, carriage return, vertical tab, form
-- feed): model completions often begin with a blank or a newline, which a
-- fine-tuned model would learn to emit.  The text inside is kept as it is.
--
-- Lines are in ascending id order.  It sets .mode list and .headers off
-- (JSON Lines needs bare rows) and stops at the first error (.bail on).  An
-- id that is not in examples, or an example without a response, is an error
-- ("CHECK constraint failed: export_alpaca: ...") and nothing is written.
.bail on
.mode list
.headers off

DROP TABLE IF EXISTS temp.export_rows;
CREATE TEMP TABLE export_rows (
  id          INTEGER,
  instruction TEXT CONSTRAINT "export_alpaca: a selected id is not in examples (selection.id must hold example ids)"
                CHECK (instruction IS NOT NULL),
  input       TEXT,
  output      TEXT CONSTRAINT "export_alpaca: a selected example has no response (examples.response is NULL); leave it out of the selection"
                CHECK (output IS NOT NULL)
);
INSERT INTO export_rows
  SELECT s.id, trim(e.instruction, char(32, 9, 10, 11, 12, 13)), trim(coalesce(e.input, ''), char(32, 9, 10, 11, 12, 13)),
         trim(e.response, char(32, 9, 10, 11, 12, 13))
  FROM (SELECT DISTINCT id FROM selection) AS s LEFT JOIN examples AS e ON e.id = s.id;

SELECT json_object('instruction', instruction, 'input', input, 'output', output)
  FROM temp.export_rows ORDER BY id;

DROP TABLE temp.export_rows;
