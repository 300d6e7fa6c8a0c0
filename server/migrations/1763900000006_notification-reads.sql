-- Up Migration
-- 已读 read state per person: a notification to a role at a node is read by each of its holders separately
CREATE TABLE notification_reads (
  notification_id text NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  read_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (notification_id, user_id)
);

-- Down Migration
DROP TABLE notification_reads;
