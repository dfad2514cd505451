WITH rows_in AS (
  SELECT
    (`home_health` + `inpatient` + `outpatient` + `pharmacy` + `professional` + `snf`) AS cost_in_scope,
    0 AS carved_out,
    `member_months` AS member_months,
    CASE
      WHEN NOT (`attributed`) THEN 1
      WHEN `esrd` THEN 2
      WHEN `member_months` <= 0 THEN 3
      ELSE 0 END AS reason,
    CASE
      WHEN NOT (`attributed`) THEN NULL
      WHEN `esrd` THEN NULL
      WHEN `member_months` <= 0 THEN NULL
      ELSE COALESCE(CASE WHEN CAST(ROUND(ABS((`risk_score` * `member_months`)), 0) AS DECIMAL(38, 0)) > 79228162514264337593543950335 THEN 1 END, CASE WHEN `risk_score` <= 0 THEN 2 END) END AS problem,
    (`risk_score` * `member_months`) AS total_1
  FROM members
),
population AS (
  SELECT *, cost_in_scope - carved_out AS cost FROM rows_in WHERE reason = 0 AND problem IS NULL
),
ranked AS (
  SELECT cost, ROW_NUMBER() OVER (ORDER BY cost) - 1 AS rank_0 FROM population
),
rank_h AS (
  SELECT (COUNT(*) - 1) * 0.99 AS h, COUNT(*) AS n FROM population
),
percentile AS (
  SELECT CASE WHEN rank_h.n = 0 THEN 0 ELSE
    MAX(CASE WHEN ranked.rank_0 = FLOOR(rank_h.h) THEN ranked.cost END)
    + (rank_h.h - FLOOR(rank_h.h)) * (MAX(CASE WHEN ranked.rank_0 = LEAST(FLOOR(rank_h.h) + 1, rank_h.n - 1) THEN ranked.cost END)
      - MAX(CASE WHEN ranked.rank_0 = FLOOR(rank_h.h) THEN ranked.cost END)) END AS threshold
  FROM rank_h LEFT JOIN ranked ON TRUE GROUP BY rank_h.h, rank_h.n
),
counted AS (
  SELECT *, LEAST(cost, (SELECT threshold FROM percentile)) AS counted_cost, GREATEST(cost - (SELECT threshold FROM percentile), 0) AS excess FROM population
)
  SELECT 'rows read' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, COUNT(*) AS row_count, NULL AS amount FROM rows_in
UNION ALL
  SELECT 'input cost' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(cost_in_scope), 0) AS STRING) AS amount FROM rows_in
UNION ALL
  SELECT 'left out' AS figure, NULL AS clause, '1' AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(cost_in_scope), 0) AS STRING) AS amount FROM rows_in WHERE reason = 1
UNION ALL
  SELECT 'left out' AS figure, NULL AS clause, '2' AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(cost_in_scope), 0) AS STRING) AS amount FROM rows_in WHERE reason = 2
UNION ALL
  SELECT 'left out' AS figure, NULL AS clause, '3' AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(cost_in_scope), 0) AS STRING) AS amount FROM rows_in WHERE reason = 3
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
  SELECT 'truncation threshold' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, NULL AS row_count, CAST(COALESCE((SELECT threshold FROM percentile), 0) AS STRING) AS amount
UNION ALL
  SELECT 'truncated' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, COUNT(*) FILTER (WHERE cost > (SELECT threshold FROM percentile)) AS row_count, CAST(COALESCE(SUM(excess), 0) AS STRING) AS amount FROM counted
UNION ALL
  SELECT 'counted cost' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(counted_cost), 0) AS STRING) AS amount FROM counted
UNION ALL
  SELECT 'total' AS figure, 'benchmark' AS clause, 'risk-months' AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(total_1), 0) AS STRING) AS amount FROM counted
ORDER BY 1, 2, 3, 4;
