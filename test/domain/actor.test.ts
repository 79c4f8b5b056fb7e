import { describe, expect, it } from 'vitest';
import { ancestorPathOf, covers, coveringPathsOf, holdsRoleOver, orgPathOf, orgPathSegments, type TActor } from '../../src/domain/actor';
import { roleCoversSlot } from '../../src/domain/approval/org-scope';
import { coversSubject } from '../../src/domain/approval/signer-scope';
import { refusal, refusalToAppError, ERROR_STATUS, type TRefusal } from '../../src/domain/errors';

const county = '/c-qingshan/';
const township = '/c-qingshan/t-hexi/';
const village = '/c-qingshan/t-hexi/v-dongcun/';
const otherTownship = '/c-qingshan/t-nanshan/';

describe('one org-path encoding and one covers (issue #13: role-covers-org-unit written 10+ times, two encodings)', () => {
  it('converts the approval config’s id arrays to the one encoding and back', () => {
    expect(orgPathOf(['c-qingshan', 't-hexi', 'v-dongcun'])).toBe(village);
    expect(orgPathSegments(village)).toEqual(['c-qingshan', 't-hexi', 'v-dongcun']);
    // The county of a village is two levels up, whether the tree's root is the county or a province above it.
    expect(ancestorPathOf(village, 2)).toBe(county);
    expect(ancestorPathOf('/p-demo/m-dongchuan/c-baishui/t-a/v-b/', 2)).toBe('/p-demo/m-dongchuan/c-baishui/');
    expect(coveringPathsOf(village)).toEqual([county, township, village]);
  });

  it('a grant covers its unit and everything below it, never a sibling or anything above', () => {
    const grant = { orgUnitId: 't-hexi', orgPath: township };
    expect([village, township, otherTownship, county].map((p) => covers(grant, p))).toEqual([true, true, false, false]);
  });

  it('a path-less grant (as the approval machine records it) answers as the same grant with its path', () => {
    const withPath = { orgUnitId: 't-hexi', orgPath: township };
    const recorded = { orgUnitId: 't-hexi' };
    for (const target of [village, township, otherTownship, county]) expect(covers(recorded, target)).toBe(covers(withPath, target));
  });

  it('a grant does not cover a unit whose id merely starts like its own (t-he vs t-hexi)', () => {
    expect(covers({ orgUnitId: 't-he' }, village)).toBe(false);
    expect(covers({ orgUnitId: 't-he', orgPath: '/c-qingshan/t-he/' }, village)).toBe(false);
  });

  it('approval slots keep their answers: a slot without a path matches only its own unit', () => {
    const slot = { kind: 'role' as const, role: 'TOWNSHIP_REVIEWER' as const, orgUnitId: 't-hexi' };
    expect(roleCoversSlot({ role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' }, slot)).toBe(true);
    expect(roleCoversSlot({ role: 'TOWNSHIP_REVIEWER', orgUnitId: 'c-qingshan' }, slot)).toBe(false);
    expect(roleCoversSlot({ role: 'TOWNSHIP_REVIEWER', orgUnitId: 'c-qingshan' }, { ...slot, orgPath: ['c-qingshan', 't-hexi'] })).toBe(true);
    expect(roleCoversSlot({ role: 'COUNTY_FINANCE', orgUnitId: 'c-qingshan' }, { ...slot, orgPath: ['c-qingshan', 't-hexi'] })).toBe(false);
  });

  it('a matter’s subject path is covered by the units on it only (an empty path by none)', () => {
    const config = { subjectOrgPath: ['c-qingshan', 't-hexi', 'v-dongcun'], candidates: [] } as never;
    expect(coversSubject(config, 'c-qingshan')).toBe(true);
    expect(coversSubject(config, 't-nanshan')).toBe(false);
    expect(coversSubject({ candidates: [] } as never, 'c-qingshan')).toBe(false);
  });

  it('holdsRoleOver needs the role and the scope together', () => {
    const actor: TActor = {
      userId: 'u1',
      roles: [
        { role: 'ADMIN', orgUnitId: 't-hexi', orgPath: township },
        { role: 'MONITOR', orgUnitId: 'c-qingshan', orgPath: county },
      ],
    };
    expect(holdsRoleOver(actor, 'ADMIN', village)).toBe(true);
    expect(holdsRoleOver(actor, 'ADMIN', otherTownship)).toBe(false);
    expect(holdsRoleOver(actor, ['ADMIN', 'MONITOR'], otherTownship)).toBe(true);
  });
});

describe('one refusal shape (issue #13: four refusal types, unknown workflow codes answered as a silent 409)', () => {
  it('builds { code, message, field } and answers with the code’s status and the field', () => {
    const refused: TRefusal = refusal('OUT_OF_SCOPE', 'not yours', 'actor.roles');
    expect(refused).toEqual({ code: 'OUT_OF_SCOPE', message: 'not yours', field: 'actor.roles' });
    const err = refusalToAppError(refused);
    expect([err.status, err.details]).toEqual([ERROR_STATUS.OUT_OF_SCOPE, [{ path: 'actor.roles', message: 'not yours' }]]);
  });

  it('a code missing from the status table does not typecheck', () => {
    // @ts-expect-error: not a code of ERROR_STATUS; `npm run typecheck` fails if this line compiles
    const refused = refusal('NO_SUCH_CODE', 'x');
    expect(refused.code in ERROR_STATUS).toBe(false);
  });
});
