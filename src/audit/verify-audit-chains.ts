import crypto from 'node:crypto';
import {
  canonicalField as field,
  chainReport,
  createAuditChainVerifier,
  MAX_BREAKS,
  type TChainAnchor,
  type TChainBreak,
  type TChainBreakReason,
  type TChainHead,
  type TChainReport,
  type TChainRow,
} from './verify-audit-chain';

/**
 * The audit log as the database keeps it since issue 20 (ADR 0013): one hash chain per project
 * and one for the rest (`system`), each checked by the one-chain verifier (verify-audit-chain.ts),
 * and above them the anchor chain, whose rows record the chain heads that moved since the anchor
 * before, so a chain cut at its end with its head wound back, or removed with its head, still
 * shows. Pure: the rows are read elsewhere (read-audit-chain.ts).
 */

/** A stored row: the chain it was put in and the project it names. */
export interface TStoredAuditRow extends TChainRow {
  chain: string | null;
  projectId: string | null;
}

/** One AuditAnchor row; heads is jsonb's text of {chain: [seq, hash]}. */
export interface TAnchorRow {
  seq: bigint;
  at: Date;
  heads: string;
  prevHash: string | null;
  hash: string | null;
}

type THeadsRecord = Record<string, [string, string | null]>;

/** Must match audit_chain_key in prisma/sql/audit-chain.sql. */
export const auditChainKey = (projectId: string | null) => (projectId === null ? 'system' : `project:${projectId}`);

/** Byte order of the UTF-8 text, as PostgreSQL's COLLATE "C" sorts. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Must match audit_anchor_digest / audit_anchor_heads_text in prisma/sql/audit-chain.sql. */
export function auditAnchorDigest(anchor: Omit<TAnchorRow, 'heads' | 'hash'> & { heads: THeadsRecord }): string {
  const heads = Object.keys(anchor.heads)
    .sort(byteOrder)
    .map((chain) => field(chain) + field(anchor.heads[chain]![0]) + field(anchor.heads[chain]![1]))
    .join('');
  const canonical = 'bangfu-audit-anchor-v1' + field(anchor.seq.toString()) + field(String(anchor.at.getTime())) + field(heads) + field(anchor.prevHash);
  return crypto.createHash('sha256').update(canonical, 'utf8').digest('hex');
}

function parseHeads(text: string): THeadsRecord | null {
  try {
    const heads = JSON.parse(text) as unknown;
    if (typeof heads !== 'object' || heads === null || Array.isArray(heads)) return null;
    const ok = Object.values(heads).every((v) => Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && (typeof v[1] === 'string' || v[1] === null));
    return ok ? (heads as THeadsRecord) : null;
  } catch {
    return null;
  }
}

interface TAnchorCheck {
  breaks: TChainBreak[];
  counts: TChainReport['counts'];
  /** Per chain, the positions and hashes the anchors recorded. */
  anchored: Map<string, Map<bigint, string>>;
  last: { seq: bigint; hash: string | null } | null;
}

/**
 * The anchor chain on its own: seqs from 1 without gaps, each row its own hash and its
 * predecessor's, and `<seq>:<hash>` anchors kept outside the database (`verify --anchor`).
 */
function checkAnchors(rows: TAnchorRow[], external: TChainAnchor[]): TAnchorCheck {
  const breaks: TChainBreak[] = [];
  const counts = { edited: 0, deleted: 0, inserted: 0 };
  const anchored = new Map<string, Map<bigint, string>>();
  const kept = new Map(external.map((a) => [a.seq, a.hash]));
  const note = (reason: TChainBreakReason, seq: bigint | null, message: string, weight = 1) => {
    counts[reason === 'EDITED' ? 'edited' : reason === 'DELETED' ? 'deleted' : 'inserted'] += weight;
    breaks.push({ reason, rowId: null, seq: seq === null ? null : seq.toString(), message });
  };
  let prev: { seq: bigint; hash: string | null; intact: boolean } | null = null;
  for (const row of [...rows].sort((a, b) => (a.seq < b.seq ? -1 : 1))) {
    const heads = parseHeads(row.heads);
    const intact = heads !== null && row.hash !== null && auditAnchorDigest({ ...row, heads }) === row.hash;
    const expected = prev ? prev.seq + 1n : 1n;
    if (row.seq > expected) note('DELETED', row.seq, `anchors ${expected}..${row.seq - 1n} are missing before anchor ${row.seq}`, Number(row.seq - expected));
    else if (prev && row.seq === prev.seq) note('INSERTED', row.seq, `anchor ${row.seq} is there twice`);
    else if (row.prevHash !== (prev ? prev.hash : null) && intact && (prev === null || prev.intact)) {
      note('EDITED', prev ? prev.seq : row.seq, `anchor ${prev ? prev.seq : row.seq} was changed and its hash recomputed: the next anchor names another`);
    }
    if (!intact) note('EDITED', row.seq, `anchor ${row.seq} no longer matches its hash`);
    const outside = kept.get(row.seq);
    if (outside !== undefined && outside !== row.hash && intact) {
      note('EDITED', row.seq, `anchor ${row.seq} has another hash than the one recorded earlier: the anchors were rewritten up to here`);
    }
    // An anchor that no longer matches its hash is reported above; what it records is not evidence.
    for (const [chain, [seq, hash]] of Object.entries(intact ? heads! : {})) {
      if (hash === null || !/^[0-9]+$/.test(seq)) continue;
      const at = anchored.get(chain) ?? new Map<bigint, string>();
      at.set(BigInt(seq), hash);
      anchored.set(chain, at);
    }
    prev = { seq: row.seq, hash: row.hash, intact };
  }
  const last = prev as { seq: bigint; hash: string | null } | null;
  for (const a of external) {
    if (a.seq > (last?.seq ?? 0n)) note('DELETED', a.seq, `the anchor's seq ${a.seq} is beyond the last anchor: the anchors were cut and rewritten`);
  }
  return { breaks, counts, anchored, last: last ? { seq: last.seq, hash: last.hash } : null };
}

/**
 * Checks every chain, one after another, and the anchors. Chained rows come chain by chain (every
 * row of a chain together, in ascending seq); rows without a chain or a seq at any time. `heads`
 * are the AuditChainHead rows read in the same snapshot as the rows beyond them; `anchors` are
 * `<seq>:<hash>` of the anchor chain kept outside the database. Each break's message names its
 * chain; a break of the anchor chain has no row and the anchor's seq. The report's head is the
 * last anchor: record it elsewhere.
 */
export function createAuditChainsVerifier({
  heads,
  anchorRows,
  anchors = [],
}: {
  heads: Map<string, TChainHead>;
  anchorRows: TAnchorRow[];
  anchors?: TChainAnchor[];
}) {
  const anchorCheck = checkAnchors(anchorRows, anchors);
  const reports: TChainReport[] = [];
  const outside: TChainBreak[] = [];
  const outsideCounts = { edited: 0, deleted: 0, inserted: 0 };
  const done = new Set<string>();
  let rows = 0;
  let current: { chain: string; verifier: ReturnType<typeof createAuditChainVerifier> } | null = null;

  const open = (chain: string) => {
    const anchoredAt = anchorCheck.anchored.get(chain) ?? new Map<bigint, string>();
    return createAuditChainVerifier({
      head: heads.get(chain) ?? null,
      anchors: [...anchoredAt].map(([seq, hash]) => ({ seq, hash })),
      label: chain,
    });
  };
  const close = () => {
    if (!current) return;
    reports.push(current.verifier.finish());
    done.add(current.chain);
    current = null;
  };
  const stray = (reason: TChainBreakReason, row: TStoredAuditRow, message: string) => {
    outsideCounts[reason === 'EDITED' ? 'edited' : 'inserted'] += 1;
    outside.push({ reason, rowId: row.id.toString(), seq: row.seq === null ? null : row.seq.toString(), message });
  };

  function add(row: TStoredAuditRow): void {
    if (row.chain === null || row.seq === null) {
      rows += 1;
      stray('INSERTED', row, `row ${row.id} has no place in any chain: it was written around the chain trigger`);
      return;
    }
    if (current?.chain !== row.chain) {
      close();
      if (done.has(row.chain)) throw new Error(`rows must come chain by chain: ${row.chain} again`);
      current = { chain: row.chain, verifier: open(row.chain) };
    }
    rows += 1;
    current.verifier.add(row);
    if (row.chain !== auditChainKey(row.projectId)) {
      // The trigger puts a row in its project's chain: one elsewhere had its chain or project changed.
      stray('EDITED', row, `row ${row.id} is in chain ${row.chain} but names project ${row.projectId ?? '(none)'}`);
    }
  }

  function finish(): TChainReport {
    close();
    // Chains with a head or an anchor but no row left: their rows were all deleted.
    for (const chain of [...heads.keys(), ...anchorCheck.anchored.keys()]) {
      if (done.has(chain)) continue;
      current = { chain, verifier: open(chain) };
      close();
    }
    const parts = [...reports, { breaks: anchorCheck.breaks, counts: anchorCheck.counts }, { breaks: outside, counts: outsideCounts }];
    const counts = { edited: 0, deleted: 0, inserted: 0 };
    for (const p of parts) for (const k of ['edited', 'deleted', 'inserted'] as const) counts[k] += p.counts[k];
    return chainReport({ rows, counts, breaks: parts.flatMap((p) => p.breaks).slice(0, MAX_BREAKS), head: anchorCheck.last });
  }

  return { add, finish };
}

/** The whole check over rows in any order (tests, small logs); the reader pages instead. */
export function verifyAuditChains({
  rows,
  heads,
  anchorRows,
  anchors,
}: {
  rows: TStoredAuditRow[];
  heads: Map<string, TChainHead>;
  anchorRows: TAnchorRow[];
  anchors?: TChainAnchor[];
}): TChainReport {
  const verifier = createAuditChainsVerifier({ heads, anchorRows, anchors });
  const placed = rows.filter((r) => r.chain !== null && r.seq !== null);
  placed.sort((a, b) => byteOrder(a.chain!, b.chain!) || (a.seq! < b.seq! ? -1 : a.seq! > b.seq! ? 1 : a.id < b.id ? -1 : 1));
  for (const row of placed) verifier.add(row);
  for (const row of rows) if (row.chain === null || row.seq === null) verifier.add(row);
  return verifier.finish();
}
