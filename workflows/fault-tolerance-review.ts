import * as wf from '@temporalio/workflow';
import { PATCHES } from './patches';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { initialTransition } from 'xstate';
import { transition } from './machine-transition';
import {
  applicationClosesAt,
  checkReviewAction,
  OUTCOME_LABELS_ZH,
  reviewMachine,
  type TReviewEvent,
  type TReviewSnapshot,
  type TWriteOfficialRecordsParams,
} from '../src/domain/fault-tolerance';
import { covers, type TActor } from '../src/domain/actor';
import type { Activities } from '../activities';
import type { TReviewCaseRow } from '../activities/review-records';
import { reviewEventFor, reviewRoleRefusal } from '../src/domain/fault-tolerance/review-actions';
import {
  reviewActUpdate,
  reviewStateQuery,
  type TReviewActCommand,
  type TReviewActResult,
  type TReviewOutcome,
  type TReviewStateView,
  type TReviewWorkflowInput,
} from './messages/review';
import { SA } from './messages/search-attributes';
import { ACTIVITY_OPTIONS } from './activity-options';
import { fail } from './refusal';
import { createSerial } from './serial';

// Database outages are waited out: the case keeps its place and retries with backoff.
const acts = wf.proxyActivities<Activities>(ACTIVITY_OPTIONS);

const SYSTEM = 'system';

/**
 * Upgrade patch (docs/upgrading.md): search attributes are upserted only when
 * they change. Lifecycle: patched (now) → deprecatePatch once no case started before it is open →
 * removed once no case started before the deprecation is open.
 */
const UPSERT_ON_CHANGE_PATCH = PATCHES.reviewUpsertOnChange;

/**
 * One fault-tolerance review case (容错纠错, domain.md §3), workflow id `review-<caseId>`. Hosts
 * the pure `reviewMachine`: every human action is the `reviewAct` Update, whose validator runs the
 * role check (REVIEW_EVENT_ACTORS) and `checkReviewAction`, so a refused action never enters
 * history; the handler steps the machine synchronously before any await, then records the change
 * with one idempotent activity (case row, ReviewAction, AuditEvent, and the official records once
 * the result is final). The application and appeal windows are durable timers that raise the
 * machine's *_WINDOW_CLOSED events. The workflow ends when the machine reaches a final state; the
 * case row keeps the final context, from which the API answers later requests.
 */
export async function faultToleranceReview(input: TReviewWorkflowInput): Promise<TReviewOutcome> {
  const workflowId = wf.workflowInfo().workflowId;
  let [snapshot] = initialTransition(reviewMachine, input.review) as [TReviewSnapshot, unknown];
  const { case: reviewCase } = snapshot.context;
  const concernedUserIds = reviewCase.concernedOfficials.map((o) => o.userId);
  const results = new Map<string, TReviewActResult>();
  /** Who sent each requestId first. */
  const requesters = new Map<string, string>();
  let seq = 0;
  let openedById: string | null = null;
  let openedAt = 0;

  const stage = () => String(snapshot.value);
  const decision = () => snapshot.context.rounds[snapshot.context.rounds.length - 1]!.decision;
  const outcome = () => decision()?.outcome ?? null;
  const done = () => snapshot.status === 'done';

  /** The search attributes last upserted, so that an action that changes none of them upserts nothing. */
  let published: string | null = null;
  const publish = () => {
    const o = outcome();
    const attributes: SearchAttributeUpdatePair[] = [
      { key: SA.ReviewStage, value: stage() },
      { key: SA.County, value: reviewCase.county },
      ...(o ? [{ key: SA.Outcome, value: o }] : []),
    ];
    const current = JSON.stringify(attributes.map(({ key, value }) => [key.name, value]));
    const unchanged = current === published;
    published = current;
    // Cases started before this patch upserted after every action (five findings, three votes: the
    // same values each time, one history event each); they replay that way, new cases skip repeats.
    const skip = unchanged && wf.patched(UPSERT_ON_CHANGE_PATCH);
    if (input.searchAttributes !== false && !skip) wf.upsertSearchAttributes(attributes);
    const due =
      stage() === 'application'
        ? `申请截止 ${new Date(applicationClosesAt(snapshot.context)).toISOString()}`
        : stage() === 'appealWindow' && snapshot.context.appealClosesAt
          ? `申诉截止 ${new Date(snapshot.context.appealClosesAt).toISOString()}`
          : '—';
    wf.setCurrentDetails(
      `**容错纠错** ${reviewCase.caseId} · ${reviewCase.county}  \n**事项** ${reviewCase.matter}  \n` +
        `**阶段** ${stage()}  \n**结果** ${o ? OUTCOME_LABELS_ZH[o] : '未认定'}  \n**期限** ${due}  \n**已记录** ${seq} 项`,
    );
  };

  // Persistence runs strictly in the order of the transitions, whatever the interleaving of handlers.
  const serial = createSerial();

  const caseRow = (at: number): TReviewCaseRow => ({
    id: reviewCase.caseId,
    workflowId,
    stage: stage(),
    outcome: outcome(),
    countyId: input.countyId,
    county: reviewCase.county,
    projectIds: reviewCase.projectIds,
    concernedOfficials: reviewCase.concernedOfficials,
    matter: reviewCase.matter,
    triggerType: reviewCase.triggerType,
    openedById: openedById ?? SYSTEM,
    context: snapshot.context,
    seq,
    openedAt: openedAt || at,
    decidedAt: decision()?.at ?? null,
    closedAt: done() ? at : null,
  });

  /** Steps the machine (synchronously, before any await) and records the change in order. */
  const apply = (event: TReviewEvent, requestId: string, actor: TActor | null): { result: TReviewActResult; recorded: Promise<unknown> } => {
    const stageBefore = stage();
    const [next, effects] = transition(reviewMachine, snapshot, event);
    snapshot = next as TReviewSnapshot;
    seq += 1;
    if (event.type === 'APPLY' || event.type === 'OPEN_BY_BODY') {
      openedById = actor?.userId ?? null;
      openedAt = event.at;
    }
    publish();
    const result: TReviewActResult = { requestId, caseId: reviewCase.caseId, type: event.type, seq, stageBefore, stageAfter: stage(), outcome: outcome() };
    const grant = actor?.roles.find((g) => covers(g, input.countyOrgPath)) ?? null;
    const change = {
      at: event.at,
      caseRow: caseRow(event.at),
      action: {
        requestId,
        seq,
        type: event.type,
        actorId: actor?.userId ?? SYSTEM,
        role: grant?.role ?? null,
        stageBefore,
        stageAfter: stage(),
        payload: event,
      },
      // The machine's named effect, executed here as part of the same record.
      officialRecords: effects.flatMap((effect) => (effect.type === 'writeOfficialRecords' ? (effect.params as TWriteOfficialRecordsParams).records : [])),
    };
    return { result, recorded: serial(() => acts.recordReviewChange(change)) };
  };

  const check = (cmd: TReviewActCommand): TReviewEvent => {
    const role = reviewRoleRefusal(cmd.actor, cmd.action?.type, { countyOrgPath: input.countyOrgPath, concernedUserIds, rounds: snapshot.context.rounds });
    if (role) fail(role);
    const checked = checkReviewAction(snapshot, reviewEventFor(cmd.action, cmd.actor.userId, Date.now()));
    if (!checked.ok) fail(checked);
    return checked.event;
  };

  /**
   * A requestId belongs to the user who first sent it: their retry is answered from its first
   * application, whatever the state now; anyone else reusing it is validated on their own and, if
   * the action would pass, refused as a duplicate (the record keys actions by requestId).
   */
  const earlier = (cmd: TReviewActCommand): TReviewActResult | undefined => {
    const first = results.get(cmd.requestId);
    if (first === undefined || requesters.get(cmd.requestId) === cmd.actor.userId) return first;
    check(cmd);
    return fail({ code: 'DUPLICATE_REQUEST', message: 'this requestId was already used for another action', field: 'requestId' });
  };

  wf.setHandler(
    reviewActUpdate,
    async (cmd) => {
      const again = earlier(cmd);
      if (again) return again;
      const { result, recorded } = apply(check(cmd), cmd.requestId, cmd.actor);
      results.set(cmd.requestId, result);
      requesters.set(cmd.requestId, cmd.actor.userId);
      await recorded;
      return result;
    },
    {
      validator: (cmd: TReviewActCommand) => {
        if (!earlier(cmd)) check(cmd);
      },
    },
  );

  wf.setHandler(reviewStateQuery, (): TReviewStateView => ({
    caseId: reviewCase.caseId,
    stage: stage(),
    final: done(),
    seq,
    outcome: outcome(),
    applicationClosesAt: stage() === 'application' ? applicationClosesAt(snapshot.context) : null,
    appealClosesAt: snapshot.context.appealClosesAt ?? null,
    context: snapshot.context,
  }));

  /** A window closing: the machine decides whether the event applies; nothing happens otherwise. */
  const raise = async (type: 'APPLICATION_WINDOW_CLOSED' | 'APPEAL_WINDOW_CLOSED') => {
    const event = { type, at: Date.now() } as TReviewEvent;
    if (!checkReviewAction(snapshot, event).ok) return false;
    await apply(event, `${workflowId}:${type.toLowerCase()}`, null).recorded;
    return true;
  };

  publish();
  while (!done()) {
    const current = stage();
    const closesAt =
      current === 'application' ? applicationClosesAt(snapshot.context) : current === 'appealWindow' ? snapshot.context.appealClosesAt : undefined;
    if (closesAt === undefined) {
      await wf.condition(() => done() || stage() !== current);
      continue;
    }
    const moved = await wf.condition(() => done() || stage() !== current, Math.max(closesAt - Date.now(), 1));
    if (!moved && !(await raise(current === 'application' ? 'APPLICATION_WINDOW_CLOSED' : 'APPEAL_WINDOW_CLOSED'))) {
      await wf.condition(() => done() || stage() !== current);
    }
  }

  await wf.condition(wf.allHandlersFinished);
  await serial.settled();
  return { caseId: reviewCase.caseId, stage: stage(), outcome: outcome(), actions: seq };
}
