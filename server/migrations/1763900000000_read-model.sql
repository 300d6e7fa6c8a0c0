-- Up Migration

-- 组织机构 the administrative tree: province → city → county → township → village → group
CREATE TABLE org_nodes (
  id text PRIMARY KEY,
  parent_id text REFERENCES org_nodes(id),
  level text NOT NULL CHECK (level IN ('province','city','county','township','village','group','department')),
  name text NOT NULL,
  -- ids from the root down to and including this node; a region check is `path @> ARRAY[node]`
  path text[] NOT NULL
);
CREATE INDEX org_nodes_path ON org_nodes USING gin (path);

CREATE TABLE users (
  id text PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  phone text,
  failed_logins int NOT NULL DEFAULT 0,
  locked_until timestamptz,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_roles (
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role text NOT NULL,
  org_id text NOT NULL REFERENCES org_nodes(id),
  department text NOT NULL DEFAULT '',
  PRIMARY KEY (user_id, role, org_id, department)
);
CREATE INDEX user_roles_by_role ON user_roles (role, org_id);

CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- 表单 / 流程 / 参数 configuration as versioned data
CREATE TABLE form_versions (
  key text NOT NULL,
  version int NOT NULL,
  status text NOT NULL CHECK (status IN ('draft','published')),
  document jsonb NOT NULL,
  pack_id text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key, version)
);

CREATE TABLE process_versions (
  key text NOT NULL,
  version int NOT NULL,
  status text NOT NULL CHECK (status IN ('draft','published')),
  definition jsonb NOT NULL,
  pack_id text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key, version)
);

CREATE TABLE code_lists (
  key text NOT NULL,
  version int NOT NULL,
  document jsonb NOT NULL,
  pack_id text,
  PRIMARY KEY (key, version)
);

-- 政策参数 yearly policy parameters with history
CREATE TABLE parameters (
  key text NOT NULL,
  year int NOT NULL,
  value jsonb NOT NULL,
  title jsonb,
  source jsonb,
  pack_id text,
  created_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key, year)
);

CREATE TABLE packs (
  id text NOT NULL,
  version text NOT NULL,
  manifest jsonb NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  imported_by text,
  PRIMARY KEY (id, version)
);

-- 农户 households (subjects of procedures A and B)
CREATE TABLE households (
  id text PRIMARY KEY,
  org_id text NOT NULL REFERENCES org_nodes(id),
  org_path text[] NOT NULL,
  head_name text NOT NULL,
  head_id_number text NOT NULL,
  members jsonb NOT NULL DEFAULT '[]',
  monitoring_status text NOT NULL DEFAULT 'none',
  monitoring_type text,
  monitor_contact jsonb,
  active_case_id text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX households_org ON households USING gin (org_path);

-- 案件 one row per case (= Temporal workflow id)
CREATE TABLE cases (
  id text PRIMARY KEY,
  process_key text NOT NULL,
  process_version int NOT NULL,
  title text NOT NULL,
  org_id text NOT NULL,
  org_path text[] NOT NULL,
  subject_kind text NOT NULL,
  subject_id text,
  subject_name text,
  initiator_id text,
  status text NOT NULL DEFAULT 'running',
  outcome text,
  current_steps jsonb NOT NULL DEFAULT '[]',
  data jsonb NOT NULL DEFAULT '{}',
  last_seq int NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL,
  ended_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_org ON cases USING gin (org_path);
CREATE INDEX cases_initiator ON cases (initiator_id, started_at DESC, id);
CREATE INDEX cases_subject ON cases (subject_kind, subject_id);

-- 待办 tasks: the inbox reads these, never Temporal visibility
CREATE TABLE tasks (
  id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases(id),
  step_id text NOT NULL,
  step_title text NOT NULL,
  role text,
  org_id text,
  department text NOT NULL DEFAULT '',
  assignee_user text,
  status text NOT NULL CHECK (status IN ('open','completed','cancelled')),
  form_key text,
  form_version int,
  actions jsonb NOT NULL DEFAULT '[]',
  field_permissions jsonb NOT NULL DEFAULT '{}',
  signers jsonb NOT NULL DEFAULT '[]',
  min_signers int NOT NULL DEFAULT 1,
  claimed_by text,
  delegated_from text,
  draft jsonb,
  created_at timestamptz NOT NULL,
  due_at timestamptz,
  completed_at timestamptz,
  completed_by text,
  outcome_action text
);
CREATE INDEX tasks_open_by_role ON tasks (role, org_id, created_at DESC, id) WHERE status = 'open';
CREATE INDEX tasks_open_by_user ON tasks (assignee_user, created_at DESC, id) WHERE status = 'open';
CREATE INDEX tasks_case ON tasks (case_id);

-- 办理记录 every human action on a task (the 已办 view and the timeline)
CREATE TABLE task_actions (
  id text PRIMARY KEY,
  task_id text NOT NULL REFERENCES tasks(id),
  case_id text NOT NULL,
  actor_id text NOT NULL,
  actor_name text,
  action text NOT NULL,
  comment text,
  at timestamptz NOT NULL
);
CREATE INDEX task_actions_actor ON task_actions (actor_id, at DESC, id);

CREATE TABLE case_ccs (
  case_id text NOT NULL REFERENCES cases(id),
  user_id text NOT NULL,
  by_user text,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, user_id)
);

-- 时间线 the case timeline, one row per projected event (id = workflow id + sequence)
CREATE TABLE case_events (
  id text PRIMARY KEY,
  case_id text NOT NULL,
  seq int NOT NULL,
  kind text NOT NULL,
  step_id text,
  actor_id text,
  payload jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, seq);

-- 公示 public-notice windows
CREATE TABLE notices (
  id text PRIMARY KEY,
  case_id text NOT NULL REFERENCES cases(id),
  step_id text NOT NULL,
  org_id text NOT NULL,
  org_path text[] NOT NULL,
  level text NOT NULL,
  title text NOT NULL,
  content jsonb NOT NULL DEFAULT '{}',
  days int NOT NULL,
  calendar text NOT NULL,
  opens_at timestamptz NOT NULL,
  closes_at timestamptz NOT NULL,
  closed_at timestamptz,
  objection_count int NOT NULL DEFAULT 0,
  posting_proof jsonb
);
CREATE INDEX notices_board ON notices USING gin (org_path);

-- 异议 objections filed by anyone during a notice window
CREATE TABLE objections (
  receipt text PRIMARY KEY,
  notice_id text NOT NULL REFERENCES notices(id),
  case_id text NOT NULL,
  content text NOT NULL,
  name text,
  contact text,
  status text NOT NULL DEFAULT 'received',
  filed_at timestamptz NOT NULL
);

CREATE TABLE notifications (
  id text PRIMARY KEY,
  user_id text,
  role text,
  org_id text,
  case_id text,
  task_id text,
  kind text NOT NULL,
  message text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);

-- 部门数据 department records for comparison (medical costs, 低保/特困, disability, unemployment…)
CREATE TABLE department_records (
  id text PRIMARY KEY,
  department text NOT NULL,
  kind text NOT NULL,
  id_number text NOT NULL,
  name text,
  amount numeric,
  detail jsonb NOT NULL DEFAULT '{}',
  period text,
  imported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX department_records_person ON department_records (id_number);

-- 审计日志 append-only, hash-chained audit log
CREATE TABLE audit_events (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id text,
  action text NOT NULL,
  target text,
  detail jsonb NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash text NOT NULL
);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only (审计日志只可追加)' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Down Migration
DROP TABLE IF EXISTS audit_events, department_records, notifications, objections, notices, case_events,
  case_ccs, task_actions, tasks, cases, households, packs, parameters, code_lists, process_versions,
  form_versions, sessions, user_roles, users, org_nodes CASCADE;
DROP FUNCTION IF EXISTS audit_events_append_only();
