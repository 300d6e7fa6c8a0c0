-- Up Migration
-- 公示栏 the public board without a place opens the county of the most recently opened notice window that is
-- still open: one index scan of the open windows, whatever the number of counties on the platform
CREATE INDEX notices_open_windows ON notices (opens_at DESC) WHERE kind = 'window' AND closed_at IS NULL;

-- Down Migration
DROP INDEX IF EXISTS notices_open_windows;
