-- messages.sql — the messages of contract section 7 for a new user's
-- usual mistakes (and the float64 hints of the vector functions): a
-- fractional budget over an empty fine-tuning set (task_size is the way
-- out), too few eligible examples because options.categories names a
-- category no eligible example has (named) or because behaviours are NULL
-- (counted, is_refusal is the fix), and vectors stored from numpy without
-- converting to float32.  Each message is checked in full where it is
-- new.
#read sql/schema.sql

#setup
INSERT INTO examples (id, instruction, response, harmful_request, refusal) VALUES
  (1, 'a', 'I cannot help.', 1, 1), (2, 'b', 'No.', 1, 1), (3, 'c', 'Sure.', 1, 0),
  (4, 'd', 'I will not do that.', 1, NULL), (5, 'e', 'I refuse.', 1, NULL), (6, 'f', 'ok', NULL, NULL);
INSERT INTO example_categories VALUES (1, 'crime'), (2, 'fraud'), (3, 'crime'), (4, 'crime'), (5, 'fraud');
INSERT INTO embeddings (example_id, model, embedding) VALUES
  (1, 't', vec_f32('[1, 0]')), (2, 't', vec_f32('[0, 1]')), (3, 't', vec_f32('[1, 1]')),
  (4, 't', vec_f32('[1, 0.5]')), (5, 't', vec_f32('[0.5, 1]')), (6, 't', vec_f32('[1, 2]'));

-- A fraction of an empty fine-tuning set.
#test error: a fractional budget over an empty task relation says to load it or give task_size
SELECT * FROM safety_sample('pss-b', 0.0005);
#error safety_sample: budget 0.0005 is a fraction of the fine-tuning set, but the task relation "task_examples" is empty; import the fine-tuning set into it (sql/import_alpaca.sql), or give its size as options.task_size (e.g. '{"task_size": 20000}'), or give a whole-number count

#test error: the same for a task relation named in the options
CREATE TEMP TABLE my_task (id INTEGER);
SELECT * FROM safety_sample('random', 0.5, '{"task": "my_task"}');
#error safety_sample: budget 0.5 is a fraction of the fine-tuning set, but the task relation "my_task" is empty

#test the way out: options.task_size (0.0005 of 4000 = 2)
SELECT count(*) FROM safety_sample('pss-b', 0.0005, '{"task_size": 4000}');
#expect
2

#test a non-empty task set that is too small still says the budget rounds to 0
INSERT INTO task_examples (id, instruction, output) VALUES (1, 'x', 'y');
SELECT * FROM safety_sample('pss-b', 0.0005);
#error safety_sample: budget 0.0005 of a fine-tuning set of 1 examples rounds to 0 examples

-- Too few eligible: the reasons the data gives.
#test error: a category no eligible example has is named, and the NULL behaviours are counted
SELECT * FROM safety_sample('pss-b', 2, '{"categories": ["violence", "crime"]}');
#error safety_sample: only 1 eligible example (T1, listed categories) for a budget of 2; options.categories names 'violence', which no eligible example has (category names are case-sensitive; check the spelling and options.behavior); 3 pool examples have no behaviour (NULL: harmful_request or refusal is unlabelled), so the behaviour filter leaves them out; label them, e.g. UPDATE examples SET refusal = is_refusal(response) WHERE refusal IS NULL; lower the budget, widen options.behavior or options.categories, or pass "allow_short": true to take them all

#test error: a category that exists but has no eligible (T1) member is named too
SELECT * FROM safety_sample('sss', 5, '{"categories": ["Crime", "fraud"], "behavior": "T2"}');
#error only 0 eligible examples (T2, listed categories) for a budget of 5; options.categories names 'Crime', 'fraud', which no eligible example has

#test error: NULL behaviours alone (no categories option)
SELECT * FROM safety_sample('random-b', 4);
#error safety_sample: only 2 eligible examples (T1) for a budget of 4; 3 pool examples have no behaviour (NULL: harmful_request or refusal is unlabelled), so the behaviour filter leaves them out; label them, e.g. UPDATE examples SET refusal = is_refusal(response) WHERE refusal IS NULL; lower the budget

#test error: a fractional budget names the fraction and the task size it came from
SELECT * FROM safety_sample('random', 0.01, '{"task_size": 4000}');
#error safety_sample: only 6 eligible examples (any behaviour) for a budget of 40 (the fraction 0.01 of 4000 task examples); lower the budget

#test error: an empty pool says to import examples first
CREATE TEMP TABLE empty_pool (id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
SELECT * FROM safety_sample('pss-b', 2, '{"pool": "empty_pool"}');
#error safety_sample: only 0 eligible examples (T1) for a budget of 2; the pool relation "empty_pool" has no rows: fill it, or name another with options.pool; lower the budget

#test error: the default pool, empty, says to import examples (a temporary view named safety_pool stands for it)
CREATE TEMP VIEW safety_pool AS SELECT * FROM empty_pool;
SELECT * FROM safety_sample('pss-b', 2);
#error safety_sample: only 0 eligible examples (T1) for a budget of 2; the pool relation "safety_pool" has no rows: import examples first (the sql/import_*.sql recipes, or INSERT INTO examples); lower the budget

#test error: the same in a sweep, after the combination
SELECT * FROM safety_sweep('["sss"]', '[3]');
#error safety_sweep: sss, budget 3, seed 0: only 0 eligible examples (any behaviour) for a budget of 3; the pool relation "safety_pool" has no rows: import examples first
DROP VIEW temp.safety_pool;

#test error: a sweep's combination counts the unlabelled examples as its single call does
SELECT * FROM safety_sweep('["random", "random-b"]', '[4]');
#error safety_sweep: random-b, budget 4, seed 0: only 2 eligible examples (T1) for a budget of 4; 3 pool examples have no behaviour

#test a pool whose rows are all ineligible does not say it is empty
SELECT * FROM safety_sample('pss-b', 6);
#error =safety_sample: only 2 eligible examples (T1) for a budget of 6; 3 pool examples have no behaviour (NULL: harmful_request or refusal is unlabelled), so the behaviour filter leaves them out; label them, e.g. UPDATE examples SET refusal = is_refusal(response) WHERE refusal IS NULL; lower the budget, widen options.behavior or options.categories, or pass "allow_short": true to take them all

#test without a behaviour filter, NULL behaviours are eligible and not mentioned
SELECT * FROM safety_sample('random', 9);
#error safety_sample: only 6 eligible examples (any behaviour) for a budget of 9; lower the budget

#test the fix the message gives: is_refusal labels 4 and 5; 6 still lacks harmful_request
UPDATE examples SET refusal = is_refusal(response) WHERE refusal IS NULL;
SELECT * FROM safety_sample('random-b', 5);
#error only 4 eligible examples (T1) for a budget of 5; 1 pool example has no behaviour (NULL: harmful_request or refusal is unlabelled), so the behaviour filter leaves it out

#test and the selection runs on what is labelled
SELECT count(*), sum(behavior = 'T1') FROM safety_sample('random-b', 4);
#expect
4|4

-- float64 vectors: numpy's default dtype stored with tobytes().  The BLOB
-- below is the float64 bytes of [0.12, -0.53, 0.331, 0.7071, -0.2113,
-- 0.0517, 0.9123, -0.4441]: 64 bytes, which read as 16 float32 values
-- such as -3.2e+26.
#setup
CREATE TEMP TABLE f64 (b BLOB);
INSERT INTO f64 VALUES (x'b81e85eb51b8be3ff6285c8fc2f5e0bfc976be9f1a2fd53f1b0de02d90a0e63fce88d2dee00bcbbfd50968226c78aa3f6f8104c58f31ed3f95d40968226cdcbf');

#test error: a pool embedding that looks like float64 names the example and says what to store
UPDATE embeddings SET embedding = (SELECT b FROM f64) WHERE example_id = 2;
SELECT * FROM safety_sample('pss-b', 2);
#error safety_sample: pool example 2 has an embedding that looks like float64 (numpy's default dtype), not float32: its 64 bytes read as 8 ordinary float64 values, but as float32 they hold values such as -3.21864e+26; store numpy.float32(v).tobytes()

#test error: every pool embedding float64 (consistent dimensions) is caught too
UPDATE embeddings SET embedding = (SELECT b FROM f64);
SELECT * FROM safety_sample('pss', 2);
#error looks like float64 (numpy's default dtype), not float32

#test error: a float64 reference row for cossim
UPDATE embeddings SET embedding = vec_f32('[1, 0, 0, 0, 0, 0, 0, 0]');
INSERT INTO reference_examples (category, text, embedding) SELECT 'crime', 'r', b FROM f64;
SELECT * FROM safety_sample('cossim', 2);
#error looks like float64 (numpy's default dtype), not float32: its 64 bytes read as 8 ordinary float64 values

#test error: a dimension twice the others' says float64 may be why
DELETE FROM reference_examples;
UPDATE embeddings SET embedding = vec_f32('[1, 0, 0, 0, 0, 0, 0, 1]') WHERE example_id = 1;
UPDATE embeddings SET embedding = vec_f32('[1, 0, 0, 0]') WHERE example_id = 2;
SELECT * FROM safety_sample('pss-b', 2);
#error (dimension mismatch 4 vs 8); every embedding must come from the same model; one is twice the other, as when float64 values (numpy's default dtype) are stored as bytes: store numpy.float32(v).tobytes()

#test error: cosine() of a float32 vector and a float64 one of the same length
SELECT cosine(vec_f32('[0.12, -0.53, 0.331, 0.7071, -0.2113, 0.0517, 0.9123, -0.4441]'), b) FROM f64;
#error cosine: dimension mismatch (8 vs 16); both vectors must come from the same embedding model; one is twice the other, as when float64 values (numpy's default dtype) are stored as bytes: store numpy.float32(v).tobytes()

#test error: a float64 BLOB whose low half reads as NaN says float64
SELECT vec_norm(x'0000c07f3333d33f000000000000d03f000000000000e83f000000000000c0bf');
#error vec_norm: argument 1: element 0 is NaN; vectors must be finite; the bytes look like float64 (numpy's default dtype); store numpy.float32(v).tobytes()

#test a NaN in a real float32 vector gets no float64 hint
SELECT vec_norm(x'0000c07f0000803f');
#error vec_norm: argument 1: element 0 is NaN; vectors must be finite

#test a mismatch that is not a factor of two gets no hint
SELECT cosine('[1, 2, 3]', '[1, 2]');
#error cosine: dimension mismatch (3 vs 2); both vectors must come from the same embedding model

#test float32 vectors with short mantissas are never taken for float64
SELECT vec_dim(vec_f32('[0.5, 0.25, 1, 2, -0.125, 4, 8, 0]')), vec_dim(x'0000003f0000803e');
#expect
8|2

-- A name or value cut short in a message is cut before a whole UTF-8
-- character, never inside one: a message with half a character is invalid
-- UTF-8, which Python's sqlite3 turns into a UnicodeDecodeError instead of
-- the error.  Each value below is one 2-byte character longer than what
-- its message shows.
#test a cut text flag in behavior_type's message ends before a whole character
SELECT behavior_type('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxé', 1);
#error ^behavior_type: argument 1 (harmful_request) must be 0, 1 or NULL, got the text 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'

#test a cut text budget ends before a whole character
SELECT * FROM safety_sample('sss', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxé');
#error ^safety_sample: budget must be a number, got 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';

#test a cut quota category ends before a whole character
SELECT * FROM safety_sample('sss', 1, '{"quota": {"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqé": -1}}');
#error ^safety_sample: option quota: the count for category "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq" must be

#test a cut unknown option ends before a whole character
SELECT * FROM safety_sample('sss', 1, '{"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqé": 1}');
#error ^safety_sample: unknown option "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq";

#test a cut duplicate option ends before a whole character
SELECT * FROM safety_sample('sss', 1, '{"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqé": 1, "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqé": 1}');
#error ^safety_sample: option "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq" is given twice

#test a cut duplicate quota category ends before a whole character
SELECT * FROM safety_sample('sss', 1, '{"quota": {"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqé": 1, "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqé": 1}}');
#error ^safety_sample: option quota names category "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq" twice

#test a cut reference category ends before a whole character
CREATE TABLE ref_long (category TEXT, embedding BLOB);
INSERT INTO ref_long VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaé', vec_f32('[0, 0]'));
SELECT * FROM safety_sample('cossim', 1, '{"reference": "ref_long"}');
#error ^safety_sample: a reference example of category 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' has a zero embedding

-- A message that quotes a value with bytes that are not UTF-8 (a BLOB
-- method name, id or behaviour, a relation name) shows each such byte as
-- '?', so the whole message stays valid UTF-8 for callers that decode it.
#test a BLOB method name's invalid byte is shown as ?
SELECT * FROM safety_sample(x'ff', 10);
#error ^safety_sample: unknown method '?'; the known methods are

#test a pool name with an invalid byte keeps its valid character and shows the byte as ?
SELECT * FROM safety_sample('pss', 10, json_object('pool', 'é' || x'ff'));
#error ^safety_sample: the pool relation "é?" cannot be read (no such table: é?)

#test a BLOB id and a BLOB behaviour in the pool are shown as ?
CREATE TABLE pool_bytes (id, category, behavior, embedding);
INSERT INTO pool_bytes VALUES (x'ff' || 'é' || x'c3', NULL, 'T1', vec_f32('[1, 0]'));
SELECT * FROM safety_sample('pss', 1, '{"pool": "pool_bytes"}');
#error ^safety_sample: the pool relation "pool_bytes" has an id that is not an INTEGER (?é?)

#test an overlong form, a surrogate and a code point above U+10FFFF are each shown as ? bytes
UPDATE pool_bytes SET id = 1, behavior = x'c0af' || x'eda080' || x'f4908080' || 'ok';
SELECT * FROM safety_sample('pss', 1, '{"pool": "pool_bytes"}');
#error ^safety_sample: pool example 1 has behavior '?????????ok'
