import { rawTable, type TPrisma } from '../../src/db/prisma';
import { Prisma } from '../../src/generated/prisma/client';

export const APPEND_ONLY_TRIGGER = 'audit_event_append_only';
export const CHAIN_TRIGGERS = ['audit_event_chain', 'audit_chain_advance'];

/**
 * Tampers with the audit log as an owner of the database could: some of its triggers off, the
 * statements, the triggers on again, in one transaction (ALTER TABLE locks the table, so no
 * concurrent writer ever sees the triggers off).
 */
export async function asDatabaseOwner(prisma: TPrisma, triggers: string[], ...statements: Prisma.Sql[]): Promise<void> {
  const events = rawTable(prisma, 'AuditEvent');
  const toggle = (on: boolean) => triggers.map((t) => Prisma.sql`ALTER TABLE ${events} ${Prisma.raw(on ? 'ENABLE' : 'DISABLE')} TRIGGER ${Prisma.raw(t)}`);
  await prisma.$transaction([...toggle(false), ...statements, ...toggle(true)].map((q) => prisma.$executeRaw(q)));
}
