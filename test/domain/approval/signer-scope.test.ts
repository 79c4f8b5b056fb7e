import { describe, expect, it } from 'vitest';
import { taskRows, type TActor, type TSignerSlot } from '../../../src/domain/approval';
import { act, actors, ev, expectRefused, start, township, agriculture } from './fixtures';

// Issue #14 item 2: 加签 by role was checked neither against the project's place in the org tree
// nor against the step's signer roles. The step below is a township review of a project in V1
// (township T1 of county C); T2 is another township of C, C2/T9 another county.
const SUBJECT = ['C', 'T1', 'V1'];
const role = (r: string, orgUnitId: string, orgPath?: string[]): TSignerSlot =>
  ({ kind: 'role', role: r, orgUnitId, ...(orgPath ? { orgPath } : {}) }) as TSignerSlot;
const addAfter = (signer: TSignerSlot) => ev('ADD_SIGNER', actors.tom, { position: 'AFTER', signer });

describe('加签 by role: only roles that could sign, at units covering the matter', () => {
  const review = () => start({ candidates: [township], subjectOrgPath: SUBJECT });

  it.each([
    ["another township's reviewer", role('TOWNSHIP_REVIEWER', 'T2', ['C', 'T2']), 'OUT_OF_SCOPE', 'signer.orgUnitId'],
    ['a reviewer of another county', role('TOWNSHIP_REVIEWER', 'T9', ['C2', 'T9']), 'OUT_OF_SCOPE', 'signer.orgUnitId'],
    ['the county agriculture bureau of another county', role('COUNTY_AGRICULTURE', 'C2', ['C2']), 'ROLE_NOT_ALLOWED', 'signer.role'],
    ['the implementer (it receives the money)', role('IMPLEMENTER', 'V1', SUBJECT), 'ROLE_NOT_ALLOWED', 'signer.role'],
    ["the proposer's side (village committee)", role('VILLAGE_COMMITTEE', 'V1', SUBJECT), 'ROLE_NOT_ALLOWED', 'signer.role'],
    ['MONITOR', role('MONITOR', 'C', ['C']), 'ROLE_NOT_ALLOWED', 'signer.role'],
    ['ADMIN', role('ADMIN', 'C', ['C']), 'ROLE_NOT_ALLOWED', 'signer.role'],
    ['a role that is not one of the step’s signer roles', role('COUNTY_LEADING_GROUP', 'C', ['C']), 'ROLE_NOT_ALLOWED', 'signer.role'],
    ['the right unit id with a forged path', role('TOWNSHIP_REVIEWER', 'T1', ['C2', 'T1']), 'OUT_OF_SCOPE', 'signer.orgUnitId'],
  ] as const)('refuses %s, changing nothing', (_label, signer, code, field) => {
    expectRefused(review(), addAfter(signer), code, field);
  });

  it('accepts a candidate role at the project’s township, county or village (each covers the project)', () => {
    for (const [unit, path] of [
      ['T1', ['C', 'T1']],
      ['C', ['C']],
      ['V1', SUBJECT],
    ] as const) {
      const s = act(review(), addAfter(role('TOWNSHIP_REVIEWER', unit, [...path])));
      expect(taskRows(s).map((r) => r.slot)).toContainEqual(role('TOWNSHIP_REVIEWER', unit, [...path]));
    }
  });

  it('refuses a role no step may be signed by even where it is a candidate role', () => {
    const odd = start({ candidates: [township, role('MONITOR', 'C', ['C'])], subjectOrgPath: SUBJECT });
    expectRefused(odd, addAfter(role('MONITOR', 'C', ['C'])), 'ROLE_NOT_ALLOWED', 'signer.role');
  });

  it('without a subject path, the deepest candidate unit is the scope', () => {
    const s = start({ candidates: [township, agriculture] });
    act(s, addAfter(role('TOWNSHIP_REVIEWER', 'T1', ['C', 'T1'])));
    expectRefused(s, addAfter(role('TOWNSHIP_REVIEWER', 'T2', ['C', 'T2'])), 'OUT_OF_SCOPE', 'signer.orgUnitId');
  });

  it('steps started before the rule (signersInScope: false) keep accepting what they accepted', () => {
    const legacy = start({ candidates: [township], subjectOrgPath: SUBJECT, signersInScope: false });
    act(legacy, addAfter(role('TOWNSHIP_REVIEWER', 'T2', ['C', 'T2'])));
    act(legacy, addAfter(role('IMPLEMENTER', 'V1', SUBJECT)));
  });
});

// Issue #14 item 4: an administrator of any unit could comment, urge and cc on any matter.
describe('administrators act only on matters in their scope', () => {
  const hexi: TActor = { userId: 'hexi-adm', roles: [{ role: 'ADMIN', orgUnitId: 'T1' }] };
  const dongling: TActor = { userId: 'dong-adm', roles: [{ role: 'ADMIN', orgUnitId: 'T2' }] };
  const faraway: TActor = { userId: 'far-adm', roles: [{ role: 'ADMIN', orgUnitId: 'C2' }] };
  const review = (extra = {}) => start({ candidates: [township], subjectOrgPath: SUBJECT, ...extra });
  const actions = (actor: TActor) => [ev('COMMENT', actor, { text: '请补充材料' }), ev('URGE', actor, {}), ev('CC', actor, { recipientIds: ['mon'] })];

  it.each([
    ['of another township', dongling],
    ['of another county', faraway],
  ])('an administrator %s is refused comment, urge and cc (OUT_OF_SCOPE), changing nothing', (_label, admin) => {
    for (const event of actions(admin)) expectRefused(review(), event, 'OUT_OF_SCOPE', 'actor.roles');
  });

  it('administrators of the project’s township or county may comment, urge and cc', () => {
    for (const admin of [hexi, actors.adm]) for (const event of actions(admin)) act(review(), event);
  });

  it('someone with no administrator grant is still plain FORBIDDEN', () => {
    expectRefused(review(), ev('URGE', actors.mon, {}), 'FORBIDDEN', 'actor');
  });

  it('steps started before the rule (signersInScope: false) let any administrator act, as they did', () => {
    for (const event of actions(dongling)) act(review({ signersInScope: false }), event);
  });
});
