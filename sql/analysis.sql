-- analysis.sql — compares selection methods over one or more budgets (and
-- seeds): behaviour mix, per-category counts, mean cosine to the own
-- category's prototype, and mean pairwise cosine within the selection
-- (diversity).  Every selection comes from ONE safety_sweep call, which
-- reads the pool once for the whole grid; the prototypes of the yardstick
-- below take one more read.
--
-- Expects: the extension loaded (safety_sweep, prototype, cosine, ...), a
-- database with the contract's relations safety_pool, safety_reference (for
-- the cossim methods) and task_examples (for a fractional budget).  Plain SQL
-- without dot-commands, so it runs from the sqlite3 shell (.read) or any
-- driver; choose the output format yourself (.mode column / .headers on).
--
-- Parameters: temp tables; create and fill them before reading this file
-- to override the defaults (this file only fills them when they are empty):
--   temp.analysis_config(budget, options)   one row: the budget and the
--       options JSON passed to the sweep (safety_sample's options; "seeds":
--       [0, 1, 2] compares several seeds, each its own row).
--       Default: budget 0.005 (0.5 %), options '{}'.
--   temp.analysis_budgets(budget)   optional: several budgets, compared in
--       rowid order in one sweep (then analysis_config's budget is unused).
--   temp.analysis_methods(method)   the methods to compare, in rowid order.
--       Default: random, random-b, sss, sss-b, pss, pss-b, cossim, cossim-b
--       (the cossim pair only when safety_reference has rows).
--   temp.analysis_labels(category, label)   optional short display names for
--       the printed per-category table (the stored category stays as is).
-- Example:
--   CREATE TEMP TABLE analysis_budgets(budget);
--   INSERT INTO analysis_budgets VALUES (0.0005), (0.005), (0.02);
--   .read sql/analysis.sql
--
-- Results: it prints two tables and leaves them (and the selections) as temp
-- tables for further queries; reading it again recomputes them.
--   analysis_budget_list   budget_no, budget: the budgets compared
--   analysis_selection     method_no, method, budget_no, budget, seed, and
--       the columns of safety_sample (one selection per method, budget and
--       seed)
--   analysis_summary     one row per method, budget and seed:
--       n            rows returned;  fill: rows chosen by the fill stage
--       T1..T4       behaviour mix
--       categories   distinct pool categories among the selected examples
--       proto_cos    mean over (selected example, each of its pool
--                    categories) of cosine(embedding, prototype of that
--                    category); the prototype is prototype(embedding) over
--                    every pool row of the category, whatever its behaviour,
--                    so the same yardstick serves every method (pss-b's own
--                    score column uses the T1 members only).  Higher = more
--                    typical of its category.
--       pairwise_cos mean cosine over all pairs of distinct selected examples
--                    with embeddings.  Lower = more diverse.  Computed as
--                    (n |m|^2 - 1) / (n - 1) with m the mean of the unit
--                    vectors, which equals the pairwise mean exactly and
--                    costs O(n) instead of O(n^2).
--       distinct_vec distinct embedding vectors among them (examples that
--                    share a prompt share a safety_embed vector)
--   analysis_comparison  (a view) the first printed table: the summary's
--       columns formatted, with a line per budget (and seed) above its
--       methods; order by budget_no, seed, k, method_no
--   analysis_category_counts   category (NULL: uncategorised), pool (pool
--       examples in it), pool_t1 (of them T1), method, budget, seed, n
--       (selected examples in it).  An example counts once in each of its
--       pool categories, whichever category's quota chose it, so random
--       draws count too.
--   The printed tables: the comparison, one row per method under a line
--   per budget (and seed); then the per-category counts as one text column
--   per category, one right-aligned number per method in
--   analysis_methods order, under a line per budget (and seed).

CREATE TEMP TABLE IF NOT EXISTS analysis_config (budget, options);
INSERT INTO temp.analysis_config (budget, options)
  SELECT 0.005, '{}' WHERE NOT EXISTS (SELECT 1 FROM temp.analysis_config);

CREATE TEMP TABLE IF NOT EXISTS analysis_methods (method TEXT NOT NULL);
INSERT INTO temp.analysis_methods (method)
  SELECT m.column1
  FROM (VALUES ('random'), ('random-b'), ('sss'), ('sss-b'), ('pss'), ('pss-b'),
               ('cossim'), ('cossim-b')) AS m
  WHERE NOT EXISTS (SELECT 1 FROM temp.analysis_methods)
    AND (m.column1 NOT LIKE 'cossim%' OR EXISTS (SELECT 1 FROM safety_reference));

CREATE TEMP TABLE IF NOT EXISTS analysis_labels (category TEXT PRIMARY KEY, label TEXT);
CREATE TEMP TABLE IF NOT EXISTS analysis_budgets (budget);

DROP TABLE IF EXISTS temp.analysis_budget_list;
CREATE TEMP TABLE analysis_budget_list AS
  SELECT row_number() OVER (ORDER BY rowid) AS budget_no, budget FROM temp.analysis_budgets
  UNION ALL
  SELECT 1, budget FROM (SELECT budget FROM temp.analysis_config LIMIT 1)
  WHERE NOT EXISTS (SELECT 1 FROM temp.analysis_budgets);

-- The selections: one safety_sweep() call for every method, budget and
-- seed (one read of the pool).  The sweep returns each method and budget
-- as given, which joins them back to their position.
DROP TABLE IF EXISTS temp.analysis_selection;
CREATE TEMP TABLE analysis_selection AS
  WITH arg AS (
    SELECT (SELECT json_group_array(method) FROM
              (SELECT method FROM temp.analysis_methods ORDER BY rowid)) AS methods,
           (SELECT json_group_array(budget) FROM
              (SELECT budget FROM temp.analysis_budget_list ORDER BY budget_no)) AS budgets,
           (SELECT coalesce(options, '{}') FROM temp.analysis_config LIMIT 1) AS options)
  SELECT m.rowid AS method_no, w.method, b.budget_no, w.budget, w.seed,
         w.id, w.category, w.behavior, w.score, w.rank, w.stage
  FROM arg, safety_sweep(arg.methods, arg.budgets, arg.options) AS w
  JOIN temp.analysis_methods AS m ON m.method = w.method
  JOIN temp.analysis_budget_list AS b ON b.budget = w.budget
  ORDER BY b.budget_no, w.seed, m.rowid, w.rank;

-- The pool rows of the selected examples (one read of the pool), and every
-- category's prototype over the whole pool.
DROP TABLE IF EXISTS temp.analysis_pool;
CREATE TEMP TABLE analysis_pool AS
  SELECT id, category, embedding FROM safety_pool
  WHERE id IN (SELECT id FROM temp.analysis_selection);
CREATE INDEX temp.analysis_pool_by_id ON analysis_pool (id);

DROP TABLE IF EXISTS temp.analysis_prototype;
CREATE TEMP TABLE analysis_prototype AS
  SELECT category, count(DISTINCT id) AS pool,
         count(DISTINCT CASE WHEN behavior = 'T1' THEN id END) AS pool_t1,
         prototype(embedding) AS proto
  FROM safety_pool GROUP BY category;

DROP TABLE IF EXISTS temp.analysis_summary;
CREATE TEMP TABLE analysis_summary AS
  WITH sel AS (
    SELECT s.method_no, s.method, s.budget_no, s.budget, s.seed, s.id, s.behavior, s.stage,
           (SELECT p.embedding FROM temp.analysis_pool AS p
            WHERE p.id = s.id AND p.embedding IS NOT NULL LIMIT 1) AS embedding
    FROM temp.analysis_selection AS s
  ),
  base AS (
    SELECT method_no, method, budget_no, budget, seed, count(*) AS n,
           sum(stage = 'fill') AS fill,
           sum(behavior = 'T1') AS t1, sum(behavior = 'T2') AS t2,
           sum(behavior = 'T3') AS t3, sum(behavior = 'T4') AS t4,
           count(embedding) AS n_vec,
           count(DISTINCT embedding) AS distinct_vec,
           vec_norm(prototype(vec_normalize(embedding))) AS mean_unit_norm
    FROM sel GROUP BY method_no, budget_no, seed
  ),
  cats AS (
    SELECT s.method_no, s.budget_no, s.seed, count(DISTINCT p.category) AS categories,
           avg(CASE WHEN p.embedding IS NOT NULL AND q.proto IS NOT NULL
                    THEN cosine(p.embedding, q.proto) END) AS proto_cos
    FROM temp.analysis_selection AS s
    JOIN temp.analysis_pool AS p ON p.id = s.id AND p.category IS NOT NULL
    LEFT JOIN temp.analysis_prototype AS q ON q.category = p.category
    GROUP BY s.method_no, s.budget_no, s.seed
  )
  SELECT b.method_no, b.method, b.budget_no, b.budget, b.seed, b.n, b.fill, b.t1 AS T1, b.t2 AS T2, b.t3 AS T3, b.t4 AS T4,
         coalesce(c.categories, 0) AS categories, c.proto_cos,
         CASE WHEN b.n_vec >= 2
              THEN (b.n_vec * b.mean_unit_norm * b.mean_unit_norm - 1.0) / (b.n_vec - 1) END
           AS pairwise_cos,
         b.distinct_vec
  FROM base AS b LEFT JOIN cats AS c
    ON c.method_no = b.method_no AND c.budget_no = b.budget_no AND c.seed = b.seed;

DROP TABLE IF EXISTS temp.analysis_category_counts;
CREATE TEMP TABLE analysis_category_counts AS
  WITH runs AS (SELECT DISTINCT method_no, method, budget_no, budget, seed
                FROM temp.analysis_summary)
  SELECT q.category, q.pool, q.pool_t1, r.method_no, r.method, r.budget_no,
         r.budget, r.seed,
         (SELECT count(DISTINCT s.id)
          FROM temp.analysis_selection AS s JOIN temp.analysis_pool AS p ON p.id = s.id
          WHERE s.method_no = r.method_no AND s.budget_no = r.budget_no
            AND s.seed = r.seed AND p.category IS q.category) AS n
  FROM temp.analysis_prototype AS q, runs AS r;

-- Printed: the comparison, one row per method under a line per budget
-- (and seed, when the options list several), kept as the view
-- analysis_comparison.  A cosine that is undefined (no selected example
-- with a category, or fewer than two with embeddings) is printed blank,
-- never as 0.000; one that rounds to zero is 0.000, never -0.000.
DROP VIEW IF EXISTS temp.analysis_comparison;
CREATE TEMP VIEW analysis_comparison AS
  SELECT budget_no, seed, k, method_no, method, n, fill, T1, T2, T3, T4, categories,
         proto_cos, pairwise_cos, distinct_vec FROM (
  SELECT budget_no, seed, 0 AS k, 0 AS method_no,
         'budget ' || budget || CASE WHEN (SELECT count(DISTINCT seed) FROM temp.analysis_summary) > 1
                                     THEN ', seed ' || seed ELSE '' END || ':' AS method,
         '' AS n, '' AS fill, '' AS T1, '' AS T2, '' AS T3, '' AS T4, '' AS categories,
         '' AS proto_cos, '' AS pairwise_cos, '' AS distinct_vec
  FROM (SELECT DISTINCT budget_no, budget, seed FROM temp.analysis_summary)
  UNION ALL
  SELECT budget_no, seed, 1, method_no, method, n, fill, T1, T2, T3, T4, categories,
         CASE WHEN proto_cos IS NOT NULL THEN printf('%.3f', round(proto_cos, 3)) ELSE '' END,
         CASE WHEN pairwise_cos IS NOT NULL THEN printf('%.3f', round(pairwise_cos, 3)) ELSE '' END,
         distinct_vec
  FROM temp.analysis_summary);
SELECT method, n, fill, T1, T2, T3, T4, categories, proto_cos, pairwise_cos, distinct_vec
FROM temp.analysis_comparison ORDER BY budget_no, seed, k, method_no;

-- Printed: selected examples per pool category, one number per method,
-- under a line per budget (and seed).
SELECT category, pool, pool_t1, counts FROM (
  SELECT r.budget_no, r.seed, 0 AS k, NULL AS sort_key,
         'selected per category, budget ' || r.budget
           || CASE WHEN (SELECT count(DISTINCT seed) FROM temp.analysis_summary) > 1
                   THEN ', seed ' || r.seed ELSE '' END || ':' AS category,
         'pool' AS pool, 'T1' AS pool_t1,
         (SELECT group_concat(printf('%9s', method), '') FROM
            (SELECT method FROM temp.analysis_methods ORDER BY rowid)) AS counts
  FROM (SELECT DISTINCT budget_no, budget, seed FROM temp.analysis_summary) AS r
  UNION ALL
  SELECT c.budget_no, c.seed, 1, coalesce(c.category, char(1114111)),
         coalesce((SELECT label FROM temp.analysis_labels AS l WHERE l.category = c.category),
                  c.category, '(none)'),
         c.pool, c.pool_t1,
         (SELECT group_concat(printf('%9d', n), '') FROM
            (SELECT n FROM temp.analysis_category_counts AS c2
             WHERE c2.category IS c.category AND c2.budget_no = c.budget_no
               AND c2.seed = c.seed ORDER BY method_no))
  FROM (SELECT DISTINCT category, pool, pool_t1, budget_no, seed
        FROM temp.analysis_category_counts) AS c
) ORDER BY budget_no, seed, k, sort_key;
