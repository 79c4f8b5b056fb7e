import { asyncLocalStorage } from '@temporalio/activity';

/**
 * Counters of what the worker's activities actually wrote (audit rows are counted by
 * src/observability/audit-row-counter.ts, for every activity), sent through the activity's metric
 * meter, so they appear on the worker's Prometheus endpoint (WORKER_METRICS_PORT) beside the SDK's
 * own metrics, tagged with the activity and task queue. Counted only after the transaction
 * committed and only when the row was new: a retried activity that finds its rows counts nothing.
 * Outside an activity (activity functions called directly in tests) there is no meter: nothing.
 */
function count(name: string, description: string, value: number, tags: Record<string, string> = {}) {
  const meter = asyncLocalStorage.getStore()?.metricMeter;
  meter?.createCounter(name, undefined, description).add(value, tags);
}

/** A payment marked paid: once per payment, with its amount in fen. */
export function countPaymentPaid(amountFen: number) {
  count('bangfu_payments_paid', 'payments paid out (marked PAID)', 1);
  count('bangfu_payments_paid_fen', 'money paid out, in fen', amountFen);
}
