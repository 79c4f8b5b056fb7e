import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyStoredAuditChain } from '../../src/audit/read-audit-chain';
import { createPrisma, type TPrisma } from '../../src/db/prisma';
import { createTestDatabase } from '../support/db';

/**
 * Issue 20: with one global chain every audit insert waited for the one head row until the
 * writer's transaction ended, so 32 approvers of 32 projects took turns. Per-project chains
 * (ADR 0013) lock only the project's head. Here 32 writers, each in a transaction that holds on
 * for 20 ms after its audit insert (the rest of an approval's one write), write either all to one
 * chain (as every writer did before) or each to its own project, and the figures are compared:
 * the wall time, and the time spent in the INSERT itself, which is the wait for the head's lock.
 */

const WRITERS = 32;
const HOLD_MS = 20;
const ROUNDS = 3;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let writers: TPrisma;
beforeAll(async () => {
  db = await createTestDatabase();
  // The embedded PGlite serves 32 connections in all (and runs one statement at a time anyway).
  writers = createPrisma({ url: db.url, schema: db.schema, poolSize: inject('databaseKind') === 'pglite' ? 16 : WRITERS + 1 });
});
afterAll(async () => {
  await writers?.$disconnect();
  await db?.drop();
});

interface TRun {
  elapsedMs: number;
  /** Summed over the writers: time inside the audit INSERT (the wait for the chain head's lock, and CPU). */
  insertWaitMs: number;
  maxInsertMs: number;
  /** Sessions waiting for a lock (pg_stat_activity, sampled every few ms): the mean over the run, and the most at once. */
  lockWaitersMean: number;
  lockWaitersMax: number;
}

/** Samples how many of the database's sessions wait for a lock until `done` settles (PostgreSQL only). */
async function sampleLockWaiters(done: Promise<unknown>): Promise<{ mean: number; max: number }> {
  if (inject('databaseKind') === 'pglite') return { mean: 0, max: 0 };
  let finished = false;
  void done.finally(() => (finished = true));
  const samples: number[] = [];
  while (!finished) {
    const [row] = await db.prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    samples.push(row!.n);
    await new Promise((r) => setTimeout(r, 5));
  }
  return { mean: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length), max: Math.max(0, ...samples) };
}

async function run(projectOf: (i: number) => string, round: number): Promise<TRun> {
  const waits: number[] = [];
  const started = performance.now();
  const all = Promise.all(
    Array.from({ length: WRITERS }, (_, i) =>
      writers.$transaction(
        async (tx) => {
          const t0 = performance.now();
          await tx.auditEvent.create({
            data: { eventKey: `bench:${round}:${i}:${crypto.randomUUID()}`, action: 'PROBE', entityType: 'Project', entityId: projectOf(i) },
          });
          waits.push(performance.now() - t0);
          await new Promise((r) => setTimeout(r, HOLD_MS));
        },
        { maxWait: 30_000, timeout: 30_000 },
      ),
    ),
  );
  const [locks] = await Promise.all([sampleLockWaiters(all), all]);
  return {
    elapsedMs: performance.now() - started,
    insertWaitMs: waits.reduce((a, b) => a + b, 0),
    maxInsertMs: Math.max(...waits),
    lockWaitersMean: locks.mean,
    lockWaitersMax: locks.max,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = (runs: TRun[]): TRun => ({
  elapsedMs: median(runs.map((r) => r.elapsedMs)),
  insertWaitMs: median(runs.map((r) => r.insertWaitMs)),
  maxInsertMs: median(runs.map((r) => r.maxInsertMs)),
  lockWaitersMean: median(runs.map((r) => r.lockWaitersMean)),
  lockWaitersMax: median(runs.map((r) => r.lockWaitersMax)),
});
const show = (r: TRun) =>
  `${r.elapsedMs.toFixed(0)} ms wall, ${r.insertWaitMs.toFixed(0)} ms in INSERTs (max ${r.maxInsertMs.toFixed(0)} ms), ` +
  `sessions waiting for a lock ${r.lockWaitersMean.toFixed(1)} on average, ${r.lockWaitersMax} at most`;

describe('per-project audit chains under concurrent writers', () => {
  it(`lets ${WRITERS} writers to ${WRITERS} projects go at once, where ${WRITERS} writers to one chain take turns`, async () => {
    const oneChain: TRun[] = [];
    const ownChains: TRun[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate the order, so neither side always runs on a warmer database.
      const pair = [
        () => run(() => 'one-project', round).then((r) => oneChain.push(r)),
        () => run((i) => `project-${round}-${i}`, round).then((r) => ownChains.push(r)),
      ];
      for (const go of round % 2 ? pair.reverse() : pair) await go();
    }
    const one = summary(oneChain);
    const own = summary(ownChains);
    console.info(
      `[audit-chain-concurrency] ${inject('databaseKind')}: ${WRITERS} writers holding ${HOLD_MS} ms, median of ${ROUNDS}: ` +
        `one chain ${show(one)}; ${WRITERS} project chains ${show(own)}`,
    );

    // Every row in its place: one chain of 32 × ROUNDS, and 32 × ROUNDS chains of one row.
    const heads = await db.prisma.auditChainHead.findMany({ where: { chain: { startsWith: 'project:' } } });
    expect(heads.find((h) => h.chain === 'project:one-project')!.seq).toBe(BigInt(WRITERS * ROUNDS));
    expect(heads.filter((h) => h.chain !== 'project:one-project').map((h) => h.seq)).toEqual(Array(WRITERS * ROUNDS).fill(1n));
    expect(await verifyStoredAuditChain({ prisma: db.prisma })).toMatchObject({ ok: true, rows: 2 * WRITERS * ROUNDS });

    // PGlite serves one connection: every transaction waits for the one before, chains or not.
    if (inject('databaseKind') !== 'pglite') {
      // One chain: each writer waits for those before it to commit, about (WRITERS - 1) × HOLD_MS at the end.
      expect(one.elapsedMs).toBeGreaterThan(((WRITERS - 1) * HOLD_MS) / 2);
      expect(own.elapsedMs).toBeLessThan(one.elapsedMs / 2);
      expect(own.insertWaitMs).toBeLessThan(one.insertWaitMs / 3);
      // Writers of one chain queue on its head; writers of their own chains queue on nothing.
      expect(one.lockWaitersMax).toBeGreaterThan(WRITERS / 2);
      expect(own.lockWaitersMax).toBeLessThanOrEqual(2);
    }
  });
});
