import crypto from 'node:crypto';
import type { Prisma } from '../generated/prisma/client';
import type { TRole } from '../domain/roles';

type TAuditWriter = { auditEvent: { create(args: { data: Prisma.AuditEventUncheckedCreateInput }): Promise<unknown> } };

/**
 * One audit event for one account or administration change. These calls carry no client request
 * id, so the key is the action, the entity and a fresh uuid: unique per change, never reused.
 * Write it in the same transaction as the change, so there is never one without the other.
 */
export async function recordAudit(
  tx: TAuditWriter,
  event: {
    actorId: string | null;
    role?: TRole | null;
    orgUnitId?: string | null;
    action: string;
    entityType: string;
    entityId: string;
    details?: Record<string, unknown>;
  },
) {
  await tx.auditEvent.create({
    data: {
      eventKey: `${event.action.toLowerCase()}:${event.entityId}:${crypto.randomUUID()}`,
      actorId: event.actorId,
      role: event.role ?? null,
      orgUnitId: event.orgUnitId ?? null,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId,
      details: (event.details ?? undefined) as Prisma.InputJsonValue | undefined,
    },
  });
}
