import { expect } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { checkReviewAction, reviewMachine, type TErrorCodeLike, type TReviewEvent, type TReviewInput, type TReviewSnapshot } from './imports';

export const DAY = 86_400_000;
/** 2026-01-10 10:00 in Asia/Shanghai. */
export const NOTIFIED_AT = Date.UTC(2026, 0, 10, 2, 0);
export const T0 = NOTIFIED_AT + DAY;

export const OFFICIAL = 'u-official-li';
export const OTHER_OFFICIAL = 'u-official-wang';
export const APPROVER = 'u-approver-zhao';
export const MEMBERS = ['m1', 'm2', 'm3'];
export const APPEAL_MEMBERS = ['p1', 'p2', 'p3'];
export const INVESTIGATOR = 'inv-1';
export const APPEAL_INVESTIGATOR = 'inv-9';
export const CLERK = 'clerk-1';
export const APPEAL_CLERK = 'clerk-9';

export function makeInput(overrides: Partial<TReviewInput> = {}): TReviewInput {
  return {
    case: {
      caseId: 'FT-2026-001',
      county: '丹凤县',
      projectIds: ['P-tea-01'],
      concernedOfficials: [
        { userId: OFFICIAL, name: '李明', post: '乡长' },
        { userId: OTHER_OFFICIAL, name: '王芳' },
      ],
      matter: '茶叶加工厂试点项目因市场价格下跌造成亏损',
      lossFen: 12_345_678,
      triggerType: 'POOR_GRADE',
      notifiedAt: NOTIFIED_AT,
    },
    approverIds: [APPROVER],
    decidingBody: { name: '丹凤县纪委监委', level: 'COUNTY', memberIds: MEMBERS },
    ...overrides,
  };
}

export function start(input: TReviewInput = makeInput()): TReviewSnapshot {
  return initialTransition(reviewMachine, input)[0];
}

/** Steps an event that must be allowed: the checker agrees, and the machine moves or records. */
export function step(snapshot: TReviewSnapshot, event: TReviewEvent): TReviewSnapshot {
  const check = checkReviewAction(snapshot, event);
  expect(check, `${event.type} should be allowed`).toMatchObject({ ok: true });
  const [next] = transition(reviewMachine, snapshot, event);
  expect(next.context, `${event.type} should change the record`).not.toBe(snapshot.context);
  return next;
}

export function steps(snapshot: TReviewSnapshot, events: TReviewEvent[]): TReviewSnapshot {
  return events.reduce(step, snapshot);
}

/**
 * Sends an event that must be refused with `code`: the checker refuses it without stepping, and
 * stepping the machine anyway leaves the snapshot exactly as it was.
 */
export function expectRefused(snapshot: TReviewSnapshot, event: unknown, code: TErrorCodeLike, field?: string) {
  const check = checkReviewAction(snapshot, event);
  expect(check).toMatchObject({ ok: false, code, ...(field === undefined ? {} : { field }) });
  const [next] = transition(reviewMachine, snapshot, event as TReviewEvent);
  expect(next.value).toEqual(snapshot.value);
  expect(next.context).toEqual(snapshot.context);
  return check;
}

export const evidence = ['https://records.example/meeting-minutes-2025-03.pdf'];

export function finding(
  criterion: Extract<TReviewEvent, { type: 'RECORD_FINDING' }>['criterion'],
  value: 'MET' | 'NOT_MET' | 'UNCLEAR',
  at = T0 + 2 * DAY,
  investigatorId = INVESTIGATOR,
): TReviewEvent {
  return { type: 'RECORD_FINDING', criterion, value, evidence: value === 'UNCLEAR' ? [] : evidence, investigatorId, at };
}

export type TFindingValues = Partial<
  Record<
    'NOT_PROHIBITED_AT_THE_TIME' | 'PROCEDURE_FOLLOWED' | 'NO_IMPROPER_GAIN' | 'DILIGENCE_AND_LOSS_RECOVERY' | 'FORCE_MAJEURE',
    'MET' | 'NOT_MET' | 'UNCLEAR'
  >
>;

export function allFindings(values: TFindingValues = {}, investigatorId = INVESTIGATOR, at = T0 + 2 * DAY): TReviewEvent[] {
  const defaults = {
    NOT_PROHIBITED_AT_THE_TIME: 'MET',
    PROCEDURE_FOLLOWED: 'MET',
    NO_IMPROPER_GAIN: 'MET',
    DILIGENCE_AND_LOSS_RECOVERY: 'MET',
    FORCE_MAJEURE: 'NOT_MET',
    ...values,
  } as const;
  return (Object.keys(defaults) as (keyof typeof defaults)[]).map((criterion) => finding(criterion, defaults[criterion], at, investigatorId));
}

/** From a fresh case to the collective decision, with the given findings. */
export function toDecision(values: TFindingValues = {}, input = makeInput()): TReviewSnapshot {
  return steps(start(input), [
    { type: 'APPLY', applicantId: OFFICIAL, at: T0 },
    { type: 'ACCEPT', actorId: CLERK, at: T0 + DAY },
    ...allFindings(values),
    { type: 'COMPLETE_INVESTIGATION', actorId: CLERK, at: T0 + 3 * DAY },
  ]);
}

export function votes(choices: Record<string, 'EXEMPT' | 'LENIENT' | 'NOT_EXEMPT'>, at = T0 + 4 * DAY): TReviewEvent[] {
  return Object.entries(choices).map(([memberId, choice]) => ({ type: 'CAST_VOTE', memberId, choice, at }));
}

export const DECIDED_AT = T0 + 5 * DAY;
export const FILED_AT = T0 + 7 * DAY;

export function decide(extra: Partial<Extract<TReviewEvent, { type: 'DECIDE' }>> = {}): TReviewEvent {
  return { type: 'DECIDE', actorId: CLERK, at: DECIDED_AT, correctiveMeasures: [], ...extra };
}

/** Decision through notice and filing, leaving the case in the appeal window (round 1). */
export function toAppealWindow(snapshot: TReviewSnapshot, decideEvent: TReviewEvent = decide()): TReviewSnapshot {
  return steps(snapshot, [
    decideEvent,
    { type: 'SERVE_NOTICE', actorId: CLERK, at: T0 + 6 * DAY },
    { type: 'PUBLICISE_AND_FILE', actorId: CLERK, at: FILED_AT },
  ]);
}
