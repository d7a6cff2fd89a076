-- bad_input.sql — bad input for every vector function, behavior_type,
-- safety_sample and jsonl_each, run on a database FILE: after #file every #error test also checks that
-- the file's bytes are unchanged.  Each message must START with the
-- function's name (#error ^...).  Also: limits (dimension 65,536, a JSON
-- array of a million elements, nesting 100,000 deep) that must work or
-- fail cleanly, and zero vectors.
--
-- The view bad holds one value per kind of bad input; good rows come
-- first so that a statement over every row fails part-way through.
#file
CREATE TABLE bad_rows(k TEXT PRIMARY KEY, v);
INSERT INTO bad_rows VALUES
  ('good', '[3, 4]'),
  ('good3', x'0000803F0000004000004040'),
  ('b1', x'01'),
  ('b2', x'0203'),
  ('b3', x'040506'),
  ('b5', x'0000803F07'),
  ('empty', x''),
  ('nan', x'0000C07F'),
  ('inf', x'0000803F0000807F'),
  ('ninf', x'000080FF'),
  ('big', '[1e39]'),
  ('dbig', '[1, -1e999]'),
  ('obj', '{"v": [1, 2]}'),
  ('str', '"[1, 2]"'),
  ('num', '5'),
  ('jnull', 'null'),
  ('nonnum', '[1, "2"]'),
  ('inner', '[1, [2]]'),
  ('jtrue', '[true]'),
  ('jempty', '[]'),
  ('trunc', '[1, 2'),
  ('trail', '[1, 2] x'),
  ('jnan', '[NaN]'),
  ('int', 7),
  ('real', 1.5),
  ('zero', x'0000000000000080'),
  ('jzero', '[0, -0.0, 0e5]');
-- bad adds JSON nested 100,000 deep (unclosed, and closed again), made
-- when read so that the file stays small and its checksum quick.
CREATE VIEW bad AS
  SELECT k, v FROM bad_rows
  UNION ALL SELECT 'deep', replace(hex(zeroblob(100000)), '00', '[')
  UNION ALL SELECT 'deepc', replace(hex(zeroblob(100000)), '00', '[') ||
                            replace(hex(zeroblob(100000)), '00', ']');

-- vec_f32: every kind of bad input (all functions share one parser)

#test vec_f32: 1-byte blob
SELECT vec_f32(v) FROM bad WHERE k = 'b1';
#error ^vec_f32: argument 1: blob length 1 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_f32: 2-byte blob
SELECT vec_f32(v) FROM bad WHERE k = 'b2';
#error ^vec_f32: argument 1: blob length 2 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_f32: 3-byte blob
SELECT vec_f32(v) FROM bad WHERE k = 'b3';
#error ^vec_f32: argument 1: blob length 3 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_f32: 5-byte blob
SELECT vec_f32(v) FROM bad WHERE k = 'b5';
#error ^vec_f32: argument 1: blob length 5 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_f32: empty blob
SELECT vec_f32(v) FROM bad WHERE k = 'empty';
#error ^vec_f32: argument 1: empty vector (a vector needs at least one element)

#test vec_f32: NaN in a blob
SELECT vec_f32(v) FROM bad WHERE k = 'nan';
#error ^vec_f32: argument 1: element 0 is NaN; vectors must be finite

#test vec_f32: +Inf in a blob (element 1)
SELECT vec_f32(v) FROM bad WHERE k = 'inf';
#error ^vec_f32: argument 1: element 1 is infinite; vectors must be finite

#test vec_f32: -Inf in a blob
SELECT vec_f32(v) FROM bad WHERE k = 'ninf';
#error ^vec_f32: argument 1: element 0 is infinite; vectors must be finite

#test vec_f32: [1e39] overflows float32
SELECT vec_f32(v) FROM bad WHERE k = 'big';
#error ^vec_f32: argument 1: element 0 (1e+39) is not a finite float32; vectors must be finite and within +-3.4e38

#test vec_f32: -1e999 overflows double
SELECT vec_f32(v) FROM bad WHERE k = 'dbig';
#error ^vec_f32: argument 1: element 1 (-inf) is not a finite float32

#test vec_f32: JSON object
SELECT vec_f32(v) FROM bad WHERE k = 'obj';
#error ^vec_f32: argument 1: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test vec_f32: JSON string
SELECT vec_f32(v) FROM bad WHERE k = 'str';
#error ^vec_f32: argument 1: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test vec_f32: JSON number
SELECT vec_f32(v) FROM bad WHERE k = 'num';
#error ^vec_f32: argument 1: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test vec_f32: JSON null
SELECT vec_f32(v) FROM bad WHERE k = 'jnull';
#error ^vec_f32: argument 1: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test vec_f32: JSON string element
SELECT vec_f32(v) FROM bad WHERE k = 'nonnum';
#error ^vec_f32: argument 1: element 1 is not a number; every element must be numeric

#test vec_f32: JSON nested array element
SELECT vec_f32(v) FROM bad WHERE k = 'inner';
#error ^vec_f32: argument 1: element 1 is not a number

#test vec_f32: JSON true element
SELECT vec_f32(v) FROM bad WHERE k = 'jtrue';
#error ^vec_f32: argument 1: element 0 is not a number

#test vec_f32: empty JSON array
SELECT vec_f32(v) FROM bad WHERE k = 'jempty';
#error ^vec_f32: argument 1: empty vector (a vector needs at least one element)

#test vec_f32: truncated JSON
SELECT vec_f32(v) FROM bad WHERE k = 'trunc';
#error ^vec_f32: argument 1: malformed JSON near byte 4; expected an array of numbers such as [0.1, -2, 3e-4]

#test vec_f32: text after the JSON array
SELECT vec_f32(v) FROM bad WHERE k = 'trail';
#error ^vec_f32: argument 1: malformed JSON near byte 7

#test vec_f32: NaN in JSON
SELECT vec_f32(v) FROM bad WHERE k = 'jnan';
#error ^vec_f32: argument 1: malformed JSON near byte 1

#test vec_f32: INTEGER instead of a vector
SELECT vec_f32(v) FROM bad WHERE k = 'int';
#error ^vec_f32: argument 1: expected a float32 BLOB or JSON array text, got an INTEGER

#test vec_f32: REAL instead of a vector
SELECT vec_f32(v) FROM bad WHERE k = 'real';
#error ^vec_f32: argument 1: expected a float32 BLOB or JSON array text, got a REAL

#test vec_f32: JSON nested 100,000 deep, unclosed
SELECT vec_f32(v) FROM bad WHERE k = 'deep';
#error ^vec_f32: argument 1: malformed JSON near byte 1000

#test vec_f32: JSON nested 100,000 deep, closed
SELECT vec_f32(v) FROM bad WHERE k = 'deepc';
#error ^vec_f32: argument 1: malformed JSON near byte 1000

-- vec_json

#test vec_json: 1-byte blob
SELECT vec_json(v) FROM bad WHERE k = 'b1';
#error ^vec_json: argument 1: blob length 1 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_json: 2-byte blob
SELECT vec_json(v) FROM bad WHERE k = 'b2';
#error ^vec_json: argument 1: blob length 2 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_json: 3-byte blob
SELECT vec_json(v) FROM bad WHERE k = 'b3';
#error ^vec_json: argument 1: blob length 3 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_json: NaN in a blob
SELECT vec_json(v) FROM bad WHERE k = 'nan';
#error ^vec_json: argument 1: element 0 is NaN; vectors must be finite

#test vec_json: +Inf in a blob (element 1)
SELECT vec_json(v) FROM bad WHERE k = 'inf';
#error ^vec_json: argument 1: element 1 is infinite; vectors must be finite

#test vec_json: [1e39] overflows float32
SELECT vec_json(v) FROM bad WHERE k = 'big';
#error ^vec_json: argument 1: element 0 (1e+39) is not a finite float32; vectors must be finite and within +-3.4e38

#test vec_json: JSON object
SELECT vec_json(v) FROM bad WHERE k = 'obj';
#error ^vec_json: argument 1: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test vec_json: JSON string element
SELECT vec_json(v) FROM bad WHERE k = 'nonnum';
#error ^vec_json: argument 1: element 1 is not a number; every element must be numeric

#test vec_json: text after the JSON array
SELECT vec_json(v) FROM bad WHERE k = 'trail';
#error ^vec_json: argument 1: malformed JSON near byte 7

#test vec_json: JSON nested 100,000 deep, unclosed
SELECT vec_json(v) FROM bad WHERE k = 'deep';
#error ^vec_json: argument 1: malformed JSON near byte 1000

#test vec_json: INTEGER instead of a vector
SELECT vec_json(v) FROM bad WHERE k = 'int';
#error ^vec_json: argument 1: expected a float32 BLOB or JSON array text, got an INTEGER

#test vec_json: REAL instead of a vector
SELECT vec_json(v) FROM bad WHERE k = 'real';
#error ^vec_json: argument 1: expected a float32 BLOB or JSON array text, got a REAL

#test vec_json: empty JSON array
SELECT vec_json(v) FROM bad WHERE k = 'jempty';
#error ^vec_json: argument 1: empty vector (a vector needs at least one element)

-- vec_dim

#test vec_dim: 1-byte blob
SELECT vec_dim(v) FROM bad WHERE k = 'b1';
#error ^vec_dim: argument 1: blob length 1 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_dim: 2-byte blob
SELECT vec_dim(v) FROM bad WHERE k = 'b2';
#error ^vec_dim: argument 1: blob length 2 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_dim: 3-byte blob
SELECT vec_dim(v) FROM bad WHERE k = 'b3';
#error ^vec_dim: argument 1: blob length 3 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_dim: NaN in a blob
SELECT vec_dim(v) FROM bad WHERE k = 'nan';
#error ^vec_dim: argument 1: element 0 is NaN; vectors must be finite

#test vec_dim: +Inf in a blob (element 1)
SELECT vec_dim(v) FROM bad WHERE k = 'inf';
#error ^vec_dim: argument 1: element 1 is infinite; vectors must be finite

#test vec_dim: [1e39] overflows float32
SELECT vec_dim(v) FROM bad WHERE k = 'big';
#error ^vec_dim: argument 1: element 0 (1e+39) is not a finite float32; vectors must be finite and within +-3.4e38

#test vec_dim: JSON object
SELECT vec_dim(v) FROM bad WHERE k = 'obj';
#error ^vec_dim: argument 1: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test vec_dim: JSON string element
SELECT vec_dim(v) FROM bad WHERE k = 'nonnum';
#error ^vec_dim: argument 1: element 1 is not a number; every element must be numeric

#test vec_dim: text after the JSON array
SELECT vec_dim(v) FROM bad WHERE k = 'trail';
#error ^vec_dim: argument 1: malformed JSON near byte 7

#test vec_dim: JSON nested 100,000 deep, unclosed
SELECT vec_dim(v) FROM bad WHERE k = 'deep';
#error ^vec_dim: argument 1: malformed JSON near byte 1000

#test vec_dim: INTEGER instead of a vector
SELECT vec_dim(v) FROM bad WHERE k = 'int';
#error ^vec_dim: argument 1: expected a float32 BLOB or JSON array text, got an INTEGER

#test vec_dim: REAL instead of a vector
SELECT vec_dim(v) FROM bad WHERE k = 'real';
#error ^vec_dim: argument 1: expected a float32 BLOB or JSON array text, got a REAL

#test vec_dim: empty JSON array
SELECT vec_dim(v) FROM bad WHERE k = 'jempty';
#error ^vec_dim: argument 1: empty vector (a vector needs at least one element)

-- vec_norm

#test vec_norm: 1-byte blob
SELECT vec_norm(v) FROM bad WHERE k = 'b1';
#error ^vec_norm: argument 1: blob length 1 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_norm: 2-byte blob
SELECT vec_norm(v) FROM bad WHERE k = 'b2';
#error ^vec_norm: argument 1: blob length 2 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_norm: 3-byte blob
SELECT vec_norm(v) FROM bad WHERE k = 'b3';
#error ^vec_norm: argument 1: blob length 3 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_norm: NaN in a blob
SELECT vec_norm(v) FROM bad WHERE k = 'nan';
#error ^vec_norm: argument 1: element 0 is NaN; vectors must be finite

#test vec_norm: +Inf in a blob (element 1)
SELECT vec_norm(v) FROM bad WHERE k = 'inf';
#error ^vec_norm: argument 1: element 1 is infinite; vectors must be finite

#test vec_norm: [1e39] overflows float32
SELECT vec_norm(v) FROM bad WHERE k = 'big';
#error ^vec_norm: argument 1: element 0 (1e+39) is not a finite float32; vectors must be finite and within +-3.4e38

#test vec_norm: JSON object
SELECT vec_norm(v) FROM bad WHERE k = 'obj';
#error ^vec_norm: argument 1: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test vec_norm: JSON string element
SELECT vec_norm(v) FROM bad WHERE k = 'nonnum';
#error ^vec_norm: argument 1: element 1 is not a number; every element must be numeric

#test vec_norm: text after the JSON array
SELECT vec_norm(v) FROM bad WHERE k = 'trail';
#error ^vec_norm: argument 1: malformed JSON near byte 7

#test vec_norm: JSON nested 100,000 deep, unclosed
SELECT vec_norm(v) FROM bad WHERE k = 'deep';
#error ^vec_norm: argument 1: malformed JSON near byte 1000

#test vec_norm: INTEGER instead of a vector
SELECT vec_norm(v) FROM bad WHERE k = 'int';
#error ^vec_norm: argument 1: expected a float32 BLOB or JSON array text, got an INTEGER

#test vec_norm: REAL instead of a vector
SELECT vec_norm(v) FROM bad WHERE k = 'real';
#error ^vec_norm: argument 1: expected a float32 BLOB or JSON array text, got a REAL

#test vec_norm: empty JSON array
SELECT vec_norm(v) FROM bad WHERE k = 'jempty';
#error ^vec_norm: argument 1: empty vector (a vector needs at least one element)

-- vec_normalize

#test vec_normalize: 1-byte blob
SELECT vec_normalize(v) FROM bad WHERE k = 'b1';
#error ^vec_normalize: argument 1: blob length 1 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_normalize: 2-byte blob
SELECT vec_normalize(v) FROM bad WHERE k = 'b2';
#error ^vec_normalize: argument 1: blob length 2 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_normalize: 3-byte blob
SELECT vec_normalize(v) FROM bad WHERE k = 'b3';
#error ^vec_normalize: argument 1: blob length 3 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test vec_normalize: NaN in a blob
SELECT vec_normalize(v) FROM bad WHERE k = 'nan';
#error ^vec_normalize: argument 1: element 0 is NaN; vectors must be finite

#test vec_normalize: +Inf in a blob (element 1)
SELECT vec_normalize(v) FROM bad WHERE k = 'inf';
#error ^vec_normalize: argument 1: element 1 is infinite; vectors must be finite

#test vec_normalize: [1e39] overflows float32
SELECT vec_normalize(v) FROM bad WHERE k = 'big';
#error ^vec_normalize: argument 1: element 0 (1e+39) is not a finite float32; vectors must be finite and within +-3.4e38

#test vec_normalize: JSON object
SELECT vec_normalize(v) FROM bad WHERE k = 'obj';
#error ^vec_normalize: argument 1: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test vec_normalize: JSON string element
SELECT vec_normalize(v) FROM bad WHERE k = 'nonnum';
#error ^vec_normalize: argument 1: element 1 is not a number; every element must be numeric

#test vec_normalize: text after the JSON array
SELECT vec_normalize(v) FROM bad WHERE k = 'trail';
#error ^vec_normalize: argument 1: malformed JSON near byte 7

#test vec_normalize: JSON nested 100,000 deep, unclosed
SELECT vec_normalize(v) FROM bad WHERE k = 'deep';
#error ^vec_normalize: argument 1: malformed JSON near byte 1000

#test vec_normalize: INTEGER instead of a vector
SELECT vec_normalize(v) FROM bad WHERE k = 'int';
#error ^vec_normalize: argument 1: expected a float32 BLOB or JSON array text, got an INTEGER

#test vec_normalize: REAL instead of a vector
SELECT vec_normalize(v) FROM bad WHERE k = 'real';
#error ^vec_normalize: argument 1: expected a float32 BLOB or JSON array text, got a REAL

#test vec_normalize: empty JSON array
SELECT vec_normalize(v) FROM bad WHERE k = 'jempty';
#error ^vec_normalize: argument 1: empty vector (a vector needs at least one element)

-- prototype

#test prototype: 1-byte blob
SELECT prototype(v) FROM bad WHERE k = 'b1';
#error ^prototype: argument 1: blob length 1 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test prototype: 2-byte blob
SELECT prototype(v) FROM bad WHERE k = 'b2';
#error ^prototype: argument 1: blob length 2 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test prototype: 3-byte blob
SELECT prototype(v) FROM bad WHERE k = 'b3';
#error ^prototype: argument 1: blob length 3 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test prototype: NaN in a blob
SELECT prototype(v) FROM bad WHERE k = 'nan';
#error ^prototype: argument 1: element 0 is NaN; vectors must be finite

#test prototype: +Inf in a blob (element 1)
SELECT prototype(v) FROM bad WHERE k = 'inf';
#error ^prototype: argument 1: element 1 is infinite; vectors must be finite

#test prototype: [1e39] overflows float32
SELECT prototype(v) FROM bad WHERE k = 'big';
#error ^prototype: argument 1: element 0 (1e+39) is not a finite float32; vectors must be finite and within +-3.4e38

#test prototype: JSON object
SELECT prototype(v) FROM bad WHERE k = 'obj';
#error ^prototype: argument 1: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test prototype: JSON string element
SELECT prototype(v) FROM bad WHERE k = 'nonnum';
#error ^prototype: argument 1: element 1 is not a number; every element must be numeric

#test prototype: text after the JSON array
SELECT prototype(v) FROM bad WHERE k = 'trail';
#error ^prototype: argument 1: malformed JSON near byte 7

#test prototype: JSON nested 100,000 deep, unclosed
SELECT prototype(v) FROM bad WHERE k = 'deep';
#error ^prototype: argument 1: malformed JSON near byte 1000

#test prototype: INTEGER instead of a vector
SELECT prototype(v) FROM bad WHERE k = 'int';
#error ^prototype: argument 1: expected a float32 BLOB or JSON array text, got an INTEGER

#test prototype: REAL instead of a vector
SELECT prototype(v) FROM bad WHERE k = 'real';
#error ^prototype: argument 1: expected a float32 BLOB or JSON array text, got a REAL

#test prototype: empty JSON array
SELECT prototype(v) FROM bad WHERE k = 'jempty';
#error ^prototype: argument 1: empty vector (a vector needs at least one element)

-- cosine: bad first and bad second argument

#test cosine: 1-byte blob as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'b1' AND g.k = 'good';
#error ^cosine: argument 1: blob length 1 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test cosine: 1-byte blob as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'b1';
#error ^cosine: argument 2: blob length 1 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test cosine: 2-byte blob as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'b2' AND g.k = 'good';
#error ^cosine: argument 1: blob length 2 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test cosine: 2-byte blob as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'b2';
#error ^cosine: argument 2: blob length 2 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test cosine: 3-byte blob as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'b3' AND g.k = 'good';
#error ^cosine: argument 1: blob length 3 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test cosine: 3-byte blob as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'b3';
#error ^cosine: argument 2: blob length 3 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test cosine: NaN in a blob as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'nan' AND g.k = 'good';
#error ^cosine: argument 1: element 0 is NaN; vectors must be finite

#test cosine: NaN in a blob as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'nan';
#error ^cosine: argument 2: element 0 is NaN; vectors must be finite

#test cosine: +Inf in a blob (element 1) as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'inf' AND g.k = 'good';
#error ^cosine: argument 1: element 1 is infinite; vectors must be finite

#test cosine: +Inf in a blob (element 1) as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'inf';
#error ^cosine: argument 2: element 1 is infinite; vectors must be finite

#test cosine: [1e39] overflows float32 as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'big' AND g.k = 'good';
#error ^cosine: argument 1: element 0 (1e+39) is not a finite float32; vectors must be finite and within +-3.4e38

#test cosine: [1e39] overflows float32 as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'big';
#error ^cosine: argument 2: element 0 (1e+39) is not a finite float32; vectors must be finite and within +-3.4e38

#test cosine: JSON object as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'obj' AND g.k = 'good';
#error ^cosine: argument 1: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test cosine: JSON object as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'obj';
#error ^cosine: argument 2: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test cosine: JSON string element as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'nonnum' AND g.k = 'good';
#error ^cosine: argument 1: element 1 is not a number; every element must be numeric

#test cosine: JSON string element as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'nonnum';
#error ^cosine: argument 2: element 1 is not a number; every element must be numeric

#test cosine: text after the JSON array as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'trail' AND g.k = 'good';
#error ^cosine: argument 1: malformed JSON near byte 7

#test cosine: text after the JSON array as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'trail';
#error ^cosine: argument 2: malformed JSON near byte 7

#test cosine: JSON nested 100,000 deep, unclosed as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'deep' AND g.k = 'good';
#error ^cosine: argument 1: malformed JSON near byte 1000

#test cosine: JSON nested 100,000 deep, unclosed as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'deep';
#error ^cosine: argument 2: malformed JSON near byte 1000

#test cosine: INTEGER instead of a vector as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'int' AND g.k = 'good';
#error ^cosine: argument 1: expected a float32 BLOB or JSON array text, got an INTEGER

#test cosine: INTEGER instead of a vector as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'int';
#error ^cosine: argument 2: expected a float32 BLOB or JSON array text, got an INTEGER

#test cosine: REAL instead of a vector as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'real' AND g.k = 'good';
#error ^cosine: argument 1: expected a float32 BLOB or JSON array text, got a REAL

#test cosine: REAL instead of a vector as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'real';
#error ^cosine: argument 2: expected a float32 BLOB or JSON array text, got a REAL

#test cosine: empty JSON array as argument 1
SELECT cosine(b.v, g.v) FROM bad b, bad g WHERE b.k = 'jempty' AND g.k = 'good';
#error ^cosine: argument 1: empty vector (a vector needs at least one element)

#test cosine: empty JSON array as argument 2
SELECT cosine(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'jempty';
#error ^cosine: argument 2: empty vector (a vector needs at least one element)

-- cosine_distance: bad first and bad second argument

#test cosine_distance: 1-byte blob as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'b1' AND g.k = 'good';
#error ^cosine_distance: argument 1: blob length 1 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test cosine_distance: 1-byte blob as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'b1';
#error ^cosine_distance: argument 2: blob length 1 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test cosine_distance: 2-byte blob as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'b2' AND g.k = 'good';
#error ^cosine_distance: argument 1: blob length 2 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test cosine_distance: 2-byte blob as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'b2';
#error ^cosine_distance: argument 2: blob length 2 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test cosine_distance: 3-byte blob as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'b3' AND g.k = 'good';
#error ^cosine_distance: argument 1: blob length 3 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test cosine_distance: 3-byte blob as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'b3';
#error ^cosine_distance: argument 2: blob length 3 is not a multiple of 4; a vector BLOB is packed little-endian float32

#test cosine_distance: NaN in a blob as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'nan' AND g.k = 'good';
#error ^cosine_distance: argument 1: element 0 is NaN; vectors must be finite

#test cosine_distance: NaN in a blob as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'nan';
#error ^cosine_distance: argument 2: element 0 is NaN; vectors must be finite

#test cosine_distance: +Inf in a blob (element 1) as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'inf' AND g.k = 'good';
#error ^cosine_distance: argument 1: element 1 is infinite; vectors must be finite

#test cosine_distance: +Inf in a blob (element 1) as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'inf';
#error ^cosine_distance: argument 2: element 1 is infinite; vectors must be finite

#test cosine_distance: [1e39] overflows float32 as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'big' AND g.k = 'good';
#error ^cosine_distance: argument 1: element 0 (1e+39) is not a finite float32; vectors must be finite and within +-3.4e38

#test cosine_distance: [1e39] overflows float32 as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'big';
#error ^cosine_distance: argument 2: element 0 (1e+39) is not a finite float32; vectors must be finite and within +-3.4e38

#test cosine_distance: JSON object as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'obj' AND g.k = 'good';
#error ^cosine_distance: argument 1: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test cosine_distance: JSON object as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'obj';
#error ^cosine_distance: argument 2: JSON is not an array; expected an array of numbers such as [0.1, -2, 3e-4]

#test cosine_distance: JSON string element as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'nonnum' AND g.k = 'good';
#error ^cosine_distance: argument 1: element 1 is not a number; every element must be numeric

#test cosine_distance: JSON string element as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'nonnum';
#error ^cosine_distance: argument 2: element 1 is not a number; every element must be numeric

#test cosine_distance: text after the JSON array as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'trail' AND g.k = 'good';
#error ^cosine_distance: argument 1: malformed JSON near byte 7

#test cosine_distance: text after the JSON array as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'trail';
#error ^cosine_distance: argument 2: malformed JSON near byte 7

#test cosine_distance: JSON nested 100,000 deep, unclosed as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'deep' AND g.k = 'good';
#error ^cosine_distance: argument 1: malformed JSON near byte 1000

#test cosine_distance: JSON nested 100,000 deep, unclosed as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'deep';
#error ^cosine_distance: argument 2: malformed JSON near byte 1000

#test cosine_distance: INTEGER instead of a vector as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'int' AND g.k = 'good';
#error ^cosine_distance: argument 1: expected a float32 BLOB or JSON array text, got an INTEGER

#test cosine_distance: INTEGER instead of a vector as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'int';
#error ^cosine_distance: argument 2: expected a float32 BLOB or JSON array text, got an INTEGER

#test cosine_distance: REAL instead of a vector as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'real' AND g.k = 'good';
#error ^cosine_distance: argument 1: expected a float32 BLOB or JSON array text, got a REAL

#test cosine_distance: REAL instead of a vector as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'real';
#error ^cosine_distance: argument 2: expected a float32 BLOB or JSON array text, got a REAL

#test cosine_distance: empty JSON array as argument 1
SELECT cosine_distance(b.v, g.v) FROM bad b, bad g WHERE b.k = 'jempty' AND g.k = 'good';
#error ^cosine_distance: argument 1: empty vector (a vector needs at least one element)

#test cosine_distance: empty JSON array as argument 2
SELECT cosine_distance(g.v, b.v) FROM bad g, bad b WHERE g.k = 'good' AND b.k = 'jempty';
#error ^cosine_distance: argument 2: empty vector (a vector needs at least one element)
-- prototype: a bad row after good rows, as aggregate and as window function
#test prototype: a bad row after good ones fails the aggregate
SELECT prototype(v) FROM bad WHERE k IN ('good', 'nan') ORDER BY k;
#error ^prototype: argument 1: element 0 is NaN

#test prototype: a bad row fails the window function
SELECT prototype(v) OVER (ORDER BY k ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM bad WHERE k IN ('good', 'b3');
#error ^prototype: argument 1: blob length 3 is not a multiple of 4

#test prototype: dimension mismatch names both dimensions
SELECT prototype(v) FROM (SELECT v FROM bad WHERE k = 'good' UNION ALL SELECT v FROM bad WHERE k = 'good3');
#error ^prototype: dimension mismatch (2 vs 3)

#test prototype: dimension mismatch in a sliding window
SELECT prototype(v) OVER (ORDER BY k ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM bad WHERE k IN ('good', 'good3');
#error ^prototype: dimension mismatch (2 vs 3)

-- NULL does not excuse a bad other argument
#test cosine: NULL first argument and a bad second one is still an error
SELECT cosine(NULL, v) FROM bad WHERE k = 'b1';
#error ^cosine: argument 2: blob length 1

#test cosine_distance: bad first argument and NULL second one is an error
SELECT cosine_distance(v, NULL) FROM bad WHERE k = 'real';
#error ^cosine_distance: argument 1: expected a float32 BLOB or JSON array text, got a REAL

#test cosine: dimension mismatch names both dimensions
SELECT cosine(a.v, b.v) FROM bad a, bad b WHERE a.k = 'good3' AND b.k = 'good';
#error ^cosine: dimension mismatch (3 vs 2); both vectors must come from the same embedding model

#test cosine_distance: dimension mismatch names both dimensions
SELECT cosine_distance('[1]', v) FROM bad WHERE k = 'good';
#error ^cosine_distance: dimension mismatch (1 vs 2)

-- zero vectors: no direction, so normalising or a cosine is an error; the
-- rest works.  'zero' is [0, -0.0] as a BLOB, 'jzero' [0, -0.0, 0e5].
#test vec_normalize: zero vector (with a negative zero)
SELECT vec_normalize(v) FROM bad WHERE k = 'zero';
#error ^vec_normalize: argument 1 is a zero vector, which has no direction; filter it out (WHERE vec_norm(v) > 0)

#test vec_normalize: zero vector from JSON
SELECT vec_normalize(v) FROM bad WHERE k = 'jzero';
#error ^vec_normalize: argument 1 is a zero vector

#test cosine: zero vector as argument 1
SELECT cosine(v, '[1, 2]') FROM bad WHERE k = 'zero';
#error ^cosine: argument 1 is a zero vector; cosine is undefined for it (filter with vec_norm(v) > 0)

#test cosine: zero vector as argument 2
SELECT cosine('[1, 2, 3]', v) FROM bad WHERE k = 'jzero';
#error ^cosine: argument 2 is a zero vector

#test cosine_distance: zero vector as argument 2
SELECT cosine_distance('[1, 2]', v) FROM bad WHERE k = 'zero';
#error ^cosine_distance: argument 2 is a zero vector

#test zero vectors work where no direction is needed
-- (the mean sums in double precision from +0, so -0 becomes +0)
SELECT vec_dim(v), vec_norm(v), vec_json(v), hex(vec_f32(v)), hex(prototype(v)) FROM bad WHERE k = 'zero';
#expect
2|0.0|[0,-0]|0000000000000080|0000000000000000

#test subnormal vectors have a direction: no underflow to zero
SELECT vec_json(vec_normalize(x'01000000')), cosine(x'0100000002000000', '[1, 2]');
#expect
[1]|1.0

#test float32 extremes do not overflow: norms and means in double precision
SELECT vec_norm('[3e38, 3e38]') > 4.24e38, vec_json(vec_normalize('[3e38, 3e38]')),
       (SELECT prototype(v) = vec_f32('[3.4e38]') FROM (SELECT '[3.4e38]' AS v UNION ALL SELECT '[3.4e38]'));
#expect
1|[0.707106769,0.707106769]|1

-- a failing write leaves the file untouched (the checksum is compared)
#setup
CREATE TABLE checked(v BLOB CHECK (vec_dim(v) > 0));
CREATE TABLE copied(k TEXT, v BLOB);

#test a CHECK constraint that calls vec_dim rejects a 1-byte blob
INSERT INTO checked VALUES (x'01');
#error ^vec_dim: argument 1: blob length 1 is not a multiple of 4

#test an UPDATE that fails part-way changes nothing
UPDATE bad_rows SET v = vec_f32(v);
#error ^vec_f32: argument 1: blob length 1

#test an INSERT ... SELECT that fails part-way changes nothing
INSERT INTO copied SELECT k, vec_normalize(v) FROM bad_rows;
#error ^vec_normalize: argument 1: blob length 1

#test the failed statements left no rows behind
SELECT (SELECT count(*) FROM copied), (SELECT count(*) FROM checked), (SELECT v FROM bad_rows WHERE k = 'good');
#expect
0|0|[3, 4]

-- behavior_type: only 0, 1 (INTEGER or REAL) and NULL are flags
#test behavior_type: 2 as harmful_request
SELECT behavior_type(2, 1);
#error ^behavior_type: argument 1 (harmful_request) must be 0, 1 or NULL, got 2

#test behavior_type: -1 as refusal
SELECT behavior_type(1, -1);
#error ^behavior_type: argument 2 (refusal) must be 0, 1 or NULL, got -1

#test behavior_type: 0.5
SELECT behavior_type(0.5, 0);
#error ^behavior_type: argument 1 (harmful_request) must be 0, 1 or NULL, got 0.5

#test behavior_type: 1e308
SELECT behavior_type(0, 1e308);
#error ^behavior_type: argument 2 (refusal) must be 0, 1 or NULL, got 1.0e+308

#test behavior_type: NaN-like text and huge integers
SELECT behavior_type(9223372036854775807, 0);
#error ^behavior_type: argument 1 (harmful_request) must be 0, 1 or NULL, got 9223372036854775807

#test behavior_type: the text '1' is not a flag
SELECT behavior_type('1', 1);
#error ^behavior_type: argument 1 (harmful_request) must be 0, 1 or NULL, got the text '1'; pass a number, e.g. CAST(x AS INTEGER) (csv_each fields and JSON strings are text)

#test behavior_type: a label instead of a flag
SELECT behavior_type(1, 'T1');
#error =behavior_type: argument 2 (refusal) must be 0, 1 or NULL, got the text 'T1'

#test behavior_type: text that is no number gets no CAST hint ('yes' would CAST to 0)
SELECT behavior_type('yes', 1);
#error =behavior_type: argument 1 (harmful_request) must be 0, 1 or NULL, got the text 'yes'

#test behavior_type: text with blanks around a number gets it (SQLite's own rule)
SELECT behavior_type(' 1 ', 1);
#error =behavior_type: argument 1 (harmful_request) must be 0, 1 or NULL, got the text ' 1 '; pass a number, e.g. CAST(x AS INTEGER) (csv_each fields and JSON strings are text)

#test behavior_type: empty text
SELECT behavior_type('', 0);
#error ^behavior_type: argument 1 (harmful_request) must be 0, 1 or NULL

#test behavior_type: a BLOB
SELECT behavior_type(0, x'01');
#error ^behavior_type: argument 2 (refusal) must be 0, 1 or NULL, got a BLOB

#test behavior_type: a vector column
SELECT behavior_type(v, 1) FROM bad WHERE k = 'good3';
#error ^behavior_type: argument 1 (harmful_request) must be 0, 1 or NULL

#test behavior_type: a bad flag with a NULL partner is still an error
SELECT behavior_type(NULL, 7);
#error ^behavior_type: argument 2 (refusal) must be 0, 1 or NULL, got 7

#test behavior_type: a megabyte of text fails cleanly
SELECT behavior_type(hex(zeroblob(500000)), 0);
#error ^behavior_type: argument 1 (harmful_request) must be 0, 1 or NULL, got the text '0000000000000000000000000000000000000000...'

#test behavior_type: every bad row of a table fails the statement, changing nothing
UPDATE bad_rows SET k = behavior_type(v, 0);
#error ^behavior_type: argument 1 (harmful_request) must be 0, 1 or NULL

#test behavior_type accepts REAL 0.0 and 1.0
SELECT behavior_type(1.0, 1.0), behavior_type(0.0, 1), behavior_type(1, 0.0), behavior_type(0, 0);
#expect
T1|T4|T2|T3

-- safety_sample on the file: bad arguments, options and relations.  The
-- pool is the hand-worked one of sample.sql; the bad relations are views.
#read sql/schema.sql
#read tests/data/sample_pool.sql
#setup
CREATE TABLE empty_pool(id INTEGER, category TEXT, behavior TEXT, embedding BLOB);
CREATE VIEW p_text_id AS SELECT 'x1' AS id, 'a' AS category, 'T1' AS behavior, vec_f32('[1,0]') AS embedding;
CREATE VIEW p_no_emb AS SELECT id, category, behavior FROM safety_pool;
CREATE VIEW p_two_behaviours AS SELECT 1 AS id, 'a' AS category, 'T1' AS behavior, vec_f32('[1,0]') AS embedding
  UNION ALL SELECT 1, 'b', 'T2', vec_f32('[1,0]');
CREATE VIEW p_null_emb AS SELECT 1 AS id, 'a' AS category, 'T1' AS behavior, NULL AS embedding;
CREATE VIEW p_zero_emb AS SELECT 1 AS id, 'a' AS category, 'T1' AS behavior, zeroblob(8) AS embedding;
CREATE VIEW p_nan_emb AS SELECT 1 AS id, 'a' AS category, 'T1' AS behavior, x'0000803F0000C07F' AS embedding;
CREATE VIEW p_short_emb AS SELECT 1 AS id, 'a' AS category, 'T1' AS behavior, x'010203' AS embedding;
CREATE VIEW p_mismatch AS SELECT 1 AS id, 'a' AS category, 'T1' AS behavior, vec_f32('[1,0]') AS embedding
  UNION ALL SELECT 2, 'a', 'T1', vec_f32('[1,0,0]');
CREATE TABLE ref_empty(category TEXT, embedding BLOB);

#test safety_sample: NULL method
SELECT * FROM safety_sample(NULL, 1);
#error ^safety_sample: unknown method 'NULL'

#test safety_sample: NULL budget
SELECT * FROM safety_sample('random', NULL);
#error ^safety_sample: budget is NULL

#test safety_sample: budget -1
SELECT * FROM safety_sample('random', -1);
#error ^safety_sample: budget must be positive, got -1

#test safety_sample: budget 0
SELECT * FROM safety_sample('sss', 0);
#error ^safety_sample: budget must be positive, got 0

#test safety_sample: budget 1e308
SELECT * FROM safety_sample('pss', 1e308);
#error ^safety_sample: budget 1e+308 is too large

#test safety_sample: text budget
SELECT * FROM safety_sample('random', 'ten');
#error ^safety_sample: budget must be a number, got 'ten'

-- An INTEGER one past 2^53 would round to 2^53 as a double and pass.
#test safety_sample: integer budget 2^53 + 1
SELECT * FROM safety_sample('pss', 9007199254740993);
#error ^safety_sample: budget 9007199254740993 is too large; the largest count is 2^53

#test safety_sweep: integer budget 2^53 + 1 in the array
SELECT * FROM safety_sweep('pss', '[9007199254740993]');
#error ^safety_sweep: pss, budget 9007199254740993, seed 0: budget 9007199254740993 is too large

#test safety_sample: a BLOB budget is named as a BLOB, not printed as text
SELECT * FROM safety_sample('random', x'01');
#error ^safety_sample: budget must be a number, got a BLOB;

#test safety_sample: options that are not an object
SELECT * FROM safety_sample('random', 1, '[1, 2]');
#error ^safety_sample: options must be a JSON object

#test safety_sample: malformed options
SELECT * FROM safety_sample('random', 1, '{"seed": 1');
#error ^safety_sample: options are not valid JSON

#test safety_sample: text after the options object: where it starts
SELECT * FROM safety_sample('random', 1, '{"seed": 1} {"seed": 2}');
#error ^safety_sample: options are not valid JSON (near byte 11: ' {"seed": 2}'); pass a JSON object such as '{"seed": 1}'

#test safety_sample: a trailing comma, the text from a byte before where cJSON stopped
SELECT * FROM safety_sample('random', 1, '{"seed": 1,}');
#error ^safety_sample: options are not valid JSON (near byte 10: ',}')

#test safety_sample: an unquoted key: the text shown starts at the key (cJSON reports the byte after)
SELECT * FROM safety_sample('random', 1, '{seed: 1}');
#error ^safety_sample: options are not valid JSON (near byte 1: 'seed: 1}')

#test safety_sample: a key that starts with a 2-byte character: the text shown starts at its first byte
SELECT * FROM safety_sample('random', 1, '{"seed": 1, éx: 2}');
#error ^safety_sample: options are not valid JSON (near byte 12: 'éx: 2}')

#test safety_sample: Python's str() of a dict: single quotes, with the json.dumps hint
SELECT * FROM safety_sample('random', 1, '{''seed'': 1, ''group'': ''instruction''}');
#error (names and strings take double quotes: in Python, json.dumps(options))

#test safety_sample: long invalid options show 20 bytes from a byte before where cJSON stopped
SELECT * FROM safety_sample('random', 1, '{"seed": 1, "x": ' || replace(hex(zeroblob(40)), '0', 'y') || '}');
#error (near byte 16: ' yyyyyyyyyyyyyyyyyyy...')

#test safety_sample: the shown text is never cut inside a UTF-8 character
SELECT * FROM safety_sample('random', 1, '{"x": ' || 'yyyyyyyyyyyyyyyyyyé' || '}');
#error (near byte 5: ' yyyyyyyyyyyyyyyyyy...')

#test safety_sample: empty options text says to pass an object, '{}' or NULL
SELECT * FROM safety_sample('random', 1, '');
#error ^safety_sample: options are empty text; pass a JSON object such as '{"seed": 1}', '{}' or NULL for none

#test safety_sample: options of the wrong type per key
SELECT * FROM safety_sample('random', 1, '{"seed": "1"}');
#error ^safety_sample: option seed must be a whole number

#test safety_sample: a relation name cannot inject SQL
SELECT * FROM safety_sample('random', 1, '{"pool": "safety_pool\"; DROP TABLE examples; --"}');
#error ^safety_sample: the pool relation "safety_pool"; DROP TABLE examples; --" cannot be read

#test safety_sample: missing relation
SELECT * FROM safety_sample('random', 1, '{"pool": "nope"}');
#error ^safety_sample: the pool relation "nope" cannot be read

#test safety_sample: missing column
SELECT * FROM safety_sample('pss', 1, '{"pool": "p_no_emb"}');
#error ^safety_sample: the pool relation "p_no_emb" has no column embedding

#test safety_sample: an empty pool relation
SELECT * FROM safety_sample('random', 1, '{"pool": "empty_pool"}');
#error ^safety_sample: only 0 eligible examples

#test safety_sample: text ids
SELECT * FROM safety_sample('random', 1, '{"pool": "p_text_id"}');
#error ^safety_sample: the pool relation "p_text_id" has an id that is not an INTEGER (x1)

#test safety_sample: two behaviours for one id
SELECT * FROM safety_sample('random', 1, '{"pool": "p_two_behaviours"}');
#error ^safety_sample: pool example 1 has two behaviours (T1 and T2)

#test safety_sample: NULL embedding
SELECT * FROM safety_sample('pss', 1, '{"pool": "p_null_emb"}');
#error ^safety_sample: pool example 1 has no embedding

#test safety_sample: zero embedding
SELECT * FROM safety_sample('pss', 1, '{"pool": "p_zero_emb"}');
#error ^safety_sample: pool example 1 has a zero embedding

#test safety_sample: NaN embedding
SELECT * FROM safety_sample('cossim', 1, '{"pool": "p_nan_emb"}');
#error ^safety_sample: pool example 1 has an embedding whose element 1 is NaN

#test safety_sample: short embedding
SELECT * FROM safety_sample('pss', 1, '{"pool": "p_short_emb"}');
#error ^safety_sample: pool example 1 has an embedding of 3 bytes, which is not a float32 vector

#test safety_sample: mismatched embeddings
SELECT * FROM safety_sample('pss', 1, '{"pool": "p_mismatch"}');
#error ^safety_sample: pool example 2 has a 3-dimensional embedding but others have 2

#test safety_sample: an empty reference set
SELECT * FROM safety_sample('cossim-b', 1, '{"reference": "ref_empty"}');
#error ^safety_sample: the reference relation "ref_empty" has no rows

#test safety_sample: the bad calls left every table as it was
SELECT (SELECT count(*) FROM examples), (SELECT count(*) FROM empty_pool), (SELECT count(*) FROM ref_empty);
#expect
9|0|0

-- jsonl_each on the file: bad paths and a byte-order mark past line 1
-- (cJSON skips one, but SQLite's json functions would reject the value).
#test jsonl_each: a byte-order mark on line 2
SELECT line FROM jsonl_each('tests/data/jsonl/bom_line2.jsonl');
#error ^jsonl_each: tests/data/jsonl/bom_line2.jsonl line 2: byte-order mark at column 1; only the first line of a file may start with one

#test jsonl_each: a missing file
SELECT * FROM jsonl_each('tests/data/jsonl/no_such_file.jsonl');
#error ^jsonl_each: cannot open 'tests/data/jsonl/no_such_file.jsonl': No such file or directory

#test jsonl_each: a directory
SELECT * FROM jsonl_each('tests/data/jsonl');
#error ^jsonl_each: 'tests/data/jsonl' is a directory

#test jsonl_each: NULL path
SELECT * FROM jsonl_each(NULL);
#error ^jsonl_each: the path is NULL

-- limits (last: the table big makes the file larger): dimension 65,536
-- works, 65,537 too; JSON a million elements long or 100,000 deep
#setup
CREATE TABLE big AS
  SELECT vec_f32('[' || replace(hex(zeroblob(65535)), '00', '1,') || '1]') AS ones,
         vec_f32('[' || replace(hex(zeroblob(65535)), '00', '0.5,') || '-2]') AS other,
         zeroblob(4 * 65535) AS short;

#test dimension 65,536: dim, norm, cosine, normalize, JSON round trip
SELECT vec_dim(ones), vec_norm(ones), cosine(ones, ones), cosine_distance(ones, ones),
       abs(vec_norm(vec_normalize(ones)) - 1) < 1e-6,
       vec_f32(vec_json(other)) = other, length(vec_json(ones))
FROM big;
#expect
65536|256.0|1.0|0.0|1|1|131073

#test dimension 65,536: cosine matches the closed form
SELECT abs(cosine(ones, other) - (65535 * 0.5 - 2) / (256.0 * sqrt(65535 * 0.25 + 4))) < 1e-12 FROM big;
#true

#test dimension 65,536: prototype of two vectors
SELECT vec_f32(vec_json(prototype(v))) = vec_f32('[' || replace(hex(zeroblob(65535)), '00', '0.75,') || '-0.5]')
FROM (SELECT ones AS v FROM big UNION ALL SELECT other FROM big);
#true

#test dimension 65,536 against 65,535 names both
SELECT cosine(ones, short) FROM big;
#error ^cosine: dimension mismatch (65536 vs 65535)

#test dimension 65,537 works and a NaN at its end is found
SELECT vec_dim(CAST(ones || x'0000803F' AS BLOB)) FROM big;
#expect
65537

#test the last element of a 65,537-element blob is checked
SELECT vec_f32(CAST(ones || x'0000C07F' AS BLOB)) FROM big;
#error ^vec_f32: argument 1: element 65536 is NaN

#test a JSON array of a million elements parses and round-trips
WITH j(t) AS (SELECT '[' || replace(hex(zeroblob(999999)), '00', '1.25,') || '-3e-7]')
SELECT vec_dim(t), length(vec_f32(t)), vec_f32(vec_json(t)) = vec_f32(t) FROM j;
#expect
1000000|4000000|1

#test a million-element JSON array with one bad element at the end
SELECT vec_dim('[' || replace(hex(zeroblob(999999)), '00', '1,') || '1e39]');
#error ^vec_dim: argument 1: element 999999 (1e+39) is not a finite float32

#test a million-element JSON array in prototype and cosine
WITH j(t) AS (SELECT '[' || replace(hex(zeroblob(999999)), '00', '2,') || '2]')
SELECT vec_json(vec_normalize('[' || replace(hex(zeroblob(3)), '00', '2,') || '2]')),
       cosine(t, t), vec_dim(prototype(t)) FROM j;
#expect
[0.5,0.5,0.5,0.5]|1.0|1000000

#test JSON nested 100,000 deep inside an array
SELECT vec_norm('[1, ' || v || ']') FROM bad WHERE k = 'deepc';
#error ^vec_norm: argument 1: malformed JSON near byte

-- fl's sgemm scratch is sized to the category: two members of dimension
-- 768 once asked for gigabytes and failed with "out of memory".
#setup
CREATE TABLE wide_pool AS
  SELECT 1 AS id, 'a' AS category, 'T1' AS behavior, safety_embed('hello world', 768) AS embedding
  UNION ALL SELECT 2, 'a', 'T1', safety_embed('goodbye moon', 768)
  UNION ALL SELECT 3, 'b', 'T1', safety_embed('pick a lock', 768);

#test fl-b on small categories of 768-dimensional embeddings
SELECT count(*), count(DISTINCT id), sum(stage = 'category') FROM safety_sample('fl-b', 3, '{"pool": "wide_pool"}');
#expect
3|3|2
