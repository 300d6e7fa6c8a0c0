-- Up Migration
-- 自动环节运行记录 every attempt of a process step's activity (省平台数据比对, 收入计算 …), written by the
-- worker around the activity: the case timeline shows each run with its input and output summary,
-- attempts and duration, so an auditor sees when the comparison ran and what it returned.
CREATE TABLE activity_runs (
  id bigserial PRIMARY KEY,
  case_id text NOT NULL,
  run_id text NOT NULL,
  activity_id text NOT NULL,
  activity text NOT NULL,
  attempt int NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  ok boolean,
  error text,
  input_summary text NOT NULL DEFAULT '',
  output_summary text
);
CREATE INDEX activity_runs_case ON activity_runs (case_id, started_at);

-- Down Migration
DROP TABLE IF EXISTS activity_runs;
