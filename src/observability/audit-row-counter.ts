import { AsyncLocalStorage } from 'node:async_hooks';
import { asyncLocalStorage as activityContext } from '@temporalio/activity';

/**
 * The worker's count of audit rows, by action (`bangfu_audit_events`): every new row any activity
 * writes, counted once it is committed. `writeAuditEvent` reports each new row here; inside an
 * interactive transaction (wrapped by `createPrisma`) the rows wait in that transaction's list and
 * are counted only when it committed, so a rolled-back attempt counts nothing and its retry, which
 * writes the rows then, counts them once. A retry that finds its rows written reports none.
 * Outside an activity (the API, tests calling activity functions directly) there is no meter: nothing.
 */
const uncommitted = new AsyncLocalStorage<string[]>();

function count(actions: readonly string[]) {
  const meter = activityContext.getStore()?.metricMeter;
  if (!meter || actions.length === 0) return;
  const counter = meter.createCounter('bangfu_audit_events', undefined, 'audit rows written by activities, counted once committed');
  for (const action of actions) counter.add(1, { action });
}

/** A new audit row was written: counted now, or when the transaction it was written in commits. */
export function auditRowWritten(action: string): void {
  const pending = uncommitted.getStore();
  if (pending) pending.push(action);
  else count([action]);
}

/** Runs an interactive transaction and counts the audit rows it wrote once it has committed. */
export async function countingCommittedAuditRows<T>(transaction: () => Promise<T>): Promise<T> {
  const pending: string[] = [];
  const result = await uncommitted.run(pending, transaction);
  count(pending);
  return result;
}
