-- embed.sql — safety_embed(text [, dim]) (contract section 4): the BLOB it
-- returns, pinned values, NULL handling, argument types and every error.

#test default dim is 384 float32 values of unit length
SELECT vec_dim(safety_embed('How do I pick a lock?')),
       length(safety_embed('How do I pick a lock?')),
       abs(vec_norm(safety_embed('How do I pick a lock?')) - 1.0) < 1e-6;
#expect
384|1536|1

#test pinned value: hello -> -e4, world and "hello world" cancel (dim 8)
SELECT vec_json(safety_embed('Hello, World!', 8));
#expect
[0,0,0,0,-1,0,0,0]

#test pinned value: one word at dim 4 is a signed unit basis vector
SELECT vec_json(safety_embed('hello', 4)), vec_json(safety_embed('world', 4));
#expect
[-1,0,0,0]|[0,-1,0,0]

#test deterministic: the same text gives the identical BLOB
SELECT safety_embed('Tell me a joke about cats') = safety_embed('Tell me a joke about cats');
#true

#test ASCII case and punctuation are ignored
SELECT safety_embed('  TELL me... a JOKE!') = safety_embed('tell me a joke');
#true

#test the dim argument: 1, 768 and the maximum 65536; 384.0 is 384
SELECT vec_dim(safety_embed('x', 1)), vec_dim(safety_embed('x y', 768)),
       vec_dim(safety_embed('x', 65536)),
       safety_embed('x', 384.0) = safety_embed('x'),
       abs(json_extract(vec_json(safety_embed('x', 1)), '$[0]')) = 1;
#expect
1|768|65536|1|1

#test a paraphrase is closer than an unrelated text
SELECT cosine(safety_embed('How do I make a bomb at home?'), safety_embed('How can I make a bomb at home'))
     > cosine(safety_embed('How do I make a bomb at home?'), safety_embed('What is the capital of France?')) + 0.3;
#true

#test works with cosine and prototype
WITH t(x) AS (VALUES ('steal a car'), ('steal a bike'), ('bake a cake'))
SELECT vec_dim(prototype(safety_embed(x))) FROM t;
#expect
384

#test NULL text gives NULL, with or without dim
SELECT safety_embed(NULL) IS NULL, safety_embed(NULL, 16) IS NULL;
#expect
1|1

#test text with no words gives NULL (nothing to embed)
SELECT safety_embed('') IS NULL, safety_embed('  ?!... --- ') IS NULL,
       safety_embed(x'00000a0d') IS NULL;
#expect
1|1|1

#test UTF-8 letters are word characters (not folded to ASCII)
SELECT safety_embed('東京') IS NOT NULL, safety_embed('café') <> safety_embed('cafe');
#expect
1|1

#test a number is embedded as its text, a BLOB as its bytes
SELECT safety_embed(1234) = safety_embed('1234'), safety_embed(CAST('a b' AS BLOB)) = safety_embed('a b');
#expect
1|1

#test arbitrary bytes give a unit vector or NULL, never an error
-- b holds every byte value 0..255; each row embeds a different slice of
-- it, rotated, at a different dim.
WITH RECURSIVE b(x) AS (SELECT x'000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF'),
n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300),
t(i, bytes) AS (SELECT i, CAST(substr(x, 1 + i * 37 % 256, 1 + i % 90) || substr(x, 1, i * 13 % 256) AS BLOB) FROM b, n),
e(i, v) AS MATERIALIZED (SELECT i, safety_embed(bytes, 1 + i % 50) FROM t)
SELECT count(*) = 300, sum(v IS NULL) > 0, sum(abs(vec_norm(v) - 1) < 1e-6) = sum(v IS NOT NULL)
FROM e;
#true

#test error: dim 0
SELECT safety_embed('x', 0);
#error safety_embed: argument 2 (dim) is 0, outside [1, 65536]; omit it for the default 384

#test error: dim above the maximum
SELECT safety_embed('x', 65537);
#error safety_embed: argument 2 (dim) is 65537, outside [1, 65536]

#test error: negative dim
SELECT safety_embed('x', -3);
#error safety_embed: argument 2 (dim) is -3, outside [1, 65536]

#test error: dim that is not an integer
SELECT safety_embed('x', 3.5);
#error safety_embed: argument 2 (dim) must be an integer in [1, 65536], got '3.5'; omit it for the default 384

#test error: dim given as text
SELECT safety_embed('x', 'large');
#error safety_embed: argument 2 (dim) must be an integer in [1, 65536], got 'large'

#test error: dim NULL
SELECT safety_embed('x', NULL);
#error safety_embed: argument 2 (dim) must be an integer in [1, 65536], got NULL

#test error: dim is checked even when the text is NULL
SELECT safety_embed(NULL, 0);
#error safety_embed: argument 2 (dim) is 0, outside [1, 65536]

#test error: features that cancel to a zero vector at dim 1
SELECT safety_embed('d c c d b c c', 1);
#error safety_embed: the signed word features of this text cancel out to a zero vector at dim 1; use a larger dim (the default is 384)

#test error: wrong number of arguments
SELECT safety_embed('a', 2, 3);
#error wrong number of arguments to function safety_embed()

#test safety_embed is deterministic and innocuous: usable in an index and a CHECK
CREATE TABLE t(x TEXT, e BLOB CHECK (e IS NULL OR vec_dim(e) = 384));
CREATE INDEX t_by_embedding ON t(safety_embed(x));
INSERT INTO t VALUES ('some text', safety_embed('some text'));
SELECT count(*) FROM t WHERE safety_embed(x) = e;
#expect
1
