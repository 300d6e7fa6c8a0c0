-- Up Migration
-- 农户档案 the household registry as the system of record: households are created, corrected and
-- closed by village cadres (注销: moved away, merged, all members deceased); each member is a row
-- whose resident ID is unique across the registry while the member belongs to a household.
ALTER TABLE households
  ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN closed_at timestamptz,
  ADD COLUMN close_reason text CHECK (close_reason IN ('moved_away', 'merged', 'all_deceased')),
  ADD COLUMN close_note text,
  ADD COLUMN phone text,
  ADD COLUMN address text;

CREATE SEQUENCE household_numbers START 100001;

-- 家庭成员 current and former members; `attrs` holds the other 附件2 member indicators (A9–A22)
CREATE TABLE household_members (
  household_id text NOT NULL REFERENCES households(id),
  id_number text NOT NULL,
  name text NOT NULL,
  relation text,
  attrs jsonb NOT NULL DEFAULT '{}',
  ord int NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true,
  joined_on date,
  left_on date,
  -- 成员减少原因: death, marriage out, 分户 (split into a new household), or a correction
  left_reason text CHECK (left_reason IN ('death', 'marriage_out', 'split', 'moved_out', 'verified_out', 'imported_out', 'household_closed')),
  PRIMARY KEY (household_id, id_number)
);
-- one person, one household: a second household with a member's ID is refused
CREATE UNIQUE INDEX household_members_one_household ON household_members (id_number) WHERE active;
CREATE INDEX household_members_name ON household_members (name);

-- 档案变更记录 who changed what, when and why (the audit chain holds the same, tamper-evident)
CREATE TABLE household_history (
  seq bigserial PRIMARY KEY,
  household_id text NOT NULL REFERENCES households(id),
  kind text NOT NULL,
  id_number text,
  member_name text,
  reason text,
  effective_on date,
  detail jsonb NOT NULL DEFAULT '{}',
  actor_id text,
  case_id text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX household_history_by_household ON household_history (household_id, seq);

-- 附件2 one collection over the household's life: the document each case approved, by stage
CREATE TABLE household_collections (
  household_id text NOT NULL REFERENCES households(id),
  stage text NOT NULL CHECK (stage IN ('identification', 'measures', 'elimination')),
  case_id text NOT NULL,
  version int NOT NULL,
  data jsonb NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (household_id, stage, case_id)
);
CREATE INDEX household_collections_latest ON household_collections (household_id, written_at DESC);

-- 部门数据预警 a department-data warning as a tracked item: raised by the monthly comparison, then an
-- identification started (and ended), or dismissed by the village with a reason; one live warning per household
CREATE TABLE department_warnings (
  id text PRIMARY KEY,
  household_id text NOT NULL REFERENCES households(id),
  village_id text,
  kinds text[] NOT NULL DEFAULT '{}',
  raised_case_id text,
  raised_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'started', 'dismissed', 'closed')),
  identification_case_id text,
  reason text,
  closed_by text,
  closed_at timestamptz
);
CREATE UNIQUE INDEX department_warnings_live ON department_warnings (household_id) WHERE status IN ('open', 'started');
CREATE INDEX department_warnings_open ON department_warnings (village_id, raised_at) WHERE status = 'open';

-- members of the demo/legacy rows, copied from the jsonb list
INSERT INTO household_members (household_id, id_number, name, relation, attrs, ord)
SELECT h.id, m->>'idNumber', m->>'name', m->>'relation', m - 'idNumber' - 'name' - 'relation', (o - 1)::int
  FROM households h, jsonb_array_elements(h.members) WITH ORDINALITY AS x(m, o)
 WHERE m ? 'idNumber'
ON CONFLICT DO NOTHING;

-- Down Migration
DROP TABLE department_warnings;
DROP TABLE household_collections;
DROP TABLE household_history;
DROP TABLE household_members;
DROP SEQUENCE household_numbers;
ALTER TABLE households DROP COLUMN created_at, DROP COLUMN closed_at, DROP COLUMN close_reason, DROP COLUMN close_note,
  DROP COLUMN phone, DROP COLUMN address;
