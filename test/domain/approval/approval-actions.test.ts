import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { approvalMachine, findAppliedRequest, pendingSigners, taskRows, checkApprovalAction } from '../../../src/domain/approval';
import { act, actors, agriculture, DAY, ev, expectRefused, finance, SHA, start, T0, township, user } from './fixtures';

describe('RETURN and RESUBMIT (退回 / 重新提交)', () => {
  it('returned to the applicant: suspended, then resumes at the signer who returned it', () => {
    let s = start({ mode: 'SEQUENTIAL', candidates: [township, agriculture] });
    s = act(s, ev('APPROVE', actors.tom, {}));
    s = act(s, ev('RETURN', actors.carl, { reason: '补充绩效目标', target: { to: 'APPLICANT' } }));
    expect(s.value).toBe('returned');
    expect(s.context.returned).toEqual({ target: { to: 'APPLICANT' }, byTaskKey: 'township-review#2', reason: '补充绩效目标' });
    expect(pendingSigners(s)).toEqual([]);
    expect(taskRows(s).map((r) => r.status)).toEqual(['APPROVED', 'SUSPENDED']);
    // Nobody signs while the matter is with the applicant.
    expectRefused(s, ev('APPROVE', actors.carl, {}), 'TRANSITION_NOT_ALLOWED');
    expectRefused(s, ev('RESUBMIT', actors.system, {}), 'FORBIDDEN', 'actor');

    s = act(s, ev('RESUBMIT', actors.ann, { comment: '已补充' }));
    expect(s.value).toEqual({ pending: 'onTime' });
    // tom's approval stands; the chain resumes at carl.
    expect(pendingSigners(s).map((p) => p.slot)).toEqual([agriculture]);
    s = act(s, ev('APPROVE', actors.carl, {}));
    expect(s.value).toBe('approved');
  });

  it('returned to an earlier step: the workflow (system actor) resubmits once that step is through', () => {
    let s = start();
    s = act(s, ev('RETURN', actors.tom, { reason: '公示期不足', target: { to: 'STEP', stepId: 'village-publicity' } }));
    expect(s.value).toBe('returned');
    expectRefused(s, ev('RESUBMIT', actors.ann, {}), 'FORBIDDEN', 'actor');
    s = act(s, ev('RESUBMIT', actors.system, {}));
    expect(pendingSigners(s).map((p) => p.taskKey)).toEqual(['township-review#1']);
  });

  it('returned to an earlier step that ends the matter: the workflow (system actor) closes the step', () => {
    let s = start({ mode: 'COUNTERSIGN', candidates: [township, agriculture] });
    s = act(s, ev('RETURN', actors.tom, { reason: '乡镇重新审核', target: { to: 'STEP', stepId: 'village-publicity' } }));
    s = act(s, ev('WITHDRAW', actors.system, {}));
    expect(s.value).toBe('withdrawn');
    expect(taskRows(s).map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED']);
    // Only then: neither while pending nor after a return to the applicant.
    expectRefused(start(), ev('WITHDRAW', actors.system, {}), 'FORBIDDEN', 'actor');
    expectRefused(
      act(start(), ev('RETURN', actors.tom, { reason: 'x', target: { to: 'APPLICANT' } })),
      ev('WITHDRAW', actors.system, {}),
      'FORBIDDEN',
      'actor',
    );
  });

  it('returned to the applicant, the applicant may drop the matter instead of revising', () => {
    let s = start(); // default: withdraw until first decision; a return hands the matter back
    s = act(s, ev('RETURN', actors.tom, { reason: 'x', target: { to: 'APPLICANT' } }));
    s = act(s, ev('WITHDRAW', actors.ann, {}));
    expect(s.value).toBe('withdrawn');
    expect(s.context.returned).toBeNull();
    expect(taskRows(s).map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it('returned to an earlier step, withdrawal follows the usual rule', () => {
    const s = act(start(), ev('RETURN', actors.tom, { reason: 'x', target: { to: 'STEP', stepId: 'village-publicity' } }));
    expectRefused(s, ev('WITHDRAW', actors.ann, {}), 'WITHDRAW_NOT_ALLOWED');
    const lenient = act(
      start({ withdrawUntil: 'FINAL_DECISION' }),
      ev('RETURN', actors.tom, { reason: 'x', target: { to: 'STEP', stepId: 'village-publicity' } }),
    );
    expect(act(lenient, ev('WITHDRAW', actors.ann, {})).value).toBe('withdrawn');
  });
});

describe('TRANSFER (转交)', () => {
  it('hands the task to an eligible colleague; the old task is TRANSFERRED', () => {
    let s = start();
    s = act(s, ev('TRANSFER', actors.tom, { toUserId: 'tina', toRoles: actors.tina.roles }));
    expect(taskRows(s).map((r) => [r.taskKey, r.status, r.replaces])).toEqual([
      ['township-review#1', 'TRANSFERRED', null],
      ['township-review#3', 'PENDING', 'township-review#1'],
      ['township-review#2', 'WAITING', null],
    ]);
    // tom's own task is closed (transferred), so his late approval is a 409.
    expectRefused(s, ev('APPROVE', actors.tom, {}), 'TASK_NOT_PENDING');
    s = act(s, ev('APPROVE', actors.tina, {}));
    // The chain continues after the replacement task.
    expect(pendingSigners(s).map((p) => p.slot)).toEqual([agriculture]);
  });

  it('someone holding the role higher up the org tree is in scope', () => {
    const s = act(start(), ev('TRANSFER', actors.tom, { toUserId: 'cara', toRoles: actors.cara.roles }));
    expect(pendingSigners(s)[0]?.slot).toEqual(user('cara'));
  });

  it('refuses a target without the candidate role in scope', () => {
    const s = start();
    expectRefused(s, ev('TRANSFER', actors.tom, { toUserId: 'otto', toRoles: actors.outsider.roles }), 'TRANSFER_TARGET_INELIGIBLE', 'toUserId');
    expectRefused(s, ev('TRANSFER', actors.tom, { toUserId: 'carl', toRoles: actors.carl.roles }), 'TRANSFER_TARGET_INELIGIBLE', 'toUserId');
  });

  it('a named-user task may go to another named candidate', () => {
    const s = start({ mode: 'ANY_ONE', candidates: [user('tom'), user('fay')] });
    expectRefused(s, ev('TRANSFER', actors.tom, { toUserId: 'lee', toRoles: actors.lee.roles }), 'TRANSFER_TARGET_INELIGIBLE');
    // 或签: fay holding two tasks is harmless, her first approval closes the other.
    const next = act(s, ev('TRANSFER', actors.tom, { toUserId: 'fay', toRoles: [] }));
    expect(pendingSigners(next).map((p) => p.slot)).toEqual([user('fay'), user('fay')]);
    expect(act(next, ev('APPROVE', actors.fay, {})).value).toBe('approved');
  });

  it('refuses giving a named signer a second open task where every task must be signed', () => {
    // 会签 / 依次: fay could sign only one of two tasks (nobody signs twice), and the step would stall.
    for (const mode of ['COUNTERSIGN', 'SEQUENTIAL'] as const) {
      const s = start({ mode, candidates: [user('tom'), user('fay')] });
      expectRefused(s, ev('TRANSFER', actors.tom, { toUserId: 'fay', toRoles: [] }), 'ALREADY_SIGNED', 'toUserId');
      expectRefused(s, ev('ADD_SIGNER', actors.tom, { position: 'AFTER', signer: user('fay') }), 'ALREADY_SIGNED', 'signer.userId');
    }
    // A step that lets people sign twice has nothing to protect.
    const done = act(
      start({ mode: 'COUNTERSIGN', candidates: [user('tom'), user('fay')], forbidDoubleSigning: false }),
      ev('TRANSFER', actors.tom, { toUserId: 'fay', toRoles: [] }),
    );
    expect(pendingSigners(done).map((p) => p.slot)).toEqual([user('fay'), user('fay')]);
    // Steps started before the rule (the workflow passes oneOpenTaskPerSigner: false) keep the old behaviour.
    const legacy = start({ mode: 'COUNTERSIGN', candidates: [user('tom'), user('fay')], oneOpenTaskPerSigner: false });
    act(legacy, ev('TRANSFER', actors.tom, { toUserId: 'fay', toRoles: [] }));
  });
});

describe('ADD_SIGNER (加签)', () => {
  it('SEQUENTIAL, before oneself: the added signer signs first, then the chain comes back', () => {
    let s = start();
    s = act(s, ev('ADD_SIGNER', actors.tom, { position: 'BEFORE', signer: user('lee') }));
    expect(taskRows(s).map((r) => [r.slot, r.status])).toEqual([
      [user('lee'), 'PENDING'],
      [township, 'WAITING'],
      [agriculture, 'WAITING'],
    ]);
    expectRefused(s, ev('APPROVE', actors.tom, {}), 'TASK_NOT_PENDING');
    s = act(s, ev('APPROVE', actors.lee, {}));
    expect(pendingSigners(s).map((p) => p.slot)).toEqual([township]);
    s = act(s, ev('APPROVE', actors.tom, {}));
    s = act(s, ev('APPROVE', actors.carl, {}));
    expect(s.value).toBe('approved');
  });

  it('SEQUENTIAL, after oneself: the added signer goes between oneself and the next signer', () => {
    let s = start();
    s = act(s, ev('ADD_SIGNER', actors.tom, { position: 'AFTER', signer: user('lee') }));
    s = act(s, ev('APPROVE', actors.tom, {}));
    expect(pendingSigners(s).map((p) => p.slot)).toEqual([user('lee')]);
    s = act(s, ev('APPROVE', actors.lee, {}));
    expect(pendingSigners(s).map((p) => p.slot)).toEqual([agriculture]);
  });

  it('ANY_ONE, after oneself: the approval still needs the added signer; the other candidates close', () => {
    let s = start({ mode: 'ANY_ONE', candidates: [user('tom'), user('tina')] });
    s = act(s, ev('ADD_SIGNER', actors.tom, { position: 'AFTER', signer: user('lee') }));
    s = act(s, ev('APPROVE', actors.tom, {}));
    expect(s.value).toEqual({ pending: 'onTime' });
    expect(taskRows(s).map((r) => [r.slot, r.status])).toEqual([
      [user('tom'), 'APPROVED'],
      [user('lee'), 'PENDING'],
      [user('tina'), 'NO_LONGER_NEEDED'],
    ]);
    s = act(s, ev('APPROVE', actors.lee, {}));
    expect(s.value).toBe('approved');
  });

  it('COUNTERSIGN, before oneself: one more required signer, ahead of the adder', () => {
    let s = start({ mode: 'COUNTERSIGN', candidates: [agriculture, finance] });
    s = act(s, ev('ADD_SIGNER', actors.carl, { position: 'BEFORE', signer: user('lee') }));
    expect(pendingSigners(s).map((p) => p.slot)).toEqual([user('lee'), finance]);
    s = act(s, ev('APPROVE', actors.fay, {}));
    s = act(s, ev('APPROVE', actors.lee, {}));
    expect(s.value).toEqual({ pending: 'onTime' });
    s = act(s, ev('APPROVE', actors.carl, {}));
    expect(s.value).toBe('approved');
  });

  it('refuses adding oneself or the applicant', () => {
    const s = start();
    expectRefused(s, ev('ADD_SIGNER', actors.tom, { position: 'AFTER', signer: user('tom') }), 'VALIDATION_FAILED', 'signer.userId');
    expectRefused(s, ev('ADD_SIGNER', actors.tom, { position: 'AFTER', signer: user('ann') }), 'SEPARATION_OF_DUTIES', 'signer.userId');
  });
});

describe('CLAIM / UNCLAIM (认领)', () => {
  it('a claimed group task is reserved to the claimer until released', () => {
    let s = start();
    s = act(s, ev('CLAIM', actors.tom, {}));
    expect(pendingSigners(s)[0]?.claimedBy).toBe('tom');
    expectRefused(s, ev('APPROVE', actors.tina, {}), 'TASK_CLAIMED');
    expectRefused(s, ev('CLAIM', actors.tina, {}), 'TASK_CLAIMED');
    expectRefused(s, ev('CLAIM', actors.tom, {}), 'TRANSITION_NOT_ALLOWED');
    expectRefused(s, ev('UNCLAIM', actors.tina, {}), 'TASK_CLAIMED');
    s = act(s, ev('UNCLAIM', actors.tom, {}));
    expect(pendingSigners(s)[0]?.claimedBy).toBeNull();
    expectRefused(s, ev('UNCLAIM', actors.tom, {}), 'TRANSITION_NOT_ALLOWED');
    s = act(s, ev('APPROVE', actors.tina, {}));
    expect(taskRows(s)[0]?.decidedBy).toBe('tina');
  });

  it('a named-user task cannot be claimed', () => {
    expectRefused(start({ candidates: [user('tom')] }), ev('CLAIM', actors.tom, {}), 'TRANSITION_NOT_ALLOWED', 'taskKey');
  });
});

describe('COMMENT, CC (评论 / 抄送)', () => {
  it('records comments with attachment metadata in the history', () => {
    const attachment = { name: '预算表.xlsx', size: 20480, sha256: SHA, link: 'files://budget/1' };
    const s = act(start(), ev('COMMENT', actors.tom, { text: '请补充报价单', attachments: [attachment] }));
    const last = s.context.history.at(-1);
    expect(last?.event).toMatchObject({ type: 'COMMENT', text: '请补充报价单', attachments: [attachment] });
    expect(s.value).toEqual({ pending: 'onTime' });
  });

  it('refuses outsiders, empty comments and malformed attachments', () => {
    const s = start();
    expectRefused(s, ev('COMMENT', actors.outsider, { text: 'hi' }), 'FORBIDDEN', 'actor');
    expectRefused(s, ev('COMMENT', actors.tom, { text: '  ' }), 'VALIDATION_FAILED', 'text');
    expectRefused(
      s,
      ev('COMMENT', actors.tom, { text: 'x', attachments: [{ name: 'a', size: 1, sha256: 'nothex', link: 'l' }] }),
      'VALIDATION_FAILED',
      'attachments.0.sha256',
    );
  });

  it('copied-in recipients are read-only but may comment', () => {
    let s = act(start(), ev('CC', actors.ann, { recipientIds: ['mon', 'mon', 'lee'] }));
    expect(s.context.ccRecipientIds).toEqual(['mon', 'lee']);
    s = act(s, ev('COMMENT', actors.mon, { text: '已阅' }));
    expectRefused(s, ev('APPROVE', actors.mon, {}), 'NOT_A_CANDIDATE');
    expectRefused(s, ev('CC', actors.outsider, { recipientIds: ['x'] }), 'FORBIDDEN');
  });
});

describe('WITHDRAW (撤回)', () => {
  it('the applicant withdraws before any decision; open tasks are cancelled', () => {
    const s = act(start(), ev('WITHDRAW', actors.ann, { reason: '重新申报' }));
    expect(s.value).toBe('withdrawn');
    expect(taskRows(s).map((r) => r.status)).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it('closes after the first decision by default, stays open with FINAL_DECISION', () => {
    const decided = act(start(), ev('APPROVE', actors.tom, {}));
    expectRefused(decided, ev('WITHDRAW', actors.ann, {}), 'WITHDRAW_NOT_ALLOWED');
    const lenient = act(start({ withdrawUntil: 'FINAL_DECISION' }), ev('APPROVE', actors.tom, {}));
    expect(act(lenient, ev('WITHDRAW', actors.ann, {})).value).toBe('withdrawn');
  });

  it('is refused when the step forbids it, and for anyone but the applicant', () => {
    expectRefused(start({ allowWithdraw: false }), ev('WITHDRAW', actors.ann, {}), 'WITHDRAW_NOT_ALLOWED');
    expectRefused(start(), ev('WITHDRAW', actors.tom, {}), 'FORBIDDEN', 'actor');
  });
});

describe('URGE (催办)', () => {
  it('is rate-limited per task by urgeIntervalMs', () => {
    let s = act(start(), ev('URGE', actors.ann, { at: T0 }));
    expect(s.context.history.at(-1)?.affectedTaskKeys).toEqual(['township-review#1']);
    expectRefused(s, ev('URGE', actors.ann, { at: T0 + DAY - 1 }), 'URGE_RATE_LIMITED', 'at');
    expectRefused(s, ev('URGE', actors.adm, { at: T0 + 60_000 }), 'URGE_RATE_LIMITED');
    s = act(s, ev('URGE', actors.adm, { at: T0 + DAY }));
    // Once the chain moves on, the new signer can be urged straight away.
    s = act(s, ev('APPROVE', actors.tom, { at: T0 + DAY + 1 }));
    s = act(s, ev('URGE', actors.ann, { at: T0 + DAY + 2 }));
    expect(s.context.history.at(-1)?.affectedTaskKeys).toEqual(['township-review#2']);
  });

  it('honours a configured interval and refuses non-applicants', () => {
    const s = act(start({ urgeIntervalMs: 1000 }), ev('URGE', actors.ann, { at: T0 }));
    expect(checkApprovalAction({ snapshot: s, event: ev('URGE', actors.ann, { at: T0 + 1000 }) }).status).toBe('ok');
    expectRefused(s, ev('URGE', actors.tom, { at: T0 + 5000 }), 'FORBIDDEN', 'actor');
  });
});

describe('Deadlines (提醒 / 超时升级)', () => {
  it('reminds, then escalates a role task to the same role one org level up', () => {
    let s = act(start(), ev('DEADLINE_REMINDER', actors.system, {}));
    expect(s.value).toEqual({ pending: 'reminded' });
    expect(s.context.history.at(-1)?.affectedTaskKeys).toEqual(['township-review#1']);
    s = act(s, ev('DEADLINE_EXPIRED', actors.system, {}));
    expect(s.value).toEqual({ pending: 'escalated' });
    expect(taskRows(s).map((r) => [r.status, r.slot])).toEqual([
      ['ESCALATED', township],
      ['PENDING', { kind: 'role', role: 'TOWNSHIP_REVIEWER', orgUnitId: 'C', orgPath: ['C'] }],
      ['WAITING', agriculture],
    ]);
    expectRefused(s, ev('APPROVE', actors.tom, {}), 'TASK_NOT_PENDING');
    s = act(s, ev('APPROVE', actors.cara, {}));
    expect(pendingSigners(s).map((p) => p.slot)).toEqual([agriculture]);
  });

  it('uses the configured escalation target, or the one the workflow passes', () => {
    const configured = act(start({ escalationTarget: user('lee') }), ev('DEADLINE_EXPIRED', actors.system, {}));
    expect(pendingSigners(configured).map((p) => p.slot)).toEqual([user('lee')]);
    const passed = act(start({ escalationTarget: user('lee') }), ev('DEADLINE_EXPIRED', actors.system, { escalateTo: user('fay') }));
    expect(pendingSigners(passed).map((p) => p.slot)).toEqual([user('fay')]);
    // The target's own task expiring again stays theirs: no identical replacement every period.
    const again = act(configured, ev('DEADLINE_EXPIRED', actors.system, {}));
    expect(again.context.tasks).toEqual(configured.context.tasks);
    expect(again.context.history.at(-1)?.createdTaskKeys).toEqual([]);
  });

  it('with nowhere to escalate, records the expiry and leaves the task with its signer', () => {
    const s = act(start({ candidates: [user('tom')] }), ev('DEADLINE_EXPIRED', actors.system, {}));
    expect(s.value).toEqual({ pending: 'escalated' });
    expect(taskRows(s).map((r) => r.status)).toEqual(['PENDING']);
    expect(s.context.history.at(-1)?.affectedTaskKeys).toEqual([]);
  });

  it('only the workflow raises deadline events, and not while returned', () => {
    expectRefused(start(), ev('DEADLINE_EXPIRED', actors.adm, {}), 'FORBIDDEN', 'actor');
    const returned = act(start(), ev('RETURN', actors.tom, { reason: 'x', target: { to: 'APPLICANT' } }));
    expectRefused(returned, ev('DEADLINE_REMINDER', actors.system, {}), 'TRANSITION_NOT_ALLOWED');
  });

  it('a resubmission restarts the deadline substate', () => {
    let s = act(start(), ev('DEADLINE_REMINDER', actors.system, {}));
    s = act(s, ev('RETURN', actors.tom, { reason: 'x', target: { to: 'APPLICANT' } }));
    s = act(s, ev('RESUBMIT', actors.ann, {}));
    expect(s.value).toEqual({ pending: 'onTime' });
  });
});

describe('Idempotency by requestId', () => {
  it('a repeated request returns the first result and changes nothing, even after the step ended', () => {
    let s = start({ candidates: [township] });
    const approve = ev('APPROVE', actors.tom, { requestId: 'r-approve-1' });
    s = act(s, approve);
    expect(s.value).toBe('approved');
    const check = checkApprovalAction({ snapshot: s, event: approve });
    expect(check).toMatchObject({ status: 'duplicate', entry: { requestId: 'r-approve-1', result: 'approved', taskKey: 'township-review#1' } });
    expect(findAppliedRequest(s, 'r-approve-1')?.seq).toBe(1);
    expect(findAppliedRequest(s, 'nope')).toBeUndefined();
  });

  it('a duplicate in a pending step is a no-op for the machine', () => {
    const comment = ev('COMMENT', actors.tom, { text: 'once' });
    const s = act(start(), comment);
    expect(checkApprovalAction({ snapshot: s, event: comment }).status).toBe('duplicate');
    const [again] = transition(approvalMachine, s, comment);
    expect(again.context).toEqual(s.context);
    expect(again.context.history).toHaveLength(1);
  });

  it('reusing a requestId for another action is refused', () => {
    const s = act(start(), ev('COMMENT', actors.tom, { text: 'x', requestId: 'r-1' }));
    expectRefused(s, ev('APPROVE', actors.tom, { requestId: 'r-1' }), 'DUPLICATE_REQUEST', 'requestId');
    expectRefused(s, ev('COMMENT', actors.tina, { text: 'y', requestId: 'r-1' }), 'DUPLICATE_REQUEST', 'requestId');
  });
});

describe('Named candidates and explicit task keys', () => {
  it('acts on the named task and refuses unknown or foreign keys', () => {
    const s = start({ mode: 'COUNTERSIGN', candidates: [agriculture, finance] });
    expectRefused(s, ev('APPROVE', actors.carl, { taskKey: 'township-review#9' }), 'NOT_FOUND', 'taskKey');
    expectRefused(s, ev('APPROVE', actors.carl, { taskKey: 'township-review#2' }), 'NOT_A_CANDIDATE', 'taskKey');
    const next = act(s, ev('APPROVE', actors.carl, { taskKey: 'township-review#1' }));
    expectRefused(next, ev('APPROVE', actors.carl, { taskKey: 'township-review#1' }), 'TASK_NOT_PENDING', 'taskKey');
  });
});
