-- import_safety_tuned_llamas.sql — imports the Safety-Tuned LLaMAs safety
-- training data (Bianchi et al., ICLR 2024; safety_only_data_Instructions.json,
-- see tests/data/safety-tuned-llamas/SOURCE.md) into the layout of
-- sql/schema.sql.
--
-- Parameters (sqlite3 shell — it reads the file with the shell's readfile()):
--   :path   ONE JSON array of objects {"instruction": "...", "input": "...",
--           "output": "..."} (not JSON Lines; "input" may be absent and is
--           then '').  Default: the bundled
--           tests/data/safety-tuned-llamas/sample.json (relative to the
--           repository root).
-- Needs a database with sql/schema.sql applied and the extension loaded
-- (is_refusal, safety_embed).
--
--   sqlite3 my.db -cmd ".load ./build/safety_sample" \
--     -cmd ".parameter set :path 'safety_only_data_Instructions.json'" \
--     ".read sql/import_safety_tuned_llamas.sql"
--
-- readfile() is built into the sqlite3 shell (its fileio extension), not
-- into SQLite itself.  Elsewhere (Python, C), read the file yourself and
-- bind its text to :path's place, or convert the array to JSON Lines
-- (jq -c '.[]' file.json > file.jsonl) and adapt sql/import_beavertails.sql.
--
-- What it writes:
--   examples            source 'safety-tuned-llamas', source_key '<file name>#<i>'
--                       (i = 0-based index in the array), instruction, input,
--                       response = output, harmful_request = 1, refusal =
--                       is_refusal(output).  ids continue after the largest
--                       id present, in array order.
--   example_categories  nothing: the data set has no harm-category labels, so
--                       these examples sit in the pool with a NULL category
--                       (safety_sample's methods use them for the fill).
--   embeddings          model 'safety_embed': safety_embed of instruction
--                       (and input, when not empty, after a blank line).
--
-- harmful_request = 1 for every item: the instructions were drawn from
-- Anthropic's red-teaming prompts and the outputs are the safe responses to
-- them.  SOURCE.md calls them "harmful or borderline"; a few read benign
-- ("Explain the political beliefs of a republican"), so review the T1/T2
-- split before relying on it.  The outputs mix flat refusals (T1) with
-- explanations and corrections, which is_refusal scores as compliance (T2).
--
-- Running it again on a file of the same name (however its path is
-- written) replaces that file's rows and says how many.  An
-- unreadable file, a file that is not a JSON array, or an item without a
-- text "instruction" or "output" fails with "CHECK constraint failed:
-- import_safety_tuned_llamas: ...".
--
-- All or nothing: every write happens in ONE statement (the INSERT that
-- fires the trigger below), so any failure — the extension not loaded, a
-- bad item, a constraint — leaves the database as it was, with or without
-- -bail; the shell's settings are not touched.  The last line says what
-- was written, or that nothing was.

DROP TABLE IF EXISTS temp.import_safety_tuned_llamas_check;
DROP TABLE IF EXISTS temp.import_safety_tuned_llamas;
DROP TABLE IF EXISTS temp.stl_rows;

CREATE TEMP TABLE import_safety_tuned_llamas_check (
  loaded INTEGER CONSTRAINT "import_safety_tuned_llamas: the safety_sample extension is not loaded (is_refusal, safety_embed); load it first: .load ./build/safety_sample"
    CHECK (loaded = 2)
);
CREATE TEMP TABLE import_safety_tuned_llamas (
  path    TEXT,
  file    TEXT,     -- the name in path, which keys the rows
  replaced INTEGER,
  content TEXT
    CONSTRAINT "import_safety_tuned_llamas: cannot read the file named by :path (set it with .parameter set :path 'file.json'; readfile() needs the sqlite3 shell)"
      CHECK (content IS NOT NULL)
    CONSTRAINT "import_safety_tuned_llamas: the file is not one JSON array (for JSON Lines use sql/import_beavertails.sql's approach)"
      CHECK (json_valid(content) AND json_type(content) = 'array'),
  summary TEXT
);
CREATE TEMP TABLE stl_rows (
  item        INTEGER PRIMARY KEY,  -- 0-based index in the array
  example_id  INTEGER,
  kind        TEXT CONSTRAINT "import_safety_tuned_llamas: every array element must be an object"
                CHECK (kind = 'object'),
  instruction TEXT CONSTRAINT "import_safety_tuned_llamas: every item needs a non-empty text 'instruction'"
                CHECK (typeof(instruction) = 'text' AND length(instruction) > 0),
  input       TEXT CONSTRAINT "import_safety_tuned_llamas: 'input' must be text when present"
                CHECK (typeof(input) = 'text'),
  output      TEXT CONSTRAINT "import_safety_tuned_llamas: every item needs a text 'output'"
                CHECK (typeof(output) = 'text')
);

CREATE TEMP TRIGGER import_safety_tuned_llamas_run AFTER INSERT ON import_safety_tuned_llamas BEGIN
  INSERT INTO stl_rows (item, kind, instruction, input, output)
    SELECT CAST(a.key AS INTEGER), a.type,
           CASE WHEN json_type(a.value, '$.instruction') = 'text' THEN json_extract(a.value, '$.instruction') END,
           CASE WHEN json_type(a.value, '$.input') IS NULL OR json_type(a.value, '$.input') = 'null' THEN ''
                WHEN json_type(a.value, '$.input') = 'text' THEN json_extract(a.value, '$.input') END,
           CASE WHEN json_type(a.value, '$.output') = 'text' THEN json_extract(a.value, '$.output') END
    FROM json_each(NEW.content) AS a;
  SELECT RAISE(ABORT, 'import_safety_tuned_llamas: the array is empty')
    WHERE NOT EXISTS (SELECT 1 FROM stl_rows);

  -- Replace an earlier import of this file (by its name).
  UPDATE import_safety_tuned_llamas SET replaced =
    (SELECT count(*) FROM examples WHERE source = 'safety-tuned-llamas'
       AND substr(source_key, 1, length(NEW.file) + 1) = NEW.file || '#')
    WHERE rowid = NEW.rowid;
  DELETE FROM embeddings WHERE example_id IN
    (SELECT id FROM examples WHERE source = 'safety-tuned-llamas'
       AND substr(source_key, 1, length(NEW.file) + 1) = NEW.file || '#');
  DELETE FROM example_categories WHERE example_id IN
    (SELECT id FROM examples WHERE source = 'safety-tuned-llamas'
       AND substr(source_key, 1, length(NEW.file) + 1) = NEW.file || '#');
  DELETE FROM examples WHERE source = 'safety-tuned-llamas'
    AND substr(source_key, 1, length(NEW.file) + 1) = NEW.file || '#';

  UPDATE stl_rows SET example_id = w.base + w.rn
    FROM (SELECT item, row_number() OVER (ORDER BY item) AS rn,
                 (SELECT coalesce(max(id), 0) FROM examples) AS base
          FROM stl_rows) AS w
    WHERE w.item = stl_rows.item;

  INSERT INTO examples (id, source, source_key, instruction, input, response, harmful_request, refusal)
    SELECT example_id, 'safety-tuned-llamas', NEW.file || '#' || item, instruction, input, output,
           1, is_refusal(output)
    FROM stl_rows ORDER BY example_id;

  INSERT INTO embeddings (example_id, model, embedding)
    SELECT example_id, 'safety_embed', e
    FROM (SELECT example_id,
                 safety_embed(CASE WHEN input = '' THEN instruction
                                   ELSE instruction || char(10, 10) || input END) AS e
          FROM stl_rows)
    WHERE e IS NOT NULL;

  UPDATE import_safety_tuned_llamas SET summary =
    (SELECT printf('import_safety_tuned_llamas: %d examples from %s (T1 %d, T2 %d), %d embeddings; replaced %d earlier rows of that file name',
                   count(*), NEW.path, sum(e.behavior = 'T1'), sum(e.behavior = 'T2'),
                   (SELECT count(*) FROM embeddings WHERE example_id IN (SELECT example_id FROM stl_rows)),
                   import_safety_tuned_llamas.replaced)
     FROM stl_rows AS r JOIN examples AS e ON e.id = r.example_id)
    WHERE rowid = NEW.rowid;
END;

-- The extension check (its own message), then the one statement that writes.
INSERT INTO import_safety_tuned_llamas_check
  SELECT (SELECT count(*) > 0 FROM pragma_function_list WHERE name = 'is_refusal')
       + (SELECT count(*) > 0 FROM pragma_function_list WHERE name = 'safety_embed');
INSERT INTO import_safety_tuned_llamas (path, file, content)
  SELECT p, replace(p, rtrim(p, replace(p, '/', '')), ''), CAST(readfile(p) AS TEXT)
  FROM (SELECT coalesce(:path, 'tests/data/safety-tuned-llamas/sample.json') AS p);

SELECT coalesce((SELECT summary FROM temp.import_safety_tuned_llamas),
                'import_safety_tuned_llamas: nothing written; the database is unchanged (see the error above)') AS summary;

DROP TABLE temp.stl_rows;
DROP TABLE temp.import_safety_tuned_llamas;
DROP TABLE temp.import_safety_tuned_llamas_check;
