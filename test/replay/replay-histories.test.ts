/**
 * Determinism and upgrades (issue #7): every history recorded in test/replay/histories (by
 * `npm run record:histories`, from the real system) must replay on the workflow code as it is now.
 * A change to workflows/ that would break a running workflow (a command added, removed, reordered
 * or renamed without a `patched()` guard) fails here, before it reaches a worker. No server is
 * needed: replay runs the bundled workflow code against the stored events.
 *
 * The last two tests prove the harness can fail: the same histories replayed on deliberately
 * altered workflows (test/replay/fixtures) must each end in a DeterminismViolationError.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { temporal } from '@temporalio/proto';
import { bundleWorkflows } from '../../src/temporal/workflow-bundle';
import { PATCH_IDS } from '../../workflows/patches';
import { listVintages, loadHistories, replayAll, type TLoadedHistory } from './history-files';

const { EventType } = temporal.api.enums.v1;
/** Recorded before the funded lifecycle was stable (the funding step was being rewritten). */
const VINTAGES_BEFORE_FUNDING = ['2026-11-28-82a1cd4', '2026-11-28-86a2153'];
const fixture = (name: string) => path.resolve(import.meta.dirname, 'fixtures', name);

let histories: TLoadedHistory[];
let current: WorkflowBundle;

beforeAll(async () => {
  // The altered bundles below fail on purpose: core's per-task WARN lines would only be noise.
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  histories = loadHistories();
  current = await bundleWorkflows();
});

/** The first argument the workflow was started with (decoded from its JSON payload). */
function startInput(h: TLoadedHistory): Record<string, any> {
  const payload = h.history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  return JSON.parse(Buffer.from(payload.data!).toString('utf8'));
}
/** The action types of the approvalAct updates a history accepted. */
const decisions = (h: TLoadedHistory): string[] =>
  (h.history.events ?? [])
    .filter(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED &&
        e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.name === 'approvalAct',
    )
    .map(
      (e) =>
        JSON.parse(Buffer.from(e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads![0]!.data!).toString('utf8')).action
          .type,
    );
const updateNames = (h: TLoadedHistory) =>
  (h.history.events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
    .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.name!);

// Every vintage is replayed in full (eight now, 318 histories): about a minute on 2 idle cores,
// several on a shared, loaded machine. The default 60 s timed out at load 25.
const REPLAY_TIMEOUT = 300_000;

describe('recorded histories replay on the current workflows', { timeout: REPLAY_TIMEOUT }, () => {
  it('the recordings cover every workflow, approval mode and path they claim to', () => {
    expect(listVintages().length).toBeGreaterThan(0);
    for (const h of histories) expect(h.history.events?.length, `${h.vintage}/${h.file}`).toBe(h.events);
    const byType = (type: string) => histories.filter((h) => h.workflowType === type);
    const steps = byType('approvalStep');
    expect(new Set(steps.map((h) => startInput(h).config.mode))).toEqual(new Set(['SEQUENTIAL', 'COUNTERSIGN', 'ANY_ONE']));
    // Each approval action and a deadline escalation appear in some step history.
    const events = new Set(steps.flatMap(decisions));
    for (const action of ['APPROVE', 'REJECT', 'RETURN', 'RESUBMIT', 'TRANSFER', 'ADD_SIGNER', 'WITHDRAW', 'CLAIM', 'UNCLAIM', 'COMMENT', 'CC', 'URGE'])
      expect(events).toContain(action);
    expect(steps.some((h) => (h.history.events ?? []).some((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED))).toBe(true);
    // Lifecycle children (id <parent>:step:<stepId>:<round>) are recorded beside their parents.
    const children = steps.filter((h) => h.workflowId.includes(':step:'));
    for (const child of children) expect(histories.some((p) => p.workflowId === child.workflowId.split(':step:')[0])).toBe(true);
    expect(byType('faultToleranceReview').length).toBeGreaterThanOrEqual(4);
    const lifecycles = byType('projectLifecycle');
    expect(lifecycles.length).toBeGreaterThanOrEqual(5);
    expect(lifecycles.flatMap(updateNames)).toContain('lodgeObjection');
    // Recorded while funding was still being rewritten: those vintages must not depend on it.
    const beforeFunding = histories.filter((h) => VINTAGES_BEFORE_FUNDING.includes(h.vintage));
    expect(beforeFunding.length).toBeGreaterThan(0);
    expect(beforeFunding.flatMap(updateNames)).not.toContain('allocateFunds');
  });

  it('the funded lifecycle is recorded: payments (flag confirmed, flag dismissed), acceptance rounds, evaluation, both runs of a continue-as-new', () => {
    const funded = histories.filter((h) => h.workflowType === 'projectLifecycle' && updateNames(h).includes('allocateFunds'));
    expect(funded.length).toBeGreaterThanOrEqual(2);
    for (const h of funded) expect(VINTAGES_BEFORE_FUNDING, h.file).not.toContain(h.vintage);
    expect(funded.flatMap(updateNames)).toContain('projectAct');
    // A run that ended in continue-as-new, and the run it started (the same workflow id).
    const first = funded.find((h) => h.status === 'WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    expect(first).toBeDefined();
    const next = histories.find((h) => h.workflowId === first!.workflowId && h !== first && h.vintage === first!.vintage);
    expect(next, 'the run after continue-as-new').toBeDefined();
    expect(next!.history.events![0]!.workflowExecutionStartedEventAttributes!.continuedExecutionRunId).toBeTruthy();
    expect(startInput(next!).carried).toMatchObject({ runs: 1, machine: { value: 'OPERATION' } });
    // The payment and review steps of the funded projects, with both risk-flag outcomes.
    const children = histories.filter((h) => funded.some((p) => h.workflowId.startsWith(`${p.workflowId}:step:`)));
    const kinds = new Set(children.map((h) => startInput(h).kind));
    for (const kind of ['PAYMENT_VERIFICATION', 'RISK_FLAG_REVIEW', 'PAYMENT_APPROVAL']) expect(kinds).toContain(kind);
    const flagActions = children.filter((h) => startInput(h).kind === 'RISK_FLAG_REVIEW').flatMap((h) => decisions(h));
    expect(new Set(flagActions)).toEqual(new Set(['APPROVE', 'REJECT']));
    const stepIds = new Set(children.map((h) => startInput(h).config.stepId));
    for (const stepId of ['acceptance', 'evaluation']) expect(stepIds).toContain(stepId);
    expect(children.filter((h) => startInput(h).config.stepId === 'acceptance').flatMap((h) => decisions(h))).toContain('REJECT');
  });

  it('every patch in force is in some recorded history, so its new branch is replayed too', () => {
    const patches = new Set(
      histories.flatMap((h) =>
        (h.history.events ?? [])
          .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
          .map((e) => JSON.parse(Buffer.from(e.markerRecordedEventAttributes!.details!['patch-data']!.payloads![0]!.data!).toString('utf8')).id as string),
      ),
    );
    // workflows/patches.ts: the registry the workflows take their ids from.
    for (const id of PATCH_IDS) expect(patches, id).toContain(id);
  });

  it('every history replays without a determinism violation', async () => {
    const results = await replayAll(current, histories);
    expect(results).toHaveLength(histories.length);
    const failures = results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error!.message}`);
    expect(failures).toEqual([]);
  });
});

describe('the harness detects breaking changes', { timeout: REPLAY_TIMEOUT }, () => {
  it.each([
    ['a timer inserted before the first activity', 'insert-timer.ts'],
    ['activities renamed', 'rename-activity.ts'],
  ])('%s: every recorded history fails with a DeterminismViolationError', async (_label, file) => {
    const altered = await bundleWorkflows({ workflowInterceptorModules: [fixture(file)] });
    const results = await replayAll(altered, histories);
    expect(results).toHaveLength(histories.length);
    for (const r of results) expect(r.error, r.workflowId).toBeInstanceOf(DeterminismViolationError);
    expect(new Set(results.map((r) => r.workflowId))).toEqual(new Set(histories.map((h) => h.workflowId)));
  });
});
