import * as z from '../shape';
import { ancestorPathOf, covers, orgPathOf, ZRoleGrant } from '../actor';
import type { TRefusal } from '../errors';
import type { TApprovalStepConfig } from './approval-config';
import type { TApprovalEvent, TApprovalEventOf } from './approval-events';
import { subjectOrgPath } from './signer-scope';

/**
 * What the system knows of a person an action names (an added signer, a transfer target, a copy
 * recipient): whether their account is active and the roles they hold, each with its unit's path.
 * Looked up by the caller from the accounts (src/db/county-people.ts `namedPeopleFacts`), the same
 * way the actor's own grants are, never taken from the party the rule constrains.
 */
export const ZNamedPerson = z.object({
  userId: z.string().min(1),
  active: z.boolean(),
  grants: z.array(ZRoleGrant),
});
export type TNamedPerson = z.infer<typeof ZNamedPerson>;

/** An action as far as naming people goes (an event or the command's action, without the base fields). */
export type TNamingAction =
  | Pick<TApprovalEventOf<'ADD_SIGNER'>, 'type' | 'signer'>
  | Pick<TApprovalEventOf<'TRANSFER'>, 'type' | 'toUserId'>
  | Pick<TApprovalEventOf<'CC'>, 'type' | 'recipientIds'>
  | { type: Exclude<TApprovalEvent['type'], 'ADD_SIGNER' | 'TRANSFER' | 'CC'> };

/** The people an action names, each with the request field that named them (the API's paths). */
export function namedPeopleOf(event: TNamingAction): Array<{ userId: string; field: string }> {
  switch (event.type) {
    case 'ADD_SIGNER':
      return event.signer.kind === 'user' ? [{ userId: event.signer.userId, field: 'body.signer.userId' }] : [];
    case 'TRANSFER':
      return [{ userId: event.toUserId, field: 'body.toUserId' }];
    case 'CC':
      return event.recipientIds.map((userId, i) => ({ userId, field: `body.recipientIds.${i}` }));
    default:
      return [];
  }
}

/**
 * The county of the matter. Both hosts give the project's village as the subject
 * (township-review.ts, project-operation.ts), whose county is two levels up wherever the tree's root
 * is. A host that gives none scopes the matter by its deepest candidate unit, of unknown level:
 * there the root unit stands for the county, as it did before the levels above the county.
 */
function countyPathOfSubject(config: Pick<TApprovalStepConfig, 'subjectOrgPath'>, subject: readonly string[]): string {
  if (config.subjectOrgPath && subject.length >= 3) return ancestorPathOf(orgPathOf(subject), 2);
  return orgPathOf(subject.slice(0, 1));
}

/**
 * Why the people an action names may not be named, or null: each must come with their facts, be
 * active, and hold a role in the county of the matter (`subjectOrgPath`). A signer added by a typo
 * would leave the step waiting on someone who cannot sign, and a copy would go to nobody. A step
 * with no subject path knows no county, so nobody is in it. The first offender is reported, on the
 * field that named them; its message lists every offender.
 */
export function namedPeopleRefusal(
  config: Pick<TApprovalStepConfig, 'subjectOrgPath' | 'candidates'>,
  action: TNamingAction,
  named: readonly TNamedPerson[] | undefined,
): TRefusal | null {
  // The facts cross a process boundary (the Update's payload): a malformed list is refused, not thrown on.
  if (named !== undefined && !ZNamedPerson.array().safeParse(named).success) {
    return { code: 'VALIDATION_FAILED', message: "the named people's facts are malformed", field: 'named' };
  }
  const subject = subjectOrgPath(config);
  const county = subject.length > 0 ? countyPathOfSubject(config, subject) : null;
  const facts = new Map((named ?? []).map((p) => [p.userId, p]));
  const offenders = namedPeopleOf(action).filter(({ userId }) => {
    const person = facts.get(userId);
    return !person || !person.active || !county || !person.grants.some((g) => covers({ orgPath: county }, g.orgPath));
  });
  const first = offenders[0];
  if (!first) return null;
  return {
    code: 'VALIDATION_FAILED',
    message: `no active person of the project's county: ${offenders.map((o) => o.userId).join(', ')}`,
    field: first.field,
  };
}
