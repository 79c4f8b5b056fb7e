-- The audit log is append-only: the database itself refuses to rewrite history. The same holds for
-- the anchor chain over the log's chain heads (AuditAnchor, see audit-chain.sql).
-- Applied after `prisma migrate deploy` by src/db/migrate.ts (idempotent), because Prisma's
-- WebAssembly migration runner splits statements on every semicolon and cannot create a
-- PL/pgSQL function; a RULE would do it but forbids the INSERT … ON CONFLICT the activities use.
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

-- Per table: a row trigger for UPDATE and DELETE, and (TRUNCATE fires no row trigger) a statement
-- trigger for TRUNCATE. The AuditEvent triggers keep their names from before the anchors.
DO $$
DECLARE
  t text[];
BEGIN
  FOREACH t SLICE 1 IN ARRAY ARRAY[['AuditEvent', 'audit_event_append_only', 'audit_event_no_truncate'],
                                   ['AuditAnchor', 'audit_anchor_append_only', 'audit_anchor_no_truncate']] LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t[2], t[1]);
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()', t[2], t[1]);
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t[3], t[1]);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()', t[3], t[1]);
  END LOOP;
END;
$$;
