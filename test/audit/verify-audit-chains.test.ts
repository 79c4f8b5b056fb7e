import { describe, expect, it } from 'vitest';
import { auditEventDigest, type TChainHead } from '../../src/audit/verify-audit-chain';
import { auditAnchorDigest, auditChainKey, verifyAuditChains, type TAnchorRow, type TStoredAuditRow } from '../../src/audit/verify-audit-chains';

/**
 * The verifier over many chains and the anchor chain, on synthetic logs built the way the triggers
 * and audit_anchor_write build them (prisma/sql/audit-chain.sql). The anchor digest's known answers
 * were computed by PostgreSQL's audit_anchor_digest, so a change to either side's canonical form
 * (the heads in byte order) fails here first.
 */

let nextId = 1n;
/** Appends a row for a project (null: `system`) to the log, as the trigger chains it. */
function append(log: TStoredAuditRow[], heads: Map<string, TChainHead>, projectId: string | null): TStoredAuditRow {
  const chain = auditChainKey(projectId);
  const head = heads.get(chain) ?? { seq: 0n, hash: null };
  const id = nextId++;
  const row: TStoredAuditRow = {
    id,
    chain,
    projectId,
    seq: head.seq + 1n,
    eventKey: `e:${id}`,
    at: new Date(Date.UTC(2026, 11, 5, 5, 0, Number(id % 60n))),
    actorId: 'u-1',
    role: null,
    orgUnitId: null,
    action: 'TASK_APPROVE',
    entityType: projectId ? 'Project' : 'User',
    entityId: projectId ?? 'u-1',
    requestId: null,
    comment: null,
    details: null,
    prevHash: head.hash,
    hash: null,
  };
  row.hash = auditEventDigest(row);
  log.push(row);
  heads.set(chain, { seq: row.seq!, hash: row.hash });
  return row;
}

/** Appends an anchor with the heads that moved since the anchors before it, as audit_anchor_write does. */
function anchor(anchors: TAnchorRow[], heads: Map<string, TChainHead>): TAnchorRow {
  const recorded = new Map<string, bigint>();
  for (const a of anchors) for (const [chain, [seq]] of Object.entries(JSON.parse(a.heads) as Record<string, [string]>)) recorded.set(chain, BigInt(seq));
  const moved = Object.fromEntries(
    [...heads].filter(([chain, h]) => h.seq > (recorded.get(chain) ?? 0n)).map(([chain, h]) => [chain, [h.seq.toString(), h.hash]]),
  );
  const prev = anchors.at(-1);
  const row = { seq: (prev?.seq ?? 0n) + 1n, at: new Date(Date.UTC(2026, 11, 5, 6, anchors.length)), prevHash: prev?.hash ?? null };
  const stored: TAnchorRow = {
    ...row,
    heads: JSON.stringify(moved),
    hash: auditAnchorDigest({ ...row, heads: moved as Record<string, [string, string | null]> }),
  };
  anchors.push(stored);
  return stored;
}

/** Two projects and `system`, anchored twice. */
function log() {
  const rows: TStoredAuditRow[] = [];
  const heads = new Map<string, TChainHead>();
  const anchors: TAnchorRow[] = [];
  for (const p of ['p1', 'p2', null, 'p1', 'p1']) append(rows, heads, p);
  anchor(anchors, heads);
  for (const p of ['p2', null, 'p3']) append(rows, heads, p);
  anchor(anchors, heads);
  return { rows, heads, anchors };
}
const copy = (heads: Map<string, TChainHead>) => new Map(heads);

describe('audit anchor digest', () => {
  it('gives the hash PostgreSQL computes for the same anchor, the heads in byte order', () => {
    const heads = { system: ['12', 'ab'.repeat(32)], 'project:茶': ['3', 'cd'.repeat(32)], 'project:Z': ['1', 'ef'.repeat(32)] } as Record<
      string,
      [string, string]
    >;
    expect(auditAnchorDigest({ seq: 7n, at: new Date('2026-11-20T08:30:00.123Z'), heads, prevHash: '01'.repeat(32) })).toBe(
      'a70b9253f2be3f1926e21acb5118c5751b52408ae54884d7d9fb112d25616b9b',
    );
    expect(auditAnchorDigest({ seq: 1n, at: new Date(0), heads: {}, prevHash: null })).toBe('8b75d00480d2c496bbcfd0f3bf4b08aaace2ee4cc1f01b1b91e7ec747b268b91');
  });
});

describe('verifyAuditChains', () => {
  it('accepts intact chains handed over in any order, and reports the last anchor as its head', () => {
    const { rows, heads, anchors } = log();
    const report = verifyAuditChains({ rows: [...rows].reverse(), heads, anchorRows: anchors });
    expect(report).toMatchObject({ ok: true, rows: 8, counts: { edited: 0, deleted: 0, inserted: 0 }, head: { seq: '2', hash: anchors[1]!.hash } });
  });

  it("finds a chain's last row deleted with its head wound back, by the anchor", () => {
    const { rows, heads, anchors } = log();
    const p1 = rows.filter((r) => r.chain === 'project:p1');
    const wound = copy(heads).set('project:p1', { seq: 2n, hash: p1[1]!.hash });
    const report = verifyAuditChains({ rows: rows.filter((r) => r !== p1[2]), heads: wound, anchorRows: anchors });
    expect(report.firstBreak).toMatchObject({ reason: 'DELETED', rowId: null });
    expect(report.firstBreak!.message).toContain('chain project:p1');
    expect(report.counts).toEqual({ edited: 0, deleted: 1, inserted: 0 });
  });

  it('finds a whole chain deleted with its head, by the anchor', () => {
    const { rows, heads, anchors } = log();
    const gone = copy(heads);
    gone.delete('project:p2');
    const report = verifyAuditChains({ rows: rows.filter((r) => r.chain !== 'project:p2'), heads: gone, anchorRows: anchors });
    expect(report.ok).toBe(false);
    expect(report.breaks.every((b) => b.reason === 'DELETED' && b.message.includes('chain project:p2'))).toBe(true);
  });

  it('finds a row whose project was changed (EDITED), and a row that is in no chain (INSERTED)', () => {
    const { rows, heads, anchors } = log();
    const moved = rows.map((r) => (r.chain === 'project:p3' ? { ...r, projectId: 'p1' } : r));
    const edited = verifyAuditChains({ rows: moved, heads, anchorRows: anchors });
    expect(edited.firstBreak).toMatchObject({ reason: 'EDITED', rowId: rows.find((r) => r.chain === 'project:p3')!.id.toString() });
    expect(edited.counts).toEqual({ edited: 1, deleted: 0, inserted: 0 });

    const stray = { ...rows[0]!, id: 999n, chain: null, seq: null, eventKey: 'forged' };
    const inserted = verifyAuditChains({ rows: [...rows, stray], heads, anchorRows: anchors });
    expect(inserted.firstBreak).toMatchObject({ reason: 'INSERTED', rowId: '999', seq: null });
  });

  it('finds an edited anchor, a missing anchor, and an anchor kept outside that the anchors no longer have', () => {
    const { rows, heads, anchors } = log();
    // The forged head entry of an edited anchor is no evidence: only the edit is reported.
    const forged = [{ ...anchors[0]!, heads: anchors[0]!.heads.replace('}', ', "project:ghost": ["5", "aa"]}') }, anchors[1]!];
    const edited = verifyAuditChains({ rows, heads, anchorRows: forged });
    expect(edited.firstBreak).toMatchObject({ reason: 'EDITED', rowId: null, seq: '1' });
    expect(edited.counts).toEqual({ edited: 1, deleted: 0, inserted: 0 });

    expect(verifyAuditChains({ rows, heads, anchorRows: [anchors[1]!] }).firstBreak).toMatchObject({ reason: 'DELETED', seq: '2' });

    const kept = { seq: 2n, hash: anchors[1]!.hash! };
    expect(verifyAuditChains({ rows, heads, anchorRows: anchors, anchors: [kept] }).ok).toBe(true);
    expect(verifyAuditChains({ rows, heads, anchorRows: anchors, anchors: [{ seq: 2n, hash: '0'.repeat(64) }] }).firstBreak).toMatchObject({
      reason: 'EDITED',
      seq: '2',
    });
    expect(verifyAuditChains({ rows, heads, anchorRows: anchors, anchors: [{ seq: 3n, hash: kept.hash }] }).firstBreak).toMatchObject({
      reason: 'DELETED',
      seq: '3',
    });
  });
});
