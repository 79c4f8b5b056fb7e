import { Prisma } from '../generated/prisma/client';
import { writeAuditEvent } from '../audit/write-audit-event';
import { APPROVAL_DOCUMENT_KIND, formatApprovalNumber } from '../domain/documents/document-rules';
import type { TPrisma } from './prisma';

/** First key of the two-key advisory lock: keeps these locks apart from any other use (login uses "log"). */
const DOCUMENT_NUMBER_LOCK_CLASS = 0x646f63; // "doc"

export interface TIssuedNumber {
  number: string;
  year: number;
  seq: number;
  issuedAt: Date;
  issuedById: string;
  /** True when this call assigned it; false when the project already had its number. */
  firstTime: boolean;
}

/**
 * The 批复's number for a project: the one it already has, or the next of its county and year.
 *
 * One transaction holds a lock on (county, year) from the first statement to the commit, so the
 * callers of one county-year take turns: each reads the highest sequence committed before it and
 * writes the next, and numbers are consecutive. A transaction that aborts after reading rolls its
 * row back with it, so even then no number is skipped; the unique constraints on (countyId, year,
 * seq) and (projectId, kind) are the backstop should anything write around this function. The
 * audit event is written in the same transaction: a number exists exactly when its event does.
 */
export async function issueApprovalNumber({
  prisma,
  project,
  countyName,
  year,
  actor,
  requestId,
}: {
  prisma: TPrisma;
  project: { id: string; countyId: string };
  countyName: string;
  year: number;
  actor: { userId: string };
  requestId: string | null;
}): Promise<TIssuedNumber> {
  const existing = await prisma.documentNumber.findUnique({ where: { projectId_kind: { projectId: project.id, kind: APPROVAL_DOCUMENT_KIND } } });
  if (existing) return { ...existing, firstTime: false };
  try {
    return await prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${DOCUMENT_NUMBER_LOCK_CLASS}::int, hashtext(${`${project.countyId}:${year}`}))`;
        // Read after the lock: another caller for this project may have committed while we waited.
        const mine = await tx.documentNumber.findUnique({ where: { projectId_kind: { projectId: project.id, kind: APPROVAL_DOCUMENT_KIND } } });
        if (mine) return { ...mine, firstTime: false };
        const last = await tx.documentNumber.aggregate({ where: { countyId: project.countyId, year }, _max: { seq: true } });
        const seq = (last._max.seq ?? 0) + 1;
        const number = formatApprovalNumber({ countyName, year, seq });
        const row = await tx.documentNumber.create({
          data: {
            id: `${project.id}:${APPROVAL_DOCUMENT_KIND}`,
            projectId: project.id,
            kind: APPROVAL_DOCUMENT_KIND,
            countyId: project.countyId,
            year,
            seq,
            number,
            issuedById: actor.userId,
          },
        });
        await writeAuditEvent(tx, {
          eventKey: `document-number:${row.id}`,
          action: 'DOCUMENT_NUMBER_ISSUED',
          entityType: 'Project',
          entityId: project.id,
          projectId: project.id,
          actorId: actor.userId,
          requestId,
          details: { kind: APPROVAL_DOCUMENT_KIND, number, countyId: project.countyId, year, seq },
        });
        return { ...row, firstTime: true };
      },
      // Callers of one county-year wait for each other's lock, not for a slow statement.
      { maxWait: 15_000, timeout: 15_000 },
    );
  } catch (err) {
    // Only a write around the lock can get here: the project's row won, answer with it.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      const row = await prisma.documentNumber.findUnique({ where: { projectId_kind: { projectId: project.id, kind: APPROVAL_DOCUMENT_KIND } } });
      if (row) return { ...row, firstTime: false };
    }
    throw err;
  }
}
