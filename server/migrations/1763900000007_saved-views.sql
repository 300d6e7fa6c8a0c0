-- Up Migration
-- 常用筛选 an inbox filter a person saved under a name (follows them from phone to desktop)
CREATE TABLE saved_views (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name text NOT NULL,
  query jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, name)
);

-- Down Migration
DROP TABLE saved_views;
