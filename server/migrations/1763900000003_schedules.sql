-- Up Migration
-- 纳入监测时间 when a household became monitored (the two-year review needs it)
ALTER TABLE households ADD COLUMN monitored_since date;

-- 定时任务轮次 one row per round a schedule ran (S5 follow-ups): what it started and what it skipped
CREATE TABLE schedule_rounds (
  id text PRIMARY KEY,
  schedule_id text NOT NULL,
  process_key text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  targets int NOT NULL DEFAULT 0,
  started int NOT NULL DEFAULT 0,
  skipped jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX schedule_rounds_by_schedule ON schedule_rounds (schedule_id, started_at DESC);

-- Down Migration
DROP TABLE schedule_rounds;
ALTER TABLE households DROP COLUMN monitored_since;
