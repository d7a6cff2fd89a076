-- import_alpaca.sql — imports a fine-tuning set in Alpaca JSON Lines into
-- task_examples (sql/schema.sql): the set that the safety examples are
-- mixed into, and whose size turns safety_sample's fractional budget into a
-- count.
--
-- Expects (sqlite3 shell):
--   * a database with sql/schema.sql applied;
--   * the extension loaded (jsonl_each);
--   * the parameter :path naming the file, one object per line:
--       {"instruction": "...", "input": "...", "output": "..."}
--     "input" may be absent (then ''); other fields are ignored.
--
--   sqlite3 my.db -cmd ".load ./build/safety_sample" \
--     -cmd ".parameter set :path 'alpaca.jsonl'" ".read sql/import_alpaca.sql"
--
-- The original alpaca_data.json is one JSON array, not JSON Lines; convert
-- it first with  jq -c '.[]' alpaca_data.json > alpaca.jsonl
-- (or python3 -c "import json,sys; [print(json.dumps(x)) for x in json.load(sys.stdin)]").
--
-- What it writes: one task_examples row per non-blank line, ids continuing
-- after the largest id present, in line order.  Running it again APPENDS
-- the file again (task_examples records no source); to start over,
-- DELETE FROM task_examples first.  The script stops at the first error
-- (.bail on) inside one savepoint, so a bad file writes nothing (in an
-- interactive session type ROLLBACK after an error).  A line without a
-- non-empty text "instruction" or a text "output" fails with
-- "CHECK constraint failed: import_alpaca: ..."; to find it:
--   SELECT line, value FROM jsonl_each(:path) WHERE json_type(value, '$.output') IS NOT 'text';
.bail on
SAVEPOINT import_alpaca;

DROP TABLE IF EXISTS temp.alpaca_rows;
CREATE TEMP TABLE alpaca_rows (
  line        INTEGER PRIMARY KEY,
  kind        TEXT CONSTRAINT "import_alpaca: every line must be a JSON object"
                CHECK (kind = 'object'),
  instruction TEXT CONSTRAINT "import_alpaca: every line needs a non-empty text 'instruction'"
                CHECK (typeof(instruction) = 'text' AND length(instruction) > 0),
  input       TEXT CONSTRAINT "import_alpaca: 'input' must be text when present"
                CHECK (typeof(input) = 'text'),
  output      TEXT CONSTRAINT "import_alpaca: every line needs a text 'output'"
                CHECK (typeof(output) = 'text')
);
INSERT INTO alpaca_rows (line, kind, instruction, input, output)
  SELECT line, json_type(value),
         CASE WHEN json_type(value, '$.instruction') = 'text' THEN json_extract(value, '$.instruction') END,
         CASE WHEN json_type(value, '$.input') IS NULL OR json_type(value, '$.input') = 'null' THEN ''
              WHEN json_type(value, '$.input') = 'text' THEN json_extract(value, '$.input') END,
         CASE WHEN json_type(value, '$.output') = 'text' THEN json_extract(value, '$.output') END
  FROM jsonl_each(:path);

INSERT INTO task_examples (id, instruction, input, output)
  SELECT (SELECT coalesce(max(id), 0) FROM main.task_examples) + row_number() OVER (ORDER BY line),
         instruction, input, output
  FROM temp.alpaca_rows ORDER BY line;

SELECT printf('import_alpaca: %d task examples from %s (task_examples now holds %d)',
              (SELECT count(*) FROM temp.alpaca_rows), :path,
              (SELECT count(*) FROM main.task_examples));

DROP TABLE temp.alpaca_rows;
RELEASE import_alpaca;
