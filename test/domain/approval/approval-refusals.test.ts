import { describe, expect, it } from 'vitest';
import type { TApprovalEvent, TApprovalSnapshot } from '../../../src/domain/approval';
import { ERROR_STATUS, type TErrorCode } from '../../../src/domain/errors';
import { act, actors, agriculture, ev, expectRefused, start, T0, township, user } from './fixtures';

interface TCase {
  name: string;
  code: TErrorCode;
  field?: string;
  setup: () => TApprovalSnapshot;
  event: () => TApprovalEvent;
}

const approvedStep = () => act(start({ candidates: [township] }), ev('APPROVE', actors.tom, {}));

/** One or more cases per refusal; every case must leave the snapshot exactly as it was. */
const cases: TCase[] = [
  {
    name: 'the applicant signs their own matter',
    code: 'SEPARATION_OF_DUTIES',
    field: 'actor',
    setup: () => start({ candidates: [user('ann'), township] }),
    event: () => ev('APPROVE', actors.ann, {}),
  },
  {
    name: 'transfer to the applicant',
    code: 'SEPARATION_OF_DUTIES',
    field: 'toUserId',
    setup: () => start(),
    event: () => ev('TRANSFER', actors.tom, { toUserId: 'ann', toRoles: actors.tom.roles }),
  },
  { name: 'acting on a decided step', code: 'TASK_NOT_PENDING', setup: approvedStep, event: () => ev('REJECT', actors.tina, { reason: 'late' }) },
  { name: 'commenting on a decided step', code: 'TASK_NOT_PENDING', setup: approvedStep, event: () => ev('COMMENT', actors.tom, { text: 'late' }) },
  { name: 'a stranger approves', code: 'NOT_A_CANDIDATE', field: 'actor', setup: () => start(), event: () => ev('APPROVE', actors.outsider, {}) },
  {
    name: 'another candidate approves a claimed task',
    code: 'TASK_CLAIMED',
    setup: () => act(start(), ev('CLAIM', actors.tina, {})),
    event: () => ev('APPROVE', actors.tom, {}),
  },
  {
    name: 'the same person signs twice in one chain',
    code: 'ALREADY_SIGNED',
    field: 'actor',
    setup: () => act(start({ candidates: [township, { kind: 'role', role: 'TOWNSHIP_REVIEWER', orgUnitId: 'T1' }] }), ev('APPROVE', actors.tom, {})),
    event: () => ev('APPROVE', actors.tom, {}),
  },
  {
    name: 'someone who signed an earlier step of the chain',
    code: 'ALREADY_SIGNED',
    setup: () => start({ priorSignerIds: ['tom'] }),
    event: () => ev('APPROVE', actors.tom, {}),
  },
  {
    name: 'adding a signer who already signed',
    code: 'ALREADY_SIGNED',
    field: 'signer.userId',
    setup: () => act(start({ mode: 'COUNTERSIGN', candidates: [township, agriculture] }), ev('APPROVE', actors.tom, {})),
    event: () => ev('ADD_SIGNER', actors.carl, { position: 'AFTER', signer: user('tom') }),
  },
  {
    name: 'withdrawal after a decision',
    code: 'WITHDRAW_NOT_ALLOWED',
    setup: () => act(start(), ev('APPROVE', actors.tom, {})),
    event: () => ev('WITHDRAW', actors.ann, {}),
  },
  { name: 'reject without a reason', code: 'REASON_REQUIRED', field: 'reason', setup: () => start(), event: () => ev('REJECT', actors.tom, { reason: '   ' }) },
  {
    name: 'return without a reason',
    code: 'REASON_REQUIRED',
    field: 'reason',
    setup: () => start(),
    event: () => ev('RETURN', actors.tom, { reason: '', target: { to: 'APPLICANT' } }),
  },
  {
    name: 'return to a step that is not an earlier step',
    code: 'RETURN_TARGET_INVALID',
    field: 'target.stepId',
    setup: () => start(),
    event: () => ev('RETURN', actors.tom, { reason: 'x', target: { to: 'STEP', stepId: 'county-approval' } }),
  },
  {
    name: 'transfer to someone out of scope',
    code: 'TRANSFER_TARGET_INELIGIBLE',
    field: 'toUserId',
    setup: () => start(),
    event: () => ev('TRANSFER', actors.tom, { toUserId: 'otto', toRoles: actors.outsider.roles }),
  },
  {
    name: 'urging twice within the interval',
    code: 'URGE_RATE_LIMITED',
    setup: () => act(start(), ev('URGE', actors.ann, { at: T0 })),
    event: () => ev('URGE', actors.ann, { at: T0 + 1 }),
  },
  {
    name: 'a request id reused for another action',
    code: 'DUPLICATE_REQUEST',
    field: 'requestId',
    setup: () => act(start(), ev('CLAIM', actors.tom, { requestId: 'same' })),
    event: () => ev('UNCLAIM', actors.tom, { requestId: 'same' }),
  },
  { name: 'a signer urges', code: 'FORBIDDEN', field: 'actor', setup: () => start(), event: () => ev('URGE', actors.tom, {}) },
  { name: 'resubmit while pending', code: 'TRANSITION_NOT_ALLOWED', setup: () => start(), event: () => ev('RESUBMIT', actors.ann, {}) },
  { name: 'an unknown task key', code: 'NOT_FOUND', field: 'taskKey', setup: () => start(), event: () => ev('CLAIM', actors.tom, { taskKey: 'x#1' }) },
  {
    name: 'a malformed event',
    code: 'VALIDATION_FAILED',
    field: 'requestId',
    setup: () => start(),
    event: () => ({ ...ev('APPROVE', actors.tom, {}), requestId: '' }),
  },
];

describe('refusals: typed code, nothing changes', () => {
  it.each(cases)('$code: $name', ({ code, field, setup, event }) => {
    expectRefused(setup(), event(), code, field);
  });

  it('every approval refusal code exists with an HTTP status, and each is exercised above', () => {
    const approvalCodes: TErrorCode[] = [
      'SEPARATION_OF_DUTIES',
      'TASK_NOT_PENDING',
      'NOT_A_CANDIDATE',
      'TASK_CLAIMED',
      'ALREADY_SIGNED',
      'WITHDRAW_NOT_ALLOWED',
      'REASON_REQUIRED',
      'RETURN_TARGET_INVALID',
      'TRANSFER_TARGET_INELIGIBLE',
      'URGE_RATE_LIMITED',
      'DUPLICATE_REQUEST',
      'FORBIDDEN',
      'TRANSITION_NOT_ALLOWED',
      'NOT_FOUND',
      'VALIDATION_FAILED',
    ];
    for (const code of approvalCodes) expect(ERROR_STATUS[code], code).toBeGreaterThanOrEqual(400);
    expect(new Set(cases.map((c) => c.code))).toEqual(new Set(approvalCodes));
    expect(ERROR_STATUS.TASK_NOT_PENDING).toBe(409);
    expect(ERROR_STATUS.URGE_RATE_LIMITED).toBe(429);
  });
});
