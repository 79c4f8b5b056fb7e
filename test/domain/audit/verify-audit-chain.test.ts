import { describe, expect, it } from 'vitest';
import { auditEventDigest, MAX_BREAKS, verifyAuditChain, type TChainHead, type TChainRow } from '../../../src/audit/verify-audit-chain';

/**
 * The verifier on synthetic chains built the way the database trigger builds them. The digest's
 * known answers were computed by PostgreSQL's audit_event_digest (prisma/sql/audit-chain.sql), so
 * a change to either side's canonical form fails here before it fails on stored data.
 */

type TFields = Omit<TChainRow, 'id' | 'seq' | 'prevHash' | 'hash'>;

const fields = (i: number): TFields => ({
  eventKey: `event:${i}`,
  at: new Date(Date.UTC(2026, 10, 20, 8, 0, i)),
  actorId: i % 3 === 0 ? null : `u-${i}`,
  role: i % 2 === 0 ? 'TOWNSHIP_REVIEWER' : null,
  orgUnitId: 't-hexi',
  action: 'TASK_APPROVE',
  entityType: 'Task',
  entityId: `task-${i}`,
  requestId: `req-${i}`,
  comment: i % 4 === 0 ? null : `同意 ${i}`,
  details: i % 5 === 0 ? null : `{"n": ${i}}`,
});

/** What the trigger does: next seq after the head, the head's hash as prevHash, then the digest. */
function append(rows: TChainRow[], head: TChainHead, id: bigint, f: TFields): TChainHead {
  const row: TChainRow = { ...f, id, seq: head.seq + 1n, prevHash: head.hash, hash: null };
  row.hash = auditEventDigest(row);
  rows.push(row);
  return { seq: row.seq!, hash: row.hash };
}

/** A chain of n rows whose ids skip where duplicates were refused, as the sequence does. */
function chain(n: number): { rows: TChainRow[]; head: TChainHead } {
  const rows: TChainRow[] = [];
  let head: TChainHead = { seq: 0n, hash: null };
  for (let i = 1; i <= n; i += 1) head = append(rows, head, BigInt(i * 2 + (i % 3)), fields(i));
  return { rows, head };
}

const rehash = (row: TChainRow) => ({ ...row, hash: auditEventDigest(row) });

describe('audit event digest', () => {
  it('gives the hash PostgreSQL computes for the same row', () => {
    const row: TChainRow = {
      id: 42n,
      seq: 7n,
      eventKey: 'decision:req-1',
      at: new Date('2026-11-20T08:30:00.123Z'),
      actorId: 'u-1',
      role: 'TOWNSHIP_REVIEWER',
      orgUnitId: 't-hexi',
      action: 'TASK_APPROVE',
      entityType: 'Task',
      entityId: 'task-1',
      requestId: 'req-1',
      comment: '同意|3:x\n"quoted" \\ back',
      details: '{"a": {"z": null}, "b": [1.0, "茶"]}',
      prevHash: 'ab'.repeat(32),
      hash: null,
    };
    expect(auditEventDigest(row)).toBe('62b3c4a0e1c606ccde6db4ffad353e1d66884548a5d7815248b07612b4a4e935');
    const bare: TChainRow = {
      id: 1n,
      seq: 1n,
      eventKey: 'k',
      at: new Date(0),
      actorId: null,
      role: null,
      orgUnitId: null,
      action: 'A',
      entityType: 'T',
      entityId: 'e',
      requestId: null,
      comment: null,
      details: null,
      prevHash: null,
      hash: null,
    };
    expect(auditEventDigest(bare)).toBe('aed5417363b30d1a7e3baf4aa885591f07a53d65ab0d9a405b72c02f4ce3f7a9');
  });

  it('changes with every field, and tells a field boundary from the same text inside a field', () => {
    const { rows } = chain(1);
    const base = rows[0]!;
    const changed: Array<Partial<TChainRow>> = [
      { id: 99n },
      { seq: 2n },
      { eventKey: 'x' },
      { at: new Date(base.at.getTime() + 1) },
      { actorId: 'u-other' },
      { role: 'ADMIN' },
      { orgUnitId: 't-other' },
      { action: 'TASK_REJECT' },
      { entityType: 'Project' },
      { entityId: 'task-9' },
      { requestId: null },
      { comment: '同意 1 ' },
      { details: '{"n": 2}' },
      { prevHash: 'f'.repeat(64) },
    ];
    const digests = changed.map((c) => auditEventDigest({ ...base, ...c }));
    expect(new Set([auditEventDigest(base), ...digests]).size).toBe(changed.length + 1);
    // Moving text from one field to the next keeps the concatenation but not the digest.
    const a = { ...base, actorId: 'u-1|7:t-hexi', orgUnitId: null };
    const b = { ...base, actorId: 'u-1', orgUnitId: 't-hexi|-' };
    expect(auditEventDigest(a)).not.toBe(auditEventDigest(b));
    expect(auditEventDigest({ ...base, comment: '' })).not.toBe(auditEventDigest({ ...base, comment: null }));
  });
});

describe('verifyAuditChain', () => {
  it('accepts an intact chain, an empty one, and rows handed over in any order', () => {
    const { rows, head } = chain(12);
    const report = verifyAuditChain({ rows: [...rows].reverse(), head });
    expect(report).toMatchObject({
      ok: true,
      rows: 12,
      counts: { edited: 0, deleted: 0, inserted: 0 },
      firstBreak: null,
      head: { seq: '12', hash: head.hash },
    });
    expect(verifyAuditChain({ rows: [], head: { seq: 0n, hash: null } }).ok).toBe(true);
  });

  it('finds an edited row by its own hash', () => {
    const { rows, head } = chain(10);
    rows[4] = { ...rows[4]!, comment: '不同意' };
    const report = verifyAuditChain({ rows, head });
    expect(report.ok).toBe(false);
    expect(report.firstBreak).toMatchObject({ reason: 'EDITED', rowId: rows[4]!.id.toString(), seq: '5' });
    expect(report.counts).toEqual({ edited: 1, deleted: 0, inserted: 0 });
  });

  it('finds an edited row whose hash was recomputed, by its successor link, and at the tail by the head', () => {
    const { rows, head } = chain(10);
    const middle = [...rows];
    middle[3] = rehash({ ...middle[3]!, details: '{"n": 400}' });
    expect(verifyAuditChain({ rows: middle, head }).firstBreak).toMatchObject({ reason: 'EDITED', rowId: rows[3]!.id.toString(), seq: '4' });

    const tail = [...rows];
    tail[9] = rehash({ ...tail[9]!, actorId: 'u-someone-else' });
    const report = verifyAuditChain({ rows: tail, head });
    expect(report.firstBreak).toMatchObject({ reason: 'EDITED', rowId: rows[9]!.id.toString() });
    expect(report.counts.edited).toBe(1);
  });

  it('finds deleted rows: in the middle (at the next row), at the start, and at the end (by the head)', () => {
    const { rows, head } = chain(10);
    const middle = verifyAuditChain({ rows: rows.filter((_, i) => i !== 5 && i !== 6), head });
    expect(middle.firstBreak).toMatchObject({ reason: 'DELETED', rowId: rows[7]!.id.toString(), seq: '8' });
    expect(middle.firstBreak!.message).toContain('seqs 6..7');
    expect(middle.counts).toEqual({ edited: 0, deleted: 2, inserted: 0 });

    expect(verifyAuditChain({ rows: rows.slice(1), head }).firstBreak).toMatchObject({ reason: 'DELETED', rowId: rows[1]!.id.toString(), seq: '2' });

    const end = verifyAuditChain({ rows: rows.slice(0, 9), head });
    expect(end.firstBreak).toMatchObject({ reason: 'DELETED', rowId: null, seq: null });
    expect(end.counts.deleted).toBe(1);
    expect(verifyAuditChain({ rows: [], head }).counts.deleted).toBe(10);
  });

  it('keeps a deleted tail visible after new rows were chained on from the head', () => {
    const { rows, head } = chain(6);
    const kept = rows.slice(0, 4);
    // The trigger continues from the head (seq 6), not from the last row left (seq 4).
    const after = append(kept, head, 100n, fields(7));
    const report = verifyAuditChain({ rows: kept, head: after });
    expect(report.firstBreak).toMatchObject({ reason: 'DELETED', rowId: '100', seq: '7' });
    expect(report.counts.deleted).toBe(2);
  });

  it('finds inserted rows: without a seq, beyond the head, and on a seq taken twice', () => {
    const { rows, head } = chain(8);
    const forged = (over: Partial<TChainRow>): TChainRow => ({ ...fields(50), id: 9n, seq: null, prevHash: null, hash: null, ...over });

    const unchained = verifyAuditChain({ rows: [...rows, forged({})], head });
    expect(unchained.firstBreak).toMatchObject({ reason: 'INSERTED', rowId: '9', seq: null });
    expect(unchained.counts).toEqual({ edited: 0, deleted: 0, inserted: 1 });

    // A well-formed link appended around the trigger: the head did not move.
    const beyond = rehash(forged({ seq: 9n, prevHash: head.hash }));
    expect(verifyAuditChain({ rows: [...rows, beyond], head }).firstBreak).toMatchObject({ reason: 'INSERTED', rowId: '9', seq: '9' });

    const twice = rehash(forged({ id: 1000n, seq: 3n, prevHash: rows[1]!.hash }));
    const report = verifyAuditChain({ rows: [...rows, twice], head });
    expect(report.firstBreak).toMatchObject({ reason: 'INSERTED', rowId: '1000', seq: '3' });
    expect(report.counts).toEqual({ edited: 0, deleted: 0, inserted: 1 });
  });

  it('finds a chain rewritten from an anchored row on, which the chain alone cannot', () => {
    const { rows, head } = chain(6);
    const anchor = { seq: 3n, hash: rows[2]!.hash! };
    expect(verifyAuditChain({ rows, head, anchors: [anchor] }).ok).toBe(true);
    // Rewrite from row 3 on and recompute every later link and the head: self-consistent.
    const rewritten = rows.slice(0, 2);
    let h: TChainHead = { seq: 2n, hash: rows[1]!.hash };
    for (const row of rows.slice(2)) h = append(rewritten, h, row.id, { ...row, comment: '改写' });
    expect(verifyAuditChain({ rows: rewritten, head: h }).ok).toBe(true);
    expect(verifyAuditChain({ rows: rewritten, head: h, anchors: [anchor] }).firstBreak).toMatchObject({
      reason: 'EDITED',
      rowId: rows[2]!.id.toString(),
      seq: '3',
    });
    expect(verifyAuditChain({ rows: rows.slice(0, 2), head: { seq: 2n, hash: rows[1]!.hash }, anchors: [anchor] }).firstBreak).toMatchObject({
      reason: 'DELETED',
    });
  });

  it('says so when the head record is gone, and caps the list of breaks but not the counts', () => {
    const { rows } = chain(3);
    expect(verifyAuditChain({ rows, head: null }).firstBreak).toMatchObject({ reason: 'DELETED', rowId: null });

    const many = chain(MAX_BREAKS + 20);
    const report = verifyAuditChain({ rows: many.rows.map((r) => ({ ...r, comment: 'x' })), head: many.head });
    expect(report.counts.edited).toBe(MAX_BREAKS + 20);
    expect(report.breaks).toHaveLength(MAX_BREAKS);
  });
});
