-- Hash chains over the audit log (issue 7; per chain since issue 20, ADR 0013): every row carries
-- the hash of its predecessor in its chain, so an edited, deleted or inserted row breaks the chain
-- and `bangfu audit verify` finds it. Applied after `prisma migrate deploy` by src/db/migrate.ts
-- (idempotent, one transaction), after audit-append-only.sql. The Node verifier
-- (src/audit/verify-audit-chain.ts, verify-audit-chains.ts) recomputes the digests: change the two
-- together, and bump the version string.
--
-- Writers do nothing special: a BEFORE INSERT trigger sets chain, seq, prevHash and hash whatever
-- they send. A row belongs to the chain of its project (`project:<projectId>`; entityType Project
-- means entityId is the project) or, about no project (accounts, settings, logins, review cases
-- spanning projects), to `system`. Why a trigger and why a head row per chain:
--  * Each chain must be in one order that its writers agree on. The trigger locks the chain's head
--    row (AuditChainHead) before it reads the last link, so audit inserts into one chain take turns
--    until their transaction ends, and inserts into different chains do not wait for each other.
--    seq, not id, is that order: id comes from a sequence before the trigger runs, so a transaction
--    that waited for the lock can hold a smaller id.
--  * INSERT ... ON CONFLICT DO NOTHING (Prisma's createMany skipDuplicates) runs BEFORE triggers
--    for rows it then skips, so the BEFORE trigger only computes, and the heads move in an AFTER
--    trigger, which sees only the rows really inserted.
--  * Within one multi-row INSERT the AFTER trigger waits for the statement's end, but a BEFORE
--    trigger sees the rows inserted before it in the same statement, so the last link is read from
--    the table, and from the head only when the head is further on (the tail was deleted: then the
--    deleted seqs stay a gap for the verifier instead of being reused).
--  * Under REPEATABLE READ or SERIALIZABLE a snapshot older than another writer's commit would
--    read a stale last link and fork the chain. That writer also updated (or created) the head
--    row, so locking or creating the head fails with a serialization error instead (retryable).
--  * A transaction that writes to two chains locks two heads; two such transactions in opposite
--    orders deadlock, and PostgreSQL aborts one (retried like any failed activity). The app's
--    writers write one chain per transaction, except a project replacement (the replaced project's
--    chain, then its replacement's), which no writer does in the other order.
-- Above the chains, the anchor chain (AuditAnchor, audit_anchor_write below) records the heads
-- that moved since the last anchor, so a chain cut at its end with its head wound back, or a chain
-- removed with its head, still shows against the anchor.

-- One field of the canonical form: '|-' for NULL, else '|<UTF-8 byte length>:<text>'. The length
-- prefix makes the concatenation unambiguous whatever the text contains.
CREATE OR REPLACE FUNCTION audit_chain_field(v text) RETURNS text AS $$
  SELECT CASE WHEN v IS NULL THEN '|-' ELSE '|' || octet_length(convert_to(v, 'UTF8')) || ':' || v END
$$ LANGUAGE sql STABLE;

-- sha256 (built in since PostgreSQL 11) over the row's fields and its prevHash, hex. at is in epoch
-- milliseconds (the column is timestamp(3), UTC) and details in jsonb's own text form, which is
-- deterministic (keys sorted), so the verifier hashes exactly the text PostgreSQL gives it. chain
-- and projectId are not hashed: the seq and the predecessor's hash place a row in its chain (moved
-- to another chain it leaves a gap in one and a stray link in the other), and the verifier holds
-- chain to projectId. So rows chained before per-project chains keep their format.
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

-- The chain a row belongs to; audit_event_chain fills projectId in for entityType Project first.
CREATE OR REPLACE FUNCTION audit_chain_key(project_id text) RETURNS text AS $$
  SELECT CASE WHEN project_id IS NULL THEN 'system' ELSE 'project:' || project_id END
$$ LANGUAGE sql IMMUTABLE;

-- search_path FROM CURRENT: the functions resolve "AuditEvent" in the schema they were created in
-- (tests give each file its own schema, and Prisma qualifies its own queries without setting it).
CREATE OR REPLACE FUNCTION audit_event_chain() RETURNS trigger AS $$
DECLARE
  key text;
  head_seq bigint;
  head_hash text;
  last_seq bigint;
  last_hash text;
BEGIN
  IF NEW."projectId" IS NULL AND NEW."entityType" = 'Project' THEN
    NEW."projectId" := NEW."entityId";
  END IF;
  key := audit_chain_key(NEW."projectId");
  SELECT h.seq, h.hash INTO head_seq, head_hash FROM "AuditChainHead" h WHERE h.chain = key FOR UPDATE;
  IF NOT FOUND THEN
    -- A project's first row. Two first rows at once: the second waits for the first's commit here.
    INSERT INTO "AuditChainHead" (chain) VALUES (key) ON CONFLICT (chain) DO NOTHING;
    SELECT h.seq, h.hash INTO head_seq, head_hash FROM "AuditChainHead" h WHERE h.chain = key FOR UPDATE;
  END IF;
  SELECT a.seq, a.hash INTO last_seq, last_hash FROM "AuditEvent" a
    WHERE a.chain = key AND a.seq IS NOT NULL ORDER BY a.seq DESC LIMIT 1;
  IF last_seq IS NULL OR head_seq > last_seq THEN
    last_seq := head_seq;
    last_hash := head_hash;
  END IF;
  NEW.chain := key;
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

-- Once per statement and chain, from the rows it really inserted: updating a head once per row
-- would leave a version chain of that row to walk on every later update in the same transaction.
CREATE OR REPLACE FUNCTION audit_chain_advance() RETURNS trigger AS $$
BEGIN
  UPDATE "AuditChainHead" h SET seq = n.seq, hash = n.hash
  FROM (SELECT DISTINCT ON (i.chain) i.chain, i.seq, i.hash FROM inserted i WHERE i.chain IS NOT NULL ORDER BY i.chain, i.seq DESC) n
  WHERE h.chain = n.chain AND h.seq < n.seq;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql SET search_path FROM CURRENT;

-- A head only moves forward: winding it back would hide a deleted tail. A new head starts at 0.
CREATE OR REPLACE FUNCTION audit_chain_head_forward_only() RETURNS trigger AS $$
BEGIN
  -- Nested, not AND: a statement-level (TRUNCATE) call has no NEW to look at.
  IF TG_OP = 'UPDATE' THEN
    IF NEW.id = OLD.id AND NEW.chain = OLD.chain AND NEW.seq > OLD.seq THEN
      RETURN NEW;
    END IF;
  ELSIF TG_OP = 'INSERT' THEN
    IF NEW.seq = 0 AND NEW.hash IS NULL THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'AuditChainHead only moves forward: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

-- ---- The anchor chain.

-- The heads an anchor records, in one canonical text: chains in byte order (COLLATE "C", as the
-- verifier sorts), each as chain, seq, hash fields.
CREATE OR REPLACE FUNCTION audit_anchor_heads_text(heads jsonb) RETURNS text AS $$
  SELECT COALESCE(string_agg(audit_chain_field(k) || audit_chain_field(v ->> 0) || audit_chain_field(v ->> 1), '' ORDER BY k COLLATE "C"), '')
  FROM jsonb_each(heads) AS x(k, v)
$$ LANGUAGE sql IMMUTABLE;

CREATE OR REPLACE FUNCTION audit_anchor_digest(a "AuditAnchor") RETURNS text AS $$
  SELECT encode(sha256(convert_to(
    'bangfu-audit-anchor-v1'
    || audit_chain_field(a.seq::text)
    || audit_chain_field(((extract(epoch FROM a."at") * 1000)::bigint)::text)
    || audit_chain_field(audit_anchor_heads_text(a.heads))
    || audit_chain_field(a."prevHash"),
    'UTF8')), 'hex')
$$ LANGUAGE sql STABLE SET search_path FROM CURRENT;

-- Appends one anchor: the heads that moved beyond every earlier anchor's record of them, read in
-- one snapshot (committed rows only, so a consistent cut), chained to the previous anchor. Anchor
-- writers take turns on the anchor table; audit writers never wait for them (no head is locked).
-- Returns the new anchor's seq.
CREATE OR REPLACE FUNCTION audit_anchor_write() RETURNS bigint AS $$
DECLARE
  a "AuditAnchor";
  prev_seq bigint;
  prev_hash text;
BEGIN
  LOCK TABLE "AuditAnchor" IN EXCLUSIVE MODE;
  SELECT p.seq, p.hash INTO prev_seq, prev_hash FROM "AuditAnchor" p ORDER BY p.seq DESC LIMIT 1;
  a.seq := COALESCE(prev_seq, 0) + 1;
  a."at" := date_trunc('milliseconds', clock_timestamp() AT TIME ZONE 'UTC');
  SELECT COALESCE(jsonb_object_agg(h.chain, jsonb_build_array(h.seq::text, h.hash)), '{}'::jsonb) INTO a.heads
  FROM "AuditChainHead" h
  LEFT JOIN (
    SELECT x.k AS chain, max((x.v ->> 0)::bigint) AS seq FROM "AuditAnchor" p, jsonb_each(p.heads) AS x(k, v) GROUP BY x.k
  ) done ON done.chain = h.chain
  WHERE h.seq > COALESCE(done.seq, 0);
  a."prevHash" := prev_hash;
  a.hash := audit_anchor_digest(a);
  INSERT INTO "AuditAnchor" (seq, "at", heads, "prevHash", hash) VALUES (a.seq, a."at", a.heads, a."prevHash", a.hash);
  RETURN a.seq;
END;
$$ LANGUAGE plpgsql SET search_path FROM CURRENT;

-- AuditAnchor is append-only like the log: audit-append-only.sql.

-- ---- The triggers.

DROP TRIGGER IF EXISTS audit_event_chain ON "AuditEvent";
CREATE TRIGGER audit_event_chain BEFORE INSERT ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

DROP TRIGGER IF EXISTS audit_chain_advance ON "AuditEvent";
CREATE TRIGGER audit_chain_advance AFTER INSERT ON "AuditEvent"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_advance();

DROP TRIGGER IF EXISTS audit_chain_head_forward_only ON "AuditChainHead";
CREATE TRIGGER audit_chain_head_forward_only BEFORE INSERT OR UPDATE OR DELETE ON "AuditChainHead"
  FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward_only();
DROP TRIGGER IF EXISTS audit_chain_head_no_truncate ON "AuditChainHead";
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON "AuditChainHead"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_forward_only();

-- ---- Once: the rows already written, into their chains.
-- Runs while no anchor exists (the first anchor marks it done; every later deploy skips it), with
-- the log locked against writers. Rows of the one global chain (0007) are checked first, link by
-- link against their stored hashes and the old head: re-chaining a tampered log would launder it,
-- so a broken chain stops the upgrade, to be answered from a backup. Rows from before any chain
-- (all without seq, the old head at 0) are taken in id order, as 0007 did. Then each row goes to
-- its project's chain (entityType Project: entityId; Task: the task's project) or `system`, in
-- its old order, and is hashed anew; the heads follow, and the first anchor records them.
DO $$
DECLARE
  r record;
  e "AuditEvent";
  n bigint := 0;
  prev text := NULL;
  old_head "AuditChainHead";
  cur_chain text := NULL;
  cur_seq bigint := 0;
BEGIN
  LOCK TABLE "AuditEvent" IN EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM "AuditAnchor") THEN
    RETURN;
  END IF;
  SELECT * INTO old_head FROM "AuditChainHead" WHERE chain = 'system';
  IF EXISTS (SELECT 1 FROM "AuditEvent" WHERE seq IS NOT NULL) OR COALESCE(old_head.seq, 0) <> 0 THEN
    FOR e IN SELECT * FROM "AuditEvent" ORDER BY seq NULLS LAST, id LOOP
      n := n + 1;
      IF e.seq IS NULL OR e.seq <> n OR e."prevHash" IS DISTINCT FROM prev OR e.hash IS DISTINCT FROM audit_event_digest(e) THEN
        RAISE EXCEPTION 'the audit chain is broken at row % (seq %, expected %): not re-chained; run `bangfu audit verify` on the release before, and restore the log from a backup', e.id, e.seq, n
          USING ERRCODE = 'data_corrupted';
      END IF;
      prev := e.hash;
    END LOOP;
    IF old_head.seq IS DISTINCT FROM n OR old_head.hash IS DISTINCT FROM prev THEN
      RAISE EXCEPTION 'the audit chain ends at seq % but its head records seq %: not re-chained; restore the log from a backup', n, old_head.seq
        USING ERRCODE = 'data_corrupted';
    END IF;
  END IF;

  ALTER TABLE "AuditEvent" DISABLE TRIGGER audit_event_append_only;
  ALTER TABLE "AuditChainHead" DISABLE TRIGGER audit_chain_head_forward_only;
  UPDATE "AuditEvent" a SET "projectId" = COALESCE(a."projectId", CASE WHEN a."entityType" = 'Project' THEN a."entityId" END, t."projectId")
  FROM "AuditEvent" s LEFT JOIN "Task" t ON s."entityType" = 'Task' AND t.id = s."entityId"
  WHERE s.id = a.id;
  UPDATE "AuditEvent" SET chain = audit_chain_key("projectId");
  -- Within a chain new seqs never exceed old ones and rows go in old order, so no (chain, seq) is taken twice.
  FOR r IN SELECT id, chain FROM "AuditEvent" ORDER BY chain, seq NULLS LAST, id LOOP
    IF r.chain IS DISTINCT FROM cur_chain THEN
      cur_chain := r.chain;
      cur_seq := 0;
      prev := NULL;
    END IF;
    cur_seq := cur_seq + 1;
    SELECT * INTO e FROM "AuditEvent" WHERE id = r.id;
    e.seq := cur_seq;
    e."prevHash" := prev;
    e.hash := audit_event_digest(e);
    UPDATE "AuditEvent" SET seq = e.seq, "prevHash" = e."prevHash", hash = e.hash WHERE id = r.id;
    prev := e.hash;
  END LOOP;
  INSERT INTO "AuditChainHead" (chain) SELECT DISTINCT chain FROM "AuditEvent" ON CONFLICT (chain) DO NOTHING;
  UPDATE "AuditChainHead" h SET seq = COALESCE(l.seq, 0), hash = l.hash
  FROM "AuditChainHead" h2 LEFT JOIN (SELECT DISTINCT ON (chain) chain, seq, hash FROM "AuditEvent" ORDER BY chain, seq DESC) l ON l.chain = h2.chain
  WHERE h2.id = h.id;
  ALTER TABLE "AuditChainHead" ENABLE TRIGGER audit_chain_head_forward_only;
  ALTER TABLE "AuditEvent" ENABLE TRIGGER audit_event_append_only;
  PERFORM audit_anchor_write();
END;
$$;
