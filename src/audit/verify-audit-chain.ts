import crypto from 'node:crypto';

/**
 * The audit hash chain, recomputed in Node from the stored fields: the database computes each
 * row's hash in its BEFORE INSERT trigger (prisma/sql/audit-chain.sql); this file computes it again,
 * byte for byte the same way, so a row changed after the fact no longer matches. Pure: the rows are
 * read elsewhere (read-audit-chain.ts) and fed in chain order.
 */

/** One audit row as the chain sees it. details is jsonb's own text form (`details::text`). */
export interface TChainRow {
  id: bigint;
  seq: bigint | null;
  eventKey: string;
  at: Date;
  actorId: string | null;
  role: string | null;
  orgUnitId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  requestId: string | null;
  comment: string | null;
  details: string | null;
  prevHash: string | null;
  hash: string | null;
}

/** The tip the database recorded (AuditChainHead): where the chain must end. Null: its row is gone. */
export interface TChainHead {
  seq: bigint;
  hash: string | null;
}

/** A position and hash recorded outside the database earlier (`verify --anchor seq:hash`). */
export interface TChainAnchor {
  seq: bigint;
  hash: string;
}

export type TChainBreakReason = 'EDITED' | 'DELETED' | 'INSERTED';

export interface TChainBreak {
  reason: TChainBreakReason;
  /** The row the break shows at (for DELETED: the row after the gap, or null at the end). */
  rowId: string | null;
  seq: string | null;
  message: string;
}

export interface TChainReport {
  ok: boolean;
  /** Rows read, chained or not. */
  rows: number;
  counts: { edited: number; deleted: number; inserted: number };
  /** The first break in chain order (rows outside the chain come after every chained one). */
  firstBreak: TChainBreak | null;
  /** Every break found, up to MAX_BREAKS; counts has the totals. */
  breaks: TChainBreak[];
  /** The head as recorded in the database: record it elsewhere to use as an anchor later. */
  head: { seq: string; hash: string | null } | null;
}

export const MAX_BREAKS = 100;

// Must match audit_chain_field / audit_event_digest in prisma/sql/audit-chain.sql.
const FORMAT = 'bangfu-audit-v1';
/** One field of the canonical form (audit_chain_field): the UTF-8 length prefix keeps fields apart. */
export const canonicalField = (v: string | null) => (v === null ? '|-' : `|${Buffer.byteLength(v, 'utf8')}:${v}`);
const field = canonicalField;

/** The hash the trigger stored for this row if nothing about it changed since. */
export function auditEventDigest(row: TChainRow): string {
  const canonical =
    FORMAT +
    field(row.seq === null ? null : row.seq.toString()) +
    field(row.id.toString()) +
    field(row.eventKey) +
    field(String(row.at.getTime())) +
    field(row.actorId) +
    field(row.role) +
    field(row.orgUnitId) +
    field(row.action) +
    field(row.entityType) +
    field(row.entityId) +
    field(row.requestId) +
    field(row.comment) +
    field(row.details) +
    field(row.prevHash);
  return crypto.createHash('sha256').update(canonical, 'utf8').digest('hex');
}

interface TLink {
  id: bigint;
  seq: bigint;
  hash: string | null;
  /** The row's content still matches its stored hash. */
  intact: boolean;
}

/**
 * Checks the rows of one chain one at a time, so a long log is verified in pages (the chains
 * together: verify-audit-chains.ts). Chained rows must come in ascending seq; rows without a seq
 * may come at any time. `label` names the chain in the messages. What each reason means:
 * - EDITED: a row's fields no longer give its stored hash, or they do but the next row's prevHash
 *   (or the head, or an anchor) names another hash: the row was changed and re-hashed.
 * - DELETED: seqs are missing, at the start, between two rows or after the last (the head is further).
 * - INSERTED: a row the trigger did not chain: no seq, a seq taken twice, or beyond the head.
 */
export function createAuditChainVerifier({ head, anchors = [], label }: { head: TChainHead | null; anchors?: TChainAnchor[]; label?: string }) {
  const chained: TChainBreak[] = [];
  const editedRows = new Set<string>();
  const outside: TChainBreak[] = [];
  const counts = { edited: 0, deleted: 0, inserted: 0 };
  const anchorAt = new Map(anchors.map((a) => [a.seq, a.hash]));
  let rows = 0;
  let prev: TLink | null = null;

  const note = (list: TChainBreak[], reason: TChainBreakReason, row: { id: bigint; seq: bigint | null } | null, message: string, weight = 1) => {
    // One row is one edit, however many of its links, the head and the anchors show it.
    if (reason === 'EDITED' && row) {
      const key = `${row.id}:${row.seq}`;
      if (editedRows.has(key)) return;
      editedRows.add(key);
    }
    if (label !== undefined) message = `chain ${label}: ${message}`;
    counts[reason === 'EDITED' ? 'edited' : reason === 'DELETED' ? 'deleted' : 'inserted'] += weight;
    if (chained.length + outside.length < MAX_BREAKS) {
      list.push({ reason, rowId: row ? row.id.toString() : null, seq: row?.seq == null ? null : row.seq.toString(), message });
    }
  };
  const range = (from: bigint, to: bigint) => (from === to ? `seq ${from} is` : `seqs ${from}..${to} are`);

  function add(row: TChainRow): void {
    rows += 1;
    if (row.seq === null) {
      note(outside, 'INSERTED', row, `row ${row.id} has no place in the chain: it was written around the chain trigger`);
      return;
    }
    if (prev && row.seq < prev.seq) throw new Error(`rows must come in ascending seq: ${row.seq} after ${prev.seq}`);
    if (head && row.seq > head.seq) {
      note(chained, 'INSERTED', row, `row ${row.id} has seq ${row.seq}, beyond the chain's head (${head.seq}): it was written around the chain trigger`);
      return;
    }
    if (prev && row.seq === prev.seq) {
      note(chained, 'INSERTED', row, `row ${row.id} takes seq ${row.seq} again, after row ${prev.id}`);
      return;
    }
    const intact = row.hash !== null && auditEventDigest(row) === row.hash;
    const expectedSeq = prev ? prev.seq + 1n : 1n;
    if (row.seq > expectedSeq) {
      const where = prev ? `between row ${prev.id} and row ${row.id}` : `before row ${row.id}, the first left`;
      note(chained, 'DELETED', row, `${range(expectedSeq, row.seq - 1n)} missing ${where}`, Number(row.seq - expectedSeq));
    } else if (row.prevHash !== (prev ? prev.hash : null) && intact && (prev === null || prev.intact)) {
      // Both rows match their own hashes, yet the link between them does not: one of them was
      // changed and re-hashed. The predecessor's hash is what moved unless this is the first row.
      if (prev) note(chained, 'EDITED', prev, `row ${prev.id} was changed and its hash recomputed: row ${row.id} names another predecessor hash`);
      else note(chained, 'EDITED', row, `row ${row.id} is first in the chain but names a predecessor hash`);
    }
    if (!intact) {
      note(chained, 'EDITED', row, row.hash === null ? `row ${row.id} has a seq but no hash` : `row ${row.id} no longer matches its hash`);
    }
    const anchored = anchorAt.get(row.seq);
    if (anchored !== undefined && anchored !== row.hash && intact) {
      note(chained, 'EDITED', row, `row ${row.id} (seq ${row.seq}) has another hash than the anchor recorded earlier: the chain was rewritten up to here`);
    }
    prev = { id: row.id, seq: row.seq, hash: row.hash, intact };
  }

  function finish(): TChainReport {
    const last = prev as TLink | null;
    const lastSeq = last ? last.seq : 0n;
    if (!head) {
      // Without the head a deleted tail cannot be told from a short log; say so rather than guess.
      note(chained, 'DELETED', null, 'the chain head (AuditChainHead) has no row: a deleted tail cannot be ruled out');
    } else if (head.seq > lastSeq) {
      note(
        chained,
        'DELETED',
        null,
        `${range(lastSeq + 1n, head.seq)} missing at the end${last ? `, after row ${last.id}` : ''}: the head records seq ${head.seq}`,
        Number(head.seq - lastSeq),
      );
    } else if (last && last.intact && last.hash !== head.hash) {
      note(chained, 'EDITED', last, `row ${last.id} was changed and its hash recomputed: the head records another hash`);
    }
    for (const a of anchors) {
      if (a.seq > (head?.seq ?? lastSeq))
        note(chained, 'DELETED', null, `the anchor's seq ${a.seq} is beyond the chain's end: the chain was cut and rewritten`);
    }
    return chainReport({ rows, counts, breaks: [...chained, ...outside], head });
  }

  return { add, finish };
}

/** The report of what was found; `head` is what to record elsewhere as an anchor. */
export function chainReport({
  rows,
  counts,
  breaks,
  head,
}: {
  rows: number;
  counts: TChainReport['counts'];
  breaks: TChainBreak[];
  head: { seq: bigint; hash: string | null } | null;
}): TChainReport {
  return {
    ok: breaks.length === 0,
    rows,
    counts,
    firstBreak: breaks[0] ?? null,
    breaks,
    head: head ? { seq: head.seq.toString(), hash: head.hash } : null,
  };
}

/** The whole check over rows in any order (tests, small logs); the reader pages instead. */
export function verifyAuditChain({ rows, head, anchors }: { rows: TChainRow[]; head: TChainHead | null; anchors?: TChainAnchor[] }): TChainReport {
  const verifier = createAuditChainVerifier({ head, anchors });
  const order = (a: TChainRow, b: TChainRow) => (a.seq === b.seq ? (a.id < b.id ? -1 : 1) : a.seq === null ? 1 : b.seq === null ? -1 : a.seq < b.seq ? -1 : 1);
  for (const row of [...rows].sort(order)) verifier.add(row);
  return verifier.finish();
}
