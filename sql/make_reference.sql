-- make_reference.sql — builds the reference set that the cossim methods
-- need (reference_examples, read through the safety_reference view) from
-- your own categorised examples, and holds those prompts out of the pool.
--
-- Parameters (sqlite3 shell, .parameter set NAME VALUE):
--   :share             the share of each category's distinct prompts that
--                      become reference examples, 0 < share < 1.  Default 0.1.
--   :min_per_category  at least this many per category (a whole number
--                      >= 1).  Default 3.
--   :seed              an integer that chooses WHICH prompts (any seed gives
--                      the same counts).  Default 0.
--   :undo              1: only remove what an earlier run made (the
--                      reference rows and the hold-out), returning the
--                      prompts to the pool.  Default 0.
--   :harmful_only      1: only prompts of harmful examples (harmful_request
--                      = 1) count, so benign categories (XSTest's safe
--                      prompt types, say) give no reference rows.  Default 0.
--   :min_prompts       a category with fewer distinct prompts than this
--                      gives none (and keeps them in the pool); a whole
--                      number >= 1.  Default 1 (every category gives one).
--                      With several sources in one database, 2 or 3 keeps
--                      a small category from leaving the pool.
-- Needs a database with sql/schema.sql applied and examples with harm
-- categories and embeddings (any import recipe writes them), and the
-- sqlite3 shell (.parameter, and its sha3() function for the choice);
-- the extension is not needed:
--
--   sqlite3 my.db -cmd ".parameter set :share 0.2" ".read sql/make_reference.sql"
--
-- What it does.  A prompt is an examples.instruction text.  For each harm
-- category c (example_categories) with n distinct prompts that have an
-- embedding: k = max(:min_per_category, floor(:share * n + 0.5)), but at
-- most n - 1 so that the pool keeps at least one prompt of c (a category
-- with a single prompt gives it to the reference).  The k prompts with the
-- smallest sha3(seed:category:prompt) are chosen — a fixed, documented
-- hash of the data, so the same data and parameters give the same set on
-- every run and machine, whatever the ids or the import order.  Each
-- becomes one reference_examples row (category, text = the prompt,
-- embedding = that of its smallest-id example in c).
--
-- Held out, not deleted.  Each chosen prompt gets a row in
-- reference_prompts (reference_id, prompt); the safety_pool view of
-- sql/schema.sql leaves out every example whose instruction is such a
-- prompt (in any category: several models' responses to one prompt, say),
-- including examples imported after this recipe ran, so no method can
-- select a reference prompt.  The view reference_holdout lists the examples
-- held out now.  The examples themselves, their categories and embeddings
-- are untouched.  Running the recipe again first removes its earlier
-- reference rows and prompts; :undo 1 does only that.  By hand, the same
-- undo is:
--   DELETE FROM reference_examples WHERE id IN (SELECT reference_id FROM reference_prompts);
--   DELETE FROM reference_prompts;
--
-- All or nothing: every write happens in ONE statement (the INSERT that
-- fires the trigger below), so a bad parameter or a failure leaves the
-- database as it was, with or without -bail.  The last line says what was
-- written.

DROP TABLE IF EXISTS temp.make_reference_check;
DROP TABLE IF EXISTS temp.make_reference;
DROP TABLE IF EXISTS temp.make_reference_prompts;

CREATE TEMP TABLE make_reference_check (
  layout INTEGER
    CONSTRAINT "make_reference: this database holds reference prompts out by example id (a reference_holdout table), which misses responses imported later; to upgrade (your data is kept): DELETE FROM reference_examples WHERE id IN (SELECT reference_id FROM reference_holdout); DROP TABLE reference_holdout; DROP VIEW safety_pool; then .read sql/schema.sql and run make_reference again"
    CHECK (layout <> 2)
    CONSTRAINT "make_reference: this database's layout predates the reference hold-out (no reference_prompts table, or a safety_pool view that ignores it); run DROP VIEW safety_pool; then .read sql/schema.sql again (your data is kept)"
    CHECK (layout = 3)
);
CREATE TEMP TABLE make_reference (
  share REAL CONSTRAINT "make_reference: :share must be a number between 0 and 1 (exclusive), e.g. .parameter set :share 0.1"
    CHECK (typeof(share) IN ('real', 'integer') AND share > 0 AND share < 1),
  min_per_category INTEGER CONSTRAINT "make_reference: :min_per_category must be a whole number >= 1"
    CHECK (typeof(min_per_category) = 'integer' AND min_per_category >= 1),
  seed INTEGER CONSTRAINT "make_reference: :seed must be an integer"
    CHECK (typeof(seed) = 'integer'),
  undo INTEGER CONSTRAINT "make_reference: :undo must be 0 or 1" CHECK (undo IN (0, 1)),
  harmful_only INTEGER CONSTRAINT "make_reference: :harmful_only must be 0 or 1" CHECK (harmful_only IN (0, 1)),
  min_prompts INTEGER CONSTRAINT "make_reference: :min_prompts must be a whole number >= 1"
    CHECK (typeof(min_prompts) = 'integer' AND min_prompts >= 1),
  removed INTEGER,
  base INTEGER,   -- the largest reference_examples id before this run's rows
  summary TEXT
);
-- The distinct prompts of each category, ranked by the seeded hash.
CREATE TEMP TABLE make_reference_prompts (
  category   TEXT,
  prompt     TEXT,
  example_id INTEGER,  -- its smallest-id example in the category with an embedding
  rank       INTEGER,
  n          INTEGER,  -- distinct prompts in the category
  PRIMARY KEY (category, prompt)
);

CREATE TEMP TRIGGER make_reference_run AFTER INSERT ON make_reference BEGIN
  UPDATE make_reference SET removed = (SELECT count(DISTINCT example_id) FROM reference_holdout)
    WHERE rowid = NEW.rowid;
  DELETE FROM reference_examples WHERE id IN (SELECT reference_id FROM reference_prompts);
  DELETE FROM reference_prompts;

  INSERT INTO make_reference_prompts (category, prompt, example_id, rank, n)
    SELECT category, prompt, example_id,
           row_number() OVER (PARTITION BY category
                              ORDER BY sha3(printf('%d:%s:%s', NEW.seed, category, prompt), 256), prompt),
           count(*) OVER (PARTITION BY category)
    FROM (SELECT c.category, e.instruction AS prompt, min(e.id) AS example_id
          FROM examples AS e
          JOIN example_categories AS c ON c.example_id = e.id
          JOIN embeddings AS m ON m.example_id = e.id
          WHERE NOT NEW.harmful_only OR e.harmful_request = 1
          GROUP BY c.category, e.instruction)
    WHERE NOT NEW.undo;
  SELECT RAISE(ABORT, 'make_reference: with :harmful_only 1, no harmful example (harmful_request = 1) has both a harm category and an embedding; leave :harmful_only out or label harmful_request')
    WHERE NOT NEW.undo AND NEW.harmful_only AND NOT EXISTS (SELECT 1 FROM make_reference_prompts);
  SELECT RAISE(ABORT, 'make_reference: no example has both a harm category and an embedding; import categorised data first (e.g. sql/import_do_not_answer.sql)')
    WHERE NOT NEW.undo AND NOT EXISTS (SELECT 1 FROM make_reference_prompts);
  SELECT RAISE(ABORT, 'make_reference: no category has :min_prompts distinct prompts; lower :min_prompts')
    WHERE NOT NEW.undo AND NOT EXISTS (SELECT 1 FROM make_reference_prompts WHERE n >= NEW.min_prompts);

  UPDATE make_reference SET base = (SELECT coalesce(max(id), 0) FROM reference_examples)
    WHERE rowid = NEW.rowid;
  INSERT INTO reference_examples (id, category, text, embedding)
    SELECT (SELECT base FROM make_reference WHERE rowid = NEW.rowid)
             + row_number() OVER (ORDER BY p.category, p.rank),
           p.category, p.prompt, m.embedding
    FROM make_reference_prompts AS p JOIN embeddings AS m ON m.example_id = p.example_id
    WHERE p.n >= NEW.min_prompts
      AND p.rank <= CASE WHEN p.n = 1 THEN 1
                         ELSE min(p.n - 1, max(NEW.min_per_category, CAST(NEW.share * p.n + 0.5 AS INTEGER))) END
    ORDER BY p.category, p.rank;

  -- Each new row's prompt, held out of the pool (reference_holdout: the
  -- examples that have it).
  INSERT INTO reference_prompts (reference_id, prompt)
    SELECT r.id, r.text FROM reference_examples AS r
    WHERE r.id > (SELECT base FROM make_reference WHERE rowid = NEW.rowid);

  UPDATE make_reference SET summary = CASE WHEN NEW.undo THEN
      printf('make_reference: undone; removed the earlier reference set and returned %d held-out examples to safety_pool',
             removed)
    ELSE
      printf('make_reference: %d reference examples over %d categories (share %g, at least %d per category, seed %d%s%s); %d examples held out of safety_pool (reference_holdout), nothing deleted',
             (SELECT count(*) FROM reference_prompts),
             (SELECT count(DISTINCT category) FROM reference_examples
              WHERE id IN (SELECT reference_id FROM reference_prompts)),
             NEW.share, NEW.min_per_category, NEW.seed,
             CASE WHEN NEW.harmful_only THEN ', harmful prompts only' ELSE '' END,
             CASE WHEN NEW.min_prompts > 1
                  THEN printf(', categories of at least %d prompts (%d left out)', NEW.min_prompts,
                              (SELECT count(DISTINCT category) FROM make_reference_prompts WHERE n < NEW.min_prompts))
                  ELSE '' END,
             (SELECT count(DISTINCT example_id) FROM reference_holdout))
    END
    WHERE rowid = NEW.rowid;
END;

-- The layout check (its own message), then the one statement that writes.
INSERT INTO make_reference_check
  SELECT CASE
    WHEN (SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'reference_holdout') THEN 2
    WHEN (SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'reference_prompts')
         AND (SELECT count(*) FROM sqlite_schema WHERE type = 'view' AND name = 'safety_pool'
                AND sql LIKE '%reference_prompts%') THEN 3
    ELSE 1 END;
INSERT INTO make_reference (share, min_per_category, seed, undo, harmful_only, min_prompts)
  VALUES (coalesce(:share, 0.1), coalesce(:min_per_category, 3), coalesce(:seed, 0), coalesce(:undo, 0),
          coalesce(:harmful_only, 0), coalesce(:min_prompts, 1));

SELECT coalesce((SELECT summary FROM temp.make_reference),
                'make_reference: nothing written; the database is unchanged (see the error above)') AS summary;

DROP TABLE temp.make_reference_prompts;
DROP TABLE temp.make_reference;
DROP TABLE temp.make_reference_check;
