-- Up Migration
-- 部门数据导入批次 one row per accepted import: progress while it runs, counts when done
CREATE TABLE department_imports (
  id text PRIMARY KEY,
  filename text NOT NULL,
  format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
  sha256 text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  total int NOT NULL,
  done int NOT NULL DEFAULT 0,
  inserted int NOT NULL DEFAULT 0,
  unchanged int NOT NULL DEFAULT 0,
  message text,
  created_by text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX department_imports_recent ON department_imports (started_at DESC);

-- Down Migration
DROP TABLE department_imports;
