-- import_beavertails.sql — imports a BeaverTails-style JSON Lines file into
-- the layout of sql/schema.sql: one example per line (prompt, response),
-- its harm categories, its behaviour and a safety_embed() embedding of the
-- prompt.
--
-- Parameters (sqlite3 shell, .parameter set NAME VALUE):
--   :path   the JSON Lines file (default: the bundled
--           tests/data/beavertails-style/sample.jsonl, relative to the
--           repository root).  One object per line:
--       {"prompt": "...", "response": "...", "is_safe": true|false,
--        "category": {"animal_abuse": false, ..., "violence,...": true}}
--     (BeaverTails' own field names; category holds its 14 harm categories
--     as booleans and may be absent).  Other fields are ignored.
-- Needs a database with sql/schema.sql applied and the extension loaded
-- (jsonl_each, is_refusal, safety_embed).
--
--   sqlite3 my.db -cmd ".load ./build/safety_sample" \
--     -cmd ".parameter set :path 'beavertails_30k_train.jsonl'" \
--     ".read sql/import_beavertails.sql"
--
-- (Hugging Face's PKU-Alignment/BeaverTails is Parquet/JSON Lines; one way
-- to get JSON Lines: datasets' to_json(path, lines=True).)
--
-- What it writes:
--   examples            source 'beavertails', source_key '<file name>:<line>',
--                       instruction = prompt, input = '', response,
--                       refusal = is_refusal(response) (BeaverTails has no
--                       refusal label), harmful_request as below.  ids
--                       continue after the largest id present, in line order.
--   example_categories  the line's true categories; a line with none whose
--                       prompt is harmful takes the union of the categories
--                       of the other lines with the same prompt.
--   embeddings          model 'safety_embed': safety_embed(prompt), once per
--                       distinct prompt (a prompt with no words gets none).
--
-- harmful_request.  BeaverTails labels the prompt-response PAIR: is_safe and
-- the categories say whether the response is harmful, not the prompt.  A
-- harmful prompt that was refused is labelled safe with no category, so a
-- per-line rule would turn every refusal into T4 (benign prompt refused) and
-- no example would be T1, the type the -b methods keep.  BeaverTails has
-- several responses per prompt, so the label is pooled over them: a prompt is
-- harmful (harmful_request = 1) when ANY line with the same prompt text is
-- unsafe (is_safe false or any category true), and 0 otherwise.  A harmful
-- prompt whose responses were all safe therefore still counts as benign;
-- that is the limit of the data.  For the per-line rule instead, replace
-- "max(NOT is_safe OR n_true > 0)" by "NOT is_safe OR n_true > 0" and drop
-- the GROUP BY in bt_prompt below.  Categories are inherited the same way so
-- that a refusal (T1) sits in its prompt's harm category.
--
-- Running it again on a file of the same name (however its path is
-- written) replaces that file's rows and says how many (other files are
-- kept; two different files of one name replace each other).  A line that is not one JSON object, or lacks a text "prompt"
-- or "response" or a boolean "is_safe", fails with "CHECK constraint
-- failed: import_beavertails: ..."; jsonl_each reports malformed JSON with
-- the file and line.  To find a bad line:
--   SELECT line, value FROM jsonl_each(:path) WHERE json_type(value, '$.prompt') IS NOT 'text';
--
-- All or nothing: every write happens in ONE statement (the INSERT that
-- fires the trigger below), so any failure — the extension not loaded, a
-- bad line, a constraint — leaves the database as it was, with or without
-- -bail; the shell's settings are not touched.  The last line says what
-- was written, or that nothing was.

DROP TABLE IF EXISTS temp.import_beavertails_check;
DROP TABLE IF EXISTS temp.import_beavertails;
DROP TABLE IF EXISTS temp.bt_rows;
DROP TABLE IF EXISTS temp.bt_cats;
DROP TABLE IF EXISTS temp.bt_prompt;

CREATE TEMP TABLE import_beavertails_check (
  loaded INTEGER CONSTRAINT "import_beavertails: the safety_sample extension is not loaded (jsonl_each, is_refusal, safety_embed); load it first: .load ./build/safety_sample"
    CHECK (loaded = 2)
);
CREATE TEMP TABLE import_beavertails (path TEXT, file TEXT, replaced INTEGER, summary TEXT);
-- One row per non-blank line, validated.
CREATE TEMP TABLE bt_rows (
  line       INTEGER PRIMARY KEY,
  example_id INTEGER,
  kind       TEXT CONSTRAINT "import_beavertails: every line must be a JSON object"
               CHECK (kind = 'object'),
  prompt     TEXT CONSTRAINT "import_beavertails: every line needs a non-empty text field 'prompt'"
               CHECK (typeof(prompt) = 'text' AND length(prompt) > 0),
  response   TEXT CONSTRAINT "import_beavertails: every line needs a text field 'response'"
               CHECK (typeof(response) = 'text'),
  is_safe    INTEGER CONSTRAINT "import_beavertails: every line needs 'is_safe': true or false"
               CHECK (is_safe IS NOT NULL AND is_safe IN (0, 1)),
  cat_type   TEXT CONSTRAINT "import_beavertails: 'category' must be an object of booleans with non-empty names (or absent)"
               CHECK ((cat_type IS NULL OR cat_type IN ('object', 'null')) AND n_bad = 0),
  category   TEXT,     -- the category object, or NULL
  n_true     INTEGER,  -- categories that are true
  n_bad      INTEGER   -- category values that are not booleans, or blank names
);
-- The true categories of each line.
CREATE TEMP TABLE bt_cats (line INTEGER, category TEXT);
-- The prompt-level label (see the head comment).
CREATE TEMP TABLE bt_prompt (prompt TEXT PRIMARY KEY, harmful INTEGER, embedding BLOB);

CREATE TEMP TRIGGER import_beavertails_run AFTER INSERT ON import_beavertails BEGIN
  INSERT INTO bt_rows (line, kind, prompt, response, is_safe, cat_type, category, n_true, n_bad)
    SELECT line, kind, prompt, response,
           CASE WHEN safe_type IN ('true', 'false') OR (safe_type = 'integer' AND is_safe IN (0, 1))
                THEN is_safe END,
           cat_type, category,
           (SELECT count(*) FROM json_each(category) WHERE type = 'true'),
           (SELECT count(*) FROM json_each(category)
            WHERE type NOT IN ('true', 'false') OR trim(key) = '')
    FROM (SELECT j.line, json_type(j.value) AS kind,
                 CASE WHEN json_type(j.value, '$.prompt') = 'text' THEN json_extract(j.value, '$.prompt') END AS prompt,
                 CASE WHEN json_type(j.value, '$.response') = 'text' THEN json_extract(j.value, '$.response') END AS response,
                 json_type(j.value, '$.is_safe') AS safe_type,
                 json_extract(j.value, '$.is_safe') AS is_safe,
                 json_type(j.value, '$.category') AS cat_type,
                 CASE WHEN json_type(j.value, '$.category') = 'object' THEN json_extract(j.value, '$.category') END AS category
          FROM jsonl_each(NEW.path) AS j);
  SELECT RAISE(ABORT, 'import_beavertails: the file has no records (no non-blank line)')
    WHERE NOT EXISTS (SELECT 1 FROM bt_rows);
  INSERT INTO bt_cats
    SELECT r.line, c.key FROM bt_rows AS r, json_each(r.category) AS c WHERE c.type = 'true';
  INSERT INTO bt_prompt (prompt, harmful, embedding)
    SELECT prompt, max(NOT is_safe OR n_true > 0), safety_embed(prompt) FROM bt_rows GROUP BY prompt;

  -- Replace an earlier import of this file (by its name, however the path
  -- was written).
  UPDATE import_beavertails SET replaced =
    (SELECT count(*) FROM examples WHERE source = 'beavertails'
       AND substr(source_key, 1, length(NEW.file) + 1) = NEW.file || ':')
    WHERE rowid = NEW.rowid;
  DELETE FROM embeddings WHERE example_id IN
    (SELECT id FROM examples WHERE source = 'beavertails'
       AND substr(source_key, 1, length(NEW.file) + 1) = NEW.file || ':');
  DELETE FROM example_categories WHERE example_id IN
    (SELECT id FROM examples WHERE source = 'beavertails'
       AND substr(source_key, 1, length(NEW.file) + 1) = NEW.file || ':');
  DELETE FROM examples WHERE source = 'beavertails'
    AND substr(source_key, 1, length(NEW.file) + 1) = NEW.file || ':';

  -- ids continue after the largest one present, in line order.
  UPDATE bt_rows SET example_id = w.base + w.rn
    FROM (SELECT line, row_number() OVER (ORDER BY line) AS rn,
                 (SELECT coalesce(max(id), 0) FROM examples) AS base
          FROM bt_rows) AS w
    WHERE w.line = bt_rows.line;

  INSERT INTO examples (id, source, source_key, instruction, input, response, harmful_request, refusal)
    SELECT r.example_id, 'beavertails', NEW.file || ':' || r.line, r.prompt, '', r.response,
           p.harmful, is_refusal(r.response)
    FROM bt_rows AS r JOIN bt_prompt AS p USING (prompt)
    ORDER BY r.example_id;

  INSERT INTO example_categories (example_id, category)
    SELECT r.example_id, c.category
    FROM bt_rows AS r JOIN bt_cats AS c USING (line)
    UNION
    SELECT r.example_id, pc.category
    FROM bt_rows AS r
    JOIN bt_prompt AS p ON p.prompt = r.prompt AND p.harmful = 1
    JOIN (SELECT DISTINCT r2.prompt, c2.category
          FROM bt_rows AS r2 JOIN bt_cats AS c2 USING (line)) AS pc ON pc.prompt = r.prompt
    WHERE r.n_true = 0;

  -- One embedding per distinct prompt, shared by its responses.
  INSERT INTO embeddings (example_id, model, embedding)
    SELECT r.example_id, 'safety_embed', p.embedding
    FROM bt_rows AS r JOIN bt_prompt AS p USING (prompt)
    WHERE p.embedding IS NOT NULL;

  UPDATE import_beavertails SET summary =
    (SELECT printf('import_beavertails: %d examples from %s (T1 %d, T2 %d, T3 %d, T4 %d), %d category rows, %d embeddings; replaced %d earlier rows of that file name',
                   count(*), NEW.path,
                   sum(e.behavior = 'T1'), sum(e.behavior = 'T2'), sum(e.behavior = 'T3'), sum(e.behavior = 'T4'),
                   (SELECT count(*) FROM example_categories WHERE example_id IN (SELECT example_id FROM bt_rows)),
                   (SELECT count(*) FROM embeddings WHERE example_id IN (SELECT example_id FROM bt_rows)),
                   import_beavertails.replaced)
     FROM bt_rows AS r JOIN examples AS e ON e.id = r.example_id)
    WHERE rowid = NEW.rowid;
END;

-- The extension check (its own message), then the one statement that writes.
INSERT INTO import_beavertails_check
  SELECT (SELECT count(*) FROM pragma_module_list WHERE name = 'jsonl_each')
       + (SELECT count(*) > 0 FROM pragma_function_list WHERE name = 'safety_embed');
INSERT INTO import_beavertails (path, file)
  SELECT p, replace(p, rtrim(p, replace(p, '/', '')), '')
  FROM (SELECT coalesce(:path, 'tests/data/beavertails-style/sample.jsonl') AS p);

SELECT coalesce((SELECT summary FROM temp.import_beavertails),
                'import_beavertails: nothing written; the database is unchanged (see the error above)') AS summary;

DROP TABLE temp.bt_prompt;
DROP TABLE temp.bt_cats;
DROP TABLE temp.bt_rows;
DROP TABLE temp.import_beavertails;
DROP TABLE temp.import_beavertails_check;
