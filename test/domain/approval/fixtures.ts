import { expect } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  SYSTEM_ACTOR,
  approvalMachine,
  checkApprovalAction,
  type TActor,
  type TApprovalEvent,
  type TApprovalSnapshot,
  type TApprovalStepConfigInput,
  type TSignerSlot,
} from '../../../src/domain/approval';
import type { TErrorCode } from '../../../src/domain/errors';

// Org tree: county C → townships T1, T2 → village V1 under T1.
export const PATH_T1 = ['C', 'T1'];
export const PATH_T2 = ['C', 'T2'];

export const actors = {
  ann: { userId: 'ann', roles: [{ role: 'VILLAGE_COMMITTEE', orgUnitId: 'V1' }] },
  tom: { userId: 'tom', roles: [{ role: 'TOWNSHIP_REVIEWER', orgUnitId: 'T1' }] },
  tina: { userId: 'tina', roles: [{ role: 'TOWNSHIP_REVIEWER', orgUnitId: 'T1' }] },
  /** Township reviewer role held at county level: covers every township by ancestry. */
  cara: { userId: 'cara', roles: [{ role: 'TOWNSHIP_REVIEWER', orgUnitId: 'C' }] },
  outsider: { userId: 'otto', roles: [{ role: 'TOWNSHIP_REVIEWER', orgUnitId: 'T2' }] },
  carl: { userId: 'carl', roles: [{ role: 'COUNTY_AGRICULTURE', orgUnitId: 'C' }] },
  fay: { userId: 'fay', roles: [{ role: 'COUNTY_FINANCE', orgUnitId: 'C' }] },
  lee: { userId: 'lee', roles: [{ role: 'COUNTY_LEADING_GROUP', orgUnitId: 'C' }] },
  adm: { userId: 'adm', roles: [{ role: 'ADMIN', orgUnitId: 'C' }] },
  mon: { userId: 'mon', roles: [{ role: 'MONITOR', orgUnitId: 'C' }] },
  system: SYSTEM_ACTOR,
} satisfies Record<string, TActor>;

export const township: TSignerSlot = { kind: 'role', role: 'TOWNSHIP_REVIEWER', orgUnitId: 'T1', orgPath: PATH_T1 };
export const agriculture: TSignerSlot = { kind: 'role', role: 'COUNTY_AGRICULTURE', orgUnitId: 'C', orgPath: ['C'] };
export const finance: TSignerSlot = { kind: 'role', role: 'COUNTY_FINANCE', orgUnitId: 'C', orgPath: ['C'] };
export const user = (userId: string): TSignerSlot => ({ kind: 'user', userId });

export const DAY = 24 * 60 * 60 * 1000;
export const T0 = Date.UTC(2026, 0, 5, 1, 0, 0);

export function config(overrides: Partial<TApprovalStepConfigInput> = {}): TApprovalStepConfigInput {
  return {
    stepId: 'township-review',
    mode: 'SEQUENTIAL',
    candidates: [township, agriculture],
    applicantId: 'ann',
    returnTargets: [{ stepId: 'village-publicity', label: '村公示' }],
    ...overrides,
  };
}

export function start(overrides: Partial<TApprovalStepConfigInput> = {}): TApprovalSnapshot {
  const [snapshot] = initialTransition(approvalMachine, config(overrides));
  return snapshot;
}

let counter = 0;
type Extra<K extends TApprovalEvent['type']> = Omit<Extract<TApprovalEvent, { type: K }>, 'type' | 'actor' | 'requestId' | 'at'> & {
  requestId?: string;
  at?: number;
};

/** Builds an event with a fresh request id; `at` defaults to T0. */
export function ev<K extends TApprovalEvent['type']>(type: K, actor: TActor, extra: Extra<K>): Extract<TApprovalEvent, { type: K }> {
  counter += 1;
  return { type, actor, requestId: `req-${counter}`, at: T0, ...extra } as unknown as Extract<TApprovalEvent, { type: K }>;
}

/** Steps an accepted event: the check must say ok, and exactly one history entry must be added. */
export function act(snapshot: TApprovalSnapshot, event: TApprovalEvent): TApprovalSnapshot {
  const check = checkApprovalAction({ snapshot, event });
  expect(check, `expected ${event.type} by ${event.actor.userId} to be accepted`).toMatchObject({ status: 'ok' });
  const [next] = transition(approvalMachine, snapshot, event);
  expect(next.context.history).toHaveLength(snapshot.context.history.length + 1);
  expect(next.context.history.at(-1)?.requestId).toBe(event.requestId);
  return next;
}

/** Asserts a refusal with `code` and that stepping the event changes nothing at all. */
export function expectRefused(snapshot: TApprovalSnapshot, event: TApprovalEvent, code: TErrorCode, field?: string): void {
  const check = checkApprovalAction({ snapshot, event });
  expect(check.status, `expected ${event.type} by ${event.actor.userId} to be refused with ${code}`).toBe('refused');
  if (check.status !== 'refused') return;
  expect(check.refusal.code).toBe(code);
  if (field !== undefined) expect(check.refusal.field).toBe(field);
  expect(check.refusal.message.length).toBeGreaterThan(0);
  const [next] = transition(approvalMachine, snapshot, event);
  expect(next.value).toEqual(snapshot.value);
  expect(next.context).toEqual(snapshot.context);
}

export const SHA = 'a'.repeat(64);

/**
 * What a graph walk dedupes approval snapshots on: the state value and what decides what can happen
 * next (not the ever-growing history), with `extra` where a walk needs more.
 */
export function approvalStateKey(snapshot: TApprovalSnapshot, extra: Record<string, unknown> = {}): string {
  const { context } = snapshot;
  return JSON.stringify({
    value: snapshot.value,
    tasks: context.tasks.map((t) => [t.slot, t.after, t.outcome, t.claimedBy]),
    returned: context.returned?.target ?? null,
    ...extra,
  });
}
