-- Hash chain over the audit log (issue 7): every row carries the hash of its predecessor, so an
-- edited, deleted or inserted row breaks the chain and `bangfu audit verify` finds it. Applied after
-- `prisma migrate deploy` by src/db/migrate.ts (idempotent, one transaction), after
-- audit-append-only.sql. The Node verifier (src/audit/verify-audit-chain.ts) recomputes the digest:
-- change the two together, and bump the version string.
--
-- Writers do nothing special: a BEFORE INSERT trigger sets seq, prevHash and hash whatever they send.
-- Why a trigger and why the head row:
--  * The chain must be in one order that every writer agrees on. The trigger locks the head row
--    (AuditChainHead, id 1) before it reads the last link, so audit inserts from all processes
--    take turns until their transaction ends. seq, not id, is that order: id comes from a sequence
--    before the trigger runs, so a transaction that waited for the lock can hold a smaller id.
--  * INSERT ... ON CONFLICT DO NOTHING (Prisma's createMany skipDuplicates) runs BEFORE triggers
--    for rows it then skips, so the BEFORE trigger only computes, and the head moves in an AFTER
--    trigger, which sees only the rows really inserted.
--  * Within one multi-row INSERT the AFTER trigger waits for the statement's end, but a BEFORE
--    trigger sees the rows inserted before it in the same statement, so the last link is read from
--    the table, and from the head only when the head is further on (the tail was deleted: then the
--    deleted seqs stay a gap for the verifier instead of being reused).
--  * Under REPEATABLE READ or SERIALIZABLE a snapshot older than another writer's commit would
--    read a stale last link and fork the chain. That writer also updated the head row, so locking
--    the head fails with a serialization error instead (retryable), never a fork.

-- One field of the canonical form: '|-' for NULL, else '|<UTF-8 byte length>:<text>'. The length
-- prefix makes the concatenation unambiguous whatever the text contains.
CREATE OR REPLACE FUNCTION audit_chain_field(v text) RETURNS text AS $$
  SELECT CASE WHEN v IS NULL THEN '|-' ELSE '|' || octet_length(convert_to(v, 'UTF8')) || ':' || v END
$$ LANGUAGE sql STABLE;

-- sha256 (built in since PostgreSQL 11) over the row's fields and its prevHash, hex. at is in epoch
-- milliseconds (the column is timestamp(3), UTC) and details in jsonb's own text form, which is
-- deterministic (keys sorted), so the verifier hashes exactly the text PostgreSQL gives it.
CREATE OR REPLACE FUNCTION audit_event_digest(e "AuditEvent") RETURNS text AS $$
  SELECT encode(sha256(convert_to(
    'bangfu-audit-v1'
    || audit_chain_field(e.seq::text)
    || audit_chain_field(e.id::text)
    || audit_chain_field(e."eventKey")
    || audit_chain_field(((extract(epoch FROM e."at") * 1000)::bigint)::text)
    || audit_chain_field(e."actorId")
    || audit_chain_field(e."role"::text)
    || audit_chain_field(e."orgUnitId")
    || audit_chain_field(e."action")
    || audit_chain_field(e."entityType")
    || audit_chain_field(e."entityId")
    || audit_chain_field(e."requestId")
    || audit_chain_field(e."comment")
    || audit_chain_field(e."details"::text)
    || audit_chain_field(e."prevHash"),
    'UTF8')), 'hex')
$$ LANGUAGE sql STABLE SET search_path FROM CURRENT;

-- search_path FROM CURRENT: the functions resolve "AuditEvent" in the schema they were created in
-- (tests give each file its own schema, and Prisma qualifies its own queries without setting it).
CREATE OR REPLACE FUNCTION audit_event_chain() RETURNS trigger AS $$
DECLARE
  head_seq bigint;
  head_hash text;
  last_seq bigint;
  last_hash text;
BEGIN
  SELECT h.seq, h.hash INTO head_seq, head_hash FROM "AuditChainHead" h WHERE h.id = 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'AuditChainHead has no row: the audit chain cannot be extended' USING ERRCODE = 'data_corrupted';
  END IF;
  SELECT a.seq, a.hash INTO last_seq, last_hash FROM "AuditEvent" a WHERE a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1;
  IF last_seq IS NULL OR head_seq > last_seq THEN
    last_seq := head_seq;
    last_hash := head_hash;
  END IF;
  NEW.seq := last_seq + 1;
  NEW."prevHash" := last_hash;
  NEW.hash := audit_event_digest(NEW);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql SET search_path FROM CURRENT
  -- PL/pgSQL plans the last-link query once per session. Planned from statistics of a small table
  -- it scans the whole table on every insert until an ANALYZE re-plans it, which on PGlite (one
  -- session, no autovacuum) never comes: analysed at 10 rows, 10,000 rows then took 20.5 s instead
  -- of 0.84 s and each later insert 7 ms instead of 0.43 ms (PostgreSQL 15: 10.8 s vs 0.73 s).
  SET enable_seqscan = off;

-- Once per statement, from the rows it really inserted: updating the head once per row would leave
-- a version chain of that row to walk on every later update in the same transaction.
CREATE OR REPLACE FUNCTION audit_chain_advance() RETURNS trigger AS $$
BEGIN
  UPDATE "AuditChainHead" h SET seq = n.seq, hash = n.hash
  FROM (SELECT i.seq, i.hash FROM inserted i ORDER BY i.seq DESC LIMIT 1) n
  WHERE h.id = 1 AND h.seq < n.seq;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql SET search_path FROM CURRENT;

-- The head only moves forward: winding it back would hide a deleted tail.
CREATE OR REPLACE FUNCTION audit_chain_head_forward_only() RETURNS trigger AS $$
BEGIN
  -- Nested, not AND: a statement-level (TRUNCATE) call has no NEW to look at.
  IF TG_OP = 'UPDATE' THEN
    IF NEW.id = OLD.id AND NEW.seq > OLD.seq THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'AuditChainHead only moves forward: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

-- Rows written before the chain existed are chained once, in id order (their commit order is
-- unknown), while the table is locked against writers. Never again once the chain has started:
-- a row that later appears without a seq was written around the trigger and must stay visible.
DO $$
DECLARE
  r "AuditEvent";
  n bigint := 0;
  prev text := NULL;
BEGIN
  LOCK TABLE "AuditEvent" IN EXCLUSIVE MODE;
  IF (SELECT seq FROM "AuditChainHead" WHERE id = 1) <> 0
     OR EXISTS (SELECT 1 FROM "AuditEvent" WHERE seq IS NOT NULL)
     OR NOT EXISTS (SELECT 1 FROM "AuditEvent") THEN
    RETURN;
  END IF;
  ALTER TABLE "AuditEvent" DISABLE TRIGGER audit_event_append_only;
  FOR r IN SELECT * FROM "AuditEvent" ORDER BY id LOOP
    n := n + 1;
    r.seq := n;
    r."prevHash" := prev;
    r.hash := audit_event_digest(r);
    UPDATE "AuditEvent" SET seq = r.seq, "prevHash" = r."prevHash", hash = r.hash WHERE id = r.id;
    prev := r.hash;
  END LOOP;
  ALTER TABLE "AuditEvent" ENABLE TRIGGER audit_event_append_only;
  UPDATE "AuditChainHead" SET seq = n, hash = prev WHERE id = 1;
END;
$$;

DROP TRIGGER IF EXISTS audit_event_chain ON "AuditEvent";
CREATE TRIGGER audit_event_chain BEFORE INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

DROP TRIGGER IF EXISTS audit_chain_advance ON "AuditEvent";
CREATE TRIGGER audit_chain_advance AFTER INSERT ON "AuditEvent"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_advance();

DROP TRIGGER IF EXISTS audit_chain_head_forward_only ON "AuditChainHead";
CREATE TRIGGER audit_chain_head_forward_only BEFORE UPDATE OR DELETE ON "AuditChainHead"
  FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward_only();
DROP TRIGGER IF EXISTS audit_chain_head_no_truncate ON "AuditChainHead";
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON "AuditChainHead"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_forward_only();
