-- sample_pool.sql — the hand-worked pool of tests/sql/sample.sql (2-D embeddings).
-- id cats          behaviour emb
-- 1  crime         T1  [1,0]       6  crime,fraud  T1  [0.6,0.8]
-- 2  crime         T1  [0.8,0.6]   7  (none)       T1  [-1,0.5]
-- 3  fraud         T2  [0,1]       8  privacy      T4  [0.5,-1]
-- 4  (none)        T3  [1,1]       9  crime        NULL [1,0.2]
-- 5  fraud         T1  [0.1,1]
-- reference: crime [1,0.1] [0.7,0.7]; fraud [0,1]; violence [-1,0]
-- Load after sql/schema.sql.
INSERT INTO examples(id, instruction, harmful_request, refusal) VALUES
  (1,'a',1,1),(2,'b',1,1),(3,'c',1,0),(4,'d',0,0),(5,'e',1,1),(6,'f',1,1),(7,'g',1,1),(8,'h',0,1),(9,'i',NULL,NULL);
INSERT INTO example_categories VALUES (1,'crime'),(2,'crime'),(3,'fraud'),(5,'fraud'),(6,'crime'),(6,'fraud'),(8,'privacy'),(9,'crime');
INSERT INTO embeddings(example_id, embedding) VALUES (1,vec_f32('[1,0]')),(2,vec_f32('[0.8,0.6]')),(3,vec_f32('[0,1]')),(4,vec_f32('[1,1]')),
  (5,vec_f32('[0.1,1]')),(6,vec_f32('[0.6,0.8]')),(7,vec_f32('[-1,0.5]')),(8,vec_f32('[0.5,-1]')),(9,vec_f32('[1,0.2]'));
INSERT INTO reference_examples(category, embedding) VALUES ('crime',vec_f32('[1,0.1]')),('crime',vec_f32('[0.7,0.7]')),('fraud',vec_f32('[0,1]')),('violence',vec_f32('[-1,0]'));
