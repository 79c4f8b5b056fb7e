import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowClosesAt } from '../../src/domain/fault-tolerance';
import type { TTestStack } from '../support/stack';
import { addProject, bodyMembers, caseBody, DAY, investigate, rid, startCaseStack, type TDriver } from './fault-tolerance-support';

/**
 * Issue #13 items 2, 3 and 11 (first half), on the real dev server over HTTP: who judges a case and
 * by which rules is the county's, not the opener's; the county's faultTolerance.* and
 * collectiveDecision.* settings change what a case does; an adverse outcome keeps honours away.
 * The county's deciding-role holders are discipline, d2, d3, p1, p2 and p3, granted in that order.
 */
let s: TTestStack;
let d: TDriver;
let m: Record<string, { id: string; token: string }>;
const tokenOf = (userId: string) => (userId === s.userIds.discipline ? s.tokens.discipline! : Object.values(m).find((u) => u.id === userId)!.token);

beforeAll(async () => {
  ({ s, d, m } = await startCaseStack(['d2', 'd3', 'p1', 'p2', 'p3']));
}, 120_000);
afterAll(async () => s?.close());

const get = async (url: string, token = s.tokens.discipline!) =>
  (await s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).json();

describe('fault-tolerance case constitution', () => {
  it('the official under review chooses their judges: a body, quorum, window or approvers in the request are refused; the county draws the body', async () => {
    const own = caseBody({ officialId: s.userIds.village! });
    const picked = [
      ['decidingBody', { name: '我选的认定组', level: 'COUNTY', memberIds: [m.p3!.id] }],
      ['settings', { appealWindowDays: 3650, quorum: { numerator: 1, denominator: 100 } }],
      ['approverIds', [s.userIds.discipline!, m.d2!.id, m.d3!.id]],
    ] as const;
    for (const [field, value] of picked) {
      const res = await d.open(s.tokens.village!, { ...own, [field]: value });
      expect(res.status, field).toBe(400);
      expect(res.json.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: `body.${field}` }] });
    }
    expect(await s.prisma.reviewCase.count()).toBe(0);

    // d2 holds the deciding role and applies about their own conduct: off the body, which is the
    // larger half of the other holders, longest-serving first, at the county.
    const opened = await d.open(m.d2!.token, { ...caseBody({ officialId: m.d2!.id }), concernedOfficials: [{ userId: m.d2!.id }] });
    expect(opened.status, JSON.stringify(opened.json)).toBe(201);
    const row = await s.prisma.reviewCase.findUniqueOrThrow({ where: { id: opened.json.caseId } });
    const context = row.context as { rounds: Array<{ body: object }>; settings: object };
    expect(context.rounds[0]!.body).toEqual({
      name: '青山县容错纠错认定组',
      level: 'COUNTY',
      orgUnitId: 'c-qingshan',
      memberIds: [s.userIds.discipline!, m.d3!.id, m.p1!.id],
    });
    // The county has no settings of its own yet: the defaults.
    expect(context.settings).toEqual({
      applicationWindowDays: 30,
      appealWindowDays: 15,
      quorum: { numerator: 2, denominator: 3 },
      majorityMoreThan: { numerator: 1, denominator: 2 },
    });
  });

  it('honours ignore adverse review outcomes: refused while a lenient outcome’s impact period runs (HONOURS_SUSPENDED), the record says adverse', async () => {
    await addProject(s.prisma, { id: 'P-honour-lenient', name: '桃源村高山茶园（从轻）', proposerId: s.userIds.village! });
    await s.prisma.project.update({ where: { id: 'P-honour-lenient' }, data: { latestGrade: 'EXCELLENT' } });
    const opened = await d.open(s.tokens.village!, { ...caseBody({ officialId: s.userIds.village! }), projectIds: ['P-honour-lenient'] });
    const caseId = opened.json.caseId as string;
    const first = await bodyMembers(s.prisma, caseId);
    expect(first).toEqual([s.userIds.discipline!, m.d2!.id, m.d3!.id]);
    const decide = async (members: string[]) => {
      await investigate(d, tokenOf(members[0]!), caseId);
      for (const id of members) await d.ok(tokenOf(id), caseId, { type: 'CAST_VOTE', choice: 'LENIENT' });
      await d.ok(tokenOf(members[0]!), caseId, { type: 'DECIDE', impactPeriodEndsAt: Date.now() + 180 * DAY });
      await d.ok(tokenOf(members[0]!), caseId, { type: 'SERVE_NOTICE' });
      return d.ok(tokenOf(members[0]!), caseId, { type: 'PUBLICISE_AND_FILE' });
    };
    await d.ok(s.tokens.discipline!, caseId, { type: 'ACCEPT' });
    await decide(first);
    // The appeal body is the county's holders new to the case; its decision is final at filing.
    await d.ok(s.tokens.village!, caseId, { type: 'APPEAL', grounds: '霜冻属不可抗力' });
    await d.ok(m.p1!.token, caseId, { type: 'OPEN_APPEAL_REVIEW' });
    const appeal = await bodyMembers(s.prisma, caseId, 1);
    expect(appeal).toEqual([m.p1!.id, m.p2!.id, m.p3!.id]);
    expect(await decide(appeal)).toMatchObject({ stageAfter: 'resultApplied', outcome: 'LENIENT' });

    const res = await s.app.inject({
      method: 'POST',
      url: `/api/officials/${s.userIds.village}/honours`,
      headers: { authorization: `Bearer ${s.tokens.admin}` },
      payload: { requestId: rid(), projectId: 'P-honour-lenient', title: '产业帮扶先进个人' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'HONOURS_SUSPENDED', details: [{ path: 'params.userId' }] });
    expect(res.json().error.message).toContain(caseId);
    expect(await s.prisma.honour.count({ where: { officialId: s.userIds.village! } })).toBe(0);
    const record = await get(`/api/officials/${s.userIds.village}/record`, s.tokens.village!);
    expect(record.reviews).toEqual([expect.objectContaining({ caseId, outcome: 'LENIENT', adverseNow: true })]);
  });

  it('county settings that do nothing: appealWindowDays 20, applicationWindowDays 40, quorum 1/1 and majority 2/3 decide the case', async () => {
    const current = await get('/api/admin/counties/c-qingshan/settings', s.tokens.admin!);
    const settings = structuredClone(current.settings);
    settings.faultTolerance = { applicationWindowDays: 40, appealWindowDays: 20 };
    settings.collectiveDecision = { quorum: { numerator: 1, denominator: 1 }, majorityMoreThan: { numerator: 2, denominator: 3 } };
    const saved = await s.app.inject({
      method: 'PUT',
      url: '/api/admin/counties/c-qingshan/settings',
      headers: { authorization: `Bearer ${s.tokens.admin}` },
      payload: { expectedVersion: current.version, settings },
    });
    expect(saved.statusCode, saved.body).toBe(200);

    // Notified 35 days ago: too late under the default 30 days, in time under the county's 40.
    const opened = await d.open(s.tokens.village!, { ...caseBody({ officialId: s.userIds.village! }), notifiedAt: Date.now() - 35 * DAY });
    expect(opened.status, JSON.stringify(opened.json)).toBe(201);
    const caseId = opened.json.caseId as string;
    const [a, b, c] = await bodyMembers(s.prisma, caseId);
    await d.ok(tokenOf(a!), caseId, { type: 'ACCEPT' });
    await investigate(d, tokenOf(a!), caseId);
    await d.ok(tokenOf(a!), caseId, { type: 'CAST_VOTE', choice: 'EXEMPT' });
    await d.ok(tokenOf(b!), caseId, { type: 'CAST_VOTE', choice: 'EXEMPT' });
    // Two of three present: a 2/3 quorum would be reached, the county's 1/1 is not.
    expect((await d.act(tokenOf(a!), caseId, { type: 'DECIDE' })).json.error).toMatchObject({ code: 'QUORUM_NOT_REACHED' });
    await d.ok(tokenOf(c!), caseId, { type: 'CAST_VOTE', choice: 'NOT_EXEMPT' });
    // 2 of 3 for exemption: a simple majority, but not more than the county's 2/3.
    expect((await d.act(tokenOf(a!), caseId, { type: 'DECIDE' })).json.error).toMatchObject({ code: 'NO_MAJORITY' });
    await d.ok(tokenOf(a!), caseId, { type: 'CALL_REVOTE' });
    for (const id of [a!, b!, c!]) await d.ok(tokenOf(id), caseId, { type: 'CAST_VOTE', choice: 'EXEMPT' });
    await d.ok(tokenOf(a!), caseId, { type: 'DECIDE' });
    await d.ok(tokenOf(a!), caseId, { type: 'SERVE_NOTICE' });
    await d.ok(tokenOf(a!), caseId, { type: 'PUBLICISE_AND_FILE' });

    const detail = await get(`/api/reviews/${caseId}`);
    const filedAt = detail.actions.find((x: { type: string }) => x.type === 'PUBLICISE_AND_FILE').payload.at as number;
    expect(detail.live.appealClosesAt).toBe(windowClosesAt({ openedAt: filedAt, days: 20 }));
    const notice = await s.app.inject({ method: 'GET', url: `/api/reviews/${caseId}/notice`, headers: { authorization: `Bearer ${s.tokens.village}` } });
    expect(notice.body).toContain('20日内');
  });
});
