/**
 * OpenTelemetry spans for workflow code, bundled in only when tracing is on (src/observability).
 *
 * Why not the SDK's own workflow interceptors (@temporalio/interceptors-opentelemetry): they wrap
 * each activity, child workflow and handler in several `await`s, so an activity's result reaches
 * the workflow a few microtasks later. When an update handler and the main routine resume in the
 * same activation, that reorders their commands: one recorded project history failed to replay
 * with them (an upsert of search attributes against an update's completion).
 *
 * These interceptors never await. Each returns the very promise `next` returned, and ends its span
 * in a side reaction that queues nothing else, so every coroutine resumes in the same order as
 * without them and commands are unchanged (test/replay/replay-with-tracing.test.ts). They only add
 * the trace context to headers, which replay does not compare. Spans leave the sandbox through the
 * `exporter` sink the worker injects (the SDK package's span exporter and context manager).
 */
import '@temporalio/interceptors-opentelemetry/lib/workflow/runtime';
import { context as otelContext, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  extractContextFromHeaders,
  headersWithContext,
  UPDATE_ID_ATTR_KEY,
  WORKFLOW_ID_ATTR_KEY,
} from '@temporalio/interceptors-opentelemetry/lib/instrumentation';
import { ContextManager } from '@temporalio/interceptors-opentelemetry/lib/workflow/context-manager';
import { SpanName, SPAN_DELIMITER } from '@temporalio/interceptors-opentelemetry/lib/workflow/definitions';
import { SpanExporter } from '@temporalio/interceptors-opentelemetry/lib/workflow/span-exporter';
import { ContinueAsNew, workflowInfo, type WorkflowInterceptors } from '@temporalio/workflow';

let tracer: ReturnType<BasicTracerProvider['getTracer']> | undefined;
let contextManager: ContextManager | undefined;

/** One provider per workflow context (the sandbox's globals), made on first use as the SDK's interceptors do. */
function getTracer() {
  if (!tracer) {
    contextManager = new ContextManager();
    const provider = new BasicTracerProvider();
    provider.addSpanProcessor(new SimpleSpanProcessor(new SpanExporter()));
    provider.register({ contextManager });
    tracer = provider.getTracer('bangfu-workflow');
  }
  return tracer;
}

/**
 * Runs `run` with a new span active and returns its promise untouched; the span ends when it
 * settles. `ok` tells the errors that are a normal end (continue-as-new).
 */
function traced<T>(name: string, parent: Context, attributes: Record<string, string>, run: () => Promise<T>, ok = (_err: unknown) => false): Promise<T> {
  const span = getTracer().startSpan(name, { attributes }, parent);
  let promise: Promise<T>;
  try {
    promise = otelContext.with(trace.setSpan(parent, span), run);
  } catch (err) {
    // `next` refused synchronously (bad options): no command was made, the span ends here.
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    span.end();
    throw err;
  }
  promise.then(
    () => span.end(),
    (err: unknown) => {
      if (!ok(err)) span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      span.end();
    },
  );
  return promise;
}

const name = (kind: SpanName, what: string) => `${kind}${SPAN_DELIMITER}${what}`;
const parentFrom = (headers: Parameters<typeof extractContextFromHeaders>[0]) => extractContextFromHeaders(headers) ?? otelContext.active();
const isContinueAsNew = (err: unknown) => err instanceof ContinueAsNew;

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [
    {
      execute: (input, next) =>
        traced(name(SpanName.WORKFLOW_EXECUTE, workflowInfo().workflowType), parentFrom(input.headers), {}, () => next(input), isContinueAsNew),
      handleUpdate: (input, next) =>
        traced(name(SpanName.WORKFLOW_HANDLE_UPDATE, input.name), parentFrom(input.headers), { [UPDATE_ID_ATTR_KEY]: input.updateId }, () => next(input)),
      handleSignal: (input, next) => traced(name(SpanName.WORKFLOW_HANDLE_SIGNAL, input.signalName), parentFrom(input.headers), {}, () => next(input)),
    },
  ],
  outbound: [
    {
      scheduleActivity: (input, next) =>
        traced(name(SpanName.ACTIVITY_START, input.activityType), otelContext.active(), {}, () =>
          next({ ...input, headers: headersWithContext(input.headers) }),
        ),
      scheduleLocalActivity: (input, next) =>
        traced(name(SpanName.ACTIVITY_START, input.activityType), otelContext.active(), {}, () =>
          next({ ...input, headers: headersWithContext(input.headers) }),
        ),
      startChildWorkflowExecution: (input, next) =>
        traced(name(SpanName.CHILD_WORKFLOW_START, input.workflowType), otelContext.active(), { [WORKFLOW_ID_ATTR_KEY]: input.options.workflowId ?? '' }, () =>
          next({ ...input, headers: headersWithContext(input.headers) }),
        ),
      signalWorkflow: (input, next) =>
        traced(name(SpanName.WORKFLOW_SIGNAL, input.signalName), otelContext.active(), {}, () =>
          next({ ...input, headers: headersWithContext(input.headers) }),
        ),
      continueAsNew: (input, next) => next({ ...input, headers: headersWithContext(input.headers) }),
    },
  ],
  internals: [
    {
      dispose(input, next) {
        contextManager?.disable();
        next(input);
      },
    },
  ],
});
