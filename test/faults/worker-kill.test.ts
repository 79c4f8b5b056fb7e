/**
 * kill -9 of the worker during approvals. The worker runs as deployed (`src/worker.ts` in a
 * process of its own, configured by TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE and DATABASE_URL), so it
 * uses the `public` schema that global setup migrated; the API runs in-process (`buildApp`). The
 * worker reaches the database through a TCP proxy whose traps stop an activity at a known point
 * (its SQL), so the kill lands there every time:
 * - an approval sent while no worker runs;
 * - one activity whose transaction has committed but whose worker never heard so (the retry must
 *   not write again), and at the same moment another whose COMMIT never reached the database
 *   (the retry must write it all).
 * Afterwards each request has exactly one Decision and one AuditEvent, the workflow and the
 * database agree on the stage and the open tasks, and each project's record equals that of a
 * project that saw no fault.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRequestId, type TTestStack } from '../support/stack';
import { activityAttempts, agreement, call, decisionUrl, propose, recordOf, rowsOfRequest, sleep } from './support/faults';
import { startKillStack } from './support/kill-stack';
import type { TTcpProxy } from './support/tcp-proxy';
import { PASSED_CHECKS } from '../support/proposal';

let k: Awaited<ReturnType<typeof startKillStack>>;
let s: TTestStack;
let proxy: TTcpProxy;
let control: { projectId: string; taskId: string };

const approve = (taskId: string, requestId: string) =>
  call(s, 'township', 'POST', decisionUrl(taskId), { action: 'approve', comment: '同意', checks: PASSED_CHECKS, requestId });

beforeAll(async () => {
  k = await startKillStack();
  ({ s, proxy } = k);
});
afterAll(async () => {
  await k?.close();
});

describe('kill -9 of the worker during approvals', () => {
  it('an approval sent while no worker runs waits for the next worker and applies once', async () => {
    // The path every faulted project takes, without a fault.
    control = await propose(s, '对照项目');
    expect((await approve(control.taskId, newRequestId())).statusCode).toBe(200);
    await agreement(s, s.prisma, control.projectId, 'COUNTY_JOINT_REVIEW');

    const project = await propose(s, '无人值守项目');
    await k.kill();
    const requestId = newRequestId();
    const first = approve(project.taskId, requestId);
    await sleep(3_000);
    const retry = approve(project.taskId, requestId);
    const outstanding = await Promise.race([first.then(() => 'answered'), retry.then(() => 'answered'), sleep(2_000).then(() => 'outstanding')]);
    expect(outstanding).toBe('outstanding');
    const restartedAt = Date.now();
    await k.restart();
    const [a, b] = await Promise.all([first, retry]);
    console.log(`[faults] worker down: approval and its retry outstanding, both answered ${Date.now() - restartedAt} ms after a new worker started`);
    expect([a.statusCode, b.statusCode], a.body + b.body).toEqual([200, 200]);
    expect(b.json()).toEqual(a.json());
    await agreement(s, s.prisma, project.projectId, 'COUNTY_JOINT_REVIEW');
    expect(await rowsOfRequest(s.prisma, requestId)).toEqual({ decisions: 1, auditEvents: 1 });
    expect(await recordOf(s.prisma, project.projectId)).toEqual(await recordOf(s.prisma, control.projectId));
  });

  it('killed with one activity committed but unacknowledged and another before its COMMIT: the next worker finishes both, once each', async () => {
    const committed = { project: await propose(s, '已提交未确认项目'), requestId: newRequestId() };
    const open = { project: await propose(s, '未提交项目'), requestId: newRequestId() };
    const decisionOf = (requestId: string) => new RegExp(`INSERT INTO "[^"]+"\\."Decision"[\\s\\S]*${requestId}`);

    // The first transaction commits; the answer to its COMMIT is withheld from the worker.
    const afterCommit = proxy.trap({ when: decisionOf(committed.requestId), then: /COMMIT/, hold: 'response' });
    const committedAnswer = approve(committed.project.taskId, committed.requestId);
    await afterCommit;
    // The second has written everything but its COMMIT, which never reaches the database.
    const beforeCommit = proxy.trap({ when: decisionOf(open.requestId), then: /COMMIT/, hold: 'request' });
    const openAnswer = approve(open.project.taskId, open.requestId);
    await beforeCommit;
    await k.kill();
    const killedAt = Date.now();

    // The kill landed where it was meant to: one Decision durable, the other rolled back.
    expect(await rowsOfRequest(s.prisma, committed.requestId)).toEqual({ decisions: 1, auditEvents: 1 });
    expect(await rowsOfRequest(s.prisma, open.requestId)).toEqual({ decisions: 0, auditEvents: 0 });
    // A client retry meanwhile: the committed one is answered from its record, the other waits.
    const replay = await approve(committed.project.taskId, committed.requestId);
    expect(replay.statusCode, replay.body).toBe(200);
    const openRetry = approve(open.project.taskId, open.requestId);

    await k.restart();
    const answers = await Promise.all([committedAnswer, openAnswer, openRetry]);
    const recoveredMs = Date.now() - killedAt;
    expect(
      answers.map((a) => a.statusCode),
      answers.map((a) => a.body).join('\n'),
    ).toEqual([200, 200, 200]);
    expect(replay.json()).toEqual({ ...answers[0]!.json(), replayed: true });
    expect(answers[2]!.json()).toEqual(answers[1]!.json());

    for (const { project, requestId } of [committed, open]) {
      await agreement(s, s.prisma, project.projectId, 'COUNTY_JOINT_REVIEW');
      expect(await rowsOfRequest(s.prisma, requestId)).toEqual({ decisions: 1, auditEvents: 1 });
      expect(await recordOf(s.prisma, project.projectId)).toEqual(await recordOf(s.prisma, control.projectId));
    }
    // The record is a regular activity written after the approval was accepted, in the project's
    // workflow that hosts the step: the killed worker's attempt timed out on the server and the new
    // worker's attempt is the one history shows, writing nothing twice (rows above). The project's
    // recordStepChange activities in order: the township step's activation, this decision's
    // record (the retried one), the county step's activation.
    const workflowOf = async (taskId: string) => (await s.prisma.task.findUniqueOrThrow({ where: { id: taskId } })).workflowId;
    const attempts = [
      await activityAttempts(s, await workflowOf(committed.project.taskId), 'recordStepChange'),
      await activityAttempts(s, await workflowOf(open.project.taskId), 'recordStepChange'),
    ];
    for (const a of attempts) {
      expect(a[1], JSON.stringify(attempts)).toBeGreaterThanOrEqual(2);
      expect(
        a.filter((attempt) => attempt >= 2),
        JSON.stringify(attempts),
      ).toHaveLength(1);
    }
    console.log(
      `[faults] worker kill -9 mid-activity: both approvals answered ${recoveredMs} ms after the kill (the killed worker's activity attempt timed out, then the new worker ran it again); recordStepChange attempts per project ${JSON.stringify(attempts)}`,
    );
  });
});
