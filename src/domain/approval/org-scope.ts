import { covers, orgPathOf } from '../actor';
import type { TActor, TActorRole } from './approval-events';
import type { TRoleSlot, TSignerSlot } from './approval-config';

/** Ancestors of the slot's org unit, root first, ending with the unit itself. */
export function slotOrgPath(slot: TRoleSlot): string[] {
  return slot.orgPath ?? [slot.orgUnitId];
}

/** The slot's org path in the one encoding (`/county/…/unit/`). */
export function slotOrgPathString(slot: TRoleSlot): string {
  return orgPathOf(slotOrgPath(slot));
}

/**
 * A role at unit U covers every slot whose org path passes through U (U's subtree). Compared by
 * the unit id alone, as recorded grants carry no path (and a slot without `orgPath` matches only
 * its own unit).
 */
export function roleCoversSlot(held: TActorRole, slot: TRoleSlot): boolean {
  return held.role === slot.role && covers({ orgUnitId: held.orgUnitId }, slotOrgPathString(slot));
}

/** Whether someone with this id and these roles may sign a task of this slot. */
export function holdsSlot(userId: string, roles: readonly TActorRole[], slot: TSignerSlot): boolean {
  if (slot.kind === 'user') return slot.userId === userId;
  return roles.some((held) => roleCoversSlot(held, slot));
}

export function actorHoldsSlot(actor: TActor, slot: TSignerSlot): boolean {
  return holdsSlot(actor.userId, actor.roles, slot);
}

/**
 * Default escalation: the same role one org level up (乡镇 → 县). Null when there is no level up
 * to go to, or when the slot is a named user (people have no "level up" without an org chart).
 */
export function parentLevelSlot(slot: TSignerSlot): TSignerSlot | null {
  if (slot.kind !== 'role') return null;
  const path = slotOrgPath(slot);
  if (path.length < 2) return null;
  const parentPath = path.slice(0, -1);
  return { kind: 'role', role: slot.role, orgUnitId: parentPath[parentPath.length - 1], orgPath: parentPath };
}

export function sameSlot(a: TSignerSlot, b: TSignerSlot): boolean {
  if (a.kind === 'user') return b.kind === 'user' && a.userId === b.userId;
  return b.kind === 'role' && a.role === b.role && a.orgUnitId === b.orgUnitId;
}
