-- import_alpaca.sql — imports a fine-tuning set in Alpaca JSON Lines into
-- task_examples (sql/schema.sql): the set that the safety examples are
-- mixed into, and whose size turns safety_sample's fractional budget into a
-- count.
--
-- Parameters (sqlite3 shell, .parameter set NAME VALUE):
--   :path    the JSON Lines file, one object per line:
--              {"instruction": "...", "input": "...", "output": "..."}
--            "input" may be absent (then ''); other fields are ignored.
--            Default: the bundled tests/data/alpaca/sample.jsonl (relative
--            to the repository root).
--   :append  1 to add the file to the fine-tuning set already there;
--            otherwise (the default) the file REPLACES task_examples.
-- Needs a database with sql/schema.sql applied and the extension loaded
-- (jsonl_each):
--
--   sqlite3 my.db -cmd ".load ./build/safety_sample" \
--     -cmd ".parameter set :path 'alpaca.jsonl'" ".read sql/import_alpaca.sql"
--
-- The original alpaca_data.json is one JSON array, not JSON Lines; convert
-- it first with  jq -c '.[]' alpaca_data.json > alpaca.jsonl
-- (or python3 -c "import json,sys; [print(json.dumps(x)) for x in json.load(sys.stdin)]").
--
-- What it writes: one task_examples row per non-blank line, in line order,
-- ids from 1 (or, with :append 1, continuing after the largest id
-- present).  task_examples is one fine-tuning set and records no source,
-- so its earlier import is the whole table: importing replaces it unless
-- :append is 1.  A line without a non-empty text "instruction" or a text
-- "output" fails with "CHECK constraint failed: import_alpaca: ..."; to
-- find it:
--   SELECT line, value FROM jsonl_each(:path) WHERE json_type(value, '$.output') IS NOT 'text';
--
-- All or nothing: every write happens in ONE statement (the INSERT that
-- fires the trigger below), so any failure — the extension not loaded, a
-- bad line, a constraint — leaves the database as it was, with or without
-- -bail; the shell's settings are not touched.  The last line says what
-- was written, or that nothing was.

DROP TABLE IF EXISTS temp.import_alpaca_check;
DROP TABLE IF EXISTS temp.import_alpaca;
DROP TABLE IF EXISTS temp.alpaca_rows;

CREATE TEMP TABLE import_alpaca_check (
  loaded INTEGER CONSTRAINT "import_alpaca: the safety_sample extension is not loaded (jsonl_each); load it first: .load ./build/safety_sample"
    CHECK (loaded = 1)
);
CREATE TEMP TABLE import_alpaca (
  path    TEXT,
  append  INTEGER CONSTRAINT "import_alpaca: :append must be 0 or 1" CHECK (append IN (0, 1)),
  replaced INTEGER,
  summary TEXT
);
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

CREATE TEMP TRIGGER import_alpaca_run AFTER INSERT ON import_alpaca BEGIN
  INSERT INTO alpaca_rows (line, kind, instruction, input, output)
    SELECT j.line, json_type(j.value),
           CASE WHEN json_type(j.value, '$.instruction') = 'text' THEN json_extract(j.value, '$.instruction') END,
           CASE WHEN json_type(j.value, '$.input') IS NULL OR json_type(j.value, '$.input') = 'null' THEN ''
                WHEN json_type(j.value, '$.input') = 'text' THEN json_extract(j.value, '$.input') END,
           CASE WHEN json_type(j.value, '$.output') = 'text' THEN json_extract(j.value, '$.output') END
    FROM jsonl_each(NEW.path) AS j;
  SELECT RAISE(ABORT, 'import_alpaca: the file has no records (no non-blank line)')
    WHERE NOT EXISTS (SELECT 1 FROM alpaca_rows);
  UPDATE import_alpaca SET replaced = CASE WHEN NEW.append THEN 0 ELSE (SELECT count(*) FROM task_examples) END
    WHERE rowid = NEW.rowid;
  DELETE FROM task_examples WHERE NOT NEW.append;
  INSERT INTO task_examples (id, instruction, input, output)
    SELECT (SELECT coalesce(max(id), 0) FROM task_examples) + row_number() OVER (ORDER BY line),
           instruction, input, output
    FROM alpaca_rows ORDER BY line;
  UPDATE import_alpaca SET summary =
    printf('import_alpaca: %d task examples from %s (%s; task_examples now holds %d)',
           (SELECT count(*) FROM alpaca_rows), NEW.path,
           CASE WHEN NEW.append THEN 'appended' ELSE printf('replaced %d earlier rows', replaced) END,
           (SELECT count(*) FROM task_examples))
    WHERE rowid = NEW.rowid;
END;

-- The extension check (its own message), then the one statement that writes.
INSERT INTO import_alpaca_check
  SELECT count(*) FROM pragma_module_list WHERE name = 'jsonl_each';
INSERT INTO import_alpaca (path, append)
  VALUES (coalesce(:path, 'tests/data/alpaca/sample.jsonl'), coalesce(:append, 0));

SELECT coalesce((SELECT summary FROM temp.import_alpaca),
                'import_alpaca: nothing written; the database is unchanged (see the error above)') AS summary;

DROP TABLE temp.alpaca_rows;
DROP TABLE temp.import_alpaca;
DROP TABLE temp.import_alpaca_check;
