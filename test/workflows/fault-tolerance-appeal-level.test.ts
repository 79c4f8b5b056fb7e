import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/auth/tokens';
import { startTestStack, type TTestStack } from '../support/stack';
import { caseBody, DAY, driver, investigate, type TDriver } from './fault-tolerance-support';

/**
 * Issue #17, on the real dev server and database over HTTP: settings saved at a province or city
 * reach the counties under it that saved none (whole rows, the nearest wins), and a county's
 * appeal (复核) is heard by the holders of the deciding roles at its city, or its province, by the
 * setting faultTolerance.appealLevel. The tree, built here directly:
 *
 *   华东省 p-hd (saves applicationWindowDays 50, appealLevel PROVINCE)
 *   ├── 东川市 m-dc (saves applicationWindowDays 40)
 *   │   ├── 西山县 c-xs (saves nothing: the city's)
 *   │   └── 北山县 c-bs (saves its own: window 30, appealLevel COUNTY)
 *   └── 南川市 m-nc (saves nothing)
 *       └── 南山县 c-ns (saves nothing: the province's)
 */
let s: TTestStack;
let d: TDriver;
type TUser = { id: string; token: string };
const u: Record<string, TUser> = {};
let seq = 0;

async function unit(id: string, name: string, level: 'PROVINCE' | 'CITY' | 'COUNTY', parent?: { id: string; path: string }) {
  const path = `${parent?.path ?? '/'}${id}/`;
  await s.prisma.orgUnit.create({ data: { id, name, level, parentId: parent?.id ?? null, path } });
  return { id, path };
}

/** A user holding `role` at `orgUnitId`, granted after every earlier one (the draw goes by seniority). */
async function user(name: string, role: 'DISCIPLINE_INSPECTION' | 'ADMIN' | null, orgUnitId: string): Promise<TUser> {
  const row = await s.prisma.user.create({
    data: { username: `${name}-${crypto.randomBytes(3).toString('hex')}`, displayName: `用户${name}`, passwordHash: 'x', homeOrgUnitId: orgUnitId },
  });
  if (role) await s.prisma.roleAssignment.create({ data: { userId: row.id, role, orgUnitId, createdAt: new Date(Date.now() + 1_000 * ++seq) } });
  return (u[name] = { id: row.id, token: await issueToken(s.prisma, row.id, 'test') });
}

const settingsCall = (method: 'GET' | 'PUT', id: string, token: string, payload?: object) =>
  s.app.inject({ method, url: `/api/admin/counties/${id}/settings`, headers: { authorization: `Bearer ${token}` }, payload });

const save = async (id: string, token: string, settings: object) => {
  const current = (await settingsCall('GET', id, token)).json();
  return settingsCall('PUT', id, token, { expectedVersion: current.version, settings });
};

/** A case in `county` about the official o1, notified `daysAgo` days ago. */
const open = (county: string, daysAgo: number) =>
  d.open(u.o1!.token, {
    ...caseBody({ officialId: u.o1!.id }),
    countyOrgUnitId: county,
    projectIds: [`P-${county}-${++seq}`],
    notifiedAt: Date.now() - daysAgo * DAY,
  });

async function context(caseId: string) {
  const row = await s.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } });
  return row.context as {
    settings: { applicationWindowDays: number };
    rounds: Array<{ body: { name: string; level: string; orgUnitId: string; memberIds: string[] } }>;
  };
}

/** The first body decides EXEMPT (its first member leads), the result is filed, and o1 appeals. */
async function decidedAndAppealed(caseId: string, members: TUser[]) {
  await d.ok(members[0]!.token, caseId, { type: 'ACCEPT' });
  await investigate(d, members[0]!.token, caseId);
  for (const m of members) await d.ok(m.token, caseId, { type: 'CAST_VOTE', choice: 'EXEMPT' });
  for (const type of ['DECIDE', 'SERVE_NOTICE', 'PUBLICISE_AND_FILE']) await d.ok(members[0]!.token, caseId, { type });
  await d.ok(u.o1!.token, caseId, { type: 'APPEAL', grounds: '霜冻属不可抗力' });
}

beforeAll(async () => {
  s = await startTestStack();
  d = driver(s.app);
  const hd = await unit('p-hd', '华东省', 'PROVINCE');
  const dc = await unit('m-dc', '东川市', 'CITY', hd);
  const nc = await unit('m-nc', '南川市', 'CITY', hd);
  await unit('c-xs', '西山县', 'COUNTY', dc);
  await unit('c-bs', '北山县', 'COUNTY', dc);
  await unit('c-ns', '南山县', 'COUNTY', nc);
  await user('provinceAdmin', 'ADMIN', 'p-hd');
  await user('xsAdmin', 'ADMIN', 'c-xs');
  await user('o1', null, 'c-xs');
  // Deciding-role holders: three at 西山县, two at 北山县, one at 南山县, two at 东川市, one at 华东省.
  for (const name of ['k1', 'k2', 'k3']) await user(name, 'DISCIPLINE_INSPECTION', 'c-xs');
  for (const name of ['b1', 'b2']) await user(name, 'DISCIPLINE_INSPECTION', 'c-bs');
  await user('n1', 'DISCIPLINE_INSPECTION', 'c-ns');
  for (const name of ['s1', 's2']) await user(name, 'DISCIPLINE_INSPECTION', 'm-dc');
  await user('v1', 'DISCIPLINE_INSPECTION', 'p-hd');
}, 180_000);
afterAll(async () => s?.close());

describe('settings inherited province → city → county (issue #17)', () => {
  it('a city or province saves settings its counties without their own inherit; a county admin may not change the city’s', async () => {
    const admin = u.provinceAdmin!.token;
    const province = await save('p-hd', admin, { faultTolerance: { applicationWindowDays: 50, appealLevel: 'PROVINCE' } });
    expect(province.statusCode, province.body).toBe(200);
    expect(province.json()).toMatchObject({ countyId: 'p-hd', level: 'PROVINCE', source: 'PROVINCE', sourceUnit: { id: 'p-hd', name: '华东省' }, version: 1 });

    // The county's administrator: their grant does not cover the city, reading or writing.
    const refused = await settingsCall('PUT', 'm-dc', u.xsAdmin!.token, { expectedVersion: 0, settings: { faultTolerance: { applicationWindowDays: 90 } } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'OUT_OF_SCOPE', details: [{ path: 'params.id' }] });
    expect((await settingsCall('GET', 'm-dc', u.xsAdmin!.token)).json().error).toMatchObject({ code: 'OUT_OF_SCOPE' });

    // Before the city saves, it and its counties inherit the province's row.
    expect((await settingsCall('GET', 'm-dc', admin)).json()).toMatchObject({ level: 'CITY', source: 'PROVINCE', version: 0 });
    const city = await save('m-dc', admin, { faultTolerance: { applicationWindowDays: 40 } });
    expect(city.statusCode, city.body).toBe(200);
    expect(city.json()).toMatchObject({ level: 'CITY', source: 'CITY', version: 1 });
    // A stale version is refused as for a county.
    const stale = await settingsCall('PUT', 'm-dc', admin, { expectedVersion: 0, settings: {} });
    expect(stale.json().error).toMatchObject({ code: 'VERSION_CONFLICT' });
    const own = await save('c-bs', admin, { faultTolerance: { applicationWindowDays: 30, appealLevel: 'COUNTY' } });
    expect(own.statusCode, own.body).toBe(200);

    const xs = (await settingsCall('GET', 'c-xs', u.xsAdmin!.token)).json();
    expect(xs).toMatchObject({ level: 'COUNTY', source: 'CITY', sourceUnit: { id: 'm-dc', name: '东川市' }, version: 0 });
    // Whole rows: the city's row wins entirely, its appealLevel (the default CITY) with it.
    expect(xs.settings.faultTolerance).toEqual({ applicationWindowDays: 40, appealWindowDays: 15, appealLevel: 'CITY' });
    expect((await settingsCall('GET', 'c-bs', admin)).json()).toMatchObject({ source: 'COUNTY', sourceUnit: { id: 'c-bs' }, version: 1 });
    expect((await settingsCall('GET', 'c-ns', admin)).json()).toMatchObject({ source: 'PROVINCE', sourceUnit: { id: 'p-hd' }, version: 0 });
  });

  it('the inherited application window decides whether a case opens: the city’s 40 days, the county’s own 30, the province’s 50', async () => {
    // Notified 35 days ago: in time under the city's 40 days, too late under 北山县's own 30.
    const xs = await open('c-xs', 35);
    expect(xs.status, JSON.stringify(xs.json)).toBe(201);
    expect((await context(xs.json.caseId)).settings.applicationWindowDays).toBe(40);
    const bs = await open('c-bs', 35);
    expect(bs.json.error).toMatchObject({ code: 'APPLICATION_WINDOW_CLOSED' });
    // Notified 45 days ago: too late under the city's 40, in time under the province's 50 (南川市 saved nothing).
    expect((await open('c-xs', 45)).json.error).toMatchObject({ code: 'APPLICATION_WINDOW_CLOSED' });
    const ns = await open('c-ns', 45);
    expect(ns.status, JSON.stringify(ns.json)).toBe(201);
    expect((await context(ns.json.caseId)).settings.applicationWindowDays).toBe(50);
    expect(await s.prisma.reviewCase.count({ where: { countyId: 'c-bs' } })).toBe(0);
  });
});

describe('the appeal body at the city or province (issue #17)', () => {
  it('faultTolerance.appealLevel: a county case is appealed to its city’s holders, who decide it; the county’s holders cannot act on the appeal', async () => {
    const opened = await open('c-xs', 1);
    expect(opened.status, JSON.stringify(opened.json)).toBe(201);
    const caseId = opened.json.caseId as string;
    // The first body: the larger half of the county's own holders (the city's and province's are not drawn).
    expect((await context(caseId)).rounds[0]!.body).toEqual({
      name: '西山县容错纠错认定组',
      level: 'COUNTY',
      orgUnitId: 'c-xs',
      memberIds: [u.k1!.id, u.k2!.id],
    });
    await decidedAndAppealed(caseId, [u.k1!, u.k2!]);

    // A city holder may open the appeal review of a county case (the city's grant covers the county by prefix).
    await d.ok(u.s1!.token, caseId, { type: 'OPEN_APPEAL_REVIEW' });
    expect((await context(caseId)).rounds[1]!.body).toEqual({
      name: '东川市容错纠错复核组',
      level: 'CITY',
      orgUnitId: 'm-dc',
      memberIds: [u.s1!.id, u.s2!.id],
    });

    // The county's holders, used or not, cannot act for the city's body.
    for (const [who, event] of [
      [u.k3!, { type: 'RECORD_FINDING', criterion: 'FORCE_MAJEURE', value: 'MET', evidence: ['https://records.example/x.pdf'] }],
      [u.k3!, { type: 'CAST_VOTE', choice: 'NOT_EXEMPT' }],
      [u.k1!, { type: 'DECIDE' }],
    ] as const) {
      const res = await d.act(who.token, caseId, event);
      expect(res.status, `${event.type}: ${JSON.stringify(res.json)}`).toBe(403);
      expect(res.json.error).toMatchObject({ code: 'OUT_OF_SCOPE' });
    }
    // The city's members can read the case and hear it to the end.
    const detail = await s.app.inject({ method: 'GET', url: `/api/reviews/${caseId}`, headers: { authorization: `Bearer ${u.s2!.token}` } });
    expect(detail.statusCode, detail.body).toBe(200);
    await investigate(d, u.s1!.token, caseId);
    await d.ok(u.s1!.token, caseId, { type: 'CAST_VOTE', choice: 'NOT_EXEMPT' });
    await d.ok(u.s2!.token, caseId, { type: 'CAST_VOTE', choice: 'NOT_EXEMPT' });
    await d.ok(u.s1!.token, caseId, { type: 'DECIDE' });
    await d.ok(u.s1!.token, caseId, { type: 'SERVE_NOTICE' });
    expect(await d.ok(u.s2!.token, caseId, { type: 'PUBLICISE_AND_FILE' })).toMatchObject({ stageAfter: 'resultApplied', outcome: 'NOT_EXEMPT' });
  });

  it('appealLevel PROVINCE (inherited from the province) draws the province’s holders; COUNTY keeps the county’s other holders', async () => {
    /** A case in `county` decided by `first`, appealed, and its appeal review opened by `opener`: the caseId and the appeal body. */
    const appealed = async (county: string, first: TUser, opener: TUser) => {
      const opened = await open(county, 1);
      expect(opened.status, JSON.stringify(opened.json)).toBe(201);
      await decidedAndAppealed(opened.json.caseId, [first]);
      await d.ok(opener.token, opened.json.caseId, { type: 'OPEN_APPEAL_REVIEW' });
      return { caseId: opened.json.caseId as string, body: (await context(opened.json.caseId)).rounds[1]!.body };
    };
    // 南山县 inherits the province's row: appealLevel PROVINCE, 华东省's holder v1 hears the appeal.
    const ns = await appealed('c-ns', u.n1!, u.v1!);
    expect(ns.body).toEqual({ name: '华东省容错纠错复核组', level: 'PROVINCE', orgUnitId: 'p-hd', memberIds: [u.v1!.id] });
    // 北山县 saved appealLevel COUNTY (and a 30-day window): its other holder b2 hears the appeal.
    const bs = await appealed('c-bs', u.b1!, u.b2!);
    expect(bs.body).toEqual({ name: '北山县容错纠错复核组', level: 'COUNTY', orgUnitId: 'c-bs', memberIds: [u.b2!.id] });
    // Heard at the county, so the county's holder acts on it as before.
    await investigate(d, u.b2!.token, bs.caseId);
  });
});
