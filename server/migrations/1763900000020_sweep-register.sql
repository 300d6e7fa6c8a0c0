-- Up Migration
-- 排查台账 a sweep (集中排查, seeds/000… 3051: 全覆盖排查，汇总排查情况，建立排查台账) keeps its register:
-- each household visited, found at risk (then an identification follows) or not at risk, by whom and when
CREATE TABLE sweep_visits (
  sweep_case_id text NOT NULL,
  household_id text NOT NULL REFERENCES households(id),
  result text NOT NULL CHECK (result IN ('at_risk', 'not_at_risk')),
  note text,
  visited_by text NOT NULL,
  visited_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sweep_case_id, household_id)
);
CREATE INDEX sweep_visits_household ON sweep_visits (household_id, visited_at);

-- 跟踪盯办 a department warning still open past its time is escalated to the township once
ALTER TABLE department_warnings ADD COLUMN escalated_at timestamptz;

-- Down Migration
ALTER TABLE department_warnings DROP COLUMN escalated_at;
DROP TABLE sweep_visits;
