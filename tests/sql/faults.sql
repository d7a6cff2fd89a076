-- faults.sql — faults a hostile file can trigger, each with the rule that
-- replaces it: quota sums that would pass 2^64, relation names qualified by
-- a schema (main., temp., an attached database), duplicate option keys,
-- NUL bytes inside method, category and option names, a view that exists
-- but cannot be read (no advice to create it), and non-text
-- categories (BLOB is an error; a number is read as its text).
-- (Recursion, interrupts, snapshots, result codes and memory are in
-- tests/faults/, run by tests/sh/faults.sh.)
#read sql/schema.sql
#read tests/data/sample_pool.sql

-- ---- overflow -------------------------------------------------------------
#setup
CREATE TABLE many(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < 2047)
INSERT INTO many SELECT i + 1, 'c' || i, 'T1', vec_f32(json_array(1, i)) FROM c;
CREATE TABLE many_quota AS
  SELECT json_object('pool', 'many', 'quota', json_group_object('c' || (id - 1), 9007199254740992)) AS opts FROM many;

#test 2,048 quota counts of 2^53 add up past 2^64: more than n, not a wrapped sum
SELECT count(*) FROM safety_sample('sss', 10, (SELECT opts FROM many_quota));
#error option quota asks for more

#test the same counts through safety_report
SELECT length(safety_report('sss', 10, (SELECT opts FROM many_quota)));
#error safety_report: option quota asks for more

#test a quota sum of exactly n still works
SELECT count(*) FROM safety_sample('sss', 3, '{"pool": "many", "quota": {"c1": 1, "c2": 2}}');
#expect
3

-- ---- qualified relation names ---------------------------------------------
#test main.safety_pool is the default pool, row for row
SELECT (SELECT group_concat(id || category || rank, ',') FROM safety_sample('pss-b', 3, '{"pool": "main.safety_pool"}'))
     = (SELECT group_concat(id || category || rank, ',') FROM safety_sample('pss-b', 3));
#true

#test MAIN.safety_pool: schema names are case-insensitive, as in SQL
SELECT count(*) FROM safety_sample('pss-b', 3, '{"pool": "MAIN.safety_pool"}');
#expect
3

#setup
CREATE TEMP TABLE tpool AS SELECT * FROM safety_pool WHERE id <= 6;
CREATE TEMP TABLE ttask(id INTEGER);
INSERT INTO ttask VALUES (1), (2), (3), (4);

#test temp.x names a temporary table
SELECT group_concat(id, ',') FROM (SELECT id FROM safety_sample('sss', 6, '{"pool": "temp.tpool"}') ORDER BY id);
#expect
1,2,3,4,5,6

#test temp. in the task relation counts the temporary table
SELECT json_extract(safety_report('sss', 0.5, '{"task": "temp.ttask"}'), '$.n');
#expect
2

#setup
ATTACH ':memory:' AS aux;
CREATE TABLE aux.apool AS SELECT * FROM safety_pool WHERE id IN (1, 2, 5, 6, 7);
CREATE TABLE aux.aref AS SELECT * FROM safety_reference;
CREATE TABLE aux.atask(id INTEGER);
INSERT INTO aux.atask VALUES (1), (2), (3), (4), (5), (6), (7), (8);
CREATE TABLE aux."odd""name.x" AS SELECT * FROM safety_pool WHERE id = 8;

#test an attached schema: aux.apool
SELECT group_concat(id, ',') FROM (SELECT id FROM safety_sample('sss-b', 5, '{"pool": "aux.apool"}') ORDER BY id);
#expect
1,2,5,6,7

#test an attached schema for every relation at once (pool, reference, task)
SELECT count(*), min(stage) FROM safety_sample('cossim-b', 0.5, '{"pool": "aux.apool", "reference": "aux.aref", "task": "aux.atask"}');
#expect
4|category

#test each part is quoted: a schema-qualified name with a quote and a dot in it
SELECT id FROM safety_sample('sss', 1, '{"pool": "aux.odd\"name.x"}');
#expect
8

#setup
CREATE TABLE "my.pool" AS SELECT * FROM safety_pool WHERE id <= 2;

#test a dotted name whose first part is not a schema is one name
SELECT count(*) FROM safety_sample('sss', 2, '{"pool": "my.pool"}');
#expect
2

#test main. before a dotted name
SELECT count(*) FROM safety_sample('sss', 2, '{"pool": "main.my.pool"}');
#expect
2

#test a missing table in an existing schema is reported with its schema
SELECT count(*) FROM safety_sample('sss', 2, '{"pool": "aux.nothere"}');
#error no such table: aux.nothere

#test an unknown schema is a missing relation, not a crash
SELECT count(*) FROM safety_sample('sss', 2, '{"pool": "nowhere.safety_pool"}');
#error the pool relation "nowhere.safety_pool" cannot be read

-- ---- a relation that exists but cannot be read --------------------------
-- "create it" is advice for a missing relation only (contract section 9): a
-- view whose table is gone exists, and the message says to fix it.
#setup
CREATE TABLE gone(x);
CREATE VIEW broken_pool AS SELECT x AS id, x AS category, x AS behavior, x AS embedding FROM gone;
CREATE VIEW broken_task AS SELECT x FROM gone;
CREATE VIEW aux.broken_ref AS SELECT x AS category, x AS embedding FROM gone;
DROP TABLE gone;

#test a pool view whose table is gone: the view is named as existing, no advice to create it
SELECT count(*) FROM safety_sample('sss', 1, '{"pool": "broken_pool"}');
#error ^safety_sample: the pool relation "broken_pool" exists but cannot be read (no such table: main.gone); fix its definition (a view may name a table or column that is gone) or name another with options.pool

#test a task view whose table is gone
SELECT count(*) FROM safety_sample('sss', 0.5, '{"task": "broken_task"}');
#error ^safety_sample: budget 0.5 is a fraction of the fine-tuning set, but the task relation "broken_task" exists but cannot be read (no such table: main.gone); fix its definition, pass options.task_size, or give the budget as a whole-number count

#test a reference view of an attached schema whose table is gone
SELECT count(*) FROM safety_sample('cossim', 1, '{"reference": "aux.broken_ref"}');
#error ^safety_sample: the reference relation "aux.broken_ref" exists but cannot be read (no such table: aux.gone); fix its definition

#test a missing relation is still told to create it
SELECT count(*) FROM safety_sample('sss', 1, '{"pool": "no_such_pool"}');
#error ^safety_sample: the pool relation "no_such_pool" cannot be read (no such table: no_such_pool); create it

-- ---- duplicate option keys ------------------------------------------------
#test a key given twice is an error, not the last value
SELECT count(*) FROM safety_sample('pss-b', 3, '{"seed": 1, "seed": 2}');
#error safety_sample: option "seed" is given twice; give each option once

#test a duplicate relation option
SELECT count(*) FROM safety_sample('pss-b', 3, '{"pool": "safety_pool", "pool": "x"}');
#error option "pool" is given twice

#test through safety_report
SELECT length(safety_report('pss-b', 3, '{"fill": "none", "fill": "random"}'));
#error safety_report: option "fill" is given twice

-- ---- NUL bytes in names ---------------------------------------------------
#test a NUL byte in the method name is an error, not a truncated name
SELECT count(*) FROM safety_sample(CAST('pss-b' || char(0) || 'x' AS TEXT), 3);
#error safety_sample: the method name has a NUL byte

#setup
CREATE TABLE nulpool(id INTEGER, category, behavior TEXT, embedding BLOB);
INSERT INTO nulpool VALUES (1, CAST('a' || char(0) || 'b1' AS TEXT), 'T1', vec_f32('[1,0]')),
                           (2, CAST('a' || char(0) || 'b2' AS TEXT), 'T1', vec_f32('[0,1]'));

#test a NUL byte in a pool category is an error naming the example
SELECT count(*) FROM safety_sample('sss', 2, '{"pool": "nulpool"}');
#error the pool relation "nulpool" has a category with a NUL byte (example id 1, byte 1); category names must be text without NUL bytes

#setup
CREATE TABLE nulref(category, embedding BLOB);
INSERT INTO nulref VALUES (CAST('crime' || char(0) || 'x' AS TEXT), vec_f32('[1,0]'));

#test a NUL byte in a reference category is an error too
SELECT count(*) FROM safety_sample('cossim', 2, '{"reference": "nulref"}');
#error reference relation "nulref" has a category with a NUL byte (byte 5); category names

#setup
CREATE TABLE emptycat(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
INSERT INTO emptycat VALUES (1, 'crime', 'T1', vec_f32('[1,0]')), (2, '', 'T1', vec_f32('[0,1]'));
CREATE TABLE emptyref(category TEXT, embedding BLOB);
INSERT INTO emptyref VALUES ('crime', vec_f32('[1,0]')), ('', vec_f32('[0,1]'));

#test an empty pool category (a CSV's empty field) is an error naming the example, not a category named ''
SELECT count(*) FROM safety_sample('random', 2, '{"pool": "emptycat"}');
#error safety_sample: the pool relation "emptycat" has an empty category '' (example id 2); an example without a category has NULL: fix the data, or NULLIF(category, '') in a view

#test the way out the message gives: NULLIF in a view
CREATE TEMP VIEW emptycat_fixed AS SELECT id, NULLIF(category, '') AS category, behavior, embedding FROM emptycat;
SELECT group_concat(id || ':' || ifnull(category, 'NULL') || ':' || stage) FROM safety_sample('sss', 2, '{"pool": "emptycat_fixed"}');
#expect
1:crime:category,2:NULL:fill

#test an empty reference category is an error too
SELECT count(*) FROM safety_sample('cossim', 1, '{"pool": "emptycat_fixed", "reference": "emptyref"}');
#error safety_sample: the reference relation "emptyref" has an empty category ''; every reference example needs its harm category: fix the data or leave the row out

#test \u0000 in an option string is an error, not a truncated name
SELECT count(*) FROM safety_sample('pss', 3, '{"categories": ["crime\u0000x"]}');
#error NUL byte

#test \u0000 in a quota key
SELECT count(*) FROM safety_sample('pss', 3, '{"quota": {"crime\u0000x": 1}}');
#error NUL byte

#test \u0000 in a relation option
SELECT count(*) FROM safety_sample('pss', 3, '{"pool": "safety_pool\u0000x"}');
#error NUL byte

#test an escaped backslash before u0000 is no NUL byte (the name is just unknown)
SELECT count(*) FROM safety_sample('pss', 3, '{"categories": ["crime\\u0000"]}');
#error only 0 eligible examples

-- ---- non-text categories --------------------------------------------------
#setup
CREATE TABLE blobpool(id INTEGER, category, behavior TEXT, embedding BLOB);
INSERT INTO blobpool VALUES (1, x'ff00fe', 'T1', vec_f32('[1,0]')), (2, 'ok', 'T1', vec_f32('[0,1]'));

#test a BLOB category is an error naming the example, not invalid UTF-8 text
SELECT count(*) FROM safety_sample('sss', 2, '{"pool": "blobpool"}');
#error the pool relation "blobpool" has a BLOB category (example id 1); categories must be TEXT

#setup
CREATE TABLE blobref(category, embedding BLOB);
INSERT INTO blobref VALUES (x'6372696d65', vec_f32('[1,0]'));

#test a BLOB reference category is an error too
SELECT count(*) FROM safety_sample('cossim', 2, '{"reference": "blobref"}');
#error reference relation "blobref" has a BLOB category; categories must be TEXT

#setup
CREATE TABLE numpool(id INTEGER, category, behavior TEXT, embedding BLOB);
INSERT INTO numpool VALUES (1, 5, 'T1', vec_f32('[1,0]')), (2, '5', 'T1', vec_f32('[0,1]')), (3, 2.5, 'T1', vec_f32('[1,1]'));

#test a number category is read as its text: 5 and '5' are one category
SELECT group_concat(category || ':' || typeof(category), ',') FROM (SELECT category FROM safety_sample('sss', 2, '{"pool": "numpool", "fill": "none"}') ORDER BY category);
#expect
2.5:text,5:text

