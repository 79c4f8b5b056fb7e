import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { activeTasks, actorHoldsSlot, approvalMachine, phaseOf, type TActor, type TApprovalEvent, type TApprovalSnapshot, type TApprovalStepConfigInput } from '../../src/domain/approval';
import { approvalActUpdate, approvalStateQuery, type TApprovalAction, type TApprovalActResult } from '../../workflows/shared';
import { startTestStack, type TTestStack } from '../support/stack';
import { AGRI_SLOT, createProject, PATHS, startStep, TOWNSHIP_SLOT } from './approval-support';

let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack({ app: false });
});
afterAll(async () => {
  await s?.close();
});

/** The serialisation the graph dedupes on: state value plus what decides what can happen next. */
function serialize(snapshot: TApprovalSnapshot): string {
  const { context } = snapshot;
  return JSON.stringify({ value: snapshot.value, tasks: context.tasks.map((t) => [t.slot, t.after, t.outcome, t.claimedBy]), returned: context.returned?.target ?? null });
}

describe('model-based replay: xstate/graph paths of 依次 SEQUENTIAL, replayed against the Temporal-hosted step', () => {
  it('every shortest path ends in the same state on the workflow as in the pure machine', async () => {
    const ids = s.userIds as Record<string, string>;
    const cast: TActor[] = [
      { userId: ids.village!, roles: [{ role: 'VILLAGE_COMMITTEE', orgUnitId: 'v-taoyuan' }] },
      { userId: ids.township!, roles: [{ role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' }] },
      { userId: ids.agri!, roles: [{ role: 'COUNTY_AGRICULTURE', orgUnitId: 'c-qingshan' }] },
    ];
    const [applicant] = cast;
    const config: TApprovalStepConfigInput = { stepId: 'review', mode: 'SEQUENTIAL', candidates: [TOWNSHIP_SLOT, AGRI_SLOT], applicantId: applicant!.userId };
    let seq = 0;
    // Deadlines are covered on the time-skipping server; urges depend on the clock. Everything a
    // person can send through the API is offered, valid or not.
    const events = (snapshot: TApprovalSnapshot): TApprovalEvent[] => {
      const base = (actor: TActor) => ({ actor, requestId: `g-${++seq}`, at: 0 });
      const list: TApprovalEvent[] = [];
      for (const task of activeTasks(snapshot.context)) {
        const holder = cast.find((a) => actorHoldsSlot(a, task.slot));
        if (!holder) continue;
        list.push({ type: 'APPROVE', ...base(holder) });
        list.push({ type: 'REJECT', ...base(holder), reason: '不同意' });
        list.push({ type: 'RETURN', ...base(holder), reason: '补充', target: { to: 'APPLICANT' } });
        list.push({ type: task.claimedBy ? 'UNCLAIM' : 'CLAIM', ...base(holder) });
      }
      list.push({ type: 'APPROVE', ...base(applicant!) });
      list.push({ type: 'COMMENT', ...base(applicant!), text: '说明' });
      list.push({ type: 'WITHDRAW', ...base(applicant!) });
      list.push({ type: 'RESUBMIT', ...base(applicant!) });
      return list;
    };
    const [initial] = initialTransition(approvalMachine, config);
    const paths = getShortestPaths(approvalMachine, { input: config, events, serializeState: serialize as never, limit: 10_000 });
    const values = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    expect(values).toEqual(new Set(['{"pending":"onTime"}', '"returned"', '"approved"', '"rejected"', '"withdrawn"'].map(String)));
    expect(initial.value).toEqual({ pending: 'onTime' });

    const projectId = await createProject(s.prisma, applicant!.userId);
    const replay = async (path: (typeof paths)[number]) => {
      const { handle, workflowId } = await startStep({ client: s.client, prisma: s.prisma, taskQueue: s.taskQueue, projectId, config });
      // The pure machine steps the same events; each request is posted on the task it applies to
      // (as the API does), or on the step's first task for actions that are not a signer's.
      let pure = initial;
      let resubmitTaskId: string | null = null;
      for (const { event } of path.steps) {
        if (event.type.startsWith('xstate.')) continue;
        const e = event as TApprovalEvent;
        const before = pure;
        pure = transition(approvalMachine, pure, e)[0];
        const applied = pure.context.history.at(-1)!;
        const taskId: string = applied.taskKey ? `${workflowId}:${applied.taskKey}` : e.type === 'RESUBMIT' && resubmitTaskId ? resubmitTaskId : `${workflowId}:review#1`;
        const { actor, requestId, at: _at, ...action } = e;
        const httpActor = { userId: actor.userId, roles: actor.roles.map((r) => ({ ...r, orgPath: PATHS[r.orgUnitId]! })) };
        const answer: TApprovalActResult = await handle.executeUpdate(approvalActUpdate, { args: [{ requestId, taskId, actor: httpActor, action: action as TApprovalAction }] });
        expect([answer.phaseBefore, answer.phaseAfter]).toEqual([phaseOf(before.value), phaseOf(pure.value)]);
        if (answer.nextTaskId?.includes(':resubmit:')) resubmitTaskId = answer.nextTaskId;
      }
      const hosted = await handle.query(approvalStateQuery);
      // Graph states are representatives of their serialisation: compare with the replayed pure snapshot.
      expect(serialize(pure)).toBe(serialize(path.state as TApprovalSnapshot));
      expect(hosted.value).toEqual(pure.value);
      expect(hosted.snapshotContext.tasks.map((t) => [t.taskKey, t.outcome, t.claimedBy])).toEqual(pure.context.tasks.map((t) => [t.taskKey, t.outcome, t.claimedBy]));
      expect(hosted.snapshotContext.history.map((h) => h.event.type)).toEqual(pure.context.history.map((h) => h.event.type));
      if (pure.status !== 'done') await handle.terminate('replayed');
      return path.steps.length;
    };
    let replayed = 0;
    let steps = 0;
    // One path at a time: the embedded database serves few connections, and the point is equality, not load.
    for (let i = 0; i < paths.length; i += 1) {
      const chunk = await Promise.all(paths.slice(i, i + 1).map(replay));
      replayed += chunk.length;
      steps += chunk.reduce((a, b) => a + b, 0);
    }
    expect(replayed).toBe(paths.length);
    console.info(`[replay] ${replayed} paths, ${steps} events replayed on the hosted step`);
  }, 240_000);
});
