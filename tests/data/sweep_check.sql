-- sweep_check.sql — compares safety_sweep with the safety_sample calls it
-- stands for (contract section 8): read it after loading a pool, fill
-- temp.sweep_case with one row (methods, budgets, options as safety_sweep
-- takes them), then every column of temp.sweep_check must be 1:
--   has_rows     the single calls return rows at all (a check that cannot
--                pass vacuously)
--   same_count   as many sweep rows as single-call rows
--   same_rows    every row, with its position in the output, equal: the
--                combinations in grid order (methods, then budgets, then
--                seeds, as given), each combination's rows in rank order,
--                and id, category, behavior, score (exact REAL equality),
--                rank and stage as its own safety_sample call returns them
-- Used by tests/sql/sweep.sql (random pools) and tests/sh/sweep_demo.sh
-- (the demo's data).
CREATE TEMP TABLE IF NOT EXISTS sweep_case (methods, budgets, options);

DROP VIEW IF EXISTS temp.sweep_check;
CREATE TEMP VIEW sweep_check AS
  WITH c AS (SELECT methods, budgets, coalesce(options, '{}') AS options
             FROM temp.sweep_case LIMIT 1),
  -- A method name or a JSON array of names; a number or a JSON array.
  m AS (SELECT j.key AS mi, j.value AS method FROM c, json_each(
          CASE WHEN CASE WHEN json_valid(c.methods) THEN json_type(c.methods) = 'array' END
               THEN c.methods ELSE json_array(c.methods) END) AS j),
  b AS (SELECT j.key AS bi, j.value AS budget FROM c, json_each(
          CASE WHEN CASE WHEN json_valid(c.budgets) THEN json_type(c.budgets) = 'array' END
               THEN c.budgets ELSE json_array(c.budgets) END) AS j),
  s AS (SELECT j.key AS si, j.value AS seed FROM c, json_each(coalesce(
          json_extract(c.options, '$.seeds'),
          json_array(coalesce(json_extract(c.options, '$.seed'), 0)))) AS j),
  single AS (
    SELECT row_number() OVER (ORDER BY m.mi, b.bi, s.si, x.rank) AS pos,
           m.method, b.budget, s.seed, x.id, x.category, x.behavior, x.score,
           x.rank, x.stage
    FROM c, m, b, s,
         safety_sample(m.method, b.budget,
                       json_set(json_remove(c.options, '$.seeds'), '$.seed', s.seed)) AS x),
  sweep AS (
    SELECT row_number() OVER () AS pos, w.method, w.budget, w.seed, w.id,
           w.category, w.behavior, w.score, w.rank, w.stage
    FROM c, safety_sweep(c.methods, c.budgets, c.options) AS w)
  SELECT (SELECT count(*) FROM single) > 0 AS has_rows,
         (SELECT count(*) FROM single) = (SELECT count(*) FROM sweep) AS same_count,
         NOT EXISTS (SELECT * FROM single EXCEPT SELECT * FROM sweep)
           AND NOT EXISTS (SELECT * FROM sweep EXCEPT SELECT * FROM single) AS same_rows;
