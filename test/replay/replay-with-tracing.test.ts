/**
 * Tracing (OTEL_TRACES_EXPORTER) bundles the SDK's OpenTelemetry workflow interceptors into the
 * workflow code. Switching it on must not break running workflows: every recorded history, made
 * without them, replays with them. (Off again: test/observability/tracing.test.ts.)
 */
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { TRACING_WORKFLOW_INTERCEPTORS } from '../../src/observability/temporal-tracing';
import { bundleWorkflows } from '../../src/temporal/workflow-bundle';
import { loadHistories, replayAll, type TLoadedHistory } from './history-files';

// Every vintage in full, as in replay-histories.test.ts.
const REPLAY_TIMEOUT = 300_000;

let histories: TLoadedHistory[];
let traced: WorkflowBundle;

beforeAll(async () => {
  // The SDK-interceptor case fails on purpose: core's WARN line for it would only be noise.
  Runtime.install({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  histories = loadHistories();
  traced = await bundleWorkflows({ workflowInterceptorModules: [TRACING_WORKFLOW_INTERCEPTORS] });
});

describe('recorded histories replay with the tracing interceptors', { timeout: REPLAY_TIMEOUT }, () => {
  it('every history replays without a determinism violation, and replay exports no spans', async () => {
    const exported = new InMemorySpanExporter();
    const results = await replayAll(traced, histories, { exporter: makeWorkflowExporter(new SimpleSpanProcessor(exported), new Resource({})) });
    expect(results).toHaveLength(histories.length);
    const failures = results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error!.message}`);
    expect(failures).toEqual([]);
    // Spans of replayed work were exported when it first ran; a replay must not send them again.
    expect(exported.getFinishedSpans()).toEqual([]);
  });

  it("the harness can fail: the SDK's own OpenTelemetry workflow interceptors break a recorded project history (why workflows/tracing-interceptors.ts exists)", async () => {
    const sdkInterceptors = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');
    const sdk = await bundleWorkflows({ workflowInterceptorModules: [sdkInterceptors], logger: new DefaultLogger('ERROR') });
    // A lifecycle whose update handler and main routine resume in one activation: the SDK's extra awaits reorder their commands.
    const victim = histories.filter((h) => h.workflowId === 'project-670226f3e09a79b55e8a');
    expect(victim.length).toBeGreaterThan(0);
    const results = await replayAll(sdk, victim, { exporter: makeWorkflowExporter(new SimpleSpanProcessor(new InMemorySpanExporter()), new Resource({})) });
    expect(results.some((r) => r.error instanceof DeterminismViolationError)).toBe(true);
  });
});
