import type { TRole } from '../roles';
import type { TApprovalStepConfig, TRoleSlot } from './approval-config';
import type { TActor } from './approval-events';
import type { TRefusal } from '../errors';
import { covers, orgPathOf } from '../actor';
import { slotOrgPath } from './org-scope';

/**
 * Roles that never become an added signer (加签): the proposer's side (the village committee), the
 * implementer's side (it receives the money), the read-only monitor, and administrators (they run
 * the system; deciding a matter is not theirs).
 */
export const NEVER_SIGNER_ROLES: readonly TRole[] = ['VILLAGE_COMMITTEE', 'IMPLEMENTER', 'MONITOR', 'ADMIN'];

/**
 * The org units the matter belongs to, root first, ending with its own unit (the project's
 * village). A host that gives none: the deepest candidate unit stands for it, which is never wider
 * than the matter (candidates sit at or above the project); with no role candidate at all the
 * scope is empty, so nothing is in scope.
 */
export function subjectOrgPath(config: Pick<TApprovalStepConfig, 'subjectOrgPath' | 'candidates'>): readonly string[] {
  if (config.subjectOrgPath) return config.subjectOrgPath;
  let deepest: string[] = [];
  for (const slot of config.candidates) {
    if (slot.kind === 'role' && slotOrgPath(slot).length > deepest.length) deepest = slotOrgPath(slot);
  }
  return deepest;
}

/** A grant at unit U covers the matter when U lies on the matter's org path (the matter is in U's subtree). */
export function coversSubject(config: TApprovalStepConfig, orgUnitId: string): boolean {
  return covers({ orgUnitId }, orgPathOf(subjectOrgPath(config)));
}

/**
 * Whether the actor administers the matter. Before the rule (steps started without
 * `signersInScope`) any administrator counted, wherever their grant sat.
 */
export function isAdminOf(config: TApprovalStepConfig, actor: TActor): boolean {
  return actor.roles.some((held) => held.role === 'ADMIN' && (!config.signersInScope || coversSubject(config, held.orgUnitId)));
}

/**
 * Why a role slot may not be added as a signer, or null when it may: the role must be one of the
 * step's candidate roles (people who could sign it anyway), never one of NEVER_SIGNER_ROLES, and its org unit must cover the matter (same county, the project's own
 * township or the county itself, never another township). The slot's `orgPath`, when given, must
 * be that unit's place on the matter's path, so escalation cannot be pointed elsewhere.
 */
export function addedRoleSignerRefusal(config: TApprovalStepConfig, slot: TRoleSlot): TRefusal | null {
  if (!config.signersInScope) return null;
  const candidateRoles = new Set<TRole>(config.candidates.flatMap((c) => (c.kind === 'role' ? [c.role] : [])));
  if (NEVER_SIGNER_ROLES.includes(slot.role) || !candidateRoles.has(slot.role)) {
    return {
      code: 'ROLE_NOT_ALLOWED',
      message: `${slot.role} cannot sign this step (its signer roles: ${[...candidateRoles].join(', ') || 'none, named people only'})`,
      field: 'signer.role',
    };
  }
  const path = subjectOrgPath(config);
  const at = path.indexOf(slot.orgUnitId);
  const placed = at >= 0 && (!slot.orgPath || orgPathOf(slot.orgPath) === orgPathOf(path.slice(0, at + 1)));
  if (!placed) return { code: 'OUT_OF_SCOPE', message: `org unit ${slot.orgUnitId} does not cover this matter`, field: 'signer.orgUnitId' };
  return null;
}
