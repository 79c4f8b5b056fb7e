/**
 * Issue #19: one approval is one trace, from the HTTP request through the Temporal client, the
 * workflow's update handler and the activity to the SQL it sends. Spans are kept in memory by the
 * real tracing setup (src/observability/tracing.ts) with the real app, client and worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Worker } from '@temporalio/worker';
import { installTracing, type TTracing } from '../../src/observability/tracing';
import { bundleWorkflows } from '../../src/temporal/workflow-bundle';
import { PASSED_CHECKS } from '../support/proposal';
import { newRequestId, sampleProposal, startTestStack, type TTestStack } from '../support/stack';

const exporter = new InMemorySpanExporter();
let tracing: TTracing;
let s: TTestStack;
beforeAll(async () => {
  tracing = installTracing({ processor: new SimpleSpanProcessor(exporter), serviceName: 'bangfu-test' });
  s = await startTestStack({ tracing });
});
afterAll(async () => {
  await s?.close();
  await tracing?.shutdown();
});

const call = (url: string, token: string, payload: object) => s.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } });

describe('tracing', () => {
  it('one township approval over HTTP is one trace: HTTP span → client update → project workflow handler → activity → SQL', async () => {
    const started = await call('/api/projects', s.tokens.village!, { ...sampleProposal(), requestId: newRequestId() });
    expect(started.statusCode).toBe(201);
    const { taskId } = started.json() as { taskId: string };
    const task = await s.prisma.task.findUniqueOrThrow({ where: { id: taskId } });

    const decided = await call(`/api/tasks/${encodeURIComponent(taskId)}/decision`, s.tokens.township!, {
      action: 'approve',
      checks: PASSED_CHECKS,
      requestId: newRequestId(),
    });
    expect(decided.statusCode).toBe(200);

    const spans = () => exporter.getFinishedSpans();
    const named = (name: string, parent?: ReadableSpan) =>
      spans().filter(
        (sp) => sp.name === name && (!parent || (sp.parentSpanId === parent.spanContext().spanId && sp.spanContext().traceId === parent.spanContext().traceId)),
      );
    const http = named('POST /api/tasks/:taskId/decision');
    expect(http).toHaveLength(1);
    const httpSpan = http[0]!;
    expect(httpSpan.parentSpanId).toBeUndefined();
    expect(httpSpan.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/api/tasks/:taskId/decision', 'http.response.status_code': 200 });

    // The route's own reads (the bearer token, the task) are SQL spans of the API, children of the request.
    const routeSql = spans().filter((sp) => sp.parentSpanId === httpSpan.spanContext().spanId && sp.name === 'sql SELECT');
    expect(routeSql.length).toBeGreaterThanOrEqual(2);

    const [update] = named('StartWorkflowUpdate:approvalAct', httpSpan);
    expect(update, 'the client span is a child of the HTTP span').toBeDefined();
    // The step is hosted in the project's workflow (ADR 0010): the Update goes there.
    expect(update!.attributes).toMatchObject({ temporalWorkflowId: `project-${task.projectId}` });
    expect(task.workflowId).toBe(`project-${task.projectId}`);

    // Workflow spans leave the sandbox through the sink after the workflow task completes.
    await expect.poll(() => named('HandleUpdate:approvalAct', update).length, { timeout: 15_000 }).toBe(1);
    const [handler] = named('HandleUpdate:approvalAct', update);
    const [scheduled] = named('StartActivity:recordStepChange', handler);
    expect(scheduled, 'the handler schedules the record activity').toBeDefined();
    await expect.poll(() => named('RunActivity:recordStepChange', scheduled).length, { timeout: 15_000 }).toBe(1);
    const [activity] = named('RunActivity:recordStepChange', scheduled);
    const sql = spans().filter((sp) => sp.parentSpanId === activity!.spanContext().spanId && sp.name.startsWith('sql '));
    expect(sql.length, 'the activity sends its SQL inside its span').toBeGreaterThan(0);
    expect(sql.map((sp) => sp.attributes['db.system'])).toEqual(sql.map(() => 'postgresql'));
    expect(sql.map((sp) => sp.attributes['db.statement'])).toContainEqual(expect.stringMatching(/"Task"/));
    expect(sql.map((sp) => sp.name)).toContain('sql COMMIT');

    // No second Update: the step's phase change reaches the lifecycle inside the same workflow.
    expect(named('StartWorkflowUpdate:stepReportUpdate', activity)).toEqual([]);

    const traceIds = new Set([httpSpan, update!, handler!, scheduled!, activity!, ...sql].map((sp) => sp.spanContext().traceId));
    expect(traceIds.size).toBe(1);
  });

  it('a history written with tracing on replays on workflow code bundled without the tracing interceptors', async () => {
    const started = await call('/api/projects', s.tokens.village!, { ...sampleProposal(), requestId: newRequestId() });
    const { taskId, workflowId } = started.json() as { taskId: string; workflowId: string };
    const decided = await call(`/api/tasks/${encodeURIComponent(taskId)}/decision`, s.tokens.township!, {
      action: 'approve',
      checks: PASSED_CHECKS,
      requestId: newRequestId(),
    });
    expect(decided.statusCode).toBe(200);
    const task = await s.prisma.task.findUniqueOrThrow({ where: { id: taskId } });
    const plain = await bundleWorkflows();
    for (const id of [workflowId, task.workflowId]) {
      const history = await s.client.workflow.getHandle(id).fetchHistory();
      // Switching tracing off must not break workflows that ran with it: their headers are ignored.
      await Worker.runReplayHistory({ workflowBundle: plain, replayName: `tracing-off-${id}` }, history, id);
    }
  });
});
