import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import {
  activeTasks,
  actorHoldsSlot,
  approvalMachine,
  checkApprovalAction,
  namedPeopleOf,
  pendingSigners,
  phaseOf,
  type TActor,
  type TApprovalContext,
  type TApprovalEvent,
  type TApprovalMode,
  type TApprovalSnapshot,
  type TApprovalStepConfigInput,
} from '../../src/domain/approval';
import { approvalActUpdate, approvalStateQuery, type TApprovalAction, type TApprovalActResult } from '../../workflows/messages/approval-step';
import { namedPeopleFacts } from '../../src/db/county-people';
import { startTestStack, type TTestStack } from '../support/stack';
import { AGRI_SLOT, createProject, PATHS, startStep, TOWNSHIP_SLOT } from './approval-support';
import { approvalStateKey } from '../domain/approval/fixtures';

/**
 * Model-based replay (issue #3): every shortest path of the pure approval machine (xstate/graph),
 * for each mode, is replayed against the step hosted on the real Temporal dev server; at the end of
 * each path the hosted step must hold the same snapshot as the pure machine. All shortest paths are
 * replayed, none sampled: 28 (依次), 56 (会签) and 28 (或签) paths, about a quarter of a second each,
 * plus a transition cover (see below) so that every phase-level transition is taken on the host.
 */
let s: TTestStack;
beforeAll(async () => {
  s = await startTestStack({ app: false });
});
afterAll(async () => {
  await s?.close();
});

/** The serialisation the graph dedupes on: state value plus what decides what can happen next. */
const serialize = (snapshot: TApprovalSnapshot): string => approvalStateKey(snapshot);

/**
 * The context as both sides must hold it. Only what the host adds to an event differs: the clock
 * (`at`: 0 in the model, workflow time when hosted) and the task key it resolved from the task id
 * (the entry's own `taskKey` is compared).
 */
function comparable(context: TApprovalContext) {
  return {
    ...context,
    history: context.history.map(({ event, ...entry }) => {
      const { at: _at, taskKey: _taskKey, ...rest } = event as TApprovalEvent & { taskKey?: string };
      return { ...entry, event: rest };
    }),
  };
}

/** The step's paths per mode, and which terminal phases they must reach. */
const MODES: Array<[TApprovalMode, number]> = [
  ['SEQUENTIAL', 28],
  ['COUNTERSIGN', 56],
  ['ANY_ONE', 28],
];

describe('model-based replay: xstate/graph paths of each approval mode, replayed against the Temporal-hosted step', () => {
  it.each(MODES)(
    '%s: every shortest path ends in the same snapshot on the workflow as in the pure machine',
    async (mode, expectedPaths) => {
      const ids = s.userIds as Record<string, string>;
      const cast: TActor[] = [
        { userId: ids.village!, roles: [{ role: 'VILLAGE_COMMITTEE', orgUnitId: 'v-taoyuan' }] },
        { userId: ids.township!, roles: [{ role: 'TOWNSHIP_REVIEWER', orgUnitId: 't-hexi' }] },
        { userId: ids.agri!, roles: [{ role: 'COUNTY_AGRICULTURE', orgUnitId: 'c-qingshan' }] },
      ];
      const [applicant] = cast;
      const config: TApprovalStepConfigInput = { stepId: 'review', mode, candidates: [TOWNSHIP_SLOT, AGRI_SLOT], applicantId: applicant!.userId };
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
      // The graph itself: every phase is reachable, and the path count is pinned so that a change to
      // the machine that changes the model shows up here (update the count and the note above).
      expect(new Set(paths.map((p) => phaseOf((p.state as TApprovalSnapshot).value)))).toEqual(
        new Set(['pending', 'returned', 'approved', 'rejected', 'withdrawn']),
      );
      expect(paths).toHaveLength(expectedPaths);
      expect(initial.value).toEqual({ pending: 'onTime' });

      // Shortest paths only hold the edges that reach a new state, so transitions back to a state
      // already seen (a resubmission, an unclaim, a comment, a withdrawal while returned) never ride on
      // one. The transition cover adds, per phase-level transition (source phase, event, target
      // phase) not yet taken, one path: a shortest path to a state that accepts it plus that event.
      // Events the graph leaves out to stay small (加签, 抄送) are offered here only.
      const extras = (snapshot: TApprovalSnapshot): TApprovalEvent[] => {
        const base = (actor: TActor) => ({ actor, requestId: `x-${++seq}`, at: 0 });
        const list: TApprovalEvent[] = [{ type: 'CC', ...base(applicant!), recipientIds: [ids.monitor!] }];
        for (const task of activeTasks(snapshot.context)) {
          const holder = cast.find((a) => actorHoldsSlot(a, task.slot));
          if (!holder) continue;
          for (const position of ['BEFORE', 'AFTER'] as const)
            list.push({ type: 'ADD_SIGNER', ...base(holder), position, signer: { kind: 'user', userId: ids.finance! } });
        }
        return list;
      };
      type TReplayPath = { events: TApprovalEvent[]; state: TApprovalSnapshot };
      const eventsOf = (path: (typeof paths)[number]) => path.steps.map((step) => step.event).filter((e) => !e.type.startsWith('xstate.')) as TApprovalEvent[];
      const edge = (before: TApprovalSnapshot, e: TApprovalEvent, after: TApprovalSnapshot) => `${phaseOf(before.value)}|${e.type}|${phaseOf(after.value)}`;
      const taken = new Set<string>();
      const shortest: TReplayPath[] = paths.map((path) => {
        let snap = initial;
        for (const e of eventsOf(path)) {
          const next = transition(approvalMachine, snap, e)[0];
          taken.add(edge(snap, e, next));
          snap = next;
        }
        return { events: eventsOf(path), state: path.state as TApprovalSnapshot };
      });
      const cover: Array<TReplayPath & { edge: string }> = [];
      for (const path of shortest) {
        const reached = path.events.reduce((snap, e) => transition(approvalMachine, snap, e)[0], initial);
        for (const e of [...events(reached), ...extras(reached)]) {
          if (checkApprovalAction({ snapshot: reached, event: e }).status !== 'ok') continue;
          const after = transition(approvalMachine, reached, e)[0];
          if (taken.has(edge(reached, e, after))) continue;
          taken.add(edge(reached, e, after));
          cover.push({ events: [...path.events, e], state: after, edge: edge(reached, e, after) });
        }
      }
      // Every transition a person can cause through the API (but 转交 and 催办) is on some replayed path;
      // a resubmission never is on a shortest one.
      expect(cover.map((path) => path.edge)).toContain('returned|RESUBMIT|pending');
      expect([...taken]).toEqual(
        expect.arrayContaining([
          'pending|UNCLAIM|pending',
          'pending|COMMENT|pending',
          'pending|CC|pending',
          'pending|ADD_SIGNER|pending',
          'returned|RESUBMIT|pending',
          'returned|COMMENT|returned',
          'returned|CC|returned',
          'returned|WITHDRAW|withdrawn',
        ]),
      );

      const projectId = await createProject(s.prisma, applicant!.userId);
      const replay = async (path: TReplayPath) => {
        const { handle, workflowId } = await startStep({ client: s.client, prisma: s.prisma, taskQueue: s.taskQueue, projectId, config });
        // The pure machine steps the same events; each request is posted on the task it applies to
        // (as the API does), or on the step's first task for actions that are not a signer's.
        let pure = initial;
        let resubmitTaskId: string | null = null;
        let sent = 0;
        for (const e of path.events) {
          const before = pure;
          pure = transition(approvalMachine, pure, e)[0];
          const applied = pure.context.history.at(-1)!;
          const taskId: string = applied.taskKey
            ? `${workflowId}:${applied.taskKey}`
            : e.type === 'RESUBMIT' && resubmitTaskId
              ? resubmitTaskId
              : `${workflowId}:review#1`;
          const { actor, requestId, at: _at, ...action } = e;
          const httpActor = { userId: actor.userId, roles: actor.roles.map((r) => ({ ...r, orgPath: PATHS[r.orgUnitId]! })) };
          // The people an action names come with their account facts, as the route sends them.
          const named = await namedPeopleFacts(
            s.prisma,
            namedPeopleOf(action as TApprovalAction).map((p) => p.userId),
          );
          const answer: TApprovalActResult = await handle.executeUpdate(approvalActUpdate, {
            args: [{ requestId, taskId, actor: httpActor, action: action as TApprovalAction, named }],
          });
          expect([answer.phaseBefore, answer.phaseAfter]).toEqual([phaseOf(before.value), phaseOf(pure.value)]);
          resubmitTaskId = answer.nextTaskId?.includes(':resubmit:') ? answer.nextTaskId : pure.value === 'returned' ? resubmitTaskId : null;
          sent += 1;
        }
        const hosted = await handle.query(approvalStateQuery);
        // Graph states are representatives of their serialisation: compare with the replayed pure snapshot.
        expect(serialize(pure)).toBe(serialize(path.state));
        expect(hosted.phase).toBe(phaseOf(pure.value));
        expect(hosted.value).toEqual(pure.value);
        expect(comparable(hosted.snapshotContext)).toEqual(comparable(pure.context));
        // Where the matter waits: the active signers' tasks, or the applicant's resubmission task.
        const waiting = pendingSigners(pure).map((p) => `${workflowId}:${p.taskKey}`);
        expect(hosted.openTaskIds).toEqual(pure.value === 'returned' ? [...waiting, resubmitTaskId] : waiting);
        if (pure.status !== 'done') await handle.terminate('replayed');
        return sent;
      };
      let replayed = 0;
      let sent = 0;
      // One path at a time: the embedded database serves few connections, and the point is equality, not load.
      for (const path of [...shortest, ...cover]) {
        sent += await replay(path);
        replayed += 1;
      }
      expect(replayed).toBe(paths.length + cover.length);
      console.info(
        `[replay] ${mode}: ${paths.length} shortest paths + ${cover.length} covering the other transitions, ${sent} events replayed on the hosted step`,
      );
    },
    240_000,
  );
});
