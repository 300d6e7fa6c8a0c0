-- Up Migration
-- 审计日志 the audit chain's writers serialise on one advisory lock. This function takes the lock and then
-- reads the chain's head and which of a batch's ids already exist: one round trip instead of two while the
-- lock is held. VOLATILE, so its query takes a fresh snapshot after the lock is granted and sees the head
-- the previous holder committed (a query in the same statement as the lock would not).
CREATE FUNCTION audit_chain_head(lock_key bigint, ids text[])
RETURNS TABLE (head text, seen text[])
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(lock_key);
  RETURN QUERY
    SELECT (SELECT a.hash FROM audit_events a ORDER BY a.seq DESC LIMIT 1),
           ARRAY(SELECT a.id FROM audit_events a WHERE a.id = ANY(ids));
END
$$;

-- Down Migration
DROP FUNCTION IF EXISTS audit_chain_head(bigint, text[]);
