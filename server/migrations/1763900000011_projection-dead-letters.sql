-- Up Migration
-- 投影死信 projection events PostgreSQL refused for a reason retrying cannot cure (a data error:
-- SQLSTATE classes 22, 23, 54). The event is kept here with the error instead of blocking the case;
-- an administrator sees it and can replay it after a fix. `event` is the JSON text exactly as the
-- workflow sent it (jsonb would refuse the very characters that may have caused the error).
CREATE TABLE projection_dead_letters (
  id bigserial PRIMARY KEY,
  case_id text NOT NULL,
  seq int NOT NULL,
  kind text NOT NULL,
  event text NOT NULL,
  error text NOT NULL,
  sqlstate text,
  at timestamptz NOT NULL DEFAULT now(),
  replayed_at timestamptz,
  replayed_by text,
  UNIQUE (case_id, seq)
);
CREATE INDEX projection_dead_letters_open ON projection_dead_letters (at DESC) WHERE replayed_at IS NULL;

-- Down Migration
DROP TABLE IF EXISTS projection_dead_letters;
