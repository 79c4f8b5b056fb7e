import { Prisma } from '../generated/prisma/client';
import { rawTable, type TPrisma } from '../db/prisma';
import { createAuditChainVerifier, type TChainAnchor, type TChainHead, type TChainReport, type TChainRow } from './verify-audit-chain';

// Raw SQL because the digest covers jsonb's own text of details: Prisma would parse it into
// JavaScript values, and 1.0 or a 25-digit number does not come back as the text that was hashed.
const columns = Prisma.sql`a.id, a.seq, a."eventKey", a."at", a."actorId", a."role"::text AS "role", a."orgUnitId", a."action",
  a."entityType", a."entityId", a."requestId", a."comment", a."details"::text AS "details", a."prevHash", a.hash`;

/**
 * Reads the whole audit log in pages of seq and feeds the verifier. Consistency without one long
 * transaction: the head and the rows beyond it come from a single statement (one snapshot), and a
 * committed audit row always moved the head in its own transaction, so rows up to the head are
 * final (the log is append-only) and anything beyond it in that snapshot was written around the
 * trigger. Writers keep writing meanwhile; their rows lie beyond the head read and are not checked.
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
  const first = await prisma.$queryRaw<Array<TChainRow & { headSeq: bigint | null; headHash: string | null; headFound: boolean }>>(Prisma.sql`
    SELECT h.seq AS "headSeq", h.hash AS "headHash", h.id IS NOT NULL AS "headFound", ${columns}
    FROM (SELECT 1) one
    LEFT JOIN ${rawTable(prisma, 'AuditChainHead')} h ON h.id = 1
    LEFT JOIN ${events} a ON a.seq > h.seq
    ORDER BY a.seq`);
  const found = first[0]!.headFound;
  const head: TChainHead | null = found ? { seq: first[0]!.headSeq!, hash: first[0]!.headHash } : null;
  const beyond = first.filter((r) => r.id !== null);
  const verifier = createAuditChainVerifier({ head, anchors });

  let after = 0n;
  for (;;) {
    const page = await prisma.$queryRaw<TChainRow[]>(Prisma.sql`
      SELECT ${columns} FROM ${events} a
      WHERE a.seq > ${after} ${head ? Prisma.sql`AND a.seq <= ${head.seq}` : Prisma.empty}
      ORDER BY a.seq LIMIT ${pageSize}`);
    for (const row of page) verifier.add(row);
    if (page.length < pageSize) break;
    after = page[page.length - 1]!.seq!;
  }
  for (const row of beyond) verifier.add(row);

  let afterId = -1n;
  for (;;) {
    const page = await prisma.$queryRaw<TChainRow[]>(Prisma.sql`
      SELECT ${columns} FROM ${events} a WHERE a.seq IS NULL AND a.id > ${afterId} ORDER BY a.id LIMIT ${pageSize}`);
    for (const row of page) verifier.add(row);
    if (page.length < pageSize) break;
    afterId = page[page.length - 1]!.id;
  }
  return verifier.finish();
}

/**
 * How many rows the audit chain holds: the head's seq (the trigger moves it with every chained
 * row, whichever process wrote it), 0 before the first. One row read, whatever the log's size.
 */
export async function auditChainLength(prisma: TPrisma): Promise<number> {
  const rows = await prisma.$queryRaw<Array<{ seq: bigint | null }>>(Prisma.sql`SELECT seq FROM ${rawTable(prisma, 'AuditChainHead')} WHERE id = 1`);
  return Number(rows[0]?.seq ?? 0);
}
