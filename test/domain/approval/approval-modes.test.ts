import { describe, expect, it } from 'vitest';
import { checkApprovalAction, openTasks, pendingSigners, taskRows } from '../../../src/domain/approval';
import { act, actors, agriculture, ev, expectRefused, finance, start, township, user } from './fixtures';

describe('SEQUENTIAL (依次)', () => {
  it('runs the chain in order and approves after the last signer', () => {
    let s = start({ mode: 'SEQUENTIAL', candidates: [township, agriculture] });
    expect(s.value).toEqual({ pending: 'onTime' });
    expect(pendingSigners(s).map((p) => p.slot)).toEqual([township]);
    expect(taskRows(s).map((r) => r.status)).toEqual(['PENDING', 'WAITING']);

    // The later signer cannot jump the queue.
    expectRefused(s, ev('APPROVE', actors.carl, {}), 'TASK_NOT_PENDING');

    s = act(s, ev('APPROVE', actors.tom, {}));
    expect(s.value).toEqual({ pending: 'onTime' });
    expect(pendingSigners(s).map((p) => p.slot)).toEqual([agriculture]);
    expect(taskRows(s).map((r) => [r.status, r.decidedBy])).toEqual([
      ['APPROVED', 'tom'],
      ['PENDING', null],
    ]);

    s = act(s, ev('APPROVE', actors.carl, {}));
    expect(s.value).toBe('approved');
    expect(s.status).toBe('done');
    expect(pendingSigners(s)).toEqual([]);
    expect(s.context.history.map((h) => h.result)).toEqual(['pending', 'approved']);
  });

  it('one rejection rejects the chain and closes the waiting signers', () => {
    let s = start({ mode: 'SEQUENTIAL' });
    s = act(s, ev('REJECT', actors.tom, { reason: '预算不实' }));
    expect(s.value).toBe('rejected');
    expect(taskRows(s).map((r) => r.status)).toEqual(['REJECTED', 'NO_LONGER_NEEDED']);
  });
});

describe('COUNTERSIGN (会签)', () => {
  it('needs every signer, in any order', () => {
    let s = start({ mode: 'COUNTERSIGN', candidates: [agriculture, finance] });
    expect(openTasks(s)).toHaveLength(2);
    s = act(s, ev('APPROVE', actors.fay, {}));
    expect(s.value).toEqual({ pending: 'onTime' });
    expect(pendingSigners(s).map((p) => p.slot)).toEqual([agriculture]);
    s = act(s, ev('APPROVE', actors.carl, {}));
    expect(s.value).toBe('approved');
  });

  it('one rejection rejects; the other task closes as no longer needed', () => {
    let s = start({ mode: 'COUNTERSIGN', candidates: [agriculture, finance] });
    s = act(s, ev('REJECT', actors.carl, { reason: '用地不合规' }));
    expect(s.value).toBe('rejected');
    expect(taskRows(s).map((r) => r.status)).toEqual(['REJECTED', 'NO_LONGER_NEEDED']);
  });
});

describe('ANY_ONE (或签)', () => {
  it('the first approval decides; the others become NO_LONGER_NEEDED', () => {
    let s = start({ mode: 'ANY_ONE', candidates: [user('tom'), user('tina'), agriculture] });
    expect(openTasks(s).map((r) => r.taskKey)).toEqual(['township-review#1', 'township-review#2', 'township-review#3']);
    s = act(s, ev('APPROVE', actors.tina, {}));
    expect(s.value).toBe('approved');
    expect(taskRows(s).map((r) => r.status)).toEqual(['NO_LONGER_NEEDED', 'APPROVED', 'NO_LONGER_NEEDED']);
  });

  it('two people acting at once: both pass the validator on the same snapshot, exactly one wins', () => {
    const s = start({ mode: 'ANY_ONE', candidates: [user('tom'), user('tina')] });
    const tomApproves = ev('APPROVE', actors.tom, {});
    const tinaApproves = ev('APPROVE', actors.tina, {});
    expect(checkApprovalAction({ snapshot: s, event: tomApproves }).status).toBe('ok');
    expect(checkApprovalAction({ snapshot: s, event: tinaApproves }).status).toBe('ok');
    // Temporal runs updates one at a time; the second is re-checked against the new snapshot.
    const after = act(s, tomApproves);
    expectRefused(after, tinaApproves, 'TASK_NOT_PENDING');
  });

  it('a rejection also decides', () => {
    let s = start({ mode: 'ANY_ONE', candidates: [user('tom'), user('tina')] });
    s = act(s, ev('REJECT', actors.tom, { reason: '不符合条件' }));
    expect(s.value).toBe('rejected');
  });
});
