WITH rows_in AS (
  SELECT
    0 AS cost_in_scope,
    0 AS carved_out,
    0 AS member_months,
    0 AS reason,
    CASE WHEN (`episode_type` = 'CABG') OR (`episode_type` = 'CHF') OR (`episode_type` = 'LEJR') OR (`episode_type` = 'PCI') OR (`episode_type` = 'SEPSIS') OR (`episode_type` = 'SPINAL_FUSION') THEN NULL ELSE 1 END AS problem,
    `episode_type` AS group_1_by,
    (CASE WHEN `episode_type` = 'CABG' THEN 46500.00 WHEN `episode_type` = 'CHF' THEN 20000.00 WHEN `episode_type` = 'LEJR' THEN 25800.00 WHEN `episode_type` = 'PCI' THEN 22000.00 WHEN `episode_type` = 'SEPSIS' THEN 29000.00 WHEN `episode_type` = 'SPINAL_FUSION' THEN 51000.00 ELSE 0 END) AS group_1_sum,
    `episode_type` AS group_2_by,
    `episode_cost` AS group_2_sum
  FROM members
),
population AS (
  SELECT *, cost_in_scope - carved_out AS cost FROM rows_in WHERE reason = 0 AND problem IS NULL
),
counted AS (
  SELECT *, cost AS counted_cost, 0 AS excess FROM population
)
  SELECT 'rows read' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, COUNT(*) AS row_count, NULL AS amount FROM rows_in
UNION ALL
  SELECT 'input cost' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(cost_in_scope), 0) AS STRING) AS amount FROM rows_in
UNION ALL
  SELECT 'problem rows' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(cost_in_scope), 0) AS STRING) AS amount FROM rows_in WHERE reason = 0 AND problem IS NOT NULL
UNION ALL
  SELECT 'problem' AS figure, NULL AS clause, CAST(problem AS STRING) AS sum_key, NULL AS group_value, COUNT(*) AS row_count, NULL AS amount FROM rows_in WHERE reason = 0 AND problem IS NOT NULL GROUP BY problem
UNION ALL
  SELECT 'members' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, COUNT(*) AS row_count, NULL AS amount FROM counted
UNION ALL
  SELECT 'member months' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(member_months), 0) AS STRING) AS amount FROM counted
UNION ALL
  SELECT 'carved out' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(carved_out), 0) AS STRING) AS amount FROM counted
UNION ALL
  SELECT 'truncated' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, 0 AS row_count, CAST(COALESCE(SUM(excess), 0) AS STRING) AS amount FROM counted
UNION ALL
  SELECT 'counted cost' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(counted_cost), 0) AS STRING) AS amount FROM counted
UNION ALL
  SELECT 'group' AS figure, 'bundle "Clinical episodes"' AS clause, 'target' AS sum_key, group_1_by AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(group_1_sum), 0) AS STRING) AS amount FROM counted GROUP BY group_1_by
UNION ALL
  SELECT 'group' AS figure, 'bundle "Clinical episodes"' AS clause, 'actual' AS sum_key, group_2_by AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(group_2_sum), 0) AS STRING) AS amount FROM counted GROUP BY group_2_by
ORDER BY 1, 2, 3, 4;
