import type { Prisma, Role } from '../generated/prisma/client';
import { checkAuditPayload, type TAuditPayload } from '../domain/audit/audit-events';
import { auditRowWritten } from '../observability/audit-row-counter';

/** Anything with the audit table: the client or a transaction. */
export type TAuditWriter = {
  auditEvent: {
    create(args: { data: Prisma.AuditEventUncheckedCreateInput }): Promise<unknown>;
    createMany(args: { data: Prisma.AuditEventCreateManyInput[]; skipDuplicates?: boolean }): Promise<{ count: number }>;
  };
};

/** The row around the action and its details. The database adds the chain, seq and hashes (prisma/sql/audit-chain.sql). */
export type TAuditEntry = TAuditPayload & {
  eventKey: string;
  entityType: string;
  entityId: string;
  /**
   * The project the row is about: the row joins that project's chain, whose writers are the only
   * ones it waits for. Filled in by the database for entityType Project; without it the row goes
   * to the `system` chain (ADR 0013).
   */
  projectId?: string | null;
  /** Defaults to the insert's time (the column default). */
  at?: Date;
  actorId?: string | null;
  role?: string | null;
  orgUnitId?: string | null;
  requestId?: string | null;
  comment?: string | null;
};

/**
 * The one way an AuditEvent is written. The details are checked against the audit catalogue
 * first (src/domain/audit/audit-events.ts): a row that does not fit throws AuditCatalogueError
 * and nothing is written, in production too, so the log never holds a row outside its
 * vocabulary. In an activity the throw is retried like any failure until the code is fixed.
 *
 * `ifNew` (the default): keyed by its eventKey, a second write of the same fact is skipped and
 * `written` is false, so retried activities write once. `ifNew: false` inserts and lets a
 * duplicate key fail (P2002), for callers that treat that as a conflict.
 */
export async function writeAuditEvent(tx: TAuditWriter, entry: TAuditEntry, { ifNew = true }: { ifNew?: boolean } = {}): Promise<{ written: boolean }> {
  checkAuditPayload(entry);
  const data = { ...entry, role: entry.role as Role | null | undefined, details: entry.details as Prisma.InputJsonValue | undefined };
  if (!ifNew) {
    await tx.auditEvent.create({ data });
    auditRowWritten(entry.action);
    return { written: true };
  }
  const inserted = await tx.auditEvent.createMany({ data: [data], skipDuplicates: true });
  if (inserted.count === 1) auditRowWritten(entry.action);
  return { written: inserted.count === 1 };
}
