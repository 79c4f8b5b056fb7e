import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { WORKFLOW_BUNDLER_OPTIONS, WORKFLOWS_PATH } from '../../src/temporal/workflow-bundle';
import { reviewActUpdate } from '../../workflows/messages/review';
import { SA } from '../../workflows/messages/search-attributes';
import type { TReviewAction } from '../../src/domain/fault-tolerance/review-actions';
import type { TActor } from '../../src/domain/actor';
import type { TTestStack } from '../support/stack';
import { addProject, bodyMembers, caseBody, DAY, EVIDENCE, investigate, rid, startCaseStack, type TDriver } from './fault-tolerance-support';
import { taoyuanProjectRow } from '../support/project-row';

/**
 * The fault-tolerance review (容错纠错) on the real dev server, driven through the HTTP API. The
 * full trigger from a project's 差 grade awaits the lifecycle's evaluation stage; cases here are
 * opened by application or by the deciding body.
 */
let s: TTestStack;
let d: TDriver;
let members: Record<string, { id: string; token: string }>;

beforeAll(async () => {
  ({ s, d, m: members } = await startCaseStack(['d2', 'd3', 'p1', 'p2', 'p3']));
}, 120_000);
afterAll(async () => s?.close());

const disc = () => s.tokens.discipline!;

async function openAccepted(extra: Partial<Parameters<typeof caseBody>[0]> = {}, projectId?: string) {
  const opened = await d.open(s.tokens.village!, {
    ...caseBody({ officialId: s.userIds.village!, ...extra }),
    ...(projectId ? { projectIds: [projectId] } : {}),
  });
  expect(opened.status, JSON.stringify(opened.json)).toBe(201);
  const caseId = opened.json.caseId as string;
  await d.ok(disc(), caseId, { type: 'ACCEPT' });
  return caseId;
}

async function voteAll(caseId: string, choice: string, tokens = [disc(), members.d2!.token, members.d3!.token]) {
  for (const token of tokens) await d.ok(token, caseId, { type: 'CAST_VOTE', choice });
}

describe('fault-tolerance review on the dev server', () => {
  it('exemption: apply, accept, investigate, vote, decide, notice, filing; duplicate requestId applied once; visible in Temporal', async () => {
    const caseId = await openAccepted();
    await investigate(d, disc(), caseId);
    await voteAll(caseId, 'EXEMPT');
    const decided = await d.ok(disc(), caseId, { type: 'DECIDE' });
    expect(decided).toMatchObject({ stageBefore: 'collectiveDecision', stageAfter: 'writtenNotice', outcome: 'EXEMPT' });

    const requestId = rid();
    const first = await d.act(disc(), caseId, { type: 'SERVE_NOTICE' }, requestId);
    const second = await d.act(disc(), caseId, { type: 'SERVE_NOTICE' }, requestId);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ seq: first.json.seq, stageAfter: 'publicity' });
    expect(await s.prisma.reviewAction.count({ where: { caseId, type: 'SERVE_NOTICE' } })).toBe(1);
    expect(await s.prisma.auditEvent.count({ where: { eventKey: `review:${caseId}:${requestId}` } })).toBe(1);

    await d.ok(disc(), caseId, { type: 'PUBLICISE_AND_FILE' });
    const row = await s.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } });
    expect(row).toMatchObject({ stage: 'appealWindow', outcome: 'EXEMPT', county: '青山县', closedAt: null });
    // APPLY, ACCEPT, 5 findings, COMPLETE_INVESTIGATION, 3 votes, DECIDE, SERVE_NOTICE, PUBLICISE_AND_FILE
    expect(await s.prisma.reviewAction.count({ where: { caseId } })).toBe(14);
    // One audit event per action (besides INBOX_TASKS_UNTRACKED: the case is about a project this database does not hold).
    expect(await s.prisma.auditEvent.count({ where: { entityType: 'ReviewCase', entityId: caseId, action: { startsWith: 'REVIEW_' } } })).toBe(14);

    const notice = await s.app.inject({ method: 'GET', url: `/api/reviews/${caseId}/notice`, headers: { authorization: `Bearer ${s.tokens.village}` } });
    expect(notice.statusCode).toBe(200);
    expect(notice.headers['content-type']).toMatch(/text\/html/);
    expect(notice.body).toContain('容错纠错认定结果书面反馈');
    expect(notice.body).toContain('予以免责');
    expect(notice.body).toContain('15日内');
    // People by name (and unit), never by id: the investigator is the discipline officer.
    const investigator = await s.prisma.user.findUniqueOrThrow({ where: { id: s.userIds.discipline! }, include: { homeOrgUnit: true } });
    expect(notice.body).toContain(investigator.homeOrgUnit ? `${investigator.displayName}（${investigator.homeOrgUnit.name}）` : investigator.displayName);
    expect(notice.body).not.toContain(s.userIds.discipline!);

    const got = await s.app.inject({ method: 'GET', url: `/api/reviews/${caseId}`, headers: { authorization: `Bearer ${disc()}` } });
    expect(got.json()).toMatchObject({ case: { id: caseId, stage: 'appealWindow' }, live: { stage: 'appealWindow', outcome: 'EXEMPT' } });
    expect(got.json().actions).toHaveLength(14);
    expect(got.json().live.appealClosesAt).toBeGreaterThan(Date.now() + 14 * DAY);

    const desc = await s.client.workflow.getHandle(`review-${caseId}`).describe();
    expect(desc.typedSearchAttributes.get(SA.ReviewStage)).toBe('appealWindow');
    expect(desc.typedSearchAttributes.get(SA.Outcome)).toBe('EXEMPT');
    expect(desc.typedSearchAttributes.get(SA.County)).toBe('青山县');

    // The hosted machine replays deterministically from its own history.
    const history = await s.client.workflow.getHandle(`review-${caseId}`).fetchHistory();
    await Worker.runReplayHistory({ workflowsPath: WORKFLOWS_PATH, bundlerOptions: WORKFLOW_BUNDLER_OPTIONS, replayName: 'faultToleranceReview' }, history);

    const list = await s.app.inject({ method: 'GET', url: '/api/reviews?mine=true', headers: { authorization: `Bearer ${s.tokens.village}` } });
    expect(list.json().items.map((i: { id: string }) => i.id)).toContain(caseId);
    const stranger = await s.app.inject({ method: 'GET', url: `/api/reviews/${caseId}`, headers: { authorization: `Bearer ${s.tokens.village2}` } });
    expect(stranger.statusCode).toBe(404);
  });

  it('lenient outcome, then an appeal in time to the next level with new people changes it to exempt; the record shows it', async () => {
    const caseId = await openAccepted();
    await investigate(d, disc(), caseId);
    await voteAll(caseId, 'LENIENT');
    const noPeriod = await d.act(disc(), caseId, { type: 'DECIDE' });
    expect(noPeriod.json.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    await d.ok(disc(), caseId, {
      type: 'DECIDE',
      impactPeriodEndsAt: Date.now() + 180 * DAY,
      correctiveMeasures: [{ id: 'm1', description: '完善茶园防霜冻预案', dueAt: Date.now() + 60 * DAY }],
    });
    const notice = await s.app.inject({ method: 'GET', url: `/api/reviews/${caseId}/notice`, headers: { authorization: `Bearer ${disc()}` } });
    expect(notice.body).toContain('从轻/减轻处理，影响期至');
    expect(notice.body).toContain('完善茶园防霜冻预案');
    await d.ok(disc(), caseId, { type: 'SERVE_NOTICE' });
    await d.ok(disc(), caseId, { type: 'PUBLICISE_AND_FILE' });

    // Only the officials named in the case may appeal; to anyone else the case does not exist.
    const outsider = await d.act(s.tokens.village2!, caseId, { type: 'APPEAL', grounds: '不服' });
    expect(outsider.status).toBe(404);
    const bodyAppeal = await d.act(disc(), caseId, { type: 'APPEAL', grounds: '不服' });
    expect(bodyAppeal.json.error).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    await d.ok(s.tokens.village!, caseId, { type: 'APPEAL', grounds: '霜冻属不可抗力，已积极挽回损失' });
    // The appeal body is the county's: the holders new to the case (p1, p2, p3), never the sender's pick.
    const named = await d.act(members.p1!.token, caseId, {
      type: 'OPEN_APPEAL_REVIEW',
      body: { name: '复核组', level: 'COUNTY', memberIds: [members.d2!.id] },
    });
    expect(named.json.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body.event.body' }] });
    await d.ok(members.p1!.token, caseId, { type: 'OPEN_APPEAL_REVIEW' });
    expect(await bodyMembers(s.prisma, caseId, 1)).toEqual([members.p1!.id, members.p2!.id, members.p3!.id]);
    await investigate(d, members.p1!.token, caseId);
    await voteAll(caseId, 'EXEMPT', [members.p1!.token, members.p2!.token, members.p3!.token]);
    await d.ok(members.p1!.token, caseId, { type: 'DECIDE' });
    await d.ok(members.p1!.token, caseId, { type: 'SERVE_NOTICE' });
    const filed = await d.ok(members.p1!.token, caseId, { type: 'PUBLICISE_AND_FILE' });
    expect(filed).toMatchObject({ stageAfter: 'resultApplied', outcome: 'EXEMPT' });

    const record = await s.prisma.officialRecord.findUniqueOrThrow({ where: { caseId_officialId: { caseId, officialId: s.userIds.village! } } });
    expect(record).toMatchObject({ outcome: 'EXEMPT', noNegativeEffect: true, impactPeriodEndsAt: null });
    await expect.poll(async () => (await s.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } })).closedAt, { timeout: 10_000 }).not.toBeNull();
    // The appeal decision is final: a second appeal is refused from the stored record.
    const again = await d.act(s.tokens.village!, caseId, { type: 'APPEAL', grounds: '再次申诉' });
    expect(again.json.error).toMatchObject({ code: 'APPEAL_ALREADY_USED' });

    const res = await s.app.inject({
      method: 'GET',
      url: `/api/officials/${s.userIds.village}/record`,
      headers: { authorization: `Bearer ${s.tokens.village}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().reviews).toEqual([expect.objectContaining({ caseId, outcome: 'EXEMPT', adverseNow: false, summaryZh: expect.stringContaining('免责') })]);
    const notice2 = await s.app.inject({ method: 'GET', url: `/api/reviews/${caseId}/notice`, headers: { authorization: `Bearer ${s.tokens.village}` } });
    expect(notice2.body).toContain('容错纠错复核认定结果书面反馈');
    expect(notice2.body).toContain('本复核决定为最终决定');
  });

  it('fund misappropriation is inadmissible: acceptance refused with CASE_INADMISSIBLE and nothing recorded', async () => {
    const opened = await d.open(
      s.tokens.village!,
      caseBody({ officialId: s.userIds.village!, exclusions: [{ kind: 'FUND_MISUSE', description: '挪用项目资金用于村部修缮', evidence: EVIDENCE }] }),
    );
    const caseId = opened.json.caseId as string;
    const requestId = rid();
    const refused = await d.act(disc(), caseId, { type: 'ACCEPT' }, requestId);
    expect(refused.status).toBe(422);
    expect(refused.json.error).toMatchObject({ code: 'CASE_INADMISSIBLE' });
    expect(refused.json.error.message).toContain('挪用');
    expect(await s.prisma.reviewAction.count({ where: { requestId } })).toBe(0);
    expect(await s.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } })).toMatchObject({ stage: 'admissibility', seq: 1 });
    await d.ok(disc(), caseId, { type: 'REFUSE', reasons: ['挪用项目资金，不属于容错免责情形'] });
    await expect.poll(async () => (await s.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } })).closedAt, { timeout: 10_000 }).not.toBeNull();
    expect(await s.prisma.officialRecord.count({ where: { caseId } })).toBe(0);
    const notice = await s.app.inject({ method: 'GET', url: `/api/reviews/${caseId}/notice`, headers: { authorization: `Bearer ${disc()}` } });
    expect(notice.statusCode).toBe(409);
  });

  it('refuses by rule: wrong role, conflict of interest, quorum not reached, one vote per member; no row changes', async () => {
    // d2 proposed the project: off the body (disc, d3, p1 are drawn instead) and refused as an investigator.
    await addProject(s.prisma, { id: 'P-proposed-by-d2', name: '试点茶园', proposerId: members.d2!.id });
    const caseId = await openAccepted({}, 'P-proposed-by-d2');
    expect(await bodyMembers(s.prisma, caseId)).toEqual([s.userIds.discipline!, members.d3!.id, members.p1!.id]);
    const wrongRole = await d.act(s.tokens.leader!, caseId, { type: 'RECORD_FINDING', criterion: 'FORCE_MAJEURE', value: 'UNCLEAR', evidence: [] });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.json.error).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    const timer = await d.act(disc(), caseId, { type: 'APPEAL_WINDOW_CLOSED' });
    expect(timer.json.error).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });

    const before = await s.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } });
    const conflict = await d.act(members.d2!.token, caseId, { type: 'RECORD_FINDING', criterion: 'FORCE_MAJEURE', value: 'MET', evidence: EVIDENCE });
    expect(conflict.status).toBe(403);
    expect(conflict.json.error).toMatchObject({ code: 'CONFLICT_OF_INTEREST' });
    const after = await s.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } });
    expect(after).toEqual(before);
    expect(await s.prisma.reviewAction.count({ where: { caseId } })).toBe(2);

    const spoofed = await d.act(members.d3!.token, caseId, {
      type: 'RECORD_FINDING',
      criterion: 'FORCE_MAJEURE',
      value: 'MET',
      evidence: EVIDENCE,
      investigatorId: s.userIds.discipline,
    });
    expect(spoofed.status).toBe(200);
    expect((await s.prisma.reviewAction.findFirstOrThrow({ where: { caseId, type: 'RECORD_FINDING' } })).actorId).toBe(members.d3!.id);

    await investigate(d, disc(), caseId);
    await d.ok(disc(), caseId, { type: 'CAST_VOTE', choice: 'NOT_EXEMPT' });
    const twice = await d.act(disc(), caseId, { type: 'CAST_VOTE', choice: 'NOT_EXEMPT' });
    expect(twice.json.error).toMatchObject({ code: 'ALREADY_VOTED' });
    const early = await d.act(disc(), caseId, { type: 'DECIDE' });
    expect(early.status).toBe(409);
    expect(early.json.error).toMatchObject({ code: 'QUORUM_NOT_REACHED' });
    const votingConflict = await d.act(members.d2!.token, caseId, { type: 'CAST_VOTE', choice: 'EXEMPT' });
    expect(votingConflict.json.error).toMatchObject({ code: 'NOT_A_MEMBER' });
    expect((await s.prisma.reviewCase.findUniqueOrThrow({ where: { id: caseId } })).stage).toBe('collectiveDecision');
  });

  it("a requestId reused by another user is validated on its own (update ids name the actor), never answered with the first user's result", async () => {
    const caseId = await openAccepted();
    const handle = s.client.workflow.getHandle(`review-${caseId}`);
    const actorOf = async (token: string) =>
      (await s.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } })).json() as TActor;
    const [discipline, leader, d3] = await Promise.all([actorOf(disc()), actorOf(s.tokens.leader!), actorOf(members.d3!.token)]);
    const requestId = rid();
    const finding = { type: 'RECORD_FINDING', criterion: 'FORCE_MAJEURE', value: 'MET', evidence: EVIDENCE } as TReviewAction;
    // As the API sends it: the update id is `<userId>:<requestId>`.
    const send = (actor: TActor) =>
      handle.executeUpdate(reviewActUpdate, { args: [{ requestId, actor, action: finding }], updateId: `${actor.userId}:${requestId}` });
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (err: { cause?: { type?: string } }) => err.cause?.type,
      );

    const first = await send(discipline);
    expect(first).toMatchObject({ type: 'RECORD_FINDING', stageAfter: 'investigation' });
    // Someone without the role: their own refusal, not the first user's result.
    expect(await failure(send(leader))).toBe('ROLE_NOT_ALLOWED');
    // A member who could record it: refused as a duplicate, nothing applied.
    expect(await failure(send(d3))).toBe('DUPLICATE_REQUEST');
    // The first user's retry is answered from its first application.
    expect(await send(discipline)).toEqual(first);
    expect(await s.prisma.reviewAction.count({ where: { caseId, type: 'RECORD_FINDING' } })).toBe(1);

    // Through the API at once: one of two members applies, the other gets a refusal of their own.
    const shared = rid();
    const both = await Promise.all(
      [disc(), members.d3!.token].map((token) =>
        d.act(token, caseId, { type: 'RECORD_FINDING', criterion: 'NO_IMPROPER_GAIN', value: 'MET', evidence: EVIDENCE }, shared),
      ),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.status === 409)!.json.error).toMatchObject({ code: 'DUPLICATE_REQUEST' });
    const applied = await s.prisma.reviewAction.findUniqueOrThrow({ where: { requestId: shared } });
    expect([s.userIds.discipline, members.d3!.id]).toContain(applied.actorId);
  });

  it('honours: ADMIN only, for an official of a project graded 优; shown on the record', async () => {
    await s.prisma.project.create({
      data: taoyuanProjectRow({ id: 'P-honour', name: '桃源村高山茶园', budgetFen: 50_000_000n, proposerId: s.userIds.village!, stage: 'FUNDED' }),
    });
    const url = `/api/officials/${s.userIds.village}/honours`;
    const payload = { requestId: rid(), projectId: 'P-honour', title: '产业帮扶先进个人' };
    const denied = await s.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${disc()}` }, payload });
    expect(denied.json().error).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    const notInvolved = await s.app.inject({
      method: 'POST',
      url: `/api/officials/${s.userIds.village2}/honours`,
      headers: { authorization: `Bearer ${s.tokens.admin}` },
      payload: { ...payload, requestId: rid() },
    });
    expect(notInvolved.statusCode).toBe(400);
    const notExcellent = await s.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${s.tokens.admin}` }, payload });
    expect(notExcellent.json().error).toMatchObject({ code: 'GRADE_NOT_EXCELLENT', details: [{ path: 'body.projectId' }] });
    await s.prisma.project.update({ where: { id: 'P-honour' }, data: { latestGrade: 'EXCELLENT' } });
    const ok = await s.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${s.tokens.admin}` }, payload });
    expect(ok.statusCode).toBe(201);
    const replay = await s.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${s.tokens.admin}` }, payload });
    expect(replay.json()).toMatchObject({ replayed: true });
    const record = await s.app.inject({
      method: 'GET',
      url: `/api/officials/${s.userIds.village}/record`,
      headers: { authorization: `Bearer ${s.tokens.village}` },
    });
    expect(record.json().honours).toEqual([expect.objectContaining({ projectId: 'P-honour', title: '产业帮扶先进个人', awardedBy: s.userIds.admin })]);
    const other = await s.app.inject({
      method: 'GET',
      url: `/api/officials/${s.userIds.village}/record`,
      headers: { authorization: `Bearer ${s.tokens.village2}` },
    });
    expect(other.statusCode).toBe(403);
  });
});
