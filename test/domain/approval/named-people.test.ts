import { describe, expect, it } from 'vitest';
import { namedPeopleOf, namedPeopleRefusal, type TNamedPerson } from '../../../src/domain/approval';

// Issue #13: "a named signer or copy recipient is an active user of the project's county" lived in
// the route only, so any other caller of the step's approvalAct Update skipped it. The rule is
// here now; the step's validator calls it with the facts the caller looked up.
const config = { candidates: [], subjectOrgPath: ['C', 'T1', 'V1'] };
const person = (userId: string, orgPath: string, active = true): TNamedPerson => ({
  userId,
  active,
  grants: [{ role: 'TOWNSHIP_REVIEWER', orgUnitId: orgPath.split('/').filter(Boolean).at(-1)!, orgPath }],
});
const addUser = (userId: string) => ({ type: 'ADD_SIGNER' as const, position: 'AFTER' as const, signer: { kind: 'user' as const, userId } });

describe('named people: each an active person of the matter’s county', () => {
  it.each([
    ['a person of another county', [person('u', '/C2/T9/')]],
    ['an inactive person of the county', [person('u', '/C/T1/', false)]],
    ['a person given without facts', []],
    ['a person given with no grant at all', [{ userId: 'u', active: true, grants: [] }]],
  ] as Array<[string, TNamedPerson[]]>)('refuses %s as an added signer (VALIDATION_FAILED on body.signer.userId)', (_label, named) => {
    expect(namedPeopleRefusal(config, addUser('u'), named)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.signer.userId' });
  });

  it('refuses an action naming people when no facts were given at all', () => {
    expect(namedPeopleRefusal(config, { type: 'TRANSFER', toUserId: 'u' }, undefined)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.toUserId' });
  });

  it('names the first offending copy recipient by index and lists every offender', () => {
    const refused = namedPeopleRefusal(config, { type: 'CC', recipientIds: ['ok', 'far', 'gone'] }, [
      person('ok', '/C/'),
      person('far', '/C2/'),
      person('gone', '/C/T2/', false),
    ]);
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', field: 'body.recipientIds.1' });
    expect(refused?.message).toContain('far, gone');
  });

  it('accepts active people anywhere in the county: the county itself, the project’s township, another township', () => {
    const named = [person('a', '/C/'), person('b', '/C/T1/'), person('c', '/C/T2/V7/')];
    expect(namedPeopleRefusal(config, { type: 'CC', recipientIds: ['a', 'b', 'c'] }, named)).toBeNull();
    expect(namedPeopleRefusal(config, addUser('c'), named)).toBeNull();
  });

  it('refuses everyone when the step knows no county (no subject path, no role candidate)', () => {
    expect(namedPeopleRefusal({ candidates: [] }, addUser('a'), [person('a', '/C/')])).toMatchObject({ field: 'body.signer.userId' });
  });

  it('refuses malformed facts with VALIDATION_FAILED on named instead of throwing', () => {
    expect(namedPeopleRefusal(config, addUser('a'), [{ userId: 'a', active: 'yes' } as never])).toMatchObject({ code: 'VALIDATION_FAILED', field: 'named' });
  });

  it('checks nothing for actions that name nobody (a role signer, an approval)', () => {
    expect(namedPeopleOf({ type: 'ADD_SIGNER', signer: { kind: 'role', role: 'TOWNSHIP_REVIEWER', orgUnitId: 'T1' } })).toEqual([]);
    expect(namedPeopleRefusal(config, { type: 'APPROVE' }, undefined)).toBeNull();
  });
});
