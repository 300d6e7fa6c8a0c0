-- Up Migration

-- 三权分立 separation of powers, as a rule of the data model: admin, security_admin and auditor are
-- mutually exclusive and never held together with a case role (village_cadre, verifier, township_*,
-- county_*, …) by one account. The service refuses such an assignment with a field message; this
-- trigger refuses it whatever writes the table (a direct INSERT included).
CREATE FUNCTION user_roles_separation_of_powers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  separated CONSTANT text[] := ARRAY['admin', 'security_admin', 'auditor'];
  other text;
BEGIN
  -- two transactions adding roles to one account take turns, so neither misses the other's row
  PERFORM 1 FROM users WHERE id = NEW.user_id FOR UPDATE;
  SELECT r.role INTO other FROM user_roles r
   WHERE r.user_id = NEW.user_id AND r.role <> NEW.role
     AND (NEW.role = ANY (separated) OR r.role = ANY (separated))
     AND (TG_OP = 'INSERT' OR (r.user_id, r.role, r.org_id, r.department) IS DISTINCT FROM (OLD.user_id, OLD.role, OLD.org_id, OLD.department))
   LIMIT 1;
  IF other IS NOT NULL THEN
    RAISE EXCEPTION 'separation of powers: role % cannot be combined with % on account %', NEW.role, other, NEW.user_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'user_roles_separation_of_powers';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER user_roles_separation_of_powers BEFORE INSERT OR UPDATE ON user_roles
  FOR EACH ROW EXECUTE FUNCTION user_roles_separation_of_powers();

-- 幂等键 a client's request id, bound to a fingerprint of its request (route + body without the id):
-- the same id with another body is refused (409 idempotency_key_reused); with the same body it gets
-- the first answer.
CREATE TABLE request_keys (
  user_id text NOT NULL,
  request_id text NOT NULL,
  fingerprint text NOT NULL,
  route text NOT NULL,
  response jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, request_id)
);
CREATE INDEX request_keys_by_age ON request_keys (created_at);

-- Down Migration
DROP TABLE request_keys;
DROP TRIGGER user_roles_separation_of_powers ON user_roles;
DROP FUNCTION user_roles_separation_of_powers();
