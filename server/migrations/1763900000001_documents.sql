-- Up Migration

-- 文书 frozen copies of signed form data (附件3, 附件5 …), one per case step
CREATE TABLE documents (
  id text PRIMARY KEY,
  case_id text NOT NULL,
  step_id text NOT NULL,
  form_key text NOT NULL,
  form_version int,
  data jsonb NOT NULL,
  sha256 text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_case ON documents (case_id);

-- Down Migration
DROP TABLE documents;
