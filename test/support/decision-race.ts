/**
 * The decision race (issue #14, phantom approvals): N concurrent approvals with distinct request
 * ids, by several people, on one standalone approval step, and the comparison of every record and
 * every caller's answer with the step's workflow history, the only authority on what was decided.
 * Used by test/api/decision-race.test.ts and, with the worker killed mid-burst, by
 * test/faults/decision-race-kill.test.ts.
 */
import { expect } from 'vitest';
import { temporal } from '@temporalio/proto';
import { issueToken } from '../../src/auth/tokens';
import type { TApprovalStepConfigInput, TSignerSlot } from '../../src/domain/approval';
import { AGRI_SLOT, startStepOnNewProject } from '../workflows/approval-support';
import { newRequestId, type TTestStack } from './stack';

const { EventType } = temporal.api.enums.v1;

export type TRacePerson = { id: string; token: string; slot: 'township' | 'agri' };
export type TRaceAnswer = { requestId: string; userId: string; taskId: string; status: number; code: string | null };

/** Five township reviewers of 河西镇 and four agriculture officials of the county, with tokens. */
export async function racePeople(s: TTestStack, prefix = 'race'): Promise<TRacePerson[]> {
  const people: TRacePerson[] = [];
  for (const [slot, role, orgUnitId, n] of [
    ['township', 'TOWNSHIP_REVIEWER', 't-hexi', 5],
    ['agri', 'COUNTY_AGRICULTURE', 'c-qingshan', 4],
  ] as const) {
    for (let i = 0; i < n; i += 1) {
      const user = await s.prisma.user.create({ data: { username: `${prefix}-${slot}-${i}`, displayName: `竞态 ${slot} ${i}`, passwordHash: 'x' } });
      await s.prisma.roleAssignment.create({ data: { userId: user.id, role, orgUnitId } });
      people.push({ id: user.id, token: await issueToken(s.prisma, user.id, 'test'), slot });
    }
  }
  return people;
}

/** The approvalAct Updates a step's history accepted, and whether each completed successfully. */
export async function acceptedUpdates(s: TTestStack, workflowId: string) {
  const { events } = await s.client.workflow.getHandle(workflowId).fetchHistory();
  const accepted = new Map<string, { requestId: string; userId: string; taskId: string; type: string }>();
  const completed = new Map<string, boolean>();
  for (const e of events ?? []) {
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) {
      const req = e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!;
      if (req.input!.name !== 'approvalAct') continue;
      const cmd = JSON.parse(Buffer.from(req.input!.args!.payloads![0]!.data!).toString('utf8'));
      accepted.set(req.meta!.updateId!, { requestId: cmd.requestId, userId: cmd.actor.userId, taskId: cmd.taskId, type: cmd.action.type });
    }
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) {
      const done = e.workflowExecutionUpdateCompletedEventAttributes!;
      completed.set(done.meta!.updateId!, !done.outcome!.failure);
    }
  }
  return [...accepted.entries()].map(([updateId, a]) => ({ ...a, succeeded: completed.get(updateId) === true }));
}

/**
 * One round: a fresh step, `callers` approvals sent at once (spread over the step's tasks and the
 * people who may sign each), `during` run while they are in flight; waits for the step to end.
 */
export async function raceRound(
  s: TTestStack,
  people: TRacePerson[],
  opts: {
    config: Partial<TApprovalStepConfigInput> & { candidates: TSignerSlot[] };
    callers: number;
    during?: () => Promise<void>;
  },
) {
  const { config } = opts;
  const st = await startStepOnNewProject({
    client: s.client,
    prisma: s.prisma,
    taskQueue: s.taskQueue,
    config: { stepId: 'race', mode: 'SEQUENTIAL', applicantId: s.userIds.village!, ...config },
  });
  const slotOf = (n: number): TRacePerson['slot'] => (config.candidates[n - 1] === AGRI_SLOT ? 'agri' : 'township');
  const calls = Array.from({ length: opts.callers }, (_, i) => {
    const n = (i % config.candidates.length) + 1;
    const eligible = people.filter((p) => p.slot === slotOf(n));
    return { person: eligible[i % eligible.length]!, taskId: st.taskId(n), requestId: newRequestId() };
  });
  const answered = Promise.all(
    calls.map(async ({ person, taskId, requestId }): Promise<TRaceAnswer> => {
      const res = await s.app.inject({
        method: 'POST',
        url: `/api/tasks/${encodeURIComponent(taskId)}/decision`,
        headers: { authorization: `Bearer ${person.token}` },
        payload: { action: 'approve', comment: '同意', requestId },
      });
      return {
        requestId,
        userId: person.id,
        taskId,
        status: res.statusCode,
        code: res.statusCode === 200 ? null : (res.json().error?.code ?? String(res.statusCode)),
      };
    }),
  );
  await opts.during?.();
  const answers = await answered;
  await st.handle.result();
  return { ...st, answers, slots: config.candidates.length };
}

/**
 * Records = history = answers: every Update the history accepted has exactly one Decision and one
 * TASK_* audit event and no other request has any (a record written in a workflow task that the
 * server then discarded shows here as a phantom); every 200 answers an accepted Update and every
 * other answer is a 409 for one history never accepted; each slot is decided at most once, and its
 * Task row names the person history names. Returns the accepted Updates.
 */
export async function expectRecordsMatchHistory(s: TTestStack, round: Awaited<ReturnType<typeof raceRound>>) {
  const accepted = await acceptedUpdates(s, round.workflowId);
  const taskIds = Array.from({ length: round.slots }, (_, i) => round.taskId(i + 1));
  const [decisions, audits, tasks] = await Promise.all([
    s.prisma.decision.findMany({ where: { taskId: { in: taskIds } } }),
    s.prisma.auditEvent.findMany({ where: { entityId: { in: taskIds }, action: { startsWith: 'TASK_' } } }),
    s.prisma.task.findMany({ where: { id: { in: taskIds } }, orderBy: { id: 'asc' } }),
  ]);
  const acceptedIds = accepted.map((a) => a.requestId).sort();
  expect(
    accepted.every((a) => a.succeeded),
    'every accepted Update completed',
  ).toBe(true);
  expect(decisions.map((d) => d.requestId).sort(), 'Decision rows = accepted Updates').toEqual(acceptedIds);
  expect(audits.map((a) => a.requestId).sort(), 'TASK_* audit events = accepted Updates').toEqual(acceptedIds);
  for (const d of decisions) expect(accepted.find((a) => a.requestId === d.requestId)).toMatchObject({ userId: d.actorId, taskId: d.taskId });
  for (const answer of round.answers) {
    const wasAccepted = acceptedIds.includes(answer.requestId);
    expect({ ...answer, wasAccepted }).toEqual({ ...answer, wasAccepted: answer.status === 200 });
    if (answer.status !== 200) expect(answer.status, JSON.stringify(answer)).toBe(409);
  }
  for (const task of tasks) {
    const onTask = accepted.filter((a) => a.taskId === task.id);
    expect(onTask.length, `approvals accepted on ${task.id}`).toBeLessThanOrEqual(1);
    if (onTask[0]) expect(task).toMatchObject({ status: 'DONE', outcome: 'APPROVED', assigneeId: onTask[0].userId });
  }
  return accepted;
}
