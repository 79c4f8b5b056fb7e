/**
 * Records the histories the replay test replays: `npm run record:histories`.
 *
 * Runs under Vitest (test/replay/vitest.record.config.ts) with the integration global setup, so it
 * drives the real system exactly as the integration tests do: a Temporal dev server, PostgreSQL
 * (TEST_DATABASE_URL or embedded PGlite), the real worker, and the HTTP API through `inject`. Each
 * scenario acts as users do, waits until the workflows have settled, then fetches each execution's
 * history (`fetchHistory`) and writes it with `historyToJSON` into a new vintage folder,
 * test/replay/histories/<YYYY-MM-DD>-<commit>/ (RECORD_VINTAGE overrides the name), with
 * manifest.json. Existing vintages are left alone: they stand for workflows already running.
 *
 * The funded lifecycle (since vintage 2026-11-28-8962daa): funding, capital and progress reports,
 * payments with their verification, risk-flag review and finance approval steps (a flag confirmed,
 * a flag dismissed), acceptance failed once, rectified and passed, handover, the first evaluation
 * and the continue-as-new that follows it; both runs of the project workflow are recorded (by
 * runId). Vintages before it hold no funding: the path was still being rewritten then.
 *
 * Since vintage 2026-12-04-session7 also: a project funded with registered payee accounts whose
 * overspent payment goes to the leading group's 项目变更 approval and is paid, then a defect reported,
 * repaired and verified after the handover; and a forged step report the lifecycle refuses.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import type { FastifyInstance } from 'fastify';
import { issueToken } from '../../src/auth/tokens';
import { buildApp } from '../../src/http/app';
import type { TApprovalStepConfigInput } from '../../src/domain/approval';
import { approvalStateQuery, approvalStepWorkflowId, stepReportUpdate } from '../../workflows/messages/approval-step';
import { projectWorkflowId } from '../../workflows/messages/project';
import { reviewWorkflowId } from '../../workflows/messages/review';
import { REVIEW_STEP_IDS } from '../../src/domain/lifecycle/township-review';
import type { approvalStep } from '../../workflows/approval-step';
import { approveThroughCounty, newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';
import { AGRI_SLOT, createProject, startStepOnNewProject, stepInput, TOWNSHIP_SLOT } from '../workflows/approval-support';
import { addDisciplineUsers, caseBody, driver, investigate, type TDriver } from '../workflows/fault-tolerance-support';
import { HISTORIES_DIR, type THistoryEntry, type TManifest } from './history-files';
import { FAVOURABLE_VOTE, PASSED_CHECKS, TEA_GARDEN_ASSET, TEA_GARDEN_INCOME, TEA_ROAD_ASSET } from '../support/proposal';
import type { Role } from '../../src/generated/prisma/client';

const { EventType } = temporal.api.enums.v1;
const ROOT = path.resolve(import.meta.dirname, '../..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
const commit = git('rev-parse', 'HEAD');
const vintage = process.env.RECORD_VINTAGE ?? `${new Date().toISOString().slice(0, 10)}-${commit.slice(0, 7)}`;
const outDir = path.join(HISTORIES_DIR, vintage);
const recorded: THistoryEntry[] = [];

let s: TTestStack;
/** The same API with the county's real 10-day village publicity, for objections. */
let slowApp: FastifyInstance;
let reviewerB: { id: string; token: string };
let members: Record<string, { id: string; token: string }>;
let d: TDriver;

beforeAll(async () => {
  const dirty = git('status', '--porcelain', '--', 'workflows', 'src/domain', 'activities');
  if (dirty) console.warn(`[record] uncommitted changes in workflow code; vintage ${vintage} is named after ${commit.slice(0, 7)} anyway:\n${dirty}`);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  s = await startTestStack();
  slowApp = await buildApp({ config: s.config, prisma: s.prisma, temporal: s.client, countySettings: { publicity: { villageDays: 10, townshipDays: 0 } } });
  const user = await s.prisma.user.create({ data: { username: 'township-b', displayName: '河西镇审核 钱审核', passwordHash: 'x' } });
  await s.prisma.roleAssignment.create({ data: { userId: user.id, role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' } });
  reviewerB = { id: user.id, token: await issueToken(s.prisma, user.id, 'test') };
  members = await addDisciplineUsers(s.prisma, ['d2', 'd3', 'p1', 'p2', 'p3']);
  d = driver(s.app);
}, 180_000);

afterAll(async () => {
  if (recorded.length > 0) {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/@temporalio/worker/package.json'), 'utf8')) as { version: string };
    const manifest: TManifest = { vintage, recordedAt: new Date().toISOString(), commit, sdkVersion: pkg.version, histories: recorded };
    fs.writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const events = recorded.reduce((n, h) => n + h.events, 0);
    console.info(`[record] ${recorded.length} histories, ${events} events in ${path.relative(ROOT, outDir)}`);
  }
  await slowApp?.close();
  await s?.close();
});

const CLOSED = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

const WORKFLOW_TASK_EVENTS = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
]);
const ACTIVITY_ENDS = new Set<number>([
  EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
  EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
]);

/**
 * The history once the workflow has nothing left to do for now: closed, or its last workflow task
 * completed with no activity in flight, and unchanged for a moment.
 */
async function settledHistory(workflowId: string, runId?: string): Promise<History> {
  const handle = s.client.workflow.getHandle(workflowId, runId);
  let previous = -1;
  for (let i = 0; i < 120; i += 1) {
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const types = events.map((e) => e.eventType ?? 0);
    const lastTask = types.filter((t) => WORKFLOW_TASK_EVENTS.has(t)).at(-1);
    const inFlight = types.filter((t) => t === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length - types.filter((t) => ACTIVITY_ENDS.has(t)).length;
    const quiet = CLOSED.has(types.at(-1)!) || (lastTask === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && inFlight === 0);
    if (quiet && events.length === previous) return history;
    previous = quiet ? events.length : -1;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${workflowId} did not settle`);
}

/** Fetches, checks and writes one execution's history under `name` (the latest run unless `runId`). */
async function save(
  name: string,
  scenario: string,
  workflowId: string,
  expectStatus: 'open' | 'WORKFLOW_EXECUTION_COMPLETED' | 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
  runId?: string,
) {
  // A project started with `approval-steps-hosted` runs its steps inside its own workflow: a
  // step's history is part of the project's, and there is no child workflow to save.
  if (
    workflowId.includes(':step:') &&
    !(await s.client.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        () => true,
        () => false,
      ))
  ) {
    console.log(`[record] ${name}: the step is hosted in its project (no workflow ${workflowId})`);
    return;
  }
  const history = await settledHistory(workflowId, runId);
  const events = history.events ?? [];
  const lastType = events.at(-1)!.eventType!;
  const status = CLOSED.has(lastType) ? EventType[lastType]!.replace('EVENT_TYPE_', '') : 'open';
  expect(status, `${name}: ${workflowId}`).toBe(expectStatus);
  const started = events[0]!.workflowExecutionStartedEventAttributes!;
  const file = `${name}.json`;
  fs.writeFileSync(path.join(outDir, file), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 1)}\n`);
  recorded.push({ file, scenario, workflowId, workflowType: started.workflowType!.name!, events: events.length, status });
}

// ---------------------------------------------------------------------------------------------
// Helpers that act as the users do (the same calls as the integration tests).

const tokenOf = (who: string) => (who === 'township-b' ? reviewerB.token : s.tokens[who]!);
async function decide(who: string, taskId: string, body: Record<string, unknown>, app = s.app) {
  const res = await app.inject({
    method: 'POST',
    url: `/api/tasks/${encodeURIComponent(taskId)}/decision`,
    payload: { requestId: newRequestId(), ...body },
    headers: { authorization: `Bearer ${tokenOf(who)}` },
  });
  expect(res.statusCode, `${who} ${String(body.action)} on ${taskId}: ${res.body}`).toBe(200);
  return res.json() as { phaseAfter: string; stageAfter: string; nextTaskId: string | null };
}

async function step(config: Partial<TApprovalStepConfigInput> = {}) {
  return startStepOnNewProject({
    client: s.client,
    prisma: s.prisma,
    taskQueue: s.taskQueue,
    config: { stepId: 'review', mode: 'SEQUENTIAL', candidates: [TOWNSHIP_SLOT, AGRI_SLOT], applicantId: s.userIds.village!, ...config },
  });
}
const outcomeOf = async (workflowId: string) => (await s.client.workflow.getHandle<typeof approvalStep>(workflowId).result()).outcome;

async function pendingTask(projectId: string, role: string): Promise<string> {
  for (let i = 0; i < 100; i += 1) {
    const task = await s.prisma.task.findFirst({ where: { projectId, status: 'PENDING', candidateRole: role as Role } });
    if (task) return task.id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no pending ${role} task on ${projectId}`);
}

async function propose(app = s.app): Promise<{ projectId: string; workflowId: string; stage: string; taskId: string | null }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/projects',
    headers: { authorization: `Bearer ${s.tokens.village}` },
    payload: { requestId: newRequestId(), ...sampleProposal() },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const stageOf = async (projectId: string) => (await s.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).stage;
const childId = (projectId: string, stepId: string, round: number) => approvalStepWorkflowId(projectWorkflowId(projectId), stepId, round);

type TStepHistory = readonly [stepId: string, round: number, what: string, status?: 'open' | 'WORKFLOW_EXECUTION_COMPLETED'];
/**
 * Saves each step's history as `<name>.step-<stepId>-<round>` (without `-<round>` when `withRound`
 * is false, as the first vintages named them), described as `<scenario>: <what>`.
 */
async function saveSteps({
  name,
  scenario,
  projectId,
  steps,
  withRound = true,
}: {
  name: string;
  scenario: string;
  projectId: string;
  steps: readonly TStepHistory[];
  withRound?: boolean;
}) {
  for (const [stepId, round, what, status = 'WORKFLOW_EXECUTION_COMPLETED'] of steps) {
    await save(`${name}.step-${stepId}${withRound ? `-${round}` : ''}`, `${scenario}: ${what}`, childId(projectId, stepId, round), status);
  }
}
/** The three review steps of a project approved into the pool, as the scenarios describe them. */
const THROUGH_THE_COUNTY: readonly TStepHistory[] = [
  ['township-review', 1, 'the township step'],
  ['county-joint-review', 1, 'the county joint review'],
  ['county-approval', 1, 'the leading group'],
];

// ---------------------------------------------------------------------------------------------

describe('approvalStep: each mode and action', () => {
  it('SEQUENTIAL: both approve', async () => {
    const st = await step();
    await decide('township', st.taskId(1), { action: 'approve', comment: '同意' });
    await decide('agri', st.taskId(2), { action: 'approve' });
    expect(await outcomeOf(st.workflowId)).toBe('approved');
    await save('step-sequential-approve', 'approvalStep SEQUENTIAL: township approves, agriculture approves', st.workflowId, 'WORKFLOW_EXECUTION_COMPLETED');
  });

  it('SEQUENTIAL: the second signer rejects', async () => {
    const st = await step();
    await decide('township', st.taskId(1), { action: 'approve' });
    await decide('agri', st.taskId(2), { action: 'reject', comment: '资金来源不清' });
    expect(await outcomeOf(st.workflowId)).toBe('rejected');
    await save('step-sequential-reject', 'approvalStep SEQUENTIAL: township approves, agriculture rejects', st.workflowId, 'WORKFLOW_EXECUTION_COMPLETED');
  });

  it('SEQUENTIAL: return to the applicant, resubmit, approve', async () => {
    const st = await step();
    await decide('township', st.taskId(1), { action: 'approve' });
    const ret = await decide('agri', st.taskId(2), { action: 'return', comment: '补充用地手续' });
    expect(ret.phaseAfter).toBe('returned');
    await decide('village', ret.nextTaskId!, { action: 'resubmit', comment: '已补充' });
    await decide('agri', st.taskId(2), { action: 'approve' });
    expect(await outcomeOf(st.workflowId)).toBe('approved');
    await save(
      'step-sequential-return-resubmit',
      'approvalStep SEQUENTIAL: approve, return to applicant, resubmit, approve',
      st.workflowId,
      'WORKFLOW_EXECUTION_COMPLETED',
    );
  });

  it('SEQUENTIAL: transfer to a colleague, who approves', async () => {
    const st = await step();
    const moved = await decide('township', st.taskId(1), { action: 'transfer', toUserId: reviewerB.id, comment: '出差' });
    await decide('township-b', moved.nextTaskId!, { action: 'approve' });
    await decide('agri', st.taskId(2), { action: 'approve' });
    expect(await outcomeOf(st.workflowId)).toBe('approved');
    await save(
      'step-sequential-transfer',
      'approvalStep SEQUENTIAL: transfer, the new signer approves, agriculture approves',
      st.workflowId,
      'WORKFLOW_EXECUTION_COMPLETED',
    );
  });

  it('SEQUENTIAL: add signers after and before oneself', async () => {
    const st = await step({ candidates: [TOWNSHIP_SLOT] });
    // An added role signer is one of the step's candidate roles at a unit covering the project.
    await decide('township', st.taskId(1), { action: 'add_signer', position: 'AFTER', signer: { role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' } });
    await decide('township', st.taskId(1), { action: 'add_signer', position: 'BEFORE', signer: { userId: s.userIds.finance } });
    await decide('finance', st.taskId(3), { action: 'approve' });
    await decide('township', st.taskId(1), { action: 'approve' });
    await decide('township-b', st.taskId(2), { action: 'approve' });
    expect(await outcomeOf(st.workflowId)).toBe('approved');
    await save(
      'step-sequential-add-signer',
      'approvalStep SEQUENTIAL: add signer after, add signer before, three approvals',
      st.workflowId,
      'WORKFLOW_EXECUTION_COMPLETED',
    );
  });

  it('SEQUENTIAL: the applicant withdraws', async () => {
    const st = await step();
    await decide('village', st.taskId(1), { action: 'withdraw', comment: '重新规划' });
    expect(await outcomeOf(st.workflowId)).toBe('withdrawn');
    await save('step-sequential-withdraw', 'approvalStep SEQUENTIAL: the applicant withdraws', st.workflowId, 'WORKFLOW_EXECUTION_COMPLETED');
  });

  it('SEQUENTIAL: claim, unclaim, comment with an attachment, cc, urge, then approvals', async () => {
    const st = await step();
    await decide('township-b', st.taskId(1), { action: 'claim' });
    await decide('township-b', st.taskId(1), { action: 'unclaim' });
    const attachment = { name: '用地证明.pdf', size: 12345, sha256: 'a'.repeat(64), link: 'https://files.example/1' };
    await decide('village', st.taskId(1), { action: 'comment', comment: '补充材料见附件', attachments: [attachment] });
    await decide('village', st.taskId(1), { action: 'cc', recipientIds: [s.userIds.monitor] });
    await decide('village', st.taskId(1), { action: 'urge', comment: '请尽快审核' });
    await decide('township', st.taskId(1), { action: 'approve' });
    await decide('agri', st.taskId(2), { action: 'approve' });
    expect(await outcomeOf(st.workflowId)).toBe('approved');
    await save(
      'step-sequential-side-actions',
      'approvalStep SEQUENTIAL: claim, unclaim, comment, cc, urge, two approvals',
      st.workflowId,
      'WORKFLOW_EXECUTION_COMPLETED',
    );
  });

  it('COUNTERSIGN: both approve, in reverse order', async () => {
    const st = await step({ mode: 'COUNTERSIGN' });
    await decide('agri', st.taskId(2), { action: 'approve' });
    await decide('township', st.taskId(1), { action: 'approve' });
    expect(await outcomeOf(st.workflowId)).toBe('approved');
    await save('step-countersign-approve', 'approvalStep COUNTERSIGN: agriculture approves, township approves', st.workflowId, 'WORKFLOW_EXECUTION_COMPLETED');
  });

  it('COUNTERSIGN: one rejection rejects', async () => {
    const st = await step({ mode: 'COUNTERSIGN' });
    await decide('township', st.taskId(1), { action: 'reject', comment: '资金来源不清' });
    expect(await outcomeOf(st.workflowId)).toBe('rejected');
    await save('step-countersign-reject', 'approvalStep COUNTERSIGN: township rejects', st.workflowId, 'WORKFLOW_EXECUTION_COMPLETED');
  });

  it('COUNTERSIGN: return, resubmit, both approve', async () => {
    const st = await step({ mode: 'COUNTERSIGN' });
    await decide('township', st.taskId(1), { action: 'approve' });
    const ret = await decide('agri', st.taskId(2), { action: 'return', comment: '补充' });
    expect(ret.phaseAfter).toBe('returned');
    const resub = await decide('village', ret.nextTaskId!, { action: 'resubmit' });
    expect(resub.phaseAfter).toBe('pending');
    const state = await s.client.workflow.getHandle(st.workflowId).query(approvalStateQuery);
    for (const taskId of state.openTaskIds) {
      const task = await s.prisma.task.findUniqueOrThrow({ where: { id: taskId } });
      await decide(task.candidateRole === 'TOWNSHIP_REVIEWER' ? 'township' : 'agri', taskId, { action: 'approve' });
    }
    expect(await outcomeOf(st.workflowId)).toBe('approved');
    await save(
      'step-countersign-return-resubmit',
      'approvalStep COUNTERSIGN: approve, return, resubmit, the open tasks approve',
      st.workflowId,
      'WORKFLOW_EXECUTION_COMPLETED',
    );
  });

  it('ANY_ONE: one approval decides', async () => {
    const st = await step({
      mode: 'ANY_ONE',
      candidates: [
        { kind: 'user', userId: s.userIds.township! },
        { kind: 'user', userId: reviewerB.id },
      ],
    });
    await decide('township-b', st.taskId(2), { action: 'approve' });
    expect(await outcomeOf(st.workflowId)).toBe('approved');
    await save('step-any-one-approve', 'approvalStep ANY_ONE: the second of two users approves', st.workflowId, 'WORKFLOW_EXECUTION_COMPLETED');
  });

  it('ANY_ONE: one rejection decides', async () => {
    const st = await step({ mode: 'ANY_ONE', candidates: [TOWNSHIP_SLOT, AGRI_SLOT] });
    await decide('agri', st.taskId(2), { action: 'reject', comment: '不符合产业规划' });
    expect(await outcomeOf(st.workflowId)).toBe('rejected');
    await save('step-any-one-reject', 'approvalStep ANY_ONE: agriculture rejects', st.workflowId, 'WORKFLOW_EXECUTION_COMPLETED');
  });

  it('ANY_ONE: return, resubmit, approve', async () => {
    const st = await step({ mode: 'ANY_ONE', candidates: [TOWNSHIP_SLOT, AGRI_SLOT] });
    const ret = await decide('township', st.taskId(1), { action: 'return', comment: '补充' });
    await decide('village', ret.nextTaskId!, { action: 'resubmit' });
    const state = await s.client.workflow.getHandle(st.workflowId).query(approvalStateQuery);
    const taskId = state.openTaskIds.find((id) => id.endsWith('#1')) ?? state.openTaskIds[0]!;
    await decide('township', taskId, { action: 'approve' });
    expect(await outcomeOf(st.workflowId)).toBe('approved');
    await save('step-any-one-return-resubmit', 'approvalStep ANY_ONE: return, resubmit, township approves', st.workflowId, 'WORKFLOW_EXECUTION_COMPLETED');
  });

  it('deadline: reminder, escalation one level up, then an expiry with nowhere to go (open)', async () => {
    // Seconds instead of days on the real server: the timers and events are the same.
    const projectId = await createProject(s.prisma, s.userIds.village!);
    const workflowId = `step-deadline-${crypto.randomUUID()}`;
    const handle = await s.client.workflow.start<typeof approvalStep>('approvalStep', {
      workflowId,
      taskQueue: s.taskQueue,
      args: [
        stepInput(projectId, {
          stepId: 'review',
          mode: 'SEQUENTIAL',
          candidates: [TOWNSHIP_SLOT],
          applicantId: s.userIds.village!,
          dueAfterMs: 3000,
          remindBeforeMs: 1500,
        }),
      ],
    });
    await expect
      .poll(async () => (await handle.query(approvalStateQuery)).snapshotContext.history.map((h) => h.event.type), { timeout: 30_000, interval: 250 })
      .toEqual(['DEADLINE_REMINDER', 'DEADLINE_EXPIRED', 'DEADLINE_REMINDER', 'DEADLINE_EXPIRED']);
    expect((await handle.query(approvalStateQuery)).value).toEqual({ pending: 'escalated' });
    await save(
      'step-deadline-escalation',
      'approvalStep SEQUENTIAL: reminder, escalation to the county, reminder, expiry with nowhere to escalate (open)',
      workflowId,
      'open',
    );
  });
});

describe('faultToleranceReview: each outcome', () => {
  const disc = () => s.tokens.discipline!;
  const open = async (extra: Partial<Parameters<typeof caseBody>[0]> = {}) => {
    // An official applies; the deciding body (discipline inspection) opens a case itself.
    const opener = extra.opening === 'OPEN_BY_BODY' ? disc() : s.tokens.village!;
    const opened = await d.open(opener, caseBody({ officialId: s.userIds.village!, ...extra }));
    expect(opened.status, JSON.stringify(opened.json)).toBe(201);
    return opened.json.caseId as string;
  };
  const decideCase = async (
    caseId: string,
    choice: 'EXEMPT' | 'NOT_EXEMPT' | 'LENIENT',
    tokens = [disc(), members.d2!.token, members.d3!.token],
    by = disc(),
  ) => {
    await investigate(d, by, caseId);
    for (const token of tokens) await d.ok(token, caseId, { type: 'CAST_VOTE', choice });
    const extra =
      choice === 'LENIENT'
        ? {
            impactPeriodEndsAt: Date.now() + 180 * 86_400_000,
            correctiveMeasures: [{ id: 'm1', description: '完善茶园防霜冻预案', dueAt: Date.now() + 60 * 86_400_000 }],
          }
        : {};
    await d.ok(by, caseId, { type: 'DECIDE', ...extra });
    await d.ok(by, caseId, { type: 'SERVE_NOTICE' });
    return d.ok(by, caseId, { type: 'PUBLICISE_AND_FILE' });
  };

  it('EXEMPT: decided, served, filed; waiting out the appeal window (open)', async () => {
    const caseId = await open();
    await d.ok(disc(), caseId, { type: 'ACCEPT' });
    expect(await decideCase(caseId, 'EXEMPT')).toMatchObject({ stageAfter: 'appealWindow', outcome: 'EXEMPT' });
    await save(
      'review-exempt',
      'faultToleranceReview EXEMPT: apply, accept, investigate, vote, decide, notice, filing (open in appealWindow)',
      reviewWorkflowId(caseId),
      'open',
    );
  });

  it('LENIENT, then an appeal to the next level that exempts', async () => {
    const caseId = await open();
    await d.ok(disc(), caseId, { type: 'ACCEPT' });
    await decideCase(caseId, 'LENIENT');
    await d.ok(s.tokens.village!, caseId, { type: 'APPEAL', grounds: '霜冻属不可抗力，已积极挽回损失' });
    // The appeal body is the county's holders new to the case: p1, p2, p3.
    await d.ok(members.p1!.token, caseId, { type: 'OPEN_APPEAL_REVIEW' });
    const filed = await decideCase(caseId, 'EXEMPT', [members.p1!.token, members.p2!.token, members.p3!.token], members.p1!.token);
    expect(filed).toMatchObject({ stageAfter: 'resultApplied', outcome: 'EXEMPT' });
    await save(
      'review-lenient-appeal',
      'faultToleranceReview LENIENT, appeal, appeal review EXEMPT (completed)',
      reviewWorkflowId(caseId),
      'WORKFLOW_EXECUTION_COMPLETED',
    );
  });

  it('NOT_EXEMPT: decided, served, filed (open)', async () => {
    const caseId = await open({ opening: 'OPEN_BY_BODY' });
    await d.ok(disc(), caseId, { type: 'ACCEPT' });
    expect(await decideCase(caseId, 'NOT_EXEMPT')).toMatchObject({ stageAfter: 'appealWindow', outcome: 'NOT_EXEMPT' });
    await save(
      'review-not-exempt',
      'faultToleranceReview NOT_EXEMPT: opened by the body, decided, served, filed (open in appealWindow)',
      reviewWorkflowId(caseId),
      'open',
    );
  });

  it('inadmissible: acceptance refused, the body refuses the case', async () => {
    const caseId = await open({
      exclusions: [{ kind: 'FUND_MISUSE', description: '挪用项目资金用于村部修缮', evidence: ['https://records.example/qingshan/audit.pdf'] }],
    });
    const refused = await d.act(disc(), caseId, { type: 'ACCEPT' });
    expect(refused.json.error).toMatchObject({ code: 'CASE_INADMISSIBLE' });
    await d.ok(disc(), caseId, { type: 'REFUSE', reasons: ['挪用项目资金，不属于容错免责情形'] });
    await save(
      'review-inadmissible',
      'faultToleranceReview inadmissible: ACCEPT refused by the validator, REFUSE (completed)',
      reviewWorkflowId(caseId),
      'WORKFLOW_EXECUTION_COMPLETED',
    );
  });
});

describe('projectLifecycle: the paths to the pool (never funding)', () => {
  it('objection during the village publicity, resubmission posts it again (open in VILLAGE_PUBLICITY)', async () => {
    const p = await propose(slowApp);
    expect(p.stage).toBe('VILLAGE_PUBLICITY');
    // Anyone who can see the project may object; here the township's reviewer.
    const res = await slowApp.inject({
      method: 'POST',
      url: `/api/projects/${p.projectId}/objections`,
      headers: { authorization: `Bearer ${s.tokens.township}` },
      payload: { requestId: newRequestId(), text: '占用了集体林地，未经村民同意' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(await stageOf(p.projectId)).toBe('RETURNED');
    await decide('village', res.json().resubmitTaskId, { action: 'resubmit', comment: '已调整用地' }, slowApp);
    expect(await stageOf(p.projectId)).toBe('VILLAGE_PUBLICITY');
    await save('lifecycle-objection-resubmit', 'projectLifecycle: objection in the village publicity, resubmit, second publicity (open)', p.workflowId, 'open');
  });

  it('returned by the township, resubmitted, approved on to the county joint review (open)', async () => {
    const p = await propose();
    expect(p.stage).toBe('TOWNSHIP_REVIEW');
    const ret = await decide('township', p.taskId!, { action: 'return', comment: '补充用地手续' });
    expect(ret.stageAfter).toBe('RETURNED');
    const resub = await decide('village', ret.nextTaskId!, { action: 'resubmit', comment: '已补充' });
    expect(resub.stageAfter).toBe('TOWNSHIP_REVIEW');
    const approved = await decide('township', p.taskId!, { action: 'approve', checks: PASSED_CHECKS });
    expect(approved.stageAfter).toBe('TOWNSHIP_PUBLICITY');
    await pendingTask(p.projectId, 'COUNTY_FINANCE');
    expect(await stageOf(p.projectId)).toBe('COUNTY_JOINT_REVIEW');
    const scenario = 'projectLifecycle: township returns, village resubmits, township approves (open in COUNTY_JOINT_REVIEW)';
    await saveSteps({
      name: 'lifecycle-returned-resubmitted',
      scenario,
      projectId: p.projectId,
      withRound: false,
      steps: [
        ['township-review', 1, 'the township step'],
        ['county-joint-review', 1, 'the county step, open', 'open'],
      ],
    });
    await save('lifecycle-returned-resubmitted', scenario, p.workflowId, 'open');
  });

  it('returned by the township, revised as version 2 and resubmitted (open in TOWNSHIP_REVIEW)', async () => {
    const p = await propose();
    const ret = await decide('township', p.taskId!, { action: 'return', comment: '预算明细不全', checks: PASSED_CHECKS });
    expect(ret.stageAfter).toBe('RETURNED');
    const revised = sampleProposal({
      budgetFen: 55_000_000,
      fundingSources: [
        { source: 'CENTRAL_LINKAGE', amountFen: 45_000_000 },
        { source: 'OWN_CAPITAL', amountFen: 10_000_000 },
      ],
    });
    const resub = await decide('village', ret.nextTaskId!, { action: 'resubmit', comment: '已补预算明细', proposal: revised });
    expect(resub.stageAfter).toBe('TOWNSHIP_REVIEW');
    await save(
      'lifecycle-proposal-revised',
      'projectLifecycle: township returns, village revises the proposal (version 2) and resubmits (open)',
      p.workflowId,
      'open',
    );
  });

  it('rejected by the township', async () => {
    const p = await propose();
    const rej = await decide('township', p.taskId!, { action: 'reject', comment: '不符合产业规划' });
    expect(rej.stageAfter).toBe('REJECTED');
    const scenario = 'projectLifecycle: township rejects (completed)';
    await saveSteps({ name: 'lifecycle-rejected', scenario, projectId: p.projectId, withRound: false, steps: [['township-review', 1, 'the township step']] });
    await save('lifecycle-rejected', scenario, p.workflowId, 'WORKFLOW_EXECUTION_COMPLETED');
  });

  it('withdrawn by the village during the township review', async () => {
    const p = await propose();
    const w = await decide('village', p.taskId!, { action: 'withdraw', comment: '重新规划' });
    expect(w.stageAfter).toBe('WITHDRAWN');
    const scenario = 'projectLifecycle: the village withdraws in the township review (completed)';
    await saveSteps({ name: 'lifecycle-withdrawn', scenario, projectId: p.projectId, withRound: false, steps: [['township-review', 1, 'the township step']] });
    await save('lifecycle-withdrawn', scenario, p.workflowId, 'WORKFLOW_EXECUTION_COMPLETED');
  });

  it('approved all the way into the pool (open in IN_POOL; no funding)', async () => {
    const p = await propose();
    const approved = await decide('township', p.taskId!, { action: 'approve', checks: PASSED_CHECKS, comment: '材料齐全' });
    expect(approved.stageAfter).toBe('TOWNSHIP_PUBLICITY');
    await approveThroughCounty(s, p.projectId);
    expect(await stageOf(p.projectId)).toBe('IN_POOL');
    const scenario = 'projectLifecycle: township, county joint review (countersign), leading group (open in IN_POOL)';
    await saveSteps({ name: 'lifecycle-to-pool', scenario, projectId: p.projectId, withRound: false, steps: THROUGH_THE_COUNTY });
    await save('lifecycle-to-pool', scenario, p.workflowId, 'open');
  });

  it('returned from the county joint review to the township, re-approved, resumed where it was, on into the pool', async () => {
    const p = await propose();
    await decide('township', p.taskId!, { action: 'approve', checks: PASSED_CHECKS, comment: '材料齐全' });
    await until(() => stageOf(p.projectId), 'COUNTY_JOINT_REVIEW', 'stage');
    await decide('agri', await pendingTask(p.projectId, 'COUNTY_AGRICULTURE'), { action: 'approve' });
    const financeTask = await pendingTask(p.projectId, 'COUNTY_FINANCE');
    const back = await decide('finance', financeTask, { action: 'return', comment: '资金来源需乡镇核实', returnTo: { to: 'STEP', stepId: 'township-review' } });
    expect(back.stageAfter).toBe('TOWNSHIP_REVIEW');
    await decide('township', await pendingTask(p.projectId, 'TOWNSHIP_REVIEWER'), { action: 'approve', checks: PASSED_CHECKS, comment: '已核实' });
    await until(async () => (await s.prisma.task.findUniqueOrThrow({ where: { id: financeTask } })).status, 'PENDING', 'the resumed finance task');
    await decide('finance', financeTask, { action: 'approve' });
    await decide('leader', await pendingTask(p.projectId, 'COUNTY_LEADING_GROUP'), { action: 'approve', comment: '批复' });
    await until(() => stageOf(p.projectId), 'IN_POOL', 'stage');
    const scenario =
      'projectLifecycle: county joint review returns to the township (return-to-earlier-step), township re-approves, the county step resumes and approves, leading group (open in IN_POOL)';
    const rounds = [
      ['township-review', 1],
      ['township-review', 2],
      ['county-joint-review', 1],
      ['county-approval', 1],
    ] as const;
    await saveSteps({
      name: 'lifecycle-return-to-step',
      scenario,
      projectId: p.projectId,
      steps: rounds.map(([stepId, round]) => [stepId, round, `${stepId} round ${round}`]),
    });
    await save('lifecycle-return-to-step', scenario, p.workflowId, 'open');
  });

  it('returned to the township while the county waits, rejected there: the waiting county step is closed', async () => {
    const p = await propose();
    await decide('township', p.taskId!, { action: 'approve', checks: PASSED_CHECKS });
    await until(() => stageOf(p.projectId), 'COUNTY_JOINT_REVIEW', 'stage');
    await decide('finance', await pendingTask(p.projectId, 'COUNTY_FINANCE'), {
      action: 'return',
      comment: '请乡镇复核',
      returnTo: { to: 'STEP', stepId: 'township-review' },
    });
    await decide('township', await pendingTask(p.projectId, 'TOWNSHIP_REVIEWER'), { action: 'reject', comment: '复核后不符合条件' });
    const scenario = 'projectLifecycle: county returns to the township, township rejects, the suspended county step is closed (completed)';
    const rounds = [
      ['township-review', 2],
      ['county-joint-review', 1],
    ] as const;
    await saveSteps({
      name: 'lifecycle-return-closed',
      scenario,
      projectId: p.projectId,
      steps: rounds.map(([stepId, round]) => [stepId, round, `${stepId} round ${round}`]),
    });
    await save('lifecycle-return-closed', scenario, p.workflowId, 'WORKFLOW_EXECUTION_COMPLETED');
  });
});

// ---------------------------------------------------------------------------------------------
// The funded lifecycle, over HTTP as in test/api/project-actions.test.ts (0-day publicity periods,
// the acceptance publicity included), along the path of test/workflows/lifecycle-operation.test.ts.

type TActResult = { recordId: string | null; stageAfter: string; details?: Record<string, unknown> };
async function act(projectId: string, who: string, command: Record<string, unknown>): Promise<TActResult> {
  const res = await s.app.inject({
    method: 'POST',
    url: `/api/projects/${projectId}/actions`,
    payload: { requestId: newRequestId(), command },
    headers: { authorization: `Bearer ${tokenOf(who)}` },
  });
  expect(res.statusCode, `${who} ${String(command.type)} on ${projectId}: ${res.body}`).toBe(201);
  return res.json() as TActResult;
}

/** Polls `read` until it returns `expected` (the workflows move on after the answer). */
async function until<T>(read: () => Promise<T>, expected: T, what: string): Promise<void> {
  let last: T | undefined;
  for (let i = 0; i < 200; i += 1) {
    last = await read();
    if (last === expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: still ${String(last)}, expected ${String(expected)}`);
}

/** The pending task of a kind (and role) on a project, once it appears. */
async function taskOfKind(projectId: string, kind: string, role?: string): Promise<string> {
  let id: string | undefined;
  await until(
    async () => {
      id = (
        await s.prisma.task.findFirst({
          where: { projectId, kind, status: 'PENDING', ...(role ? { candidateRole: role as Role } : {}) },
          orderBy: { id: 'asc' },
        })
      )?.id;
      return id !== undefined;
    },
    true,
    `pending ${kind} ${role ?? ''} task on ${projectId}`,
  );
  return id!;
}

const paymentStatus = async (projectId: string, seq: number) => (await s.prisma.payment.findUnique({ where: { id: `${projectId}:pay:${seq}` } }))?.status;
const sha = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const indicators = (level: number) => ({
  output: { quantity: level, quality: level, timeliness: level, cost: level },
  benefit: { economic: level, social: level, ecological: level, sustainability: level },
  satisfactionPercent: Math.min(100, level + 5),
  budgetExecutionPercent: level,
});

/** Proposed, approved through the county into the pool, funded with 40,000,000 fen for 2027 (`funding`: more of the POST /funding body). */
async function fundedProject(funding: Record<string, unknown> = {}) {
  const p = await propose();
  await decide('township', p.taskId!, { action: 'approve', checks: PASSED_CHECKS, comment: '材料齐全' });
  await approveThroughCounty(s, p.projectId);
  await until(() => stageOf(p.projectId), 'IN_POOL', 'stage');
  const res = await s.app.inject({
    method: 'POST',
    url: `/api/projects/${p.projectId}/funding`,
    headers: { authorization: `Bearer ${s.tokens.finance}` },
    payload: { requestId: newRequestId(), fiscalYear: 2027, amountFen: 40_000_000, ...funding },
  });
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json().stageAfter).toBe('IMPLEMENTATION');
  return p;
}

/**
 * The villagers' representatives vote in favour and the three inspectors approve (with `comment`);
 * the acceptance publicity (0 days here) ends at once: the handover.
 */
async function acceptedAndPublicised(projectId: string, comment?: string) {
  await act(projectId, 'village', FAVOURABLE_VOTE);
  for (const [role, who] of [
    ['COUNTY_AGRICULTURE', 'agri'],
    ['COUNTY_FINANCE', 'finance'],
    ['EXPERT', 'expert'],
  ] as const) {
    await decide(who, await taskOfKind(projectId, 'COMPLETION_ACCEPTANCE', role), { action: 'approve', ...(comment ? { comment } : {}) });
  }
  await until(() => stageOf(projectId), 'ASSET_HANDOVER', 'stage');
}

/** A report by the implementer, verified by `verifier`. */
async function verifiedReport(projectId: string, verifier: string, command: Record<string, unknown>) {
  const report = await act(projectId, 'implementer', command);
  await act(projectId, verifier, { type: 'VERIFY_REPORT', reportId: report.recordId });
}

describe('projectLifecycle: funded (implementation, payments, acceptance, handover, evaluation)', () => {
  it('funding → START paid → a flagged payment confirmed → acceptance failed, rectified, passed → handover → first evaluation → continue-as-new → income in the new run', async () => {
    const p = await fundedProject();
    const id = p.projectId;
    // Own capital 4,000,000 of 10,000,000: START (40% invested) is releasable.
    await verifiedReport(id, 'finance', { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['银行进账单 2027-03-02.pdf'] });
    const invoice = { number: 'ZJ-2027-000123', sha256: sha('zj-123') };
    await act(id, 'implementer', { type: 'REQUEST_PAYMENT', tranche: 'START', amountFen: 16_000_000, payeeId: '桃源茶叶合作社', invoices: [invoice] });
    await decide('agri', await taskOfKind(id, 'PAYMENT_VERIFICATION'), { action: 'approve', comment: '核验通过' });
    await decide('finance', await taskOfKind(id, 'PAYMENT_APPROVAL'), { action: 'approve', comment: '同意拨付' });
    await until(() => paymentStatus(id, 1), 'PAID', 'payment 1');

    // Progress 85% and all own capital: SUBSTANTIAL_COMPLETION is due. The same invoice, another payee.
    await verifiedReport(id, 'township', { type: 'REPORT_PROGRESS', percent: 85, evidence: ['施工照片 2027-05.zip'] });
    await verifiedReport(id, 'finance', { type: 'REPORT_CAPITAL', amountFen: 6_000_000, evidence: ['银行进账单 2027-05-10.pdf'] });
    await act(id, 'implementer', {
      type: 'REQUEST_PAYMENT',
      tranche: 'SUBSTANTIAL_COMPLETION',
      amountFen: 20_000_000,
      payeeId: '青山某建材公司',
      invoices: [invoice],
    });
    await decide('agri', await taskOfKind(id, 'PAYMENT_VERIFICATION'), { action: 'approve' });
    await until(() => paymentStatus(id, 2), 'FLAGGED', 'payment 2');
    await decide('finance', await taskOfKind(id, 'RISK_FLAG_REVIEW'), { action: 'reject', comment: '发票重复、收款方不符，确认违规' });
    await until(() => paymentStatus(id, 2), 'REJECTED', 'payment 2');

    // Completion: the first inspection fails (the expert), rectified, the second passes.
    await verifiedReport(id, 'agri', { type: 'REPORT_PROGRESS', percent: 100, evidence: ['竣工报告.pdf'] });
    expect((await act(id, 'village', { type: 'REQUEST_ACCEPTANCE' })).stageAfter).toBe('ACCEPTANCE');
    // The villagers' representatives vote before each inspection round (in favour: the joint team inspects).
    await act(id, 'village', FAVOURABLE_VOTE);
    await decide('agri', await taskOfKind(id, 'COMPLETION_ACCEPTANCE', 'COUNTY_AGRICULTURE'), { action: 'approve' });
    await decide('expert', await taskOfKind(id, 'COMPLETION_ACCEPTANCE', 'EXPERT'), { action: 'reject', comment: '排水沟未完工' });
    await until(() => stageOf(id), 'ACCEPTANCE_RECTIFICATION', 'stage');
    await taskOfKind(id, 'ACCEPTANCE_RECTIFY');
    await act(id, 'implementer', { type: 'RECTIFIED', text: '排水沟已完工并经监理确认' });
    await until(() => stageOf(id), 'ACCEPTANCE', 'stage');
    await acceptedAndPublicised(id, '验收合格');
    await act(id, 'agri', { ...TEA_GARDEN_ASSET, certificateNo: 'QS-2028-001' });
    await act(id, 'village', { type: 'CONFIRM_HANDOVER' });

    // The first evaluation is due at once; approved, the cycle ends with continue-as-new.
    await until(() => stageOf(id), 'EVALUATION', 'stage');
    await taskOfKind(id, 'EVALUATION_SUBMIT');
    expect((await act(id, 'agri', { type: 'SUBMIT_EVALUATION', indicators: indicators(85) })).details).toMatchObject({ grade: 'GOOD' });
    const handle = s.client.workflow.getHandle(p.workflowId);
    const firstRunId = (await handle.describe()).runId;
    await decide('leader', await taskOfKind(id, 'EVALUATION_APPROVAL'), { action: 'approve', comment: '评价属实' });
    await until(() => stageOf(id), 'OPERATION', 'stage');
    await until(async () => (await handle.describe()).runId !== firstRunId, true, 'a second run');
    // The new run takes commands as the old one did: the year's income of the operating asset.
    const income = await act(id, 'village', TEA_GARDEN_INCOME);
    expect(income.details).toMatchObject({ meetsMinimum: true });

    const scenario =
      'projectLifecycle funded: START paid, flagged payment confirmed, acceptance failed/rectified/passed, handover, first evaluation, continue-as-new';
    await saveSteps({
      name: 'lifecycle-funded',
      scenario,
      projectId: id,
      steps: [
        ...THROUGH_THE_COUNTY,
        ['payment-1-verify', 1, 'payment 1 (START) verification'],
        ['payment-1-finance', 1, 'payment 1 finance approval'],
        ['payment-2-verify', 1, 'payment 2 (SUBSTANTIAL_COMPLETION) verification'],
        ['payment-2-flags', 1, 'payment 2 risk flags confirmed (rejected)'],
        ['acceptance', 1, 'acceptance round 1 (failed)'],
        ['acceptance', 2, 'acceptance round 2 (passed)'],
        ['evaluation', 1, 'the first evaluation (approved)'],
      ],
    });
    await save(
      'lifecycle-funded.run-1',
      `${scenario}: the first run, ending in continue-as-new`,
      p.workflowId,
      'WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
      firstRunId,
    );
    await save(
      'lifecycle-funded.run-2',
      `${scenario}: the second run, the year's income recorded (open in OPERATION, evaluation and retention timers)`,
      p.workflowId,
      'open',
    );
  });

  it('a POOR evaluation notifies the officials concerned and starts the window that expires their notices (open in RECTIFICATION)', async () => {
    const p = await fundedProject();
    const id = p.projectId;
    await verifiedReport(id, 'agri', { type: 'REPORT_PROGRESS', percent: 100, evidence: ['竣工报告.pdf'] });
    await act(id, 'village', { type: 'REQUEST_ACCEPTANCE' });
    await acceptedAndPublicised(id);
    await act(id, 'agri', TEA_GARDEN_ASSET);
    await act(id, 'village', { type: 'CONFIRM_HANDOVER' });
    await until(() => stageOf(id), 'EVALUATION', 'stage');
    await taskOfKind(id, 'EVALUATION_SUBMIT');
    expect((await act(id, 'agri', { type: 'SUBMIT_EVALUATION', indicators: indicators(50) })).details).toMatchObject({ grade: 'POOR' });
    await decide('leader', await taskOfKind(id, 'EVALUATION_APPROVAL'), { action: 'approve', comment: '评价属实' });
    await until(() => stageOf(id), 'RECTIFICATION', 'stage');
    const scenario =
      'projectLifecycle funded: acceptance, handover, a POOR evaluation approved, officials notified and their window started (review-eligibility-expiry), open in RECTIFICATION';
    const stepIds = ['township-review', 'county-joint-review', 'county-approval', 'acceptance', 'evaluation'];
    await saveSteps({ name: 'lifecycle-poor-evaluation', scenario, projectId: id, steps: stepIds.map((stepId) => [stepId, 1, stepId]) });
    // Not the window child itself: open on its 30-day timer with no activity yet, it cannot fail on
    // the harness's altered bundles (a timer before the first activity, activities renamed).
    await save('lifecycle-poor-evaluation', scenario, p.workflowId, 'open');
  });

  it('a payment whose risk flag is dismissed, then approved and paid (open in IMPLEMENTATION)', async () => {
    const p = await fundedProject();
    const id = p.projectId;
    await verifiedReport(id, 'finance', { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['银行进账单.pdf'] });
    // Paid to a supplier, not the implementer: PAYEE_NOT_IMPLEMENTER; the bureau accepts the contract.
    await act(id, 'implementer', {
      type: 'REQUEST_PAYMENT',
      tranche: 'START',
      amountFen: 16_000_000,
      payeeId: '青山某建材公司',
      invoices: [{ number: 'JC-2027-0456', sha256: sha('jc-456') }],
    });
    await decide('agri', await taskOfKind(id, 'PAYMENT_VERIFICATION'), { action: 'approve' });
    await until(() => paymentStatus(id, 1), 'FLAGGED', 'payment 1');
    await decide('finance', await taskOfKind(id, 'RISK_FLAG_REVIEW'), { action: 'approve', comment: '供货合同已备案，委托支付' });
    await decide('finance', await taskOfKind(id, 'PAYMENT_APPROVAL'), { action: 'approve' });
    await until(() => paymentStatus(id, 1), 'PAID', 'payment 1');
    const scenario = 'projectLifecycle funded: a payment flagged, the flag dismissed, approved and paid (open in IMPLEMENTATION)';
    const parts = ['verify', 'flags', 'finance'];
    await saveSteps({
      name: 'lifecycle-flag-dismissed',
      scenario,
      projectId: id,
      withRound: false,
      steps: parts.map((part) => [`payment-1-${part}`, 1, `payment 1 ${part}`]),
    });
    await save('lifecycle-flag-dismissed', scenario, p.workflowId, 'open');
  });
});

// ---------------------------------------------------------------------------------------------
// Since vintage 2026-12-04-session7: the patches payment-registered-payee-accounts,
// payment-overspend-leading-group, defect-repair-releases-retention and
// lifecycle-refused-event-never-silent, each on the path that records its marker.

describe('projectLifecycle: payee accounts, overspend to the leading group, defect repair, a refused event', () => {
  it('funded with registered payee accounts → a payment beyond budget and tolerance approved by the leading group (项目变更) and paid → handover → a defect reported, repaired, its repair verified (open in EVALUATION)', async () => {
    const account = '6222 0201 0001 1234';
    const p = await fundedProject({ payeeAccounts: [account] });
    const id = p.projectId;
    await verifiedReport(id, 'finance', { type: 'REPORT_CAPITAL', amountFen: 4_000_000, evidence: ['银行进账单 2027-03-02.pdf'] });
    // The registered account (without its spaces): no payee flag. Spending 45,000,000 of a 40,000,000
    // budget is beyond the 10 % tolerance: OVERSPEND_NEEDS_NEW_APPROVAL, the leading group's step.
    await act(id, 'implementer', {
      type: 'REQUEST_PAYMENT',
      tranche: 'START',
      amountFen: 16_000_000,
      payeeId: '桃源茶叶合作社',
      payeeAccount: account.replaceAll(' ', ''),
      invoices: [{ number: 'ZJ-2027-000777', sha256: sha('zj-777') }],
      reportedTotalSpendFen: 45_000_000,
    });
    await decide('agri', await taskOfKind(id, 'PAYMENT_VERIFICATION'), { action: 'approve', comment: '核验通过' });
    await until(() => paymentStatus(id, 1), 'CHANGE_APPROVAL', 'payment 1');
    await decide('leader', await taskOfKind(id, 'PROJECT_CHANGE_APPROVAL', 'COUNTY_LEADING_GROUP'), { action: 'approve', comment: '同意项目变更，追加概算' });
    await decide('finance', await taskOfKind(id, 'PAYMENT_APPROVAL'), { action: 'approve', comment: '同意拨付' });
    await until(() => paymentStatus(id, 1), 'PAID', 'payment 1');
    expect(await s.prisma.riskFlag.count({ where: { paymentId: `${id}:pay:1`, code: 'PAYEE_NOT_IMPLEMENTER' } })).toBe(0);

    await verifiedReport(id, 'agri', { type: 'REPORT_PROGRESS', percent: 100, evidence: ['竣工报告.pdf'] });
    await act(id, 'village', { type: 'REQUEST_ACCEPTANCE' });
    await acceptedAndPublicised(id, '验收合格');
    await act(id, 'agri', TEA_ROAD_ASSET);
    await act(id, 'village', { type: 'CONFIRM_HANDOVER' });
    await until(() => stageOf(id), 'EVALUATION', 'stage');

    // In the guarantee year: reported by the village, repaired by the implementer, verified by agriculture.
    const defect = await act(id, 'village', { type: 'REPORT_DEFECT', text: '机耕道雨后塌方 20 米' });
    expect(defect.recordId).toBe(`${id}:defect:1`);
    await act(id, 'implementer', { type: 'REPORT_DEFECT_REPAIRED', defectId: defect.recordId, evidence: ['修复照片.zip'], text: '已重新夯实并浇筑' });
    expect((await act(id, 'agri', { type: 'VERIFY_DEFECT_REPAIR', defectId: defect.recordId })).details).toMatchObject({ status: 'VERIFIED', openDefects: 0 });

    const scenario =
      'projectLifecycle funded with registered payee accounts: an overspent payment approved by the leading group (项目变更) and paid, acceptance, handover, a defect reported, repaired and verified (open in EVALUATION)';
    await saveSteps({
      name: 'lifecycle-overspend-defect',
      scenario,
      projectId: id,
      steps: [
        ...THROUGH_THE_COUNTY,
        ['payment-1-verify', 1, 'payment 1 verification'],
        ['payment-1-change', 1, 'payment 1 项目变更 approval by the leading group'],
        ['payment-1-finance', 1, 'payment 1 finance approval'],
        ['acceptance', 1, 'the acceptance'],
      ],
    });
    await save('lifecycle-overspend-defect', scenario, p.workflowId, 'open');
  });

  it('a forged step report the lifecycle refuses is recorded, not silent; the real approval still moves the project (open in IN_POOL)', async () => {
    const p = await propose();
    expect(p.stage).toBe('TOWNSHIP_REVIEW');
    // The township review has no earlier step to return to: a report returning the matter to the
    // county approval (a later one) is an event the machine refuses.
    const handle = s.client.workflow.getHandle(p.workflowId);
    // A project hosting its steps refuses every report from outside in the Update's validator
    // (nothing in history); one running its steps as children takes it and records the refusal.
    const forged = handle.executeUpdate(stepReportUpdate, {
      args: [
        {
          seq: 1000,
          stepWorkflowId: childId(p.projectId, REVIEW_STEP_IDS.TOWNSHIP_REVIEW, 1),
          phase: 'returned',
          actorId: s.userIds.township!,
          reason: '退回县审定',
          openTasks: [],
          returnTo: { stepId: REVIEW_STEP_IDS.COUNTY_APPROVAL },
        },
      ],
    });
    const refusedOutright = await forged.then(
      () => false,
      () => true,
    );
    expect(await stageOf(p.projectId)).toBe('TOWNSHIP_REVIEW');
    await until(
      async () => (await s.prisma.auditEvent.count({ where: { entityId: p.projectId, action: 'LIFECYCLE_EVENT_REFUSED' } })) === (refusedOutright ? 0 : 1),
      true,
      'the refusal recorded',
    );
    await decide('township', p.taskId!, { action: 'approve', checks: PASSED_CHECKS, comment: '材料齐全' });
    await approveThroughCounty(s, p.projectId);
    await until(() => stageOf(p.projectId), 'IN_POOL', 'stage');
    const scenario =
      'projectLifecycle: a forged step report refused in the township review (LIFECYCLE_EVENT_REFUSED), then approved into the pool (open in IN_POOL)';
    const stepIds = ['township-review', 'county-joint-review', 'county-approval'];
    await saveSteps({ name: 'lifecycle-refused-event', scenario, projectId: p.projectId, steps: stepIds.map((stepId) => [stepId, 1, stepId]) });
    await save('lifecycle-refused-event', scenario, p.workflowId, 'open');
  });
});
