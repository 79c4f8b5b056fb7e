import { describe, expect, it } from 'vitest';
import type { TActor } from '../../../src/domain/actor';
import { appealUnitFor, constituteAppealBody, hearingOrgPath, reviewRoleRefusal } from './imports';
import { makeInput, start } from './fixtures';

/** Issue #17: the appeal (复核) goes to the county's city or province; the pure half of the rule. */
const province = { id: 'p-hd', name: '华东省', level: 'PROVINCE' };
const city = { id: 'm-dc', name: '东川市', level: 'CITY' };
const county = { id: 'c-xs', name: '西山县', level: 'COUNTY' };
const COUNTY_PATH = '/p-hd/m-dc/c-xs/';

describe('the unit hearing an appeal (appealUnitFor)', () => {
  it('is the nearest ancestor of the appeal level: the city by default, the province when set', () => {
    expect(appealUnitFor({ county, ancestors: [province, city], appealLevel: 'CITY' })).toEqual({ unit: city, level: 'CITY', fallback: false });
    expect(appealUnitFor({ county, ancestors: [province, city], appealLevel: 'PROVINCE' })).toEqual({ unit: province, level: 'PROVINCE', fallback: false });
  });

  it('is the county itself when set to COUNTY, or when no ancestor has that level (a root county, a county straight under a province)', () => {
    expect(appealUnitFor({ county, ancestors: [province, city], appealLevel: 'COUNTY' })).toEqual({ unit: county, level: 'COUNTY', fallback: false });
    expect(appealUnitFor({ county, ancestors: [], appealLevel: 'CITY' })).toEqual({ unit: county, level: 'COUNTY', fallback: true });
    expect(appealUnitFor({ county, ancestors: [province], appealLevel: 'CITY' })).toEqual({ unit: county, level: 'COUNTY', fallback: true });
  });

  it('names the body after the hearing unit and draws only people new to the case', () => {
    const snapshot = start(makeInput({ decidingBody: { name: 'x', level: 'COUNTY', memberIds: ['d1', 'd2'] } }));
    const holders = [
      { userId: 's2', grantedAt: 2 },
      { userId: 'd1', grantedAt: 0 },
      { userId: 's1', grantedAt: 1 },
    ];
    expect(constituteAppealBody({ county, hearing: { unit: city, level: 'CITY' }, holders, context: snapshot.context })).toEqual({
      ok: true,
      body: { name: '东川市容错纠错复核组', level: 'CITY', orgUnitId: 'm-dc', memberIds: ['s1', 's2'] },
    });
  });
});

describe('who may act for the body hearing the case (reviewRoleRefusal)', () => {
  const grantAt = (userId: string, path: string): TActor => ({
    userId,
    roles: [{ role: 'DISCIPLINE_INSPECTION', orgUnitId: path.split('/').filter(Boolean).at(-1)!, orgPath: path }],
  });
  const cityHolder = grantAt('s1', '/p-hd/m-dc/');
  const countyHolder = grantAt('k3', COUNTY_PATH);
  const firstRound = { body: { orgUnitId: 'c-xs' } };
  const scope = (rounds: Array<{ body: { orgUnitId?: string } }>) => ({ countyOrgPath: COUNTY_PATH, concernedUserIds: ['o1'], rounds });

  it('the hearing path is the county until an appeal round sits above it, then that unit’s path', () => {
    expect(hearingOrgPath(scope([firstRound]))).toBe(COUNTY_PATH);
    expect(hearingOrgPath(scope([firstRound, { body: { orgUnitId: 'm-dc' } }]))).toBe('/p-hd/m-dc/');
    expect(hearingOrgPath(scope([firstRound, { body: { orgUnitId: 'c-xs' } }]))).toBe(COUNTY_PATH);
    // A body at a unit off the county's path (never drawn so) does not widen anything.
    expect(hearingOrgPath(scope([firstRound, { body: { orgUnitId: 'elsewhere' } }]))).toBe(COUNTY_PATH);
  });

  it('a city holder acts on the county case (first round and appeal); a county holder not on the city’s appeal', () => {
    const appeal = scope([firstRound, { body: { orgUnitId: 'm-dc' } }]);
    expect(reviewRoleRefusal(cityHolder, 'ACCEPT', scope([firstRound]))).toBeNull();
    expect(reviewRoleRefusal(cityHolder, 'DECIDE', appeal)).toBeNull();
    expect(reviewRoleRefusal(countyHolder, 'DECIDE', scope([firstRound]))).toBeNull();
    expect(reviewRoleRefusal(countyHolder, 'CAST_VOTE', appeal)).toMatchObject({ code: 'OUT_OF_SCOPE' });
    expect(reviewRoleRefusal(countyHolder, 'RECORD_FINDING', appeal)).toMatchObject({ code: 'OUT_OF_SCOPE' });
    // Serving and filing are not the body's own acts: the county's discipline office or administrator still may.
    expect(reviewRoleRefusal(countyHolder, 'SERVE_NOTICE', appeal)).toBeNull();
    // An appeal heard at the county (fallback, or appealLevel COUNTY) keeps the county's holders.
    expect(reviewRoleRefusal(countyHolder, 'CAST_VOTE', scope([firstRound, { body: { orgUnitId: 'c-xs' } }]))).toBeNull();
  });
});
