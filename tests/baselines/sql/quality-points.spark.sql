WITH rows_in AS (
  SELECT
    0 AS cost_in_scope,
    0 AS carved_out,
    `member_months` AS member_months,
    CASE
      WHEN NOT (`attributed`) THEN 1
      WHEN `member_months` <= 0 THEN 2
      ELSE 0 END AS reason,
    CASE
      WHEN NOT (`attributed`) THEN NULL
      WHEN `member_months` <= 0 THEN NULL
      ELSE NULL END AS problem,
    `hba1c_num` AS total_1,
    `hba1c_den` AS total_2,
    `bcs_num` AS total_3,
    `bcs_den` AS total_4,
    `cbp_num` AS total_5,
    `cbp_den` AS total_6
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
  SELECT 'left out' AS figure, NULL AS clause, '1' AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(cost_in_scope), 0) AS STRING) AS amount FROM rows_in WHERE reason = 1
UNION ALL
  SELECT 'left out' AS figure, NULL AS clause, '2' AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(cost_in_scope), 0) AS STRING) AS amount FROM rows_in WHERE reason = 2
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
  SELECT 'total' AS figure, 'measure diabetes_control' AS clause, 'numerator' AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(total_1), 0) AS STRING) AS amount FROM counted
UNION ALL
  SELECT 'total' AS figure, 'measure diabetes_control' AS clause, 'denominator' AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(total_2), 0) AS STRING) AS amount FROM counted
UNION ALL
  SELECT 'total' AS figure, 'measure breast_screening' AS clause, 'numerator' AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(total_3), 0) AS STRING) AS amount FROM counted
UNION ALL
  SELECT 'total' AS figure, 'measure breast_screening' AS clause, 'denominator' AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(total_4), 0) AS STRING) AS amount FROM counted
UNION ALL
  SELECT 'total' AS figure, 'measure blood_pressure' AS clause, 'numerator' AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(total_5), 0) AS STRING) AS amount FROM counted
UNION ALL
  SELECT 'total' AS figure, 'measure blood_pressure' AS clause, 'denominator' AS sum_key, NULL AS group_value, COUNT(*) AS row_count, CAST(COALESCE(SUM(total_6), 0) AS STRING) AS amount FROM counted
ORDER BY 1, 2, 3, 4;
