-- vector.sql — the SQL vector functions of contract section 3: results,
-- NULL handling, every error message, prototype as aggregate and window.

#test cosine of parallel vectors is 1.0
SELECT cosine('[1,2,3]', '[2,4,6]');
#expect
1.0

#test cosine of orthogonal and opposite vectors
SELECT cosine('[1,0]', '[0,5]'), cosine('[1,2]', '[-2,-4]');
#expect
0.0|-1.0

#test cosine matches a hand-computed value (1*4+2*5+3*6)/(|a||b|)
SELECT abs(cosine('[1,2,3]', '[4,5,6]') - 32.0 / (sqrt(14.0) * sqrt(77.0))) < 1e-12;
#true

#test cosine accepts BLOB and JSON mixed
SELECT cosine(vec_f32('[1,2,3]'), '[2,4,6]');
#expect
1.0

#test cosine_distance is 1 - cosine
SELECT cosine_distance('[1,0]', '[0,1]'), cosine_distance('[3,4]', '[3,4]'),
       cosine_distance('[1,0]', '[-1,0]');
#expect
1.0|0.0|2.0

#test vec_f32 packs little-endian float32
SELECT hex(vec_f32('[1, -2, 0.5]'));
#expect
0000803F000000C00000003F

#test vec_f32 of a BLOB is the same BLOB
SELECT vec_f32(x'0000803F000000C0') = x'0000803F000000C0';
#true

#test vec_json prints %.9g and parses back to the identical BLOB
SELECT vec_json('[0.1, -2, 3e-4]'), vec_f32(vec_json('[0.1, -2, 3e-4]')) = vec_f32('[0.1, -2, 3e-4]');
#expect
[0.100000001,-2,0.000300000014]|1

#test vec_json round trip of extremes, subnormals and signed zero
WITH v(j) AS (VALUES ('[3.40282347e38, -3.40282347e38, 1.17549435e-38, 1.4e-45, -1.4e-45, 0, -0.0, 1e-40, 123456789, 0.333333333]'))
SELECT vec_f32(vec_json(j)) = vec_f32(j) FROM v;
#true

#test vec_json round trip of 2000 generated vectors
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000),
v(b) AS (SELECT vec_f32('[' || (i * 0.7315) || ',' || (-i / 3.0) || ',' || (1.0 / (i * i * 7.0)) || ',' || (i * 1e30) || ']') FROM n)
SELECT count(*) = 2000 FROM v WHERE vec_f32(vec_json(b)) = b;
#true

#test vec_dim counts elements of BLOB and JSON
SELECT vec_dim('[1,2,3]'), vec_dim(zeroblob(4 * 768)), vec_dim('[7]');
#expect
3|768|1

#test vec_norm is the L2 norm
SELECT vec_norm('[3,4]'), vec_norm('[0,0]'), vec_norm('[-2]');
#expect
5.0|0.0|2.0

#test vec_normalize gives a unit vector in the same direction
SELECT vec_json(vec_normalize('[3,4]')), abs(vec_norm(vec_normalize('[1,2,3,4,5]')) - 1) < 1e-7;
#expect
[0.600000024,0.800000012]|1

#test NULL in gives NULL out for every scalar function
SELECT vec_f32(NULL), vec_json(NULL), vec_dim(NULL), vec_norm(NULL),
       vec_normalize(NULL), cosine(NULL, '[1]'), cosine('[1]', NULL),
       cosine_distance(NULL, NULL);
#expect
NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL

#test prototype is the mean and skips NULL rows
WITH t(v) AS (VALUES ('[1,2]'), ('[3,4]'), (NULL), ('[5,9]')) SELECT prototype(v) = vec_f32('[3,5]') FROM t;
#true

#test prototype of only NULLs is NULL, and of no rows is NULL
WITH t(v) AS (VALUES (NULL), (NULL)) SELECT prototype(v) FROM t
UNION ALL SELECT prototype(v) FROM (SELECT '[1]' AS v WHERE 0);
#expect
NULL
NULL

#test prototype per group
CREATE TABLE pv(g TEXT, v TEXT);
INSERT INTO pv VALUES ('a','[1,1]'),('a','[3,5]'),('b','[10,0]'),('b',NULL),('c',NULL);
SELECT g, vec_json(prototype(v)) FROM pv GROUP BY g ORDER BY g;
#expect
a|[2,3]
b|[10,0]
c|NULL

#test prototype accumulates in double precision
-- 1e8 + 1 + 1 - 1e8 - 1 ... in float32 would lose the small terms.
WITH t(v) AS (VALUES ('[100000000]'), ('[1]'), ('[1]'), ('[-100000000]')) SELECT vec_json(prototype(v)) FROM t;
#expect
[0.5]

#test prototype as a sliding window function (xInverse)
CREATE TABLE w(i INTEGER, v TEXT);
INSERT INTO w VALUES (1,'[1,10]'),(2,'[3,20]'),(3,NULL),(4,'[5,30]'),(5,'[7,40]');
SELECT i, vec_json(prototype(v) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)) FROM w;
#expect
1|[1,10]
2|[2,15]
3|[3,20]
4|[5,30]
5|[6,35]

#test prototype as a sliding window keeps what a row that left held back (compensated sums)
-- A plain running sum holds 1e30 + 1 as 1e30, and after [1e30] leaves it
-- would give 0 (and [1, 3] 1.5) instead of 1 and 2.
CREATE TABLE wide(i INTEGER, v TEXT);
INSERT INTO wide VALUES (1, '[1e30, 2]'), (2, '[1, 2]'), (3, '[1, 2]'), (4, '[3, 4]');
SELECT i, vec_json(prototype(v) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)) FROM wide;
#expect
1|[1.00000002e+30,2]
2|[5.00000008e+29,2]
3|[1,2]
4|[2,3]

#test prototype as a running window equals the aggregate over the prefix
SELECT vec_json(prototype(v) OVER (ORDER BY i)) FROM w ORDER BY i DESC LIMIT 1;
#expect
[4,25]

#test prototype of normalized vectors is the mean of unit vectors
WITH t(v) AS (VALUES ('[2,0]'), ('[0,3]')) SELECT vec_json(prototype(vec_normalize(v))) FROM t;
#expect
[0.5,0.5]

-- ---- errors -----------------------------------------------------------

#test cosine dimension mismatch names both dimensions
SELECT cosine('[1,2]', '[1,2,3]');
#error cosine: dimension mismatch (2 vs 3)

#test cosine_distance dimension mismatch
SELECT cosine_distance(zeroblob(3072), zeroblob(1536));
#error cosine_distance: dimension mismatch (768 vs 384)

#test blob length not a multiple of 4
SELECT vec_dim(x'000000');
#error vec_dim: argument 1: blob length 3 is not a multiple of 4

#test blob of 1, 2 and 5 bytes
SELECT vec_norm(x'00');
#error vec_norm: argument 1: blob length 1 is not a multiple of 4

#test second argument named
SELECT cosine('[1,2]', x'0000803F00');
#error cosine: argument 2: blob length 5 is not a multiple of 4

#test malformed JSON
SELECT vec_f32('[1, 2');
#error vec_f32: argument 1: malformed JSON

#test JSON that is not an array
SELECT vec_f32('{"a": 1}');
#error vec_f32: argument 1: JSON is not an array

#test non-numeric JSON element
SELECT vec_json('[1, "two", 3]');
#error vec_json: argument 1: element 1 is not a number

#test nested array element
SELECT vec_dim('[[1,2]]');
#error vec_dim: argument 1: element 0 is not a number

#test empty JSON array
SELECT vec_f32('[]');
#error vec_f32: argument 1: empty vector

#test empty BLOB
SELECT vec_f32(x'');
#error vec_f32: argument 1: empty vector

#test NaN in a BLOB
SELECT vec_norm(x'0000C07F');
#error vec_norm: argument 1: element 0 is NaN

#test infinity in a BLOB
SELECT vec_norm(x'000000000000807F');
#error vec_norm: argument 1: element 1 is infinite

#test JSON value overflowing float32
SELECT vec_f32('[1e39]');
#error vec_f32: argument 1: element 0 (1e+39) is not a finite float32

#test REAL where a vector is expected
SELECT vec_dim(1.5);
#error vec_dim: argument 1: expected a float32 BLOB or JSON array text, got a REAL

#test INTEGER where a vector is expected
SELECT cosine('[1]', 7);
#error cosine: argument 2: expected a float32 BLOB or JSON array text, got an INTEGER

#test vec_normalize of a zero vector
SELECT vec_normalize('[0,0,0]');
#error vec_normalize: argument 1 is a zero vector

#test cosine with a zero vector
SELECT cosine('[1,2]', '[0,0]');
#error cosine: argument 2 is a zero vector

#test cosine_distance with a zero first vector
SELECT cosine_distance('[0]', '[1]');
#error cosine_distance: argument 1 is a zero vector

#test prototype dimension mismatch
WITH t(v) AS (VALUES ('[1,2]'), ('[1,2,3]')) SELECT prototype(v) FROM t;
#error prototype: dimension mismatch (2 vs 3)

#test prototype invalid element
WITH t(v) AS (VALUES ('[1,2]'), ('[1,null]')) SELECT prototype(v) FROM t;
#error prototype: argument 1: element 1 is not a number

-- ---- build report -------------------------------------------------------

#test safety_version is a dotted version
SELECT safety_version() GLOB '[0-9]*.[0-9]*.[0-9]*';
#true

#test safety_debug reports every library and the OpenBLAS core
SELECT instr(safety_debug(), 'safety_sample ' || safety_version()) > 0,
       instr(safety_debug(), 'sqlite: ' || sqlite_version()) > 0,
       instr(safety_debug(), 'openblas core: ') > 0,
       instr(safety_debug(), 'cjson: 1.') > 0,
       instr(safety_debug(), 'features: ') > 0,
       instr(safety_debug(), 'pool reader: 2 threads') > 0;
#expect
1|1|1|1|1|1

-- ---- cosine's fast paths: BLOBs in place, constant JSON parsed once -----

#test cosine of a constant JSON query against many BLOB rows equals the BLOB form
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500),
v(b) AS (SELECT vec_f32(json_array(sin(i), cos(i), i % 7 - 3.0, 0.5)) FROM n)
SELECT count(*) FROM v WHERE cosine(b, '[0.25, -1, 2, 0.5]') = cosine(b, vec_f32('[0.25, -1, 2, 0.5]'))
  AND cosine('[0.25, -1, 2, 0.5]', b) = cosine(b, vec_f32('[0.25, -1, 2, 0.5]'));
#expect
500

#test cosine with a JSON argument that changes per row
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
SELECT count(*) FROM n WHERE abs(cosine(json_array(i, 1), json_array(1, i)) - 2.0 * i / (i * i + 1)) < 1e-12;
#expect
50

#test cosine reports a NaN in a BLOB argument with its position
SELECT cosine('[1, 2]', x'0000803F0000C07F');
#error cosine: argument 2: element 1 is NaN

#test cosine reports infinity in the first argument
SELECT cosine(x'0000807F', '[1]');
#error cosine: argument 1: element 0 is infinite

#test cosine of float32 extremes does not overflow (double accumulation)
SELECT cosine('[3e38, 3e38]', '[3e38, 3e38]'), cosine_distance('[1e-40, 0]', '[1e-40, 0]');
#expect
1.0|0.0
