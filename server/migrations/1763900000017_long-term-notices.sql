-- Up Migration
-- 长期公告 long-term announcements on the public board (admitted projects, adjustments, asset ledgers:
-- seeds/000…, lines 3335, 3417, 3419). A window notice closes and leaves the board after 30 days;
-- a long-term announcement has no window and stays in its own section of the board.
ALTER TABLE notices ADD COLUMN kind text NOT NULL DEFAULT 'window' CHECK (kind IN ('window', 'long-term'));
CREATE INDEX notices_long_term ON notices (opens_at DESC) WHERE kind = 'long-term';

-- Down Migration
DROP INDEX IF EXISTS notices_long_term;
ALTER TABLE notices DROP COLUMN IF EXISTS kind;
