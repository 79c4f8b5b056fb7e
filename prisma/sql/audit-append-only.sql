-- The audit log is append-only: the database itself refuses to rewrite history.
-- Applied after `prisma migrate deploy` by src/db/migrate.ts (idempotent), because Prisma's
-- WebAssembly migration runner splits statements on every semicolon and cannot create a
-- PL/pgSQL function; a RULE would do it but forbids the INSERT … ON CONFLICT the activities use.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_event_append_only ON "AuditEvent";
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();

-- TRUNCATE fires no row trigger: refuse it separately.
DROP TRIGGER IF EXISTS audit_event_no_truncate ON "AuditEvent";
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
