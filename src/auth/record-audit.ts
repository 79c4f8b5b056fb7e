import crypto from 'node:crypto';
import type { TRole } from '../domain/roles';
import type { TOmitEach } from '../domain/audit/audit-events';
import { writeAuditEvent, type TAuditEntry, type TAuditWriter } from '../audit/write-audit-event';

/**
 * One audit event for one account or administration change. These calls carry no client request
 * id, so the key is the action, the entity and a fresh uuid: unique per change, never reused.
 * Write it in the same transaction as the change, so there is never one without the other.
 */
export async function recordAudit(
  tx: TAuditWriter,
  event: TOmitEach<TAuditEntry, 'eventKey' | 'role' | 'at' | 'requestId' | 'comment'> & { actorId: string | null; role?: TRole | null },
) {
  await writeAuditEvent(
    tx,
    {
      ...event,
      eventKey: `${event.action.toLowerCase()}:${event.entityId}:${crypto.randomUUID()}`,
      role: event.role ?? null,
      orgUnitId: event.orgUnitId ?? null,
    },
    { ifNew: false },
  );
}
