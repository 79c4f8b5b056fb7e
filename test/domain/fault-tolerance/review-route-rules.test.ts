import { describe, expect, it } from 'vitest';
import type { TActor } from '../../../src/domain/actor';
import {
  actionsOpenTo,
  appealBodyRefusal,
  canReadCase,
  closedCaseRefusal,
  honourScopeRefusal,
  measureCompletionGrant,
  measureWithResponsibleRole,
  officialRecordRefusal,
  openingRefusal,
} from '../../../src/domain/fault-tolerance';
import { makeInput, MEMBERS, OFFICIAL, start, T0 } from './fixtures';

// The rules src/http/routes/reviews.ts wrote in its handlers (issue #13: "a second domain layer"),
// now pure functions the route calls. The HTTP tests (test/workflows/fault-tolerance-*.test.ts)
// prove the same answers through the API.

const county = '/c-dan/';
const grant = (role: string, orgPath: string) => ({ role, orgUnitId: orgPath.split('/').filter(Boolean).at(-1)!, orgPath }) as TActor['roles'][number];
const inspector: TActor = { userId: MEMBERS[0]!, roles: [grant('DISCIPLINE_INSPECTION', county)] };
const elsewhere: TActor = { userId: 'u-far', roles: [grant('DISCIPLINE_INSPECTION', '/c-other/')] };
const official: TActor = { userId: OFFICIAL, roles: [] };
const stranger: TActor = { userId: 'u-nobody', roles: [] };

describe('review route rules as domain functions', () => {
  const row = { countyId: 'c-dan', concernedUserIds: [OFFICIAL], context: start().context, stage: 'applied' };

  it('a case is read by its officials, its county’s oversight and its bodies’ members, nobody else', () => {
    expect([official, inspector, elsewhere, stranger].map((a) => canReadCase(a, row))).toEqual([true, true, false, false]);
    expect(canReadCase({ userId: MEMBERS[1]!, roles: [] }, { ...row, context: start(makeInput()).context })).toBe(true);
  });

  it('the opening is refused before anything starts when the machine would refuse it', () => {
    expect(openingRefusal(makeInput(), { type: 'APPLY', applicantId: 'u-nobody', at: T0 })).toMatchObject({
      code: 'NOT_A_CONCERNED_OFFICIAL',
      field: 'applicantId',
    });
    expect(openingRefusal(makeInput(), { type: 'APPLY', applicantId: OFFICIAL, at: T0 })).toBeNull();
  });

  it('the actions open to the caller: an inspector of another county gets none, a stranger none', () => {
    const snapshot = start();
    const stored = { stage: String(snapshot.value), context: snapshot.context, concernedUserIds: [OFFICIAL] };
    expect(actionsOpenTo(elsewhere, stored, county, T0)).toEqual([]);
    expect(actionsOpenTo(stranger, stored, county, T0)).toEqual([]);
  });

  it('a closed case refuses by role first (OUT_OF_SCOPE), and is otherwise left to the host', () => {
    const snapshot = start();
    const stored = { stage: String(snapshot.value), context: snapshot.context, concernedUserIds: [OFFICIAL] };
    expect(closedCaseRefusal(elsewhere, stored, { type: 'ACCEPT' }, county, T0)).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'actor.roles' });
    expect(appealBodyRefusal(elsewhere, { type: 'OPEN_APPEAL_REVIEW' }, stored, county, T0)).toMatchObject({ code: 'OUT_OF_SCOPE' });
    expect(appealBodyRefusal(inspector, { type: 'OPEN_APPEAL_REVIEW' }, { ...stored, stage: 'appeal' }, county, T0)).toBeNull();
  });

  it('a corrective measure is completed only from its inbox (role over the unit)', () => {
    const task = { candidateRole: 'TOWNSHIP_REVIEWER', candidateOrgUnitId: 't-a', candidateOrgPath: '/c-dan/t-a/' };
    expect(measureCompletionGrant({ userId: 'x', roles: [grant('TOWNSHIP_REVIEWER', '/c-dan/t-b/')] }, task)).toMatchObject({
      refusal: { code: 'NOT_A_CANDIDATE', field: 'actor.roles' },
    });
    expect(measureCompletionGrant({ userId: 'x', roles: [grant('TOWNSHIP_REVIEWER', '/c-dan/')] }, task)).toMatchObject({ grant: { orgPath: '/c-dan/' } });
    expect(measureCompletionGrant({ userId: 'x', roles: [grant('TOWNSHIP_REVIEWER', '/c-dan/')] }, { ...task, candidateOrgPath: null })).toHaveProperty(
      'refusal',
    );
  });

  it('a measure’s unit lies in the case’s county, and a county unit needs its department named', () => {
    const m = { responsibleOrgUnitId: 'd-x' };
    expect(measureWithResponsibleRole(m, { path: '/c-other/d-x/', level: 'TOWNSHIP', name: 'x' }, county, 'f')).toMatchObject({
      refusal: { code: 'VALIDATION_FAILED', field: 'f.responsibleOrgUnitId' },
    });
    expect(measureWithResponsibleRole(m, null, county, 'f')).toHaveProperty('refusal');
    expect(measureWithResponsibleRole(m, { path: '/c-dan/', level: 'COUNTY', name: '县' }, county, 'f')).toMatchObject({
      refusal: { field: 'f.responsibleRole' },
    });
    expect(measureWithResponsibleRole(m, { path: '/c-dan/t-a/', level: 'TOWNSHIP', name: '乡' }, county, 'f')).toEqual({
      measure: { ...m, responsibleRole: 'TOWNSHIP_REVIEWER' },
    });
    expect(measureWithResponsibleRole({}, null, county, 'f')).toEqual({ measure: {} });
  });

  it('an official’s record: read by themselves or oversight; honours recorded by an administrator over the project', () => {
    expect(officialRecordRefusal(stranger, OFFICIAL, false)).toMatchObject({ code: 'FORBIDDEN' });
    expect(officialRecordRefusal(official, OFFICIAL, false)).toBeNull();
    expect(officialRecordRefusal(inspector, OFFICIAL, true)).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    const admin: TActor = { userId: 'a', roles: [grant('ADMIN', '/c-dan/t-a/')] };
    expect(honourScopeRefusal(admin, '/c-dan/t-a/v-1/')).toBeNull();
    expect(honourScopeRefusal(admin, '/c-dan/t-b/v-1/')).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'body.projectId' });
  });
});
