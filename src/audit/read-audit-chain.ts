import { Prisma } from '../generated/prisma/client';
import { rawTable, type TPrisma } from '../db/prisma';
import type { TChainAnchor, TChainHead, TChainReport } from './verify-audit-chain';
import { createAuditChainsVerifier, type TAnchorRow, type TStoredAuditRow } from './verify-audit-chains';

// Raw SQL because the digest covers jsonb's own text of details: Prisma would parse it into
// JavaScript values, and 1.0 or a 25-digit number does not come back as the text that was hashed.
const columns = Prisma.sql`a.id, a.chain, a."projectId", a.seq, a."eventKey", a."at", a."actorId", a."role"::text AS "role", a."orgUnitId",
  a."action", a."entityType", a."entityId", a."requestId", a."comment", a."details"::text AS "details", a."prevHash", a.hash`;

/** Writes an anchor over the chain heads as they are now (audit_anchor_write); returns its seq. */
export async function writeAuditAnchor(prisma: TPrisma): Promise<bigint> {
  const [row] = await prisma.$queryRaw<Array<{ seq: bigint }>>(Prisma.sql`SELECT ${rawTable(prisma, 'audit_anchor_write')}() AS seq`);
  return row!.seq;
}

/**
 * Anchors the heads as they are now, then reads every chain in pages and feeds the verifier.
 * Consistency without one long transaction: the heads and the rows beyond them (or in no chain
 * with a head) come from one snapshot, and a committed audit row always moved its head in its own
 * transaction, so rows up to a head are final (the log is append-only) and anything beyond it in
 * that snapshot was written around the trigger. Writers keep writing meanwhile; their rows lie
 * beyond the heads read and are not checked. The anchors read are those up to the one written
 * here, all committed before the snapshot, so none records a head beyond it.
 */
export async function verifyStoredAuditChain({
  prisma,
  anchors,
  pageSize = 5000,
}: {
  prisma: TPrisma;
  anchors?: TChainAnchor[];
  pageSize?: number;
}): Promise<TChainReport> {
  const events = rawTable(prisma, 'AuditEvent');
  const headTable = rawTable(prisma, 'AuditChainHead');
  const sealed = await writeAuditAnchor(prisma);
  const [headRows, strayRows] = await prisma.$transaction(
    [
      prisma.$queryRaw<Array<{ chain: string; seq: bigint; hash: string | null }>>(Prisma.sql`SELECT chain, seq, hash FROM ${headTable}`),
      prisma.$queryRaw<TStoredAuditRow[]>(Prisma.sql`
        SELECT ${columns} FROM ${events} a
        WHERE a.chain IS NOT NULL AND a.seq IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM ${headTable} h WHERE h.chain = a.chain AND a.seq <= h.seq)
        ORDER BY a.chain, a.seq`),
    ],
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );
  const heads = new Map<string, TChainHead>(headRows.map((h) => [h.chain, { seq: h.seq, hash: h.hash }]));
  const anchorRows = await prisma.$queryRaw<TAnchorRow[]>(Prisma.sql`
    SELECT seq, "at", heads::text AS heads, "prevHash", hash FROM ${rawTable(prisma, 'AuditAnchor')} WHERE seq <= ${sealed} ORDER BY seq`);
  const verifier = createAuditChainsVerifier({ heads, anchorRows, anchors });

  // The rows beyond a head (or of a chain without one) join their chain after its final rows.
  const strays = new Map<string, TStoredAuditRow[]>();
  for (const row of strayRows) strays.set(row.chain!, [...(strays.get(row.chain!) ?? []), row]);
  const flush = (chain: string | null) => {
    if (chain === null) return;
    for (const row of strays.get(chain) ?? []) verifier.add(row);
    strays.delete(chain);
  };

  let after: { chain: string; seq: bigint } | null = null;
  let chain: string | null = null;
  for (;;) {
    const page: TStoredAuditRow[] = await prisma.$queryRaw<TStoredAuditRow[]>(Prisma.sql`
      SELECT ${columns} FROM ${events} a
      WHERE a.chain IS NOT NULL AND a.seq IS NOT NULL ${after ? Prisma.sql`AND (a.chain, a.seq) > (${after.chain}, ${after.seq})` : Prisma.empty}
      ORDER BY a.chain, a.seq LIMIT ${pageSize}`);
    for (const row of page) {
      const head = heads.get(row.chain!);
      // Not in the snapshot: written since (or, beyond the head then, already among the strays).
      if (!head || row.seq! > head.seq) continue;
      if (row.chain !== chain) {
        flush(chain);
        chain = row.chain;
      }
      verifier.add(row);
    }
    if (page.length < pageSize) break;
    const last = page[page.length - 1]!;
    after = { chain: last.chain!, seq: last.seq! };
  }
  flush(chain);
  for (const c of [...strays.keys()]) flush(c);

  let afterId = -1n;
  for (;;) {
    const page = await prisma.$queryRaw<TStoredAuditRow[]>(Prisma.sql`
      SELECT ${columns} FROM ${events} a WHERE (a.chain IS NULL OR a.seq IS NULL) AND a.id > ${afterId} ORDER BY a.id LIMIT ${pageSize}`);
    for (const row of page) verifier.add(row);
    if (page.length < pageSize) break;
    afterId = page[page.length - 1]!.id;
  }
  return verifier.finish();
}

/**
 * How many rows the audit chains hold together: the sum of the heads' seqs (the trigger moves a
 * chain's head with every row chained in it, whichever process wrote it), 0 before the first.
 * One row per chain read, whatever the log's size.
 */
export async function auditChainLength(prisma: TPrisma): Promise<number> {
  const rows = await prisma.$queryRaw<Array<{ total: bigint | null }>>(Prisma.sql`SELECT sum(seq)::bigint AS total FROM ${rawTable(prisma, 'AuditChainHead')}`);
  return Number(rows[0]?.total ?? 0);
}
