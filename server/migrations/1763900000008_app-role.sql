-- Up Migration
-- 应用数据库角色 the API and the worker run as zhenxing_app, which may read and write the
-- read model but only INSERT and SELECT the audit log (the trigger stays as a second guard).
-- Where the migrating user may not create roles (a managed database), this is skipped with a
-- notice and the application keeps the connecting user; the trigger still guards the log.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zhenxing_app') THEN
    BEGIN
      CREATE ROLE zhenxing_app NOLOGIN;
    EXCEPTION
      WHEN duplicate_object OR unique_violation THEN NULL; -- created meanwhile by another database's migration
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'cannot create role zhenxing_app: the application will use the connecting user';
        RETURN;
    END;
  END IF;
  EXECUTE 'GRANT USAGE ON SCHEMA public TO zhenxing_app';
  EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO zhenxing_app';
  EXECUTE 'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO zhenxing_app';
  EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO zhenxing_app';
  EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO zhenxing_app';
  EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM zhenxing_app';
  EXECUTE 'REVOKE ALL ON pgmigrations FROM zhenxing_app';
  -- the migrating (owning) user may act as the application role
  IF NOT pg_has_role(current_user, 'zhenxing_app', 'MEMBER') THEN
    EXECUTE format('GRANT zhenxing_app TO %I', current_user);
  END IF;
END $$;

-- Down Migration
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zhenxing_app') THEN
    EXECUTE 'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM zhenxing_app';
    EXECUTE 'REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM zhenxing_app';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM zhenxing_app';
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM zhenxing_app';
    EXECUTE 'REVOKE USAGE ON SCHEMA public FROM zhenxing_app';
  END IF;
END $$;
