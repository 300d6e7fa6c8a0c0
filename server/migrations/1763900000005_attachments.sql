-- Up Migration
-- 附件 photos and handwritten signatures: stored here, referenced from form data by id (never inside workflow payloads)
CREATE TABLE attachments (
  id text PRIMARY KEY,
  content_type text NOT NULL,
  size int NOT NULL,
  sha256 text NOT NULL,
  bytes bytea NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE attachments;
