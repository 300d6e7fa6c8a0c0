-- Up Migration
-- 外业 field work (issue 21). The key a verifier's phone encrypts its offline store with: one random 256-bit key
-- per login session, kept with the session and gone with it (logout deletes the row).
ALTER TABLE sessions ADD COLUMN field_key bytea;

-- 断点续传 resumable uploads: the bytes arrive in chunks at a known offset; when the last byte is in and its
-- SHA-256 matches what the client announced, the upload becomes an attachment (same id space, same limits).
CREATE TABLE uploads (
  id text PRIMARY KEY,
  created_by text NOT NULL,
  file_name text NOT NULL,
  content_type text NOT NULL,
  size int NOT NULL CHECK (size > 0),
  sha256 text NOT NULL,
  received int NOT NULL DEFAULT 0,
  bytes bytea NOT NULL DEFAULT '\x',
  attachment_id text REFERENCES attachments(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (received <= size)
);
CREATE INDEX uploads_created_by ON uploads (created_by, created_at);

-- 离线版本 what a task looked like when a verifier took it offline (per version token and user): the shared form
-- they started from and the server's copy, so a later submission can tell which fields both sides changed.
CREATE TABLE field_snapshots (
  version text NOT NULL,
  user_id text NOT NULL,
  task_id text NOT NULL,
  initial jsonb NOT NULL,
  shared jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (version, user_id)
);

-- Down Migration
DROP TABLE field_snapshots;
DROP TABLE uploads;
ALTER TABLE sessions DROP COLUMN field_key;
