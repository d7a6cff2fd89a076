-- plain_pool.sql — the benchmark's plain-table pool: the same data as the
-- canonical pool (sql/schema.sql's views over examples, categories and
-- embeddings) stored as one table named safety_pool, the way a user who
-- exported a pool from elsewhere would hold it.  Run by tests/bench.mk in a
-- new database with the canonical one attached as src:
--   sqlite3 NEW.db -cmd "ATTACH 'CANONICAL.db' AS src" < tests/bench/plain_pool.sql
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TABLE safety_pool (id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
INSERT INTO safety_pool SELECT id, category, behavior, embedding FROM src.safety_pool
  ORDER BY id, category;
CREATE TABLE reference_examples AS SELECT * FROM src.reference_examples;
CREATE VIEW safety_reference AS SELECT category, embedding FROM reference_examples;
CREATE TABLE task_examples AS SELECT * FROM src.task_examples;
COMMIT;
