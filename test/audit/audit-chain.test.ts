import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueToken } from '../../src/auth/tokens';
import { verifyStoredAuditChain } from '../../src/audit/read-audit-chain';
import type { TChainReport } from '../../src/audit/verify-audit-chain';
import { applyPostMigrationSql } from '../../src/db/migrate';
import { createPrisma, databaseSchema, rawTable } from '../../src/db/prisma';
import { Prisma } from '../../src/generated/prisma/client';
import { APPEND_ONLY_TRIGGER as APPEND_ONLY, asDatabaseOwner, CHAIN_TRIGGERS as CHAIN } from '../support/audit-tamper';
import { createTestDatabase } from '../support/db';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { PASSED_CHECKS } from '../support/proposal';

/**
 * The audit hash chain on the real database: rows written by the app through its API are chained
 * by the trigger, GET /api/audit/verify finds them intact, and each kind of tampering an owner of
 * the database could do (switching the triggers off, as an attacker with those rights would) is
 * reported with its reason and row. Every tampering is undone before the next test.
 */

let s: TTestStack;
let events: Prisma.Sql;
beforeAll(async () => {
  s = await startTestStack();
  events = rawTable(s.prisma, 'AuditEvent');
});
afterAll(async () => {
  await s?.close();
});

/**
 * A probe row straight into the table, as any writer's insert reaches the trigger. The app's write
 * path (src/audit/write-audit-event.ts) refuses actions outside the audit catalogue; these tests
 * are about the database's chain, so they write outside it on purpose.
 */
const recordProbe = (
  tx: Pick<Prisma.TransactionClient, 'auditEvent'>,
  row: { actorId: string | null; action: string; entityType: string; entityId: string; details?: object },
) =>
  tx.auditEvent.create({
    data: { ...row, eventKey: `${row.action.toLowerCase()}:${row.entityId}:${crypto.randomUUID()}`, details: row.details as Prisma.InputJsonValue },
  });

const verify = async (token = s.tokens.admin, query = '') => {
  const res = await s.app.inject({ method: 'GET', url: `/api/audit/verify${query}`, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, report: res.json() as TChainReport, body: res.body };
};

/** The app's workflows keep writing after a 201; wait until the audit log stops growing. */
async function settledAuditCount(): Promise<number> {
  let last = -1;
  let stableSince = Date.now();
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    const n = await s.prisma.auditEvent.count();
    if (n !== last) [last, stableSince] = [n, Date.now()];
    else if (Date.now() - stableSince > 1_500) return n;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the audit log kept growing');
}

const asOwner = (triggers: string[], ...statements: Prisma.Sql[]) => asDatabaseOwner(s.prisma, triggers, ...statements);

/** Rows in chain order, as stored: chain by chain, or of one chain. */
const chainRows = (chain?: string) => s.prisma.auditEvent.findMany({ where: chain ? { chain } : {}, orderBy: [{ chain: 'asc' }, { seq: 'asc' }] });

/** The last anchor: what verify reports as its head since per-project chains (ADR 0013). */
const lastAnchor = () => s.prisma.auditAnchor.findFirstOrThrow({ orderBy: { seq: 'desc' } });

describe('the audit hash chain', () => {
  it('chains every audit row the app writes, and the verify route finds the chain intact', async () => {
    const started = await s.app.inject({
      method: 'POST',
      url: '/api/projects',
      headers: { authorization: `Bearer ${s.tokens.village}` },
      payload: { ...sampleProposal(), requestId: newRequestId() },
    });
    expect(started.statusCode, started.body).toBe(201);
    const { taskId, projectId } = started.json() as { taskId: string; projectId: string };
    const decided = await s.app.inject({
      method: 'POST',
      url: `/api/tasks/${encodeURIComponent(taskId)}/decision`,
      headers: { authorization: `Bearer ${s.tokens.township}` },
      payload: { action: 'approve', comment: '材料齐全', checks: PASSED_CHECKS, requestId: newRequestId() },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const token = await s.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { authorization: `Bearer ${s.tokens.admin}` },
      payload: { name: 'audit chain' },
    });
    expect(token.statusCode).toBe(201);
    const count = await settledAuditCount();
    expect(count).toBeGreaterThanOrEqual(5);

    // As the database stored it, chain by chain: seq 1..n without gaps, each prevHash the hash
    // before it in the chain, the chain's head at its end; the project's rows in its own chain.
    const byChain = new Map<string, Awaited<ReturnType<typeof chainRows>>>();
    for (const r of await chainRows()) byChain.set(r.chain!, [...(byChain.get(r.chain!) ?? []), r]);
    expect([...byChain.values()].flat()).toHaveLength(count);
    expect(byChain.get(`project:${projectId}`)!.map((r) => r.action)).toEqual(expect.arrayContaining(['PROJECT_PROPOSED', 'TASK_APPROVE']));
    expect(byChain.get('system')!.map((r) => r.action)).toEqual(['TOKEN_CREATED']);
    for (const [chain, rows] of byChain) {
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => BigInt(i + 1)));
      expect(rows.every((r, i) => r.hash?.length === 64 && r.prevHash === (i === 0 ? null : rows[i - 1]!.hash))).toBe(true);
      const head = await s.prisma.auditChainHead.findUniqueOrThrow({ where: { chain } });
      expect(head).toMatchObject({ seq: BigInt(rows.length), hash: rows.at(-1)!.hash });
    }
    expect((await s.prisma.auditChainHead.findUniqueOrThrow({ where: { id: 1 } })).chain).toBe('system');

    const { status, report } = await verify();
    expect(status).toBe(200);
    // The head to record elsewhere is the anchor this verify wrote over every chain's head.
    const anchor = await lastAnchor();
    expect(report).toMatchObject({
      ok: true,
      rows: count,
      firstBreak: null,
      counts: { edited: 0, deleted: 0, inserted: 0 },
      head: { seq: String(anchor.seq), hash: anchor.hash },
    });
    expect(anchor.heads).toMatchObject({
      system: ['1', byChain.get('system')![0]!.hash],
      [`project:${projectId}`]: [String(byChain.get(`project:${projectId}`)!.length), expect.any(String)],
    });
  });

  it('lets administrators and monitors at the top of the org tree verify, and nobody else', async () => {
    expect((await verify(s.tokens.monitor)).status).toBe(200);
    const village = await verify(s.tokens.village);
    expect([village.status, JSON.parse(village.body).error.code]).toEqual([403, 'ROLE_NOT_ALLOWED']);
    const localAdmin = await s.prisma.user.create({
      data: {
        username: `hexi-admin-${Date.now()}`,
        displayName: '河西镇管理员',
        passwordHash: 'x',
        homeOrgUnitId: 't-hexi',
        roles: { create: [{ role: 'ADMIN', orgUnitId: 't-hexi' }] },
      },
    });
    const local = await verify(await issueToken(s.prisma, localAdmin.id, 'test'));
    expect([local.status, JSON.parse(local.body).error.code]).toEqual([403, 'OUT_OF_SCOPE']);
    const anonymous = await s.app.inject({ method: 'GET', url: '/api/audit/verify' });
    expect(anonymous.statusCode).toBe(401);
    expect((await verify(s.tokens.admin, '?anchor=12:nothex')).status).toBe(400);
  });

  it('hashes text and JSON exactly as PostgreSQL stores them, and a skipped duplicate takes no place in the chain', async () => {
    await settledAuditCount();
    const before = await s.prisma.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    const awkward = ['同意|3:x', 'line\nbreak\ttab "quotes" \\ back', '😀 emoji', '', ' trailing '];
    for (const comment of awkward) {
      await s.prisma.$transaction((tx) =>
        recordProbe(tx, {
          actorId: s.userIds.admin!,
          action: 'PROBE',
          entityType: 'Probe',
          entityId: comment,
          details: { comment, n: 1.5, nested: { b: [1, 'x'], a: null } },
        }),
      );
    }
    // Numbers whose text JavaScript would not give back (1.0, 30 digits): the chain hashes jsonb's text.
    await s.prisma.$executeRaw`INSERT INTO ${events} ("eventKey", action, "entityType", "entityId", details)
      VALUES (${`probe:${newRequestId()}`}, 'PROBE', 'Probe', 'json', '{"x": 1.0, "big": 123456789012345678901234567890, "s": "\\u0001"}'::jsonb)`;
    // One multi-row INSERT ... ON CONFLICT DO NOTHING with a duplicate between two new rows.
    const dupKey = `probe:${newRequestId()}`;
    await s.prisma.auditEvent.create({ data: { eventKey: dupKey, action: 'PROBE', entityType: 'Probe', entityId: 'dup' } });
    const inserted = await s.prisma.auditEvent.createMany({
      data: ['a', 'dup', 'b'].map((e) => ({ eventKey: e === 'dup' ? dupKey : `probe:${newRequestId()}`, action: 'PROBE', entityType: 'Probe', entityId: e })),
      skipDuplicates: true,
    });
    expect(inserted.count).toBe(2);
    // Writers cannot choose their place in the chain: the trigger overrides what they send.
    const forced = await s.prisma.auditEvent.create({
      data: { eventKey: `probe:${newRequestId()}`, action: 'PROBE', entityType: 'Probe', entityId: 'forced', seq: 1n, prevHash: 'x', hash: 'y' },
    });
    const added = awkward.length + 1 + 1 + 2 + 1;

    const head = await s.prisma.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    expect(head.seq - before.seq).toBe(BigInt(added));
    expect(forced.seq).toBe(head.seq);
    expect(forced.hash).toBe(head.hash);
    const { report } = await verify();
    expect(report).toMatchObject({ ok: true, rows: await s.prisma.auditEvent.count() });
  });

  it('reports an edited comment as EDITED at that row, and an edit with a recomputed hash likewise', async () => {
    await settledAuditCount();
    const rows = await chainRows();
    const target = rows[Math.floor(rows.length / 2)]!;
    await asOwner([APPEND_ONLY], Prisma.sql`UPDATE ${events} SET comment = '篡改' WHERE id = ${target.id}`);
    let { report } = await verify();
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ reason: 'EDITED', rowId: target.id.toString(), seq: target.seq!.toString() });
    expect(report.counts).toEqual({ edited: 1, deleted: 0, inserted: 0 });

    // The database's own digest function gives the edited row a hash that matches its new content.
    await asOwner([APPEND_ONLY], Prisma.sql`UPDATE ${events} a SET hash = ${rawTable(s.prisma, 'audit_event_digest')}(a) WHERE id = ${target.id}`);
    ({ report } = await verify());
    expect(report.firstBreak).toMatchObject({ reason: 'EDITED', rowId: target.id.toString() });
    expect(report.counts).toEqual({ edited: 1, deleted: 0, inserted: 0 });

    await asOwner([APPEND_ONLY], Prisma.sql`UPDATE ${events} SET comment = ${target.comment}, hash = ${target.hash} WHERE id = ${target.id}`);
    expect((await verify()).report.ok).toBe(true);
  });

  it('reports a deleted middle row as DELETED at the row after it', async () => {
    await settledAuditCount();
    const rows = await chainRows('system');
    const i = Math.floor(rows.length / 3);
    const [gone, next] = [rows[i]!, rows[i + 1]!];
    const saved = await saveRow(gone.id);
    await asOwner([APPEND_ONLY], Prisma.sql`DELETE FROM ${events} WHERE id = ${gone.id}`);
    const { report } = await verify();
    expect(report.firstBreak).toMatchObject({ reason: 'DELETED', rowId: next.id.toString(), seq: next.seq!.toString() });
    expect(report.firstBreak!.message).toContain(`seq ${gone.seq} is missing`);
    expect(report.counts).toEqual({ edited: 0, deleted: 1, inserted: 0 });

    await restore(saved);
    expect((await verify()).report.ok).toBe(true);
  });

  it('reports a deleted last row by the head, and keeps the gap visible once new rows follow', async () => {
    await settledAuditCount();
    const last = (await chainRows('system')).at(-1)!;
    const saved = await saveRow(last.id);
    await asOwner([APPEND_ONLY], Prisma.sql`DELETE FROM ${events} WHERE id = ${last.id}`);
    let { report } = await verify();
    expect(report.firstBreak).toMatchObject({ reason: 'DELETED', rowId: null });
    expect(report.counts.deleted).toBe(1);

    const next = await s.prisma.auditEvent.create({
      data: { eventKey: `probe:${newRequestId()}`, action: 'PROBE', entityType: 'Probe', entityId: 'after-cut' },
    });
    expect(next.seq).toBe(last.seq! + 1n);
    ({ report } = await verify());
    expect(report.firstBreak).toMatchObject({ reason: 'DELETED', rowId: next.id.toString() });

    await restore(saved);
    expect((await verify()).report.ok).toBe(true);
  });

  it('reports forged rows written around the chain trigger as INSERTED', async () => {
    await settledAuditCount();
    // Backdated, without a place in the chain.
    await asOwner(
      CHAIN,
      Prisma.sql`INSERT INTO ${events} ("eventKey", at, action, "entityType", "entityId", comment)
      VALUES ('forged:1', '2026-01-02 03:04:05', 'TASK_APPROVE', 'Task', 'task-forged', '补签')`,
    );
    const naive = await s.prisma.auditEvent.findUniqueOrThrow({ where: { eventKey: 'forged:1' } });
    let { report } = await verify();
    expect(report.firstBreak).toMatchObject({ reason: 'INSERTED', rowId: naive.id.toString(), seq: null });
    expect(report.counts).toEqual({ edited: 0, deleted: 0, inserted: 1 });
    await asOwner([APPEND_ONLY], Prisma.sql`DELETE FROM ${events} WHERE id = ${naive.id}`);

    // A well-formed link after the last row, hashed with the database's own function: the head did not move.
    const head = await s.prisma.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    await asOwner(
      [...CHAIN, APPEND_ONLY],
      Prisma.sql`INSERT INTO ${events} ("eventKey", action, "entityType", "entityId", seq, "prevHash")
      VALUES ('forged:2', 'TASK_APPROVE', 'Task', 'task-forged', ${head.seq + 1n}, ${head.hash})`,
      Prisma.sql`UPDATE ${events} a SET hash = ${rawTable(s.prisma, 'audit_event_digest')}(a) WHERE "eventKey" = 'forged:2'`,
    );
    const clever = await s.prisma.auditEvent.findUniqueOrThrow({ where: { eventKey: 'forged:2' } });
    expect(clever.hash).toHaveLength(64);
    ({ report } = await verify());
    expect(report.firstBreak).toMatchObject({ reason: 'INSERTED', rowId: clever.id.toString(), seq: (head.seq + 1n).toString() });
    await asOwner([APPEND_ONLY], Prisma.sql`DELETE FROM ${events} WHERE id = ${clever.id}`);
    expect((await verify()).report.ok).toBe(true);
  });

  it('refuses to wind the head back or remove it, and keeps refusing UPDATE, DELETE and TRUNCATE of the log', async () => {
    const head = rawTable(s.prisma, 'AuditChainHead');
    await expect(s.prisma.$executeRaw`UPDATE ${head} SET seq = seq - 1`).rejects.toThrow(/only moves forward/);
    await expect(s.prisma.$executeRaw`DELETE FROM ${head}`).rejects.toThrow(/only moves forward/);
    await expect(s.prisma.auditEvent.updateMany({ data: { comment: 'x' } })).rejects.toThrow(/append-only/);
    await expect(s.prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(s.prisma.$executeRaw`TRUNCATE ${events}`).rejects.toThrow(/append-only/);
    expect((await verify()).report.ok).toBe(true);
  });

  it('keeps one valid chain under 50 concurrent writers, duplicates included', async () => {
    await settledAuditCount();
    // A client of its own with more connections than the stack's, so writers really overlap on PostgreSQL.
    const writers = createPrisma({ url: inject('databaseUrl'), schema: databaseSchema(s.prisma), poolSize: 16 });
    try {
      const before = await s.prisma.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
      const shared = Array.from({ length: 5 }, () => `concurrent:${newRequestId()}`);
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => {
          if (i % 5 === 0) {
            // Holds the chain lock across a pause before committing, as a long activity transaction would.
            return writers.$transaction(async (tx) => {
              await recordProbe(tx, { actorId: null, action: 'CONCURRENT', entityType: 'Probe', entityId: `slow-${i}` });
              await new Promise((r) => setTimeout(r, 20));
            });
          }
          if (i % 5 === 1) {
            // Two writers per key race on the same fact: one row, one place in the chain.
            return writers.auditEvent.createMany({
              data: [{ eventKey: shared[Math.floor(i / 5) % 5]!, action: 'CONCURRENT', entityType: 'Probe', entityId: 'shared' }],
              skipDuplicates: true,
            });
          }
          if (i % 5 === 2) {
            return writers.auditEvent.createMany({
              data: [0, 1, 2].map((k) => ({
                eventKey: `concurrent:${newRequestId()}`,
                action: 'CONCURRENT',
                entityType: 'Probe',
                entityId: `batch-${i}-${k}`,
              })),
              skipDuplicates: true,
            });
          }
          return writers.auditEvent.create({
            data: { eventKey: `concurrent:${newRequestId()}`, action: 'CONCURRENT', entityType: 'Probe', entityId: `one-${i}` },
          });
        }),
      );
      const elapsed = performance.now() - started;
      // 10 slow + 10 shared-key writes over 5 keys (each key written twice) + 10 batches of 3 + 20 single.
      const expected = 10 + 5 + 30 + 20;
      const after = await s.prisma.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
      expect(after.seq - before.seq).toBe(BigInt(expected));
      const mine = await s.prisma.auditEvent.findMany({ where: { action: 'CONCURRENT' }, orderBy: { seq: 'asc' } });
      expect(mine).toHaveLength(expected);
      const inversions = mine.filter((r, i) => i > 0 && r.id < mine[i - 1]!.id).length;
      console.info(
        `[audit-chain] ${inject('databaseKind')}: 50 concurrent writers, ${expected} rows in ${elapsed.toFixed(0)} ms; ${inversions} rows chained after a row with a larger id`,
      );
      const { report } = await verify();
      expect(report).toMatchObject({ ok: true, rows: await s.prisma.auditEvent.count() });
    } finally {
      await writers.$disconnect();
    }
  });

  it.skipIf(inject('databaseKind') === 'pglite')('fails a REPEATABLE READ writer with a stale snapshot instead of forking the chain', async () => {
    await settledAuditCount();
    let tookSnapshot!: () => void;
    const snapshotTaken = new Promise<void>((r) => (tookSnapshot = r));
    let otherCommitted!: () => void;
    const proceed = new Promise<void>((r) => (otherCommitted = r));
    const stale = s.prisma.$transaction(
      async (tx) => {
        await tx.auditEvent.count();
        tookSnapshot();
        await proceed;
        await tx.auditEvent.create({ data: { eventKey: `stale:${newRequestId()}`, action: 'PROBE', entityType: 'Probe', entityId: 'stale' } });
      },
      { isolationLevel: 'RepeatableRead', timeout: 20_000 },
    );
    await snapshotTaken;
    await s.prisma.auditEvent.create({ data: { eventKey: `fresh:${newRequestId()}`, action: 'PROBE', entityType: 'Probe', entityId: 'fresh' } });
    otherCommitted();
    await expect(stale).rejects.toThrow(/serializ|concurrent update|write conflict/i);
    expect(await s.prisma.auditEvent.count({ where: { entityId: 'stale' } })).toBe(0);
    expect((await verify()).report.ok).toBe(true);
  });
});

describe('the anchor chain over every chain head', () => {
  const heads = () => rawTable(s.prisma, 'AuditChainHead');
  const anchorTable = () => rawTable(s.prisma, 'AuditAnchor');
  /** A project chain of its own, three rows long, anchored by a verify. */
  async function anchoredProjectChain() {
    await settledAuditCount();
    const projectId = `anchor-${newRequestId()}`;
    for (const step of ['a', 'b', 'c']) {
      await s.prisma.auditEvent.create({ data: { eventKey: `probe:${projectId}:${step}`, action: 'PROBE', entityType: 'Project', entityId: projectId } });
    }
    const rows = await chainRows(`project:${projectId}`);
    expect(rows.map((r) => [r.projectId, r.seq])).toEqual([1n, 2n, 3n].map((n) => [projectId, n]));
    expect((await verify()).report.ok).toBe(true);
    return { chain: `project:${projectId}`, rows };
  }
  const headOff = () => Prisma.sql`ALTER TABLE ${heads()} DISABLE TRIGGER audit_chain_head_forward_only`;
  const headOn = () => Prisma.sql`ALTER TABLE ${heads()} ENABLE TRIGGER audit_chain_head_forward_only`;

  it("reports a chain's deleted last row as DELETED by the anchor, when its head was wound back too", async () => {
    const { chain, rows } = await anchoredProjectChain();
    const saved = await saveRow(rows[2]!.id);
    await asOwner(
      [APPEND_ONLY],
      Prisma.sql`DELETE FROM ${events} WHERE id = ${rows[2]!.id}`,
      headOff(),
      Prisma.sql`UPDATE ${heads()} SET seq = 2, hash = ${rows[1]!.hash} WHERE chain = ${chain}`,
      headOn(),
    );
    const { report } = await verify();
    expect(report.firstBreak).toMatchObject({ reason: 'DELETED', rowId: null });
    expect(report.firstBreak!.message).toContain(`chain ${chain}: the anchor's seq 3 is beyond the chain's end`);
    expect(report.counts).toEqual({ edited: 0, deleted: 1, inserted: 0 });

    await s.prisma.$executeRaw`UPDATE ${heads()} SET seq = 3, hash = ${rows[2]!.hash} WHERE chain = ${chain}`;
    await restore(saved);
    expect((await verify()).report.ok).toBe(true);
  });

  it('reports a whole chain deleted with its head as DELETED by the anchor', async () => {
    const { chain, rows } = await anchoredProjectChain();
    const saved = await Promise.all(rows.map((r) => saveRow(r.id)));
    await asOwner(
      [APPEND_ONLY],
      Prisma.sql`DELETE FROM ${events} WHERE chain = ${chain}`,
      headOff(),
      Prisma.sql`DELETE FROM ${heads()} WHERE chain = ${chain}`,
      headOn(),
    );
    const { report } = await verify();
    expect(report.firstBreak).toMatchObject({ reason: 'DELETED', rowId: null });
    expect(report.firstBreak!.message).toContain(`chain ${chain}`);
    expect(report.counts.deleted).toBeGreaterThanOrEqual(1);
    expect(report.counts).toMatchObject({ edited: 0, inserted: 0 });

    await s.prisma.$executeRaw`INSERT INTO ${heads()} (chain) VALUES (${chain})`;
    await s.prisma.$executeRaw`UPDATE ${heads()} SET seq = 3, hash = ${rows[2]!.hash} WHERE chain = ${chain}`;
    for (const row of saved) await restore(row);
    expect((await verify()).report.ok).toBe(true);
  });

  it('reports a row moved to another chain, and an edited anchor, as EDITED', async () => {
    const { rows } = await anchoredProjectChain();
    await asOwner([APPEND_ONLY], Prisma.sql`UPDATE ${events} SET "projectId" = 'elsewhere' WHERE id = ${rows[1]!.id}`);
    let { report } = await verify();
    expect(report.firstBreak).toMatchObject({ reason: 'EDITED', rowId: rows[1]!.id.toString() });
    expect(report.counts).toEqual({ edited: 1, deleted: 0, inserted: 0 });
    await asOwner([APPEND_ONLY], Prisma.sql`UPDATE ${events} SET "projectId" = ${rows[1]!.projectId} WHERE id = ${rows[1]!.id}`);

    const anchor = await lastAnchor();
    const off = Prisma.sql`ALTER TABLE ${anchorTable()} DISABLE TRIGGER audit_anchor_append_only`;
    const on = Prisma.sql`ALTER TABLE ${anchorTable()} ENABLE TRIGGER audit_anchor_append_only`;
    await s.prisma.$transaction(
      [off, Prisma.sql`UPDATE ${anchorTable()} SET heads = heads || '{"project:forged": ["1", "ab"]}' WHERE seq = ${anchor.seq}`, on].map((q) =>
        s.prisma.$executeRaw(q),
      ),
    );
    ({ report } = await verify());
    expect(report.firstBreak).toMatchObject({ reason: 'EDITED', rowId: null, seq: anchor.seq.toString() });
    expect(report.firstBreak!.message).toContain(`anchor ${anchor.seq} no longer matches its hash`);
    await s.prisma.$transaction(
      [off, Prisma.sql`UPDATE ${anchorTable()} SET heads = ${JSON.stringify(anchor.heads)}::jsonb WHERE seq = ${anchor.seq}`, on].map((q) =>
        s.prisma.$executeRaw(q),
      ),
    );
    expect((await verify()).report.ok).toBe(true);
  });

  it('checks an anchor kept outside the database against the anchor chain (verify --anchor)', async () => {
    const { report } = await verify();
    const kept = `${report.head!.seq}:${report.head!.hash}`;
    expect((await verify(s.tokens.admin, `?anchor=${kept}`)).report.ok).toBe(true);
    const other = await verify(s.tokens.admin, `?anchor=${report.head!.seq}:${'0'.repeat(64)}`);
    expect(other.report.firstBreak).toMatchObject({ reason: 'EDITED', rowId: null, seq: report.head!.seq });
    const beyond = await verify(s.tokens.admin, `?anchor=${BigInt(report.head!.seq) + 1000n}:${report.head!.hash}`);
    expect(beyond.report.firstBreak).toMatchObject({ reason: 'DELETED', rowId: null });
    await expect(s.prisma.$executeRaw`DELETE FROM ${anchorTable()}`).rejects.toThrow(/AuditAnchor is append-only/);
    await expect(s.prisma.$executeRaw`TRUNCATE ${anchorTable()}`).rejects.toThrow(/append-only/);
  });
});

describe('rows written before the chain existed', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  afterAll(async () => {
    await db?.drop();
  });

  it('are chained once, in id order, when the chain is installed', async () => {
    db = await createTestDatabase({
      before: {
        migration: '0007_audit_chain',
        sql: `INSERT INTO "AuditEvent" ("eventKey", action, "entityType", "entityId", comment, details) VALUES
          ('old:1', 'PROJECT_PROPOSED', 'Project', 'p1', '旧记录', '{"n": 1.0}'), ('old:2', 'TASK_APPROVE', 'Task', 't1', NULL, NULL), ('old:3', 'X', 'Y', 'z', 'c', '[]')`,
      },
    });
    const rows = await db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });
    // Each in its chain since issue 20: the project's row in the project's, the others in `system`.
    expect(rows.map((r) => [r.eventKey, r.chain, r.seq])).toEqual([
      ['old:1', 'project:p1', 1n],
      ['old:2', 'system', 1n],
      ['old:3', 'system', 2n],
    ]);
    const anchor = await db.prisma.auditAnchor.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    expect(anchor.heads).toEqual({ 'project:p1': ['1', rows[0]!.hash], system: ['2', rows[2]!.hash] });
    const report = await verifyStoredAuditChain({ prisma: db.prisma });
    expect(report).toMatchObject({ ok: true, rows: 3 });
    // Installing again (every deploy does) leaves the chains as they are, and new rows follow them.
    await applyPostMigrationSql(db.url, db.schema);
    const next = await db.prisma.auditEvent.create({ data: { eventKey: 'new:1', action: 'A', entityType: 'T', entityId: 'e' } });
    expect([next.chain, next.seq, next.prevHash]).toEqual(['system', 3n, rows[2]!.hash]);
    expect((await verifyStoredAuditChain({ prisma: db.prisma })).ok).toBe(true);
  });
});

describe('rows of the one global chain (0007 to 0020), at the upgrade to per-project chains', () => {
  const dbs: Array<Awaited<ReturnType<typeof createTestDatabase>>> = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  /**
   * The log as releases 0007 to 0020 left it: rows chained in one chain by the same digest
   * (audit_chain_field and audit_event_digest, taken from the file, are unchanged since 0007) and
   * the one head row; `tamper` runs after the chaining.
   */
  const legacyLog = (tamper = '') => {
    const file = fs.readFileSync(path.join(import.meta.dirname, '../../prisma/sql/audit-chain.sql'), 'utf8');
    const digestFunctions = ['audit_chain_field', 'audit_event_digest'].map(
      (name) => new RegExp(`CREATE OR REPLACE FUNCTION ${name}\\([\\s\\S]*?\\$\\$ LANGUAGE sql STABLE[^;]*;`).exec(file)![0],
    );
    return `${digestFunctions.join('\n')}
      INSERT INTO "AuditEvent" ("eventKey", action, "entityType", "entityId", comment, details) VALUES
        ('l:1', 'PROJECT_PROPOSED', 'Project', 'p1', '旧', '{"n": 1.0}'), ('l:2', 'LOGIN', 'User', 'u1', NULL, NULL),
        ('l:3', 'PROJECT_PROPOSED', 'Project', 'p2', NULL, NULL), ('l:4', 'PUBLICITY_PASSED', 'Project', 'p1', NULL, '[]'),
        ('l:5', 'TOKEN_CREATED', 'ApiToken', 'k1', NULL, NULL);
      DO $$
      DECLARE r "AuditEvent"; n bigint := 0; prev text := NULL;
      BEGIN
        FOR r IN SELECT * FROM "AuditEvent" ORDER BY id LOOP
          n := n + 1; r.seq := n; r."prevHash" := prev; r.hash := audit_event_digest(r);
          UPDATE "AuditEvent" SET seq = r.seq, "prevHash" = r."prevHash", hash = r.hash WHERE id = r.id;
          prev := r.hash;
        END LOOP;
        UPDATE "AuditChainHead" SET seq = n, hash = prev WHERE id = 1;
      END $$;
      ${tamper}`;
  };

  it("go to their projects' chains or `system`, re-hashed in their old order, and the first anchor records every head", async () => {
    const db = await createTestDatabase({ before: { migration: '0021_audit_chains', sql: legacyLog() } });
    dbs.push(db);
    const rows = await db.prisma.auditEvent.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.eventKey, r.projectId, r.chain, r.seq])).toEqual([
      ['l:1', 'p1', 'project:p1', 1n],
      ['l:2', null, 'system', 1n],
      ['l:3', 'p2', 'project:p2', 1n],
      ['l:4', 'p1', 'project:p1', 2n],
      ['l:5', null, 'system', 2n],
    ]);
    expect(rows[3]!.prevHash).toBe(rows[0]!.hash);
    expect(rows[4]!.prevHash).toBe(rows[1]!.hash);
    const heads = await db.prisma.auditChainHead.findMany({ orderBy: { chain: 'asc' } });
    expect(heads.map((h) => [h.chain, h.seq, h.hash])).toEqual([
      ['project:p1', 2n, rows[3]!.hash],
      ['project:p2', 1n, rows[2]!.hash],
      ['system', 2n, rows[4]!.hash],
    ]);
    const anchors = await db.prisma.auditAnchor.findMany();
    expect(anchors).toHaveLength(1);
    expect(anchors[0]!.heads).toEqual(Object.fromEntries(heads.map((h) => [h.chain, [String(h.seq), h.hash]])));
    expect(await verifyStoredAuditChain({ prisma: db.prisma })).toMatchObject({ ok: true, rows: 5 });
    // The next row of p1 follows its chain, whichever process writes it.
    const next = await db.prisma.auditEvent.create({ data: { eventKey: 'new:p1', action: 'A', entityType: 'Project', entityId: 'p1' } });
    expect([next.chain, next.seq, next.prevHash]).toEqual(['project:p1', 3n, rows[3]!.hash]);
  });

  it('stop the upgrade when the old chain is broken, rather than re-hash (and so launder) an edited row', async () => {
    const tampered = legacyLog(`UPDATE "AuditEvent" SET comment = '改' WHERE "eventKey" = 'l:3';`);
    await expect(createTestDatabase({ before: { migration: '0021_audit_chains', sql: tampered } })).rejects.toThrow(/audit chain is broken at row/);
  });
});

/** A row as PostgreSQL's own JSON (jsonb text kept as stored: Prisma would turn 1.0 into 1). */
async function saveRow(id: bigint): Promise<string> {
  const [row] = await s.prisma.$queryRaw<Array<{ json: string }>>`SELECT row_to_json(a)::text AS json FROM ${events} a WHERE id = ${id}`;
  return row!.json;
}

/** Puts a deleted row back exactly as it was, its seq and hashes included. */
async function restore(saved: string) {
  await asOwner(CHAIN, Prisma.sql`INSERT INTO ${events} SELECT * FROM json_populate_record(NULL::${events}, ${saved}::json)`);
}
