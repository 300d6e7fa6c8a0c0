-- Up Migration
-- 异议受理 objections are stored here first (the API writes them; the case workflow reads them
-- when the notice window closes), so a flood of objections never becomes a flood of Temporal Updates.

-- who filed (a keyed hash of the client address, never the address itself) and a hash of the
-- normalised text: the same text from the same client to the same notice is one objection
ALTER TABLE objections
  ADD COLUMN client_hash text,
  ADD COLUMN content_hash text,
  ADD COLUMN investigating_at timestamptz,
  ADD COLUMN decided_at timestamptz;
CREATE UNIQUE INDEX objections_same_text ON objections (notice_id, client_hash, content_hash)
  WHERE client_hash IS NOT NULL;
CREATE INDEX objections_by_notice ON objections (notice_id, filed_at);
CREATE INDEX objections_by_case ON objections (case_id, filed_at);

-- set by the workflow's read of the objections at the close: nothing is taken after it
ALTER TABLE notices ADD COLUMN intake_closed_at timestamptz;

-- 限流 fixed-window counters shared by every API server (per client address, per notice, overall).
-- UNLOGGED: a counter is worth no WAL and no fsync (the per-notice and overall rows are hot, and a
-- logged commit would hold their row lock across a disk flush); a crash merely resets the windows.
CREATE UNLOGGED TABLE rate_limits (
  bucket text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits int NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);

-- Down Migration
DROP TABLE IF EXISTS rate_limits;
ALTER TABLE notices DROP COLUMN IF EXISTS intake_closed_at;
DROP INDEX IF EXISTS objections_same_text;
DROP INDEX IF EXISTS objections_by_notice;
DROP INDEX IF EXISTS objections_by_case;
ALTER TABLE objections
  DROP COLUMN IF EXISTS client_hash,
  DROP COLUMN IF EXISTS content_hash,
  DROP COLUMN IF EXISTS investigating_at,
  DROP COLUMN IF EXISTS decided_at;
